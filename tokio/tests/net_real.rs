//! Under `--cfg simloop`: real sockets behind the simulated network's types
//! (`tokio/src/sim/net/real.rs`): a `TcpStream`, `TcpListener`, `UnixStream` or
//! `UnixListener` handed in with `from_std` is tokio's own socket in the runtime's real
//! reactor, polled from simulated tasks; a TCP connect to a loopback port no simulated
//! listener has reaches a real listener; `AsFd` gives the real descriptor; a
//! `TcpSocket` made with `from_std_stream` listens and connects for real. Regression
//! tests of tokio's `tcp_peek`, `tcp_split`, `tcp_into_split`, `io_driver_drop` and
//! `process_issue_8042`, which failed with `Unsupported` (a real socket could not reach
//! the simulated network).
#![cfg(all(simloop, unix))]

extern crate simloop_tokio as tokio;
extern crate tokio as real_tokio;

use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream, UnixListener, UnixStream};
use tokio::simulation::{Explorer, explore};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A connected pair of real sockets: ours (non-blocking, for `from_std`) and its peer.
fn real_pair() -> (std::net::TcpStream, std::net::TcpStream) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ours = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    ours.set_nonblocking(true).unwrap();
    let (peer, _) = listener.accept().unwrap();
    (ours, peer)
}

/// An unconnected, unbound real TCP socket as std's type, as code building its socket
/// with `socket2` hands it to `TcpSocket::from_std_stream`.
fn unconnected() -> std::net::TcpStream {
    let socket = real_tokio::net::TcpSocket::new_v4().unwrap();
    std::net::TcpStream::from(socket.as_fd().try_clone_to_owned().unwrap())
}

/// tokio's `tcp_peek`: a std socket handed in is read and peeked from a run, woken by
/// the reactor thread when the peer (another thread) writes later.
#[test]
fn a_std_stream_handed_in_is_peeked_and_read_in_a_run() {
    let (ours, mut peer) = real_pair();
    let raw = ours.as_raw_fd();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        peer.write_all(&[1, 2, 3, 4]).unwrap();
        peer
    });
    let read = rt().block_on(async move {
        let mut stream = TcpStream::from_std(ours).unwrap();
        // `AsFd` gives the real descriptor (a simulated stream's is a placeholder).
        assert_eq!(stream.as_fd().as_raw_fd(), raw);
        let mut buf = [0; 16];
        let n = stream.peek(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], [1, 2, 3, 4]);
        let n = stream.read(&mut buf).await.unwrap();
        buf[..n].to_vec()
    });
    assert_eq!(read, [1, 2, 3, 4]);
    writer.join().unwrap();
}

/// tokio's `tcp_split` and `tcp_into_split`: `TcpStream::connect` to a loopback port no
/// simulated listener has connects for real (a std thread serves it); split halves work,
/// and dropping the owned write half shuts the write side down (the peer reads EOF).
#[test]
fn connect_reaches_a_real_listener_on_loopback() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.write_all(b"split").unwrap();
        let mut got = Vec::new();
        // EOF once the client drops its write half.
        stream.read_to_end(&mut got).unwrap();
        got
    });
    rt().block_on(async move {
        let stream = TcpStream::connect(addr).await.unwrap();
        assert_eq!(stream.peer_addr().unwrap(), addr);
        let (mut read, mut write) = stream.into_split();
        let mut buf = [0; 5];
        read.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"split");
        write.write_all(b"back").await.unwrap();
        drop(write);
        assert_eq!(
            read.read(&mut buf).await.unwrap(),
            0,
            "the server closed after EOF"
        );
    });
    assert_eq!(server.join().unwrap(), b"back");
}

/// The fallback is a refusal's only: a port a simulated listener holds stays simulated,
/// and a loopback port nobody holds, simulated or real, is still refused.
#[test]
fn connect_prefers_the_simulated_listener_and_a_free_port_is_refused() {
    rt().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        assert_eq!(listener.local_addr().unwrap().port(), 32768);
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        // A simulated stream: it stays simulated (`net_into_std.rs` has its `into_std`).
        assert!(client.peer_addr().unwrap().port() == 32768);
        let (_server, _) = listener.accept().await.unwrap();
        // A port that was free a moment ago in the real host, with nothing simulated.
        let free = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let err = TcpStream::connect(free).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    });
}

/// tokio's `io_driver_drop`: a real listener's pending accept is woken with an error when
/// its runtime drops (the reactor's drop is waited for), and later accepts fail.
#[test]
fn a_real_listeners_accept_fails_when_its_runtime_drops() {
    let rt = rt();
    let listener = {
        let _enter = rt.enter();
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        TcpListener::from_std(std_listener).unwrap()
    };
    let waker = std::sync::Arc::new(Flag::default());
    let mut accept = Box::pin(listener.accept());
    let task_waker = std::task::Waker::from(waker.clone());
    let mut cx = std::task::Context::from_waker(&task_waker);
    assert!(accept.as_mut().poll(&mut cx).is_pending());
    drop(rt);
    assert!(
        waker.0.load(std::sync::atomic::Ordering::SeqCst),
        "woken by the drop"
    );
    match accept.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Err(_)) => {}
        other => panic!("expected the shutdown error, got {other:?}"),
    }
}

#[derive(Default)]
struct Flag(std::sync::atomic::AtomicBool);

impl std::task::Wake for Flag {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

use std::future::Future;

/// `into_std` gives a handed-in stream's socket back; `from_std` again takes it.
#[test]
fn a_real_stream_goes_back_to_std_and_in_again() {
    let (ours, mut peer) = real_pair();
    rt().block_on(async move {
        let stream = TcpStream::from_std(ours).unwrap();
        let mut std_stream = stream.into_std().unwrap();
        std_stream.set_nonblocking(false).unwrap();
        peer.write_all(b"std").unwrap();
        let mut buf = [0; 3];
        std_stream.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"std");
        std_stream.set_nonblocking(true).unwrap();
        let mut stream = TcpStream::from_std(std_stream).unwrap();
        peer.write_all(b"tokio").unwrap();
        let mut buf = [0; 5];
        stream.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"tokio");
    });
}

/// tokio's `process_issue_8042`: a std Unix socket handed in; a Unix listener handed in
/// accepts a std client, and its accepted stream echoes.
#[test]
fn unix_sockets_handed_in_work_in_a_run() {
    let (ours, mut peer) = std::os::unix::net::UnixStream::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    let dir = std::env::temp_dir().join(format!("simloop-net-real-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("listener.sock");
    let _ = std::fs::remove_file(&path);
    let std_listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let client_path = path.clone();
    let client = std::thread::spawn(move || {
        let mut client = std::os::unix::net::UnixStream::connect(client_path).unwrap();
        client.write_all(b"ping").unwrap();
        let mut buf = [0; 4];
        client.read_exact(&mut buf).unwrap();
        buf
    });
    rt().block_on(async move {
        let mut stream = UnixStream::from_std(ours).unwrap();
        stream.write_all(b"pair").await.unwrap();
        let listener = UnixListener::from_std(std_listener).unwrap();
        let (mut accepted, _) = listener.accept().await.unwrap();
        let mut buf = [0; 4];
        accepted.read_exact(&mut buf).await.unwrap();
        accepted.write_all(&buf).await.unwrap();
        assert!(listener.into_std().is_ok());
    });
    let mut buf = [0; 4];
    peer.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"pair");
    assert_eq!(&client.join().unwrap(), b"ping");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A simulated socket has no OS socket: its descriptor is one placeholder for them all
/// (socket calls on it fail rather than reach another socket).
#[test]
fn simulated_sockets_lend_a_placeholder_descriptor() {
    rt().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let a = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (b, _) = UnixStream::pair().unwrap();
        assert_eq!(a.as_raw_fd(), b.as_raw_fd());
        assert_eq!(a.as_raw_fd(), listener.as_raw_fd());
        // Every simulated socket type, as tokio's, has a descriptor: the same one.
        let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let (dgram, _) = tokio::net::UnixDatagram::pair().unwrap();
        let tcp_socket = TcpSocket::new_v4().unwrap();
        let unix_socket = tokio::net::UnixSocket::new_stream().unwrap();
        for fd in [
            udp.as_raw_fd(),
            dgram.as_raw_fd(),
            tcp_socket.as_raw_fd(),
            unix_socket.as_raw_fd(),
        ] {
            assert_eq!(fd, a.as_raw_fd());
        }
        let (ours, _peer) = real_pair();
        let raw = ours.as_raw_fd();
        assert_ne!(
            TcpStream::from_std(ours).unwrap().as_raw_fd(),
            a.as_raw_fd()
        );
        assert_ne!(raw, a.as_raw_fd());
    });
}

/// As tokio's `from_std` without a reactor: a runtime built without I/O panics.
#[test]
#[should_panic(expected = "IO is disabled")]
fn from_std_panics_in_a_runtime_without_io() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let (ours, _peer) = real_pair();
    rt.block_on(async move {
        let _ = TcpStream::from_std(ours);
    });
}

/// An explored run hears no other thread's wakes: it refuses a real socket (and a
/// refused connect stays refused), so explored runs stay a function of their seed.
#[test]
fn explored_runs_take_no_real_socket() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let report = explore(&Explorer::new().seed(1).runs(1), move || async move {
        let (ours, _peer) = real_pair();
        let err = TcpStream::from_std(ours).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
        let err = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    });
    assert!(report.passed(), "{report:?}");
    drop(listener);
}

/// Before its virtual clock advances, an idle run turns its reactor once and waits for it
/// (as tokio's paused clock polls its I/O driver before auto-advancing): bytes already
/// queued on a real socket wake the reader before a virtual 5 s timer fires. Without the
/// turn the clock jumped at once, before the reactor thread had seen the bytes (tokio's
/// `signal_realtime` failed so: 28 signals sent, then collected under a virtual sleep).
#[test]
fn pending_real_events_come_before_the_clock_advances() {
    for _ in 0..20 {
        let (ours, mut peer) = real_pair();
        peer.write_all(b"queued").unwrap();
        let first = rt().block_on(async move {
            let mut stream = TcpStream::from_std(ours).unwrap();
            let mut buf = [0; 6];
            tokio::select! {
                biased;
                _ = tokio::time::sleep(Duration::from_secs(5)) => "timer",
                _ = stream.read_exact(&mut buf) => "bytes",
            }
        });
        assert_eq!(first, "bytes");
    }
}

/// A std socket made a `TcpSocket` (`from_std_stream`) is real: its options and address
/// are the OS's, its `listen` a real listener that a std client reaches, its `connect`
/// a real stream. It was `Unsupported`.
#[test]
fn a_tcp_socket_from_a_std_socket_listens_and_connects_for_real() {
    rt().block_on(async {
        let server = TcpSocket::from_std_stream(unconnected());
        server.set_reuseaddr(true).unwrap();
        assert!(server.reuseaddr().unwrap());
        server.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = server.local_addr().unwrap();
        let raw = server.as_raw_fd();
        let listener = server.listen(16).unwrap();
        assert_eq!(listener.as_raw_fd(), raw);
        assert_eq!(listener.local_addr().unwrap(), addr);
        let client = std::thread::spawn(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            stream.write_all(b"std").unwrap();
        });
        let (mut accepted, _) = listener.accept().await.unwrap();
        let mut buf = [0; 3];
        accepted.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"std");
        client.join().unwrap();

        let socket = TcpSocket::from_std_stream(unconnected());
        socket.set_nodelay(true).unwrap();
        let mut stream = socket.connect(addr).await.unwrap();
        assert!(stream.nodelay().unwrap());
        assert_eq!(stream.peer_addr().unwrap(), addr);
        let (mut other, _) = listener.accept().await.unwrap();
        stream.write_all(b"real").await.unwrap();
        let mut buf = [0; 4];
        other.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"real");

        // A simulated socket is as before: its listener is the simulated network's.
        let simulated = TcpSocket::new_v4().unwrap();
        simulated.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        assert_eq!(simulated.local_addr().unwrap().port(), 32768);
        assert_ne!(simulated.as_raw_fd(), raw);
    });
}

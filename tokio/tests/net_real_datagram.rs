//! Under `--cfg simloop`: real datagram sockets behind the simulated network's types
//! (`tokio/src/sim/net/real.rs`): a `UdpSocket` handed in with `from_std` is tokio's own
//! socket in the runtime's real reactor, polled from simulated tasks, and `into_std`
//! gives it back; a `UnixDatagram` too. Both were `Unsupported` (a program handing tokio
//! a socket it made itself, a UDP socket with `SO_REUSEPORT` or one end of a
//! `socketpair` to a child process say, failed under the cfg).
#![cfg(all(simloop, unix))]

extern crate simloop_tokio as tokio;

use std::io::ErrorKind;
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use tokio::io::Interest;
use tokio::net::{UdpSocket, UnixDatagram};
use tokio::simulation::{Explorer, explore};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A real UDP socket for `from_std` (non-blocking) and a peer, both on loopback.
fn real_udp() -> (std::net::UdpSocket, std::net::UdpSocket) {
    let ours = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    ours.set_nonblocking(true).unwrap();
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    (ours, peer)
}

/// A std socket handed in receives what a std peer (another thread, later) sends, woken
/// by the reactor thread; it sends back; its addresses, readiness and options are the
/// OS's.
#[test]
fn a_std_udp_socket_handed_in_sends_and_receives_in_a_run() {
    let (ours, peer) = real_udp();
    let ours_addr = ours.local_addr().unwrap();
    let peer_addr = peer.local_addr().unwrap();
    let raw = ours.as_raw_fd();
    let echo = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        peer.send_to(b"ping", ours_addr).unwrap();
        let mut buf = [0; 8];
        let (n, from) = peer.recv_from(&mut buf).unwrap();
        (buf[..n].to_vec(), from)
    });
    rt().block_on(async move {
        let socket = UdpSocket::from_std(ours).unwrap();
        assert_eq!(socket.as_fd().as_raw_fd(), raw);
        assert_eq!(socket.local_addr().unwrap(), ours_addr);
        assert_eq!(
            socket.peer_addr().unwrap_err().kind(),
            ErrorKind::NotConnected
        );
        let mut buf = [0; 8];
        assert_eq!(
            socket.try_recv_from(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        assert_eq!(socket.peek_sender().await.unwrap(), peer_addr);
        let (n, from) = socket.peek_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"ping"[..], peer_addr));
        let (n, from) = socket.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"ping"[..], peer_addr));
        socket.connect(peer_addr).await.unwrap();
        assert_eq!(socket.peer_addr().unwrap(), peer_addr);
        let ready = socket.ready(Interest::WRITABLE).await.unwrap();
        assert!(ready.is_writable());
        assert_eq!(socket.send(b"pong").await.unwrap(), 4);
        socket.set_broadcast(true).unwrap();
        assert!(socket.broadcast().unwrap());
        socket.set_ttl(42).unwrap();
        assert_eq!(socket.ttl().unwrap(), 42);
        assert!(socket.take_error().unwrap().is_none());
        // The OS's: bound to no device.
        #[cfg(target_os = "linux")]
        assert_eq!(socket.device().unwrap(), None);
    });
    let (got, from) = echo.join().unwrap();
    assert_eq!((&got[..], from), (&b"pong"[..], ours_addr));
}

/// `into_std` gives a handed-in socket back (the same descriptor, its options kept);
/// `from_std` takes it again. A simulated socket has no OS socket to give.
#[test]
fn a_real_udp_socket_goes_back_to_std_and_in_again() {
    let (ours, peer) = real_udp();
    let raw = ours.as_raw_fd();
    rt().block_on(async move {
        let socket = UdpSocket::from_std(ours).unwrap();
        socket.set_ttl(7).unwrap();
        let std_socket = socket.into_std().unwrap();
        assert_eq!(std_socket.as_raw_fd(), raw);
        assert_eq!(std_socket.ttl().unwrap(), 7);
        let socket = UdpSocket::from_std(std_socket).unwrap();
        peer.send_to(b"again", socket.local_addr().unwrap())
            .unwrap();
        let mut buf = [0; 8];
        let n = socket.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"again");

        let simulated = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert_ne!(simulated.as_raw_fd(), raw);
        let err = simulated.into_std().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
    });
}

/// The real socket is on the real network, the simulated one on the simulated network:
/// a datagram from one to the other's address goes nowhere the other hears it (the
/// simulated port is no real one), and the simulated sockets are as before.
#[test]
fn real_and_simulated_udp_sockets_live_side_by_side() {
    let (ours, _peer) = real_udp();
    rt().block_on(async move {
        let real = UdpSocket::from_std(ours).unwrap();
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        // Ephemeral ports of the simulated network count from 32768 in each runtime.
        assert_eq!(a.local_addr().unwrap().port(), 32768);
        a.send_to(b"sim", b.local_addr().unwrap()).await.unwrap();
        let mut buf = [0; 4];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"sim"[..], a.local_addr().unwrap()));
        a.send_to(b"x", real.local_addr().unwrap()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(
            real.try_recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
    });
}

/// An explored run hears no other thread's wakes: it refuses a real socket, so explored
/// runs stay a function of their seed.
#[test]
fn explored_runs_take_no_real_udp_socket() {
    let report = explore(&Explorer::new().seed(1).runs(1), || async {
        let (ours, _peer) = real_udp();
        let err = UdpSocket::from_std(ours).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
        let (ours, _peer) = std::os::unix::net::UnixDatagram::pair().unwrap();
        let err = UnixDatagram::from_std(ours).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
    });
    assert!(report.passed(), "{report:?}");
}

/// A std Unix-domain datagram socket handed in (one end of a pair, the other on a std
/// thread): it receives, sends back, shuts down and goes back to std.
#[test]
fn a_std_unix_datagram_handed_in_works_in_a_run() {
    let (ours, peer) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ours.set_nonblocking(true).unwrap();
    let raw = ours.as_raw_fd();
    let echo = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        peer.send(b"ping").unwrap();
        let mut buf = [0; 8];
        let n = peer.recv(&mut buf).unwrap();
        buf[..n].to_vec()
    });
    rt().block_on(async move {
        let socket = UnixDatagram::from_std(ours).unwrap();
        assert_eq!(socket.as_raw_fd(), raw);
        assert!(socket.local_addr().unwrap().is_unnamed());
        assert!(socket.peer_addr().unwrap().is_unnamed());
        let mut buf = [0; 8];
        assert_eq!(
            socket.try_recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        let n = socket.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"ping");
        socket.writable().await.unwrap();
        assert_eq!(socket.send(b"pong").await.unwrap(), 4);
        assert!(socket.take_error().unwrap().is_none());
        socket.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(
            socket.try_send(b"late").unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
        let std_socket = socket.into_std().unwrap();
        assert_eq!(std_socket.as_raw_fd(), raw);

        let (a, _b) = UnixDatagram::pair().unwrap();
        assert_ne!(a.as_raw_fd(), raw);
        assert_eq!(a.into_std().unwrap_err().kind(), ErrorKind::Unsupported);
    });
    assert_eq!(echo.join().unwrap(), b"pong");
}

/// A real Unix datagram socket bound at a path of the host's file system receives
/// from a std socket there; the simulated network's names are its own (a simulated
/// socket bound at the same path is no clash).
#[test]
fn a_real_unix_datagram_bound_at_a_path_receives_from_std() {
    let dir = std::env::temp_dir().join(format!("simloop-net-real-dgram-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dgram.sock");
    let _ = std::fs::remove_file(&path);
    let std_socket = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
    std_socket.set_nonblocking(true).unwrap();
    let sender = std::os::unix::net::UnixDatagram::unbound().unwrap();
    let to = path.clone();
    rt().block_on(async move {
        let socket = UnixDatagram::from_std(std_socket).unwrap();
        assert_eq!(
            socket.local_addr().unwrap().as_pathname(),
            Some(to.as_path())
        );
        let simulated = UnixDatagram::bind(&to).unwrap();
        sender.send_to(b"host", &to).unwrap();
        let mut buf = [0; 8];
        let (n, from) = socket.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"host");
        assert!(from.is_unnamed());
        assert_eq!(
            simulated.try_recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

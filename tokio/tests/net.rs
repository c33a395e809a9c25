//! Under `--cfg simloop`: the simulated network (`tokio::net`): TCP and UDP between tasks
//! of a run, in memory, with the OS's errors and a trace that is a function of the seed.
#![cfg(simloop)]

extern crate simloop_tokio as tokio;

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};
use tokio::net::{TcpListener, TcpSocket, TcpStream, UdpSocket};
use tokio::simulation::simloop::Policy;
use tokio::simulation::{Explorer, check_determinism, explore};

/// Three clients connect to one server, each sends its number and reads it back; the
/// server records the order it accepted them in and the ports they came from.
async fn three_clients(log: Arc<Mutex<Vec<(u8, u16)>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut clients = Vec::new();
    for id in 0..3u8 {
        clients.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(&[id]).await.unwrap();
            assert_eq!(s.read_u8().await.unwrap(), id);
        }));
    }
    for _ in 0..3 {
        let (mut s, peer) = listener.accept().await.unwrap();
        let log = log.clone();
        tokio::spawn(async move {
            let id = s.read_u8().await.unwrap();
            log.lock().unwrap().push((id, peer.port()));
            s.write_all(&[id]).await.unwrap();
        });
    }
    for c in clients {
        c.await.unwrap();
    }
}

/// The log of `three_clients` under `policy` and `seed`.
fn three_clients_log(policy: Policy, seed: u64) -> Vec<(u8, u16)> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let report = explore(&Explorer::new().policy(policy).seed(seed).runs(1), || {
        let log = log.clone();
        log.lock().unwrap().clear();
        three_clients(log)
    });
    assert!(report.passed(), "{report:?}");
    log.lock().unwrap().clone()
}

#[test]
fn the_same_seed_gives_the_same_connections_and_ports() {
    for policy in [Policy::Random, Policy::Pct { depth: 3 }] {
        for seed in 0..5 {
            let first = three_clients_log(policy, seed);
            assert_eq!(first.len(), 3);
            assert_eq!(
                first,
                three_clients_log(policy, seed),
                "{policy} seed {seed}"
            );
        }
    }
}

#[test]
fn a_network_program_passes_the_determinism_check() {
    for policy in [Policy::Fifo, Policy::Random, Policy::Pct { depth: 3 }] {
        let explorer = Explorer::new().policy(policy).seed(11);
        check_determinism(&explorer, || three_clients(Arc::default()))
            .unwrap_or_else(|e| panic!("{policy}: {e}"));
    }
}

#[test]
fn seeds_explore_the_order_connections_are_served_in() {
    let orders: std::collections::BTreeSet<Vec<u8>> = (0..30)
        .map(|seed| {
            three_clients_log(Policy::Random, seed)
                .into_iter()
                .map(|(id, _)| id)
                .collect()
        })
        .collect();
    assert!(
        orders.len() > 1,
        "30 seeds served the clients in one order: {orders:?}"
    );
}

#[tokio::test]
async fn ephemeral_ports_are_counted_per_runtime_and_bound_ports_are_kept() {
    let a = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let c = TcpListener::bind("0.0.0.0:8080").await.unwrap();
    assert_eq!(a.local_addr().unwrap(), "127.0.0.1:32768".parse().unwrap());
    assert_eq!(b.local_addr().unwrap(), "127.0.0.1:32768".parse().unwrap());
    assert_eq!(c.local_addr().unwrap(), "0.0.0.0:8080".parse().unwrap());
    let client = TcpStream::connect("127.0.0.1:8080").await.unwrap();
    assert_eq!(client.local_addr().unwrap().port(), 32769);
    let (server, peer) = c.accept().await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    assert_eq!(
        server.local_addr().unwrap(),
        "127.0.0.1:8080".parse().unwrap()
    );
}

#[tokio::test]
async fn binding_and_connecting_fail_as_on_an_os() {
    let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = taken.local_addr().unwrap();
    let err = TcpListener::bind(addr).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
    let err = TcpListener::bind("192.0.2.1:80").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrNotAvailable);
    drop(taken);
    let err = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    assert!(
        TcpListener::bind(addr).await.is_ok(),
        "the port was given back"
    );
    let err = TcpStream::connect("db.internal:5432").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

#[tokio::test]
async fn a_dropped_peer_gives_eof_then_broken_pipe() {
    let (mut client, mut server) = pair().await;
    client.write_all(b"last words").await.unwrap();
    drop(client);
    let mut got = String::new();
    server.read_to_string(&mut got).await.unwrap();
    assert_eq!(got, "last words");
    let err = server.write_all(b"anyone?").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe);
}

#[tokio::test]
async fn a_zero_linger_drop_resets_the_connection() {
    let (client, mut server) = pair().await;
    client.set_zero_linger().unwrap();
    drop(client);
    let err = server.read(&mut [0; 8]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset);
}

#[tokio::test]
async fn a_full_send_buffer_blocks_the_writer_until_the_peer_reads() {
    let (client, mut server) = pair().await;
    let chunk = vec![7u8; 64 * 1024];
    let mut sent = 0;
    loop {
        match client.try_write(&chunk) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(sent, 256 * 1024);
    let writer = tokio::spawn(async move {
        let mut client = client;
        client.write_all(b"more").await.unwrap();
        client
    });
    tokio::task::yield_now().await;
    assert!(!writer.is_finished(), "the write waits for room");
    let mut all = vec![0; sent + 4];
    server.read_exact(&mut all).await.unwrap();
    assert_eq!(&all[sent..], b"more");
    writer.await.unwrap();
}

#[tokio::test]
async fn shutdown_gives_the_peer_eof_and_the_halves_carry_on() {
    let (client, mut server) = pair().await;
    let (mut read, mut write) = client.into_split();
    write.write_all(b"bye").await.unwrap();
    write.shutdown().await.unwrap();
    let mut got = Vec::new();
    server.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"bye");
    server.write_all(b"ok").await.unwrap();
    let mut reply = [0; 2];
    assert_eq!(read.peek(&mut reply).await.unwrap(), 2);
    read.read_exact(&mut reply).await.unwrap();
    assert_eq!(&reply, b"ok");
    assert!(read.reunite(write).is_ok());
}

#[tokio::test]
async fn readiness_is_cleared_by_would_block_and_set_by_the_peer() {
    let (client, server) = pair().await;
    assert_eq!(
        server.try_read(&mut [0; 4]).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    let readable = tokio::spawn(async move {
        let ready = server.ready(Interest::READABLE).await.unwrap();
        (ready.is_readable(), server)
    });
    tokio::task::yield_now().await;
    assert!(!readable.is_finished());
    client.try_write(b"x").unwrap();
    let (is_readable, server) = readable.await.unwrap();
    assert!(is_readable);
    assert_eq!(server.try_read(&mut [0; 4]).unwrap(), 1);
}

#[tokio::test]
async fn a_tcp_socket_binds_before_connecting() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:5000".parse().unwrap()).unwrap();
    let stream = socket
        .connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (_, peer) = listener.accept().await.unwrap();
    assert_eq!(peer, "127.0.0.1:5000".parse::<SocketAddr>().unwrap());
    assert_eq!(stream.local_addr().unwrap(), peer);
}

/// tokio's `device`/`bind_device` (`SO_BINDTODEVICE`) and its deprecated `tos`/`set_tos`
/// exist on `TcpSocket` and `UdpSocket` (code calling them did not compile under the
/// cfg): a simulated socket keeps the device name (an empty one unbinds, as Linux's),
/// and `tos` is `tos_v4`.
#[cfg(target_os = "linux")]
#[tokio::test]
#[allow(deprecated)]
async fn sockets_keep_their_device_and_tos_is_tos_v4() {
    let tcp = TcpSocket::new_v4().unwrap();
    assert_eq!(tcp.device().unwrap(), None);
    tcp.bind_device(Some(b"eth0")).unwrap();
    assert_eq!(tcp.device().unwrap(), Some(b"eth0".to_vec()));
    tcp.bind_device(Some(b"")).unwrap();
    assert_eq!(tcp.device().unwrap(), None);
    tcp.set_tos(16).unwrap();
    assert_eq!((tcp.tos().unwrap(), tcp.tos_v4().unwrap()), (16, 16));

    let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    udp.bind_device(Some(b"lo")).unwrap();
    assert_eq!(udp.device().unwrap(), Some(b"lo".to_vec()));
    udp.bind_device(None).unwrap();
    assert_eq!(udp.device().unwrap(), None);
    udp.set_tos_v4(8).unwrap();
    assert_eq!(udp.tos().unwrap(), 8);
    udp.set_tos(4).unwrap();
    assert_eq!(udp.tos_v4().unwrap(), 4);
}

#[tokio::test]
async fn udp_datagrams_arrive_whole_and_in_order_and_a_connected_socket_filters() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let c = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    c.send_to(b"from c", b.local_addr().unwrap()).await.unwrap();
    a.send_to(b"one", b.local_addr().unwrap()).await.unwrap();
    a.send_to(b"two!", b.local_addr().unwrap()).await.unwrap();
    let mut buf = [0; 3];
    assert_eq!(b.peek_sender().await.unwrap(), a.local_addr().unwrap());
    assert_eq!(b.recv(&mut buf).await.unwrap(), 3);
    assert_eq!(&buf, b"one");
    assert_eq!(
        b.recv(&mut buf).await.unwrap(),
        3,
        "truncated to the buffer"
    );
    assert_eq!(
        b.try_recv(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock,
        "c's datagram was not delivered to a socket connected to a"
    );
}

#[tokio::test]
async fn a_connected_udp_socket_learns_that_nobody_listens() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let gone = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = gone.local_addr().unwrap();
    drop(gone);
    a.connect(addr).await.unwrap();
    a.send(b"hello?").await.unwrap();
    let err = a.recv(&mut [0; 8]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    assert_eq!(a.send(b"x").await.unwrap(), 1, "UDP sends do not fail");
}

#[tokio::test]
async fn localhost_resolves_to_the_loopback_addresses() {
    let addrs: Vec<_> = tokio::net::lookup_host("localhost:1")
        .await
        .unwrap()
        .collect();
    assert_eq!(
        addrs,
        [
            "127.0.0.1:1".parse::<SocketAddr>().unwrap(),
            "[::1]:1".parse().unwrap()
        ]
    );
    // A listener on the IPv6 loopback only: connecting to localhost tries 127.0.0.1,
    // is refused, then reaches ::1.
    let listener = TcpListener::bind("[::1]:7000").await.unwrap();
    let stream = TcpStream::connect("localhost:7000").await.unwrap();
    assert!(stream.peer_addr().unwrap().is_ipv6());
    drop(listener);
}

#[test]
fn a_socket_in_a_runtime_without_io_panics_as_tokio() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { TcpListener::bind("127.0.0.1:0").await })
    }));
    let payload = out.expect_err("no I/O driver");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("IO is disabled"), "{message}");
}

#[test]
fn a_socket_of_a_shut_down_runtime_fails_with_the_shutdown_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    rt.shutdown_background();
    let err = handle.block_on(UdpSocket::bind("127.0.0.1:0")).unwrap_err();
    assert!(tokio::runtime::is_rt_shutdown_err(&err));
}

#[test]
fn each_runtime_has_its_own_network() {
    let first = tokio::runtime::Runtime::new().unwrap();
    let second = tokio::runtime::Runtime::new().unwrap();
    let _listener = first.block_on(TcpListener::bind("127.0.0.1:9000")).unwrap();
    let err = second
        .block_on(TcpStream::connect("127.0.0.1:9000"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    assert!(first.block_on(TcpStream::connect("127.0.0.1:9000")).is_ok());
}

/// tokio's `rt_shutdown_err` case: a listener of a runtime that was dropped fails to
/// accept, with the error `is_rt_shutdown_err` recognises.
#[test]
fn accepting_after_the_runtime_shut_down_fails_with_the_shutdown_error() {
    let first = tokio::runtime::Runtime::new().unwrap();
    let second = tokio::runtime::Runtime::new().unwrap();
    let listener = first.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let socket = first.block_on(UdpSocket::bind("127.0.0.1:0")).unwrap();
    drop(first);
    second.block_on(async {
        let err = listener.accept().await.unwrap_err();
        assert!(tokio::runtime::is_rt_shutdown_err(&err));
        let err = socket.recv(&mut [0; 4]).await.unwrap_err();
        assert!(tokio::runtime::is_rt_shutdown_err(&err));
    });
}

/// Wakes by setting a flag.
struct Flag(std::sync::atomic::AtomicBool);

impl std::task::Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// tokio's `io_driver_drop` `drop_wakes` case, on a simulated listener: the runtime's
/// shutdown wakes the task waiting to accept, whose next poll fails.
#[test]
fn the_runtime_shutting_down_wakes_a_waiting_accept() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let flag = Arc::new(Flag(std::sync::atomic::AtomicBool::new(false)));
    let waker = std::task::Waker::from(flag.clone());
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(listener.poll_accept(&mut cx).is_pending());
    drop(rt);
    assert!(flag.0.load(std::sync::atomic::Ordering::SeqCst));
    match listener.poll_accept(&mut cx) {
        std::task::Poll::Ready(Err(e)) => assert!(tokio::runtime::is_rt_shutdown_err(&e)),
        other => panic!("{other:?}"),
    }
}

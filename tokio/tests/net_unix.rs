//! Under `--cfg simloop`: Unix-domain sockets on the simulated network: path and
//! abstract names in the runtime's network, streams over a connection's pipes, datagram
//! sockets over a mailbox, Linux's errors, and a trace that is a function of the seed.
#![cfg(all(simloop, unix))]

extern crate simloop_tokio as tokio;

use std::io::ErrorKind;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixDatagram, UnixListener, UnixSocket, UnixStream};
use tokio::simulation::simloop::Policy;
use tokio::simulation::{Explorer, check_determinism, explore};

/// Three clients connect to one listener at a path, each sends its number and reads it
/// back; the server logs the order it served them in.
async fn three_clients(log: Arc<Mutex<Vec<u8>>>) {
    let listener = UnixListener::bind("/sim/three.sock").unwrap();
    let mut clients = Vec::new();
    for id in 0..3u8 {
        clients.push(tokio::spawn(async move {
            let mut s = UnixStream::connect("/sim/three.sock").await.unwrap();
            s.write_all(&[id]).await.unwrap();
            assert_eq!(s.read_u8().await.unwrap(), id);
        }));
    }
    for _ in 0..3 {
        let (mut s, peer) = listener.accept().await.unwrap();
        assert!(peer.is_unnamed());
        let log = log.clone();
        tokio::spawn(async move {
            let id = s.read_u8().await.unwrap();
            log.lock().unwrap().push(id);
            s.write_all(&[id]).await.unwrap();
        });
    }
    for c in clients {
        c.await.unwrap();
    }
}

fn three_clients_log(policy: Policy, seed: u64) -> Vec<u8> {
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
fn a_unix_socket_program_passes_the_determinism_check() {
    for policy in [Policy::Fifo, Policy::Random, Policy::Pct { depth: 3 }] {
        let explorer = Explorer::new().policy(policy).seed(11);
        check_determinism(&explorer, || three_clients(Arc::default()))
            .unwrap_or_else(|e| panic!("{policy}: {e}"));
    }
}

#[test]
fn the_same_seed_serves_unix_clients_in_the_same_order_and_seeds_vary_it() {
    let mut orders = std::collections::BTreeSet::new();
    for seed in 0..20 {
        let first = three_clients_log(Policy::Random, seed);
        assert_eq!(
            first,
            three_clients_log(Policy::Random, seed),
            "seed {seed}"
        );
        orders.insert(first);
    }
    assert!(orders.len() > 1, "20 seeds gave one order: {orders:?}");
}

#[tokio::test]
async fn a_bound_path_is_in_use_until_its_socket_drops() {
    let listener = UnixListener::bind("/sim/taken.sock").unwrap();
    let err = UnixListener::bind("/sim/taken.sock").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
    // Stream and datagram sockets share the namespace.
    let err = UnixDatagram::bind("/sim/taken.sock").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
    drop(listener);
    UnixListener::bind("/sim/taken.sock").unwrap();
}

#[tokio::test]
async fn connecting_to_nobody_fails_as_on_linux() {
    // No socket at a path: ENOENT.
    let err = UnixStream::connect("/sim/none.sock").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    // No socket at an abstract name: ECONNREFUSED.
    let err = UnixStream::connect("\0nobody").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    // A datagram socket at the path does not accept connections.
    let _dgram = UnixDatagram::bind("/sim/dgram.sock").unwrap();
    let err = UnixStream::connect("/sim/dgram.sock").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    // Nor does a stream socket bound and not listening.
    let bound = UnixSocket::new_stream().unwrap();
    bound.bind("/sim/bound.sock").unwrap();
    let err = UnixStream::connect("/sim/bound.sock").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    let err = UnixListener::bind("").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn abstract_names_and_named_clients_are_reported() {
    let listener = UnixListener::bind("\0abstract").unwrap();
    #[cfg(target_os = "linux")]
    {
        use std::os::linux::net::SocketAddrExt;
        let addr: std::os::unix::net::SocketAddr = listener.local_addr().unwrap().into();
        assert_eq!(addr.as_abstract_name(), Some(&b"abstract"[..]));
    }
    let client = UnixSocket::new_stream().unwrap();
    client.bind("/sim/client.sock").unwrap();
    let client = client.connect("\0abstract").await.unwrap();
    let (server, peer) = listener.accept().await.unwrap();
    let client_path = std::path::Path::new("/sim/client.sock");
    assert_eq!(peer.as_pathname(), Some(client_path));
    assert_eq!(server.peer_addr().unwrap().as_pathname(), Some(client_path));
    assert_eq!(
        client.local_addr().unwrap().as_pathname(),
        Some(client_path)
    );
    // The client holds its name while its stream lives.
    let err = UnixListener::bind(client_path).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
}

#[tokio::test]
async fn dropping_the_listener_resets_connections_it_did_not_accept() {
    let listener = UnixListener::bind("/sim/reset.sock").unwrap();
    let mut client = UnixStream::connect("/sim/reset.sock").await.unwrap();
    drop(listener);
    let err = client.read(&mut [0; 4]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset);
    let err = UnixStream::connect("/sim/reset.sock").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn owned_halves_shut_down_on_drop_and_reunite() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let (mut read, write) = a.into_split();
    b.write_all(b"x").await.unwrap();
    assert_eq!(read.read_u8().await.unwrap(), b'x');
    let (c, _d) = UnixStream::pair().unwrap();
    let (other_read, other_write) = c.into_split();
    let err = read.reunite(other_write).unwrap_err();
    let (read, _) = (err.0, err.1);
    drop(other_read);
    let a = read.reunite(write).unwrap();
    drop(a);
    assert_eq!(b.read(&mut [0; 4]).await.unwrap(), 0);
}

#[tokio::test]
async fn a_full_datagram_queue_makes_senders_wait() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let mut sent = 0;
    while a.try_send(b"d").is_ok() {
        sent += 1;
    }
    // Linux's default `net.unix.max_dgram_qlen`.
    assert_eq!(sent, 512);
    assert_eq!(a.try_send(b"d").unwrap_err().kind(), ErrorKind::WouldBlock);
    let sender = tokio::spawn(async move { a.send(b"last").await.map(|_| a) });
    tokio::task::yield_now().await;
    assert!(
        !sender.is_finished(),
        "a send into a full queue went through"
    );
    let mut buf = [0; 8];
    assert_eq!(b.recv(&mut buf).await.unwrap(), 1);
    let _a = sender.await.unwrap().unwrap();
    for _ in 0..511 {
        b.recv(&mut buf).await.unwrap();
    }
    assert_eq!(b.recv(&mut buf).await.unwrap(), 4);
}

#[tokio::test]
async fn datagrams_carry_their_senders_names() {
    let server = UnixDatagram::bind("/sim/server.sock").unwrap();
    let client = UnixDatagram::bind("/sim/client-d.sock").unwrap();
    client.send_to(b"ping", "/sim/server.sock").await.unwrap();
    let mut buf = [0; 8];
    let (n, from) = server.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"ping");
    let from = from.as_pathname().unwrap().to_path_buf();
    server.send_to(b"pong", &from).await.unwrap();
    assert_eq!(client.recv(&mut buf).await.unwrap(), 4);
    let err = client.send_to(b"x", "/sim/gone.sock").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    drop(server);
    let err = client.send_to(b"x", "/sim/server.sock").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

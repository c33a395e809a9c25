//! Under `--cfg simloop`: `into_std` of a simulated stream (`tokio/src/sim/net/conn.rs`,
//! `End::leave`): the stream leaves the simulation as one end of a real pair, and its
//! peer, still simulated, reads from and writes to the other end, after what each had
//! sent before. Regression tests of tokio's `tcp_into_std` and `uds_stream
//! abstract_socket_name`, which failed with `Unsupported`.
#![cfg(all(simloop, unix))]

extern crate simloop_tokio as tokio;

use std::io::{ErrorKind, Read, Write};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::simulation::{Explorer, explore};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (client, accepted) = tokio::join!(
        TcpStream::connect(listener.local_addr().unwrap()),
        listener.accept()
    );
    (client.unwrap(), accepted.unwrap().0)
}

/// Bytes in flight both ways when the server leaves reach their readers in order, new
/// ones go through the real pair, and each side's shutdown and drop reach the other.
#[test]
fn a_tcp_stream_leaves_with_the_bytes_in_flight() {
    rt().block_on(async {
        let (mut client, mut server) = tcp_pair().await;
        client.write_all(b"to server").await.unwrap();
        server.write_all(b"to client").await.unwrap();
        let mut std_server = server.into_std().unwrap();
        std_server.set_nonblocking(false).unwrap();
        client.write_all(b", more").await.unwrap();
        let mut buf = [0; 15];
        std_server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"to server, more");

        std_server.write_all(b", back").unwrap();
        let mut buf = [0; 15];
        client.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"to client, back");

        std_server.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(client.read(&mut buf).await.unwrap(), 0);
        drop(client);
        assert_eq!(std_server.read(&mut buf).unwrap(), 0);
    });
}

/// A peer already waiting to read when its stream leaves is woken by the real socket's
/// bytes; a shutdown before leaving is kept (the peer reads EOF after the bytes).
#[test]
fn a_waiting_peer_is_woken_and_a_shutdown_is_kept() {
    rt().block_on(async {
        let (mut client, server) = tcp_pair().await;
        let reader = tokio::spawn(async move {
            let mut buf = [0; 2];
            client.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"hi");
            client
        });
        tokio::task::yield_now().await;
        assert!(!reader.is_finished());
        let mut std_server = server.into_std().unwrap();
        std_server.set_nonblocking(false).unwrap();
        std_server.write_all(b"hi").unwrap();
        let mut client = reader.await.unwrap();

        // The other way: the leaving end had shut down its write side.
        let (mut peer, mut leaving) = tcp_pair().await;
        leaving.write_all(b"last").await.unwrap();
        leaving.shutdown().await.unwrap();
        let _std = leaving.into_std().unwrap();
        let mut got = Vec::new();
        peer.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"last");
        client.write_all(b"still").await.unwrap();
        let mut buf = [0; 5];
        std_server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"still");
    });
}

/// A Unix-domain stream keeps an abstract local name (a real listener is bound there for
/// the moment); one named by a path becomes unnamed (nothing is made on disk); the peer
/// reads and writes through the real pair either way.
#[test]
fn a_unix_stream_leaves_keeping_an_abstract_name() {
    rt().block_on(async {
        let name = format!("\0simloop-into-std-{}", std::process::id());
        let listener = UnixListener::bind(&name).unwrap();
        let (accepted, client) = tokio::join!(listener.accept(), UnixStream::connect(&name));
        let (server, mut client) = (accepted.unwrap().0, client.unwrap());
        let mut std_server = server.into_std().unwrap();
        let local = std_server.local_addr().unwrap();
        use std::os::linux::net::SocketAddrExt;
        assert_eq!(local.as_abstract_name(), Some(&name.as_bytes()[1..]));
        std_server.set_nonblocking(false).unwrap();
        client.write_all(b"unix").await.unwrap();
        let mut buf = [0; 4];
        std_server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"unix");

        let dir = std::env::temp_dir().join(format!("simloop-into-std-{}", std::process::id()));
        let listener = UnixListener::bind(&dir).unwrap();
        let (accepted, client) = tokio::join!(listener.accept(), UnixStream::connect(&dir));
        let std_server = accepted.unwrap().0.into_std().unwrap();
        assert!(std_server.local_addr().unwrap().is_unnamed());
        assert!(!dir.exists(), "a simulated bind makes no file");
        let (mut std_server, mut client) = (std_server, client.unwrap());
        std_server.set_nonblocking(false).unwrap();
        std_server.write_all(b"path").unwrap();
        client.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"path");
    });
}

/// An explored run hears no real socket: `into_std` of a simulated stream is refused
/// there, and the stream is gone (as any `into_std` takes it).
#[test]
fn explored_runs_keep_their_streams_simulated() {
    let report = explore(&Explorer::new().seed(1).runs(1), || async {
        let (mut client, server) = tcp_pair().await;
        let err = server.into_std().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
        let mut buf = [0; 1];
        assert_eq!(client.read(&mut buf).await.unwrap(), 0);
    });
    assert!(report.passed(), "{report:?}");
}

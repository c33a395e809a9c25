//! Under `--cfg simloop`: TCP and Unix-domain streams are one generic stream core with
//! thin typed wrappers, and UDP and Unix-domain datagram sockets share one readiness
//! layer (`tokio/src/sim/net/stream/`, `net/datagram.rs`). The same scenario, run through
//! each family's public API, observes the same thing; and each family has tokio's whole
//! surface (the fold gave Unix-domain read halves `try_read_buf` and TCP's owned halves
//! `AsRef<TcpStream>`, which tokio has and the two hand-written copies had lost).
#![cfg(all(simloop, unix))]

extern crate simloop_tokio as tokio;

use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};
use tokio::net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixStream};

async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (b, _) = listener.accept().await.unwrap();
    (a, b)
}

/// A scenario over a connected stream pair `$a`, `$b` of either family, giving what it
/// observed, step by step.
macro_rules! stream_scenario {
    ($a:expr, $b:expr) => {{
        let (mut a, mut b) = ($a, $b);
        let mut seen = Vec::new();
        let mut buf = [0; 8];
        // Drain the readiness a fresh end may start with, then nothing is there.
        let _ = a.try_read(&mut buf);
        seen.push(format!("{:?}", a.try_read(&mut buf).map_err(|e| e.kind())));
        b.write_all(b"hi").await.unwrap();
        a.readable().await.unwrap();
        seen.push(format!("{:?}", a.try_read(&mut buf)));
        // try_io forgets readiness on WouldBlock; the peer's write sets it again.
        let r = a.try_io(Interest::READABLE, || a.try_read(&mut buf));
        seen.push(format!("{:?}", r.map_err(|e| e.kind())));
        b.write_all(b"abc").await.unwrap();
        let n = a
            .async_io(Interest::READABLE, || a.try_read(&mut buf))
            .await
            .unwrap();
        seen.push(format!("async_io {n}"));
        {
            let (read, mut write) = a.split();
            write.write_all(b"w").await.unwrap();
            b.write_all(b"r").await.unwrap();
            let mut spare = Vec::with_capacity(4);
            read.readable().await.unwrap();
            seen.push(format!(
                "half try_read_buf {:?}",
                read.try_read_buf(&mut spare)
            ));
            seen.push(format!("{:?}", b.read_u8().await.map(char::from)));
        }
        let (read, write) = a.into_split();
        let (other_read, other_write) = b.into_split();
        let err = read.reunite(other_write).unwrap_err();
        seen.push(err.to_string());
        let (mut read, other_write) = (err.0, err.1);
        let b = other_read.reunite(other_write).unwrap();
        drop(write);
        let mut b = b;
        seen.push(format!("eof {:?}", b.read(&mut buf).await));
        b.write_all(b"x").await.unwrap();
        seen.push(format!("owned {:?}", read.read_u8().await.map(char::from)));
        drop(b);
        let ready = read.ready(Interest::READABLE).await.unwrap();
        seen.push(format!("closed {}", ready.is_read_closed()));
        seen
    }};
}

#[tokio::test]
async fn tcp_and_unix_domain_streams_observe_the_same() {
    let (a, b) = tcp_pair().await;
    let tcp = stream_scenario!(a, b);
    let (a, b) = UnixStream::pair().unwrap();
    let unix = stream_scenario!(a, b);
    assert_eq!(
        tcp,
        [
            "Err(WouldBlock)",
            "Ok(2)",
            "Err(WouldBlock)",
            "async_io 3",
            "half try_read_buf Ok(1)",
            "Ok('w')",
            "tried to reunite halves that are not from the same socket",
            "eof Ok(0)",
            "owned Ok('x')",
            "closed true",
        ]
    );
    assert_eq!(unix, tcp);
}

#[tokio::test]
async fn owned_halves_give_their_stream_in_both_families() {
    let (a, _b) = tcp_pair().await;
    let addr = a.local_addr().unwrap();
    let (read, write) = a.into_split();
    let stream: &TcpStream = read.as_ref();
    assert_eq!(stream.local_addr().unwrap(), addr);
    let stream: &TcpStream = write.as_ref();
    assert_eq!(stream.local_addr().unwrap(), addr);
    let (a, _b) = UnixStream::pair().unwrap();
    let (read, write) = a.into_split();
    let stream: &UnixStream = read.as_ref();
    assert!(stream.local_addr().unwrap().is_unnamed());
    let stream: &UnixStream = write.as_ref();
    assert!(stream.peer_addr().unwrap().is_unnamed());
}

/// A scenario over two datagram sockets `$a`, `$b` of either family, connected to each
/// other, giving what it observed.
macro_rules! datagram_scenario {
    ($a:expr, $b:expr) => {{
        let (a, b) = ($a, $b);
        let mut seen = Vec::new();
        let ready = a.ready(Interest::WRITABLE).await.unwrap();
        seen.push(format!("writable {}", ready.is_writable()));
        let r = b.try_io(Interest::READABLE, || b.try_recv(&mut [0; 4]));
        seen.push(format!("{:?}", r.map_err(|e| e.kind())));
        a.writable().await.unwrap();
        a.send(b"one").await.unwrap();
        b.readable().await.unwrap();
        let mut spare = Vec::with_capacity(8);
        seen.push(format!("{:?}", b.try_recv_buf(&mut spare)));
        a.send(b"two!").await.unwrap();
        let n = b
            .async_io(Interest::READABLE, || b.try_recv(&mut [0; 8]))
            .await
            .unwrap();
        seen.push(format!("async_io {n}"));
        a.send(b"3").await.unwrap();
        let mut spare = Vec::with_capacity(8);
        let (n, _from) = b.recv_buf_from(&mut spare).await.unwrap();
        seen.push(format!("recv_buf_from {n} {:?}", String::from_utf8(spare)));
        seen.push(format!(
            "{:?}",
            b.try_recv(&mut [0; 4]).map_err(|e| e.kind())
        ));
        seen
    }};
}

#[tokio::test]
async fn udp_and_unix_domain_datagram_sockets_observe_the_same() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.connect(b.local_addr().unwrap()).await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    let udp = datagram_scenario!(a, b);
    let (a, b) = UnixDatagram::pair().unwrap();
    let unix = datagram_scenario!(a, b);
    assert_eq!(
        udp,
        [
            "writable true",
            "Err(WouldBlock)",
            "Ok(3)",
            "async_io 4",
            "recv_buf_from 1 Ok(\"3\")",
            "Err(WouldBlock)",
        ]
    );
    assert_eq!(unix, udp);
}

/// How many times a task looping `$op` (simulated I/O operations, each ready at once)
/// `$rounds` times let a counting task run: only its cooperative budget makes it yield.
/// It starts with a full budget (a yield first).
macro_rules! yields_while_looping {
    ($rounds:expr, $op:expr) => {{
        tokio::task::yield_now().await;
        let turns = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = tokio::spawn({
            let turns = turns.clone();
            async move {
                loop {
                    turns.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
            }
        });
        for _ in 0..$rounds {
            $op;
        }
        counter.abort();
        turns.load(std::sync::atomic::Ordering::SeqCst)
    }};
}

/// tokio's I/O spends a unit of the task's cooperative budget per operation (its driver's
/// `poll_ready`), so a task looping over ready sockets yields to the others once its
/// budget is spent; the simulated sockets did not (a loop over them starved every other
/// task of the runtime). A simulated task's budget is 127 (`task/coop.rs`), so 1,270
/// ready operations are 10 budgets' worth: the task yields between them, 9 times,
/// whatever the family.
#[tokio::test]
async fn socket_operations_spend_the_cooperative_budget_as_tokio_s() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let mut buf = [0; 4];
    assert_eq!(
        yields_while_looping!(635, {
            a.send(b"x").await.unwrap();
            b.recv(&mut buf).await.unwrap();
        }),
        9
    );
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.connect(b.local_addr().unwrap()).await.unwrap();
    assert_eq!(
        yields_while_looping!(635, {
            a.send(b"x").await.unwrap();
            b.recv(&mut buf).await.unwrap();
        }),
        9
    );
    let (mut a, mut b) = tcp_pair().await;
    assert_eq!(
        yields_while_looping!(635, {
            a.write_all(b"x").await.unwrap();
            b.read_exact(&mut buf[..1]).await.unwrap();
        }),
        9
    );
    let (mut a, mut b) = UnixStream::pair().unwrap();
    assert_eq!(
        yields_while_looping!(1270, {
            a.write_all(b"x").await.unwrap();
        }),
        9
    );
    let mut all = vec![0; 1270];
    b.read_exact(&mut all).await.unwrap();
    // Connecting and accepting spend a unit each too; a spent budget makes them pending
    // (the task woken), not failed.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut clients = Vec::new();
    assert_eq!(
        yields_while_looping!(1270, {
            clients.push(TcpStream::connect(addr).await.unwrap());
        }),
        9
    );
    assert_eq!(
        yields_while_looping!(1270, {
            listener.accept().await.unwrap();
        }),
        9
    );
}

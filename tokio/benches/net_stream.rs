//! The simulated network's stream path (`tokio/src/sim/net/stream/`): N1, 2,000 ping-pongs
//! of 64 bytes between two tasks over a simulated TCP connection; N2, 4 MiB written in
//! 8 KiB chunks and read by the peer; N3, N1 over a Unix-domain pair. Each is one
//! `block_on` of a fresh current-thread runtime with I/O. The table gives medians of
//! interleaved rounds; for A/B decisions count instructions instead:
//!
//! ```sh
//! RUSTFLAGS="--cfg simloop" CARGO_TARGET_DIR=target/simloop cargo bench -p simloop-tokio --bench net_stream
//! SIMLOOP_BENCH_REPS=1 valgrind --tool=callgrind <net_stream binary> --bench n1
//! ```
//!
//! Built without the cfg it measures tokio on real sockets (not comparable: a different
//! thing). `SIMLOOP_BENCH_REPS` sets the rounds (default 7); a tag (`n1`) narrows the run.

extern crate simloop_tokio as tokio;

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap()
}

/// `rounds` ping-pongs of 64 bytes between `a` and an echoing task holding `b`.
async fn ping_pong<S>(mut a: S, mut b: S, rounds: usize)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let echo = tokio::spawn(async move {
        let mut buf = [0u8; 64];
        for _ in 0..rounds {
            b.read_exact(&mut buf).await.unwrap();
            b.write_all(&buf).await.unwrap();
        }
    });
    let mut buf = [7u8; 64];
    for _ in 0..rounds {
        a.write_all(&buf).await.unwrap();
        a.read_exact(&mut buf).await.unwrap();
    }
    echo.await.unwrap();
}

async fn tcp_pair() -> (tokio::net::TcpStream, tokio::net::TcpStream) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = tokio::net::TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (b, _) = listener.accept().await.unwrap();
    (a, b)
}

fn n1() {
    rt().block_on(async {
        let (a, b) = tcp_pair().await;
        ping_pong(a, b, 2_000).await;
    });
}

fn n2() {
    rt().block_on(async {
        let (mut a, mut b) = tcp_pair().await;
        const TOTAL: usize = 4 << 20;
        let reader = tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            let mut got = 0;
            while got < TOTAL {
                got += b.read(&mut buf).await.unwrap();
            }
        });
        let chunk = vec![1u8; 8192];
        for _ in 0..TOTAL / chunk.len() {
            a.write_all(&chunk).await.unwrap();
        }
        reader.await.unwrap();
    });
}

fn n3() {
    rt().block_on(async {
        let (a, b) = tokio::net::UnixStream::pair().unwrap();
        ping_pong(a, b, 2_000).await;
    });
}

const WORKLOADS: &[(&str, fn())] = &[
    ("N1 TCP ping-pong", n1),
    ("N2 TCP bulk", n2),
    ("N3 Unix ping-pong", n3),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let tags: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(|a| a.to_ascii_lowercase())
        .collect();
    let reps: usize = std::env::var("SIMLOOP_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    println!("{reps} rounds; medians");
    for (name, f) in WORKLOADS {
        let tag = name.split(' ').next().unwrap_or(name).to_ascii_lowercase();
        if !tags.is_empty() && !tags.contains(&tag) {
            continue;
        }
        f();
        let mut times: Vec<Duration> = (0..reps)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{:<20} {:>9.2} ms",
            name,
            times[times.len() / 2].as_secs_f64() * 1e3
        );
    }
}

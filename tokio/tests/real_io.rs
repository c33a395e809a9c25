//! Under `--cfg simloop`: real I/O inside simulated runs (`tokio/src/sim/real_io.rs`):
//! tokio's own child processes, signals and pipes on the reactor thread that serves the
//! runs, the simulation's wakers fired from that thread, and a runtime that spawned a
//! process pacing its virtual clock by the real one.
#![cfg(all(simloop, unix, feature = "process", feature = "signal"))]

extern crate simloop_tokio as tokio;
// tokio itself (the dev-dependency), to poll a pipe after its runtime is gone.
extern crate tokio as real_tokio;

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A child's output comes back through the reactor thread's wakes.
#[test]
fn a_child_process_runs_inside_a_run() {
    let out = rt().block_on(async {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // A simulated task writes while the main task reads: both wait on the real pipes.
        let writer = tokio::spawn(async move {
            stdin.write_all(b"through a real pipe").await.unwrap();
        });
        let mut stdout = child.stdout.take().unwrap();
        let mut text = String::new();
        writer.await.unwrap();
        let status = child.wait().await.unwrap();
        stdout.read_to_string(&mut text).await.unwrap();
        (text, status.success())
    });
    assert_eq!(out, ("through a real pipe".to_string(), true));
}

/// Before the runtime spawns a process its clock is virtual (an hour passes at once);
/// once it has, its runs pace the clock: a child's exit (about 200 ms of real time) comes
/// before a virtual 60 s timeout, and the clock moved by about the real time waited.
#[test]
fn a_runtime_that_spawned_a_process_paces_its_clock() {
    let rt = rt();
    let real = std::time::Instant::now();
    rt.block_on(async { tokio::time::sleep(Duration::from_secs(3600)).await });
    assert!(real.elapsed() < Duration::from_secs(30));

    let (status, took) = rt.block_on(async {
        let start = tokio::time::Instant::now();
        let status = Command::new("sh").args(["-c", "sleep 0.2"]).status();
        let status = tokio::time::timeout(Duration::from_secs(60), status).await;
        (status, start.elapsed())
    });
    assert!(
        status
            .expect("the child exits before the timeout")
            .unwrap()
            .success()
    );
    assert!(
        took >= Duration::from_millis(150) && took < Duration::from_secs(60),
        "{took:?}"
    );
}

/// A signal registered in a run reaches the task waiting for it.
#[test]
fn a_signal_wakes_a_simulated_task() {
    rt().block_on(async {
        let mut usr1 =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined1()).unwrap();
        let pid = std::process::id().to_string();
        let status = Command::new("kill").args(["-USR1", &pid]).status().await;
        assert!(status.unwrap().success());
        usr1.recv().await.unwrap();
    });
}

/// tokio's named pipes (its `AsyncFd` underneath) work inside a run, unwrapped.
#[test]
fn a_pipe_is_read_and_written_inside_a_run() {
    let got = rt().block_on(async {
        let (mut tx, mut rx) = tokio::net::unix::pipe::pipe().unwrap();
        let writer = tokio::spawn(async move { tx.write_all(b"ping").await.unwrap() });
        let mut buf = [0; 4];
        rx.read_exact(&mut buf).await.unwrap();
        writer.await.unwrap();
        buf
    });
    assert_eq!(&got, b"ping");
}

/// A runtime built without I/O refuses a process with tokio's panic.
#[test]
#[should_panic(expected = "IO is disabled")]
fn a_runtime_without_io_refuses_a_process() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = Command::new("true").spawn();
    });
}

/// Outside any runtime, tokio's panic.
#[test]
#[should_panic(expected = "there is no reactor running")]
fn a_process_outside_a_runtime_panics() {
    let _ = Command::new("true").spawn();
}

/// With a runtime entered outside a run, a process spawns (as on tokio) and is waited for
/// in a later run.
#[test]
fn a_process_spawned_with_the_runtime_entered_is_waited_for_in_a_run() {
    let rt = rt();
    let mut child = {
        let _guard = rt.enter();
        Command::new("true").spawn().unwrap()
    };
    assert!(rt.block_on(child.wait()).unwrap().success());
}

/// A pipe registered with the runtime entered (outside a run, as tokio allows) is on the
/// runtime's own reactor: once the runtime is dropped, waiting on it fails with tokio's
/// shutdown error instead of waiting forever.
#[test]
fn dropping_the_runtime_stops_its_reactor() {
    let rt = rt();
    let (_tx, rx) = {
        let _entered = rt.enter();
        tokio::net::unix::pipe::pipe().unwrap()
    };
    drop(rt);
    let other = real_tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let err = other.block_on(rx.readable()).unwrap_err();
    assert!(tokio::runtime::is_rt_shutdown_err(&err), "{err}");
}

/// Runtimes made one after another share driver threads (a thread whose runtime shut
/// down waits in a pool and drives the next one, `real_io::drive`): each one's pipe
/// still works on a reused thread, and idle threads do not pile up (a pool that never
/// handed its threads out would hold one a runtime).
#[test]
fn driver_threads_drive_one_runtime_after_another() {
    for round in 0..20u8 {
        let rt = rt();
        let got = rt.block_on(async move {
            let (mut tx, mut rx) = tokio::net::unix::pipe::pipe().unwrap();
            tx.write_all(&[round]).await.unwrap();
            rx.read_u8().await.unwrap()
        });
        assert_eq!(got, round);
    }
    // Other tests of this binary run meanwhile, each with a runtime or two.
    assert!(driver_threads() < 20, "{} driver threads", driver_threads());
}

/// The process's threads named after the real-I/O driver (Linux's 15-byte names).
fn driver_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
                .filter(|name| name.starts_with("simloop-tokio-i"))
                .count()
        })
        .unwrap_or(0)
}

/// tokio's `signal_realtime` (28 signals sent, then collected under a virtual 5 s
/// sleep, which ended first): a runtime listening for a signal turns its reactor before
/// its virtual clock advances (`RealIo::turn`), as tokio's paused clock polls its driver
/// first, so real events already pending come before a virtual timer. Here a socket's
/// bytes (an `AsyncFd`), written before the run idles: without the turn the clock jumped
/// at once, before the reactor thread had seen them, and the sleep won.
#[test]
fn a_runtime_listening_for_a_signal_sees_pending_events_before_its_clock_moves() {
    use tokio::signal::unix::{SignalKind, signal};
    for _ in 0..10 {
        let first = rt().block_on(async {
            let _sig = signal(SignalKind::user_defined2()).unwrap();
            let (ours, mut theirs) = std::os::unix::net::UnixStream::pair().unwrap();
            ours.set_nonblocking(true).unwrap();
            std::io::Write::write_all(&mut theirs, b"x").unwrap();
            // tokio's own `AsyncFd` (not one of simloop-tokio's real sockets, which would
            // set the turn going themselves); `new` is deprecated for `register`, which is
            // unsafe: the std socket is owned here, so `new` is sound.
            #[allow(deprecated)]
            let ours = tokio::io::unix::AsyncFd::new(ours).unwrap();
            tokio::select! {
                biased;
                _ = tokio::time::sleep(Duration::from_secs(5)) => "timer",
                _ = ours.readable() => "bytes",
            }
        });
        assert_eq!(first, "bytes");
    }
}

/// A runtime's drop waits for its reactor's runtime to stop (so what was registered there
/// is woken first), but not for that runtime's blocking threads: a `tokio::fs` open of a
/// FIFO nobody writes to blocks one forever, and the drop still returns at once (it
/// waited 5 s, its bound, when the reactor's runtime was dropped rather than shut down in
/// the background).
#[test]
fn dropping_a_runtime_does_not_wait_for_tokio_fs_work_in_flight() {
    let dir = std::env::temp_dir().join(format!("simloop-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("fifo");
    let _ = std::fs::remove_file(&fifo);
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let rt = rt();
    let path = fifo.clone();
    rt.block_on(async move {
        tokio::spawn(async move {
            // tokio's own `fs` (the feature is off here): the same blocking pool.
            let _ = real_tokio::fs::File::open(path).await;
        });
        // The open is on tokio's blocking thread, blocked until a writer comes.
        tokio::time::sleep(Duration::from_millis(1)).await;
    });
    let start = std::time::Instant::now();
    drop(rt);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    // A writer releases the blocked open.
    drop(std::fs::OpenOptions::new().write(true).open(&fifo).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

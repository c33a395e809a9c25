//! tokio's API on simloop: a drop-in that runs tokio code unchanged in a deterministic
//! simulation.
//!
//! Depend on it under tokio's name and keep every `use tokio::...` (it is not on
//! crates.io: `path` names the `tokio/` folder of a simloop checkout):
//!
//! ```toml
//! [dependencies]
//! tokio = { package = "simloop-tokio", path = "../simloop/tokio", features = ["full"] }
//! ```
//!
//! **Built normally it is tokio**: every item is tokio's own, re-exported, so production
//! builds are unchanged. **Built with `RUSTFLAGS="--cfg simloop"`** the runtime is simloop:
//! each `#[tokio::test]`, `#[tokio::main]` and `Runtime::block_on` is one simulation on a
//! virtual clock with a seeded scheduler; `task`, `time`, `runtime`, `select!`, `join!` and
//! `try_join!` are simloop's implementations of tokio's API, while tokio's
//! runtime-independent parts (`sync`, the `io` traits and in-memory pipes, `task_local!`,
//! `pin!`) are tokio's own.
//!
//! To hunt races, run the tests under the cfg, in a target directory of their own (the
//! cfg rebuilds every crate), with `SIMLOOP_RUNS` set:
//!
//! ```sh
//! RUSTFLAGS="--cfg simloop" CARGO_TARGET_DIR=target/simloop SIMLOOP_RUNS=1000 cargo test
//! ```
//!
//! Each `#[tokio::test]` is then an exploration of that many schedules (`SIMLOOP_POLICY`:
//! `random`, the default, or `pct3`, PCT of depth 3; `SIMLOOP_SEED`: the first seed) that
//! shrinks its first failure and prints the command replaying it
//! (`SIMLOOP_REPLAY=<test>=<token> cargo test ...`, with the cfg and the target directory).
//! `tokio::simulation` (under the cfg) does the same from a test's code. A failure's
//! deadlock report names each waiting task with the place of the `tokio::spawn` (or
//! `JoinSet::spawn`, `spawn_local`, `Runtime::spawn`, `Handle::spawn`) call that made it,
//! as `#3 (spawned at tests/races.rs:41:17) waits on ...` (display only: editing a test
//! leaves its tokens valid).
//!
//! Crates built on tokio (hyper, tonic, tokio-util, ...) depend on tokio itself, not on
//! this crate, so the cfg does not reach them: what they spawn runs on the run's host
//! runtime, outside the simulation (not explored, not replayed), their timers fail with
//! tokio's "timers are disabled", and only their runtime-independent parts (what builds
//! on `tokio::sync` alone) take part in a simulated run as your own code does.
//!
//! **The network is simulated**: under the cfg `tokio::net` is simloop-tokio's own TCP,
//! UDP and Unix-domain sockets (listeners, streams and their halves, `TcpSocket`,
//! `UdpSocket`, `UnixDatagram`, `UnixSocket`, `lookup_host`; Unix names are paths and
//! abstract names in the same network),
//! in memory, one network per runtime: ports are counted from 32768, a connection is two
//! byte pipes, and every wait is a wake through the engine, so the seed decides the order
//! and replays it (errors are tokio's `io::ErrorKind`s: `ConnectionRefused`, `AddrInUse`,
//! `BrokenPipe`, `ConnectionReset`). A real socket handed in with `from_std` (TCP and
//! Unix-domain streams and listeners) is tokio's own behind the same type, on the
//! runtime's real reactor, and a TCP connect to a loopback port no simulated listener
//! has reaches a real one (a `std::thread`'s); a simulated socket's `AsFd` is a
//! placeholder (`/dev/null`), as it has no OS socket, and a simulated stream's
//! `into_std` makes it leave the simulation (a real pair, its peer bridged to it).
//! The file system, processes, signals, `AsyncFd` and named pipes are not simulated:
//! they are tokio's own (with their features). A runtime built with I/O runs them on a
//! real tokio reactor of its own, on a thread of its own, that wakes the simulated tasks
//! waiting on them from that thread; a runtime that spawned a process paces its virtual
//! clock by the real one from then on, so that a child's exit can come before a virtual
//! timeout (real events are not reproducible; the simulated parts stay so). `tokio::fs`
//! reads and writes the real file system on tokio's blocking threads, its results coming
//! back as wakes from another thread (on a runtime that was shut down it fails, as
//! tokio's does: "background task failed").
//!
//! # Examples
//!
//! The same test passes on tokio and, with the cfg, in a simulation (where the hour-long
//! sleep takes no real time):
//!
//! ```
//! use std::time::Duration;
//! use simloop_tokio as tokio;
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
//! let value = rt.block_on(async {
//!     let h = tokio::spawn(async {
//!         tokio::time::sleep(Duration::from_secs(3600)).await;
//!         7
//!     });
//!     h.await.unwrap()
//! });
//! assert_eq!(value, 7);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(not(simloop))]
pub use tokio::*;

#[cfg(simloop)]
mod sim;
#[cfg(simloop)]
pub use self::sim::*;

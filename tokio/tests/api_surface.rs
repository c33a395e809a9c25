//! tokio's public API that the drop-in lacked or spelled differently (found by comparing
//! the rustdoc of tokio 1.54.1 with the drop-in's under `--cfg simloop`; the list is in
//! `tokio/conformance/README.md`). Each test but the last builds and runs both against
//! tokio (built normally, this crate is tokio) and against the simulation (under the
//! cfg), so a signature that drifts from tokio's fails to compile in one of the two.

extern crate simloop_tokio as tokio;

use std::net::SocketAddr;
use std::os::fd::{AsRawFd, IntoRawFd, RawFd};

use tokio::net::{TcpListener, TcpSocket, TcpStream};
// tokio's empty `stream` module was missing: a path naming it did not resolve.
#[allow(unused_imports)]
use tokio::stream;

/// `time::error::Error` had no constructors, predicates, `Clone` or `Copy`.
#[test]
fn time_errors_are_built_and_told_apart_as_tokios() {
    use tokio::time::error::Error;

    let errors = [Error::shutdown(), Error::at_capacity(), Error::invalid()];
    let kinds: Vec<_> = errors
        .iter()
        .map(|e| (e.is_shutdown(), e.is_at_capacity(), e.is_invalid()))
        .collect();
    assert_eq!(
        kinds,
        [
            (true, false, false),
            (false, true, false),
            (false, false, true)
        ]
    );
    let copied = errors[1];
    #[allow(clippy::clone_on_copy)]
    let cloned = errors[2].clone();
    assert!(copied.is_at_capacity() && errors[1].is_at_capacity() && cloned.is_invalid());
    assert_eq!(
        errors[1].to_string(),
        "timer is at capacity and cannot create a new entry"
    );
    let _: &dyn std::error::Error = &errors[0];
}

/// `LocalSet::id` was missing.
#[test]
fn local_sets_have_ids_apart_from_runtimes() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (a, b) = (tokio::task::LocalSet::new(), tokio::task::LocalSet::new());
    assert_ne!(a.id(), b.id());
    assert_ne!(a.id(), rt.handle().id());
    assert_ne!(b.id(), rt.handle().id());
    assert_eq!(a.id(), a.id());
}

/// `TcpStream` was not `AsRef<TcpStream>` (its halves were).
#[tokio::test]
async fn a_tcp_stream_and_its_halves_are_as_ref_of_the_stream() {
    fn local_of(stream: impl AsRef<TcpStream>) -> SocketAddr {
        stream.as_ref().local_addr().unwrap()
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
    let (client, (server, _)) = (client.unwrap(), accepted.unwrap());
    assert_eq!(local_of(&server), addr);
    let local = client.local_addr().unwrap();
    assert_eq!(local_of(&client), local);
    let (read, write) = client.into_split();
    assert_eq!((local_of(&read), local_of(&write)), (local, local));
}

/// What `fd` is open on, as the OS names it (`socket:[inode]`, a path): tests may not
/// take an fd back into a `File` (that is `unsafe`), and the descriptors they are given
/// stay open until the process ends.
fn open_on(fd: RawFd) -> String {
    let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
    link.to_string_lossy().into_owned()
}

/// `TcpSocket::from_std_stream` returned an `io::Result` (tokio's is infallible), and
/// `TcpSocket` had no `IntoRawFd`.
#[test]
fn a_tcp_socket_from_a_std_stream_gives_its_descriptor_back() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let socket_inode = open_on(std_stream.as_raw_fd());
    assert!(socket_inode.starts_with("socket:"), "{socket_inode}");
    let socket: TcpSocket = TcpSocket::from_std_stream(std_stream);
    let fd = socket.into_raw_fd();
    assert_eq!(open_on(fd), socket_inode);
}

/// `SignalKind` converts to the signal's number (tokio's own type under the cfg too).
#[cfg(any(not(simloop), feature = "signal"))]
#[test]
fn a_signal_kind_converts_to_its_number() {
    use tokio::signal::unix::SignalKind;
    let number: std::os::raw::c_int = SignalKind::user_defined1().into();
    assert_eq!(number, SignalKind::user_defined1().as_raw_value());
    assert_eq!(SignalKind::from(number), SignalKind::user_defined1());
}

/// A simulated socket has no OS socket: `into_raw_fd` gives a descriptor of its own on the
/// placeholder the simulated sockets lend (`/dev/null`), not the placeholder itself (which
/// the caller may close).
#[cfg(simloop)]
#[test]
fn a_simulated_socket_gives_a_placeholder_descriptor_of_its_own() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let kept = TcpSocket::new_v4().unwrap();
        let lent = kept.as_raw_fd();
        let tcp = TcpSocket::new_v4().unwrap().into_raw_fd();
        let unix = tokio::net::UnixSocket::new_stream().unwrap().into_raw_fd();
        assert!(tcp != lent && unix != lent && tcp != unix);
        for fd in [lent, tcp, unix] {
            assert_eq!(open_on(fd), "/dev/null");
        }
    });
}

/// `LocalRuntime` and `AbortHandle` were neither `UnwindSafe` nor `RefUnwindSafe` (tokio's
/// are: code that holds one across `catch_unwind` did not compile).
#[test]
fn local_runtimes_and_abort_handles_are_unwind_safe() {
    fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>(_: &T) {}

    let rt = tokio::runtime::LocalRuntime::new().unwrap();
    let abort = rt.block_on(async { tokio::spawn(std::future::pending::<()>()).abort_handle() });
    unwind_safe(&rt);
    unwind_safe(&abort);
    // Held across a caught panic, both still work.
    let caught = std::panic::catch_unwind(|| {
        rt.block_on(async { panic!("in block_on") });
    });
    assert!(caught.is_err());
    abort.abort();
    rt.block_on(tokio::task::yield_now());
    assert!(abort.is_finished());
    assert_eq!(rt.block_on(async { 2 + 2 }), 4);
}

/// `JoinHandle::abort_handle` and `JoinSet::spawn_local` needed a `Send` output (tokio's
/// take any): a local task's `!Send` output now has abort handles, which abort it before
/// it starts, while it waits (from another thread too) and do nothing after its end.
#[test]
fn local_tasks_with_non_send_outputs_have_abort_handles() {
    use std::rc::Rc;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        let task = tokio::task::spawn_local(async { Rc::new(1) });
        let abort = task.abort_handle();
        assert_eq!(abort.id(), task.id());
        abort.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        assert!(abort.is_finished());

        let task = tokio::task::spawn_local(async {
            std::future::pending::<()>().await;
            Rc::new(2)
        });
        tokio::task::yield_now().await;
        let abort = task.abort_handle();
        assert!(!abort.is_finished());
        std::thread::spawn(move || abort.abort()).join().unwrap();
        assert!(task.await.unwrap_err().is_cancelled());

        let task = tokio::task::spawn_local(async { Rc::new(3) });
        let abort = task.abort_handle();
        assert_eq!(*task.await.unwrap(), 3);
        assert!(abort.is_finished());
        abort.abort();

        let mut set = tokio::task::JoinSet::new();
        set.spawn_local(async { Rc::new(4) });
        let waiting = set.spawn_local(async {
            std::future::pending::<()>().await;
            Rc::new(5)
        });
        waiting.abort();
        let mut got = Vec::new();
        while let Some(result) = set.join_next().await {
            got.push(result.map(|rc| *rc).map_err(|e| e.is_cancelled()));
        }
        got.sort();
        assert_eq!(got, [Ok(4), Err(true)]);
    });
}

//! Real sockets behind the simulated types: a `TcpStream`, `TcpListener` or `UnixStream`
//! handed in with `from_std` (or a TCP connection to a loopback port nobody listens on in
//! the simulated network, see `tcp::stream::connect_real`) is tokio's own socket,
//! registered with the runtime's real reactor (`sim/real_io.rs`) and polled from
//! simulated tasks with the simulation's waker, as `AsyncFd` and pipes are: the reactor
//! thread wakes the task into the run's remote-wake inbox.
//!
//! The public types are enums of a simulated and a real arm (`stream::Core`,
//! `tcp::listener::Listener`); each method dispatches, so the simulated path costs one
//! match. A real socket is taken only where the run can hear the reactor: a runtime
//! built with I/O, in a `block_on` run or entered (`Runtime::enter`). Without I/O
//! `from_std` panics as tokio's does without a reactor; an explored run
//! (`SIMLOOP_RUNS`), which accepts no other thread's wakes, refuses it with
//! `Unsupported`, so explored runs stay a function of their seed.

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::OnceLock;
use std::task::{Context, Poll};

use tokio::io::{Interest, ReadBuf, Ready};

use super::network::current_handle;
use crate::sim::context;

/// The tokio handle of the current runtime's reactor, for a real socket made now.
///
/// # Errors
///
/// `Unsupported` in an explored run (its wakes would never be heard).
///
/// # Panics
///
/// Outside a runtime, or in one built without `enable_io`, as tokio's `from_std`.
#[track_caller]
pub(crate) fn reactor(what: &str) -> io::Result<tokio::runtime::Handle> {
    let handle = current_handle();
    if !context::with_run(|run| run.threads).unwrap_or(true) {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!(
                "{what}: an explored run (SIMLOOP_RUNS) takes no real socket: \
                 its runs accept no wake from the reactor thread"
            ),
        ));
    }
    // Its events may be pending while the run looks idle: turn the reactor then.
    handle.real_io().watch();
    Ok(handle.real_io().handle().clone())
}

/// Whether a real socket may be made now (`reactor` would succeed): a runtime with I/O
/// that is not shut down, in a run that hears other threads' wakes or outside runs.
pub(crate) fn available() -> bool {
    let Some(handle) = context::current_handle() else {
        return false;
    };
    !handle.io_disabled()
        && !handle.is_shut_down()
        && context::with_run(|run| run.threads).unwrap_or(true)
}

/// `f` with `reactor` entered, so that tokio's constructors register there.
pub(crate) fn in_reactor<R>(reactor: &tokio::runtime::Handle, f: impl FnOnce() -> R) -> R {
    let _entered = reactor.enter();
    f()
}

/// The file descriptor a simulated socket shows (`AsFd`, `AsRawFd`): it has no OS socket,
/// and tokio's sockets always have one, so it lends a placeholder, `/dev/null` opened once
/// for the process. Socket calls on it (`socket2::SockRef`) fail with `ENOTSOCK` rather
/// than reach some other socket.
pub(crate) fn placeholder_fd() -> BorrowedFd<'static> {
    static NULL: OnceLock<std::fs::File> = OnceLock::new();
    NULL.get_or_init(|| {
        std::fs::File::open("/dev/null")
            .expect("simloop-tokio: /dev/null as a simulated socket's placeholder descriptor")
    })
    .as_fd()
}

/// What a simulated socket's `IntoRawFd` gives: a descriptor of its own on the
/// placeholder (a duplicate: the caller owns and closes it, and the placeholder the other
/// simulated sockets lend stays open).
///
/// # Panics
///
/// When the process is out of descriptors (tokio's `into_raw_fd` cannot fail, so
/// neither can this).
#[cfg(unix)]
pub(crate) fn placeholder_into_raw_fd() -> std::os::fd::RawFd {
    use std::os::fd::IntoRawFd;
    placeholder_fd()
        .try_clone_to_owned()
        .expect("simloop-tokio: a duplicate of the placeholder descriptor (out of descriptors?)")
        .into_raw_fd()
}

/// What a stream family's real socket (tokio's `TcpStream`, `UnixStream`) does for the
/// generic stream core (`stream::Stream`).
pub(crate) trait RealStream: AsFd + Send + Sync + Sized + 'static {
    /// The family's address type.
    type Addr;

    fn local_addr(&self) -> io::Result<Self::Addr>;
    fn peer_addr(&self) -> io::Result<Self::Addr>;
    fn ready(&self, interest: Interest) -> impl Future<Output = io::Result<Ready>> + Send + '_;
    fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize>;
    fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;
    fn try_io<R>(&self, interest: Interest, f: impl FnOnce() -> io::Result<R>) -> io::Result<R>;
    fn async_io<'a, R: 'a>(
        &'a self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R> + 'a,
    ) -> impl Future<Output = io::Result<R>> + 'a;
    /// Peeks (TCP only: tokio's Unix-domain streams have no `peek`).
    fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<usize>>;
    fn take_error(&self) -> io::Result<Option<io::Error>>;

    /// Reads into `buf`'s unfilled part: tokio's `poll_read` (readiness, then the
    /// non-blocking read, which forgets the readiness when it would block).
    fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<usize>> {
        loop {
            std::task::ready!(self.poll_read_ready(cx))?;
            match self.try_read_vectored(&mut [IoSliceMut::new(buf.initialize_unfilled())]) {
                Ok(n) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Writes from `bufs`: tokio's `poll_write`.
    fn poll_write(&self, cx: &mut Context<'_>, bufs: &[IoSlice<'_>]) -> Poll<io::Result<usize>> {
        loop {
            std::task::ready!(self.poll_write_ready(cx))?;
            match self.try_write_vectored(bufs) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                out => return Poll::Ready(out),
            }
        }
    }

    /// Shuts the write side down (the peer reads EOF), as tokio's `poll_shutdown`.
    fn shutdown_write(&self) -> io::Result<()>;
}

/// What a simulated connection's end needs of the real socket its peer was moved to
/// (`into_std` of the other end, `conn.rs`): a [`RealStream`] without its family's
/// types, so that one connection type serves both families.
pub(crate) trait Bridge: Send + Sync + 'static {
    fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize>;
    fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;
    fn shutdown_write(&self) -> io::Result<()>;
}

impl<S: RealStream> Bridge for S {
    fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        RealStream::poll_read_ready(self, cx)
    }

    fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        RealStream::poll_write_ready(self, cx)
    }

    fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        RealStream::try_read_vectored(self, bufs)
    }

    fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        RealStream::try_write_vectored(self, bufs)
    }

    fn shutdown_write(&self) -> io::Result<()> {
        RealStream::shutdown_write(self)
    }
}

/// The methods both families' real streams have under the same names.
macro_rules! real_stream {
    ($ty:ty, $std:ty, $addr:ty, $peek:expr) => {
        impl RealStream for $ty {
            type Addr = $addr;

            fn local_addr(&self) -> io::Result<$addr> {
                <$ty>::local_addr(self)
            }

            fn peer_addr(&self) -> io::Result<$addr> {
                <$ty>::peer_addr(self)
            }

            fn ready(
                &self,
                interest: Interest,
            ) -> impl Future<Output = io::Result<Ready>> + Send + '_ {
                <$ty>::ready(self, interest)
            }

            fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                <$ty>::poll_read_ready(self, cx)
            }

            fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                <$ty>::poll_write_ready(self, cx)
            }

            fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                <$ty>::try_read_vectored(self, bufs)
            }

            fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                <$ty>::try_write_vectored(self, bufs)
            }

            fn try_io<R>(
                &self,
                interest: Interest,
                f: impl FnOnce() -> io::Result<R>,
            ) -> io::Result<R> {
                <$ty>::try_io(self, interest, f)
            }

            fn async_io<'a, R: 'a>(
                &'a self,
                interest: Interest,
                f: impl FnMut() -> io::Result<R> + 'a,
            ) -> impl Future<Output = io::Result<R>> + 'a {
                <$ty>::async_io(self, interest, f)
            }

            fn poll_peek(
                &self,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<usize>> {
                let peek: fn(&$ty, &mut Context<'_>, &mut ReadBuf<'_>) -> Poll<io::Result<usize>> =
                    $peek;
                peek(self, cx, buf)
            }

            fn take_error(&self) -> io::Result<Option<io::Error>> {
                <$ty>::take_error(self)
            }

            fn shutdown_write(&self) -> io::Result<()> {
                // tokio's `poll_shutdown` is `shutdown(2)` of the write side: the same
                // call on a borrowed std socket of the same descriptor.
                match self.as_fd().try_clone_to_owned() {
                    Ok(fd) => <$std>::from(fd).shutdown(std::net::Shutdown::Write),
                    Err(e) => Err(e),
                }
            }
        }
    };
}

real_stream!(
    tokio::net::TcpStream,
    std::net::TcpStream,
    std::net::SocketAddr,
    |s, cx, buf| s.poll_peek(cx, buf)
);

#[cfg(unix)]
real_stream!(
    tokio::net::UnixStream,
    std::os::unix::net::UnixStream,
    tokio::net::unix::SocketAddr,
    |_, _, _| Poll::Ready(Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "a Unix-domain stream has no peek"
    )))
);

/// What a datagram family's real socket (tokio's `UdpSocket`, `UnixDatagram`) does for
/// the readiness methods both families share (`datagram::datagram_methods!`); the
/// family's own methods call tokio's directly.
pub(crate) trait RealDatagram: AsFd + Send + Sync + 'static {
    fn ready(
        &self,
        interest: Interest,
    ) -> impl Future<Output = io::Result<Ready>> + Send + Sync + '_;
    fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    fn try_io<R>(&self, interest: Interest, f: impl FnOnce() -> io::Result<R>) -> io::Result<R>;
    fn async_io<'a, R: 'a>(
        &'a self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R> + 'a,
    ) -> impl Future<Output = io::Result<R>> + 'a;
}

/// `RealDatagram` by tokio's methods of the same names.
macro_rules! real_datagram {
    ($ty:ty) => {
        impl RealDatagram for $ty {
            fn ready(
                &self,
                interest: Interest,
            ) -> impl Future<Output = io::Result<Ready>> + Send + Sync + '_ {
                <$ty>::ready(self, interest)
            }

            fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                <$ty>::poll_send_ready(self, cx)
            }

            fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                <$ty>::poll_recv_ready(self, cx)
            }

            fn try_io<R>(
                &self,
                interest: Interest,
                f: impl FnOnce() -> io::Result<R>,
            ) -> io::Result<R> {
                <$ty>::try_io(self, interest, f)
            }

            fn async_io<'a, R: 'a>(
                &'a self,
                interest: Interest,
                f: impl FnMut() -> io::Result<R> + 'a,
            ) -> impl Future<Output = io::Result<R>> + 'a {
                <$ty>::async_io(self, interest, f)
            }
        }
    };
}

real_datagram!(tokio::net::UdpSocket);

#[cfg(unix)]
real_datagram!(tokio::net::UnixDatagram);

/// Whether a TCP connect the simulated network refused may try the real host: `addr` is
/// a loopback address (the simulated host's own, where a real listener of this process,
/// a `std::thread`'s say, may wait) and a real socket may be made now (`available`).
/// Elsewhere the refusal stands, so a simulated program never reaches the outside.
pub(crate) fn reaches(addr: std::net::SocketAddr) -> bool {
    super::network::destination(addr).ip().is_loopback() && available()
}

//! A connected byte stream of either family, TCP or Unix-domain: the one core the public
//! streams (`TcpStream`, `UnixStream`) and their halves wrap.
//!
//! A family differs only in its addresses: a TCP stream's are the connection's socket
//! addresses, a Unix-domain stream's the names beside its end. So [`Stream`] is generic
//! over [`Names`], and holds everything else: the readiness, `try_` and `poll_` operations
//! over the connection's end (`conn.rs`), `try_io`/`async_io`, splitting and reuniting.
//! tokio's public surface (distinct types per family, each method with its docs) is made
//! by the macros of `api.rs` from these, once for both families.

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{Interest, ReadBuf, Ready};

use super::conn::{BUFFER, End};
use super::network::{budgeted, now};
use super::real::{RealStream, placeholder_fd};

mod api;

pub(crate) use api::{async_io, doc_example, halves, stream_methods, wrapper};

/// A family's addresses: what a stream keeps beside its connection's end, and how its
/// public addresses are read.
pub(crate) trait Names: Send + Sync + 'static {
    /// The address type of the family's public API.
    type Addr;

    /// The family's real socket (tokio's), for a stream handed in with `from_std`.
    type Real: RealStream<Addr = Self::Addr>;

    /// The stream's local address.
    fn local_addr(&self, end: &End) -> Self::Addr;

    /// The stream's peer's address.
    fn peer_addr(&self, end: &End) -> Self::Addr;
}

/// A public stream type (`TcpStream`, `UnixStream`): a thin wrapper of a [`Stream`].
pub(crate) trait Wrapper: Sized {
    /// The family's names.
    type Names: Names;

    /// The stream wrapped.
    fn stream(&self) -> &Stream<Self::Names>;

    /// Wraps `stream`.
    fn wrap(stream: Stream<Self::Names>) -> Self;
}

/// One end of a connection with its names, or a real socket: what a stream and its
/// halves share (an `Arc`, so owned halves hold the stream itself and `reunite` compares
/// them).
pub(crate) struct Stream<N: Names> {
    inner: Arc<Core<N>>,
}

/// A stream's socket: simulated (an end of the network's connection and its names) or
/// real (tokio's own, in the runtime's reactor: `net/real.rs`). Each operation matches
/// once.
pub(crate) enum Core<N: Names> {
    Sim(End, N),
    Real(N::Real),
}

impl<N: Names> Clone for Stream<N> {
    fn clone(&self) -> Self {
        Stream {
            inner: self.inner.clone(),
        }
    }
}

impl<N: Names> Stream<N> {
    pub(crate) fn new(end: End, names: N) -> Stream<N> {
        Stream {
            inner: Arc::new(Core::Sim(end, names)),
        }
    }

    /// A stream over tokio's own socket.
    pub(crate) fn real(real: N::Real) -> Stream<N> {
        Stream {
            inner: Arc::new(Core::Real(real)),
        }
    }

    pub(crate) fn core(&self) -> &Core<N> {
        &self.inner
    }

    /// The real socket back, when this is its only handle (`into_std`).
    pub(crate) fn into_core(self) -> Result<Core<N>, Stream<N>> {
        Arc::try_unwrap(self.inner).map_err(|inner| Stream { inner })
    }

    /// The simulated end, if the stream is simulated.
    pub(crate) fn sim(&self) -> Option<(&End, &N)> {
        match self.core() {
            Core::Sim(end, names) => Some((end, names)),
            Core::Real(_) => None,
        }
    }

    pub(crate) fn local_addr(&self) -> io::Result<N::Addr> {
        match self.core() {
            Core::Sim(end, names) => Ok(names.local_addr(end)),
            Core::Real(real) => real.local_addr(),
        }
    }

    pub(crate) fn peer_addr(&self) -> io::Result<N::Addr> {
        match self.core() {
            Core::Sim(end, names) => Ok(names.peer_addr(end)),
            Core::Real(real) => real.peer_addr(),
        }
    }

    /// Whether `self` and `other` are handles of one stream (`reunite`'s test).
    pub(crate) fn same(&self, other: &Stream<N>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        match self.core() {
            Core::Sim(end, _) => {
                Ok(std::future::poll_fn(|cx| end.poll_ready(cx.waker(), interest)).await)
            }
            Core::Real(real) => real.ready(interest).await,
        }
    }

    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<io::Result<()>> {
        match self.core() {
            Core::Sim(end, _) => {
                budgeted(cx, |cx| end.poll_ready(cx.waker(), interest)).map(|_| Ok(()))
            }
            Core::Real(real) if interest.is_readable() => real.poll_read_ready(cx),
            Core::Real(real) => real.poll_write_ready(cx),
        }
    }

    pub(crate) fn try_read(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        match self.core() {
            Core::Sim(end, _) => now(end.read(None, bufs, false)),
            Core::Real(real) => real.try_read_vectored(bufs),
        }
    }

    pub(crate) fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        let mut chunk = vec![0; buf.remaining_mut().min(BUFFER)];
        let n = self.try_read(&mut [IoSliceMut::new(&mut chunk)])?;
        buf.put_slice(&chunk[..n]);
        Ok(n)
    }

    pub(crate) fn try_write(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match self.core() {
            Core::Sim(end, _) => now(end.write(None, bufs)),
            Core::Real(real) => real.try_write_vectored(bufs),
        }
    }

    /// Reads (or peeks) into `buf`'s unfilled part, registering the task when nothing
    /// is there. (Inlined, the real arm kept out of line: the simulated path is the
    /// hot one, and was one inlined call before the real arm existed.)
    #[inline]
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        peek: bool,
    ) -> Poll<io::Result<usize>> {
        let end = match self.core() {
            Core::Sim(end, _) => end,
            Core::Real(real) => return real_poll_read(real, cx, buf, peek),
        };
        let n = std::task::ready!(budgeted(cx, |cx| end.read(
            Some(cx.waker()),
            &mut [IoSliceMut::new(buf.initialize_unfilled())],
            peek
        )))?;
        buf.advance(n);
        Poll::Ready(Ok(n))
    }

    #[inline]
    pub(crate) fn poll_write(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.core() {
            Core::Sim(end, _) => budgeted(cx, |cx| end.write(Some(cx.waker()), bufs)),
            Core::Real(real) => real_poll_write(real, cx, bufs),
        }
    }

    pub(crate) async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.poll_read(cx, &mut ReadBuf::new(buf), true)).await
    }

    /// Shuts the write side down: the peer reads EOF (a real socket's error is dropped,
    /// as a shutdown on drop has nobody to tell).
    pub(crate) fn shutdown_write(&self) -> io::Result<()> {
        match self.core() {
            Core::Sim(end, _) => {
                end.shutdown();
                Ok(())
            }
            Core::Real(real) => real.shutdown_write(),
        }
    }

    /// The pending socket error: a real socket's, none for a simulated one (its errors
    /// come from operations).
    pub(crate) fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self.core() {
            Core::Sim(..) => Ok(None),
            Core::Real(real) => real.take_error(),
        }
    }

    /// tokio's `try_io`: runs `f`, forgetting `interest`'s readiness when it says
    /// `WouldBlock`.
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        let end = match self.core() {
            Core::Sim(end, _) => end,
            Core::Real(real) => return real.try_io(interest, f),
        };
        let out = f();
        if matches!(&out, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            end.clear_ready(interest);
        }
        out
    }

    /// tokio's `async_io`: waits for `interest` and runs `f` until it does not say
    /// `WouldBlock`.
    pub(crate) async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        let end = match self.core() {
            Core::Sim(end, _) => end,
            Core::Real(real) => return real.async_io(interest, f).await,
        };
        loop {
            self.ready(interest).await?;
            // A unit of the task's budget per attempt, given back when `f` would block
            // (as tokio's `async_io`).
            let coop = std::future::poll_fn(tokio::task::coop::poll_proceed).await;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    end.clear_ready(interest);
                }
                out => {
                    coop.made_progress();
                    return out;
                }
            }
        }
    }

    /// The descriptor: the real socket's, or the placeholder of a simulated one
    /// (`real::placeholder_fd`).
    pub(crate) fn as_fd(&self) -> BorrowedFd<'_> {
        match self.core() {
            Core::Sim(..) => placeholder_fd(),
            Core::Real(real) => real.as_fd(),
        }
    }
}

/// A real stream's read or peek, out of the simulated path's way.
#[cold]
#[inline(never)]
fn real_poll_read<R: RealStream>(
    real: &R,
    cx: &mut Context<'_>,
    buf: &mut ReadBuf<'_>,
    peek: bool,
) -> Poll<io::Result<usize>> {
    if peek {
        real.poll_peek(cx, buf)
    } else {
        real.poll_read(cx, buf)
    }
}

/// A real stream's write, out of the simulated path's way.
#[cold]
#[inline(never)]
fn real_poll_write<R: RealStream>(
    real: &R,
    cx: &mut Context<'_>,
    bufs: &[IoSlice<'_>],
) -> Poll<io::Result<usize>> {
    real.poll_write(cx, bufs)
}

/// The halves of `stream`: two handles of it (the read half's and the write half's).
pub(crate) fn into_split<W: Wrapper>(stream: W) -> (W, W) {
    let other = W::wrap(stream.stream().clone());
    (stream, other)
}

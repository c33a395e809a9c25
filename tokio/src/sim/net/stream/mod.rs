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
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{Interest, ReadBuf, Ready};

use super::conn::{BUFFER, End};
use super::network::{budgeted, now};

mod api;

pub(crate) use api::{async_io, doc_example, halves, stream_methods, wrapper};

/// A family's addresses: what a stream keeps beside its connection's end, and how its
/// public addresses are read.
pub(crate) trait Names: Send + Sync + 'static {
    /// The address type of the family's public API.
    type Addr;

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

/// One end of a connection with its names: what a stream and its halves share (an
/// `Arc`, so owned halves hold the stream itself and `reunite` compares them).
pub(crate) struct Stream<N> {
    inner: Arc<(End, N)>,
}

impl<N> Clone for Stream<N> {
    fn clone(&self) -> Self {
        Stream {
            inner: self.inner.clone(),
        }
    }
}

impl<N: Names> Stream<N> {
    pub(crate) fn new(end: End, names: N) -> Stream<N> {
        Stream {
            inner: Arc::new((end, names)),
        }
    }

    pub(crate) fn end(&self) -> &End {
        &self.inner.0
    }

    pub(crate) fn names(&self) -> &N {
        &self.inner.1
    }

    pub(crate) fn local_addr(&self) -> N::Addr {
        self.names().local_addr(self.end())
    }

    pub(crate) fn peer_addr(&self) -> N::Addr {
        self.names().peer_addr(self.end())
    }

    /// Whether `self` and `other` are handles of one stream (`reunite`'s test).
    pub(crate) fn same(&self, other: &Stream<N>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(std::future::poll_fn(|cx| self.end().poll_ready(cx.waker(), interest)).await)
    }

    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<io::Result<()>> {
        budgeted(cx, |cx| self.end().poll_ready(cx.waker(), interest)).map(|_| Ok(()))
    }

    pub(crate) fn try_read(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        now(self.end().read(None, bufs, false))
    }

    pub(crate) fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        let mut chunk = vec![0; buf.remaining_mut().min(BUFFER)];
        let n = self.try_read(&mut [IoSliceMut::new(&mut chunk)])?;
        buf.put_slice(&chunk[..n]);
        Ok(n)
    }

    pub(crate) fn try_write(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        now(self.end().write(None, bufs))
    }

    /// Reads (or peeks) into `buf`'s unfilled part, registering the task when nothing
    /// is there.
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        peek: bool,
    ) -> Poll<io::Result<usize>> {
        let n = std::task::ready!(budgeted(cx, |cx| self.end().read(
            Some(cx.waker()),
            &mut [IoSliceMut::new(buf.initialize_unfilled())],
            peek
        )))?;
        buf.advance(n);
        Poll::Ready(Ok(n))
    }

    pub(crate) fn poll_write(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        budgeted(cx, |cx| self.end().write(Some(cx.waker()), bufs))
    }

    pub(crate) async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| {
            budgeted(cx, |cx| {
                self.end()
                    .read(Some(cx.waker()), &mut [IoSliceMut::new(buf)], true)
            })
        })
        .await
    }

    /// tokio's `try_io`: runs `f`, forgetting `interest`'s readiness when it says
    /// `WouldBlock`.
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        let out = f();
        if matches!(&out, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.end().clear_ready(interest);
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
        loop {
            self.ready(interest).await?;
            // A unit of the task's budget per attempt, given back when `f` would block
            // (as tokio's `async_io`).
            let coop = std::future::poll_fn(tokio::task::coop::poll_proceed).await;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.end().clear_ready(interest);
                }
                out => {
                    coop.made_progress();
                    return out;
                }
            }
        }
    }
}

/// The halves of `stream`: two handles of it (the read half's and the write half's).
pub(crate) fn into_split<W: Wrapper>(stream: W) -> (W, W) {
    let other = W::wrap(stream.stream().clone());
    (stream, other)
}

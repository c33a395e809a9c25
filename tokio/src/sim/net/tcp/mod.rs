//! TCP on the simulated network: listeners, streams and their halves, sockets.
//!
//! A connection is two in-memory byte pipes (`conn.rs`); its operations complete at once
//! when they can and otherwise wait through the engine's wakers, so the scheduling
//! policy decides who runs when data arrives.
//!
//! # Examples
//!
//! ```
//! # use simloop_tokio as tokio;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let mut client = tokio::net::TcpStream::connect(listener.local_addr()?).await?;
//! let (mut server, _) = listener.accept().await?;
//! let (mut read, _write): (tokio::net::tcp::ReadHalf<'_>, tokio::net::tcp::WriteHalf<'_>) = server.split();
//! client.write_all(b"ping").await?;
//! let mut buf = [0; 4];
//! read.read_exact(&mut buf).await?;
//! # Ok::<_, std::io::Error>(()) }).unwrap();
//! ```

use std::io::{self, IoSlice, IoSliceMut};
use std::task::{Context, Poll};

use tokio::io::{Interest, ReadBuf, Ready};

use super::conn::{BUFFER, End};

mod listener;
mod socket;
mod split;
mod stream;

pub(crate) use listener::Backlog;
pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::TcpStream;

/// The common prelude of the doc examples: a connected pair `a` (ours) and `b` (its peer).
macro_rules! doc_pair {
    ($setup:literal, $body:literal) => {
        concat!(
            "```\n# use simloop_tokio as tokio;\n",
            "# #[allow(unused_imports)] use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};\n",
            "# tokio::runtime::Runtime::new().unwrap().block_on(async {\n",
            "# let listener = tokio::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n",
            "# #[allow(unused_mut)] let mut a = tokio::net::TcpStream::connect(listener.local_addr()?).await?;\n",
            "# #[allow(unused_mut)] let (mut b, _) = listener.accept().await?;\n",
            $setup,
            "\n",
            $body,
            "\n# Ok::<_, std::io::Error>(()) }).unwrap();\n```"
        )
    };
}
pub(crate) use doc_pair;

/// The readiness and address methods every TCP stream and half has.
macro_rules! common_methods {
    ($setup:literal) => {
        /// Waits until the stream is ready for `interest` (tokio's readiness: ready until
        /// an operation would block; with `READ_CLOSED`/`WRITE_CLOSED` once the peer
        /// closed).
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "b.write_all(b\"x\").await?;\nlet ready = this.ready(Interest::READABLE).await?;\nassert!(ready.is_readable());")]
        pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
            $crate::sim::net::tcp::ready(self.end(), interest).await
        }

        /// The local address.
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "assert_eq!(this.local_addr()?, b.peer_addr()?);")]
        pub fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
            Ok(self.end().local_addr())
        }

        /// The peer's address.
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "assert_eq!(this.peer_addr()?, b.local_addr()?);")]
        pub fn peer_addr(&self) -> io::Result<std::net::SocketAddr> {
            Ok(self.end().peer_addr())
        }
    };
}
pub(crate) use common_methods;

/// The reading methods of a stream and its read halves.
macro_rules! read_methods {
    ($setup:literal) => {
        /// Waits until the stream may be readable (then `try_read` may still say
        /// `WouldBlock`, as on tokio).
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "b.write_all(b\"x\").await?;\nthis.readable().await?;\nassert_eq!(this.try_read(&mut [0; 4])?, 1);")]
        pub async fn readable(&self) -> io::Result<()> {
            $crate::sim::net::tcp::ready(self.end(), Interest::READABLE).await.map(|_| ())
        }

        /// Reads what is there without waiting.
        ///
        /// # Errors
        ///
        /// `WouldBlock` when nothing is there (and the peer did not close), and
        /// `ConnectionReset` after a reset.
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "let mut buf = [0; 4];\nassert_eq!(this.try_read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);\nb.write_all(b\"hi\").await?;\nassert_eq!(this.try_read(&mut buf)?, 2);")]
        pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
            $crate::sim::net::tcp::try_read(self.end(), &mut [io::IoSliceMut::new(buf)])
        }

        /// Reads what is there into several buffers without waiting.
        ///
        /// # Errors
        ///
        /// As [`Self::try_read`].
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "b.write_all(b\"abcd\").await?;\nlet (mut x, mut y) = ([0; 2], [0; 2]);\nlet n = this.try_read_vectored(&mut [std::io::IoSliceMut::new(&mut x), std::io::IoSliceMut::new(&mut y)])?;\nassert_eq!((n, &y), (4, b\"cd\"));")]
        pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
            $crate::sim::net::tcp::try_read(self.end(), bufs)
        }

        /// Reads what is there into `buf`'s spare capacity without waiting.
        ///
        /// # Errors
        ///
        /// As [`Self::try_read`].
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "b.write_all(b\"hi\").await?;\nlet mut buf = Vec::with_capacity(8);\nassert_eq!(this.try_read_buf(&mut buf)?, 2);\nassert_eq!(buf, b\"hi\");")]
        pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            $crate::sim::net::tcp::try_read_buf(self.end(), buf)
        }
    };
}
pub(crate) use read_methods;

/// The writing methods of a stream and its write halves.
macro_rules! write_methods {
    ($setup:literal) => {
        /// Waits until the stream may be writable.
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "this.writable().await?;\nassert_eq!(this.try_write(b\"hi\")?, 2);")]
        pub async fn writable(&self) -> io::Result<()> {
            $crate::sim::net::tcp::ready(self.end(), Interest::WRITABLE).await.map(|_| ())
        }

        /// Writes what the send buffer takes without waiting.
        ///
        /// # Errors
        ///
        /// `WouldBlock` when the send buffer is full, `BrokenPipe` when the write side
        /// was shut down or the peer dropped, `ConnectionReset` after a reset.
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "assert_eq!(this.try_write(b\"hi\")?, 2);\nlet mut buf = [0; 2];\nb.read_exact(&mut buf).await?;")]
        pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
            $crate::sim::net::tcp::try_write(self.end(), &[io::IoSlice::new(buf)])
        }

        /// Writes from several buffers what the send buffer takes without waiting.
        ///
        /// # Errors
        ///
        /// As [`Self::try_write`].
        ///
        /// # Examples
        ///
        #[doc = $crate::sim::net::tcp::doc_pair!($setup, "let n = this.try_write_vectored(&[std::io::IoSlice::new(b\"ab\"), std::io::IoSlice::new(b\"cd\")])?;\nassert_eq!(n, 4);")]
        pub fn try_write_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
            $crate::sim::net::tcp::try_write(self.end(), bufs)
        }
    };
}
pub(crate) use write_methods;

pub(crate) async fn ready(end: &End, interest: Interest) -> io::Result<Ready> {
    Ok(std::future::poll_fn(|cx| end.poll_ready(cx.waker(), interest)).await)
}

pub(crate) fn poll_ready(
    end: &End,
    cx: &mut Context<'_>,
    interest: Interest,
) -> Poll<io::Result<()>> {
    end.poll_ready(cx.waker(), interest).map(|_| Ok(()))
}

pub(crate) fn try_read(end: &End, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
    match end.read(None, bufs, false) {
        Poll::Ready(r) => r,
        Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
    }
}

pub(crate) fn try_read_buf<B: bytes::BufMut>(end: &End, buf: &mut B) -> io::Result<usize> {
    let mut chunk = vec![0; buf.remaining_mut().min(BUFFER)];
    let n = try_read(end, &mut [IoSliceMut::new(&mut chunk)])?;
    buf.put_slice(&chunk[..n]);
    Ok(n)
}

pub(crate) fn try_write(end: &End, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    match end.write(None, bufs) {
        Poll::Ready(r) => r,
        Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
    }
}

pub(crate) fn poll_read(
    end: &End,
    cx: &mut Context<'_>,
    buf: &mut ReadBuf<'_>,
    peek: bool,
) -> Poll<io::Result<usize>> {
    let n = std::task::ready!(end.read(
        Some(cx.waker()),
        &mut [IoSliceMut::new(buf.initialize_unfilled())],
        peek
    ))?;
    buf.advance(n);
    Poll::Ready(Ok(n))
}

pub(crate) fn poll_write(
    end: &End,
    cx: &mut Context<'_>,
    bufs: &[IoSlice<'_>],
) -> Poll<io::Result<usize>> {
    end.write(Some(cx.waker()), bufs)
}

pub(crate) async fn peek(end: &End, buf: &mut [u8]) -> io::Result<usize> {
    std::future::poll_fn(|cx| end.read(Some(cx.waker()), &mut [IoSliceMut::new(buf)], true)).await
}

/// Implements tokio's `AsyncRead` and `AsyncWrite` for a type with an `end()`.
macro_rules! async_io {
    (read $ty:ty) => {
        impl tokio::io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<io::Result<()>> {
                $crate::sim::net::tcp::poll_read(self.end(), cx, buf, false).map_ok(|_| ())
            }
        }
    };
    (write $ty:ty) => {
        impl tokio::io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<io::Result<usize>> {
                $crate::sim::net::tcp::poll_write(self.end(), cx, &[io::IoSlice::new(buf)])
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[io::IoSlice<'_>],
            ) -> std::task::Poll<io::Result<usize>> {
                $crate::sim::net::tcp::poll_write(self.end(), cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<io::Result<()>> {
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_shutdown(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<io::Result<()>> {
                self.end().shutdown();
                std::task::Poll::Ready(Ok(()))
            }
        }
    };
}
pub(crate) use async_io;

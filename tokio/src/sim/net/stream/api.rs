//! tokio's public surface of a stream family, made once for TCP and Unix-domain streams:
//! the methods a stream and its halves share (`stream_methods!`), the halves themselves
//! (`halves!`) and the `AsyncRead`/`AsyncWrite` impls (`async_io!`). Each family passes
//! the name of its doc-example macro, `doc_pair!(setup, body)`, whose prelude makes a
//! connected pair `a` (ours) and `b` (its peer), so every method keeps a runnable example
//! of its own family.

/// A doc example of a stream method: tokio's imports, a runtime, `$pair` (the family's
/// lines making the connected pair `a` and `b`), `$setup`, `$body`.
macro_rules! doc_example {
    ($pair:literal, $setup:literal, $body:expr) => {
        concat!(
            "```\n# use simloop_tokio as tokio;\n",
            "# #[allow(unused_imports)] use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};\n",
            "# tokio::runtime::Runtime::new().unwrap().block_on(async {\n",
            $pair,
            $setup,
            "\n",
            $body,
            "\n# Ok::<_, std::io::Error>(()) }).unwrap();\n```"
        )
    };
}
pub(crate) use doc_example;

/// A public stream type `$stream` wrapping a [`super::Stream`] of `$names` in its field
/// `inner`: its [`super::Wrapper`] impl and tokio's `AsyncRead` and `AsyncWrite`.
macro_rules! wrapper {
    ($stream:ident, $names:ty) => {
        impl $crate::sim::net::stream::Wrapper for $stream {
            type Names = $names;

            fn stream(&self) -> &$crate::sim::net::stream::Stream<$names> {
                &self.inner
            }

            fn wrap(inner: $crate::sim::net::stream::Stream<$names>) -> $stream {
                $stream { inner }
            }
        }

        $crate::sim::net::stream::async_io!(read $stream);
        $crate::sim::net::stream::async_io!(write $stream);

        /// The real socket's descriptor (`from_std`); a simulated stream lends a
        /// placeholder (`/dev/null`: socket calls on it fail with `ENOTSOCK`), since it
        /// has no OS socket and tokio's streams always have one.
        impl ::std::os::fd::AsFd for $stream {
            fn as_fd(&self) -> ::std::os::fd::BorrowedFd<'_> {
                self.inner.as_fd()
            }
        }

        /// As [`AsFd`](::std::os::fd::AsFd).
        impl ::std::os::fd::AsRawFd for $stream {
            fn as_raw_fd(&self) -> ::std::os::fd::RawFd {
                ::std::os::fd::AsRawFd::as_raw_fd(&self.inner.as_fd())
            }
        }
    };
}
pub(crate) use wrapper;

/// The methods of a stream and its halves, over the wrapped [`super::Stream`] (the type
/// has a `stream()` method): `common` (readiness and addresses, `$addr` the family's
/// address type), `read`, `write` (a read or write half's), `whole` (the stream's
/// alone), and `stream`: all of them, a stream's. `$setup` makes `this`, the receiver,
/// from the pair.
macro_rules! stream_methods {
    (stream $doc:ident, $addr:ty) => {
        $crate::sim::net::stream::stream_methods!(common $doc, $addr, "let this = &a;");
        $crate::sim::net::stream::stream_methods!(read $doc, "let this = &a;");
        $crate::sim::net::stream::stream_methods!(write $doc, "let this = &a;");
        $crate::sim::net::stream::stream_methods!(whole $doc);
    };
    (common $doc:ident, $addr:ty, $setup:literal) => {
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
        #[doc = $doc!($setup, "b.write_all(b\"x\").await?;\nlet ready = this.ready(Interest::READABLE).await?;\nassert!(ready.is_readable());")]
        pub async fn ready(&self, interest: ::tokio::io::Interest) -> ::std::io::Result<::tokio::io::Ready> {
            self.stream().ready(interest).await
        }

        /// The local address (a Unix-domain pair's and client's are unnamed).
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!($setup, "let (ours, theirs) = (this.local_addr()?, b.peer_addr()?);\nassert_eq!(format!(\"{ours:?}\"), format!(\"{theirs:?}\"));")]
        pub fn local_addr(&self) -> ::std::io::Result<$addr> {
            self.stream().local_addr()
        }

        /// The peer's address.
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!($setup, "let (peer, theirs) = (this.peer_addr()?, b.local_addr()?);\nassert_eq!(format!(\"{peer:?}\"), format!(\"{theirs:?}\"));")]
        pub fn peer_addr(&self) -> ::std::io::Result<$addr> {
            self.stream().peer_addr()
        }
    };
    (read $doc:ident, $setup:literal) => {
        /// Waits until the stream may be readable (then `try_read` may still say
        /// `WouldBlock`, as on tokio).
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!($setup, "b.write_all(b\"x\").await?;\nthis.readable().await?;\nassert_eq!(this.try_read(&mut [0; 4])?, 1);")]
        pub async fn readable(&self) -> ::std::io::Result<()> {
            self.stream().ready(::tokio::io::Interest::READABLE).await.map(|_| ())
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
        #[doc = $doc!($setup, "let mut buf = [0; 4];\nassert_eq!(this.try_read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);\nb.write_all(b\"hi\").await?;\nassert_eq!(this.try_read(&mut buf)?, 2);")]
        pub fn try_read(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
            self.stream().try_read(&mut [::std::io::IoSliceMut::new(buf)])
        }

        /// Reads what is there into several buffers without waiting.
        ///
        /// # Errors
        ///
        /// As [`Self::try_read`].
        ///
        /// # Examples
        ///
        #[doc = $doc!($setup, "b.write_all(b\"abcd\").await?;\nlet (mut x, mut y) = ([0; 2], [0; 2]);\nlet n = this.try_read_vectored(&mut [std::io::IoSliceMut::new(&mut x), std::io::IoSliceMut::new(&mut y)])?;\nassert_eq!((n, &y), (4, b\"cd\"));")]
        pub fn try_read_vectored(&self, bufs: &mut [::std::io::IoSliceMut<'_>]) -> ::std::io::Result<usize> {
            self.stream().try_read(bufs)
        }

        /// Reads what is there into `buf`'s spare capacity without waiting.
        ///
        /// # Errors
        ///
        /// As [`Self::try_read`].
        ///
        /// # Examples
        ///
        #[doc = $doc!($setup, "b.write_all(b\"hi\").await?;\nlet mut buf = Vec::with_capacity(8);\nassert_eq!(this.try_read_buf(&mut buf)?, 2);\nassert_eq!(buf, b\"hi\");")]
        pub fn try_read_buf<B: ::bytes::BufMut>(&self, buf: &mut B) -> ::std::io::Result<usize> {
            self.stream().try_read_buf(buf)
        }
    };
    (write $doc:ident, $setup:literal) => {
        /// Waits until the stream may be writable.
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!($setup, "this.writable().await?;\nassert_eq!(this.try_write(b\"hi\")?, 2);")]
        pub async fn writable(&self) -> ::std::io::Result<()> {
            self.stream().ready(::tokio::io::Interest::WRITABLE).await.map(|_| ())
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
        #[doc = $doc!($setup, "assert_eq!(this.try_write(b\"hi\")?, 2);\nlet mut buf = [0; 2];\nb.read_exact(&mut buf).await?;")]
        pub fn try_write(&self, buf: &[u8]) -> ::std::io::Result<usize> {
            self.stream().try_write(&[::std::io::IoSlice::new(buf)])
        }

        /// Writes from several buffers what the send buffer takes without waiting.
        ///
        /// # Errors
        ///
        /// As [`Self::try_write`].
        ///
        /// # Examples
        ///
        #[doc = $doc!($setup, "let n = this.try_write_vectored(&[std::io::IoSlice::new(b\"ab\"), std::io::IoSlice::new(b\"cd\")])?;\nassert_eq!(n, 4);")]
        pub fn try_write_vectored(&self, bufs: &[::std::io::IoSlice<'_>]) -> ::std::io::Result<usize> {
            self.stream().try_write(bufs)
        }
    };
    (whole $doc:ident) => {
        /// The pending socket error: a real socket's (`from_std`), none for a simulated
        /// one (its errors come from operations).
        ///
        /// # Errors
        ///
        /// A real socket's failure to read it; none in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("", "assert!(a.take_error()?.is_none());")]
        pub fn take_error(&self) -> ::std::io::Result<Option<::std::io::Error>> {
            self.stream().take_error()
        }

        /// Polls for readability (registering the task when not ready).
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("", "b.write_all(b\"x\").await?;\nstd::future::poll_fn(|cx| a.poll_read_ready(cx)).await?;")]
        pub fn poll_read_ready(&self, cx: &mut ::std::task::Context<'_>) -> ::std::task::Poll<::std::io::Result<()>> {
            self.stream().poll_ready(cx, ::tokio::io::Interest::READABLE)
        }

        /// Polls for writability (registering the task when not ready).
        ///
        /// # Errors
        ///
        /// None in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("", "std::future::poll_fn(|cx| a.poll_write_ready(cx)).await?;")]
        pub fn poll_write_ready(&self, cx: &mut ::std::task::Context<'_>) -> ::std::task::Poll<::std::io::Result<()>> {
            self.stream().poll_ready(cx, ::tokio::io::Interest::WRITABLE)
        }

        /// Runs `f`, a non-blocking operation, forgetting `interest`'s readiness when it
        /// says `WouldBlock` (tokio's contract; in the simulation `f` has no OS socket to
        /// use, so this serves code that calls the stream's own `try_` methods in `f`).
        ///
        /// # Errors
        ///
        /// `f`'s.
        ///
        /// # Examples
        ///
        #[doc = $doc!("", "let mut buf = [0; 4];\nlet r = a.try_io(Interest::READABLE, || a.try_read(&mut buf));\nassert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::WouldBlock);")]
        pub fn try_io<R>(
            &self,
            interest: ::tokio::io::Interest,
            f: impl FnOnce() -> ::std::io::Result<R>,
        ) -> ::std::io::Result<R> {
            self.stream().try_io(interest, f)
        }

        /// Waits for `interest`'s readiness and runs `f` until it does not say `WouldBlock`.
        ///
        /// # Errors
        ///
        /// `f`'s.
        ///
        /// # Examples
        ///
        #[doc = $doc!("", "b.write_all(b\"hi\").await?;\nlet mut buf = [0; 4];\nlet n = a.async_io(Interest::READABLE, || a.try_read(&mut buf)).await?;\nassert_eq!(n, 2);")]
        pub async fn async_io<R>(
            &self,
            interest: ::tokio::io::Interest,
            f: impl FnMut() -> ::std::io::Result<R>,
        ) -> ::std::io::Result<R> {
            self.stream().async_io(interest, f).await
        }

        /// Borrows the stream as a read half and a write half, usable concurrently.
        ///
        /// # Examples
        ///
        #[doc = $doc!("", "let (mut read, mut write) = a.split();\nwrite.write_all(b\"x\").await?;\nb.write_all(b\"y\").await?;\nassert_eq!(read.read_u8().await?, b'y');")]
        pub fn split(&mut self) -> (super::split::ReadHalf<'_>, super::split::WriteHalf<'_>) {
            (super::split::ReadHalf(self), super::split::WriteHalf(self))
        }

        /// Splits the stream into owned halves (movable to other tasks; `reunite` puts
        /// them back together). Dropping the write half shuts the write side down.
        ///
        /// # Examples
        ///
        #[doc = $doc!("", "let (read, write) = a.into_split();\nlet a = read.reunite(write).unwrap();\nassert!(a.peer_addr().is_ok());")]
        pub fn into_split(self) -> (super::split::OwnedReadHalf, super::split::OwnedWriteHalf) {
            let (read, write) = $crate::sim::net::stream::into_split(self);
            (
                super::split::OwnedReadHalf { inner: read },
                super::split::OwnedWriteHalf {
                    inner: write,
                    shutdown_on_drop: true,
                },
            )
        }
    };
}
pub(crate) use stream_methods;

/// Implements tokio's `AsyncRead` or `AsyncWrite` for a type with a `stream()`.
macro_rules! async_io {
    (read $ty:ty) => {
        impl ::tokio::io::AsyncRead for $ty {
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut ::tokio::io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                self.stream().poll_read(cx, buf, false).map_ok(|_| ())
            }
        }
    };
    (write $ty:ty) => {
        impl ::tokio::io::AsyncWrite for $ty {
            fn poll_write(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.stream()
                    .poll_write(cx, &[::std::io::IoSlice::new(buf)])
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.stream().poll_write(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(
                self: ::std::pin::Pin<&mut Self>,
                _cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(Ok(()))
            }

            fn poll_shutdown(
                self: ::std::pin::Pin<&mut Self>,
                _cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(self.stream().shutdown_write())
            }
        }
    };
}
pub(crate) use async_io;

/// A family's halves (`ReadHalf`, `WriteHalf`, `OwnedReadHalf`, `OwnedWriteHalf`,
/// `ReuniteError`) of `$stream`, whose names are `$names` and addresses `$addr`, with
/// tokio's methods and impls; invoked in the family's module, beside `$stream`.
macro_rules! halves {
    ($stream:ident, $names:ty, $addr:ty, $doc:ident) => {
        #[doc = concat!("The read half of a borrowed stream ([`", stringify!($stream), "::split`]).\n\n# Examples\n\n")]
        #[doc = $doc!("", "let (mut read, _write) = a.split();\nb.write_all(b\"x\").await?;\nassert_eq!(read.read_u8().await?, b'x');")]
        #[derive(Debug)]
        pub struct ReadHalf<'a>(pub(super) &'a $stream);

        #[doc = concat!("The write half of a borrowed stream ([`", stringify!($stream), "::split`]); its `shutdown` shuts the stream's write side down.\n\n# Examples\n\n")]
        #[doc = $doc!("", "let (_read, mut write) = a.split();\nwrite.write_all(b\"x\").await?;\nassert_eq!(b.read_u8().await?, b'x');")]
        #[derive(Debug)]
        pub struct WriteHalf<'a>(pub(super) &'a $stream);

        #[doc = concat!("The owned read half of a stream ([`", stringify!($stream), "::into_split`]).\n\n# Examples\n\n")]
        #[doc = $doc!("", "let (mut read, _write) = a.into_split();\nb.write_all(b\"x\").await?;\nassert_eq!(read.read_u8().await?, b'x');")]
        #[derive(Debug)]
        pub struct OwnedReadHalf {
            pub(super) inner: $stream,
        }

        #[doc = concat!("The owned write half of a stream ([`", stringify!($stream), "::into_split`]); dropping it shuts the write side down (the peer reads EOF), unless it is [`OwnedWriteHalf::forget`]ten.\n\n# Examples\n\n")]
        #[doc = $doc!("", "let (_read, write) = a.into_split();\ndrop(write);\nassert_eq!(b.read(&mut [0; 4]).await?, 0);")]
        #[derive(Debug)]
        pub struct OwnedWriteHalf {
            pub(super) inner: $stream,
            pub(super) shutdown_on_drop: bool,
        }

        /// The halves given to `reunite` came from different streams: here they are back.
        ///
        /// # Examples
        ///
        #[doc = $doc!("", "let (read, _) = a.into_split();\nlet (_, write) = b.into_split();\nlet err = read.reunite(write).unwrap_err();\nassert_eq!(err.to_string(), \"tried to reunite halves that are not from the same socket\");\nlet (_read, _write) = (err.0, err.1);")]
        #[derive(Debug)]
        pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

        impl ::std::fmt::Display for ReuniteError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("tried to reunite halves that are not from the same socket")
            }
        }

        impl ::std::error::Error for ReuniteError {}

        fn reunite(
            read: OwnedReadHalf,
            mut write: OwnedWriteHalf,
        ) -> Result<$stream, ReuniteError> {
            use $crate::sim::net::stream::Wrapper;
            if read.inner.stream().same(write.inner.stream()) {
                write.shutdown_on_drop = false;
                drop(write);
                Ok(read.inner)
            } else {
                Err(ReuniteError(read, write))
            }
        }

        impl ReadHalf<'_> {
            fn stream(&self) -> &$crate::sim::net::stream::Stream<$names> {
                $crate::sim::net::stream::Wrapper::stream(self.0)
            }

            $crate::sim::net::stream::stream_methods!(common $doc, $addr, "let (this, _w) = a.split();");
            $crate::sim::net::stream::stream_methods!(read $doc, "let (this, _w) = a.split();");
        }

        impl WriteHalf<'_> {
            fn stream(&self) -> &$crate::sim::net::stream::Stream<$names> {
                $crate::sim::net::stream::Wrapper::stream(self.0)
            }

            $crate::sim::net::stream::stream_methods!(common $doc, $addr, "let (_r, this) = a.split();");
            $crate::sim::net::stream::stream_methods!(write $doc, "let (_r, this) = a.split();");
        }

        impl OwnedReadHalf {
            fn stream(&self) -> &$crate::sim::net::stream::Stream<$names> {
                $crate::sim::net::stream::Wrapper::stream(&self.inner)
            }

            /// Puts the halves back together, if they are of the same stream.
            ///
            /// # Errors
            ///
            /// [`ReuniteError`] (with both halves) when they are not.
            ///
            /// # Examples
            ///
            #[doc = $doc!("let (read, write) = a.into_split();", "let a = read.reunite(write).unwrap();\nassert!(a.local_addr().is_ok());")]
            pub fn reunite(self, other: OwnedWriteHalf) -> Result<$stream, ReuniteError> {
                reunite(self, other)
            }

            $crate::sim::net::stream::stream_methods!(common $doc, $addr, "let (this, _w) = a.into_split();");
            $crate::sim::net::stream::stream_methods!(read $doc, "let (this, _w) = a.into_split();");
        }

        impl OwnedWriteHalf {
            fn stream(&self) -> &$crate::sim::net::stream::Stream<$names> {
                $crate::sim::net::stream::Wrapper::stream(&self.inner)
            }

            /// Puts the halves back together, if they are of the same stream.
            ///
            /// # Errors
            ///
            /// [`ReuniteError`] (with both halves) when they are not.
            ///
            /// # Examples
            ///
            #[doc = $doc!("let (read, write) = a.into_split();", "let a = write.reunite(read).unwrap();\nassert!(a.local_addr().is_ok());")]
            pub fn reunite(self, other: OwnedReadHalf) -> Result<$stream, ReuniteError> {
                reunite(other, self)
            }

            /// Drops the half without shutting the write side down.
            ///
            /// # Examples
            ///
            #[doc = $doc!("let (_r, write) = a.into_split();", "write.forget();\nb.write_all(b\"still open\").await?;")]
            pub fn forget(mut self) {
                self.shutdown_on_drop = false;
            }

            $crate::sim::net::stream::stream_methods!(common $doc, $addr, "let (_r, this) = a.into_split();");
            $crate::sim::net::stream::stream_methods!(write $doc, "let (_r, this) = a.into_split();");
        }

        impl Drop for OwnedWriteHalf {
            fn drop(&mut self) {
                if self.shutdown_on_drop {
                    let _ = self.stream().shutdown_write();
                }
            }
        }

        impl AsRef<$stream> for ReadHalf<'_> {
            fn as_ref(&self) -> &$stream {
                self.0
            }
        }

        impl AsRef<$stream> for WriteHalf<'_> {
            fn as_ref(&self) -> &$stream {
                self.0
            }
        }

        impl AsRef<$stream> for OwnedReadHalf {
            fn as_ref(&self) -> &$stream {
                &self.inner
            }
        }

        impl AsRef<$stream> for OwnedWriteHalf {
            fn as_ref(&self) -> &$stream {
                &self.inner
            }
        }

        $crate::sim::net::stream::async_io!(read ReadHalf<'_>);
        $crate::sim::net::stream::async_io!(write WriteHalf<'_>);
        $crate::sim::net::stream::async_io!(read OwnedReadHalf);
        $crate::sim::net::stream::async_io!(write OwnedWriteHalf);
    };
}
pub(crate) use halves;

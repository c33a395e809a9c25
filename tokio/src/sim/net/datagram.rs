//! What UDP and Unix-domain datagram sockets share: readiness (readable from the
//! socket's mailbox, writable as the family says: a UDP socket always, a Unix-domain one
//! while its peer's queue has room), `try_io`/`async_io`, and tokio's public methods for
//! them (`datagram_methods!`), made once for both families. A public socket is simulated
//! or real (tokio's own, handed in with `from_std`: `net/real.rs`); [`Sides`] tells
//! which, and each readiness method dispatches once.

use std::io;
use std::task::{Poll, Waker};

use tokio::io::{Interest, Ready};

use super::network::lock;
use super::real::RealDatagram;
use super::udp::{Mailbox, QUEUE_BYTES};

/// A public datagram socket (`UdpSocket`, `UnixDatagram`): its simulated socket or
/// its real one.
pub(crate) trait Sides {
    /// The simulated socket's type.
    type Sim: Datagram;
    /// The real socket's type (tokio's).
    type Real: RealDatagram;

    /// Which of the two this socket is.
    fn side(&self) -> Side<'_, Self::Sim, Self::Real>;
}

/// A datagram socket, simulated or real ([`Sides::side`]).
pub(crate) enum Side<'a, S, R> {
    Sim(&'a S),
    Real(&'a R),
}

/// A datagram socket of either family.
pub(crate) trait Datagram {
    /// The address a datagram's sender has (std's `SocketAddr`, a Unix-domain name).
    type Addr: Clone + PartialEq;

    /// The socket's received datagrams.
    fn mailbox(&self) -> &Mailbox<Self::Addr>;

    /// Writability: ready, or pending with `waker` registered.
    fn poll_writable(&self, waker: &Waker) -> Poll<()>;

    /// `async_io`'s operation said `WouldBlock` for a writable interest: forget that
    /// the socket was writable (UDP sockets always are).
    fn forget_writable(&self) {}
}

/// The readiness of `interest`, or pending with `waker` registered.
pub(crate) fn poll_ready<D: Datagram>(
    socket: &D,
    waker: &Waker,
    interest: Interest,
) -> Poll<io::Result<Ready>> {
    let mut ready = Ready::EMPTY;
    if interest.is_writable() && socket.poll_writable(waker).is_ready() {
        ready |= Ready::WRITABLE;
    }
    if interest.is_readable() && socket.mailbox().poll_readable(waker).is_ready() {
        ready |= Ready::READABLE;
    }
    if ready.is_empty() {
        Poll::Pending
    } else {
        Poll::Ready(Ok(ready))
    }
}

pub(crate) async fn ready<D: Datagram>(socket: &D, interest: Interest) -> io::Result<Ready> {
    std::future::poll_fn(|cx| poll_ready(socket, cx.waker(), interest)).await
}

/// tokio's `try_io`: runs `f`; a `WouldBlock` forgets that the socket was readable.
pub(crate) fn try_io<D: Datagram, R>(
    socket: &D,
    interest: Interest,
    f: impl FnOnce() -> io::Result<R>,
) -> io::Result<R> {
    let out = f();
    if interest.is_readable() && matches!(&out, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
        forget_readable(socket);
    }
    out
}

/// tokio's `async_io`: waits for `interest` and runs `f` until it does not say
/// `WouldBlock`.
pub(crate) async fn async_io<D: Datagram, R>(
    socket: &D,
    interest: Interest,
    mut f: impl FnMut() -> io::Result<R>,
) -> io::Result<R> {
    loop {
        ready(socket, interest).await?;
        // A unit of the task's budget per attempt, given back when `f` would block (as
        // tokio's `async_io`).
        let coop = std::future::poll_fn(tokio::task::coop::poll_proceed).await;
        match f() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if interest.is_readable() {
                    forget_readable(socket);
                }
                if interest.is_writable() {
                    socket.forget_writable();
                }
            }
            out => {
                coop.made_progress();
                return out;
            }
        }
    }
}

fn forget_readable<D: Datagram>(socket: &D) {
    lock(&socket.mailbox().state).hint = false;
}

/// A buffer for a datagram received into `buf`'s spare capacity (then `put_slice`d).
pub(crate) fn spare<B: bytes::BufMut>(buf: &B) -> Vec<u8> {
    vec![0; buf.remaining_mut().min(QUEUE_BYTES)]
}

/// tokio's readiness and `recv_buf` methods of a datagram socket (a [`Datagram`] with
/// `recv_from` and `try_recv_from`, its senders' addresses `$addr`), with examples from
/// `$doc!(body)`, whose prelude makes `a` and `b`, two sockets connected to each other.
macro_rules! datagram_methods {
    ($doc:ident, $addr:ty) => {
        /// Waits until the socket is ready for `interest`.
        ///
        /// # Errors
        ///
        /// A real socket's (`from_std`); none in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("let ready = a.ready(tokio::io::Interest::WRITABLE).await?;\nassert!(ready.is_writable());\nlet _ = b;")]
        pub async fn ready(
            &self,
            interest: ::tokio::io::Interest,
        ) -> ::std::io::Result<::tokio::io::Ready> {
            match $crate::sim::net::datagram::Sides::side(self) {
                $crate::sim::net::datagram::Side::Sim(sim) => {
                    $crate::sim::net::datagram::ready(sim, interest).await
                }
                $crate::sim::net::datagram::Side::Real(real) => {
                    $crate::sim::net::real::RealDatagram::ready(real, interest).await
                }
            }
        }

        /// Waits until the socket may be writable (a UDP socket is at once: its sends
        /// never wait; a Unix-domain one while its peer's queue is full).
        ///
        /// # Errors
        ///
        /// A real socket's (`from_std`); none in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("a.writable().await?;\nassert_eq!(a.try_send(b\"x\")?, 1);\nlet _ = b;")]
        pub async fn writable(&self) -> ::std::io::Result<()> {
            match $crate::sim::net::datagram::Sides::side(self) {
                $crate::sim::net::datagram::Side::Sim(sim) => {
                    ::std::future::poll_fn(|cx| {
                        $crate::sim::net::datagram::Datagram::poll_writable(sim, cx.waker())
                            .map(Ok)
                    })
                    .await
                }
                $crate::sim::net::datagram::Side::Real(real) => {
                    $crate::sim::net::real::RealDatagram::ready(
                        real,
                        ::tokio::io::Interest::WRITABLE,
                    )
                    .await
                    .map(|_| ())
                }
            }
        }

        /// Polls for writability (registering the task when not ready).
        ///
        /// # Errors
        ///
        /// A real socket's (`from_std`); none in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("std::future::poll_fn(|cx| a.poll_send_ready(cx)).await?;\nlet _ = b;")]
        pub fn poll_send_ready(
            &self,
            cx: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            match $crate::sim::net::datagram::Sides::side(self) {
                $crate::sim::net::datagram::Side::Sim(sim) => {
                    $crate::sim::net::network::budgeted(cx, |cx| {
                        $crate::sim::net::datagram::Datagram::poll_writable(sim, cx.waker())
                    })
                    .map(Ok)
                }
                $crate::sim::net::datagram::Side::Real(real) => {
                    $crate::sim::net::real::RealDatagram::poll_send_ready(real, cx)
                }
            }
        }

        /// Waits until a datagram (or an error) may be there.
        ///
        /// # Errors
        ///
        /// A real socket's (`from_std`); none in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("a.send(b\"x\").await?;\nb.readable().await?;\nassert_eq!(b.try_recv(&mut [0; 4])?, 1);")]
        pub async fn readable(&self) -> ::std::io::Result<()> {
            match $crate::sim::net::datagram::Sides::side(self) {
                $crate::sim::net::datagram::Side::Sim(sim) => {
                    ::std::future::poll_fn(|cx| {
                        $crate::sim::net::datagram::Datagram::mailbox(sim)
                            .poll_readable(cx.waker())
                            .map(Ok)
                    })
                    .await
                }
                $crate::sim::net::datagram::Side::Real(real) => {
                    $crate::sim::net::real::RealDatagram::ready(
                        real,
                        ::tokio::io::Interest::READABLE,
                    )
                    .await
                    .map(|_| ())
                }
            }
        }

        /// Polls for readability (registering the task when not ready).
        ///
        /// # Errors
        ///
        /// A real socket's (`from_std`); none in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("a.send(b\"x\").await?;\nstd::future::poll_fn(|cx| b.poll_recv_ready(cx)).await?;")]
        pub fn poll_recv_ready(
            &self,
            cx: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            match $crate::sim::net::datagram::Sides::side(self) {
                $crate::sim::net::datagram::Side::Sim(sim) => {
                    $crate::sim::net::network::budgeted(cx, |cx| {
                        $crate::sim::net::datagram::Datagram::mailbox(sim)
                            .poll_readable(cx.waker())
                    })
                    .map(Ok)
                }
                $crate::sim::net::datagram::Side::Real(real) => {
                    $crate::sim::net::real::RealDatagram::poll_recv_ready(real, cx)
                }
            }
        }

        /// Runs `f`, a non-blocking operation, forgetting that the socket was readable
        /// when it says `WouldBlock` (a simulated socket has no OS socket for `f` to use,
        /// so there this serves code that calls the socket's own `try_` methods in `f`;
        /// a real one's is tokio's `try_io`).
        ///
        /// # Errors
        ///
        /// `f`'s.
        ///
        /// # Examples
        ///
        #[doc = $doc!("let r = b.try_io(tokio::io::Interest::READABLE, || b.try_recv(&mut [0; 4]));\nassert_eq!(r.unwrap_err().kind(), std::io::ErrorKind::WouldBlock);\nlet _ = a;")]
        pub fn try_io<R>(
            &self,
            interest: ::tokio::io::Interest,
            f: impl FnOnce() -> ::std::io::Result<R>,
        ) -> ::std::io::Result<R> {
            match $crate::sim::net::datagram::Sides::side(self) {
                $crate::sim::net::datagram::Side::Sim(sim) => {
                    $crate::sim::net::datagram::try_io(sim, interest, f)
                }
                $crate::sim::net::datagram::Side::Real(real) => {
                    $crate::sim::net::real::RealDatagram::try_io(real, interest, f)
                }
            }
        }

        /// Waits for `interest`'s readiness and runs `f` until it does not say
        /// `WouldBlock`.
        ///
        /// # Errors
        ///
        /// `f`'s.
        ///
        /// # Examples
        ///
        #[doc = $doc!("a.send(b\"hi\").await?;\nlet n = b.async_io(tokio::io::Interest::READABLE, || b.try_recv(&mut [0; 4])).await?;\nassert_eq!(n, 2);")]
        pub async fn async_io<R>(
            &self,
            interest: ::tokio::io::Interest,
            f: impl FnMut() -> ::std::io::Result<R>,
        ) -> ::std::io::Result<R> {
            match $crate::sim::net::datagram::Sides::side(self) {
                $crate::sim::net::datagram::Side::Sim(sim) => {
                    $crate::sim::net::datagram::async_io(sim, interest, f).await
                }
                $crate::sim::net::datagram::Side::Real(real) => {
                    $crate::sim::net::real::RealDatagram::async_io(real, interest, f).await
                }
            }
        }

        /// Receives a datagram into `buf`'s spare capacity without waiting.
        ///
        /// # Errors
        ///
        /// As [`Self::try_recv`].
        ///
        /// # Examples
        ///
        #[doc = $doc!("a.send(b\"hi\").await?;\nlet mut buf = Vec::with_capacity(8);\nassert_eq!(b.try_recv_buf(&mut buf)?, 2);")]
        pub fn try_recv_buf<B: ::bytes::BufMut>(&self, buf: &mut B) -> ::std::io::Result<usize> {
            self.try_recv_buf_from(buf).map(|(n, _)| n)
        }

        /// Waits for a datagram and appends it to `buf`'s spare capacity.
        ///
        /// # Errors
        ///
        /// As [`Self::recv`].
        ///
        /// # Examples
        ///
        #[doc = $doc!("a.send(b\"hi\").await?;\nlet mut buf = Vec::with_capacity(8);\nassert_eq!(b.recv_buf(&mut buf).await?, 2);")]
        pub async fn recv_buf<B: ::bytes::BufMut>(&self, buf: &mut B) -> ::std::io::Result<usize> {
            self.recv_buf_from(buf).await.map(|(n, _)| n)
        }

        /// Receives a datagram and its sender into `buf`'s spare capacity without waiting.
        ///
        /// # Errors
        ///
        /// As [`Self::try_recv`].
        ///
        /// # Examples
        ///
        #[doc = $doc!("a.send(b\"hi\").await?;\nlet mut buf = Vec::with_capacity(8);\nlet (n, from) = b.try_recv_buf_from(&mut buf)?;\nassert_eq!(&buf[..n], b\"hi\");\nassert_eq!(format!(\"{from:?}\"), format!(\"{:?}\", a.local_addr()?));")]
        pub fn try_recv_buf_from<B: ::bytes::BufMut>(
            &self,
            buf: &mut B,
        ) -> ::std::io::Result<(usize, $addr)> {
            let mut chunk = $crate::sim::net::datagram::spare(buf);
            let (n, from) = self.try_recv_from(&mut chunk)?;
            buf.put_slice(&chunk[..n]);
            Ok((n, from))
        }

        /// Waits for a datagram and appends it to `buf`'s spare capacity; gives its
        /// sender.
        ///
        /// # Errors
        ///
        /// As [`Self::recv`].
        ///
        /// # Examples
        ///
        #[doc = $doc!("a.send(b\"hi\").await?;\nlet mut buf = Vec::with_capacity(8);\nlet (n, from) = b.recv_buf_from(&mut buf).await?;\nassert_eq!(&buf[..n], b\"hi\");\nassert_eq!(format!(\"{from:?}\"), format!(\"{:?}\", a.local_addr()?));")]
        pub async fn recv_buf_from<B: ::bytes::BufMut>(
            &self,
            buf: &mut B,
        ) -> ::std::io::Result<(usize, $addr)> {
            let mut chunk = $crate::sim::net::datagram::spare(buf);
            let (n, from) = self.recv_from(&mut chunk).await?;
            buf.put_slice(&chunk[..n]);
            Ok((n, from))
        }
    };
}
pub(crate) use datagram_methods;

//! `UnixDatagram`'s receiving methods.

use std::io;
use std::task::{Context, Poll, Waker};

use tokio::io::ReadBuf;

use super::{SimDgram, UnixDatagram};
use crate::sim::net::datagram::Side;
use crate::sim::net::network::{budgeted, lock, now};
use crate::sim::net::unix::{SocketAddr, UnixAddr};

impl SimDgram {
    fn receive(
        &self,
        waker: Option<&Waker>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.network.check()?;
        if lock(&self.flags).read_shut {
            return Poll::Ready(Ok((0, UnixAddr::Unnamed.to_socket_addr())));
        }
        self.mailbox
            .receive(waker, buf, false)
            .map_ok(|(n, from)| (n, from.to_socket_addr()))
    }

    /// `receive` waiting (with `cx`'s waker), under the task's cooperative budget.
    fn poll_receive(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        budgeted(cx, |cx| self.receive(Some(cx.waker()), buf))
    }
}

impl UnixDatagram {
    /// Receives the next datagram (truncated to `buf`).
    ///
    /// # Errors
    ///
    /// The shutdown error once the runtime shut down.
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("a.send(b\"hi\").await?;\nassert_eq!(b.recv(&mut [0; 4]).await?, 2);")]
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self.side() {
            Side::Sim(sim) => {
                std::future::poll_fn(|cx| sim.poll_receive(cx, buf).map_ok(|(n, _)| n)).await
            }
            Side::Real(real) => real.recv(buf).await,
        }
    }

    /// Polls to receive the next datagram into `buf`.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("a.send(b\"hi\").await?;\nlet mut buf = [0; 4];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nstd::future::poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;\nassert_eq!(buf.filled(), b\"hi\");")]
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.poll_recv_from(cx, buf).map_ok(|_| ())
    }

    /// Receives the next datagram without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` when none is there.
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("let err = b.try_recv(&mut [0; 4]).unwrap_err();\nassert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);\nlet _ = a;")]
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self.side() {
            Side::Sim(sim) => now(sim.receive(None, buf)).map(|(n, _)| n),
            Side::Real(real) => real.try_recv(buf),
        }
    }

    /// Receives the next datagram and its sender's address.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("a.send(b\"hi\").await?;\nlet (n, from) = b.recv_from(&mut [0; 4]).await?;\nassert_eq!(n, 2);\nassert!(from.is_unnamed());")]
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        match self.side() {
            Side::Sim(sim) => std::future::poll_fn(|cx| sim.poll_receive(cx, buf)).await,
            Side::Real(real) => real.recv_from(buf).await,
        }
    }

    /// Polls to receive the next datagram into `buf`, with its sender's address.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("a.send(b\"hi\").await?;\nlet mut buf = [0; 4];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nlet from = std::future::poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;\nassert!(from.is_unnamed());")]
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        match self.side() {
            Side::Sim(sim) => {
                let (n, from) = std::task::ready!(sim.poll_receive(cx, buf.initialize_unfilled()))?;
                buf.advance(n);
                Poll::Ready(Ok(from))
            }
            Side::Real(real) => real.poll_recv_from(cx, buf),
        }
    }

    /// Receives the next datagram and its sender's address without waiting.
    ///
    /// # Errors
    ///
    /// As [`Self::try_recv`].
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("a.send(b\"hi\").await?;\nlet (n, _) = b.try_recv_from(&mut [0; 4])?;\nassert_eq!(n, 2);")]
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        match self.side() {
            Side::Sim(sim) => now(sim.receive(None, buf)),
            Side::Real(real) => real.try_recv_from(buf),
        }
    }
}

//! `UdpSocket`'s receiving and peeking methods.

use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

use tokio::io::ReadBuf;

use super::{Inner, UdpSocket, doc_udp};
use crate::sim::net::network::{budgeted, now};

impl UdpSocket {
    /// Waits for a datagram (from the connected peer) and copies it into `buf`,
    /// truncated to fit.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` after a datagram sent to the peer found nobody.
    ///
    #[doc = doc_udp!("b.connect(a.local_addr()?).await?;\na.send_to(b\"hi\", b.local_addr()?).await?;\nassert_eq!(b.recv(&mut [0; 8]).await?, 2);")]
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_from(buf).await.map(|(n, _)| n)
    }

    /// Polls for a datagram, appended to `buf`'s filled part.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nlet mut buf = [0; 8];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nstd::future::poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;\nassert_eq!(buf.filled(), b\"hi\");")]
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.poll_recv_from(cx, buf).map_ok(|_| ())
    }

    /// Receives a datagram without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` when none is there; as [`Self::recv`].
    ///
    #[doc = doc_udp!("assert_eq!(b.try_recv(&mut [0; 8]).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);")]
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.try_recv_from(buf).map(|(n, _)| n)
    }

    /// Waits for a datagram; copies it into `buf` (truncated) and gives its sender.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nassert_eq!(b.recv_from(&mut [0; 8]).await?, (2, a.local_addr()?));")]
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        match &self.inner {
            Inner::Sim(sim) => std::future::poll_fn(|cx| sim.poll_receive(cx, buf, false)).await,
            Inner::Real(real) => real.recv_from(buf).await,
        }
    }

    /// Polls for a datagram, appended to `buf`'s filled part; gives its sender.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nlet mut buf = [0; 8];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nlet from = std::future::poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;\nassert_eq!(from, a.local_addr()?);")]
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.poll_into(cx, buf, false)
    }

    fn poll_into(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        peek: bool,
    ) -> Poll<io::Result<SocketAddr>> {
        match &self.inner {
            Inner::Sim(sim) => {
                let (n, from) =
                    std::task::ready!(sim.poll_receive(cx, buf.initialize_unfilled(), peek))?;
                buf.advance(n);
                Poll::Ready(Ok(from))
            }
            Inner::Real(real) if peek => real.poll_peek_from(cx, buf),
            Inner::Real(real) => real.poll_recv_from(cx, buf),
        }
    }

    /// Receives a datagram and its sender without waiting.
    ///
    /// # Errors
    ///
    /// As [`Self::try_recv`].
    ///
    #[doc = doc_udp!("a.try_send_to(b\"hi\", b.local_addr()?)?;\nassert_eq!(b.try_recv_from(&mut [0; 8])?, (2, a.local_addr()?));")]
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        match &self.inner {
            Inner::Sim(sim) => now(sim.receive(None, buf, false)),
            Inner::Real(real) => real.try_recv_from(buf),
        }
    }

    /// Waits for a datagram and copies it into `buf` without consuming it.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nlet mut buf = [0; 8];\nassert_eq!(b.peek(&mut buf).await?, 2);\nassert_eq!(b.recv(&mut buf).await?, 2);")]
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.peek_from(buf).await.map(|(n, _)| n)
    }

    /// Polls for a datagram to peek at, appended to `buf`'s filled part.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nlet mut buf = [0; 8];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nstd::future::poll_fn(|cx| b.poll_peek(cx, &mut buf)).await?;")]
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.poll_into(cx, buf, true).map_ok(|_| ())
    }

    /// Peeks at a datagram without waiting.
    ///
    /// # Errors
    ///
    /// As [`Self::try_recv`].
    ///
    #[doc = doc_udp!("a.try_send_to(b\"hi\", b.local_addr()?)?;\nassert_eq!(b.try_peek(&mut [0; 8])?, 2);")]
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.try_peek_from(buf).map(|(n, _)| n)
    }

    /// Waits for a datagram; copies it into `buf` without consuming it and gives its sender.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nassert_eq!(b.peek_from(&mut [0; 8]).await?, (2, a.local_addr()?));")]
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        match &self.inner {
            Inner::Sim(sim) => std::future::poll_fn(|cx| sim.poll_receive(cx, buf, true)).await,
            Inner::Real(real) => real.peek_from(buf).await,
        }
    }

    /// Polls for a datagram to peek at, appended to `buf`'s filled part; gives its sender.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nlet mut buf = [0; 8];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nlet from = std::future::poll_fn(|cx| b.poll_peek_from(cx, &mut buf)).await?;\nassert_eq!(from, a.local_addr()?);")]
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.poll_into(cx, buf, true)
    }

    /// Peeks at a datagram and its sender without waiting.
    ///
    /// # Errors
    ///
    /// As [`Self::try_recv`].
    ///
    #[doc = doc_udp!("a.try_send_to(b\"hi\", b.local_addr()?)?;\nassert_eq!(b.try_peek_from(&mut [0; 8])?, (2, a.local_addr()?));")]
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        match &self.inner {
            Inner::Sim(sim) => now(sim.receive(None, buf, true)),
            Inner::Real(real) => real.try_peek_from(buf),
        }
    }

    /// Waits for a datagram and gives its sender, leaving it queued.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nassert_eq!(b.peek_sender().await?, a.local_addr()?);")]
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            Inner::Sim(_) => self.peek_from(&mut []).await.map(|(_, from)| from),
            Inner::Real(real) => real.peek_sender().await,
        }
    }

    /// Polls for the sender of the next datagram, leaving it queued.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nlet from = std::future::poll_fn(|cx| b.poll_peek_sender(cx)).await?;\nassert_eq!(from, a.local_addr()?);")]
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        match &self.inner {
            Inner::Sim(sim) => budgeted(cx, |cx| {
                sim.mailbox.receive(Some(cx.waker()), &mut [], true)
            })
            .map_ok(|(_, from)| from),
            Inner::Real(real) => real.poll_peek_sender(cx),
        }
    }

    /// The sender of the next datagram, without waiting.
    ///
    /// # Errors
    ///
    /// As [`Self::try_recv`].
    ///
    #[doc = doc_udp!("a.try_send_to(b\"hi\", b.local_addr()?)?;\nassert_eq!(b.try_peek_sender()?, a.local_addr()?);")]
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            Inner::Sim(_) => self.try_peek_from(&mut []).map(|(_, from)| from),
            Inner::Real(real) => real.try_peek_sender(),
        }
    }
}

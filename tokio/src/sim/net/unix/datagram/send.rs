//! `UnixDatagram`'s sending methods: a sender waits while the receiver's queue is full.

use std::io;
use std::path::Path;
use std::task::{Context, Poll, Waker};

use super::{SimDgram, UnixDatagram, refused};
use crate::sim::net::datagram::Side;
use crate::sim::net::network::{budgeted, lock, now};
use crate::sim::net::unix::UnixAddr;

impl SimDgram {
    fn send_into(
        &self,
        waker: Option<&Waker>,
        buf: &[u8],
        target: Option<&UnixAddr>,
    ) -> Poll<io::Result<usize>> {
        let flags = lock(&self.flags);
        if flags.write_shut {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        let mailbox = match (target, &flags.peer) {
            (Some(addr), _) => {
                drop(flags);
                self.find(addr)
            }
            (None, Some(peer)) => {
                let addr = peer.addr.clone();
                let mailbox = peer.mailbox.upgrade();
                drop(flags);
                mailbox.ok_or_else(|| refused(&addr))
            }
            (None, None) => Err(io::ErrorKind::NotConnected.into()),
        };
        let sent = match mailbox {
            Ok(mailbox) => mailbox.deliver_or_wait(waker, buf, self.local.clone()),
            Err(e) => Poll::Ready(Err(e)),
        };
        if sent.is_pending()
            || matches!(&sent, Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::WouldBlock)
        {
            lock(&self.flags).write_blocked = true;
        }
        sent
    }
}

impl UnixDatagram {
    /// Sends to the connected peer, waiting while its queue is full.
    ///
    /// # Errors
    ///
    /// `NotConnected` without a peer, `ConnectionRefused` when the peer is gone,
    /// `BrokenPipe` after `shutdown(Write)`.
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("assert_eq!(a.send(b\"hi\").await?, 2);\nlet _ = b;")]
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.poll_send(cx, buf)).await
    }

    /// Polls to send to the connected peer.
    ///
    /// # Errors
    ///
    /// As [`Self::send`].
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("std::future::poll_fn(|cx| a.poll_send(cx, b\"hi\")).await?;\nlet _ = b;")]
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.side() {
            Side::Sim(sim) => budgeted(cx, |cx| sim.send_into(Some(cx.waker()), buf, None)),
            Side::Real(real) => real.poll_send(cx, buf),
        }
    }

    /// Sends to the connected peer without waiting.
    ///
    /// # Errors
    ///
    /// As [`Self::send`]; `WouldBlock` when the peer's queue is full.
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("assert_eq!(a.try_send(b\"hi\")?, 2);\nlet _ = b;")]
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        match self.side() {
            Side::Sim(sim) => now(sim.send_into(None, buf, None)),
            Side::Real(real) => real.try_send(buf),
        }
    }

    /// Sends to the socket bound at `target`, waiting while its queue is full.
    ///
    /// # Errors
    ///
    /// `NotFound` when nothing is bound at the path, `ConnectionRefused` when the name
    /// is not a datagram socket's.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = tokio::net::UnixDatagram::bind("/tmp/send_to.sock")?;
    /// let client = tokio::net::UnixDatagram::unbound()?;
    /// client.send_to(b"hi", "/tmp/send_to.sock").await?;
    /// let (n, from) = server.recv_from(&mut [0; 4]).await?;
    /// assert_eq!(n, 2);
    /// assert!(from.is_unnamed());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub async fn send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let sim = match self.side() {
            Side::Sim(sim) => sim,
            Side::Real(real) => return real.send_to(buf, target).await,
        };
        let addr = UnixAddr::from_path(target.as_ref())?;
        std::future::poll_fn(|cx| {
            budgeted(cx, |cx| sim.send_into(Some(cx.waker()), buf, Some(&addr)))
        })
        .await
    }

    /// Polls to send to the socket bound at `target`.
    ///
    /// # Errors
    ///
    /// As [`Self::send_to`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let _server = tokio::net::UnixDatagram::bind("/tmp/poll_send_to.sock")?;
    /// let client = tokio::net::UnixDatagram::unbound()?;
    /// std::future::poll_fn(|cx| client.poll_send_to(cx, b"hi", "/tmp/poll_send_to.sock")).await?;
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn poll_send_to<P: AsRef<Path>>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>> {
        let sim = match self.side() {
            Side::Sim(sim) => sim,
            Side::Real(real) => return real.poll_send_to(cx, buf, target),
        };
        match UnixAddr::from_path(target.as_ref()) {
            Ok(addr) => budgeted(cx, |cx| sim.send_into(Some(cx.waker()), buf, Some(&addr))),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    /// Sends to the socket bound at `target` without waiting.
    ///
    /// # Errors
    ///
    /// As [`Self::send_to`]; `WouldBlock` when its queue is full.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let client = tokio::net::UnixDatagram::unbound()?;
    /// let err = client.try_send_to(b"hi", "/tmp/nobody.sock").unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn try_send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        match self.side() {
            Side::Sim(sim) => {
                let addr = UnixAddr::from_path(target.as_ref())?;
                now(sim.send_into(None, buf, Some(&addr)))
            }
            Side::Real(real) => real.try_send_to(buf, target),
        }
    }
}

//! `UdpSocket` on the simulated network: a datagram sent to a bound address lands in
//! that socket's queue at once (in send order); to an address nobody has bound it is
//! lost, and a connected sender learns it (`ConnectionRefused`, as Linux's ICMP error).

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use tokio::io::ReadBuf;

use super::ToSocketAddrs;
use super::addr::resolve_some;
use super::datagram::{Datagram, datagram_methods};
use super::network::{
    Network, Port, Proto, budgeted, current_handle, destination, lock, now, source_addr,
    unsupported,
};

mod mailbox;
mod options;

pub(crate) use mailbox::{Mailbox, QUEUE_BYTES};

/// A UDP socket on the runtime's simulated network.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::net::UdpSocket;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let a = UdpSocket::bind("127.0.0.1:0").await?;
/// let b = UdpSocket::bind("127.0.0.1:0").await?;
/// a.send_to(b"ping", b.local_addr()?).await?;
/// let mut buf = [0; 16];
/// let (n, from) = b.recv_from(&mut buf).await?;
/// assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
pub struct UdpSocket {
    mailbox: Arc<Mailbox>,
    addr: SocketAddr,
    network: Network,
    _port: Port,
}

/// A doc example with two bound sockets, `a` and `b`.
macro_rules! doc_udp {
    ($($body:tt)*) => {
        concat!(
            "# Examples\n\n```\n# use simloop_tokio as tokio;\n",
            "# tokio::runtime::Runtime::new().unwrap().block_on(async {\n",
            "# let a = tokio::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n",
            "# let b = tokio::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n",
            $($body)*,
            "\n# Ok::<_, std::io::Error>(()) }).unwrap();\n```"
        )
    };
}
use doc_udp;

/// The examples' prelude of the readiness methods: `a` and `b`, connected to each other.
macro_rules! doc_udp_pair {
    ($body:expr) => {
        concat!(
            "```\n# use simloop_tokio as tokio;\n",
            "# tokio::runtime::Runtime::new().unwrap().block_on(async {\n",
            "# let a = tokio::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n",
            "# let b = tokio::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n",
            "# a.connect(b.local_addr()?).await?;\n",
            "# b.connect(a.local_addr()?).await?;\n",
            $body,
            "\n# Ok::<_, std::io::Error>(()) }).unwrap();\n```"
        )
    };
}
use doc_udp_pair;

impl Datagram for UdpSocket {
    type Addr = SocketAddr;

    fn mailbox(&self) -> &Mailbox {
        &self.mailbox
    }

    /// A UDP socket is always writable: its sends never wait.
    fn poll_writable(&self, _waker: &Waker) -> Poll<()> {
        Poll::Ready(())
    }
}

impl UdpSocket {
    /// Binds a socket to `addr` (port 0: the next free ephemeral port of the runtime).
    ///
    /// # Errors
    ///
    /// `AddrInUse`, `AddrNotAvailable` (only loopback and unspecified addresses are the
    /// simulated host's), an address that does not resolve, or the runtime shut down.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`, as tokio.
    ///
    #[doc = doc_udp!("let c = tokio::net::UdpSocket::bind(\"[::1]:0\").await?;\nassert!(c.local_addr()?.is_ipv6());")]
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        let network = Network::current()?;
        let mut last = None;
        for addr in resolve_some(&addr)? {
            match network.bind(Proto::Udp, addr) {
                Ok((port, addr)) => {
                    let mailbox = Arc::new(Mailbox::default());
                    network.register_udp(addr, &mailbox);
                    return Ok(UdpSocket {
                        mailbox,
                        addr,
                        network,
                        _port: port,
                    });
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("resolve_some gives an address at least"))
    }

    datagram_methods!(doc_udp_pair, SocketAddr);

    /// A real socket cannot join the simulated network: always an error in a runtime.
    ///
    /// # Errors
    ///
    /// `Unsupported`.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let _guard = rt.enter();
    /// assert!(tokio::net::UdpSocket::from_std(std_socket).is_err());
    /// ```
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        let _ = current_handle();
        drop(socket);
        Err(unsupported("UdpSocket::from_std"))
    }

    /// A simulated socket has no OS socket: always an error.
    ///
    /// # Errors
    ///
    /// `Unsupported`.
    ///
    #[doc = doc_udp!("assert!(a.into_std().is_err());")]
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        Err(unsupported("UdpSocket::into_std"))
    }

    /// The address the socket is bound to.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    #[doc = doc_udp!("assert!(a.local_addr()?.ip().is_loopback());")]
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.addr)
    }

    /// The address the socket is connected to.
    ///
    /// # Errors
    ///
    /// `NotConnected` before [`Self::connect`].
    ///
    #[doc = doc_udp!("assert!(a.peer_addr().is_err());\na.connect(b.local_addr()?).await?;\nassert_eq!(a.peer_addr()?, b.local_addr()?);")]
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        lock(&self.mailbox.state).peer.ok_or_else(not_connected)
    }

    /// Connects the socket to `addr`: `send` goes there, and only its datagrams arrive.
    ///
    /// # Errors
    ///
    /// An address that does not resolve.
    ///
    #[doc = doc_udp!("a.connect(b.local_addr()?).await?;\na.send(b\"hi\").await?;\nassert_eq!(b.recv(&mut [0; 8]).await?, 2);")]
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        let addr = destination(resolve_some(&addr)?[0]);
        lock(&self.mailbox.state).peer = Some(addr);
        Ok(())
    }

    fn send_datagram(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        let dest = destination(target);
        let from = source_addr(self.addr, dest);
        match self.network.udp(dest) {
            Some(mailbox) => mailbox.deliver(buf, from),
            None => {
                if lock(&self.mailbox.state).peer == Some(dest) {
                    self.mailbox
                        .fail_next_receive(io::ErrorKind::ConnectionRefused);
                }
            }
        }
        Ok(buf.len())
    }

    /// The mailbox's `receive`, failing once the runtime shut down (as tokio's).
    fn receive(
        &self,
        waker: Option<&Waker>,
        buf: &mut [u8],
        peek: bool,
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.network.check()?;
        self.mailbox.receive(waker, buf, peek)
    }

    /// `receive` waiting (with `cx`'s waker), under the task's cooperative budget.
    fn poll_receive(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
        peek: bool,
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        budgeted(cx, |cx| self.receive(Some(cx.waker()), buf, peek))
    }

    fn connected_peer(&self) -> io::Result<SocketAddr> {
        lock(&self.mailbox.state).peer.ok_or_else(not_connected)
    }

    /// Sends a datagram to the connected peer.
    ///
    /// # Errors
    ///
    /// `NotConnected` before [`Self::connect`].
    ///
    #[doc = doc_udp!("a.connect(b.local_addr()?).await?;\nassert_eq!(a.send(b\"hi\").await?, 2);")]
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.poll_send(cx, buf)).await
    }

    /// Polls to send a datagram to the connected peer (always ready).
    ///
    /// # Errors
    ///
    /// `NotConnected` before [`Self::connect`].
    ///
    #[doc = doc_udp!("a.connect(b.local_addr()?).await?;\nstd::future::poll_fn(|cx| a.poll_send(cx, b\"hi\")).await?;")]
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        budgeted(cx, |_| Poll::Ready(self.try_send(buf)))
    }

    /// Sends a datagram to the connected peer without waiting.
    ///
    /// # Errors
    ///
    /// `NotConnected` before [`Self::connect`].
    ///
    #[doc = doc_udp!("a.connect(b.local_addr()?).await?;\nassert_eq!(a.try_send(b\"hi\")?, 2);")]
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        let peer = self.connected_peer()?;
        self.send_datagram(buf, peer)
    }

    /// Sends a datagram to `target` (its first address).
    ///
    /// # Errors
    ///
    /// An address that does not resolve.
    ///
    #[doc = doc_udp!("assert_eq!(a.send_to(b\"hi\", b.local_addr()?).await?, 2);")]
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let target = resolve_some(&target)?[0];
        std::future::poll_fn(|cx| self.poll_send_to(cx, buf, target)).await
    }

    /// Polls to send a datagram to `target` (always ready).
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    #[doc = doc_udp!("let to = b.local_addr()?;\nstd::future::poll_fn(|cx| a.poll_send_to(cx, b\"hi\", to)).await?;")]
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        budgeted(cx, |_| Poll::Ready(self.send_datagram(buf, target)))
    }

    /// Sends a datagram to `target` without waiting.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    #[doc = doc_udp!("assert_eq!(a.try_send_to(b\"hi\", b.local_addr()?)?, 2);")]
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.send_datagram(buf, target)
    }

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
        std::future::poll_fn(|cx| self.poll_receive(cx, buf, false)).await
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
        let (n, from) = std::task::ready!(self.poll_receive(cx, buf.initialize_unfilled(), peek))?;
        buf.advance(n);
        Poll::Ready(Ok(from))
    }

    /// Receives a datagram and its sender without waiting.
    ///
    /// # Errors
    ///
    /// As [`Self::try_recv`].
    ///
    #[doc = doc_udp!("a.try_send_to(b\"hi\", b.local_addr()?)?;\nassert_eq!(b.try_recv_from(&mut [0; 8])?, (2, a.local_addr()?));")]
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        now(self.receive(None, buf, false))
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
        std::future::poll_fn(|cx| self.poll_receive(cx, buf, true)).await
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
        now(self.receive(None, buf, true))
    }

    /// Waits for a datagram and gives its sender, leaving it queued.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nassert_eq!(b.peek_sender().await?, a.local_addr()?);")]
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.peek_from(&mut []).await.map(|(_, from)| from)
    }

    /// Polls for the sender of the next datagram, leaving it queued.
    ///
    /// # Errors
    ///
    /// As [`Self::recv`].
    ///
    #[doc = doc_udp!("a.send_to(b\"hi\", b.local_addr()?).await?;\nlet from = std::future::poll_fn(|cx| b.poll_peek_sender(cx)).await?;\nassert_eq!(from, a.local_addr()?);")]
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        budgeted(cx, |cx| {
            self.mailbox.receive(Some(cx.waker()), &mut [], true)
        })
        .map_ok(|(_, from)| from)
    }

    /// The sender of the next datagram, without waiting.
    ///
    /// # Errors
    ///
    /// As [`Self::try_recv`].
    ///
    #[doc = doc_udp!("a.try_send_to(b\"hi\", b.local_addr()?)?;\nassert_eq!(b.try_peek_sender()?, a.local_addr()?);")]
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.try_peek_from(&mut []).map(|(_, from)| from)
    }

    /// The pending error (a connected socket's datagram that found nobody), taken.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    #[doc = doc_udp!("assert!(a.take_error()?.is_none());")]
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        Ok(lock(&self.mailbox.state).error.take().map(io::Error::from))
    }
}

fn not_connected() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "the UDP socket is not connected",
    )
}

impl TryFrom<std::net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// [`UdpSocket::from_std`].
    #[track_caller]
    fn try_from(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::from_std(socket)
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Drop for UdpSocket {
    fn drop(&mut self) {
        self.network.unregister_udp(self.addr);
    }
}

//! `UdpSocket` on the simulated network: a datagram sent to a bound address lands in
//! that socket's queue at once (in send order); to an address nobody has bound it is
//! lost, and a connected sender learns it (`ConnectionRefused`, as Linux's ICMP error).
//! A socket handed in with `from_std` is real: tokio's own, in the runtime's real
//! reactor (`net/real.rs`), each method dispatching to tokio's of the same name.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::ToSocketAddrs;
use super::addr::resolve_some;
use super::datagram::{Datagram, Side, Sides, datagram_methods};
use super::network::{Network, Port, Proto, budgeted, destination, lock, source_addr, unsupported};
use super::real;

mod mailbox;
mod options;
mod recv;

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
    inner: Inner,
}

/// A UDP socket's socket: a port of the simulated network, or a real socket handed in
/// with `from_std` (tokio's own, in the runtime's reactor: `net/real.rs`).
enum Inner {
    Sim(SimUdp),
    Real(tokio::net::UdpSocket),
}

/// A simulated socket: its mailbox, registered with the network at its address.
pub(crate) struct SimUdp {
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

impl Sides for UdpSocket {
    type Sim = SimUdp;
    type Real = tokio::net::UdpSocket;

    fn side(&self) -> Side<'_, SimUdp, tokio::net::UdpSocket> {
        match &self.inner {
            Inner::Sim(sim) => Side::Sim(sim),
            Inner::Real(real) => Side::Real(real),
        }
    }
}

impl Datagram for SimUdp {
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
                        inner: Inner::Sim(SimUdp {
                            mailbox,
                            addr,
                            network,
                            _port: port,
                        }),
                    });
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("resolve_some gives an address at least"))
    }

    datagram_methods!(doc_udp_pair, SocketAddr);

    /// A real socket (std's, bound by the caller) in the runtime: tokio's own socket,
    /// registered with the runtime's real reactor, on the real network (the simulated
    /// sockets do not reach it, nor it them). The socket should be in non-blocking
    /// mode, as tokio requires.
    ///
    /// # Errors
    ///
    /// tokio's (registering the socket); `Unsupported` in an explored run
    /// (`SIMLOOP_RUNS`), which hears no real event.
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
    /// std_socket.set_nonblocking(true).unwrap();
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// peer.send_to(b"real", std_socket.local_addr().unwrap()).unwrap();
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let socket = tokio::net::UdpSocket::from_std(std_socket)?;
    ///     let mut buf = [0; 8];
    ///     let (n, from) = socket.recv_from(&mut buf).await?;
    ///     assert_eq!((&buf[..n], from), (&b"real"[..], peer.local_addr()?));
    ///     Ok::<_, std::io::Error>(())
    /// }).unwrap();
    /// ```
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        let reactor = real::reactor("UdpSocket::from_std")?;
        real::in_reactor(&reactor, || tokio::net::UdpSocket::from_std(socket)).map(|real| {
            UdpSocket {
                inner: Inner::Real(real),
            }
        })
    }

    /// The real socket of one made by [`Self::from_std`], in non-blocking mode as
    /// tokio's `into_std` gives it. A simulated socket has no OS socket.
    ///
    /// # Errors
    ///
    /// `Unsupported` for a simulated socket.
    ///
    #[doc = doc_udp!("assert!(a.into_std().is_err());")]
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        match self.inner {
            Inner::Sim(_) => Err(unsupported("UdpSocket::into_std")),
            Inner::Real(real) => real.into_std(),
        }
    }

    /// The real socket, if the socket has one (its options are the OS's).
    fn real(&self) -> Option<&tokio::net::UdpSocket> {
        match &self.inner {
            Inner::Sim(_) => None,
            Inner::Real(real) => Some(real),
        }
    }

    /// The address the socket is bound to.
    ///
    /// # Errors
    ///
    /// A real socket's (`from_std`); none in the simulation.
    ///
    #[doc = doc_udp!("assert!(a.local_addr()?.ip().is_loopback());")]
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            Inner::Sim(sim) => Ok(sim.addr),
            Inner::Real(real) => real.local_addr(),
        }
    }

    /// The address the socket is connected to.
    ///
    /// # Errors
    ///
    /// `NotConnected` before [`Self::connect`].
    ///
    #[doc = doc_udp!("assert!(a.peer_addr().is_err());\na.connect(b.local_addr()?).await?;\nassert_eq!(a.peer_addr()?, b.local_addr()?);")]
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            Inner::Sim(sim) => sim.connected_peer(),
            Inner::Real(real) => real.peer_addr(),
        }
    }

    /// Connects the socket to `addr`: `send` goes there, and only its datagrams arrive.
    ///
    /// # Errors
    ///
    /// An address that does not resolve.
    ///
    #[doc = doc_udp!("a.connect(b.local_addr()?).await?;\na.send(b\"hi\").await?;\nassert_eq!(b.recv(&mut [0; 8]).await?, 2);")]
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        let addrs = resolve_some(&addr)?;
        match &self.inner {
            Inner::Sim(sim) => {
                lock(&sim.mailbox.state).peer = Some(destination(addrs[0]));
                Ok(())
            }
            Inner::Real(real) => real.connect(&addrs[..]).await,
        }
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
        match &self.inner {
            Inner::Sim(_) => budgeted(cx, |_| Poll::Ready(self.try_send(buf))),
            Inner::Real(real) => real.poll_send(cx, buf),
        }
    }

    /// Sends a datagram to the connected peer without waiting.
    ///
    /// # Errors
    ///
    /// `NotConnected` before [`Self::connect`].
    ///
    #[doc = doc_udp!("a.connect(b.local_addr()?).await?;\nassert_eq!(a.try_send(b\"hi\")?, 2);")]
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        match &self.inner {
            Inner::Sim(sim) => sim.send_datagram(buf, sim.connected_peer()?),
            Inner::Real(real) => real.try_send(buf),
        }
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
        match &self.inner {
            Inner::Sim(sim) => budgeted(cx, |_| Poll::Ready(sim.send_datagram(buf, target))),
            Inner::Real(real) => real.poll_send_to(cx, buf, target),
        }
    }

    /// Sends a datagram to `target` without waiting.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    #[doc = doc_udp!("assert_eq!(a.try_send_to(b\"hi\", b.local_addr()?)?, 2);")]
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        match &self.inner {
            Inner::Sim(sim) => sim.send_datagram(buf, target),
            Inner::Real(real) => real.try_send_to(buf, target),
        }
    }

    /// The pending error (a connected socket's datagram that found nobody), taken.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    #[doc = doc_udp!("assert!(a.take_error()?.is_none());")]
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match &self.inner {
            Inner::Sim(sim) => Ok(lock(&sim.mailbox.state).error.take().map(io::Error::from)),
            Inner::Real(real) => real.take_error(),
        }
    }
}

impl SimUdp {
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
        match &self.inner {
            Inner::Sim(sim) => f
                .debug_struct("UdpSocket")
                .field("addr", &sim.addr)
                .finish(),
            Inner::Real(real) => f.debug_tuple("UdpSocket").field(real).finish(),
        }
    }
}

/// The real socket's descriptor (`from_std`); a simulated socket lends a placeholder
/// (`/dev/null`, see `net/real.rs`), having no OS socket.
#[cfg(unix)]
impl std::os::fd::AsFd for UdpSocket {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match &self.inner {
            Inner::Sim(_) => real::placeholder_fd(),
            Inner::Real(real) => real.as_fd(),
        }
    }
}

/// As [`AsFd`](std::os::fd::AsFd).
#[cfg(unix)]
impl std::os::fd::AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&std::os::fd::AsFd::as_fd(self))
    }
}

impl Drop for SimUdp {
    fn drop(&mut self) {
        self.network.unregister_udp(self.addr);
    }
}

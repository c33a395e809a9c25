//! `UnixDatagram`: a Unix-domain datagram socket, receiving in a UDP socket's mailbox,
//! or a real socket handed in with `from_std` (tokio's own, in the runtime's real
//! reactor: `net/real.rs`), each method dispatching to tokio's of the same name.
//!
//! Unlike UDP, a sender waits (or gets `WouldBlock`) while the receiver's queue is full,
//! as Linux's Unix-domain sockets do, and sending to a name nobody holds fails.

use std::fmt;
use std::io;
use std::net::Shutdown;
use std::path::Path;
use std::sync::{Arc, Mutex, Weak};
use std::task::{Poll, Waker};

use super::{SocketAddr, UnixAddr};
use crate::sim::net::datagram::{Datagram, Side, Sides, datagram_methods};
use crate::sim::net::network::{Network, UnixBinding, UnixName, lock, unsupported};
use crate::sim::net::real;
use crate::sim::net::udp::Mailbox;

/// The prelude of the examples: a connected pair `a` and `b`.
macro_rules! doc_dgram {
    ($body:literal) => {
        concat!(
            "```\n# use simloop_tokio as tokio;\n",
            "# tokio::runtime::Runtime::new().unwrap().block_on(async {\n",
            "# let (a, b) = tokio::net::UnixDatagram::pair()?;\n",
            $body,
            "\n# Ok::<_, std::io::Error>(()) }).unwrap();\n```"
        )
    };
}

mod recv;
mod send;

/// Where a connected socket sends.
#[derive(Clone)]
struct Peer {
    addr: UnixAddr,
    mailbox: Weak<Mailbox<UnixAddr>>,
}

#[derive(Default)]
struct Flags {
    peer: Option<Peer>,
    read_shut: bool,
    write_shut: bool,
    /// tokio's readiness cache: writable until a send would block (then until the
    /// peer's queue has room).
    write_blocked: bool,
}

/// A Unix-domain datagram socket on the runtime's simulated network.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::net::UnixDatagram;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let server = UnixDatagram::bind("/tmp/echo.sock")?;
/// let client = UnixDatagram::bind("/tmp/client.sock")?;
/// client.send_to(b"ping", "/tmp/echo.sock").await?;
/// let mut buf = [0; 8];
/// let (n, from) = server.recv_from(&mut buf).await?;
/// assert_eq!(&buf[..n], b"ping");
/// assert_eq!(from.as_pathname(), Some(std::path::Path::new("/tmp/client.sock")));
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
pub struct UnixDatagram {
    inner: Inner,
}

/// A Unix-domain datagram socket's socket: simulated, or a real socket handed in with
/// `from_std` (tokio's own, in the runtime's reactor: `net/real.rs`).
enum Inner {
    Sim(SimDgram),
    Real(tokio::net::UnixDatagram),
}

/// A simulated socket: its mailbox (bound at its name, if it has one) and its flags.
pub(crate) struct SimDgram {
    mailbox: Arc<Mailbox<UnixAddr>>,
    local: UnixAddr,
    flags: Mutex<Flags>,
    network: Network,
    _name: Option<UnixName>,
}

impl SimDgram {
    fn new(network: Network, name: Option<UnixName>, mailbox: Arc<Mailbox<UnixAddr>>) -> Self {
        SimDgram {
            local: name
                .as_ref()
                .map_or(UnixAddr::Unnamed, |n| n.addr().clone()),
            mailbox,
            flags: Mutex::new(Flags::default()),
            network,
            _name: name,
        }
    }

    fn mailbox() -> Arc<Mailbox<UnixAddr>> {
        let mailbox = Arc::new(Mailbox::default());
        // Not readable before a datagram arrives (as tokio's fresh Unix sockets).
        lock(&mailbox.state).hint = false;
        mailbox
    }

    fn connect_to(&self, addr: UnixAddr, mailbox: &Arc<Mailbox<UnixAddr>>) {
        lock(&self.flags).peer = Some(Peer {
            addr: addr.clone(),
            mailbox: Arc::downgrade(mailbox),
        });
        // Only the peer's datagrams are received from now on.
        lock(&self.mailbox.state).peer = Some(addr);
    }

    /// The mailbox a datagram to `addr` goes to.
    pub(super) fn find(&self, addr: &UnixAddr) -> io::Result<Arc<Mailbox<UnixAddr>>> {
        match self.network.unix(addr) {
            Some(UnixBinding::Datagram(mailbox)) => mailbox.upgrade().ok_or_else(|| refused(addr)),
            Some(_) => Err(refused(addr)),
            None if matches!(addr, UnixAddr::Path(_)) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "No such file or directory: nothing is bound at {addr:?} in the simulated network"
                ),
            )),
            None => Err(refused(addr)),
        }
    }
}

impl UnixDatagram {
    fn sim(sim: SimDgram) -> UnixDatagram {
        UnixDatagram {
            inner: Inner::Sim(sim),
        }
    }

    /// The simulated socket, or the real one.
    fn side(&self) -> Side<'_, SimDgram, tokio::net::UnixDatagram> {
        match &self.inner {
            Inner::Sim(sim) => Side::Sim(sim),
            Inner::Real(real) => Side::Real(real),
        }
    }

    /// Binds `name`'s mailbox (a `UnixSocket` may hold the name already).
    pub(crate) fn bind_at(
        network: &Network,
        addr: UnixAddr,
        held: Option<UnixName>,
    ) -> io::Result<UnixDatagram> {
        let mailbox = SimDgram::mailbox();
        let binding = UnixBinding::Datagram(Arc::downgrade(&mailbox));
        let name = match held {
            Some(name) => {
                name.rebind(binding);
                name
            }
            None => network.bind_unix(addr, binding)?,
        };
        Ok(UnixDatagram::sim(SimDgram::new(
            network.clone(),
            Some(name),
            mailbox,
        )))
    }

    /// Binds a socket to `path` (a path starting with a NUL byte is an abstract name).
    ///
    /// # Errors
    ///
    /// `AddrInUse` when a socket holds the name, `InvalidInput` for an empty or too long
    /// path, the shutdown error once the runtime shut down.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let socket = tokio::net::UnixDatagram::bind("/tmp/bound.sock")?;
    /// assert_eq!(socket.local_addr()?.as_pathname(), Some(std::path::Path::new("/tmp/bound.sock")));
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        let network = Network::current()?;
        let addr = UnixAddr::from_path(path.as_ref())?;
        addr.check()?;
        UnixDatagram::bind_at(&network, addr, None)
    }

    /// A connected pair of unnamed sockets.
    ///
    /// # Errors
    ///
    /// The shutdown error once the runtime shut down.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`, as tokio.
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("a.send(b\"hi\").await?;\nassert_eq!(b.recv(&mut [0; 4]).await?, 2);")]
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let network = Network::current()?;
        let (ma, mb) = (SimDgram::mailbox(), SimDgram::mailbox());
        let a = SimDgram::new(network.clone(), None, ma.clone());
        let b = SimDgram::new(network, None, mb.clone());
        a.connect_to(UnixAddr::Unnamed, &mb);
        b.connect_to(UnixAddr::Unnamed, &ma);
        Ok((UnixDatagram::sim(a), UnixDatagram::sim(b)))
    }

    /// An unbound (unnamed) socket: it can send, and receive once connected to.
    ///
    /// # Errors
    ///
    /// The shutdown error once the runtime shut down.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without `enable_io`, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let socket = tokio::net::UnixDatagram::unbound()?;
    /// assert!(socket.local_addr()?.is_unnamed());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        let network = Network::current()?;
        Ok(UnixDatagram::sim(SimDgram::new(
            network,
            None,
            SimDgram::mailbox(),
        )))
    }

    /// A real socket (std's, made by the caller) in the runtime: tokio's own socket,
    /// registered with the runtime's real reactor, on the host's file system (the
    /// simulated sockets do not reach it, nor it them). The socket should be in
    /// non-blocking mode, as tokio requires.
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
    /// let (ours, peer) = std::os::unix::net::UnixDatagram::pair().unwrap();
    /// ours.set_nonblocking(true).unwrap();
    /// peer.send(b"real").unwrap();
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let socket = tokio::net::UnixDatagram::from_std(ours)?;
    ///     let mut buf = [0; 8];
    ///     let n = socket.recv(&mut buf).await?;
    ///     assert_eq!(&buf[..n], b"real");
    ///     Ok::<_, std::io::Error>(())
    /// }).unwrap();
    /// ```
    #[track_caller]
    pub fn from_std(datagram: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        let reactor = real::reactor("UnixDatagram::from_std")?;
        real::in_reactor(&reactor, || tokio::net::UnixDatagram::from_std(datagram)).map(|real| {
            UnixDatagram {
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
    /// # Examples
    ///
    #[doc = doc_dgram!("let _ = b;\nassert!(a.into_std().is_err());")]
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        match self.inner {
            Inner::Sim(_) => Err(unsupported("UnixDatagram::into_std")),
            Inner::Real(real) => real.into_std(),
        }
    }

    /// Connects to the socket bound at `path`: `send` goes there, and only its
    /// datagrams are received.
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
    /// let server = tokio::net::UnixDatagram::bind("/tmp/connect.sock")?;
    /// let client = tokio::net::UnixDatagram::unbound()?;
    /// client.connect("/tmp/connect.sock")?;
    /// client.send(b"hi").await?;
    /// assert_eq!(server.recv(&mut [0; 4]).await?, 2);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        match self.side() {
            Side::Sim(sim) => {
                let addr = UnixAddr::from_path(path.as_ref())?;
                let mailbox = sim.find(&addr)?;
                sim.connect_to(addr, &mailbox);
                Ok(())
            }
            Side::Real(real) => real.connect(path),
        }
    }

    datagram_methods!(doc_dgram, SocketAddr);

    /// The name the socket is bound to (unnamed when it is not).
    ///
    /// # Errors
    ///
    /// A real socket's (`from_std`); none in the simulation.
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("assert!(a.local_addr()?.is_unnamed());\nlet _ = b;")]
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match self.side() {
            Side::Sim(sim) => Ok(sim.local.to_socket_addr()),
            Side::Real(real) => real.local_addr(),
        }
    }

    /// The connected peer's name.
    ///
    /// # Errors
    ///
    /// `NotConnected` without a peer.
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("assert!(a.peer_addr()?.is_unnamed());\nlet _ = b;")]
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        match self.side() {
            Side::Sim(sim) => match &lock(&sim.flags).peer {
                Some(peer) => Ok(peer.addr.to_socket_addr()),
                None => Err(io::ErrorKind::NotConnected.into()),
            },
            Side::Real(real) => real.peer_addr(),
        }
    }

    /// The pending socket error: none in the simulation; a real socket's (`from_std`).
    ///
    /// # Errors
    ///
    /// A real socket's; none in the simulation.
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("assert!(a.take_error()?.is_none());\nlet _ = b;")]
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self.side() {
            Side::Sim(_) => Ok(None),
            Side::Real(real) => real.take_error(),
        }
    }

    /// Shuts down reading (receives return 0 bytes), writing (sends fail with
    /// `BrokenPipe`) or both.
    ///
    /// # Errors
    ///
    /// A real socket's (`from_std`); none in the simulation.
    ///
    /// # Examples
    ///
    #[doc = doc_dgram!("a.shutdown(std::net::Shutdown::Write)?;\nassert_eq!(a.try_send(b\"x\").unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);\nlet _ = b;")]
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let sim = match self.side() {
            Side::Sim(sim) => sim,
            Side::Real(real) => return real.shutdown(how),
        };
        let mut flags = lock(&sim.flags);
        if matches!(how, Shutdown::Read | Shutdown::Both) {
            flags.read_shut = true;
        }
        if matches!(how, Shutdown::Write | Shutdown::Both) {
            flags.write_shut = true;
        }
        drop(flags);
        sim.mailbox.wake_readers();
        Ok(())
    }
}

impl Sides for UnixDatagram {
    type Sim = SimDgram;
    type Real = tokio::net::UnixDatagram;

    fn side(&self) -> Side<'_, SimDgram, tokio::net::UnixDatagram> {
        UnixDatagram::side(self)
    }
}

impl Datagram for SimDgram {
    type Addr = UnixAddr;

    fn mailbox(&self) -> &Mailbox<UnixAddr> {
        &self.mailbox
    }

    /// Writability: tokio's cached readiness, then room at the connected peer (an
    /// unconnected socket is writable again at once).
    fn poll_writable(&self, waker: &Waker) -> Poll<()> {
        let flags = lock(&self.flags);
        if !flags.write_blocked {
            return Poll::Ready(());
        }
        let peer = flags.peer.clone();
        drop(flags);
        let room = match peer.and_then(|p| p.mailbox.upgrade()) {
            Some(mailbox) => mailbox.poll_room(waker),
            None => Poll::Ready(()),
        };
        if room.is_ready() {
            lock(&self.flags).write_blocked = false;
        }
        room
    }

    fn forget_writable(&self) {
        lock(&self.flags).write_blocked = true;
    }
}

pub(super) fn refused(addr: &UnixAddr) -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionRefused,
        format!("connection refused: no datagram socket at {addr:?} in the simulated network"),
    )
}

impl TryFrom<std::os::unix::net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    #[track_caller]
    fn try_from(datagram: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(datagram)
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.side() {
            Side::Sim(sim) => f
                .debug_struct("UnixDatagram")
                .field("local", &sim.local)
                .finish(),
            Side::Real(real) => f.debug_tuple("UnixDatagram").field(real).finish(),
        }
    }
}

/// The real socket's descriptor (`from_std`); a simulated socket lends a placeholder
/// (`/dev/null`, see `net/real.rs`), having no OS socket.
impl std::os::fd::AsFd for UnixDatagram {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match self.side() {
            Side::Sim(_) => real::placeholder_fd(),
            Side::Real(real) => real.as_fd(),
        }
    }
}

/// As [`AsFd`](std::os::fd::AsFd).
impl std::os::fd::AsRawFd for UnixDatagram {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&std::os::fd::AsFd::as_fd(self))
    }
}

//! `TcpSocket`: a socket configured before it connects or listens, simulated, or real
//! when handed in with `from_std_stream` (tokio's own: its stream or listener is real,
//! in the runtime's real reactor, `net/real.rs`).

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use super::{TcpListener, TcpStream};
use crate::sim::context;
use crate::sim::net::network::{Network, Port, Proto, connect_budget, lock};
use crate::sim::net::option::{device_options, doubled, real_option, same};
use crate::sim::net::real;

/// A TCP socket not yet connected nor listening: options and a bound address, kept
/// until [`TcpSocket::connect`] or [`TcpSocket::listen`] makes it a stream or a listener
/// on the runtime's simulated network. Options are kept and read back as Linux reports
/// them (a buffer size reads back doubled); only the linger and `nodelay` reach the stream.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::net::TcpSocket;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let server = TcpSocket::new_v4()?;
/// server.bind("127.0.0.1:0".parse().unwrap())?;
/// let listener = server.listen(128)?;
/// let client = TcpSocket::new_v4()?;
/// let _stream = client.connect(listener.local_addr()?).await?;
/// let _ = listener.accept().await?;
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
pub struct TcpSocket {
    inner: Inner,
}

/// A socket not yet connected: simulated (its options and bound port, kept until it
/// connects or listens), or real (tokio's own, from `from_std_stream`).
enum Inner {
    Sim { v6: bool, state: Mutex<State> },
    Real(tokio::net::TcpSocket),
}

struct State {
    bound: Option<(Port, SocketAddr)>,
    keepalive: bool,
    reuseaddr: bool,
    reuseport: bool,
    send_buffer_size: u32,
    recv_buffer_size: u32,
    linger: Option<Duration>,
    nodelay: bool,
    tclass_v6: u32,
    tos_v4: u32,
    /// `SO_BINDTODEVICE`'s name, kept (the simulated host has no interfaces).
    device: Option<Vec<u8>>,
}

/// The examples' prelude: a fresh socket `a`.
macro_rules! doc_socket {
    ($body:expr) => {
        concat!(
            "```\n# use simloop_tokio as tokio;\nlet a = tokio::net::TcpSocket::new_v4()?;\n",
            $body,
            "\n# Ok::<_, std::io::Error>(())\n```"
        )
    };
}

impl TcpSocket {
    /// `f` of the simulated socket's kept options (a real socket's are the OS's: its
    /// option methods ask it instead).
    fn options<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        match &self.inner {
            Inner::Sim { state, .. } => f(&mut lock(state)),
            Inner::Real(_) => unreachable!("a real socket's options are the OS's"),
        }
    }

    /// The real socket, if the socket has one.
    fn real(&self) -> Option<&tokio::net::TcpSocket> {
        match &self.inner {
            Inner::Sim { .. } => None,
            Inner::Real(real) => Some(real),
        }
    }

    fn new(v6: bool) -> TcpSocket {
        TcpSocket {
            inner: Inner::Sim {
                v6,
                state: Mutex::new(State {
                    bound: None,
                    keepalive: false,
                    reuseaddr: false,
                    reuseport: false,
                    send_buffer_size: 16 * 1024,
                    recv_buffer_size: 128 * 1024,
                    linger: None,
                    nodelay: false,
                    tclass_v6: 0,
                    tos_v4: 0,
                    device: None,
                }),
            },
        }
    }

    /// A new IPv4 socket.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let socket = tokio::net::TcpSocket::new_v4()?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn new_v4() -> io::Result<TcpSocket> {
        Ok(TcpSocket::new(false))
    }

    /// A new IPv6 socket.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let socket = tokio::net::TcpSocket::new_v6()?;
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn new_v6() -> io::Result<TcpSocket> {
        Ok(TcpSocket::new(true))
    }

    real_option!(doc_socket, "Whether keepalive probes are on.", keepalive, "Turns keepalive probes on or off.", set_keepalive, keepalive: bool, same, "true" => "true");
    real_option!(doc_socket, "Whether `SO_REUSEADDR` is on.", reuseaddr, "Sets `SO_REUSEADDR`.", set_reuseaddr, reuseaddr: bool, same, "true" => "true");
    real_option!(doc_socket, "Whether `SO_REUSEPORT` is on.", reuseport, "Sets `SO_REUSEPORT`.", set_reuseport, reuseport: bool, same, "true" => "true");
    real_option!(doc_socket, "The send buffer size (Linux reports twice what was set).", send_buffer_size, "Sets the send buffer size (a stream's buffer stays 256 KiB).", set_send_buffer_size, send_buffer_size: u32, doubled, "4096" => "8192");
    real_option!(doc_socket, "The receive buffer size (Linux reports twice what was set).", recv_buffer_size, "Sets the receive buffer size (a stream's buffer stays 256 KiB).", set_recv_buffer_size, recv_buffer_size: u32, doubled, "4096" => "8192");
    real_option!(doc_socket, "Whether Nagle's algorithm is off (passed to the stream).", nodelay, "Turns Nagle's algorithm off or on.", set_nodelay, nodelay: bool, same, "true" => "true");
    real_option!(doc_socket, "The IPv6 traffic class.", tclass_v6, "Sets the IPv6 traffic class.", set_tclass_v6, tclass_v6: u32, same, "96" => "96");
    real_option!(doc_socket, "The IPv4 type of service.", tos_v4, "Sets the IPv4 type of service.", set_tos_v4, tos_v4: u32, same, "96" => "96");
    device_options!(doc_socket);

    /// The linger (passed to the stream: `Some(0)` makes its drop reset the connection).
    ///
    /// # Errors
    ///
    /// A real socket's (`from_std_stream`); none in the simulation.
    ///
    #[doc = concat!("# Examples\n\n", doc_socket!("a.set_zero_linger()?;\nassert_eq!(a.linger()?, Some(std::time::Duration::ZERO));"))]
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        if let Some(real) = self.real() {
            return real.linger();
        }
        Ok(self.options(|o| o.linger))
    }

    /// Sets the linger (tokio deprecates it for [`Self::set_zero_linger`]).
    ///
    /// # Errors
    ///
    /// A real socket's (`from_std_stream`); none in the simulation.
    ///
    #[doc = concat!("# Examples\n\n", doc_socket!("#[allow(deprecated)]\na.set_linger(None)?;\nassert_eq!(a.linger()?, None);"))]
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        if let Some(real) = self.real() {
            #[allow(deprecated)]
            return real.set_linger(dur);
        }
        self.options(|o| o.linger = dur);
        Ok(())
    }

    /// Sets a zero linger: the stream's drop resets the connection.
    ///
    /// # Errors
    ///
    /// A real socket's (`from_std_stream`); none in the simulation.
    ///
    #[doc = concat!("# Examples\n\n", doc_socket!("a.set_zero_linger()?;\nassert_eq!(a.linger()?, Some(std::time::Duration::ZERO));"))]
    pub fn set_zero_linger(&self) -> io::Result<()> {
        if let Some(real) = self.real() {
            return real.set_zero_linger();
        }
        self.options(|o| o.linger = Some(Duration::ZERO));
        Ok(())
    }

    /// Binds the socket to `addr` on the current runtime's network (port 0: an
    /// ephemeral port).
    ///
    /// # Errors
    ///
    /// As [`TcpListener::bind`], and outside a runtime (the network is a runtime's).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let socket = tokio::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:4000".parse().unwrap())?;
    /// assert_eq!(socket.local_addr()?.port(), 4000);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        if let Some(real) = self.real() {
            return real.bind(addr);
        }
        let network = network()?;
        let bound = network.bind(Proto::Tcp, addr)?;
        self.options(|o| o.bound = Some(bound));
        Ok(())
    }

    /// The address the socket is bound to.
    ///
    /// # Errors
    ///
    /// `InvalidInput` before `bind`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let socket = tokio::net::TcpSocket::new_v4()?;
    /// assert!(socket.local_addr().is_err());
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        if let Some(real) = self.real() {
            return real.local_addr();
        }
        self.options(|o| o.bound.as_ref().map(|(_, addr)| *addr))
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the socket is not bound"))
    }

    /// The pending socket error: none in the simulation; a real socket's
    /// (`from_std_stream`).
    ///
    /// # Errors
    ///
    /// A real socket's; none in the simulation.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// assert!(tokio::net::TcpSocket::new_v4()?.take_error()?.is_none());
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self.real() {
            Some(real) => real.take_error(),
            None => Ok(None),
        }
    }

    /// Connects to `addr` from the bound address (or an ephemeral port).
    ///
    /// # Errors
    ///
    /// As [`TcpStream::connect`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let socket = tokio::net::TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// let stream = socket.connect(listener.local_addr()?).await?;
    /// assert!(stream.nodelay()?);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        let state = match self.inner {
            Inner::Sim { state, .. } => state,
            Inner::Real(real) => {
                let reactor = real::reactor("TcpSocket::connect")?;
                let mut connecting = std::pin::pin!(real.connect(addr));
                // tokio's connect registers its socket at its first poll: with the
                // reactor entered.
                let stream = std::future::poll_fn(|cx| {
                    real::in_reactor(&reactor, || connecting.as_mut().poll(cx))
                })
                .await?;
                return Ok(TcpStream::from_real(stream));
            }
        };
        let network = Network::current()?;
        let mut state = state.into_inner().unwrap_or_else(|e| e.into_inner());
        let stream = super::stream::connect(&network, addr, state.bound.take())?;
        connect_budget().await;
        stream.set_nodelay(state.nodelay)?;
        if let Some(linger) = state.linger {
            #[allow(deprecated)]
            stream.set_linger(Some(linger))?;
        }
        Ok(stream)
    }

    /// Listens on the bound address (unbound: an ephemeral port of the unspecified
    /// address). The backlog is not bounded in the simulation.
    ///
    /// # Errors
    ///
    /// As [`TcpListener::bind`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let socket = tokio::net::TcpSocket::new_v6()?;
    /// socket.bind("[::1]:0".parse().unwrap())?;
    /// let listener = socket.listen(1024)?;
    /// assert!(listener.local_addr()?.is_ipv6());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        let (v6, state) = match self.inner {
            Inner::Sim { v6, state } => (v6, state),
            Inner::Real(real) => {
                let reactor = real::reactor("TcpSocket::listen")?;
                return real::in_reactor(&reactor, || real.listen(backlog))
                    .map(TcpListener::from_real);
            }
        };
        let network = network()?;
        let bound = state.into_inner().unwrap_or_else(|e| e.into_inner()).bound;
        let (port, addr) = match bound {
            Some(bound) => bound,
            None => {
                let any: SocketAddr = if v6 { "[::]:0" } else { "0.0.0.0:0" }
                    .parse()
                    .expect("an address literal");
                network.bind(Proto::Tcp, any)?
            }
        };
        TcpListener::listen_on(&network, port, addr)
    }

    /// A real socket (std's, made by the caller) as a `TcpSocket`: tokio's own. Its
    /// options and address are the OS's; its `connect` and `listen` make a real stream
    /// or listener in the runtime's real reactor, on the real network (the simulated
    /// sockets do not reach it, nor it them). Infallible, as tokio's.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// let socket = tokio::net::TcpSocket::from_std_stream(std_stream);
    /// assert!(socket.local_addr().unwrap().ip().is_loopback());
    /// ```
    pub fn from_std_stream(std_stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket {
            inner: Inner::Real(tokio::net::TcpSocket::from_std_stream(std_stream)),
        }
    }
}

/// The current runtime's network (a socket's `bind` and `listen` are not async: outside
/// a runtime they fail rather than panic).
fn network() -> io::Result<Network> {
    if context::current_handle().is_none() {
        return Err(io::Error::other(
            "a simulated socket binds on a runtime's network: call it inside a runtime",
        ));
    }
    Network::current()
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Sim { .. } => f
                .debug_struct("TcpSocket")
                .field("local", &self.local_addr().ok())
                .finish(),
            Inner::Real(real) => f.debug_tuple("TcpSocket").field(real).finish(),
        }
    }
}

/// The real socket's descriptor (`from_std_stream`); a simulated socket lends a
/// placeholder (`/dev/null`, see `net/real.rs`), having no OS socket.
#[cfg(unix)]
impl std::os::fd::AsFd for TcpSocket {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match &self.inner {
            Inner::Sim { .. } => real::placeholder_fd(),
            Inner::Real(real) => real.as_fd(),
        }
    }
}

/// As [`AsFd`](std::os::fd::AsFd).
#[cfg(unix)]
impl std::os::fd::AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&std::os::fd::AsFd::as_fd(self))
    }
}

/// The real socket's descriptor, given up (`from_std_stream`); a simulated socket, having
/// no OS socket, gives a descriptor of its own on the placeholder (`/dev/null`, as
/// [`AsFd`](std::os::fd::AsFd) lends), on which socket calls fail with `ENOTSOCK`, and
/// its simulated binding is released.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::os::fd::{AsRawFd, IntoRawFd};
///
/// let open_on = |fd| std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
/// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
/// let socket = open_on(std_stream.as_raw_fd()); // `socket:[inode]`
/// let fd = tokio::net::TcpSocket::from_std_stream(std_stream).into_raw_fd();
/// assert_eq!(open_on(fd), socket); // the caller owns it now
/// ```
#[cfg(unix)]
impl std::os::fd::IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> std::os::fd::RawFd {
        match self.inner {
            Inner::Sim { .. } => real::placeholder_into_raw_fd(),
            Inner::Real(real) => real.into_raw_fd(),
        }
    }
}

//! `TcpSocket`: a socket configured before it connects or listens.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use super::{TcpListener, TcpStream};
use crate::sim::context;
use crate::sim::net::network::{Network, Port, Proto, connect_budget, lock, unsupported};
use crate::sim::net::option::{doubled, kept_option, same};

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
    v6: bool,
    state: Mutex<State>,
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
    fn options<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut lock(&self.state))
    }

    fn new(v6: bool) -> TcpSocket {
        TcpSocket {
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
            }),
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

    kept_option!(doc_socket, "Whether keepalive probes are on.", keepalive, "Turns keepalive probes on or off.", set_keepalive, keepalive: bool, same, "true" => "true");
    kept_option!(doc_socket, "Whether `SO_REUSEADDR` is on.", reuseaddr, "Sets `SO_REUSEADDR`.", set_reuseaddr, reuseaddr: bool, same, "true" => "true");
    kept_option!(doc_socket, "Whether `SO_REUSEPORT` is on.", reuseport, "Sets `SO_REUSEPORT`.", set_reuseport, reuseport: bool, same, "true" => "true");
    kept_option!(doc_socket, "The send buffer size (Linux reports twice what was set).", send_buffer_size, "Sets the send buffer size (a stream's buffer stays 256 KiB).", set_send_buffer_size, send_buffer_size: u32, doubled, "4096" => "8192");
    kept_option!(doc_socket, "The receive buffer size (Linux reports twice what was set).", recv_buffer_size, "Sets the receive buffer size (a stream's buffer stays 256 KiB).", set_recv_buffer_size, recv_buffer_size: u32, doubled, "4096" => "8192");
    kept_option!(doc_socket, "Whether Nagle's algorithm is off (passed to the stream).", nodelay, "Turns Nagle's algorithm off or on.", set_nodelay, nodelay: bool, same, "true" => "true");
    kept_option!(doc_socket, "The IPv6 traffic class.", tclass_v6, "Sets the IPv6 traffic class.", set_tclass_v6, tclass_v6: u32, same, "96" => "96");
    kept_option!(doc_socket, "The IPv4 type of service.", tos_v4, "Sets the IPv4 type of service.", set_tos_v4, tos_v4: u32, same, "96" => "96");

    /// The linger (passed to the stream: `Some(0)` makes its drop reset the connection).
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    #[doc = concat!("# Examples\n\n", doc_socket!("a.set_zero_linger()?;\nassert_eq!(a.linger()?, Some(std::time::Duration::ZERO));"))]
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        Ok(lock(&self.state).linger)
    }

    /// Sets the linger (tokio deprecates it for [`Self::set_zero_linger`]).
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    #[doc = concat!("# Examples\n\n", doc_socket!("#[allow(deprecated)]\na.set_linger(None)?;\nassert_eq!(a.linger()?, None);"))]
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        lock(&self.state).linger = dur;
        Ok(())
    }

    /// Sets a zero linger: the stream's drop resets the connection.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    #[doc = concat!("# Examples\n\n", doc_socket!("a.set_zero_linger()?;\nassert_eq!(a.linger()?, Some(std::time::Duration::ZERO));"))]
    pub fn set_zero_linger(&self) -> io::Result<()> {
        lock(&self.state).linger = Some(Duration::ZERO);
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
        let network = network()?;
        let bound = network.bind(Proto::Tcp, addr)?;
        lock(&self.state).bound = Some(bound);
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
        lock(&self.state)
            .bound
            .as_ref()
            .map(|(_, addr)| *addr)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the socket is not bound"))
    }

    /// The pending socket error: none in the simulation.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// assert!(tokio::net::TcpSocket::new_v4()?.take_error()?.is_none());
    /// # Ok::<_, std::io::Error>(())
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        Ok(None)
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
        let network = Network::current()?;
        let mut state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
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
        let _ = backlog;
        let network = network()?;
        let bound = self
            .state
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .bound;
        let (port, addr) = match bound {
            Some(bound) => bound,
            None => {
                let any: SocketAddr = if self.v6 { "[::]:0" } else { "0.0.0.0:0" }
                    .parse()
                    .expect("an address literal");
                network.bind(Proto::Tcp, any)?
            }
        };
        TcpListener::listen_on(&network, port, addr)
    }

    /// A real socket cannot join the simulated network: always an error.
    ///
    /// # Errors
    ///
    /// `Unsupported`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// assert!(tokio::net::TcpSocket::from_std_stream(std_stream).is_err());
    /// ```
    pub fn from_std_stream(std_stream: std::net::TcpStream) -> io::Result<TcpSocket> {
        drop(std_stream);
        Err(unsupported("TcpSocket::from_std_stream"))
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
        f.debug_struct("TcpSocket")
            .field("local", &self.local_addr().ok())
            .finish()
    }
}

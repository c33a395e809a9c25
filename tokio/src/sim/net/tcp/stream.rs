//! `TcpStream`: one end of a simulated connection.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::ReadBuf;

use super::doc_pair;

/// The options' examples' prelude: a stream `a` (and its peer `b`).
macro_rules! doc_stream {
    ($body:expr) => {
        doc_pair!("", $body)
    };
}
use crate::sim::net::ToSocketAddrs;
use crate::sim::net::addr::resolve_some;
use crate::sim::net::conn::{Conn, End, Options};
use crate::sim::net::network::{Network, Port, Proto, connect_budget, destination, unsupported};
use crate::sim::net::option::{real_option, same};
use crate::sim::net::real;
use crate::sim::net::stream::{Core, Names, Stream, Wrapper, stream_methods, wrapper};

/// A TCP connection on the runtime's simulated network.
///
/// Bytes written at one end are read at the other in order; a write takes what fits in
/// the 256 KiB send buffer; dropping a stream (or shutting its write side down) gives the
/// peer EOF, and dropping it with a zero linger resets the connection.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
/// use tokio::net::{TcpListener, TcpStream};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let mut client = TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
/// client.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
pub struct TcpStream {
    inner: Stream<Addrs>,
}

/// A TCP stream's addresses are its connection's: it keeps nothing beside its end.
pub(crate) struct Addrs;

impl Names for Addrs {
    type Addr = SocketAddr;
    type Real = tokio::net::TcpStream;

    fn local_addr(&self, end: &End) -> SocketAddr {
        end.local_addr()
    }

    fn peer_addr(&self, end: &End) -> SocketAddr {
        end.peer_addr()
    }
}

wrapper!(TcpStream, Addrs);

impl TcpStream {
    pub(crate) fn from_end(end: End) -> TcpStream {
        TcpStream::wrap(Stream::new(end, Addrs))
    }

    /// A stream over tokio's own socket (`from_std`, a real connection).
    pub(crate) fn from_real(real: tokio::net::TcpStream) -> TcpStream {
        TcpStream::wrap(Stream::real(real))
    }

    /// The real socket, if the stream has one.
    fn real(&self) -> Option<&tokio::net::TcpStream> {
        match self.inner.core() {
            Core::Real(real) => Some(real),
            Core::Sim(..) => None,
        }
    }

    /// `f` of the simulated stream's kept options (a real stream's are the OS's: its
    /// option methods ask it instead).
    fn options<R>(&self, f: impl FnOnce(&mut Options) -> R) -> R {
        match self.inner.core() {
            Core::Sim(end, _) => end.options(f),
            Core::Real(_) => unreachable!("a real stream's options are the OS's"),
        }
    }

    /// Connects to `addr` (with several addresses, the first that accepts). The
    /// connection is made at once when a listener is bound there; the listener's
    /// `accept` then has it. When no simulated listener has a loopback address, the real
    /// host is tried (tokio's `connect`: a `std::thread`'s listener of this process, say),
    /// in a runtime that can hear its reactor (not in an explored run); the stream is
    /// then a real one (`net/real.rs`).
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` when nothing listens there, simulated or (on loopback) real
    /// (any address that is not the simulated host's included), an address that does not
    /// resolve, or the runtime shut down.
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
    /// let err = tokio::net::TcpStream::connect("127.0.0.1:9").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        let network = Network::current()?;
        let mut last = None;
        for addr in resolve_some(&addr)? {
            let outcome = match connect(&network, addr, None) {
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused && real::reaches(addr) => {
                    connect_real(addr).await
                }
                outcome => outcome,
            };
            match outcome {
                Ok(stream) => {
                    connect_budget().await;
                    return Ok(stream);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("resolve_some gives an address at least"))
    }

    /// A real socket as a stream: tokio's own `TcpStream`, registered with the
    /// runtime's real reactor and polled from simulated tasks (`net/real.rs`). Its
    /// operations are the OS's, not the simulation's: their timing is real, and a run
    /// using it is reproducible only as far as that I/O is. The socket must be in
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
    /// use std::io::Write;
    /// use tokio::io::AsyncReadExt;
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// std_stream.set_nonblocking(true).unwrap();
    /// let (mut peer, _) = listener.accept().unwrap();
    /// peer.write_all(b"real").unwrap();
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let mut stream = tokio::net::TcpStream::from_std(std_stream)?;
    ///     let mut buf = [0; 4];
    ///     stream.read_exact(&mut buf).await?;
    ///     assert_eq!(&buf, b"real");
    ///     Ok::<_, std::io::Error>(())
    /// }).unwrap();
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        let reactor = real::reactor("TcpStream::from_std")?;
        real::in_reactor(&reactor, || tokio::net::TcpStream::from_std(stream))
            .map(TcpStream::from_real)
    }

    /// The stream as a std socket, in non-blocking mode as tokio's `into_std` gives it:
    /// a real stream's own socket ([`Self::from_std`], or connected to a real listener).
    /// A simulated stream leaves the simulation: it becomes one end of a real loopback
    /// connection whose other end its peer now reads from and writes to (in the
    /// runtime's reactor), after what each had sent the other before. Its addresses
    /// are then the real pair's, not the simulated ones, and the peer can no longer
    /// `peek`.
    ///
    /// # Errors
    ///
    /// `Unsupported` while a half of the stream lives, or in an explored run
    /// (`SIMLOOP_RUNS`: it hears no real socket); `WouldBlock` when the peer's unread
    /// bytes do not fit the real socket's buffer; the OS's.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("", "b.write_all(b\"sent before\").await?;\nlet mut std_a = a.into_std()?;\nb.write_all(b\", and after\").await?;\nstd_a.set_nonblocking(false)?;\nlet mut buf = [0; 22];\nstd::io::Read::read_exact(&mut std_a, &mut buf)?;\nassert_eq!(&buf, b\"sent before, and after\");\nstd::io::Write::write_all(&mut std_a, b\"back\")?;\nlet mut buf = [0; 4];\nb.read_exact(&mut buf).await?;\nassert_eq!(&buf, b\"back\");")]
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        match self.inner.into_core() {
            Ok(Core::Real(real)) => real.into_std(),
            Ok(Core::Sim(end, _)) => {
                let reactor = real::reactor("TcpStream::into_std")?;
                let listener = std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))?;
                let ours = std::net::TcpStream::connect(listener.local_addr()?)?;
                let (theirs, _) = listener.accept()?;
                theirs.set_nonblocking(true)?;
                let shut_down = |s: &std::net::TcpStream| s.shutdown(std::net::Shutdown::Write);
                let register = |theirs| {
                    let theirs =
                        real::in_reactor(&reactor, || tokio::net::TcpStream::from_std(theirs))?;
                    Ok(Box::new(theirs) as Box<dyn real::Bridge>)
                };
                if end.leave(theirs, shut_down, register)? {
                    ours.shutdown(std::net::Shutdown::Write)?;
                }
                ours.set_nonblocking(true)?;
                Ok(ours)
            }
            Err(_) => Err(unsupported(
                "TcpStream::into_std of a stream whose half lives",
            )),
        }
    }

    /// Polls for bytes to peek at (they stay to be read).
    ///
    /// # Errors
    ///
    /// `ConnectionReset` after a reset.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("", "b.write_all(b\"hi\").await?;\nlet mut buf = [0; 4];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nstd::future::poll_fn(|cx| a.poll_peek(cx, &mut buf)).await?;\nassert_eq!(buf.filled(), b\"hi\");")]
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_read(cx, buf, true)
    }

    /// Waits for bytes and copies them into `buf` without consuming them.
    ///
    /// # Errors
    ///
    /// `ConnectionReset` after a reset.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("", "b.write_all(b\"hi\").await?;\nlet mut buf = [0; 4];\nassert_eq!(a.peek(&mut buf).await?, 2);\nassert_eq!(a.read(&mut buf).await?, 2);")]
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.peek(buf).await
    }

    real_option!(doc_stream, "Whether Nagle's algorithm is off (the simulation sends at once).", nodelay, "Turns Nagle's algorithm off (or on).", set_nodelay, nodelay: bool, same, "true" => "true");
    real_option!(doc_stream, "Whether quick acks are on.", quickack, "Turns quick acks on or off.", set_quickack, quickack: bool, same, "false" => "false");
    real_option!(doc_stream, "The IP time-to-live (64 at first).", ttl, "Sets the IP time-to-live.", set_ttl, ttl: u32, same, "8" => "8");

    /// The linger: `Some(0)` makes the stream's drop reset the connection.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("", "assert_eq!(a.linger()?, None);")]
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
    /// None in the simulation.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("", "#[allow(deprecated)]\na.set_linger(Some(std::time::Duration::from_secs(1)))?;\nassert_eq!(a.linger()?, Some(std::time::Duration::from_secs(1)));")]
    #[deprecated = "`SO_LINGER` blocks the thread on a real OS; use `set_zero_linger` (as tokio)"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        if let Some(real) = self.real() {
            #[allow(deprecated)]
            return real.set_linger(dur);
        }
        self.options(|o| o.linger = dur);
        Ok(())
    }

    /// Makes the stream's drop reset the connection (the peer's next operation fails with
    /// `ConnectionReset`).
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("", "a.set_zero_linger()?;\ndrop(a);\nlet err = b.read(&mut [0; 4]).await.unwrap_err();\nassert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);")]
    pub fn set_zero_linger(&self) -> io::Result<()> {
        if let Some(real) = self.real() {
            return real.set_zero_linger();
        }
        self.options(|o| o.linger = Some(Duration::ZERO));
        Ok(())
    }

    stream_methods!(stream doc_pair, SocketAddr);
}

/// Connects to `addr` from `bound` (a `TcpSocket`'s bound port) or an ephemeral port.
pub(crate) fn connect(
    network: &Network,
    addr: SocketAddr,
    bound: Option<(Port, SocketAddr)>,
) -> io::Result<TcpStream> {
    let dest = destination(addr);
    let Some(backlog) = network.listener(dest) else {
        return Err(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            format!("connection refused: nothing listens on {addr} in the simulated network"),
        ));
    };
    let (port, local) = match bound {
        Some((port, local)) => {
            let ip = if local.ip().is_unspecified() {
                dest.ip()
            } else {
                local.ip()
            };
            (port, SocketAddr::new(ip, local.port()))
        }
        None => network.bind(Proto::Tcp, SocketAddr::new(dest.ip(), 0))?,
    };
    let (client, server) = Conn::pair(local, dest, Some(port));
    match backlog.push(server) {
        Ok(()) => Ok(TcpStream::from_end(client)),
        Err(_) => Err(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            format!("connection refused: the listener on {addr} closed"),
        )),
    }
}

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// [`TcpStream::from_std`].
    #[track_caller]
    fn try_from(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}

/// As tokio's: generic code taking `impl AsRef<TcpStream>` accepts a stream as well as
/// its halves.
impl AsRef<Self> for TcpStream {
    fn as_ref(&self) -> &Self {
        self
    }
}

/// Connects a real socket to `addr` (`TcpStream::connect` found no simulated listener
/// there: a loopback port of a real listener, say one a `std::thread` serves), with
/// tokio's own `connect` in the runtime's reactor.
async fn connect_real(addr: SocketAddr) -> io::Result<TcpStream> {
    let reactor = real::reactor("TcpStream::connect")?;
    let mut connecting = std::pin::pin!(tokio::net::TcpStream::connect(addr));
    // tokio's connect registers its socket at its first poll: with the reactor entered.
    let real =
        std::future::poll_fn(|cx| real::in_reactor(&reactor, || connecting.as_mut().poll(cx)))
            .await?;
    Ok(TcpStream::from_real(real))
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.core() {
            Core::Sim(end, _) => f
                .debug_struct("TcpStream")
                .field("local", &end.local_addr())
                .field("peer", &end.peer_addr())
                .finish(),
            Core::Real(real) => f.debug_tuple("TcpStream").field(real).finish(),
        }
    }
}

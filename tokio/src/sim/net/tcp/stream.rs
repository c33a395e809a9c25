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
use crate::sim::net::network::{
    Network, Port, Proto, connect_budget, current_handle, destination, unsupported,
};
use crate::sim::net::option::{kept_option, same};
use crate::sim::net::stream::{Names, Stream, Wrapper, stream_methods, wrapper};

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

    fn end(&self) -> &End {
        self.inner.end()
    }

    fn options<R>(&self, f: impl FnOnce(&mut Options) -> R) -> R {
        self.end().options(f)
    }

    /// Connects to `addr` (with several addresses, the first that accepts). The
    /// connection is made at once when a listener is bound there; the listener's
    /// `accept` then has it.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` when nothing listens there (any address that is not the
    /// simulated host's included), an address that does not resolve, or the runtime
    /// shut down.
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
            match connect(&network, addr, None) {
                Ok(stream) => {
                    connect_budget().await;
                    return Ok(stream);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("resolve_some gives an address at least"))
    }

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
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let _guard = rt.enter();
    /// assert!(tokio::net::TcpStream::from_std(std_stream).is_err());
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        let _ = current_handle();
        drop(stream);
        Err(unsupported("TcpStream::from_std"))
    }

    /// A simulated stream has no OS socket: always an error.
    ///
    /// # Errors
    ///
    /// `Unsupported`.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("", "assert!(a.into_std().is_err());")]
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        Err(unsupported("TcpStream::into_std"))
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

    kept_option!(doc_stream, "Whether Nagle's algorithm is off (the simulation sends at once).", nodelay, "Turns Nagle's algorithm off (or on).", set_nodelay, nodelay: bool, same, "true" => "true");
    kept_option!(doc_stream, "Whether quick acks are on.", quickack, "Turns quick acks on or off.", set_quickack, quickack: bool, same, "false" => "false");
    kept_option!(doc_stream, "The IP time-to-live (64 at first).", ttl, "Sets the IP time-to-live.", set_ttl, ttl: u32, same, "8" => "8");

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

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local", &self.end().local_addr())
            .field("peer", &self.end().peer_addr())
            .finish()
    }
}

//! `UnixStream`: one end of a simulated Unix-domain connection (a TCP connection's
//! pipes, with path addresses).

use std::fmt;
use std::io;
use std::path::Path;
use std::task::Poll;

use tokio::io::Interest;

use super::{Accepted, SocketAddr, UCred, UnixAddr, doc_pair};
use crate::sim::net::conn::{Conn, End};
use crate::sim::net::network::{Network, UnixBinding, UnixName, connect_budget, unsupported};
use crate::sim::net::real;
use crate::sim::net::stream::{Core, Names, Stream, Wrapper, stream_methods, wrapper};

/// A Unix-domain stream's names, kept beside its connection's end (whose socket
/// addresses are placeholders).
pub(crate) struct UnixNames {
    local: UnixAddr,
    peer: UnixAddr,
    /// The name a client bound before connecting (`UnixSocket::bind`), held while the
    /// stream lives.
    _name: Option<UnixName>,
}

impl UnixNames {
    fn new(local: UnixAddr, peer: UnixAddr) -> UnixNames {
        UnixNames {
            local,
            peer,
            _name: None,
        }
    }
}

impl Names for UnixNames {
    type Addr = SocketAddr;
    type Real = tokio::net::UnixStream;

    fn local_addr(&self, _end: &End) -> SocketAddr {
        self.local.to_socket_addr()
    }

    fn peer_addr(&self, _end: &End) -> SocketAddr {
        self.peer.to_socket_addr()
    }
}

/// A Unix-domain stream on the runtime's simulated network.
///
/// Bytes written at one end are read at the other in order; dropping a stream (or
/// shutting its write side down) gives the peer EOF.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
/// use tokio::net::UnixStream;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let (mut a, mut b) = UnixStream::pair()?;
/// a.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// b.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
pub struct UnixStream {
    inner: Stream<UnixNames>,
}

wrapper!(UnixStream, UnixNames);

impl UnixStream {
    fn end(&self) -> Option<&End> {
        self.inner.sim().map(|(end, _)| end)
    }

    /// A stream over tokio's own socket (`from_std`, a real listener's accept).
    pub(crate) fn from_real(real: tokio::net::UnixStream) -> UnixStream {
        UnixStream::wrap(Stream::real(real))
    }

    pub(crate) fn accepted(accepted: Accepted, local: UnixAddr) -> UnixStream {
        UnixStream::wrap(Stream::new(
            accepted.end,
            UnixNames::new(local, accepted.peer),
        ))
    }

    /// Connects to the listener bound at `path` (a path starting with a NUL byte is an
    /// abstract name). The connection is made at once; the listener's `accept` then has
    /// it.
    ///
    /// # Errors
    ///
    /// `NotFound` when nothing is bound at the path, `ConnectionRefused` when an
    /// abstract name has nobody or the socket there does not listen, the shutdown error
    /// once the runtime shut down.
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
    /// let err = tokio::net::UnixStream::connect("/nobody/listens").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let network = Network::current()?;
        let stream = connect(&network, UnixAddr::from_path(path.as_ref())?, None)?;
        stream.connected().await
    }

    /// tokio's `connect` waits for writability once after the connect call: so does
    /// this one (a yield), and a listener that closed meanwhile reset the connection.
    pub(crate) async fn connected(self) -> io::Result<UnixStream> {
        crate::sim::task::yield_now().await;
        connect_budget().await;
        match self.end().map(|end| end.read(None, &mut [], true)) {
            Some(Poll::Ready(Err(e))) => Err(e),
            _ => Ok(self),
        }
    }

    /// Connects to the listener bound at `addr`.
    ///
    /// # Errors
    ///
    /// As [`Self::connect`]; `InvalidInput` for an unnamed address.
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
    /// let addr = std::os::unix::net::SocketAddr::from_pathname("/tmp/by-addr.sock")?;
    /// let listener = tokio::net::UnixListener::bind_addr(&addr)?;
    /// let _client = tokio::net::UnixStream::connect_addr(&addr).await?;
    /// let (_server, _) = listener.accept().await?;
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub async fn connect_addr(addr: &std::os::unix::net::SocketAddr) -> io::Result<UnixStream> {
        let network = Network::current()?;
        match UnixAddr::from_std(addr) {
            UnixAddr::Unnamed => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "cannot connect to an unnamed Unix-domain address",
            )),
            name => connect(&network, name, None)?.connected().await,
        }
    }

    /// A connected pair of unnamed streams.
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
    #[doc = doc_pair!("", "assert!(a.peer_addr()?.is_unnamed());")]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        Network::current()?;
        let unspecified = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
        let (a, b) = Conn::pair(unspecified, unspecified, None);
        // A fresh pair is writable at both ends and readable at neither (as tokio's).
        b.clear_ready(Interest::READABLE);
        let unnamed = |end| {
            UnixStream::wrap(Stream::new(
                end,
                UnixNames::new(UnixAddr::Unnamed, UnixAddr::Unnamed),
            ))
        };
        Ok((unnamed(a), unnamed(b)))
    }

    /// A real socket as a stream: tokio's own `UnixStream`, registered with the
    /// runtime's real reactor and polled from simulated tasks (`net/real.rs`); its
    /// operations and their timing are the OS's. The socket must be in non-blocking
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
    /// use std::io::Write;
    /// use tokio::io::AsyncReadExt;
    ///
    /// let (std_stream, mut peer) = std::os::unix::net::UnixStream::pair().unwrap();
    /// std_stream.set_nonblocking(true).unwrap();
    /// peer.write_all(b"real").unwrap();
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let mut stream = tokio::net::UnixStream::from_std(std_stream)?;
    ///     let mut buf = [0; 4];
    ///     stream.read_exact(&mut buf).await?;
    ///     assert_eq!(&buf, b"real");
    ///     Ok::<_, std::io::Error>(())
    /// }).unwrap();
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        let reactor = real::reactor("UnixStream::from_std")?;
        real::in_reactor(&reactor, || tokio::net::UnixStream::from_std(stream))
            .map(UnixStream::from_real)
    }

    /// The stream as a std socket, in non-blocking mode as tokio's `into_std` gives it:
    /// a real stream's own socket ([`Self::from_std`]). A simulated stream leaves the
    /// simulation: it becomes one end of a real pair whose other end its peer now reads
    /// from and writes to (in the runtime's reactor), after what each had sent the
    /// other before. Its local name is kept for an abstract name (on Linux, the pair is
    /// made by a real listener bound there for the moment, when the name is free);
    /// otherwise the real socket is unnamed (binding a path for real would make a file
    /// there). The peer's names stay the simulated ones.
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
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        match self.inner.into_core() {
            Ok(Core::Real(real)) => real.into_std(),
            Ok(Core::Sim(end, names)) => {
                let reactor = real::reactor("UnixStream::into_std")?;
                let (ours, theirs) = real_pair(&names.local)?;
                theirs.set_nonblocking(true)?;
                let shut_down =
                    |s: &std::os::unix::net::UnixStream| s.shutdown(std::net::Shutdown::Write);
                let register = |theirs| {
                    let theirs =
                        real::in_reactor(&reactor, || tokio::net::UnixStream::from_std(theirs))?;
                    Ok(Box::new(theirs) as Box<dyn real::Bridge>)
                };
                if end.leave(theirs, shut_down, register)? {
                    ours.shutdown(std::net::Shutdown::Write)?;
                }
                ours.set_nonblocking(true)?;
                Ok(ours)
            }
            Err(_) => Err(unsupported(
                "UnixStream::into_std of a stream whose half lives",
            )),
        }
    }

    /// The peer's credentials: this process's (every simulated socket is); a real
    /// socket's are the OS's.
    ///
    /// # Errors
    ///
    /// A real socket's; none in the simulation.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("", "assert_eq!(a.peer_cred()?, b.peer_cred()?);")]
    pub fn peer_cred(&self) -> io::Result<UCred> {
        match self.inner.core() {
            Core::Real(real) => real.peer_cred().map(|c| UCred {
                uid: c.uid(),
                gid: c.gid(),
                pid: c.pid(),
            }),
            Core::Sim(..) => Ok(UCred::of_process()),
        }
    }

    stream_methods!(stream doc_pair, SocketAddr);
}

/// Connects to `name` from a client bound to `bound` (if any).
pub(crate) fn connect(
    network: &Network,
    name: UnixAddr,
    bound: Option<UnixName>,
) -> io::Result<UnixStream> {
    let backlog = match network.unix(&name) {
        Some(UnixBinding::Listener(backlog)) => backlog,
        Some(_) => return Err(refused(&name)),
        None if matches!(name, UnixAddr::Path(_)) => {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "No such file or directory: nothing is bound at {name:?} in the simulated network"
                ),
            ));
        }
        None => return Err(refused(&name)),
    };
    let unspecified = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
    let (client, server) = Conn::pair(unspecified, unspecified, None);
    let local = bound
        .as_ref()
        .map_or(UnixAddr::Unnamed, |n| n.addr().clone());
    let accepted = Accepted {
        end: server,
        peer: local.clone(),
    };
    match backlog.push(accepted) {
        Ok(()) => Ok(UnixStream::wrap(Stream::new(
            client,
            UnixNames {
                local,
                peer: name,
                _name: bound,
            },
        ))),
        Err(_) => Err(refused(&name)),
    }
}

fn refused(name: &UnixAddr) -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionRefused,
        format!("connection refused: nothing listens at {name:?} in the simulated network"),
    )
}

impl TryFrom<std::os::unix::net::UnixStream> for UnixStream {
    type Error = io::Error;

    #[track_caller]
    fn try_from(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        UnixStream::from_std(stream)
    }
}

impl AsRef<Self> for UnixStream {
    fn as_ref(&self) -> &Self {
        self
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.core() {
            Core::Sim(_, names) => f
                .debug_struct("UnixStream")
                .field("local", &names.local)
                .field("peer", &names.peer)
                .finish(),
            Core::Real(real) => f.debug_tuple("UnixStream").field(real).finish(),
        }
    }
}

/// A connected real pair (the caller's socket first) for a stream named `local` leaving
/// the simulation: on Linux, made by a real listener bound at an abstract `local` for
/// the moment, so that the caller's socket keeps the name (when the name is taken, as by
/// another process, or not abstract, an unnamed pair).
fn real_pair(
    local: &UnixAddr,
) -> io::Result<(
    std::os::unix::net::UnixStream,
    std::os::unix::net::UnixStream,
)> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let UnixAddr::Abstract(name) = local {
        #[cfg(target_os = "android")]
        use std::os::android::net::SocketAddrExt;
        #[cfg(target_os = "linux")]
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
        let addr = SocketAddr::from_abstract_name(name)?;
        if let Ok(listener) = UnixListener::bind_addr(&addr) {
            let theirs = UnixStream::connect_addr(&addr)?;
            let (ours, _) = listener.accept()?;
            return Ok((ours, theirs));
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = local;
    std::os::unix::net::UnixStream::pair()
}

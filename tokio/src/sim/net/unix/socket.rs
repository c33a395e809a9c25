//! `UnixSocket`: a Unix-domain socket before it listens, connects or sends.

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use super::{UnixAddr, UnixDatagram, UnixListener, UnixStream};
use crate::sim::net::network::{Network, UnixBinding, UnixName, lock};

/// A Unix-domain socket not yet listening or connected: bind it, then make it a
/// listener, a stream or a datagram socket.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let socket = tokio::net::UnixSocket::new_stream()?;
/// socket.bind("/tmp/socket.sock")?;
/// let listener = socket.listen(16)?;
/// let _client = tokio::net::UnixStream::connect("/tmp/socket.sock").await?;
/// let (_server, _) = listener.accept().await?;
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
pub struct UnixSocket {
    stream: bool,
    network: Network,
    name: Mutex<Option<UnixName>>,
}

impl UnixSocket {
    #[track_caller]
    fn new(stream: bool) -> io::Result<UnixSocket> {
        Ok(UnixSocket {
            stream,
            network: Network::current()?,
            name: Mutex::new(None),
        })
    }

    /// A datagram socket.
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
    /// let socket = tokio::net::UnixSocket::new_datagram()?;
    /// let datagram = socket.datagram()?;
    /// assert!(datagram.local_addr()?.is_unnamed());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    #[track_caller]
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(false)
    }

    /// A stream socket.
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
    /// let socket = tokio::net::UnixSocket::new_stream()?;
    /// let err = socket.connect("/tmp/nobody-here.sock").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    #[track_caller]
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(true)
    }

    /// Binds the socket to `path` (a path starting with a NUL byte is an abstract name).
    ///
    /// # Errors
    ///
    /// `AddrInUse` when a socket holds the name, `InvalidInput` for an empty or too long
    /// path or a socket already bound.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let a = tokio::net::UnixSocket::new_stream()?;
    /// a.bind("/tmp/once.sock")?;
    /// let b = tokio::net::UnixSocket::new_stream()?;
    /// assert_eq!(b.bind("/tmp/once.sock").unwrap_err().kind(), std::io::ErrorKind::AddrInUse);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let addr = UnixAddr::from_path(path.as_ref())?;
        addr.check()?;
        let mut name = lock(&self.name);
        if name.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the socket is already bound",
            ));
        }
        *name = Some(self.network.bind_unix(addr, UnixBinding::Bound)?);
        Ok(())
    }

    fn take_name(&self) -> Option<UnixName> {
        lock(&self.name).take()
    }

    /// Listens at the name it is bound to (`backlog` is not enforced: the simulation
    /// queues every connection).
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a datagram socket or an unbound one (the simulation has no
    /// autobind).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let socket = tokio::net::UnixSocket::new_datagram()?;
    /// assert!(socket.listen(8).is_err());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        let _ = backlog;
        if !self.stream {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "listen cannot be called on a datagram socket",
            ));
        }
        let Some(name) = self.take_name() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "listen() on an unbound Unix-domain socket (the simulation has no autobind)",
            ));
        };
        let addr = name.addr().clone();
        UnixListener::listen_at(&self.network, addr, Some(name))
    }

    /// Connects to the listener at `path`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a datagram socket; else as [`UnixStream::connect`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::UnixListener::bind("/tmp/server.sock")?;
    /// let socket = tokio::net::UnixSocket::new_stream()?;
    /// socket.bind("/tmp/named-client.sock")?;
    /// let _client = socket.connect("/tmp/server.sock").await?;
    /// let (_server, peer) = listener.accept().await?;
    /// assert_eq!(peer.as_pathname(), Some(std::path::Path::new("/tmp/named-client.sock")));
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        if !self.stream {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "connect cannot be called on a datagram socket",
            ));
        }
        let addr = UnixAddr::from_path(path.as_ref())?;
        self.network.check()?;
        super::stream::connect(&self.network, addr, self.take_name())?
            .connected()
            .await
    }

    /// The datagram socket (bound to the name, if any).
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a stream socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let socket = tokio::net::UnixSocket::new_datagram()?;
    /// socket.bind("/tmp/dgram.sock")?;
    /// let datagram = socket.datagram()?;
    /// assert_eq!(datagram.local_addr()?.as_pathname(), Some(std::path::Path::new("/tmp/dgram.sock")));
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if self.stream {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "datagram cannot be called on a stream socket",
            ));
        }
        match self.take_name() {
            Some(name) => {
                let addr = name.addr().clone();
                UnixDatagram::bind_at(&self.network, addr, Some(name))
            }
            None => UnixDatagram::unbound(),
        }
    }
}

impl fmt::Debug for UnixSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixSocket")
            .field("stream", &self.stream)
            .finish()
    }
}

/// A simulated socket has no OS socket: it lends the placeholder descriptor
/// (`/dev/null`, see `net/real.rs`), as tokio's `UnixSocket` lends its own.
impl std::os::fd::AsFd for UnixSocket {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        crate::sim::net::real::placeholder_fd()
    }
}

/// As [`AsFd`](std::os::fd::AsFd).
impl std::os::fd::AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&std::os::fd::AsFd::as_fd(self))
    }
}

/// A descriptor of its own on the placeholder (`/dev/null`, as
/// [`AsFd`](std::os::fd::AsFd) lends): the socket is simulated and has no OS socket, so
/// socket calls on it fail with `ENOTSOCK`; its simulated binding is released.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::os::fd::IntoRawFd;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let fd = tokio::net::UnixSocket::new_stream().unwrap().into_raw_fd();
///     let open_on = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
///     assert_eq!(open_on, std::path::Path::new("/dev/null")); // the caller owns it now
/// });
/// ```
impl std::os::fd::IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> std::os::fd::RawFd {
        crate::sim::net::real::placeholder_into_raw_fd()
    }
}

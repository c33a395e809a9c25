//! `UnixListener`: a name connections arrive at, queued until accepted.

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::{Accepted, SocketAddr, UnixAddr, UnixStream};
use crate::sim::net::network::{Network, UnixBinding, UnixName, budgeted, unsupported};
use crate::sim::net::real;
use crate::sim::net::tcp::Backlog;

/// A Unix-domain socket listening for connections on the runtime's simulated network.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
/// use tokio::net::{UnixListener, UnixStream};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let listener = UnixListener::bind("/run/greeter.sock")?;
/// tokio::spawn(async move {
///     let (mut socket, _) = listener.accept().await.unwrap();
///     socket.write_all(b"hello").await.unwrap();
/// });
/// let mut client = UnixStream::connect("/run/greeter.sock").await?;
/// let mut greeting = String::new();
/// client.read_to_string(&mut greeting).await?;
/// assert_eq!(greeting, "hello");
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
pub struct UnixListener {
    inner: Listener,
}

/// A listener's socket: a name on the simulated network, or a real listener handed in
/// with `from_std` (tokio's own, in the runtime's reactor: `net/real.rs`).
enum Listener {
    Sim(SimListener),
    Real(tokio::net::UnixListener),
}

/// A simulated listener: its backlog, bound under its name in the network.
struct SimListener {
    backlog: Arc<Backlog<Accepted>>,
    name: UnixName,
    network: Network,
}

impl UnixListener {
    /// Binds a listener to `path` (a path starting with a NUL byte is an abstract name).
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
    /// let _listener = tokio::net::UnixListener::bind("/tmp/taken.sock")?;
    /// let err = tokio::net::UnixListener::bind("/tmp/taken.sock").unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        let network = Network::current()?;
        let addr = UnixAddr::from_path(path.as_ref())?;
        addr.check()?;
        UnixListener::listen_at(&network, addr, None)
    }

    /// Binds a listener to `addr` (a path or an abstract name).
    ///
    /// # Errors
    ///
    /// As [`Self::bind`]; `InvalidInput` for an unnamed address.
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
    /// let addr = std::os::unix::net::SocketAddr::from_pathname("/tmp/addr.sock")?;
    /// let listener = tokio::net::UnixListener::bind_addr(&addr)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), addr.as_pathname());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    #[track_caller]
    pub fn bind_addr(addr: &std::os::unix::net::SocketAddr) -> io::Result<UnixListener> {
        let network = Network::current()?;
        match UnixAddr::from_std(addr) {
            UnixAddr::Unnamed => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "cannot bind a listener to an unnamed Unix-domain address",
            )),
            name => UnixListener::listen_at(&network, name, None),
        }
    }

    /// Listens at `addr`: under the name a `UnixSocket` already holds, or binding it.
    pub(crate) fn listen_at(
        network: &Network,
        addr: UnixAddr,
        held: Option<UnixName>,
    ) -> io::Result<UnixListener> {
        let backlog = Arc::new(Backlog::default());
        let binding = UnixBinding::Listener(backlog.clone());
        let name = match held {
            Some(name) => {
                name.rebind(binding);
                name
            }
            None => network.bind_unix(addr, binding)?,
        };
        Ok(UnixListener {
            inner: Listener::Sim(SimListener {
                backlog,
                name,
                network: network.clone(),
            }),
        })
    }

    /// Accepts the next connection: the stream and its peer's address (unnamed unless
    /// the client bound a name first).
    ///
    /// # Errors
    ///
    /// The shutdown error once the runtime shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::UnixListener::bind("/tmp/accept.sock")?;
    /// let _client = tokio::net::UnixStream::connect("/tmp/accept.sock").await?;
    /// let (server, peer) = listener.accept().await?;
    /// assert!(peer.is_unnamed());
    /// assert_eq!(server.local_addr()?.as_pathname(), Some(std::path::Path::new("/tmp/accept.sock")));
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        std::future::poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// Polls to accept the next connection.
    ///
    /// # Errors
    ///
    /// As [`Self::accept`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::UnixListener::bind("/tmp/poll.sock")?;
    /// let _client = tokio::net::UnixStream::connect("/tmp/poll.sock").await?;
    /// let (_server, _) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let this = match &self.inner {
            Listener::Sim(sim) => sim,
            Listener::Real(real) => {
                return real
                    .poll_accept(cx)
                    .map_ok(|(stream, peer)| (UnixStream::from_real(stream), peer));
            }
        };
        budgeted(cx, |cx| {
            // A listener of a runtime that shut down fails, as tokio's does.
            if let Err(e) = this.network.check() {
                return Poll::Ready(Err(e));
            }
            this.backlog.poll_pop(cx.waker()).map(|accepted| {
                let peer = accepted.peer.to_socket_addr();
                Ok((
                    UnixStream::accepted(accepted, this.name.addr().clone()),
                    peer,
                ))
            })
        })
    }

    /// A real listener: tokio's own `UnixListener`, registered with the runtime's real
    /// reactor and polled from simulated tasks (`net/real.rs`); real clients (a
    /// `std::os::unix::net::UnixStream`) reach it, and its accepted streams are real.
    /// The socket must be in non-blocking mode, as tokio requires.
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
    /// let dir = std::env::temp_dir().join(format!("simloop-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("from_std.sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let std_listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    /// std_listener.set_nonblocking(true).unwrap();
    /// let _client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let listener = tokio::net::UnixListener::from_std(std_listener)?;
    ///     let (_stream, peer) = listener.accept().await?;
    ///     assert!(peer.is_unnamed());
    ///     Ok::<_, std::io::Error>(())
    /// }).unwrap();
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        let reactor = real::reactor("UnixListener::from_std")?;
        real::in_reactor(&reactor, || tokio::net::UnixListener::from_std(listener)).map(|real| {
            UnixListener {
                inner: Listener::Real(real),
            }
        })
    }

    /// The real listener of one made by [`Self::from_std`], in non-blocking mode as
    /// tokio's `into_std` gives it. A simulated listener has no OS socket.
    ///
    /// # Errors
    ///
    /// `Unsupported` for a simulated listener.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::UnixListener::bind("/tmp/into_std.sock")?;
    /// assert!(listener.into_std().is_err());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        match self.inner {
            Listener::Real(real) => real.into_std(),
            Listener::Sim(_) => Err(unsupported("UnixListener::into_std")),
        }
    }

    /// The address the listener is bound to.
    ///
    /// # Errors
    ///
    /// None in the simulation.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::UnixListener::bind("/tmp/local.sock")?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(std::path::Path::new("/tmp/local.sock")));
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            Listener::Sim(sim) => Ok(sim.name.addr().to_socket_addr()),
            Listener::Real(real) => real.local_addr(),
        }
    }

    /// The pending socket error: a real listener's, none for a simulated one.
    ///
    /// # Errors
    ///
    /// A real listener's failure to read it; none in the simulation.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::UnixListener::bind("/tmp/error.sock")?;
    /// assert!(listener.take_error()?.is_none());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        match &self.inner {
            Listener::Sim(_) => Ok(None),
            Listener::Real(real) => real.take_error(),
        }
    }
}

impl TryFrom<std::os::unix::net::UnixListener> for UnixListener {
    type Error = io::Error;

    #[track_caller]
    fn try_from(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        UnixListener::from_std(listener)
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Listener::Sim(sim) => f
                .debug_struct("UnixListener")
                .field("addr", sim.name.addr())
                .finish(),
            Listener::Real(real) => f.debug_tuple("UnixListener").field(real).finish(),
        }
    }
}

/// The real listener's descriptor (`from_std`); a simulated listener lends a placeholder
/// (`/dev/null`, see `net/real.rs`), having no OS socket.
impl std::os::fd::AsFd for UnixListener {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match &self.inner {
            Listener::Sim(_) => real::placeholder_fd(),
            Listener::Real(real) => real.as_fd(),
        }
    }
}

/// As [`AsFd`](std::os::fd::AsFd).
impl std::os::fd::AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&std::os::fd::AsFd::as_fd(self))
    }
}

impl Drop for SimListener {
    fn drop(&mut self) {
        // Connections never accepted are reset, as the OS resets them (the name is
        // given back when `name` drops, after this).
        for accepted in self.backlog.close() {
            accepted.end.reset();
        }
    }
}

//! `TcpListener`: a port that connections arrive at, queued until accepted.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::TcpStream;
use crate::sim::net::ToSocketAddrs;
use crate::sim::net::addr::resolve_some;
use crate::sim::net::conn::End;
use crate::sim::net::network::{
    Network, Port, Proto, Wakers, budgeted, lock, unsupported, wake_all,
};
use crate::sim::net::real;

/// The connections made to a listener and not yet accepted (the network holds it too:
/// that is how a `connect` reaches it): TCP's ends, or a Unix-domain listener's
/// accepted streams with their peers' addresses.
pub(crate) struct Backlog<T = End> {
    state: Mutex<BacklogState<T>>,
}

struct BacklogState<T> {
    queue: VecDeque<T>,
    /// The tasks waiting in `accept` (each accept future registers; all are woken, as
    /// tokio wakes every waiter of a readiness event).
    waiters: Wakers,
    closed: bool,
}

impl<T> Default for Backlog<T> {
    fn default() -> Backlog<T> {
        Backlog {
            state: Mutex::new(BacklogState {
                queue: VecDeque::new(),
                waiters: Wakers::default(),
                closed: false,
            }),
        }
    }
}

impl<T> Backlog<T> {
    /// Queues the server's end of a new connection; gives it back if the listener closed.
    pub(crate) fn push(&self, end: T) -> Result<(), T> {
        let mut state = lock(&self.state);
        if state.closed {
            return Err(end);
        }
        state.queue.push_back(end);
        let waiters = state.waiters.take();
        drop(state);
        wake_all(waiters);
        Ok(())
    }

    pub(crate) fn wake_waiters(&self) {
        let waiters = lock(&self.state).waiters.take();
        wake_all(waiters);
    }

    pub(crate) fn poll_pop(&self, waker: &Waker) -> Poll<T> {
        let mut state = lock(&self.state);
        match state.queue.pop_front() {
            Some(end) => Poll::Ready(end),
            None => {
                state.waiters.register(waker);
                Poll::Pending
            }
        }
    }

    /// The listener closes: later connections are refused; gives back those queued.
    pub(crate) fn close(&self) -> VecDeque<T> {
        let mut state = lock(&self.state);
        state.closed = true;
        std::mem::take(&mut state.queue)
    }
}

/// A TCP socket listening for connections on the runtime's simulated network.
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
/// let addr = listener.local_addr()?;
/// tokio::spawn(async move {
///     let (mut socket, _) = listener.accept().await.unwrap();
///     socket.write_all(b"hello").await.unwrap();
/// });
/// let mut client = TcpStream::connect(addr).await?;
/// let mut greeting = String::new();
/// client.read_to_string(&mut greeting).await?;
/// assert_eq!(greeting, "hello");
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
pub struct TcpListener {
    inner: Listener,
}

/// A listener's socket: a port of the simulated network, or a real listener handed in
/// with `from_std` (tokio's own, in the runtime's reactor: `net/real.rs`).
enum Listener {
    Sim(SimListener),
    Real(tokio::net::TcpListener),
}

/// A simulated listener: its backlog, registered with the network at its address.
struct SimListener {
    backlog: Arc<Backlog>,
    addr: SocketAddr,
    network: Network,
    ttl: Mutex<u32>,
    _port: Port,
}

impl TcpListener {
    /// Binds a listener to `addr` (port 0: the next free ephemeral port, counted from
    /// 32768 in each runtime, so a run's ports are the same every time). With several
    /// addresses, the first that binds.
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
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert_eq!(listener.local_addr()?.port(), 32768);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        let network = Network::current()?;
        let mut last = None;
        for addr in resolve_some(&addr)? {
            match TcpListener::bind_one(&network, addr) {
                Ok(listener) => return Ok(listener),
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("resolve_some gives an address at least"))
    }

    pub(crate) fn bind_one(network: &Network, addr: SocketAddr) -> io::Result<TcpListener> {
        let (port, addr) = network.bind(Proto::Tcp, addr)?;
        TcpListener::listen_on(network, port, addr)
    }

    pub(crate) fn listen_on(
        network: &Network,
        port: Port,
        addr: SocketAddr,
    ) -> io::Result<TcpListener> {
        let backlog = Arc::new(Backlog::default());
        network.listen(addr, backlog.clone());
        Ok(TcpListener {
            inner: Listener::Sim(SimListener {
                backlog,
                addr,
                network: network.clone(),
                ttl: Mutex::new(64),
                _port: port,
            }),
        })
    }

    /// Accepts the next connection: the stream and its peer's address.
    ///
    /// # Errors
    ///
    /// tokio's shutdown error once the listener's runtime shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = tokio::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_server, peer) = listener.accept().await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        std::future::poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// Polls for a connection (registering the task to be woken when one arrives).
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
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let _client = tokio::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_server, _peer) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let this = match &self.inner {
            Listener::Sim(sim) => sim,
            Listener::Real(real) => {
                return real
                    .poll_accept(cx)
                    .map_ok(|(stream, peer)| (TcpStream::from_real(stream), peer));
            }
        };
        budgeted(cx, |cx| {
            // A listener of a runtime that shut down fails, as tokio's does.
            if let Err(e) = this.network.check() {
                return Poll::Ready(Err(e));
            }
            this.backlog.poll_pop(cx.waker()).map(|end| {
                let peer = end.peer_addr();
                Ok((TcpStream::from_end(end), peer))
            })
        })
    }

    /// A real listener: tokio's own `TcpListener`, registered with the runtime's real
    /// reactor and polled from simulated tasks (`net/real.rs`); its accepted streams are
    /// real too, and it is reached by real clients (a `std::net::TcpStream`, or this
    /// runtime's `TcpStream::connect` to its loopback address, which the simulated
    /// network refuses and the real host takes). The socket must be in non-blocking
    /// mode, as tokio requires. When the runtime shuts down its reactor stops, and the
    /// listener's accepts fail with tokio's shutdown error.
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
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// std_listener.set_nonblocking(true).unwrap();
    /// let addr = std_listener.local_addr().unwrap();
    /// let client = std::thread::spawn(move || std::net::TcpStream::connect(addr).unwrap());
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let listener = tokio::net::TcpListener::from_std(std_listener)?;
    ///     let (_stream, peer) = listener.accept().await?;
    ///     assert_eq!(peer.ip(), addr.ip());
    ///     Ok::<_, std::io::Error>(())
    /// }).unwrap();
    /// client.join().unwrap();
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        let reactor = real::reactor("TcpListener::from_std")?;
        real::in_reactor(&reactor, || tokio::net::TcpListener::from_std(listener))
            .map(TcpListener::from_real)
    }

    /// A listener over tokio's own (`from_std`, a real `TcpSocket`'s `listen`).
    pub(crate) fn from_real(real: tokio::net::TcpListener) -> TcpListener {
        TcpListener {
            inner: Listener::Real(real),
        }
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
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert!(listener.into_std().is_err());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        match self.inner {
            Listener::Real(real) => real.into_std(),
            Listener::Sim(_) => Err(unsupported("TcpListener::into_std")),
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
    /// let listener = tokio::net::TcpListener::bind("[::1]:8080").await?;
    /// assert_eq!(listener.local_addr()?, "[::1]:8080".parse().unwrap());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            Listener::Sim(sim) => Ok(sim.addr),
            Listener::Real(real) => real.local_addr(),
        }
    }

    /// The IP time-to-live (kept and read back; 64 at first).
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
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert_eq!(listener.ttl()?, 64);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        match &self.inner {
            Listener::Sim(sim) => Ok(*lock(&sim.ttl)),
            Listener::Real(real) => real.ttl(),
        }
    }

    /// Sets the IP time-to-live.
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
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// listener.set_ttl(100)?;
    /// assert_eq!(listener.ttl()?, 100);
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        match &self.inner {
            Listener::Sim(sim) => {
                *lock(&sim.ttl) = ttl;
                Ok(())
            }
            Listener::Real(real) => real.set_ttl(ttl),
        }
    }
}

impl TryFrom<std::net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// [`TcpListener::from_std`].
    #[track_caller]
    fn try_from(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_std(listener)
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Listener::Sim(sim) => f
                .debug_struct("TcpListener")
                .field("addr", &sim.addr)
                .finish(),
            Listener::Real(real) => f.debug_tuple("TcpListener").field(real).finish(),
        }
    }
}

/// The real listener's descriptor (`from_std`); a simulated listener lends a placeholder
/// (`/dev/null`, see `net/real.rs`), having no OS socket.
impl std::os::fd::AsFd for TcpListener {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match &self.inner {
            Listener::Sim(_) => real::placeholder_fd(),
            Listener::Real(real) => real.as_fd(),
        }
    }
}

/// As [`AsFd`](std::os::fd::AsFd).
impl std::os::fd::AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&std::os::fd::AsFd::as_fd(self))
    }
}

impl Drop for SimListener {
    fn drop(&mut self) {
        self.network.unlisten(self.addr);
        let queued = self.backlog.close();
        // Connections never accepted are reset, as the OS resets them.
        for end in queued {
            end.reset();
        }
    }
}

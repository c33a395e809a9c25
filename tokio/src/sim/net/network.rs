//! A runtime's simulated network: which ports are taken, who listens where, which UDP
//! socket receives at an address. Every map is a `BTreeMap` (looked up, never iterated
//! into a decision), ephemeral ports come from a counter, so a run binds the same ports
//! in the same order every time. A port is taken per protocol whatever the address (a
//! listener on `127.0.0.1:80` keeps `[::1]:80` from binding too).
//!
//! The network is the runtime's, not the process's: the tests of one binary run on
//! parallel threads, each in runtimes of its own, and a shared network would hand out
//! ports in the order those threads happen to bind. The price: a server in one runtime
//! and a client in another, independent one do not see each other (`ConnectionRefused`).

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll, Waker};

use super::tcp::Backlog;
use super::udp::Mailbox;
#[cfg(unix)]
use super::unix::{Accepted, UnixAddr};
use crate::sim::context::{self, NO_RUNTIME};
use crate::sim::runtime::{Handle, SHUTTING_DOWN};

/// The first ephemeral port (Linux's `ip_local_port_range` starts there too).
const EPHEMERAL_FIRST: u16 = 32768;
/// The last ephemeral port.
const EPHEMERAL_LAST: u16 = 60999;

/// tokio's panic when a socket is made in a runtime built without `enable_io`.
const IO_DISABLED: &str = "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO.";

/// TCP or UDP: the two port namespaces.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Proto {
    Tcp,
    Udp,
}

/// A runtime's network (cheap to clone: the state is shared, as sockets are `Send`).
#[derive(Clone, Default)]
pub(crate) struct Network {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Ports taken, per protocol, with how many sockets hold each (an accepted stream
    /// shares its listener's port and takes none).
    ports: BTreeMap<(Proto, u16), usize>,
    /// The last ephemeral port handed out, per protocol (0: none yet).
    last_ephemeral: BTreeMap<Proto, u16>,
    listeners: BTreeMap<SocketAddr, Arc<Backlog>>,
    udp: BTreeMap<SocketAddr, Weak<Mailbox>>,
    /// The Unix-domain names (paths and abstract names) sockets are bound to.
    #[cfg(unix)]
    unix: BTreeMap<UnixAddr, UnixBinding>,
    /// The runtime shut down: sockets made or accepting since fail with tokio's error.
    shut_down: bool,
}

/// What a Unix-domain name is bound to.
#[cfg(unix)]
#[derive(Clone)]
pub(crate) enum UnixBinding {
    /// A stream socket bound and not listening (a `UnixSocket` before `listen`).
    Bound,
    Listener(Arc<Backlog<Accepted>>),
    Datagram(Weak<Mailbox<UnixAddr>>),
}

/// A Unix-domain name taken by a socket, given back when the socket drops (the
/// simulation has no socket files: a name is free again once its socket is gone).
#[cfg(unix)]
pub(crate) struct UnixName {
    network: Network,
    addr: UnixAddr,
}

#[cfg(unix)]
impl UnixName {
    pub(crate) fn addr(&self) -> &UnixAddr {
        &self.addr
    }

    /// What the name is bound to from now on (a bound socket starts listening).
    pub(crate) fn rebind(&self, binding: UnixBinding) {
        self.network.lock().unix.insert(self.addr.clone(), binding);
    }
}

#[cfg(unix)]
impl Drop for UnixName {
    fn drop(&mut self) {
        self.network.lock().unix.remove(&self.addr);
    }
}

/// A port taken by a socket, given back when the socket drops.
pub(crate) struct Port {
    network: Network,
    proto: Proto,
    port: u16,
}

impl Drop for Port {
    fn drop(&mut self) {
        let mut state = self.network.lock();
        let key = (self.proto, self.port);
        if let Some(n) = state.ports.get_mut(&key) {
            *n -= 1;
            if *n == 0 {
                state.ports.remove(&key);
            }
        }
    }
}

impl Network {
    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// The network of the current runtime, for a socket about to be made.
    ///
    /// # Errors
    ///
    /// The runtime shuts down (tokio's error, which `is_rt_shutdown_err` recognises).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or in one built without I/O, with tokio's messages (at the
    /// caller's location).
    #[track_caller]
    pub(crate) fn current() -> io::Result<Network> {
        let handle = current_handle();
        if handle.is_shut_down() {
            return Err(shutdown_error());
        }
        Ok(handle.network().clone())
    }

    /// The runtime shuts down: waiting accepts and receives fail (with tokio's shutdown
    /// error), as tokio's I/O driver wakes its sockets when it shuts down.
    pub(crate) fn shut_down(&self) {
        let mut state = self.lock();
        state.shut_down = true;
        let listeners: Vec<_> = state.listeners.values().cloned().collect();
        let mailboxes: Vec<_> = state.udp.values().filter_map(Weak::upgrade).collect();
        #[cfg(unix)]
        let unix: Vec<_> = state.unix.values().cloned().collect();
        drop(state);
        #[cfg(unix)]
        for binding in unix {
            match binding {
                UnixBinding::Bound => {}
                UnixBinding::Listener(backlog) => backlog.wake_waiters(),
                UnixBinding::Datagram(mailbox) => {
                    if let Some(mailbox) = mailbox.upgrade() {
                        mailbox.wake_readers();
                    }
                }
            }
        }
        for backlog in listeners {
            backlog.wake_waiters();
        }
        for mailbox in mailboxes {
            mailbox.wake_readers();
        }
    }

    /// The shutdown error, once the runtime shut down.
    pub(crate) fn check(&self) -> io::Result<()> {
        if self.lock().shut_down {
            Err(shutdown_error())
        } else {
            Ok(())
        }
    }

    /// Takes `addr`'s port for `proto` (an ephemeral one for port 0) on a local address.
    ///
    /// # Errors
    ///
    /// `AddrNotAvailable` for an address that is not this host's (the simulated host has
    /// the loopback and unspecified addresses only), `AddrInUse` for a taken port,
    /// `AddrInUse` too when every ephemeral port is taken.
    pub(crate) fn bind(&self, proto: Proto, addr: SocketAddr) -> io::Result<(Port, SocketAddr)> {
        if !is_local(addr.ip()) {
            return Err(io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                format!(
                    "cannot assign requested address {addr}: the simulated host has only the loopback and unspecified addresses"
                ),
            ));
        }
        let mut state = self.lock();
        let port = if addr.port() == 0 {
            state.ephemeral(proto).ok_or_else(|| {
                io::Error::new(io::ErrorKind::AddrInUse, "every ephemeral port is taken")
            })?
        } else if state.ports.contains_key(&(proto, addr.port())) {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("address already in use: {addr}"),
            ));
        } else {
            addr.port()
        };
        *state.ports.entry((proto, port)).or_default() += 1;
        drop(state);
        let port = Port {
            network: self.clone(),
            proto,
            port,
        };
        let bound = SocketAddr::new(addr.ip(), port.port);
        Ok((port, bound))
    }

    /// Starts listening at `addr` (its port already bound).
    pub(crate) fn listen(&self, addr: SocketAddr, backlog: Arc<Backlog>) {
        self.lock().listeners.insert(addr, backlog);
    }

    /// Stops listening at `addr`.
    pub(crate) fn unlisten(&self, addr: SocketAddr) {
        self.lock().listeners.remove(&addr);
    }

    /// The listener a connection to `addr` reaches: the one bound there, else one bound
    /// to the unspecified address of the family at the port, else (IPv4) `[::]`'s, as a
    /// dual-stack socket receives IPv4 connections.
    pub(crate) fn listener(&self, addr: SocketAddr) -> Option<Arc<Backlog>> {
        if !is_local(addr.ip()) {
            return None;
        }
        let state = self.lock();
        candidates(addr)
            .into_iter()
            .find_map(|a| state.listeners.get(&a).cloned())
    }

    /// Receives UDP datagrams sent to `addr` in `mailbox`.
    pub(crate) fn register_udp(&self, addr: SocketAddr, mailbox: &Arc<Mailbox>) {
        self.lock().udp.insert(addr, Arc::downgrade(mailbox));
    }

    /// Stops receiving at `addr`.
    pub(crate) fn unregister_udp(&self, addr: SocketAddr) {
        self.lock().udp.remove(&addr);
    }

    /// The UDP socket receiving datagrams sent to `addr`, if any.
    pub(crate) fn udp(&self, addr: SocketAddr) -> Option<Arc<Mailbox>> {
        if !is_local(addr.ip()) {
            return None;
        }
        let state = self.lock();
        candidates(addr)
            .into_iter()
            .find_map(|a| state.udp.get(&a).and_then(Weak::upgrade))
    }
}

#[cfg(unix)]
impl Network {
    /// Binds `addr` (a path or an abstract name) to `binding`.
    ///
    /// # Errors
    ///
    /// `AddrInUse` when a socket holds the name (Linux's `EADDRINUSE`), the shutdown
    /// error once the runtime shut down.
    pub(crate) fn bind_unix(&self, addr: UnixAddr, binding: UnixBinding) -> io::Result<UnixName> {
        let mut state = self.lock();
        if state.shut_down {
            return Err(shutdown_error());
        }
        if state.unix.contains_key(&addr) {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("Address already in use: {addr:?} is bound on the simulated network"),
            ));
        }
        state.unix.insert(addr.clone(), binding);
        Ok(UnixName {
            network: self.clone(),
            addr,
        })
    }

    /// What `addr` is bound to, if anything.
    pub(crate) fn unix(&self, addr: &UnixAddr) -> Option<UnixBinding> {
        self.lock().unix.get(addr).cloned()
    }
}

impl State {
    /// The next free ephemeral port after the last one handed out (wrapping).
    fn ephemeral(&mut self, proto: Proto) -> Option<u16> {
        let span = u32::from(EPHEMERAL_LAST - EPHEMERAL_FIRST) + 1;
        let mut port = self.last_ephemeral.get(&proto).copied().unwrap_or(0);
        for _ in 0..span {
            port = if (EPHEMERAL_FIRST..EPHEMERAL_LAST).contains(&port) {
                port + 1
            } else {
                EPHEMERAL_FIRST
            };
            if !self.ports.contains_key(&(proto, port)) {
                self.last_ephemeral.insert(proto, port);
                return Some(port);
            }
        }
        None
    }
}

/// The bound addresses that receive what is sent to `addr`, most specific first.
fn candidates(addr: SocketAddr) -> [SocketAddr; 3] {
    let port = addr.port();
    let any = match addr {
        SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    [
        addr,
        SocketAddr::new(any, port),
        SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port),
    ]
}

/// Whether `ip` is one of the simulated host's addresses.
fn is_local(ip: IpAddr) -> bool {
    ip.is_loopback() || ip.is_unspecified()
}

/// The address a socket bound to `local` sends from when talking to `peer`: an
/// unspecified address becomes the loopback address of the peer's family.
pub(crate) fn source_addr(local: SocketAddr, peer: SocketAddr) -> SocketAddr {
    if !local.ip().is_unspecified() {
        return local;
    }
    SocketAddr::new(loopback_like(peer.ip()), local.port())
}

/// Where a connection to `addr` arrives: an unspecified address means this host's
/// loopback address (as on Linux).
pub(crate) fn destination(addr: SocketAddr) -> SocketAddr {
    SocketAddr::new(loopback_like(addr.ip()), addr.port())
}

fn loopback_like(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    }
}

/// The current runtime's handle, panicking as tokio does when a socket is made outside
/// a runtime or in one without I/O.
#[track_caller]
pub(crate) fn current_handle() -> Handle {
    let Some(handle) = context::current_handle() else {
        panic!("{NO_RUNTIME}");
    };
    if handle.io_disabled() {
        panic!("{IO_DISABLED}");
    }
    handle
}

/// tokio's error for an operation of a runtime that shut down (`is_rt_shutdown_err`).
pub(crate) fn shutdown_error() -> io::Error {
    io::Error::other(SHUTTING_DOWN)
}

/// The error of an operation the simulated network cannot do (a real OS socket handed
/// in or asked for).
pub(crate) fn unsupported(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("{what}: simloop-tokio's network is simulated and has no OS sockets"),
    )
}

/// The tasks waiting for one event (a socket becoming readable, say), woken all at once
/// in the order they registered. A task registers once however often it polls.
#[derive(Default)]
pub(crate) struct Wakers(Vec<Waker>);

impl Wakers {
    pub(crate) fn register(&mut self, waker: &Waker) {
        if !self.0.iter().any(|w| w.will_wake(waker)) {
            self.0.push(waker.clone());
        }
    }

    /// Takes the wakers out, to wake once the lock guarding them is released.
    pub(crate) fn take(&mut self) -> Vec<Waker> {
        std::mem::take(&mut self.0)
    }
}

/// Wakes `wakers` (outside any lock: a waker may run code that takes it).
pub(crate) fn wake_all(wakers: Vec<Waker>) {
    for waker in wakers {
        waker.wake();
    }
}

/// Locks, ignoring poisoning (a panicking test thread must not wedge its peers).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// An I/O operation `op` polled under tokio's cooperative budget, as tokio's I/O driver
/// polls its sockets' readiness: pending (the task woken at once) when the task's budget
/// is spent; a unit spent when `op` completes, given back when it is pending. So a task
/// looping over a ready socket yields after its budget's worth of operations, as on tokio
/// (`try_` operations and the readiness futures, `ready()` and friends, spend none, as
/// tokio's).
pub(crate) fn budgeted<T>(
    cx: &mut Context<'_>,
    op: impl FnOnce(&mut Context<'_>) -> Poll<T>,
) -> Poll<T> {
    let coop = std::task::ready!(tokio::task::coop::poll_proceed(cx));
    let out = op(cx);
    if out.is_ready() {
        coop.made_progress();
    }
    out
}

/// The unit of the task's budget a `connect` spends, as tokio's waits for its new
/// socket's writability through its driver (pending, the task woken, when the budget is
/// spent).
pub(crate) async fn connect_budget() {
    std::future::poll_fn(|cx| budgeted(cx, |_| Poll::Ready(()))).await;
}

/// A poll made without a waker (a `try_` operation): `Pending` is `WouldBlock`.
pub(crate) fn now<T>(poll: Poll<io::Result<T>>) -> io::Result<T> {
    match poll {
        Poll::Ready(r) => r,
        Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ephemeral_ports_count_up_and_skip_taken_ones() {
        let net = Network::default();
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let (_a, a) = net.bind(Proto::Tcp, any).unwrap();
        let (_b, b) = net
            .bind(Proto::Tcp, SocketAddr::new(any.ip(), EPHEMERAL_FIRST + 2))
            .unwrap();
        let (_c, c) = net.bind(Proto::Tcp, any).unwrap();
        let (_d, d) = net.bind(Proto::Tcp, any).unwrap();
        assert_eq!(
            [a.port(), b.port(), c.port(), d.port()],
            [
                EPHEMERAL_FIRST,
                EPHEMERAL_FIRST + 2,
                EPHEMERAL_FIRST + 1,
                EPHEMERAL_FIRST + 3
            ]
        );
    }

    #[test]
    fn a_port_is_given_back_when_its_socket_drops() {
        let net = Network::default();
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let port = net.bind(Proto::Tcp, addr).unwrap();
        let err = net.bind(Proto::Tcp, addr).err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        assert!(net.bind(Proto::Udp, addr).is_ok(), "UDP has its own ports");
        drop(port);
        assert!(net.bind(Proto::Tcp, addr).is_ok());
    }

    #[test]
    fn only_local_addresses_can_be_bound() {
        let net = Network::default();
        let err = net
            .bind(Proto::Tcp, "10.0.0.1:80".parse().unwrap())
            .err()
            .unwrap();
        assert_eq!(err.kind(), io::ErrorKind::AddrNotAvailable);
        assert!(net.bind(Proto::Tcp, "[::]:80".parse().unwrap()).is_ok());
    }
}

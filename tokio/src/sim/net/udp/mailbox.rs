//! A datagram socket's queue of received datagrams (UDP's, and Unix-domain datagram
//! sockets' with their path addresses), and UDP's options.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::task::{Poll, Waker};

use crate::sim::net::network::{Wakers, lock, wake_all};

/// Bytes of datagrams a socket queues before it drops newcomers (a receive buffer).
pub(crate) const QUEUE_BYTES: usize = 256 * 1024;
/// Datagrams a Unix-domain socket queues before senders wait (Linux's
/// `net.unix.max_dgram_qlen` default).
pub(crate) const UNIX_QUEUE_LEN: usize = 512;

/// A socket's received datagrams, each with its sender's address `A` (the network holds
/// it weakly: that is how a sender reaches it).
pub(crate) struct Mailbox<A = SocketAddr> {
    pub(crate) state: Mutex<MailboxState<A>>,
}

impl<A> Default for Mailbox<A> {
    fn default() -> Mailbox<A> {
        Mailbox {
            state: Mutex::new(MailboxState::default()),
        }
    }
}

pub(crate) struct MailboxState<A> {
    queue: VecDeque<(Vec<u8>, A)>,
    bytes: usize,
    /// The peer of a connected socket: datagrams from others are not delivered.
    pub(crate) peer: Option<A>,
    /// An error for the next receive (a connected socket's datagram found nobody).
    pub(crate) error: Option<io::ErrorKind>,
    /// tokio's readiness cache: readable until a receive would block.
    pub(crate) hint: bool,
    readers: Wakers,
    /// Senders waiting for room (Unix-domain sockets block when the queue is full).
    writers: Wakers,
    pub(super) options: Options,
}

impl<A> Default for MailboxState<A> {
    fn default() -> MailboxState<A> {
        MailboxState {
            queue: VecDeque::new(),
            bytes: 0,
            peer: None,
            error: None,
            hint: true,
            readers: Wakers::default(),
            writers: Wakers::default(),
            options: Options::default(),
        }
    }
}

pub(super) struct Options {
    pub(super) broadcast: bool,
    pub(super) multicast_loop_v4: bool,
    pub(super) multicast_ttl_v4: u32,
    pub(super) multicast_loop_v6: bool,
    pub(super) tclass_v6: u32,
    pub(super) ttl: u32,
    pub(super) tos_v4: u32,
    /// `SO_BINDTODEVICE`'s name, kept (the simulated host has no interfaces).
    pub(super) device: Option<Vec<u8>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            broadcast: false,
            multicast_loop_v4: true,
            multicast_ttl_v4: 1,
            multicast_loop_v6: true,
            tclass_v6: 0,
            ttl: 64,
            tos_v4: 0,
            device: None,
        }
    }
}

impl<A: Clone + PartialEq> Mailbox<A> {
    /// Delivers a datagram from `from` (dropped when the queue is full or the socket is
    /// connected to someone else, as the OS drops it).
    pub(crate) fn deliver(&self, data: &[u8], from: A) {
        let mut state = lock(&self.state);
        if state.peer.as_ref().is_some_and(|peer| *peer != from)
            || state.bytes + data.len() > QUEUE_BYTES
        {
            return;
        }
        state.queue.push_back((data.to_vec(), from));
        state.bytes += data.len();
        state.hint = true;
        let readers = state.readers.take();
        drop(state);
        wake_all(readers);
    }

    /// Delivers a datagram as a Unix-domain socket does: when the queue is full the
    /// sender waits (registers `waker`) or, without one, fails with `WouldBlock`; a
    /// datagram to a socket connected elsewhere is refused.
    pub(crate) fn deliver_or_wait(
        &self,
        waker: Option<&Waker>,
        data: &[u8],
        from: A,
    ) -> Poll<io::Result<usize>> {
        let mut state = lock(&self.state);
        if state.peer.as_ref().is_some_and(|peer| *peer != from) {
            return Poll::Ready(Err(io::ErrorKind::PermissionDenied.into()));
        }
        if state.bytes + data.len() > QUEUE_BYTES || state.queue.len() >= UNIX_QUEUE_LEN {
            return match waker {
                Some(waker) => {
                    state.writers.register(waker);
                    Poll::Pending
                }
                None => Poll::Ready(Err(io::ErrorKind::WouldBlock.into())),
            };
        }
        drop(state);
        self.deliver(data, from);
        Poll::Ready(Ok(data.len()))
    }

    /// Whether a datagram would be queued now (else `waker` waits for room).
    pub(crate) fn poll_room(&self, waker: &Waker) -> Poll<()> {
        let mut state = lock(&self.state);
        if state.queue.len() < UNIX_QUEUE_LEN {
            return Poll::Ready(());
        }
        state.writers.register(waker);
        Poll::Pending
    }

    pub(crate) fn wake_readers(&self) {
        let readers = lock(&self.state).readers.take();
        wake_all(readers);
    }

    pub(crate) fn fail_next_receive(&self, kind: io::ErrorKind) {
        let mut state = lock(&self.state);
        state.error = Some(kind);
        state.hint = true;
        let readers = state.readers.take();
        drop(state);
        wake_all(readers);
    }

    /// Receives (or peeks at) the next datagram into `buf` (truncated to fit): its
    /// length copied and its sender; pending with `waker` registered, or `WouldBlock`.
    pub(crate) fn receive(
        &self,
        waker: Option<&Waker>,
        buf: &mut [u8],
        peek: bool,
    ) -> Poll<io::Result<(usize, A)>> {
        let mut state = lock(&self.state);
        if let Some(kind) = state.error.take() {
            return Poll::Ready(Err(io::Error::new(
                kind,
                "connection refused: a datagram sent by this connected socket found nobody bound at its peer's address",
            )));
        }
        let Some((data, from)) = state.queue.front() else {
            state.hint = false;
            return match waker {
                Some(waker) => {
                    state.readers.register(waker);
                    Poll::Pending
                }
                None => Poll::Ready(Err(io::ErrorKind::WouldBlock.into())),
            };
        };
        let (n, from) = (data.len().min(buf.len()), from.clone());
        buf[..n].copy_from_slice(&data[..n]);
        if !peek {
            let (data, _) = state.queue.pop_front().expect("the front was there");
            state.bytes -= data.len();
            // Room again: senders waiting for it go on.
            let writers = state.writers.take();
            drop(state);
            wake_all(writers);
        }
        Poll::Ready(Ok((n, from)))
    }

    pub(crate) fn poll_readable(&self, waker: &Waker) -> Poll<()> {
        let mut state = lock(&self.state);
        if state.hint || !state.queue.is_empty() || state.error.is_some() {
            return Poll::Ready(());
        }
        state.readers.register(waker);
        Poll::Pending
    }
}

//! A UDP socket's queue of received datagrams, and its options.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::task::{Poll, Waker};

use crate::sim::net::network::{Wakers, lock, wake_all};

/// Bytes of datagrams a socket queues before it drops newcomers (a receive buffer).
pub(crate) const QUEUE_BYTES: usize = 256 * 1024;

/// A socket's received datagrams (the network holds it weakly: that is how a sender
/// reaches it).
#[derive(Default)]
pub(crate) struct Mailbox {
    pub(super) state: Mutex<MailboxState>,
}

pub(super) struct MailboxState {
    queue: VecDeque<(Vec<u8>, SocketAddr)>,
    bytes: usize,
    /// The peer of a connected socket: datagrams from others are not delivered.
    pub(super) peer: Option<SocketAddr>,
    /// An error for the next receive (a connected socket's datagram found nobody).
    pub(super) error: Option<io::ErrorKind>,
    /// tokio's readiness cache: readable until a receive would block.
    pub(super) hint: bool,
    readers: Wakers,
    pub(super) options: Options,
}

impl Default for MailboxState {
    fn default() -> MailboxState {
        MailboxState {
            queue: VecDeque::new(),
            bytes: 0,
            peer: None,
            error: None,
            hint: true,
            readers: Wakers::default(),
            options: Options::default(),
        }
    }
}

#[derive(Clone, Copy)]
pub(super) struct Options {
    pub(super) broadcast: bool,
    pub(super) multicast_loop_v4: bool,
    pub(super) multicast_ttl_v4: u32,
    pub(super) multicast_loop_v6: bool,
    pub(super) tclass_v6: u32,
    pub(super) ttl: u32,
    pub(super) tos_v4: u32,
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
        }
    }
}

impl Mailbox {
    /// Delivers a datagram from `from` (dropped when the queue is full or the socket is
    /// connected to someone else, as the OS drops it).
    pub(super) fn deliver(&self, data: &[u8], from: SocketAddr) {
        let mut state = lock(&self.state);
        if state.peer.is_some_and(|peer| peer != from) || state.bytes + data.len() > QUEUE_BYTES {
            return;
        }
        state.queue.push_back((data.to_vec(), from));
        state.bytes += data.len();
        state.hint = true;
        let readers = state.readers.take();
        drop(state);
        wake_all(readers);
    }

    pub(crate) fn wake_readers(&self) {
        let readers = lock(&self.state).readers.take();
        wake_all(readers);
    }

    pub(super) fn fail_next_receive(&self, kind: io::ErrorKind) {
        let mut state = lock(&self.state);
        state.error = Some(kind);
        state.hint = true;
        let readers = state.readers.take();
        drop(state);
        wake_all(readers);
    }

    /// Receives (or peeks at) the next datagram into `buf` (truncated to fit): its
    /// length copied and its sender; pending with `waker` registered, or `WouldBlock`.
    pub(super) fn receive(
        &self,
        waker: Option<&Waker>,
        buf: &mut [u8],
        peek: bool,
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
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
        let (n, from) = (data.len().min(buf.len()), *from);
        buf[..n].copy_from_slice(&data[..n]);
        if !peek {
            let (data, _) = state.queue.pop_front().expect("the front was there");
            state.bytes -= data.len();
        }
        Poll::Ready(Ok((n, from)))
    }

    pub(super) fn poll_readable(&self, waker: &Waker) -> Poll<()> {
        let mut state = lock(&self.state);
        if state.hint || !state.queue.is_empty() || state.error.is_some() {
            return Poll::Ready(());
        }
        state.readers.register(waker);
        Poll::Pending
    }
}

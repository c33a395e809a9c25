//! A simulated TCP connection: two byte pipes (one a direction) between two ends, with
//! the OS's behaviour at the edges: a bounded send buffer (writes block when it is full),
//! EOF after the writer shuts down or drops, `BrokenPipe` writing to a dropped peer,
//! `ConnectionReset` after a drop with a zero linger (an RST), and tokio's readiness
//! cache (a socket is assumed ready until an operation would block).
//!
//! An end can leave the simulation (`into_std`, which must give a real socket): the
//! connection is then bridged ([`End::leave`]). The leaving end's socket is one end of a
//! real pair; the other, in the runtime's reactor, is where the staying end now reads
//! (after what the leaving end had sent it) and writes.

use std::collections::VecDeque;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{Interest, Ready};

use super::network::{Port, Wakers, lock, wake_all};
use super::real::Bridge;

/// Bytes a direction holds before writes block (a loopback socket's buffers, roughly).
pub(crate) const BUFFER: usize = 256 * 1024;

/// One direction: what one end wrote and the other has not read.
#[derive(Default)]
struct Pipe {
    bytes: VecDeque<u8>,
    /// The writer shut down or dropped: the reader gets EOF once the bytes are read.
    shut: bool,
    /// The reader dropped: writes fail with `BrokenPipe`.
    reader_gone: bool,
    /// Reset (an end dropped with a zero linger): both ends' operations fail.
    reset: bool,
    readers: Wakers,
    writers: Wakers,
}

/// An end's socket options (kept and read back: the simulation has no Nagle, no TTL).
#[derive(Clone, Copy)]
pub(crate) struct Options {
    pub(crate) nodelay: bool,
    pub(crate) ttl: u32,
    pub(crate) linger: Option<Duration>,
    pub(crate) quickack: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            nodelay: false,
            ttl: 64,
            linger: None,
            quickack: true,
        }
    }
}

/// tokio's readiness cache of one end: set by events, cleared when an operation would
/// block, so that `readable()` right after `connect` is ready as on tokio.
#[derive(Clone, Copy)]
struct Hints {
    read: bool,
    write: bool,
}

struct State {
    /// `pipes[s]`: the bytes end `s` sends.
    pipes: [Pipe; 2],
    hints: [Hints; 2],
    options: [Options; 2],
    /// Set when an end left the simulation ([`End::leave`]): its side, and the real
    /// socket its peer now reads from (once the bytes already sent are read) and writes to.
    bridge: Option<(usize, Box<dyn Bridge>)>,
}

/// A connection, shared by its two ends.
pub(crate) struct Conn {
    state: Mutex<State>,
    /// `addrs[s]`: end `s`'s local address.
    addrs: [SocketAddr; 2],
}

/// One end of a connection: what a `TcpStream` owns. Dropping it closes the end.
pub(crate) struct End {
    conn: Arc<Conn>,
    side: usize,
    /// The client's ephemeral port, given back when the end drops.
    _port: Option<Port>,
}

impl Conn {
    /// A new connection between `client` (holding `port`) and `server`: (client's end,
    /// server's end).
    pub(crate) fn pair(client: SocketAddr, server: SocketAddr, port: Option<Port>) -> (End, End) {
        // tokio's readiness as its tests observe it on Linux: the connecting end starts
        // writable only (its connect waited for writability), the accepted end starts
        // readable and writable (its first poll reports both).
        let hints = [
            Hints {
                read: false,
                write: true,
            },
            Hints {
                read: true,
                write: true,
            },
        ];
        let conn = Arc::new(Conn {
            state: Mutex::new(State {
                pipes: [Pipe::default(), Pipe::default()],
                hints,
                options: [Options::default(); 2],
                bridge: None,
            }),
            addrs: [client, server],
        });
        let server_end = End {
            conn: conn.clone(),
            side: 1,
            _port: None,
        };
        (
            End {
                conn,
                side: 0,
                _port: port,
            },
            server_end,
        )
    }
}

impl std::fmt::Debug for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("End")
            .field("local", &self.local_addr())
            .field("peer", &self.peer_addr())
            .finish()
    }
}

impl End {
    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.conn.addrs[self.side]
    }

    pub(crate) fn peer_addr(&self) -> SocketAddr {
        self.conn.addrs[1 - self.side]
    }

    /// Runs `f` on this end's options (to read or set them).
    pub(crate) fn options<R>(&self, f: impl FnOnce(&mut Options) -> R) -> R {
        f(&mut lock(&self.conn.state).options[self.side])
    }

    /// Reads (or peeks) into `bufs`; when nothing is there, registers `waker` (and is
    /// pending) or, without one, fails with `WouldBlock`.
    pub(crate) fn read(
        &self,
        waker: Option<&Waker>,
        bufs: &mut [IoSliceMut<'_>],
        peek: bool,
    ) -> Poll<io::Result<usize>> {
        let mut state = lock(&self.conn.state);
        let (s, peer) = (self.side, 1 - self.side);
        let pipe = &mut state.pipes[peer];
        if pipe.reset {
            return Poll::Ready(Err(reset()));
        }
        let wanted: usize = bufs.iter().map(|b| b.len()).sum();
        if !pipe.bytes.is_empty() && wanted > 0 {
            let n = copy_out(&pipe.bytes, bufs);
            if peek {
                return Poll::Ready(Ok(n));
            }
            pipe.bytes.drain(..n);
            // Room in the peer's send buffer: its writers go on.
            let writers = pipe.writers.take();
            state.hints[peer].write = true;
            drop(state);
            wake_all(writers);
            return Poll::Ready(Ok(n));
        }
        if let Some(real) = state.bridged(peer)
            && wanted > 0
        {
            if peek {
                return Poll::Ready(Err(left_the_simulation("peek")));
            }
            return bridged(
                waker,
                |cx| real.poll_read_ready(cx),
                || real.try_read_vectored(bufs),
            );
        }
        if wanted == 0 || state.pipes[peer].shut {
            return Poll::Ready(Ok(0));
        }
        state.hints[s].read = false;
        would_block(waker, &mut state.pipes[peer].readers)
    }

    /// Writes from `bufs` what the send buffer takes; when it is full, registers `waker`
    /// (and is pending) or, without one, fails with `WouldBlock`.
    pub(crate) fn write(
        &self,
        waker: Option<&Waker>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut state = lock(&self.conn.state);
        let (s, peer) = (self.side, 1 - self.side);
        if let Some(real) = state.bridged(peer) {
            return bridged(
                waker,
                |cx| real.poll_write_ready(cx),
                || real.try_write_vectored(bufs),
            );
        }
        let pipe = &mut state.pipes[s];
        if pipe.reset {
            return Poll::Ready(Err(reset()));
        }
        if pipe.shut || pipe.reader_gone {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "broken pipe: the connection's write side is closed",
            )));
        }
        let wanted: usize = bufs.iter().map(|b| b.len()).sum();
        if wanted == 0 {
            return Poll::Ready(Ok(0));
        }
        let room = BUFFER.saturating_sub(pipe.bytes.len());
        if room == 0 {
            state.hints[s].write = false;
            return would_block(waker, &mut state.pipes[s].writers);
        }
        let mut n = 0;
        for buf in bufs {
            let take = buf.len().min(room - n);
            pipe.bytes.extend(&buf[..take]);
            n += take;
            if n == room {
                break;
            }
        }
        let readers = pipe.readers.take();
        state.hints[peer].read = true;
        drop(state);
        wake_all(readers);
        Poll::Ready(Ok(n))
    }

    /// tokio's `poll_ready`: the readiness of `interest` (with the closed flags), or
    /// pending with `waker` registered.
    pub(crate) fn poll_ready(&self, waker: &Waker, interest: Interest) -> Poll<Ready> {
        let mut state = lock(&self.conn.state);
        let (s, peer) = (self.side, 1 - self.side);
        if let Some(real) = state.bridged(peer) {
            // What the peer sent before it left is read first; then the real socket's
            // readiness (its errors show as readiness: the operation reports them).
            let mut cx = Context::from_waker(waker);
            let mut ready = Ready::EMPTY;
            if interest.is_readable()
                && (!state.pipes[peer].bytes.is_empty() || real.poll_read_ready(&mut cx).is_ready())
            {
                ready |= Ready::READABLE;
            }
            if interest.is_writable() && real.poll_write_ready(&mut cx).is_ready() {
                ready |= Ready::WRITABLE;
            }
            return if ready.is_empty() {
                Poll::Pending
            } else {
                Poll::Ready(ready)
            };
        }
        let mut ready = Ready::EMPTY;
        if interest.is_readable() {
            let pipe = &state.pipes[peer];
            let closed = pipe.shut || pipe.reset;
            if state.hints[s].read || !pipe.bytes.is_empty() || closed {
                ready |= Ready::READABLE;
            }
            if closed {
                ready |= Ready::READ_CLOSED;
            }
        }
        if interest.is_writable() {
            let pipe = &state.pipes[s];
            let closed = pipe.reader_gone || pipe.reset;
            if state.hints[s].write || pipe.bytes.len() < BUFFER || closed || pipe.shut {
                ready |= Ready::WRITABLE;
            }
            if closed {
                ready |= Ready::WRITE_CLOSED;
            }
        }
        if !ready.is_empty() {
            return Poll::Ready(ready);
        }
        if interest.is_readable() {
            state.pipes[peer].readers.register(waker);
        }
        if interest.is_writable() {
            state.pipes[s].writers.register(waker);
        }
        Poll::Pending
    }

    /// Forgets that `interest` was ready (tokio's `try_io` saw `WouldBlock`).
    pub(crate) fn clear_ready(&self, interest: Interest) {
        let mut state = lock(&self.conn.state);
        let hints = &mut state.hints[self.side];
        if interest.is_readable() {
            hints.read = false;
        }
        if interest.is_writable() {
            hints.write = false;
        }
    }

    /// Shuts the write direction down: the peer reads EOF after what was sent.
    pub(crate) fn shutdown(&self) {
        let mut state = lock(&self.conn.state);
        let peer = 1 - self.side;
        if let Some(real) = state.bridged(peer) {
            // Already shut or reset, the OS says so; tokio's `poll_shutdown` would too,
            // and the simulated one does not fail either.
            let _ = real.shutdown_write();
            return;
        }
        state.pipes[self.side].shut = true;
        state.hints[peer].read = true;
        let readers = state.pipes[self.side].readers.take();
        drop(state);
        wake_all(readers);
    }

    /// Resets the connection (an RST): both ends' next operations fail.
    pub(crate) fn reset(&self) {
        lock(&self.conn.state)
            .pipes
            .iter_mut()
            .for_each(|p| p.reset = true);
    }
}

impl End {
    /// Moves this end out of the simulation: a real pair replaces the connection, one
    /// socket for this end (handed to the caller by `into_std`), `theirs` the other
    /// (std's, non-blocking), which the peer reads from and writes to from now on, once
    /// `register`ed in the reactor. What the peer had sent and this end had not read is
    /// written to `theirs` first (with std's write: a socket just registered with tokio
    /// would report `WouldBlock` until the reactor saw it writable), so this end's socket
    /// reads it first, and a write side the peer had shut down is shut on `theirs`
    /// (`shut_down`); what this end had sent stays for the peer to read before the real
    /// socket's bytes. Gives whether this end had shut its write side down (the caller
    /// shuts its socket's, so that the peer reads EOF after those bytes).
    ///
    /// # Errors
    ///
    /// After a reset; `WouldBlock` when the peer's unread bytes do not fit the real
    /// socket's buffer at once (nothing would carry the rest); the OS's.
    pub(crate) fn leave<W: io::Write>(
        self,
        mut theirs: W,
        shut_down: impl FnOnce(&W) -> io::Result<()>,
        register: impl FnOnce(W) -> io::Result<Box<dyn Bridge>>,
    ) -> io::Result<bool> {
        let mut state = lock(&self.conn.state);
        let (s, peer) = (self.side, 1 - self.side);
        if state.pipes[s].reset {
            return Err(reset());
        }
        let unread = std::mem::take(&mut state.pipes[peer].bytes);
        let (a, b) = unread.as_slices();
        theirs.write_all(a)?;
        theirs.write_all(b)?;
        if state.pipes[peer].shut {
            shut_down(&theirs)?;
        }
        let shut = state.pipes[s].shut;
        state.bridge = Some((s, register(theirs)?));
        // The peer's waiting tasks poll again, now against the real socket.
        let mut wakers = state.pipes[s].readers.take();
        wakers.extend(state.pipes[peer].writers.take());
        drop(state);
        wake_all(wakers);
        Ok(shut)
    }
}

impl State {
    /// The real socket `side`'s peer was bridged to, if `side` left the simulation.
    fn bridged(&self, side: usize) -> Option<&dyn Bridge> {
        match &self.bridge {
            Some((gone, real)) if *gone == side => Some(&**real),
            _ => None,
        }
    }
}

impl Drop for End {
    fn drop(&mut self) {
        let mut state = lock(&self.conn.state);
        let (s, peer) = (self.side, 1 - self.side);
        if let Some((gone, _)) = &state.bridge {
            // The end that left lives on as a real socket; the one that stays closes
            // the real socket it was bridged to.
            if *gone != s {
                state.bridge = None;
            }
            return;
        }
        if state.options[s].linger == Some(Duration::ZERO) {
            state.pipes.iter_mut().for_each(|p| p.reset = true);
        }
        state.pipes[s].shut = true;
        state.pipes[peer].reader_gone = true;
        state.pipes[peer].bytes = VecDeque::new();
        state.hints[peer] = Hints {
            read: true,
            write: true,
        };
        let mut wakers = state.pipes[s].readers.take();
        wakers.extend(state.pipes[peer].writers.take());
        drop(state);
        wake_all(wakers);
    }
}

/// An operation on the real socket a bridged end now uses: tried at once, and when it
/// would block, pending on the socket's readiness with `waker` (or `WouldBlock` without
/// one), as tokio's `poll_read`/`poll_write`.
fn bridged(
    waker: Option<&Waker>,
    mut poll_ready: impl FnMut(&mut Context<'_>) -> Poll<io::Result<()>>,
    mut op: impl FnMut() -> io::Result<usize>,
) -> Poll<io::Result<usize>> {
    loop {
        match op() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            done => return Poll::Ready(done),
        }
        let Some(waker) = waker else {
            return Poll::Ready(Err(io::ErrorKind::WouldBlock.into()));
        };
        std::task::ready!(poll_ready(&mut Context::from_waker(waker)))?;
    }
}

fn left_the_simulation(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("{what}: the peer left the simulation (into_std); only reads and writes reach it"),
    )
}

fn reset() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionReset,
        "connection reset by peer (it closed with a zero linger)",
    )
}

/// Pending with `waker` registered in `wakers`, or `WouldBlock` without a waker.
fn would_block(waker: Option<&Waker>, wakers: &mut Wakers) -> Poll<io::Result<usize>> {
    match waker {
        Some(waker) => {
            wakers.register(waker);
            Poll::Pending
        }
        None => Poll::Ready(Err(io::ErrorKind::WouldBlock.into())),
    }
}

/// Copies the front of `bytes` into `bufs`; gives the count.
fn copy_out(bytes: &VecDeque<u8>, bufs: &mut [IoSliceMut<'_>]) -> usize {
    let (a, b) = bytes.as_slices();
    let mut source = a.iter().chain(b.iter());
    let mut n = 0;
    for buf in bufs.iter_mut() {
        for (dst, src) in buf.iter_mut().zip(source.by_ref()) {
            *dst = *src;
            n += 1;
        }
    }
    n
}

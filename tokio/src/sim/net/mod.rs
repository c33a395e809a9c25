//! tokio's `net` on a simulated network: TCP and UDP sockets of the run's runtime, in
//! memory, on the virtual clock.
//!
//! Each runtime has one network (`network.rs`): the simulated host owns the loopback and
//! unspecified addresses, ports 0 bind ephemeral ports counted from 32768, a connection
//! is two byte pipes (`conn.rs`), a UDP socket a datagram queue (`udp/`). Operations
//! complete at once when they can; otherwise the task waits on a waker, woken through
//! the engine when the peer acts, so the run's policy orders what happens next and a
//! seed replays it. The simulated sockets read nothing of the OS: no sockets, no resolver
//! (`localhost` and IP literals resolve), no wall clock. A socket handed in with
//! `from_std` (or a TCP connect to a loopback port only a real listener has) is real:
//! tokio's own, in the runtime's real reactor, behind the same types (`real.rs`); a
//! simulated stream's `into_std` bridges its connection to a real pair
//! (`conn.rs`, `End::leave`). Errors are tokio's `io::ErrorKind`s
//! (`ConnectionRefused`, `AddrInUse`, `BrokenPipe`, `ConnectionReset`, `WouldBlock`).
//! Unix-domain sockets (`unix/`) take paths and abstract names in the same network:
//! a stream is a connection's two pipes, a datagram socket a mailbox.
//!
//! The families share their code: a TCP and a Unix-domain stream are one generic stream
//! (`stream/`: the end, its names, the readiness, `try_`, `poll_` and split operations)
//! wrapped by thin typed wrappers whose methods and halves its macros make, and UDP and
//! Unix-domain datagram sockets share one readiness layer (`datagram.rs`); each family
//! keeps only what is its own (addresses, connecting, options, sending).
//!
//! # Examples
//!
//! ```
//! # use simloop_tokio as tokio;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! use tokio::net::{TcpListener, TcpStream};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! let server = tokio::spawn(async move {
//!     let (mut socket, _) = listener.accept().await?;
//!     let mut line = [0; 5];
//!     socket.read_exact(&mut line).await?;
//!     socket.write_all(&line).await?;
//!     Ok::<_, std::io::Error>(())
//! });
//! let mut client = TcpStream::connect(addr).await?;
//! client.write_all(b"hello").await?;
//! let mut echo = [0; 5];
//! client.read_exact(&mut echo).await?;
//! assert_eq!(&echo, b"hello");
//! server.await.unwrap()?;
//! # Ok::<_, std::io::Error>(()) }).unwrap();
//! ```

mod addr;
mod conn;
mod datagram;
mod network;
mod option;
mod real;
mod stream;
pub mod tcp;
mod udp;
#[cfg(unix)]
pub mod unix;

pub(crate) use network::Network;

pub use addr::{ToSocketAddrs, lookup_host};
pub use tcp::{TcpListener, TcpSocket, TcpStream};
pub use udp::UdpSocket;

#[cfg(unix)]
pub use unix::{UnixDatagram, UnixListener, UnixSocket, UnixStream};

//! TCP on the simulated network: listeners, streams and their halves, sockets.
//!
//! A connection is two in-memory byte pipes (`conn.rs`); its operations complete at once
//! when they can and otherwise wait through the engine's wakers, so the scheduling
//! policy decides who runs when data arrives.
//! `TcpStream` and its halves wrap the stream core the Unix-domain streams share
//! (`net/stream/`).
//!
//! # Examples
//!
//! ```
//! # use simloop_tokio as tokio;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let mut client = tokio::net::TcpStream::connect(listener.local_addr()?).await?;
//! let (mut server, _) = listener.accept().await?;
//! let (mut read, _write): (tokio::net::tcp::ReadHalf<'_>, tokio::net::tcp::WriteHalf<'_>) = server.split();
//! client.write_all(b"ping").await?;
//! let mut buf = [0; 4];
//! read.read_exact(&mut buf).await?;
//! # Ok::<_, std::io::Error>(()) }).unwrap();
//! ```

mod listener;
mod socket;
mod split;
mod stream;

pub(crate) use listener::Backlog;
pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::TcpStream;

/// The common prelude of the doc examples: a connected pair `a` (ours) and `b` (its peer).
macro_rules! doc_pair {
    ($setup:literal, $body:expr) => {
        $crate::sim::net::stream::doc_example!(
            "# let listener = tokio::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n# #[allow(unused_mut)] let mut a = tokio::net::TcpStream::connect(listener.local_addr()?).await?;\n# #[allow(unused_mut)] let (mut b, _) = listener.accept().await?;\n",
            $setup,
            $body
        )
    };
}
pub(crate) use doc_pair;

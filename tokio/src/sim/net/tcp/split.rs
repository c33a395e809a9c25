//! The halves of a `TcpStream`: borrowed (`split`) and owned (`into_split`).

use std::error::Error;
use std::fmt;
use std::io;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{Interest, ReadBuf, Ready};

use super::{TcpStream, async_io, common_methods, doc_pair, read_methods, write_methods};
use crate::sim::net::conn::End;

/// The read half of a borrowed stream ([`TcpStream::split`]).
///
/// # Examples
///
#[doc = doc_pair!("", "let (mut read, _write) = a.split();\nb.write_all(b\"x\").await?;\nassert_eq!(read.read_u8().await?, b'x');")]
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a TcpStream);

/// The write half of a borrowed stream ([`TcpStream::split`]); its `shutdown` shuts the
/// stream's write side down.
///
/// # Examples
///
#[doc = doc_pair!("", "let (_read, mut write) = a.split();\nwrite.write_all(b\"x\").await?;\nassert_eq!(b.read_u8().await?, b'x');")]
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a TcpStream);

/// The owned read half of a stream ([`TcpStream::into_split`]).
///
/// # Examples
///
#[doc = doc_pair!("", "let (mut read, _write) = a.into_split();\nb.write_all(b\"x\").await?;\nassert_eq!(read.read_u8().await?, b'x');")]
#[derive(Debug)]
pub struct OwnedReadHalf {
    end: Arc<End>,
}

/// The owned write half of a stream ([`TcpStream::into_split`]); dropping it shuts the
/// write side down (the peer reads EOF), unless it is [`OwnedWriteHalf::forget`]ten.
///
/// # Examples
///
#[doc = doc_pair!("", "let (_read, write) = a.into_split();\ndrop(write);\nassert_eq!(b.read(&mut [0; 4]).await?, 0);")]
#[derive(Debug)]
pub struct OwnedWriteHalf {
    end: Arc<End>,
    shutdown_on_drop: bool,
}

/// The halves given to `reunite` came from different streams: here they are back.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let one = tokio::net::TcpStream::connect(listener.local_addr()?).await?;
/// let two = tokio::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (read, _) = one.into_split();
/// let (_, write) = two.into_split();
/// let tokio::net::tcp::ReuniteError(_read, _write) = read.reunite(write).unwrap_err();
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl Error for ReuniteError {}

pub(super) fn split(stream: &mut TcpStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

pub(super) fn into_split(end: Arc<End>) -> (OwnedReadHalf, OwnedWriteHalf) {
    (
        OwnedReadHalf { end: end.clone() },
        OwnedWriteHalf {
            end,
            shutdown_on_drop: true,
        },
    )
}

fn reunite(read: OwnedReadHalf, mut write: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
    if Arc::ptr_eq(&read.end, &write.end) {
        write.shutdown_on_drop = false;
        drop(write);
        Ok(TcpStream::from_arc(read.end))
    } else {
        Err(ReuniteError(read, write))
    }
}

impl ReadHalf<'_> {
    fn end(&self) -> &End {
        self.0.end_arc()
    }

    /// Polls for bytes to peek at (they stay to be read).
    ///
    /// # Errors
    ///
    /// `ConnectionReset` after a reset.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("let (mut this, _w) = a.split();", "b.write_all(b\"hi\").await?;\nlet mut buf = [0; 4];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nstd::future::poll_fn(|cx| this.poll_peek(cx, &mut buf)).await?;\nassert_eq!(buf.filled(), b\"hi\");")]
    pub fn poll_peek(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        super::poll_read(self.end(), cx, buf, true)
    }

    /// Waits for bytes and copies them into `buf` without consuming them.
    ///
    /// # Errors
    ///
    /// `ConnectionReset` after a reset.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("let (mut this, _w) = a.split();", "b.write_all(b\"hi\").await?;\nassert_eq!(this.peek(&mut [0; 4]).await?, 2);")]
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        super::peek(self.end(), buf).await
    }

    common_methods!("let (this, _w) = a.split();");
    read_methods!("let (this, _w) = a.split();");
}

impl WriteHalf<'_> {
    fn end(&self) -> &End {
        self.0.end_arc()
    }

    common_methods!("let (_r, this) = a.split();");
    write_methods!("let (_r, this) = a.split();");
}

impl OwnedReadHalf {
    fn end(&self) -> &End {
        &self.end
    }

    /// Puts the halves back together, if they are of the same stream.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`] (with both halves) when they are not.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("let (read, write) = a.into_split();", "let a = read.reunite(write).unwrap();\nassert!(a.local_addr().is_ok());")]
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
        reunite(self, other)
    }

    /// Polls for bytes to peek at (they stay to be read).
    ///
    /// # Errors
    ///
    /// `ConnectionReset` after a reset.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("let (mut this, _w) = a.into_split();", "b.write_all(b\"hi\").await?;\nlet mut buf = [0; 4];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nstd::future::poll_fn(|cx| this.poll_peek(cx, &mut buf)).await?;\nassert_eq!(buf.filled(), b\"hi\");")]
    pub fn poll_peek(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        super::poll_read(self.end(), cx, buf, true)
    }

    /// Waits for bytes and copies them into `buf` without consuming them.
    ///
    /// # Errors
    ///
    /// `ConnectionReset` after a reset.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("let (mut this, _w) = a.into_split();", "b.write_all(b\"hi\").await?;\nassert_eq!(this.peek(&mut [0; 4]).await?, 2);")]
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        super::peek(self.end(), buf).await
    }

    common_methods!("let (this, _w) = a.into_split();");
    read_methods!("let (this, _w) = a.into_split();");
}

impl OwnedWriteHalf {
    fn end(&self) -> &End {
        &self.end
    }

    /// Puts the halves back together, if they are of the same stream.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`] (with both halves) when they are not.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("let (read, write) = a.into_split();", "let a = write.reunite(read).unwrap();\nassert!(a.local_addr().is_ok());")]
    pub fn reunite(self, other: OwnedReadHalf) -> Result<TcpStream, ReuniteError> {
        reunite(other, self)
    }

    /// Drops the half without shutting the write side down.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("let (_r, write) = a.into_split();", "write.forget();\nb.write_all(b\"still open\").await?;")]
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }

    common_methods!("let (_r, this) = a.into_split();");
    write_methods!("let (_r, this) = a.into_split();");
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            self.end.shutdown();
        }
    }
}

impl AsRef<TcpStream> for ReadHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}

impl AsRef<TcpStream> for WriteHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}

async_io!(read ReadHalf<'_>);
async_io!(write WriteHalf<'_>);
async_io!(read OwnedReadHalf);
async_io!(write OwnedWriteHalf);

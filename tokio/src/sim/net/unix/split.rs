//! The halves of a `UnixStream`: borrowed (`split`) and owned (`into_split`).

use std::error::Error;
use std::fmt;
use std::io;
use std::sync::Arc;

use tokio::io::{Interest, Ready};

use super::stream::Shared;
use super::{UnixStream, doc_pair, stream_methods};
use crate::sim::net::conn::End;
use crate::sim::net::tcp::async_io;

/// The read half of a borrowed `UnixStream` (from [`UnixStream::split`]).
///
/// # Examples
///
#[doc = doc_pair!("", "let (mut read, _write) = a.split();\nb.write_all(b\"x\").await?;\nassert_eq!(read.read_u8().await?, b'x');")]
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a UnixStream);

/// The write half of a borrowed `UnixStream` (from [`UnixStream::split`]); shutting
/// it down shuts the stream's write side down.
///
/// # Examples
///
#[doc = doc_pair!("", "let (_read, mut write) = a.split();\nwrite.write_all(b\"x\").await?;\nassert_eq!(b.read_u8().await?, b'x');")]
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a UnixStream);

/// The owned read half of a `UnixStream` (from [`UnixStream::into_split`]).
///
/// # Examples
///
#[doc = doc_pair!("", "let (mut read, _write) = a.into_split();\nb.write_all(b\"x\").await?;\nassert_eq!(read.read_u8().await?, b'x');")]
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: UnixStream,
}

/// The owned write half of a `UnixStream` (from [`UnixStream::into_split`]): dropping
/// it shuts the write side down (the peer reads EOF), unless [`Self::forget`] is used.
///
/// # Examples
///
#[doc = doc_pair!("", "let (_read, write) = a.into_split();\ndrop(write);\nassert_eq!(b.read(&mut [0; 4]).await?, 0);")]
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: UnixStream,
    shutdown_on_drop: bool,
}

/// The halves given to `reunite` came from different streams: here they are back.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let (a, _b) = tokio::net::UnixStream::pair()?;
/// let (c, _d) = tokio::net::UnixStream::pair()?;
/// let (read, _) = a.into_split();
/// let (_, write) = c.into_split();
/// let err = read.reunite(write).unwrap_err();
/// assert_eq!(err.to_string(), "tried to reunite halves that are not from the same socket");
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

pub(super) fn split(stream: &mut UnixStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

pub(super) fn into_split(shared: Arc<Shared>) -> (OwnedReadHalf, OwnedWriteHalf) {
    (
        OwnedReadHalf {
            inner: UnixStream::from_shared(shared.clone()),
        },
        OwnedWriteHalf {
            inner: UnixStream::from_shared(shared),
            shutdown_on_drop: true,
        },
    )
}

fn reunite(read: OwnedReadHalf, mut write: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
    if Arc::ptr_eq(read.inner.shared_arc(), write.inner.shared_arc()) {
        write.shutdown_on_drop = false;
        drop(write);
        Ok(read.inner)
    } else {
        Err(ReuniteError(read, write))
    }
}

impl ReadHalf<'_> {
    fn end(&self) -> &End {
        &self.0.shared().end
    }

    fn shared(&self) -> &Shared {
        self.0.shared()
    }

    stream_methods!(common "let (this, _w) = a.split();");
    stream_methods!(read "let (this, _w) = a.split();");
}

impl WriteHalf<'_> {
    fn end(&self) -> &End {
        &self.0.shared().end
    }

    fn shared(&self) -> &Shared {
        self.0.shared()
    }

    stream_methods!(common "let (_r, this) = a.split();");
    stream_methods!(write "let (_r, this) = a.split();");
}

impl OwnedReadHalf {
    fn end(&self) -> &End {
        &self.inner.shared().end
    }

    fn shared(&self) -> &Shared {
        self.inner.shared()
    }

    /// Puts the stream back together with its write half.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`] (with both halves) when `other` is another stream's.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("let (read, write) = a.into_split();", "let a = read.reunite(write).unwrap();\nassert!(a.local_addr().is_ok());")]
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
        reunite(self, other)
    }

    stream_methods!(common "let (this, _w) = a.into_split();");
    stream_methods!(read "let (this, _w) = a.into_split();");
}

impl OwnedWriteHalf {
    fn end(&self) -> &End {
        &self.inner.shared().end
    }

    fn shared(&self) -> &Shared {
        self.inner.shared()
    }

    /// Puts the stream back together with its read half.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`] (with both halves) when `other` is another stream's.
    ///
    /// # Examples
    ///
    #[doc = doc_pair!("let (read, write) = a.into_split();", "let a = write.reunite(read).unwrap();\nassert!(a.local_addr().is_ok());")]
    pub fn reunite(self, other: OwnedReadHalf) -> Result<UnixStream, ReuniteError> {
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

    stream_methods!(common "let (_r, this) = a.into_split();");
    stream_methods!(write "let (_r, this) = a.into_split();");
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            self.end().shutdown();
        }
    }
}

impl AsRef<UnixStream> for ReadHalf<'_> {
    fn as_ref(&self) -> &UnixStream {
        self.0
    }
}

impl AsRef<UnixStream> for WriteHalf<'_> {
    fn as_ref(&self) -> &UnixStream {
        self.0
    }
}

impl AsRef<UnixStream> for OwnedReadHalf {
    fn as_ref(&self) -> &UnixStream {
        &self.inner
    }
}

impl AsRef<UnixStream> for OwnedWriteHalf {
    fn as_ref(&self) -> &UnixStream {
        &self.inner
    }
}

async_io!(read ReadHalf<'_>);
async_io!(write WriteHalf<'_>);
async_io!(read OwnedReadHalf);
async_io!(write OwnedWriteHalf);

//! The halves of a `TcpStream`: borrowed (`split`) and owned (`into_split`), made by the
//! streams' shared `halves!`; only TCP's read halves peek.

use std::io;
use std::task::{Context, Poll};

use tokio::io::ReadBuf;

use super::stream::Addrs;
use super::{TcpStream, doc_pair};
use crate::sim::net::stream::halves;

halves!(TcpStream, Addrs, std::net::SocketAddr, doc_pair);

/// `peek` and `poll_peek` of a read half, with `$setup` making `this` from the pair.
macro_rules! peek_methods {
    ($setup:literal) => {
        /// Polls for bytes to peek at (they stay to be read).
        ///
        /// # Errors
        ///
        /// `ConnectionReset` after a reset.
        ///
        /// # Examples
        ///
        #[doc = doc_pair!($setup, "b.write_all(b\"hi\").await?;\nlet mut buf = [0; 4];\nlet mut buf = tokio::io::ReadBuf::new(&mut buf);\nstd::future::poll_fn(|cx| this.poll_peek(cx, &mut buf)).await?;\nassert_eq!(buf.filled(), b\"hi\");")]
        pub fn poll_peek(
            &mut self,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<usize>> {
            self.stream().poll_read(cx, buf, true)
        }

        /// Waits for bytes and copies them into `buf` without consuming them.
        ///
        /// # Errors
        ///
        /// `ConnectionReset` after a reset.
        ///
        /// # Examples
        ///
        #[doc = doc_pair!($setup, "b.write_all(b\"hi\").await?;\nassert_eq!(this.peek(&mut [0; 4]).await?, 2);")]
        pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.stream().peek(buf).await
        }
    };
}

impl ReadHalf<'_> {
    peek_methods!("let (mut this, _w) = a.split();");
}

impl OwnedReadHalf {
    peek_methods!("let (mut this, _w) = a.into_split();");
}

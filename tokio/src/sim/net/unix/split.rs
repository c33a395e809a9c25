//! The halves of a `UnixStream`: borrowed (`split`) and owned (`into_split`), made by
//! the streams' shared `halves!`.

use super::stream::UnixNames;
use super::{SocketAddr, UnixStream, doc_pair};
use crate::sim::net::stream::halves;

halves!(UnixStream, UnixNames, SocketAddr, doc_pair);

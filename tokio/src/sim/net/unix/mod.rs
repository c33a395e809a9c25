//! Unix-domain sockets on the simulated network: tokio's `net::unix`.
//!
//! A name (a path, or on Linux an abstract name) belongs to the runtime's network, as a
//! port does: `UnixListener::bind` takes it, `UnixStream::connect` finds the listener
//! there, a stream is a TCP connection's two byte pipes (`conn.rs`), a `UnixDatagram`
//! receives in a UDP socket's mailbox (`udp/mailbox.rs`). Nothing touches the file
//! system: no socket file is made, and a name is free again once its socket dropped
//! (on Linux the file stays until it is removed). Errors are Linux's kinds: `AddrInUse`
//! for a name a socket holds, `NotFound` connecting to a path nothing is bound to,
//! `ConnectionRefused` to an abstract name nobody holds or a name bound to a socket
//! that does not listen. The addresses are tokio's own [`SocketAddr`].
//!
//! # Examples
//!
//! ```
//! # use simloop_tokio as tokio;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! use tokio::net::{UnixListener, UnixStream};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let listener = UnixListener::bind("/tmp/simulated.sock")?;
//! let mut client = UnixStream::connect("/tmp/simulated.sock").await?;
//! let (mut server, peer) = listener.accept().await?;
//! assert!(peer.is_unnamed());
//! client.write_all(b"ping").await?;
//! let mut buf = [0; 4];
//! server.read_exact(&mut buf).await?;
//! assert_eq!(&buf, b"ping");
//! # Ok::<_, std::io::Error>(()) }).unwrap();
//! ```

use std::io;
use std::path::{Path, PathBuf};

use super::conn::End;

mod datagram;
mod listener;
mod socket;
mod split;
mod stream;

pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use socket::UnixSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::UnixStream;

/// tokio's Unix-domain socket address (the simulation's sockets report tokio's own).
pub use tokio::net::unix::SocketAddr;
/// Named pipes (FIFOs) are tokio's own: not simulated (they need tokio's I/O driver).
pub use tokio::net::unix::pipe;

/// A user id, as tokio's.
#[allow(non_camel_case_types)]
pub type uid_t = u32;
/// A group id, as tokio's.
#[allow(non_camel_case_types)]
pub type gid_t = u32;
/// A process id, as tokio's.
#[allow(non_camel_case_types)]
pub type pid_t = i32;

/// The credentials of a Unix-domain stream's peer: every simulated socket belongs to
/// this process, so they are the process's effective user and group and its id.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let (a, _b) = tokio::net::UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// assert_eq!(cred.pid(), Some(std::process::id() as i32));
/// # Ok::<_, std::io::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UCred {
    pub(crate) uid: uid_t,
    pub(crate) gid: gid_t,
    pub(crate) pid: Option<pid_t>,
}

impl UCred {
    /// The process's: its effective ids are the owner of `/proc/self` (Linux), else 0.
    pub(crate) fn of_process() -> UCred {
        #[cfg(target_os = "linux")]
        let (uid, gid) = {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata("/proc/self").map_or((0, 0), |m| (m.uid(), m.gid()))
        };
        #[cfg(not(target_os = "linux"))]
        let (uid, gid) = (0, 0);
        UCred {
            uid,
            gid,
            pid: i32::try_from(std::process::id()).ok(),
        }
    }

    /// The peer's effective user id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let (a, b) = tokio::net::UnixStream::pair()?;
    /// assert_eq!(a.peer_cred()?.uid(), b.peer_cred()?.uid());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The peer's effective group id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let (a, b) = tokio::net::UnixStream::pair()?;
    /// assert_eq!(a.peer_cred()?.gid(), b.peer_cred()?.gid());
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The peer's process id: this process's.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let (a, _b) = tokio::net::UnixStream::pair()?;
    /// assert_eq!(a.peer_cred()?.pid(), Some(std::process::id() as i32));
    /// # Ok::<_, std::io::Error>(()) }).unwrap();
    /// ```
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

/// A Unix-domain name in the network's namespace (ordered: the network's maps are
/// `BTreeMap`s).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum UnixAddr {
    /// A socket bound to nothing (a client's, a pair's, `UnixDatagram::unbound`'s).
    Unnamed,
    Path(PathBuf),
    /// Linux's abstract namespace (the bytes after the leading NUL).
    Abstract(Vec<u8>),
}

impl UnixAddr {
    /// The name `path` stands for: a path starting with a NUL byte is an abstract name,
    /// as tokio reads it.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for an empty path (Linux's `EINVAL`).
    pub(crate) fn from_path(path: &Path) -> io::Result<UnixAddr> {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        match bytes.first() {
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an empty path is not a Unix-domain socket address",
            )),
            Some(0) => Ok(UnixAddr::Abstract(bytes[1..].to_vec())),
            Some(_) => Ok(UnixAddr::Path(path.to_path_buf())),
        }
    }

    /// The name a std address stands for.
    pub(crate) fn from_std(addr: &std::os::unix::net::SocketAddr) -> UnixAddr {
        if let Some(path) = addr.as_pathname() {
            return UnixAddr::Path(path.to_path_buf());
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            #[cfg(target_os = "android")]
            use std::os::android::net::SocketAddrExt;
            #[cfg(target_os = "linux")]
            use std::os::linux::net::SocketAddrExt;
            if let Some(name) = addr.as_abstract_name() {
                return UnixAddr::Abstract(name.to_vec());
            }
        }
        UnixAddr::Unnamed
    }

    /// tokio's address for this name.
    pub(crate) fn to_socket_addr(&self) -> SocketAddr {
        let std_addr = match self {
            // An empty pathname is how std spells an unnamed address.
            UnixAddr::Unnamed => std::os::unix::net::SocketAddr::from_pathname(""),
            UnixAddr::Path(path) => std::os::unix::net::SocketAddr::from_pathname(path),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            UnixAddr::Abstract(name) => {
                #[cfg(target_os = "android")]
                use std::os::android::net::SocketAddrExt;
                #[cfg(target_os = "linux")]
                use std::os::linux::net::SocketAddrExt;
                std::os::unix::net::SocketAddr::from_abstract_name(name)
            }
            #[cfg(not(any(target_os = "linux", target_os = "android")))]
            UnixAddr::Abstract(_) => std::os::unix::net::SocketAddr::from_pathname(""),
        };
        // A name that was bound fits an address (too long a path failed at bind).
        SocketAddr::from(std_addr.unwrap_or_else(|_| {
            std::os::unix::net::SocketAddr::from_pathname("").expect("the unnamed address")
        }))
    }

    /// Whether this name fits a `sockaddr_un` (Linux's `EINVAL` otherwise).
    pub(crate) fn check(&self) -> io::Result<()> {
        match self {
            UnixAddr::Path(path) => std::os::unix::net::SocketAddr::from_pathname(path).map(|_| ()),
            _ => Ok(()),
        }
    }
}

/// A connection queued at a Unix-domain listener: the server's end and the client's
/// name (usually unnamed).
pub(crate) struct Accepted {
    pub(crate) end: End,
    pub(crate) peer: UnixAddr,
}

/// The common prelude of the stream doc examples: a connected pair `a` (ours) and `b`.
macro_rules! doc_pair {
    ($setup:literal, $body:expr) => {
        $crate::sim::net::stream::doc_example!(
            "# #[allow(unused_mut)] let (mut a, mut b) = tokio::net::UnixStream::pair()?;\n",
            $setup,
            $body
        )
    };
}
pub(crate) use doc_pair;

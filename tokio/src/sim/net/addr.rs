//! Addresses: tokio's `ToSocketAddrs` and `lookup_host`, resolved inside the simulation
//! (IP literals, and `localhost` as the loopback addresses; no DNS).

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// What names the addresses of a socket operation (tokio's trait; sealed as tokio's is):
/// socket addresses, `(ip, port)` pairs, and `"host:port"` strings and `(host, port)`
/// pairs whose host is an IP literal or `localhost`.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// async fn bind(addr: impl tokio::net::ToSocketAddrs) -> std::io::Result<tokio::net::TcpListener> {
///     tokio::net::TcpListener::bind(addr).await
/// }
/// let rt = tokio::runtime::Runtime::new().unwrap();
/// let listener = rt.block_on(bind(("127.0.0.1", 0))).unwrap();
/// assert!(listener.local_addr().unwrap().ip().is_loopback());
/// ```
pub trait ToSocketAddrs: sealed::Resolve {}

pub(crate) mod sealed {
    use std::io;
    use std::net::SocketAddr;

    /// Resolves to socket addresses, in the order operations try them.
    pub trait Resolve {
        #[doc(hidden)]
        fn resolve(&self) -> io::Result<Vec<SocketAddr>>;
    }
}

use sealed::Resolve;

/// Resolves `host` (`"name:port"`, or anything [`ToSocketAddrs`]) to its socket addresses.
/// In the simulation only IP literals and `localhost` resolve (to `127.0.0.1`, then
/// `::1`), at once: a run never waits for, nor depends on, the real resolver.
///
/// # Errors
///
/// An unknown host name (`NotFound`), or a string that is not `host:port` (`InvalidInput`).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Runtime::new().unwrap();
/// let addrs: Vec<_> = rt.block_on(tokio::net::lookup_host("localhost:80")).unwrap().collect();
/// assert_eq!(addrs[0], "127.0.0.1:80".parse().unwrap());
/// ```
pub async fn lookup_host<T: ToSocketAddrs>(
    host: T,
) -> io::Result<impl Iterator<Item = SocketAddr>> {
    Ok(host.resolve()?.into_iter())
}

/// The addresses of `addr`, failing when there are none (tokio's message).
pub(crate) fn resolve_some(addr: &impl ToSocketAddrs) -> io::Result<Vec<SocketAddr>> {
    let addrs = addr.resolve()?;
    if addrs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any address",
        ));
    }
    Ok(addrs)
}

fn host_port(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(vec![
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port),
        ]);
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        format!(
            "failed to lookup address information: the simulated network knows only IP literals and localhost, not {host:?}"
        ),
    ))
}

fn parse(s: &str) -> io::Result<Vec<SocketAddr>> {
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Ok(vec![addr]);
    }
    let invalid = || io::Error::new(io::ErrorKind::InvalidInput, "invalid socket address");
    let (host, port) = s.rsplit_once(':').ok_or_else(invalid)?;
    let port = port.parse::<u16>().map_err(|_| invalid())?;
    host_port(host, port)
}

macro_rules! resolve_as_socket_addr {
    ($($ty:ty),*) => {$(
        impl ToSocketAddrs for $ty {}
        impl Resolve for $ty {
            fn resolve(&self) -> io::Result<Vec<SocketAddr>> {
                Ok(vec![SocketAddr::from(*self)])
            }
        }
    )*};
}

resolve_as_socket_addr!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16),
    ([u8; 4], u16),
    ([u16; 8], u16)
);

impl ToSocketAddrs for [SocketAddr] {}
impl Resolve for [SocketAddr] {
    fn resolve(&self) -> io::Result<Vec<SocketAddr>> {
        Ok(self.to_vec())
    }
}

impl ToSocketAddrs for str {}
impl Resolve for str {
    fn resolve(&self) -> io::Result<Vec<SocketAddr>> {
        parse(self)
    }
}

impl ToSocketAddrs for String {}
impl Resolve for String {
    fn resolve(&self) -> io::Result<Vec<SocketAddr>> {
        parse(self)
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl Resolve for (&str, u16) {
    fn resolve(&self) -> io::Result<Vec<SocketAddr>> {
        host_port(self.0, self.1)
    }
}

impl ToSocketAddrs for (String, u16) {}
impl Resolve for (String, u16) {
    fn resolve(&self) -> io::Result<Vec<SocketAddr>> {
        host_port(&self.0, self.1)
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrs + ?Sized> Resolve for &T {
    fn resolve(&self) -> io::Result<Vec<SocketAddr>> {
        (**self).resolve()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_resolve_ip_literals_and_localhost() {
        assert_eq!(
            "[::1]:9".resolve().unwrap(),
            vec!["[::1]:9".parse().unwrap()]
        );
        assert_eq!(
            ("localhost", 7).resolve().unwrap(),
            vec![
                "127.0.0.1:7".parse::<SocketAddr>().unwrap(),
                "[::1]:7".parse().unwrap()
            ]
        );
        let err = "example.com:80".resolve().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        let err = "no port".resolve().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}

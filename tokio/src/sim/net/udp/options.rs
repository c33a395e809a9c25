//! `UdpSocket`'s options (kept and read back) and multicast (not simulated).

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::{UdpSocket, doc_udp};
use crate::sim::net::network::{lock, unsupported};

/// A getter and a setter of an option kept and read back.
macro_rules! option {
    ($what:literal, $get:ident, $set:ident, $field:ident: $ty:ty, $value:literal) => {
        #[doc = concat!("The ", $what, " (kept and read back).\n\n# Errors\n\nNone in the simulation.\n\n")]
        #[doc = doc_udp!(concat!("a.", stringify!($set), "(", $value, ")?;\nassert_eq!(a.", stringify!($get), "()?, ", $value, ");"))]
        pub fn $get(&self) -> io::Result<$ty> {
            Ok(lock(&self.mailbox.state).options.$field)
        }

        #[doc = concat!("Sets the ", $what, ".\n\n# Errors\n\nNone in the simulation.\n\n")]
        #[doc = doc_udp!(concat!("a.", stringify!($set), "(", $value, ")?;\nassert_eq!(a.", stringify!($get), "()?, ", $value, ");"))]
        pub fn $set(&self, value: $ty) -> io::Result<()> {
            lock(&self.mailbox.state).options.$field = value;
            Ok(())
        }
    };
}

impl UdpSocket {
    option!("`SO_BROADCAST` option", broadcast, set_broadcast, broadcast: bool, "true");
    option!("IPv4 multicast loop option", multicast_loop_v4, set_multicast_loop_v4, multicast_loop_v4: bool, "false");
    option!("IPv4 multicast time-to-live", multicast_ttl_v4, set_multicast_ttl_v4, multicast_ttl_v4: u32, "40");
    option!("IPv6 multicast loop option", multicast_loop_v6, set_multicast_loop_v6, multicast_loop_v6: bool, "false");
    option!("IPv6 traffic class", tclass_v6, set_tclass_v6, tclass_v6: u32, "96");
    option!("IP time-to-live", ttl, set_ttl, ttl: u32, "40");
    option!("IPv4 type of service", tos_v4, set_tos_v4, tos_v4: u32, "96");

    /// Multicast is not simulated.
    ///
    /// # Errors
    ///
    /// `Unsupported`.
    ///
    #[doc = doc_udp!("let group = std::net::Ipv4Addr::new(224, 0, 0, 1);\nassert!(a.join_multicast_v4(group, std::net::Ipv4Addr::UNSPECIFIED).is_err());")]
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        let _ = (multiaddr, interface);
        Err(unsupported("multicast"))
    }

    /// Multicast is not simulated.
    ///
    /// # Errors
    ///
    /// `Unsupported`.
    ///
    #[doc = doc_udp!("let group = \"ff02::1\".parse().unwrap();\nassert!(a.join_multicast_v6(&group, 0).is_err());")]
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        let _ = (multiaddr, interface);
        Err(unsupported("multicast"))
    }

    /// Multicast is not simulated.
    ///
    /// # Errors
    ///
    /// `Unsupported`.
    ///
    #[doc = doc_udp!("let group = std::net::Ipv4Addr::new(224, 0, 0, 1);\nassert!(a.leave_multicast_v4(group, std::net::Ipv4Addr::UNSPECIFIED).is_err());")]
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        let _ = (multiaddr, interface);
        Err(unsupported("multicast"))
    }

    /// Multicast is not simulated.
    ///
    /// # Errors
    ///
    /// `Unsupported`.
    ///
    #[doc = doc_udp!("let group = \"ff02::1\".parse().unwrap();\nassert!(a.leave_multicast_v6(&group, 0).is_err());")]
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        let _ = (multiaddr, interface);
        Err(unsupported("multicast"))
    }
}

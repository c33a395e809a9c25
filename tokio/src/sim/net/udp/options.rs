//! `UdpSocket`'s options (kept and read back; a real socket's are the OS's) and
//! multicast (not simulated; a real socket's is the OS's).

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::mailbox::Options;
use super::{Inner, UdpSocket, doc_udp, doc_udp_pair};
use crate::sim::net::network::{lock, unsupported};
use crate::sim::net::option::{device_options, real_option, same};

impl UdpSocket {
    /// `f` of the simulated socket's kept options (a real socket's are the OS's: its
    /// option methods ask it instead).
    fn options<R>(&self, f: impl FnOnce(&mut Options) -> R) -> R {
        match &self.inner {
            Inner::Sim(sim) => f(&mut lock(&sim.mailbox.state).options),
            Inner::Real(_) => unreachable!("a real socket's options are the OS's"),
        }
    }

    real_option!(doc_udp_pair, "The `SO_BROADCAST` option.", broadcast, "Sets the `SO_BROADCAST` option.", set_broadcast, broadcast: bool, same, "true" => "true");
    real_option!(doc_udp_pair, "The IPv4 multicast loop option.", multicast_loop_v4, "Sets the IPv4 multicast loop option.", set_multicast_loop_v4, multicast_loop_v4: bool, same, "false" => "false");
    real_option!(doc_udp_pair, "The IPv4 multicast time-to-live.", multicast_ttl_v4, "Sets the IPv4 multicast time-to-live.", set_multicast_ttl_v4, multicast_ttl_v4: u32, same, "40" => "40");
    real_option!(doc_udp_pair, "The IPv6 multicast loop option.", multicast_loop_v6, "Sets the IPv6 multicast loop option.", set_multicast_loop_v6, multicast_loop_v6: bool, same, "false" => "false");
    real_option!(doc_udp_pair, "The IPv6 traffic class.", tclass_v6, "Sets the IPv6 traffic class.", set_tclass_v6, tclass_v6: u32, same, "96" => "96");
    real_option!(doc_udp_pair, "The IP time-to-live.", ttl, "Sets the IP time-to-live.", set_ttl, ttl: u32, same, "40" => "40");
    real_option!(doc_udp_pair, "The IPv4 type of service.", tos_v4, "Sets the IPv4 type of service.", set_tos_v4, tos_v4: u32, same, "96" => "96");
    device_options!(doc_udp_pair);

    /// Multicast is not simulated: a real socket's (`from_std`) only.
    ///
    /// # Errors
    ///
    /// `Unsupported` for a simulated socket; a real one's.
    ///
    #[doc = doc_udp!("let group = std::net::Ipv4Addr::new(224, 0, 0, 1);\nassert!(a.join_multicast_v4(group, std::net::Ipv4Addr::UNSPECIFIED).is_err());")]
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        match &self.inner {
            Inner::Sim(_) => Err(unsupported("multicast")),
            Inner::Real(real) => real.join_multicast_v4(multiaddr, interface),
        }
    }

    /// Multicast is not simulated: a real socket's (`from_std`) only.
    ///
    /// # Errors
    ///
    /// `Unsupported` for a simulated socket; a real one's.
    ///
    #[doc = doc_udp!("let group = \"ff02::1\".parse().unwrap();\nassert!(a.join_multicast_v6(&group, 0).is_err());")]
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        match &self.inner {
            Inner::Sim(_) => Err(unsupported("multicast")),
            Inner::Real(real) => real.join_multicast_v6(multiaddr, interface),
        }
    }

    /// Multicast is not simulated: a real socket's (`from_std`) only.
    ///
    /// # Errors
    ///
    /// `Unsupported` for a simulated socket; a real one's.
    ///
    #[doc = doc_udp!("let group = std::net::Ipv4Addr::new(224, 0, 0, 1);\nassert!(a.leave_multicast_v4(group, std::net::Ipv4Addr::UNSPECIFIED).is_err());")]
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        match &self.inner {
            Inner::Sim(_) => Err(unsupported("multicast")),
            Inner::Real(real) => real.leave_multicast_v4(multiaddr, interface),
        }
    }

    /// Multicast is not simulated: a real socket's (`from_std`) only.
    ///
    /// # Errors
    ///
    /// `Unsupported` for a simulated socket; a real one's.
    ///
    #[doc = doc_udp!("let group = \"ff02::1\".parse().unwrap();\nassert!(a.leave_multicast_v6(&group, 0).is_err());")]
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        match &self.inner {
            Inner::Sim(_) => Err(unsupported("multicast")),
            Inner::Real(real) => real.leave_multicast_v6(multiaddr, interface),
        }
    }
}

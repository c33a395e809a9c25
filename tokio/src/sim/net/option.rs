//! Socket options the simulation keeps and reads back (it has no Nagle, no TTL, no
//! buffers to size): one macro makes every such getter and setter, of `TcpSocket`,
//! `TcpStream` and `UdpSocket` alike; a real socket's options are the OS's.

/// An option as set is an option as read back.
pub(crate) fn same<T>(value: T) -> T {
    value
}

/// A buffer size as Linux reads it back: doubled (the kernel's bookkeeping share).
pub(crate) fn doubled(size: u32) -> u32 {
    size.saturating_mul(2)
}

/// A getter `$get` and a setter `$set` of the option `$field` (of type `$ty`). A real
/// socket's (the type's `real()` gives it: `from_std`) is the OS's, through tokio's
/// method of the same name; a simulated socket's is kept in the options the type's
/// `options(f)` lends `f`, the setter storing `$store(value)` (`same`, or `doubled` for
/// a buffer size, which Linux reads back doubled). `$get_doc` and `$set_doc` begin their
/// docs; each example, `$doc!(body)` with the socket `a`, sets `$value` and reads back
/// `$expected`.
macro_rules! real_option {
    ($doc:ident, $get_doc:literal, $get:ident, $set_doc:literal, $set:ident, $field:ident: $ty:ty, $store:path, $value:literal => $expected:literal) => {
        #[doc = concat!($get_doc, "\n\n# Errors\n\nA real socket's (`from_std`); none in the simulation.\n\n# Examples\n\n")]
        #[doc = $doc!(concat!("a.", stringify!($set), "(", $value, ")?;\nassert_eq!(a.", stringify!($get), "()?, ", $expected, ");"))]
        pub fn $get(&self) -> ::std::io::Result<$ty> {
            if let Some(real) = self.real() {
                return real.$get();
            }
            Ok(self.options(|o| o.$field))
        }

        #[doc = concat!($set_doc, "\n\n# Errors\n\nA real socket's (`from_std`); none in the simulation.\n\n# Examples\n\n")]
        #[doc = $doc!(concat!("a.", stringify!($set), "(", $value, ")?;\nassert_eq!(a.", stringify!($get), "()?, ", $expected, ");"))]
        pub fn $set(&self, value: $ty) -> ::std::io::Result<()> {
            if let Some(real) = self.real() {
                return real.$set(value);
            }
            self.options(|o| o.$field = $store(value));
            Ok(())
        }
    };
}
pub(crate) use real_option;

/// tokio's `device` and `bind_device` (`SO_BINDTODEVICE`, on Linux, Android and Fuchsia)
/// and its deprecated `tos`/`set_tos`, for a type with `real()`, `options(f)` (whose
/// options have `device: Option<Vec<u8>>`) and `tos_v4`; examples from `$doc!(body)`
/// with the socket `a`. The simulated host has no interfaces: a simulated socket keeps
/// the name and reads it back (an empty name unbinds, as Linux's), and no route changes.
macro_rules! device_options {
    ($doc:ident) => {
        /// The device the socket is bound to (`SO_BINDTODEVICE`), if any.
        ///
        /// # Errors
        ///
        /// A real socket's (`from_std`); none in the simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("assert_eq!(a.device()?, None);")]
        #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
        pub fn device(&self) -> ::std::io::Result<Option<Vec<u8>>> {
            if let Some(real) = self.real() {
                return real.device();
            }
            Ok(self.options(|o| o.device.clone()))
        }

        /// Binds the socket to a device by name (`SO_BINDTODEVICE`; `None` or an empty
        /// name unbinds). The simulated host has no interfaces: a simulated socket keeps
        /// the name, and its datagrams and connections go where they went.
        ///
        /// # Errors
        ///
        /// A real socket's (`from_std`: no such device, no permission); none in the
        /// simulation.
        ///
        /// # Examples
        ///
        #[doc = $doc!("a.bind_device(Some(b\"lo\"))?;\nassert_eq!(a.device()?, Some(b\"lo\".to_vec()));\na.bind_device(None)?;\nassert_eq!(a.device()?, None);")]
        #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
        pub fn bind_device(&self, interface: Option<&[u8]>) -> ::std::io::Result<()> {
            if let Some(real) = self.real() {
                return real.bind_device(interface);
            }
            let name = interface.filter(|name| !name.is_empty()).map(<[u8]>::to_vec);
            self.options(|o| o.device = name);
            Ok(())
        }

        /// tokio's deprecated name of `tos_v4`.
        ///
        /// # Errors
        ///
        /// As `tos_v4`.
        #[deprecated(
            note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
        )]
        #[doc(hidden)]
        pub fn tos(&self) -> ::std::io::Result<u32> {
            self.tos_v4()
        }

        /// tokio's deprecated name of `set_tos_v4`.
        ///
        /// # Errors
        ///
        /// As `set_tos_v4`.
        #[deprecated(
            note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
        )]
        #[doc(hidden)]
        pub fn set_tos(&self, tos: u32) -> ::std::io::Result<()> {
            self.set_tos_v4(tos)
        }
    };
}
pub(crate) use device_options;

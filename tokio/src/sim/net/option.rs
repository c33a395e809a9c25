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

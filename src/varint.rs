//! LEB128 varints: the encoding of decision logs, replay tokens and the compact trace's
//! rare records.
//!
//! One implementation for the three. The trace writes the varints of its rare records into
//! the room after its records (`trace/packed.rs`, `Packed::put`), and its hot records are
//! fixed-width little-endian numbers, which take no loop per byte to write.

/// Appends `v`: seven bits a byte, low first, the top bit set on every byte but the last.
#[inline]
pub(crate) fn put(out: &mut Vec<u8>, v: u64) {
    if v < 0x80 {
        out.push(v as u8);
    } else {
        put_long(out, v);
    }
}

fn put_long(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads the varint at byte `at` of bytes this crate wrote with [`put`], moving `at` past
/// it.
///
/// # Panics
///
/// When the bytes end inside the varint (they never do: see [`read_checked`] for bytes
/// from outside).
#[inline]
pub(crate) fn read(bytes: &[u8], at: &mut usize) -> u64 {
    let mut v = 0;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
}

/// Why [`read_checked`] found no varint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// The bytes end in the middle of it.
    Truncated,
    /// It has more than the ten bytes a `u64` takes.
    TooLong,
}

/// [`read`] for bytes from outside (a replay token's payload): a truncated or overlong
/// varint is an error, not a panic. (Redundant continuation bytes are accepted.)
pub(crate) fn read_checked(bytes: &[u8], at: &mut usize) -> Result<u64, Malformed> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let Some(&b) = bytes.get(*at) else {
            return Err(Malformed::Truncated);
        };
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(Malformed::TooLong)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Every value comes back from both readers, after any other.
        #[test]
        fn what_is_put_is_read(values in proptest::collection::vec(any::<u64>(), 0..50)) {
            let mut bytes = Vec::new();
            for &v in &values {
                put(&mut bytes, v);
            }
            let (mut a, mut b) = (0, 0);
            for &v in &values {
                prop_assert_eq!(read(&bytes, &mut a), v);
                prop_assert_eq!(read_checked(&bytes, &mut b), Ok(v));
            }
            prop_assert_eq!((a, b), (bytes.len(), bytes.len()));
        }
    }

    #[test]
    fn malformed_varints_are_errors() {
        assert_eq!(
            read_checked(&[0x80, 0x80], &mut 0),
            Err(Malformed::Truncated)
        );
        assert_eq!(read_checked(&[], &mut 0), Err(Malformed::Truncated));
        assert_eq!(read_checked(&[0xff; 11], &mut 0), Err(Malformed::TooLong));
        // The largest value takes ten bytes; a redundant zero continuation is accepted.
        let mut max = Vec::new();
        put(&mut max, u64::MAX);
        assert_eq!(max.len(), 10);
        assert_eq!(read_checked(&max, &mut 0), Ok(u64::MAX));
        assert_eq!(read_checked(&[0x81, 0x80, 0x00], &mut 0), Ok(1));
    }
}

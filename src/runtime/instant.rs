//! A point on the virtual clock.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};
use std::time::Duration;

/// A point in virtual time: whole nanoseconds since the run started.
///
/// It displays as milliseconds the way the asyncio conformance traces print them: `1250`
/// for a whole number, `0.5` or `1.125` otherwise (at most three decimals).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::Instant;
///
/// let t = Instant::ZERO + Duration::from_millis(1250);
/// assert_eq!(t.to_string(), "1250");
/// assert_eq!((t + Duration::from_micros(500)).to_string(), "1250.5");
/// assert_eq!(t - Instant::ZERO, Duration::from_millis(1250));
/// // An instant in the past (asyncio's `loop.time() - 1`), never before the start.
/// assert_eq!((t - Duration::from_secs(1)).to_string(), "250");
/// assert_eq!(t - Duration::from_secs(2), Instant::ZERO);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

impl Instant {
    /// The start of every run.
    ///
    /// ```
    /// let out = simloop::Sim::new().run(async { simloop::now() });
    /// assert_eq!(out.result.unwrap(), simloop::Instant::ZERO);
    /// ```
    pub const ZERO: Instant = Instant(0);

    /// The instant `nanos` nanoseconds after the start.
    ///
    /// ```
    /// assert_eq!(simloop::Instant::from_nanos(5).as_nanos(), 5);
    /// ```
    pub const fn from_nanos(nanos: u64) -> Instant {
        Instant(nanos)
    }

    /// Nanoseconds since the start.
    ///
    /// ```
    /// assert_eq!(simloop::Instant::ZERO.as_nanos(), 0);
    /// ```
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// The time since the start.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(simloop::Instant::from_nanos(2_000).elapsed_since_start(), Duration::from_micros(2));
    /// ```
    pub const fn elapsed_since_start(self) -> Duration {
        Duration::from_nanos(self.0)
    }

    /// The time from `earlier` to `self`, or zero when `earlier` is later.
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::Instant;
    /// let (a, b) = (Instant::from_nanos(10), Instant::from_nanos(25));
    /// assert_eq!(b.saturating_duration_since(a), Duration::from_nanos(15));
    /// assert_eq!(a.saturating_duration_since(b), Duration::ZERO);
    /// ```
    pub const fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }

    /// `self + d`, saturating at the end of representable time (about 584 years).
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::Instant;
    /// assert_eq!(Instant::ZERO.saturating_add(Duration::MAX).as_nanos(), u64::MAX);
    /// ```
    pub fn saturating_add(self, d: Duration) -> Instant {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_add(nanos))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    /// `self - d`, saturating at the start of the run.
    fn sub(self, d: Duration) -> Instant {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_sub(nanos))
    }
}

impl Sub for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole_ms = self.0 / 1_000_000;
        let rest_ns = self.0 % 1_000_000;
        if rest_ns == 0 {
            return write!(f, "{whole_ms}");
        }
        // Round to microseconds (three decimals of a millisecond), like `f"{ms:.3f}"`.
        let micros = (self.0 + 500) / 1_000;
        let (ms, frac) = (micros / 1_000, micros % 1_000);
        if frac == 0 {
            return write!(f, "{ms}");
        }
        let digits = format!("{frac:03}");
        write!(f, "{ms}.{}", digits.trim_end_matches('0'))
    }
}

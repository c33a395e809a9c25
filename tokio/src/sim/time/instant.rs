//! `Instant`: tokio's, read from the virtual clock.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

use crate::sim::context;

/// A point in time, as tokio's `Instant` (a `std::time::Instant` inside).
///
/// In a run, `now` is the instant the run's virtual zero stands for plus the virtual time
/// since; differences between instants are therefore exact and reproducible, while the
/// absolute value (what `Debug` prints) depends on when the runtime was created.
/// Outside a run it is the clock of the entered runtime if that clock is paused (where
/// its last run left it), else the real clock.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::Instant;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     tokio::time::sleep(Duration::from_millis(250)).await;
///     let end = Instant::now();
///     assert_eq!(end - start, Duration::from_millis(250));
///     assert_eq!(start + Duration::from_millis(250), end);
///     assert_eq!(start.checked_duration_since(end), None);
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    std: std::time::Instant,
}

impl Instant {
    /// The current instant: virtual in a run; outside, the clock of the entered runtime
    /// if it is paused, else the real clock.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let waited = rt.block_on(async {
    ///     let start = tokio::time::Instant::now();
    ///     tokio::time::sleep(Duration::from_secs(2)).await;
    ///     tokio::time::Instant::now().duration_since(start)
    /// });
    /// assert_eq!(waited, Duration::from_secs(2));
    /// ```
    pub fn now() -> Instant {
        let virtual_now = context::with_run(|r| {
            simloop::time::try_now().map(|t| r.origin + t.elapsed_since_start())
        })
        .flatten();
        Instant {
            std: virtual_now.unwrap_or_else(|| {
                // Outside a run, an entered runtime's paused clock stands where its last
                // run left it (tokio reads the current runtime's clock too).
                context::current_handle()
                    .filter(|h| h.is_paused())
                    .map_or_else(std::time::Instant::now, |h| h.clock_now())
            }),
        }
    }

    /// An instant far in the future (about 30 years), used where tokio means "never".
    pub(crate) fn far_future() -> Instant {
        Instant::now() + Duration::from_secs(86400 * 365 * 30)
    }

    /// The `Instant` of a `std::time::Instant`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let std_now = std::time::Instant::now();
    /// assert_eq!(tokio::time::Instant::from_std(std_now).into_std(), std_now);
    /// ```
    pub fn from_std(std: std::time::Instant) -> Instant {
        Instant { std }
    }

    /// The `std::time::Instant` inside.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let std_now = std::time::Instant::now();
    /// let back: std::time::Instant = tokio::time::Instant::from_std(std_now).into_std();
    /// assert_eq!(back, std_now);
    /// ```
    pub fn into_std(self) -> std::time::Instant {
        self.std
    }

    /// The time since `earlier`, zero when `earlier` is later.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let start = tokio::time::Instant::now();
    ///     tokio::time::sleep(Duration::from_millis(7)).await;
    ///     assert_eq!(tokio::time::Instant::now().duration_since(start), Duration::from_millis(7));
    /// });
    /// ```
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// The time since `earlier`, or `None` when `earlier` is later.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let start = tokio::time::Instant::now();
    ///     let later = start + Duration::from_secs(1);
    ///     assert_eq!(later.checked_duration_since(start), Some(Duration::from_secs(1)));
    ///     assert_eq!(start.checked_duration_since(later), None);
    /// });
    /// ```
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.std.checked_duration_since(earlier.std)
    }

    /// The time since `earlier`, zero when `earlier` is later.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let start = tokio::time::Instant::now();
    ///     let later = start + Duration::from_secs(1);
    ///     assert_eq!(start.saturating_duration_since(later), Duration::ZERO);
    /// });
    /// ```
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// The time elapsed since this instant (on the virtual clock in a run).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let start = tokio::time::Instant::now();
    ///     tokio::time::sleep(Duration::from_secs(90)).await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(90));
    /// });
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    /// `self + duration`, or `None` on overflow.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let now = tokio::time::Instant::now();
    ///     assert_eq!(now.checked_add(Duration::from_secs(1)), Some(now + Duration::from_secs(1)));
    /// });
    /// ```
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_add(duration).map(Instant::from_std)
    }

    /// `self - duration`, or `None` on overflow.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let now = tokio::time::Instant::now();
    ///     let earlier = now.checked_sub(Duration::from_millis(1)).unwrap();
    ///     assert_eq!(now - earlier, Duration::from_millis(1));
    /// });
    /// ```
    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_sub(duration).map(Instant::from_std)
    }

    /// This instant on the run's virtual clock, rounded up to a whole millisecond since the
    /// run's zero (tokio's timer resolution); `None` outside a run.
    pub(crate) fn to_virtual(self) -> Option<simloop::Instant> {
        let origin = context::with_run(|r| r.origin)?;
        Some(virtual_deadline(self.std.saturating_duration_since(origin)))
    }
}

/// The virtual instant `since` the run's zero, rounded up to a whole millisecond (tokio's
/// timer resolution).
#[inline]
pub(crate) fn virtual_deadline(since: Duration) -> simloop::Instant {
    virtual_deadline_nanos(u64::try_from(since.as_nanos()).unwrap_or(u64::MAX))
}

/// [`virtual_deadline`] of `nanos` nanoseconds after the origin.
#[inline]
pub(crate) fn virtual_deadline_nanos(nanos: u64) -> simloop::Instant {
    // Whole milliseconds, rounded up, in u64 arithmetic (a u128 division costs more than
    // the rest of a timer's arming).
    let ms = nanos.div_ceil(1_000_000);
    simloop::Instant::from_nanos(ms.saturating_mul(1_000_000))
}

impl From<std::time::Instant> for Instant {
    fn from(std: std::time::Instant) -> Instant {
        Instant { std }
    }
}

impl From<Instant> for std::time::Instant {
    fn from(i: Instant) -> std::time::Instant {
        i.std
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    fn add(self, d: Duration) -> Instant {
        Instant { std: self.std + d }
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        self.std += d;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    fn sub(self, d: Duration) -> Instant {
        Instant { std: self.std - d }
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, d: Duration) {
        self.std -= d;
    }
}

impl Sub for Instant {
    type Output = Duration;

    fn sub(self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.std.fmt(f)
    }
}

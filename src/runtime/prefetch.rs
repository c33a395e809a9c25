//! A hint that a value will be read soon: the CPU starts bringing its cache line in and goes
//! on (a prefetch instruction retires at once, where a load that misses holds up every
//! instruction behind it until its line arrives).
//!
//! `core::arch`'s `_mm_prefetch` needs `unsafe`, which this crate forbids; `safe_arch`
//! wraps it in a safe call that takes a reference. Elsewhere (no SSE) the hint is nothing.
//! A prefetch changes no value the program reads: a wrong guess only costs the line's
//! transfer.

/// Asks for the cache line holding the start of `value` to be brought into every cache level.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse"
    ))]
    safe_arch::prefetch_t0(value);
    #[cfg(not(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse"
    )))]
    let _ = value;
}

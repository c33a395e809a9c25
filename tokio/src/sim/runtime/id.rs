//! A runtime's id.

use std::sync::atomic::{AtomicU64, Ordering};

/// A runtime's id, unique in the process.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Runtime::new().unwrap();
/// let id: tokio::runtime::Id = rt.handle().id();
/// assert_eq!(id, rt.handle().clone().id());
/// assert!(!id.to_string().is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Id(std::num::NonZeroU64);

impl Id {
    pub(crate) fn next() -> Id {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Id(std::num::NonZeroU64::new(NEXT.fetch_add(1, Ordering::Relaxed)).expect("non-zero"))
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

//! PCT's run length `k`, learned from the sweep's pilot runs.
//!
//! PCT spreads its change points over the first `k` decisions of a run, so it must know
//! how long runs are: too short, and bugs whose ordering constraints fall later are never
//! found; too long, and change points fall past the end. Like shuttle and Coyote, the
//! explorer learns `k` from the runs it makes: it is the most decisions any *pilot* run
//! took, the pilots being the runs at offsets 0, 1, 2, 4, 8, ... of the sweep. A run uses
//! the pilots at offsets up to half its own less one (runs 0 and 1 none: they run with no
//! change points, priorities alone).
//!
//! Learning from fixed pilots rather than from every earlier run keeps each run a function
//! of its seed and the sweep's first seed: the report does not depend on the number of
//! jobs, and a shard (which may not hold every pilot) runs the missing pilots itself, so
//! shards merge into the whole sweep exactly. In a one-job, unsharded sweep the pilots are
//! ordinary runs and nothing runs twice. Using only pilots from the first half of the sweep
//! so far lets jobs run side by side: the newest pilot a run needs was made about half the
//! sweep earlier, never by another thread at the same time (a run that needed the pilot
//! just before it would wait for it, or make it again, at every power of two).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Pilot `m` runs at offset 0 for `m = 0`, else `2^(m-1)`: 65 pilots cover every offset.
const PILOTS: usize = 65;

/// The most decisions of the pilots run so far, in pilot order. Runs read it without a
/// lock (every run of a sweep asks for its horizon); pilots are added under one.
pub(crate) struct Horizon {
    /// Held while a pilot is run or added.
    adding: Mutex<()>,
    /// How many pilots are known (published after their entry of `most`).
    known: AtomicUsize,
    /// `most[m]`: the most decisions of pilots `0..=m`.
    most: [AtomicU64; PILOTS],
}

impl Default for Horizon {
    fn default() -> Horizon {
        Horizon {
            adding: Mutex::new(()),
            known: AtomicUsize::new(0),
            most: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

/// The offset of pilot `m`: 0, 1, 2, 4, 8, ...
fn pilot(m: usize) -> u64 {
    match m {
        0 => 0,
        m => 1 << (m - 1).min(63),
    }
}

/// How many pilots the run at `offset` uses: those at offsets up to `offset / 2 - 1`.
fn pilots_used(offset: u64) -> usize {
    pilots_before(offset / 2)
}

/// How many pilots run before `offset`: those at offsets below it.
fn pilots_before(offset: u64) -> usize {
    match offset {
        0 => 0,
        1 => 1,
        o => (64 - (o - 1).leading_zeros()) as usize + 1,
    }
}

impl Horizon {
    /// The horizon of the run at `offset`: the most decisions of the pilots it uses (0 for
    /// the first two runs). Pilots not known yet are run first with `run(offset, horizon)`,
    /// which returns the decisions the run took.
    pub(crate) fn at(&self, offset: u64, run: &dyn Fn(u64, u64) -> u64) -> u64 {
        let needed = pilots_used(offset);
        if self.known.load(Ordering::Acquire) < needed {
            let _adding = self.adding.lock().expect("a pilot run panicked");
            loop {
                let m = self.known.load(Ordering::Acquire);
                if m >= needed {
                    break;
                }
                // The pilot runs as it does as an ordinary run: with the pilots it uses.
                let decisions = run(pilot(m), self.most_of(pilots_used(pilot(m))));
                self.add(m, decisions);
            }
        }
        self.most_of(needed)
    }

    /// Notes that the run at `offset` took `decisions`: if it is the next pilot, no one
    /// needs to run it again. A thread that is running missing pilots holds the lock; then
    /// this one does not wait for it (a pilot's count is the same whoever runs it).
    pub(crate) fn ran(&self, offset: u64, decisions: u64) {
        let m = pilots_before(offset);
        if pilot(m) != offset || self.known.load(Ordering::Acquire) != m {
            return;
        }
        let Ok(_adding) = self.adding.try_lock() else {
            return;
        };
        if self.known.load(Ordering::Acquire) == m {
            self.add(m, decisions);
        }
    }

    /// The horizon the pilots learned.
    pub(crate) fn learned(&self) -> u64 {
        self.most_of(self.known.load(Ordering::Acquire))
    }

    /// The most decisions of the first `n` pilots (`n` known).
    fn most_of(&self, n: usize) -> u64 {
        match n {
            0 => 0,
            n => self.most[n - 1].load(Ordering::Acquire),
        }
    }

    /// Publishes pilot `m` (the next one; the caller holds `adding`).
    fn add(&self, m: usize, decisions: u64) {
        let most = self.most_of(m).max(decisions);
        self.most[m].store(most, Ordering::Release);
        self.known.store(m + 1, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[test]
    fn pilots_before_an_offset_are_those_below_it() {
        for offset in 0..300u64 {
            let below = (0..PILOTS).filter(|&m| pilot(m) < offset).count();
            assert_eq!(pilots_before(offset), below, "{offset}");
        }
    }

    #[test]
    fn a_run_uses_the_pilots_up_to_half_its_offset_less_one() {
        for offset in 0..300u64 {
            let used = (0..PILOTS)
                .filter(|&m| 2 * u128::from(pilot(m)) + 2 <= u128::from(offset))
                .count();
            assert_eq!(pilots_used(offset), used, "{offset}");
        }
    }

    #[test]
    fn pilots_are_at_powers_of_two_and_run_once() {
        let h = Horizon::default();
        let ran = RefCell::new(Vec::new());
        let run = |offset: u64, horizon: u64| {
            ran.borrow_mut().push((offset, horizon));
            10 + offset
        };
        assert_eq!(h.at(0, &run), 0);
        h.ran(0, 10);
        assert_eq!(h.at(1, &run), 0);
        assert_eq!(h.at(2, &run), 10);
        // Offsets 1 and 2 are pilots the caller did not report: they run here, each with
        // the horizon it has as an ordinary run.
        assert_eq!(h.at(4, &run), 11);
        assert_eq!(*ran.borrow(), [(1, 0)]);
        assert_eq!(h.at(9, &run), 12);
        assert_eq!(h.at(9, &run), 12);
        assert_eq!(*ran.borrow(), [(1, 0), (2, 10)]);
        assert_eq!(h.at(20, &run), 18);
        assert_eq!(*ran.borrow(), [(1, 0), (2, 10), (4, 11), (8, 12)]);
        assert_eq!(h.learned(), 18);
    }
}

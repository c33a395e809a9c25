//! PCT's run length `k`, learned from the sweep's pilot runs.
//!
//! PCT spreads its change points over the first `k` decisions of a run, so it must know
//! how long runs are: too short, and bugs whose ordering constraints fall later are never
//! found; too long, and change points fall past the end. Like shuttle and Coyote, the
//! explorer learns `k` from the runs it makes: it is the most decisions any *pilot* run
//! took, the pilots being the runs at offsets 0, 1, 2, 4, 8, ... of the sweep. The first
//! pilot runs with no change points (priorities alone), and each run, pilots included, uses
//! what the pilots before it learned.
//!
//! Learning from fixed pilots rather than from every earlier run keeps each run a function
//! of its seed and the sweep's first seed: the report does not depend on the number of
//! jobs, and a shard (which may not hold every pilot) runs the missing pilots itself, so
//! shards merge into the whole sweep exactly. In a one-job, unsharded sweep the pilots are
//! ordinary runs and nothing runs twice.

use std::sync::Mutex;

/// The most decisions of the pilots run so far, in pilot order.
#[derive(Default)]
pub(crate) struct Horizon {
    /// Decisions of pilot `m` (offset [`pilot`]`(m)`), for the pilots known so far.
    pilots: Mutex<Vec<u64>>,
}

/// The offset of pilot `m`: 0, 1, 2, 4, 8, ...
fn pilot(m: usize) -> u64 {
    match m {
        0 => 0,
        m => 1 << (m - 1).min(63),
    }
}

impl Horizon {
    /// The horizon of the run at `offset`: the most decisions of the pilots before it (0
    /// for the first). Pilots not known yet are run first with `run(offset, horizon)`,
    /// which returns the decisions the run took.
    pub(crate) fn at(&self, offset: u64, run: &dyn Fn(u64, u64) -> u64) -> u64 {
        let mut pilots = self.pilots.lock().expect("a pilot run panicked");
        while pilot(pilots.len()) < offset {
            let horizon = pilots.iter().copied().max().unwrap_or(0);
            let decisions = run(pilot(pilots.len()), horizon);
            pilots.push(decisions);
        }
        pilots.iter().copied().max().unwrap_or(0)
    }

    /// Notes that the run at `offset` took `decisions`: if it is the next pilot, no one
    /// needs to run it again.
    pub(crate) fn ran(&self, offset: u64, decisions: u64) {
        let mut pilots = self.pilots.lock().expect("a pilot run panicked");
        if pilot(pilots.len()) == offset {
            pilots.push(decisions);
        }
    }

    /// The horizon the pilots learned.
    pub(crate) fn learned(&self) -> u64 {
        let pilots = self.pilots.lock().expect("a pilot run panicked");
        pilots.iter().copied().max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

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
        assert_eq!(h.at(1, &run), 10);
        // Offsets 1 and 2 are pilots the caller did not report: they run here.
        assert_eq!(h.at(3, &run), 12);
        assert_eq!(*ran.borrow(), [(1, 10), (2, 11)]);
        assert_eq!(h.at(3, &run), 12);
        assert_eq!(ran.borrow().len(), 2);
        assert_eq!(h.at(9, &run), 18);
        assert_eq!(*ran.borrow(), [(1, 10), (2, 11), (4, 12), (8, 14)]);
        assert_eq!(h.learned(), 18);
    }
}

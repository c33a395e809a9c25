//! PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
//! ASPLOS 2010), adapted to async tasks.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Divergence, Strategy};
use crate::runtime::ReadyView;
use crate::task::TaskId;

/// How many task decisions the change points are spread over (PCT's `k`).
///
/// PCT needs an estimate of the run's length; a seed and a depth must fully determine the
/// run, so the estimate is this constant rather than something learned from earlier runs.
/// Change points past the end of a shorter run simply never happen (that run then behaves
/// like a lower depth).
pub(crate) const PCT_HORIZON: u64 = 24;

/// Runs the ready task with the highest priority; priorities are random, and at `depth - 1`
/// random decision points the task about to run is demoted below every other task.
///
/// The async adaptation: a task is a schedulable thread and each poll is one step. Wake-up
/// hops (`Entry::Hop` and `Entry::Wake`, a timer's callback or a combinator's extra hop) are
/// not task steps, so they run first, oldest first, and do not count towards the change
/// points. The end of the run (`Entry::Stop`) counts as a step of the main task.
///
/// The guarantee of the paper: a bug of depth `d` in a program with `n` tasks and `k` steps
/// is found with probability at least `1 / (n * k^(d-1))` per run.
pub(crate) struct Pct {
    rng: ChaCha8Rng,
    depth: u32,
    /// Priority per task index; higher runs first. Initial priorities are `>= depth`, change
    /// point `i` (from 1) sets the demoted task's priority to `depth - i`.
    priorities: Vec<u64>,
    /// Decision numbers (from 1) at which a change point happens, in order.
    change_points: Vec<u64>,
    /// Task decisions made so far (hop picks excluded).
    steps: u64,
}

impl Pct {
    pub(crate) fn new(seed: u64, depth: u32) -> Pct {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let depth = depth.max(1);
        let mut change_points = Vec::new();
        while change_points.len() + 1 < depth as usize && (change_points.len() as u64) < PCT_HORIZON
        {
            let at = rng.random_range(1..=PCT_HORIZON);
            if !change_points.contains(&at) {
                change_points.push(at);
            }
        }
        Pct {
            rng,
            depth,
            priorities: Vec::new(),
            change_points,
            steps: 0,
        }
    }

    /// The task an entry runs on behalf of: the polled task, or the main task for the end of
    /// the run.
    fn owner(ready: &ReadyView<'_>, i: usize) -> TaskId {
        ready.polls(i).unwrap_or(TaskId::from_index(0))
    }

    fn best(&self, ready: &ReadyView<'_>) -> usize {
        // Ties (practically impossible) go to the older entry, as in FIFO.
        (0..ready.len())
            .max_by_key(|&i| {
                let p = self.priorities[Self::owner(ready, i).index()];
                (p, std::cmp::Reverse(i))
            })
            .expect("two or more entries are ready")
    }
}

impl Strategy for Pct {
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        if let Some(hop) = (0..ready.len()).find(|&i| ready.is_hop(i)) {
            return Ok(hop);
        }
        self.steps += 1;
        let mut best = self.best(ready);
        if let Some(i) = self.change_points.iter().position(|&at| at == self.steps) {
            let task = Self::owner(ready, best);
            self.priorities[task.index()] = u64::from(self.depth) - 1 - i as u64;
            best = self.best(ready);
        }
        Ok(best)
    }

    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        let n = u32::try_from(arity).unwrap_or(u32::MAX);
        Ok(self.rng.random_range(0..n) as usize)
    }

    fn on_spawn(&mut self, task: TaskId) {
        debug_assert_eq!(task.index(), self.priorities.len());
        // A random rank among the tasks so far: a uniform 32-bit key above the change-point
        // priorities gives every order of the tasks the same probability.
        let key = u64::from(self.depth) + u64::from(self.rng.random_range(0..u32::MAX));
        self.priorities.push(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Entry, ReadyQueue};

    fn view(queue: &ReadyQueue) -> ReadyView<'_> {
        ReadyView { queue }
    }

    fn polls(ids: &[usize]) -> ReadyQueue {
        ids.iter()
            .map(|&i| Entry::Poll(TaskId::from_index(i)))
            .collect()
    }

    fn pct(depth: u32, tasks: usize) -> Pct {
        let mut p = Pct::new(7, depth);
        for i in 0..tasks {
            p.on_spawn(TaskId::from_index(i));
        }
        p
    }

    #[test]
    fn depth_one_always_runs_the_highest_priority_task() {
        let mut p = pct(1, 3);
        let q = polls(&[0, 1, 2]);
        let top = (0..3).max_by_key(|&i| p.priorities[i]).unwrap();
        for _ in 0..50 {
            assert_eq!(p.pick(&view(&q)).unwrap(), top);
        }
    }

    #[test]
    fn change_points_demote_the_running_task_below_all_others() {
        let mut p = pct(3, 3);
        assert_eq!(p.change_points.len(), 2);
        let q = polls(&[0, 1, 2]);
        let last = *p.change_points.iter().max().unwrap();
        for _ in 0..last {
            p.pick(&view(&q)).unwrap();
        }
        // Both change points happened, each demoting the task about to run: two tasks now
        // sit below every initial priority (which are >= depth), with priorities 2 and 1.
        let mut low: Vec<u64> = p.priorities.iter().copied().filter(|&x| x < 3).collect();
        low.sort_unstable();
        assert_eq!(low, [1, 2], "{:?}", p.priorities);
    }

    #[test]
    fn wake_up_hops_run_before_task_steps_and_are_not_counted() {
        let mut p = pct(2, 2);
        let mut q = polls(&[0, 1]);
        q.push_back(Entry::Hop(TaskId::from_index(1)));
        assert_eq!(p.pick(&view(&q)).unwrap(), 2);
        assert_eq!(p.steps, 0);
    }
}

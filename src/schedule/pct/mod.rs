//! PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
//! ASPLOS 2010), adapted to async tasks.

mod mirror;
mod tasks;

use rand::seq::index::sample;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use self::mirror::Mirror;
use super::{Divergence, Strategy};
use crate::runtime::{ReadyView, prefetch};
use crate::task::TaskId;

/// The run length (in decisions) a PCT run spreads its change points over when nothing
/// better is known: a run made on its own with [`crate::Sim`]. The explorer learns the
/// length from its runs instead ([`crate::explore::Explorer`]) and passes it in.
pub(crate) const DEFAULT_HORIZON: u64 = 100;

/// Runs the ready task with the highest priority; priorities are random, and at `depth - 1`
/// change points, drawn uniformly among the run's first `horizon` decisions, the task about
/// to run is demoted below every other task.
///
/// The async adaptation: a task is a schedulable thread and each poll is one step. The end
/// of the run (`Entry::Stop`) counts as a step of the main task.
///
/// **A timeout's expiry (`Entry::Timer`) is a step of the task that awaits the timeout**
/// (`wait_for`, `timeout`, `timeout_scope`: the task whose cancel timer it is), and takes
/// that task's priority; a change point demotes it like any step (with the task's other
/// entry, when its poll is ready too: a task's entries share its priority). The expiry is
/// not a mere hop: it runs asyncio's timeout callback, which cancels what the timeout
/// bounds, so whether another task's step runs before or after it is a race of the
/// program's (a payment that completes at the caller's deadline is charged, then
/// cancelled and refunded: `scenarios/bug_timeout_race.toml`). Until round 17 PCT ran it
/// first with the hops and never explored the other order. Why the awaiting task's
/// priority rather than one of its own: the expiry acts for that task (asyncio calls
/// `task.cancel()` on it), the number of threads the guarantee below counts stays the
/// number of tasks (a priority per expiry would count every timeout that fired, 10,000
/// in the semaphore benchmark), and a pick stays O(log n). What it leaves: a task's own
/// two entries (its poll and its expiry, both ready) run in the order they were queued,
/// as in asyncio; [`crate::Policy::Random`] explores the other.
///
/// **A callback that runs user code is a step of the task that registered it** (round
/// 18): a `call_soon`, `call_later` or `call_at` callback is a step of the task current
/// when it was scheduled, a user's done-callback (`Task::add_done_callback`,
/// `Promise::add_done_callback`) of the task current when it was added, and the main
/// task's when none was (a callback scheduling another). It takes that task's priority,
/// and a change point demotes it with the task's other entries. Such a callback sets
/// events, results and shared values: whether a task step due at the same instant runs
/// before or after it is a race of the program's (a flag a `call_later` flips at the
/// instant a job reads it: `scenarios/bug_callback_race.toml`), which PCT ran in one
/// order only until then. The engine knows the task when it parks the callback
/// (`Core::hop_steps`, beside the hop table; a `call_later`'s timer is filed under it),
/// and `ReadyView::step_of` reads it, so a pick stays O(log n) and the entry stays 12
/// bytes. Why the registering task and not a pseudo-thread per callback: the callback
/// runs on that task's behalf (asyncio's `call_soon` from a task is how the task defers
/// its own work), the guarantee's `n` stays the number of tasks (a priority per callback
/// would count every callback a run schedules), and, as for a timeout's expiry, what is
/// left is the order of one task's own entries (a callback and its registering task's
/// poll run in the order they were queued, as in asyncio; random explores the other).
///
/// Pure wake-up hops (`Entry::Hop`: a sleep's or a waker's wake of a task; an
/// `Entry::Wake` of a foreign waker or of a combinator's done-callback, such as gather's
/// or a task group's) run first, oldest first: a hop only queues a task's step, which PCT
/// then places by priority, so the order of hops among task steps changes nothing a task
/// sees. Change points are counted in decisions (every pick and every choice, as the
/// run's decision log numbers them); a change point that falls on a hop or a choice
/// demotes the task of the next task step.
///
/// A yield (`yield_now`) is a step like any other: the yielding task keeps its priority and
/// runs again if it is still the highest, so a bug whose steps are yields is found like one
/// whose steps are lock or queue operations (shuttle's PCT demotes yielding tasks, and so
/// cannot run one task for many yields in a row).
///
/// The guarantee of the paper: a bug of depth `d` in a program with `n` tasks is found with
/// probability at least `1 / (n * k^(d-1))` per run when its ordering constraints are
/// between steps of different tasks (polls, ends, timeouts' expiries and callbacks as
/// steps of their tasks) and fall within the first `k = horizon` decisions. The order of
/// one task's own entries (its poll, its expiry, the callbacks it registered) is not
/// covered.
///
/// Picking costs O(log n) in the number of ready entries: task entries by priority (a
/// sorted run and a heap of newer arrivals, `tasks.rs`; an expiry's entry names its task,
/// and a callback's task is one read of the hop table's steps, `ReadyView::step_of`) and
/// a queue of pure hops (`mirror.rs`),
/// brought up to date with what arrived since the last pick; the queue tells the chosen
/// entry's index from its push number. A task
/// that yields keeps its priority, so its new entry, the newest, is usually the next pick,
/// taken in O(1).
pub(crate) struct Pct {
    rng: ChaCha8Rng,
    depth: u32,
    /// Priority per task index; higher runs first. Initial priorities are `>= depth`; change
    /// point `i` (labelled from 0 in the order drawn) sets the demoted task's priority to
    /// `depth - 1 - i`, below every initial one.
    priorities: Vec<u64>,
    /// `(decision, label)` of the change points not reached yet, latest first.
    change_points: Vec<(u64, u64)>,
    /// Decisions made so far (picks and choices).
    decisions: u64,
    mirror: Mirror,
}

impl Pct {
    /// A PCT run of `depth` whose change points fall among the first `horizon` decisions
    /// (none when `horizon` is 0: priorities alone, as a first run that learns the length).
    pub(crate) fn new(seed: u64, depth: u32, horizon: u64) -> Pct {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let depth = depth.max(1);
        let points = (depth as usize - 1).min(horizon as usize);
        let mut change_points: Vec<(u64, u64)> = sample(&mut rng, horizon as usize, points)
            .into_iter()
            .enumerate()
            .map(|(label, at)| (at as u64 + 1, label as u64))
            .collect();
        change_points.sort_unstable_by(|a, b| b.cmp(a));
        Pct {
            rng,
            depth,
            priorities: Vec::new(),
            change_points,
            decisions: 0,
            mirror: Mirror::default(),
        }
    }
}

impl Strategy for Pct {
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        self.decisions += 1;
        let priorities = &self.priorities;
        self.mirror.sync(ready, |task| {
            priorities.get(task.index()).copied().unwrap_or(0)
        });
        if let Some(index) = self.mirror.take_hop(ready) {
            return Ok(index);
        }
        while let Some(&(at, label)) = self.change_points.last()
            && at <= self.decisions
        {
            self.change_points.pop();
            let task = self
                .mirror
                .best_task()
                .expect("two or more entries are ready");
            let demoted = u64::from(self.depth) - 1 - label;
            self.priorities[task.index()] = demoted;
            self.mirror.reprioritise_best(demoted);
        }
        let (index, task) = self
            .mirror
            .take_best(ready)
            .expect("two or more entries are ready");
        debug_assert_eq!(
            ready.step_of(index),
            Some(task),
            "PCT's copy of the ready queue went out of step with it"
        );
        Ok(index)
    }

    /// The best task entry left after the pick: what runs once the picked task stops
    /// queueing itself with the best priority (a change point or a new arrival may still
    /// come first).
    fn next_task(&self) -> Option<(TaskId, usize)> {
        let (task, at) = self.mirror.best_entry()?;
        // Its priority is read when its first step queues it again.
        if let Some(p) = self.priorities.get(task.index()) {
            prefetch(p);
        }
        Some((task, at))
    }

    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        self.decisions += 1;
        let n = u32::try_from(arity).unwrap_or(u32::MAX);
        Ok(self.rng.random_range(0..n) as usize)
    }

    fn on_spawn(&mut self, task: TaskId) {
        // A random rank among the tasks so far: a uniform 32-bit key above the change-point
        // priorities gives every order of the tasks the same probability.
        let key = u64::from(self.depth) + u64::from(self.rng.random_range(0..u32::MAX));
        let i = task.index();
        if i >= self.priorities.len() {
            self.priorities.resize(i + 1, 0);
        }
        self.priorities[i] = key;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::runtime::{Entry, ReadyQueue};
    use crate::schedule::Strategy;

    fn view(queue: &ReadyQueue) -> ReadyView<'_> {
        view_with(queue, &[])
    }

    /// A view whose hop table names, for hop `k`, the task number `hop_steps[k]` (0: a
    /// pure hop).
    fn view_with<'a>(queue: &'a ReadyQueue, hop_steps: &'a [u32]) -> ReadyView<'a> {
        ReadyView { queue, hop_steps }
    }

    fn poll(i: usize) -> Entry {
        Entry::Poll(TaskId::from_index(i))
    }

    /// The expiry of a timeout that task `i` (by spawn index) awaits.
    fn expiry(i: usize, index: u32) -> Entry {
        Entry::Timer {
            index,
            task: TaskId::from_index(i).get(),
        }
    }

    fn pct(depth: u32, horizon: u64, tasks: usize) -> Pct {
        let mut p = Pct::new(7, depth, horizon);
        for i in 0..tasks {
            p.on_spawn(TaskId::from_index(i));
        }
        p
    }

    /// The spawn indexes of two tasks, the higher priority first.
    fn high_low(p: &Pct) -> (usize, usize) {
        if p.priorities[0] > p.priorities[1] {
            (0, 1)
        } else {
            (1, 0)
        }
    }

    /// What the engine does with a strategy's answer: the picked entry leaves the queue.
    fn step(p: &mut Pct, q: &mut ReadyQueue) -> Entry {
        let i = p.pick(&view(q)).unwrap();
        q.remove(i).unwrap()
    }

    #[test]
    fn depth_one_always_runs_the_highest_priority_task() {
        let mut p = pct(1, 100, 3);
        let top = (0..3).max_by_key(|&i| p.priorities[i]).unwrap();
        let mut q: ReadyQueue = [poll(0), poll(1), poll(2)].into_iter().collect();
        for _ in 0..50 {
            let e = step(&mut p, &mut q);
            assert_eq!(e, poll(top));
            q.push_back(e);
        }
    }

    #[test]
    fn change_points_demote_the_running_task_below_all_others() {
        let mut p = pct(3, 10, 3);
        assert_eq!(p.change_points.len(), 2);
        let last = p.change_points.iter().map(|c| c.0).max().unwrap();
        let mut q: ReadyQueue = [poll(0), poll(1), poll(2)].into_iter().collect();
        for _ in 0..last {
            let e = step(&mut p, &mut q);
            q.push_back(e);
        }
        // Both change points happened, each demoting the task about to run: two tasks now
        // sit below every initial priority (which are >= depth), with priorities 2 and 1.
        let mut low: Vec<u64> = p.priorities.iter().copied().filter(|&x| x < 3).collect();
        low.sort_unstable();
        assert_eq!(low, [1, 2], "{:?}", p.priorities);
    }

    #[test]
    fn change_points_are_spread_over_the_horizon() {
        let late = (0..200)
            .filter(|&seed| {
                let p = Pct::new(seed, 3, 1_000);
                p.change_points
                    .iter()
                    .all(|&(at, _)| (1..=1_000).contains(&at))
                    && p.change_points.iter().any(|&(at, _)| at > 500)
            })
            .count();
        // Each of two points lands in the second half with probability 1/2.
        assert!((120..=180).contains(&late), "{late}");
        assert!(Pct::new(1, 3, 0).change_points.is_empty());
    }

    #[test]
    fn wake_up_hops_run_before_task_steps() {
        let mut p = pct(2, 100, 2);
        let mut q: ReadyQueue = [poll(0), poll(1), Entry::Hop(TaskId::from_index(1))]
            .into_iter()
            .collect();
        assert_eq!(p.pick(&view(&q)).unwrap(), 2);
        q.remove(2);
        assert!(p.pick(&view(&q)).unwrap() < 2);
    }

    /// A timeout's expiry is a step of the task that awaits the timeout: it runs before a
    /// lower-priority task's poll and after a higher one's (until round 17 it ran first
    /// with the hops, whatever the priorities, so a task's step never came before it).
    #[test]
    fn a_timeout_expiry_takes_its_tasks_priority() {
        let (high, low) = high_low(&pct(1, 100, 2));
        for (expiring, expected) in [(low, poll(high)), (high, expiry(high, 0))] {
            let mut p = pct(1, 100, 2);
            let mut q: ReadyQueue = [expiry(expiring, 0), poll(high)].into_iter().collect();
            assert_eq!(step(&mut p, &mut q), expected, "the expiry of #{expiring}");
        }
    }

    /// A callback that runs user code (`call_soon`, `call_later`, a user's done-callback:
    /// an `Entry::Wake` whose hop names a task) is a step of the task that registered it:
    /// it runs before a lower-priority task's poll and after a higher one's (until round
    /// 18 it ran first with the hops, so a task's step never came before it).
    #[test]
    fn a_callback_takes_the_priority_of_the_task_that_registered_it() {
        let (high, low) = high_low(&pct(1, 100, 2));
        for (owner, expected) in [(low, poll(high)), (high, Entry::Wake(0))] {
            let mut p = pct(1, 100, 2);
            let steps = [TaskId::from_index(owner).get()];
            let q: ReadyQueue = [Entry::Wake(0), poll(high)].into_iter().collect();
            let i = p.pick(&view_with(&q, &steps)).unwrap();
            assert_eq!(q.get(i).copied(), Some(expected), "a callback of #{owner}");
        }
    }

    /// A pure hop (an `Entry::Wake` whose hop names no task: a foreign waker's wake, a
    /// combinator's done-callback) still runs before every task step, a callback among them.
    #[test]
    fn a_pure_hop_runs_before_a_callback() {
        let mut p = pct(1, 100, 2);
        let steps = [TaskId::from_index(0).get(), 0];
        let q: ReadyQueue = [Entry::Wake(0), poll(1), Entry::Wake(1)]
            .into_iter()
            .collect();
        assert_eq!(p.pick(&view_with(&q, &steps)).unwrap(), 2);
    }

    /// A change point demotes every ready entry of the task about to run: its poll and the
    /// expiry of its timeout alike (they share its priority), so the other task runs next.
    #[test]
    fn a_change_point_demotes_a_tasks_poll_and_expiry_together() {
        // Depth 2 over one decision: the change point falls on the first pick.
        let mut p = pct(2, 1, 2);
        assert_eq!(p.change_points, [(1, 0)]);
        let top = if p.priorities[0] > p.priorities[1] {
            0
        } else {
            1
        };
        let other = 1 - top;
        let mut q: ReadyQueue = [poll(top), expiry(top, 3), poll(other)]
            .into_iter()
            .collect();
        assert_eq!(step(&mut p, &mut q), poll(other));
        assert_eq!(p.priorities[top], 1);
        assert_eq!(step(&mut p, &mut q), poll(top));
        assert_eq!(p.pick(&view(&q)).unwrap(), 0);
    }

    proptest! {
        /// Driven as the engine drives it (picks when two or more entries are ready, the
        /// only entry taken without asking, new entries queued at the back), the O(log n)
        /// pick answers what a scan of the whole queue answers.
        #[test]
        fn picks_agree_with_a_scan(
            seed in 0u64..1000,
            depth in 1u32..5,
            ops in proptest::collection::vec((0u8..6, 0usize..40), 1..300),
        ) {
            let mut p = Pct::new(seed, depth, 150);
            let mut q = ReadyQueue::default();
            let mut spawned = 0;
            // The hop table: each `Entry::Wake(k)` pushed names a hop of its own, a
            // callback of a task (every other one) or a pure hop.
            let mut steps: Vec<u32> = Vec::new();
            for (op, x) in ops {
                match op {
                    0 => {
                        p.on_spawn(TaskId::from_index(spawned));
                        q.push_back(poll(spawned));
                        spawned += 1;
                    }
                    1 if spawned > 0 => q.push_back(Entry::Hop(TaskId::from_index(x % spawned))),
                    4 if spawned > 0 => q.push_back(expiry(x % spawned, x as u32)),
                    5 if spawned > 0 => {
                        let owner = TaskId::from_index(x % spawned).get();
                        steps.push(if x % 2 == 0 { owner } else { 0 });
                        q.push_back(Entry::Wake(steps.len() as u32 - 1));
                    }
                    _ if q.len() == 1 => {
                        q.pop_front();
                    }
                    _ if q.len() >= 2 => {
                        let expected = scan(&p, &q, &steps);
                        let got = p.pick(&view_with(&q, &steps)).unwrap();
                        prop_assert_eq!(got, expected);
                        let e = q.remove(got).unwrap();
                        if x % 2 == 0 && matches!(e, Entry::Poll(_) | Entry::Stop) {
                            q.push_back(e);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// The pick by scanning every entry, as PCT was first written (with the queue's push
    /// order in place of its FIFO indexes, which the ready pool does not keep; after the change points
    /// of this decision, which `pick` applies before choosing: the scan only predicts
    /// decisions without one).
    fn scan(p: &Pct, q: &ReadyQueue, steps: &[u32]) -> usize {
        // Each index's push number: older first among hops and among equal priorities.
        let mut push_of = vec![0; q.len()];
        for push in 0..q.pushed() {
            if let Some(i) = q.index_of_push(push, 0) {
                push_of[i] = push;
            }
        }
        if let Some(hop) = (0..q.len())
            .filter(|&i| view_with(q, steps).step_of(i).is_none())
            .min_by_key(|&i| push_of[i])
        {
            return hop;
        }
        let next = p.decisions + 1;
        let due: Vec<u64> = p
            .change_points
            .iter()
            .filter(|&&(at, _)| at <= next)
            .map(|&(_, label)| label)
            .collect();
        let mut priorities = p.priorities.clone();
        let best = |pr: &[u64]| {
            (0..q.len())
                .max_by_key(|&i| {
                    // A hop never gets here: hops are picked first.
                    let t = view_with(q, steps).step_of(i).expect("a task step");
                    (pr[t.index()], std::cmp::Reverse(push_of[i]))
                })
                .unwrap()
        };
        for label in due.into_iter().rev() {
            let t = view_with(q, steps)
                .step_of(best(&priorities))
                .expect("a task step");
            priorities[t.index()] = u64::from(p.depth) - 1 - label;
        }
        best(&priorities)
    }
}

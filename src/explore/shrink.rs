//! Shrinking: from a failing schedule, a small one that still fails.

use std::cell::Cell;
use std::future::Future;
use std::sync::{Arc, Mutex};

use super::explorer::Explorer;
use super::judge::{switches, verdict};
use super::quiet::quietly;
use super::report::Shrunk;
use crate::runtime::Entry;
use crate::schedule::{Custom, Guided, Policy, Prefer, Recorder, Replay, Strategy, Token, Want};
use crate::sim::RunError;
use crate::trace::TraceLevel;

/// A schedule that failed, and its size.
struct Candidate {
    /// The schedule edits work on: what each decision that deviated from FIFO took, by
    /// identity, and [`Want::Fifo`] for the others (so that after an edit they still take
    /// the FIFO choice, whatever the queue then holds).
    wants: Vec<Want>,
    /// Task switches among the picks (see [`Candidate::size`]).
    switches: usize,
    token: Token,
    message: String,
    deviations: usize,
    steps: u64,
}

impl Candidate {
    /// Smaller is better: fewer deviations from FIFO first, then fewer task switches among
    /// the picks (runs of one task read better, and merging them is how a schedule moves
    /// toward one with fewer deviations), then a shorter run.
    fn size(&self) -> (usize, usize, u64) {
        (self.deviations, self.switches, self.steps)
    }

    /// The decisions that did not take the FIFO choice.
    fn deviations(&self) -> Vec<usize> {
        self.token
            .decisions()
            .iter()
            .enumerate()
            .filter(|(_, d)| d.index != 0)
            .map(|(i, _)| i)
            .collect()
    }
}

impl Explorer {
    /// Shrinks a failing schedule: returns a schedule that still fails with as few
    /// deviations from the FIFO choice as the search finds, then as few task switches, then
    /// as few steps, or `None` when the token does not fail (or does not fail again: the
    /// program is not deterministic) or was recorded from another program (its replay is
    /// [`crate::RunError::WrongProgram`]: nothing of this program to shrink).
    ///
    /// The search works on the schedule as the *tasks* its deviations ran, not as queue
    /// indexes: decision `i` "runs task #3" when it deviated, "takes the FIFO choice"
    /// otherwise. Edited that way, a schedule keeps its meaning: removing one deviation
    /// leaves every later one naming the same task, which runs when it is ready (an index
    /// would name another entry as soon as the queue held others). The edits, each kept
    /// when the run still fails and is smaller: cut the schedule short after its first
    /// deviations; move blocks of deviations to the FIFO choice, halving the block down to
    /// one; remove a whole run of one task's consecutive steps; drop a deviation; give a
    /// deviation's step to a neighbouring pick's task; move pairs of deviations to FIFO.
    /// Those only drop or retarget deviations the schedule has, so when they stop at two or
    /// more, every schedule that deviates from FIFO once is tried (decision by decision,
    /// at most 1,000 runs), which finds a one-deviation failure at a decision the schedule
    /// left to FIFO. They repeat until nothing helps or `tries` (see [`Explorer::shrink`])
    /// runs were made. Any failure counts, not only the original one. The engine records the
    /// decisions each run actually took, so the shrunk token replays exactly with
    /// [`crate::Sim::replay`] under the explorer's [`Explorer::sim`] limits.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{cell::Cell, rc::Rc};
    /// use simloop::{Policy, Sim, explore::Explorer, spawn, yield_now};
    ///
    /// let prog = || async {
    ///     let n = Rc::new(Cell::new(0));
    ///     let mut tasks = Vec::new();
    ///     for _ in 0..3 {
    ///         let n = n.clone();
    ///         tasks.push(spawn(async move { yield_now().await; let v = n.get(); yield_now().await; n.set(v + 1) }));
    ///     }
    ///     for t in tasks { t.await.unwrap() }
    ///     assert_eq!(n.get(), 3);
    /// };
    /// let explorer = Explorer::new().shrink(false, 0);
    /// let failure = explorer.explore(prog).failure.unwrap();
    /// let shrunk = explorer.shrink_token(&failure.token, prog).unwrap();
    /// assert!(shrunk.deviations <= failure.token.deviations());
    /// assert!(Sim::new().replay(&shrunk.token).run(prog()).failure().is_some());
    /// ```
    pub fn shrink_token<P, F>(&self, token: &Token, program: P) -> Option<Shrunk>
    where
        P: Fn() -> F,
        F: Future + 'static,
    {
        self.shrink_checked(token, &program, &|_: &F::Output| Ok(()))
    }

    /// [`Explorer::shrink_token`] with an invariant on the main future's value.
    ///
    /// ```
    /// use simloop::{Policy, explore::Explorer, spawn};
    /// let prog = || async { spawn(async { 1 }).await.unwrap() };
    /// let token = simloop::Sim::new().policy(Policy::Random).run(prog()).token;
    /// // The run passes, so there is nothing to shrink.
    /// assert!(Explorer::new().shrink_token_checked(&token, prog, |v| if *v == 1 { Ok(()) } else { Err("!".into()) }).is_none());
    /// ```
    pub fn shrink_token_checked<P, F, C>(
        &self,
        token: &Token,
        program: P,
        check: C,
    ) -> Option<Shrunk>
    where
        P: Fn() -> F,
        F: Future + 'static,
        C: Fn(&F::Output) -> Result<(), String>,
    {
        self.shrink_checked(token, &program, &check)
    }

    pub(crate) fn shrink_checked<P, F, C>(
        &self,
        token: &Token,
        program: &P,
        check: &C,
    ) -> Option<Shrunk>
    where
        P: Fn() -> F,
        F: Future + 'static,
        C: Fn(&F::Output) -> Result<(), String> + ?Sized,
    {
        // The token's own replay, with its decisions kept: a token of another program is
        // refused there (nothing of this program to shrink), and a seed-only token (a random
        // run made with tracing off), which keeps no decisions, starts the search from it.
        let sim = self.sim.clone().trace(TraceLevel::Off).replay(token);
        let replayed = quietly(|| sim.record_decisions(true).run(program()));
        if let Err(RunError::WrongProgram(_)) = replayed.result {
            return None;
        }
        let token = if token.is_seed_only() {
            &replayed.token
        } else {
            token
        };
        let sim = self.sim.clone().trace(TraceLevel::Off).seed(token.seed());
        let label = token.policy();
        let taken: Arc<Mutex<Vec<Want>>> = Arc::default();
        let tries = Cell::new(0u64);
        // Runs `strategy` recorded, and keeps the run if it fails.
        let attempt = |strategy: Box<dyn Strategy + Send>| -> Option<Candidate> {
            tries.set(tries.get() + 1);
            let strategy = Mutex::new(Some(strategy));
            let taken_by = taken.clone();
            let custom = Custom::new(label, move |_| {
                let inner = strategy.lock().expect("one run").take().expect("one run");
                Box::new(Recorder::new(inner, taken_by.clone()))
            });
            let out = quietly(|| sim.clone().custom(custom).run(program()));
            let message = verdict(&out, check)?;
            let picks = taken.lock().expect("the recorder's list").clone();
            let task = |w: &Want| match w {
                Want::Entry(Entry::Poll(t)) => Some(*t),
                _ => None,
            };
            let switches = picks
                .windows(2)
                .filter(|w| task(&w[0]) != task(&w[1]))
                .count();
            let wants = picks
                .into_iter()
                .zip(out.token.decisions())
                .map(|(w, d)| if d.index == 0 { Want::Fifo } else { w })
                .collect();
            Some(Candidate {
                wants,
                switches,
                deviations: out.token.deviations(),
                steps: out.stats.steps,
                token: out.token,
                message,
            })
        };
        let follow = |wants: Vec<Want>| attempt(Box::new(Prefer::new(wants.into())));
        // The arity of each decision of the FIFO run (one run, whether it fails or not).
        let fifo_arities = || -> Vec<u32> {
            tries.set(tries.get() + 1);
            let custom = Custom::new(label, |_| Box::new(Guided::new(Vec::new())));
            let out = quietly(|| sim.clone().custom(custom).run(program()));
            out.token.decisions().iter().map(|d| d.arity).collect()
        };
        // A FIFO token keeps no decisions (FIFO makes none to record): its run is FIFO's.
        // Replaying its empty list instead diverged at the first pick among several ready
        // entries, and that divergence was shrunk as the token's failure (`sim shrink` of a
        // passing FIFO run printed a "shrunk" passing run).
        let first: Box<dyn Strategy + Send> =
            if token.policy() == Policy::Fifo && token.decisions().is_empty() {
                Box::new(Prefer::new(Vec::new().into()))
            } else {
                Box::new(Replay::new(token.decisions().clone()))
            };
        let mut best = attempt(first)?;
        let mut tried_single = false;
        let (original_deviations, original_steps) = (best.deviations, best.steps);
        let budget = self.shrink_tries.max(1);
        let out_of_tries = || tries.get() >= budget;
        // Tries `edit` and keeps it when the run still fails and is smaller.
        let keep = |best: &mut Candidate, edit: Vec<Want>| -> bool {
            let c = follow(edit);
            let better = c.as_ref().is_some_and(|c| c.size() < best.size());
            if better {
                *best = c.expect("checked");
            }
            better
        };
        loop {
            let before = best.size();
            // 1. Cut the schedule short after its first m deviations (later decisions take
            //    the FIFO choice), m = 0, 1, 2, 4, ...: the shortest prefix that fails.
            let devs = best.deviations();
            let mut m = 0;
            while m < devs.len() && !out_of_tries() {
                let cut = best.wants[..devs[m]].to_vec();
                if keep(&mut best, cut) {
                    break;
                }
                m = if m == 0 { 1 } else { 2 * m };
            }
            // 2. Move blocks of deviations to the FIFO choice, halving the block size down
            //    to single deviations: most of a random schedule's deviations do not
            //    matter, and an identity schedule keeps every other pick in place.
            let mut size = best.deviations.div_ceil(2);
            while size > 0 && !out_of_tries() {
                sweep(&mut best, size, &out_of_tries, |best, block| {
                    let mut w = best.wants.clone();
                    for &i in block {
                        w[i] = Want::Fifo;
                    }
                    keep(best, w)
                });
                size /= 2;
            }
            // 3. Remove whole runs of one task's consecutive steps, longest first: later
            //    picks keep naming their tasks, so the rest of the interleaving stays.
            let mut runs = runs_of_one_task(&best.wants, &best.deviations());
            runs.sort_by_key(|r| std::cmp::Reverse(r.len()));
            for run in runs {
                if out_of_tries() || run.end > best.wants.len() {
                    break;
                }
                let mut w = best.wants.clone();
                w.drain(run);
                if keep(&mut best, w) {
                    break;
                }
            }
            // 4. Drop single deviations (the pick moves to where the task is next wanted).
            sweep(&mut best, 1, &out_of_tries, |best, block| {
                let mut w = best.wants.clone();
                w.remove(block[0]);
                keep(best, w)
            });
            // 5. Give a deviation's step to the task of a neighbouring pick instead: as many
            //    deviations, fewer switches, and runs that later edits can shorten.
            sweep(&mut best, 1, &out_of_tries, |best, block| {
                let i = block[0];
                let others: Vec<Want> = [i.checked_sub(1), Some(i + 1)]
                    .into_iter()
                    .flatten()
                    .filter_map(|j| best.wants.get(j).copied())
                    .filter(|w| matches!(w, Want::Entry(Entry::Poll(_))) && *w != best.wants[i])
                    .collect();
                others.into_iter().any(|other| {
                    let mut w = best.wants.clone();
                    w[i] = other;
                    keep(best, w)
                })
            });
            if best.size() == before && !out_of_tries() {
                // 6. Move pairs of deviations to the FIFO choice (one that only helps with
                //    another).
                let devs = best.deviations();
                'pairs: for (a, &i) in devs.iter().enumerate().rev() {
                    for &j in devs[a + 1..].iter().rev() {
                        if out_of_tries() {
                            break 'pairs;
                        }
                        let mut w = best.wants.clone();
                        w[i] = Want::Fifo;
                        w[j] = Want::Fifo;
                        if keep(&mut best, w) {
                            break 'pairs;
                        }
                    }
                }
            }
            if best.size() == before && best.deviations >= 2 && !tried_single && !out_of_tries() {
                // 7. Stuck at two or more deviations: try every schedule that deviates from
                //    FIFO once. The edits above only remove or retarget the deviations the
                //    schedule has, so they stop at a local minimum when the one deviation
                //    that fails on its own is at a decision the schedule leaves to FIFO (a
                //    second way to fail). Every such schedule follows the FIFO run up to
                //    its deviation, so the FIFO run's arities list them all: decision by
                //    decision, at most `SINGLE_DEVIATION_RUNS` runs and the tries left.
                //    Once per shrink: the edits then work on what it found.
                tried_single = true;
                let arities = fifo_arities();
                let singles = arities.iter().enumerate().flat_map(|(i, &arity)| {
                    (1..arity).map(move |k| {
                        let mut choices = vec![0; i + 1];
                        choices[i] = k;
                        choices
                    })
                });
                for choices in singles.take(SINGLE_DEVIATION_RUNS) {
                    if out_of_tries() {
                        break;
                    }
                    let found = attempt(Box::new(Guided::new(choices)));
                    if let Some(c) = found.filter(|c| c.size() < best.size()) {
                        best = c;
                        break;
                    }
                }
            }
            if best.size() == before || best.deviations == 0 || out_of_tries() {
                break;
            }
        }
        let full = self.sim.clone().trace(TraceLevel::Full).seed(token.seed());
        let traced = |t: &Token| quietly(|| full.clone().replay(t).run(program())).trace;
        let original_switches = switches(&traced(token));
        let trace = traced(&best.token);
        Some(Shrunk {
            deviations: best.deviations,
            steps: best.steps,
            switches: switches(&trace),
            original_switches,
            trace: trace.render(),
            token: best.token,
            message: best.message,
            original_deviations,
            original_steps,
            tries: tries.get(),
        })
    }
}

/// The most runs the pass that tries every single-deviation schedule makes (each
/// decision of the FIFO run times its other alternatives): a program whose FIFO run offers
/// more is tried at its first ones only.
const SINGLE_DEVIATION_RUNS: usize = 1_000;

/// Offers `edit` the deviations of `best` in blocks of `size`, from the end of the run
/// backwards, until the tries run out. An edit that `edit` keeps changes `best`; the
/// decisions before the block are the same in the new schedule (its prefix is unchanged),
/// so the sweep goes on from there.
fn sweep(
    best: &mut Candidate,
    size: usize,
    out_of_tries: &dyn Fn() -> bool,
    mut edit: impl FnMut(&mut Candidate, &[usize]) -> bool,
) {
    let mut below = usize::MAX;
    while !out_of_tries() {
        let devs = best.deviations();
        let end = devs.partition_point(|&d| d < below);
        if end == 0 {
            return;
        }
        let block = &devs[end.saturating_sub(size)..end];
        below = block[0];
        edit(best, block);
    }
}

/// The runs of consecutive decisions that took steps of one task (two or more, or one
/// that deviates), as ranges of decision numbers.
fn runs_of_one_task(wants: &[Want], devs: &[usize]) -> Vec<std::ops::Range<usize>> {
    let task = |w: &Want| match w {
        Want::Entry(Entry::Poll(t)) => Some(*t),
        _ => None,
    };
    let mut runs = Vec::new();
    let mut i = 0;
    while i < wants.len() {
        let Some(t) = task(&wants[i]) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < wants.len() && task(&wants[j]) == Some(t) {
            j += 1;
        }
        if j - i >= 2 || devs.binary_search(&i).is_ok() {
            runs.push(i..j);
        }
        i = j;
    }
    runs
}

#[cfg(test)]
mod tests {
    use std::{cell::Cell, rc::Rc};

    use crate::explore::Explorer;
    use crate::{Sim, spawn, yield_now};

    /// Three tasks ready together, and a check that holds in FIFO order only.
    async fn program() -> u32 {
        let n = Rc::new(Cell::new(0));
        let tasks: Vec<_> = (0..3)
            .map(|i| {
                let n = n.clone();
                spawn(async move {
                    yield_now().await;
                    n.set(n.get() * 10 + i);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        n.get()
    }

    fn fifo_order(v: &u32) -> Result<(), String> {
        if *v == 12 {
            Ok(())
        } else {
            Err(format!("order {v}"))
        }
    }

    /// Two ways to fail: `q` runs before `p` at the start (one deviation from FIFO), or,
    /// a second later, `s` before `r` and `v` before `u` (two deviations, which fail only
    /// together).
    async fn two_ways() -> Vec<&'static str> {
        let order = Rc::new(std::cell::RefCell::new(Vec::new()));
        let step = |name| {
            let order = order.clone();
            spawn(async move { order.borrow_mut().push(name) })
        };
        for pair in [["p", "q"], ["r", "s"], ["u", "v"]] {
            let [a, b] = pair.map(step);
            a.await.unwrap();
            b.await.unwrap();
            crate::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        order.take()
    }

    fn in_order(order: &Vec<&'static str>) -> Result<(), String> {
        let at = |name| order.iter().position(|n| *n == name);
        if at("q") < at("p") || (at("s") < at("r") && at("v") < at("u")) {
            Err(format!("order {order:?}"))
        } else {
            Ok(())
        }
    }

    /// The edits only drop or retarget the deviations a schedule has, so from the
    /// two-deviation failure (`s` before `r`, `v` before `u`) each edit passed and the old
    /// shrinker stopped at 2, although moving `q` before `p` fails alone. The pass over
    /// single-deviation schedules finds it.
    #[test]
    fn a_failure_that_needs_a_deviation_the_schedule_lacks_shrinks_to_one() {
        let bounds = crate::explore::Bounds {
            max_deviations: 2,
            ..Default::default()
        };
        // Depth first, the deepest decision varied first: the late pair fails first.
        let explorer = Explorer::new().shrink(false, 0);
        let failure = explorer
            .exhaustive_checked(bounds, two_ways, in_order)
            .failure
            .expect("a schedule within two deviations fails");
        assert_eq!(failure.token.deviations(), 2);
        assert!(
            failure
                .message
                .contains(r#"["p", "q", "s", "r", "v", "u"]"#),
            "{}",
            failure.message
        );
        let shrunk = Explorer::new()
            .shrink_token_checked(&failure.token, two_ways, in_order)
            .expect("it fails");
        assert_eq!(shrunk.deviations, 1, "{}", shrunk.message);
        assert!(
            shrunk.message.contains(r#"["q", "p""#),
            "{}",
            shrunk.message
        );
        // The shrunk token replays the one-deviation failure.
        let out = Sim::new().replay(&shrunk.token).run(two_ways());
        assert!(in_order(out.result.as_ref().unwrap()).is_err());
        assert!(shrunk.tries <= 30, "{} tries", shrunk.tries);
    }

    /// A passing FIFO token was "shrunk": its empty decision list was replayed, which
    /// diverged at the first pick among the three ready tasks, and the divergence counted
    /// as the failure.
    #[test]
    fn a_passing_fifo_token_has_nothing_to_shrink() {
        let token = Sim::new().run(program()).token;
        assert!(token.decisions().is_empty());
        assert!(
            Explorer::new()
                .shrink_token_checked(&token, program, fifo_order)
                .is_none()
        );
    }

    /// A failing FIFO token shrinks to itself: no deviation, the same failure.
    #[test]
    fn a_failing_fifo_token_shrinks_to_fifo() {
        let token = Sim::new().run(program()).token;
        let shrunk = Explorer::new()
            .shrink_token_checked(&token, program, |v| {
                if *v == 12 {
                    Err("FIFO order".into())
                } else {
                    Ok(())
                }
            })
            .expect("the FIFO run fails");
        assert_eq!(shrunk.deviations, 0);
        assert!(shrunk.message.contains("FIFO order"), "{}", shrunk.message);
    }
}

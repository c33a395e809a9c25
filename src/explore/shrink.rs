//! Shrinking: from a failing schedule, a small one that still fails.

use std::cell::Cell;
use std::future::Future;

use super::explorer::Explorer;
use super::judge::{judge, switches, verdict};
use super::quiet::quietly;
use super::report::Shrunk;
use crate::schedule::Token;

/// A candidate schedule that failed, and its size.
struct Candidate {
    /// The decisions actually taken, as indexes (trailing FIFO choices trimmed).
    choices: Vec<u32>,
    token: Token,
    message: String,
    deviations: usize,
    switches: u64,
    steps: u64,
}

impl Candidate {
    /// Smaller is better: fewer deviations from FIFO first, then fewer task switches, then
    /// a shorter run.
    fn size(&self) -> (usize, u64, u64) {
        (self.deviations, self.switches, self.steps)
    }
}

impl Explorer {
    /// Shrinks a failing schedule: returns a schedule that still fails with as few
    /// deviations from the FIFO choice as the search finds, then as few task switches, then as
    /// few steps, or `None`
    /// when the token does not fail (or does not fail again: the program is not
    /// deterministic).
    ///
    /// The search edits the token's choices and runs them leniently ([`crate::Sim::follow`]):
    /// it cuts the schedule short (later decisions take the FIFO choice), resets single
    /// choices to 0, and lowers them, keeping every edit that still fails and is smaller,
    /// until nothing helps or `tries` (see [`Explorer::shrink`]) runs were made. Any
    /// failure counts, not only the original one. The shrunk token replays exactly with
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
        let sim = self.sim.clone().policy(token.policy()).seed(token.seed());
        let tries = Cell::new(0u64);
        let attempt = |choices: &[u32]| -> Option<Candidate> {
            tries.set(tries.get() + 1);
            let out = quietly(|| sim.clone().follow(choices).run(program()));
            let message = verdict(&out, check)?;
            let judged = judge(&out);
            let mut choices: Vec<u32> = out.token.decisions().iter().map(|d| d.index).collect();
            while choices.last() == Some(&0) {
                choices.pop();
            }
            Some(Candidate {
                choices,
                deviations: out.token.deviations(),
                switches: switches(&out.trace),
                token: out.token,
                message,
                steps: judged.steps,
            })
        };
        let original: Vec<u32> = token.decisions().iter().map(|d| d.index).collect();
        let mut best = attempt(&original)?;
        let (original_deviations, _, original_steps) = best.size();
        let original_switches = best.switches;
        let budget = self.shrink_tries.max(1);
        let mut improved = true;
        while improved && tries.get() < budget {
            improved = false;
            // 1. Cut the schedule short: the shortest failing prefix, trying short ones first.
            let len = best.choices.len();
            let mut cut = 0;
            while cut < len && tries.get() < budget {
                let cand = attempt(&best.choices[..cut]);
                if let Some(c) = cand.filter(|c| c.size() < best.size()) {
                    best = c;
                    improved = true;
                    break;
                }
                cut = if cut == 0 { 1 } else { (cut * 2).min(len) };
                if cut == len {
                    break;
                }
            }
            // 2. Reset single deviations to the FIFO choice, then lower them, latest first.
            if !improved {
                improved = lower_each(&mut best, &attempt, &tries, budget);
            }
            // 3. Delete single decisions (later choices shift one decision earlier).
            if !improved {
                improved = edit_each(&mut best, &attempt, &tries, budget, |c, i| {
                    c.remove(i);
                });
            }
            // 4. Reset pairs of deviations (escapes a deviation that only helps with another).
            if !improved {
                let nonzero: Vec<usize> = (0..best.choices.len())
                    .filter(|&i| best.choices[i] != 0)
                    .collect();
                'pairs: for (a, &i) in nonzero.iter().enumerate() {
                    for &j in &nonzero[a + 1..] {
                        if tries.get() >= budget {
                            break 'pairs;
                        }
                        let mut edit = best.choices.clone();
                        edit[i] = 0;
                        edit[j] = 0;
                        if let Some(c) = attempt(&edit).filter(|c| c.size() < best.size()) {
                            best = c;
                            improved = true;
                            break 'pairs;
                        }
                    }
                }
            }
        }
        let trace = quietly(|| sim.clone().replay(&best.token).run(program()))
            .trace
            .render();
        Some(Shrunk {
            deviations: best.deviations,
            steps: best.steps,
            switches: best.switches,
            original_switches,
            token: best.token,
            message: best.message,
            trace,
            original_deviations,
            original_steps,
            tries: tries.get(),
        })
    }
}

/// Tries each lower value of each nonzero choice, latest choice first; keeps the first edit
/// that still fails and is smaller.
fn lower_each(
    best: &mut Candidate,
    attempt: &impl Fn(&[u32]) -> Option<Candidate>,
    tries: &Cell<u64>,
    budget: u64,
) -> bool {
    for i in (0..best.choices.len()).rev() {
        for lower in 0..best.choices[i] {
            if tries.get() >= budget {
                return false;
            }
            let mut edit = best.choices.clone();
            edit[i] = lower;
            if let Some(c) = attempt(&edit).filter(|c| c.size() < best.size()) {
                *best = c;
                return true;
            }
        }
    }
    false
}

/// Applies `edit` at each position, latest first; keeps the first result that still fails
/// and is smaller.
fn edit_each(
    best: &mut Candidate,
    attempt: &impl Fn(&[u32]) -> Option<Candidate>,
    tries: &Cell<u64>,
    budget: u64,
    edit: impl Fn(&mut Vec<u32>, usize),
) -> bool {
    for i in (0..best.choices.len()).rev() {
        if tries.get() >= budget {
            return false;
        }
        let mut choices = best.choices.clone();
        edit(&mut choices, i);
        if let Some(c) = attempt(&choices).filter(|c| c.size() < best.size()) {
            *best = c;
            return true;
        }
    }
    false
}

//! Properties of the primitives over generated programs, seeds and policies: semaphore
//! holders never exceed the limit and no permit leaks whatever is cancelled when; a queue
//! never loses or duplicates an item; `join` returns only after every `task_done`; a lock
//! admits one holder and survives cancellation; barrier rounds hand out each index once; a
//! program using every primitive replays exactly from its token.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use proptest::prelude::*;
use simloop::sync::{Barrier, Condition, Queue, Semaphore};
use simloop::{
    Instant, JoinHandle, Lock, Policy, RunError, Sim, log, sleep, sleep_until, spawn, yield_now,
};

fn ms(n: u8) -> Duration {
    Duration::from_millis(u64::from(n))
}

/// Sleeps `n` ms, or yields once for 0 (so zero-length steps still interleave).
async fn pause(n: u8) {
    if n == 0 {
        yield_now().await;
    } else {
        sleep(ms(n)).await;
    }
}

fn policies() -> impl Strategy<Value = Policy> {
    prop_oneof![Just(Policy::Fifo), Just(Policy::Random)]
}

#[derive(Clone, Debug)]
struct User {
    delay: u8,
    hold: u8,
    rounds: u8,
    /// Explicit `acquire().forget()` + `release()` instead of the RAII permit.
    explicit: bool,
}

fn user() -> impl Strategy<Value = User> {
    (0u8..3, 0u8..3, 1u8..4, any::<bool>()).prop_map(|(delay, hold, rounds, explicit)| User {
        delay,
        hold,
        rounds,
        explicit,
    })
}

/// Counts holders while alive; gives the permit back when dropped (also by cancellation).
struct Held<'a> {
    sem: &'a Semaphore,
    inside: Rc<Cell<usize>>,
    explicit: bool,
    _permit: Option<simloop::SemaphorePermit<'a>>,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.inside.set(self.inside.get() - 1);
        if self.explicit {
            self.sem.release();
        }
    }
}

async fn run_user(u: User, sem: Rc<Semaphore>, inside: Rc<Cell<usize>>, max: Rc<Cell<usize>>) {
    for _ in 0..u.rounds {
        pause(u.delay).await;
        let permit = if u.explicit {
            sem.acquire().await.forget();
            None
        } else {
            Some(sem.acquire().await)
        };
        inside.set(inside.get() + 1);
        max.set(max.get().max(inside.get()));
        let held = Held {
            sem: &sem,
            inside: inside.clone(),
            explicit: u.explicit,
            _permit: permit,
        };
        pause(u.hold).await;
        drop(held);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn semaphore_never_exceeds_its_limit_and_never_leaks(
        limit in 1usize..4,
        users in prop::collection::vec(user(), 1..7),
        cancels in prop::collection::vec((0usize..7, 0u8..8, 0u8..4), 0..5),
        seed in any::<u64>(),
        policy in policies(),
    ) {
        let n = users.len();
        let out = Sim::new().seed(seed).policy(policy).run(async move {
            let sem = Rc::new(Semaphore::new(limit));
            let inside = Rc::new(Cell::new(0));
            let max = Rc::new(Cell::new(0));
            let handles: Vec<JoinHandle<()>> = users
                .into_iter()
                .map(|u| spawn(run_user(u, sem.clone(), inside.clone(), max.clone())))
                .collect();
            let mut cancels = cancels;
            cancels.sort_by_key(|&(_, at, _)| at);
            for (i, at, yields) in cancels {
                sleep_until(Instant::ZERO + ms(at)).await;
                // A few yields land the cancel between a release and the woken waiter's
                // turn, the interleaving where a handed-off permit could leak.
                for _ in 0..yields {
                    yield_now().await;
                }
                handles[i % n].cancel();
            }
            for h in handles {
                let _ = h.await;
            }
            (max.get(), inside.get(), sem.value(), sem.holders().len(), sem.locked())
        });
        let replay = out.replay_hint();
        let (max, inside, value, holders, locked) = out.result.expect("run completes");
        prop_assert!(max <= limit, "{max} holders for a limit of {limit}\n{replay}");
        prop_assert_eq!(inside, 0);
        prop_assert_eq!(value, limit, "a permit leaked\n{}", replay);
        prop_assert_eq!(holders, 0);
        prop_assert!(!locked);
    }

    #[test]
    fn queue_never_loses_or_duplicates_an_item(
        maxsize in 0usize..3,
        producers in prop::collection::vec(prop::collection::vec(0u8..3, 0..5), 1..4),
        consumers in prop::collection::vec(0u8..3, 1..4),
        cancels in prop::collection::vec((any::<bool>(), 0usize..4, 0u8..8), 0..4),
        seed in any::<u64>(),
        policy in policies(),
    ) {
        let out = Sim::new().seed(seed).policy(policy).run(async move {
            let q: Rc<Queue<u32>> = Rc::new(Queue::with_maxsize(maxsize));
            let put_ok = Rc::new(RefCell::new(Vec::new()));
            let got = Rc::new(RefCell::new(Vec::new()));
            let prods: Vec<JoinHandle<()>> = producers
                .iter()
                .enumerate()
                .map(|(p, pauses)| {
                    let (q, put_ok, pauses) = (q.clone(), put_ok.clone(), pauses.clone());
                    spawn(async move {
                        for (i, d) in pauses.into_iter().enumerate() {
                            pause(d).await;
                            let item = (p * 100 + i) as u32;
                            q.put(item).await.unwrap();
                            put_ok.borrow_mut().push(item);
                        }
                    })
                })
                .collect();
            let cons: Vec<JoinHandle<()>> = consumers
                .iter()
                .map(|&d| {
                    let (q, got) = (q.clone(), got.clone());
                    spawn(async move {
                        while let Ok(item) = q.get().await {
                            got.borrow_mut().push(item);
                            pause(d).await;
                        }
                    })
                })
                .collect();
            let mut cancels = cancels;
            cancels.sort_by_key(|&(_, _, at)| at);
            for (producer, i, at) in cancels {
                sleep_until(Instant::ZERO + ms(at)).await;
                if producer {
                    prods[i % prods.len()].cancel();
                } else {
                    cons[i % cons.len()].cancel();
                }
            }
            // Main is a backup consumer, so producers never stay blocked when every
            // consumer was cancelled.
            let mut drained = Vec::new();
            while !prods.iter().all(|h| h.is_finished()) {
                while let Ok(item) = q.get_nowait() {
                    drained.push(item);
                }
                sleep(ms(1)).await;
            }
            q.shutdown(false);
            for h in prods.into_iter().chain(cons) {
                let _ = h.await;
            }
            while let Ok(item) = q.get_nowait() {
                drained.push(item);
            }
            let mut out: Vec<u32> = got.borrow().clone();
            out.extend(drained);
            out.sort_unstable();
            let mut put: Vec<u32> = put_ok.borrow().clone();
            put.sort_unstable();
            (put, out)
        });
        let replay = out.replay_hint();
        let (put, taken) = out.result.expect("run completes");
        prop_assert_eq!(put, taken, "{}", replay);
    }

    #[test]
    fn join_returns_only_after_every_task_done(
        maxsize in 0usize..3,
        items in prop::collection::vec(0u8..3, 0..8),
        workers in 1usize..4,
        seed in any::<u64>(),
        policy in policies(),
    ) {
        let n = items.len();
        let out = Sim::new().seed(seed).policy(policy).run(async move {
            let q: Rc<Queue<u8>> = Rc::new(Queue::with_maxsize(maxsize));
            let put = Rc::new(Cell::new(0usize));
            let done = Rc::new(Cell::new(0usize));
            let (q1, put1) = (q.clone(), put.clone());
            let producer = spawn(async move {
                for work in items {
                    q1.put(work).await.unwrap();
                    put1.set(put1.get() + 1);
                    yield_now().await;
                }
            });
            let ws: Vec<JoinHandle<()>> = (0..workers)
                .map(|_| {
                    let (q, done) = (q.clone(), done.clone());
                    spawn(async move {
                        while let Ok(work) = q.get().await {
                            pause(work).await;
                            done.set(done.get() + 1);
                            q.task_done().unwrap();
                        }
                    })
                })
                .collect();
            // asyncio's join wakes when the count reaches zero; a put before the woken task
            // runs does not take that back (an Event's wake-up survives `clear()`). So the
            // property is: everything put before `join` was called is done when it returns.
            let mut checks = Vec::new();
            loop {
                let before = put.get();
                q.join().await;
                checks.push((done.get(), before));
                if producer.is_finished() {
                    break;
                }
                yield_now().await;
            }
            // With the producer finished nothing more is put: now join means all done.
            q.join().await;
            let all_done = (done.get(), q.unfinished_tasks());
            q.shutdown(false);
            for w in ws {
                w.await.unwrap();
            }
            (checks, all_done)
        });
        let replay = out.replay_hint();
        let (checks, all_done) = out.result.expect("run completes");
        for (done, put_before) in checks {
            prop_assert!(done >= put_before, "join returned with work pending\n{}", replay);
        }
        prop_assert_eq!(all_done, (n, 0), "{}", replay);
    }
}

/// A program using every waiting primitive; returns what it observed.
async fn mixed_program(pauses: Vec<u8>) -> Vec<String> {
    let lock = Rc::new(Lock::named("l", Vec::new()));
    let q: Rc<Queue<usize>> = Rc::new(Queue::with_maxsize(1));
    let cond = Rc::new(Condition::new(0usize));
    let barrier = Rc::new(Barrier::new(pauses.len().max(1)));
    let hs: Vec<JoinHandle<()>> = pauses
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let (lock, q, cond, barrier) = (lock.clone(), q.clone(), cond.clone(), barrier.clone());
            spawn(async move {
                pause(d).await;
                lock.lock().await.push(i);
                q.put(i).await.unwrap();
                let idx = barrier.wait().await.unwrap();
                log!("{i} passed the barrier as {idx}");
                let mut g = cond.lock().await;
                *g += 1;
                cond.notify_all().unwrap();
            })
        })
        .collect();
    let mut got = Vec::new();
    for _ in 0..pauses.len() {
        got.push(q.get().await.unwrap());
        pause(1).await;
    }
    let g = cond.lock().await;
    let g = cond.wait_for(g, |n| *n == pauses.len()).await;
    drop(g);
    for h in hs {
        h.await.unwrap();
    }
    let order = lock.lock().await.clone();
    vec![format!("{order:?}"), format!("{got:?}")]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Primitives add no hidden nondeterminism: a token replays the same trace.
    #[test]
    fn primitives_replay_exactly(pauses in prop::collection::vec(0u8..3, 1..5), seed in any::<u64>()) {
        let first = Sim::new().seed(seed).policy(Policy::Random).run(mixed_program(pauses.clone()));
        prop_assert!(first.result.is_ok(), "{:?}", first.failure());
        let again = Sim::new().replay(&first.token).run(mixed_program(pauses));
        let diverged = matches!(again.result, Err(RunError::ReplayDiverged { .. }));
        prop_assert!(!diverged, "replay diverged");
        prop_assert_eq!(first.trace.render(), again.trace.render());
        prop_assert_eq!(first.result.unwrap(), again.result.unwrap());
    }

    /// A lock admits one holder at a time, and cancelling waiters or holders never leaves
    /// it held.
    #[test]
    fn lock_excludes_and_survives_cancellation(
        users in prop::collection::vec((0u8..3, 0u8..3), 1..6),
        cancels in prop::collection::vec((0usize..6, 0u8..6, 0u8..3), 0..4),
        seed in any::<u64>(),
        policy in policies(),
    ) {
        let n = users.len();
        let out = Sim::new().seed(seed).policy(policy).run(async move {
            let lock = Rc::new(Lock::new(()));
            let inside = Rc::new(Cell::new(0usize));
            let overlap = Rc::new(Cell::new(false));
            let hs: Vec<JoinHandle<()>> = users
                .into_iter()
                .map(|(d, hold)| {
                    let (lock, inside, overlap) = (lock.clone(), inside.clone(), overlap.clone());
                    spawn(async move {
                        pause(d).await;
                        let _g = lock.lock().await;
                        inside.set(inside.get() + 1);
                        if inside.get() != 1 {
                            overlap.set(true);
                        }
                        // Leaves (also when cancelled) before the guard releases the lock.
                        let _leave = Leave(inside);
                        pause(hold).await;
                    })
                })
                .collect();
            let mut cancels = cancels;
            cancels.sort_by_key(|&(_, at, _)| at);
            for (i, at, yields) in cancels {
                sleep_until(Instant::ZERO + ms(at)).await;
                for _ in 0..yields {
                    yield_now().await;
                }
                hs[i % n].cancel();
            }
            for h in hs {
                let _ = h.await;
            }
            let held_after = lock.locked();
            // A lock left held by a cancelled task would deadlock here.
            drop(lock.lock().await);
            (overlap.get(), held_after)
        });
        let replay = out.replay_hint();
        prop_assert!(out.result.is_ok(), "{:?}\n{}", out.result, replay);
        let (overlap, held_after) = out.result.unwrap();
        prop_assert!(!overlap, "two holders at once\n{}", replay);
        prop_assert!(!held_after, "the lock stayed held\n{}", replay);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every round of a barrier hands out each arrival index exactly once, whatever the
    /// interleaving.
    #[test]
    fn barrier_rounds_hand_out_each_index_once(
        parties in 1usize..4,
        rounds in 1usize..4,
        pauses in prop::collection::vec(0u8..3, 12),
        seed in any::<u64>(),
        policy in policies(),
    ) {
        let out = Sim::new().seed(seed).policy(policy).run(async move {
            let b = Rc::new(Barrier::new(parties));
            let hs: Vec<JoinHandle<usize>> = (0..parties * rounds)
                .map(|i| {
                    let (b, d) = (b.clone(), pauses[i % pauses.len()]);
                    spawn(async move {
                        pause(d).await;
                        b.wait().await.unwrap()
                    })
                })
                .collect();
            let mut indices = Vec::new();
            for h in hs {
                indices.push(h.await.unwrap());
            }
            indices.sort_unstable();
            (indices, b.n_waiting(), b.broken())
        });
        let replay = out.replay_hint();
        let (indices, waiting, broken) = out.result.expect("run completes");
        let mut expected: Vec<usize> = (0..parties).flat_map(|i| std::iter::repeat_n(i, rounds)).collect();
        expected.sort_unstable();
        prop_assert_eq!(indices, expected, "{}", replay);
        prop_assert_eq!((waiting, broken), (0, false));
    }
}

/// Decrements a holder count when dropped.
struct Leave(Rc<Cell<usize>>);

impl Drop for Leave {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

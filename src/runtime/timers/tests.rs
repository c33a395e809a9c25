//! The timers' properties: firing order, buckets, sizes, the cancel timer's life.

use std::task::Waker;

use proptest::prelude::*;

use super::few::FEW;
use super::radix::{BUCKETS, bucket};
use super::slab::{State, Timer};
use super::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Whatever is armed, cancelled and fired in between, live timers fire in
    /// `(deadline, sequence)` order, each once, and only when due.
    #[test]
    fn fire_in_deadline_then_arming_order(
        ops in proptest::collection::vec((0u8..4, 0u64..20, 0u32..40), 1..300)
    ) {
        let mut timers = Timers::default();
        let mut model: Vec<(u64, u64, usize)> = Vec::new(); // (deadline, seq, task)
        let mut keys = Vec::new();
        let mut now: u64 = 0;
        for (n, (op, x, shift)) in ops.into_iter().enumerate() {
            match op {
                0 | 1 => {
                    // Deltas from 0 to 2^44 ns, so every bucket of the radix heap is used;
                    // one arm in six is in the past (a `call_at` before the clock).
                    let deadline = if op == 1 && shift % 3 == 0 {
                        now.saturating_sub(x)
                    } else {
                        now + (x << (shift % 25)) + u64::from(shift)
                    };
                    let waker = Some(Waker::noop().clone());
                    let key = timers.arm(Instant::from_nanos(deadline), TaskId::from_index(n), waker, TimerKind::Wake);
                    model.push((deadline, n as u64, n));
                    keys.push((key, n));
                }
                2 => {
                    if let Some(&(key, task)) = keys.get(x as usize % keys.len().max(1)) {
                        let was = timers.is_armed(key);
                        prop_assert_eq!(timers.cancel(key).is_some(), was);
                        model.retain(|m| m.2 != task);
                    }
                }
                _ => {
                    let next = timers.next_deadline().map(Instant::as_nanos);
                    // A deadline in the past is due at the clock.
                    prop_assert_eq!(next, model.iter().map(|m| m.0.max(now)).min());
                    now = next.unwrap_or(now);
                    model.sort();
                    let due: Vec<usize> = model.iter().filter(|m| m.0 <= now).map(|m| m.2).collect();
                    model.retain(|m| m.0 > now);
                    let mut fired = Vec::new();
                    while let Some(f) = timers.pop_due(Instant::from_nanos(now)) {
                        fired.push(f.task.index());
                    }
                    prop_assert_eq!(fired, due);
                }
            }
            prop_assert!(timers.queued <= 2 * (model.len() + 64));
            // `few` is used only while the heap is empty, stays sorted and holds only live timers.
            prop_assert!(timers.few.is_empty() || timers.queued == 0);
            prop_assert!(timers.few.len() <= FEW);
            prop_assert!(timers.few.iter().zip(timers.few.iter().skip(1)).all(|(a, b)| a.deadline <= b.deadline));
            prop_assert!(timers.few.iter().all(|q| timers.live(q)));
            prop_assert!(timers.overdue.iter().all(|q| timers.live(q) && q.deadline < timers.last));
            prop_assert_eq!(timers.queued, timers.buckets.iter().map(Vec::len).sum::<usize>() - timers.taken);
            // A purge sweeps only the buckets marked as holding stale entries, and keeps the
            // others' minima: the marks and minima must be true of every bucket.
            for b in 1..BUCKETS {
                let entries = &timers.buckets[b];
                prop_assert_eq!(timers.nonempty.contains(b), !entries.is_empty());
                prop_assert!(timers.has_stale.contains(b) || entries.iter().all(|q| timers.live(q)));
                let min = entries.iter().map(|q| q.deadline).min().unwrap_or(u64::MAX);
                prop_assert!(timers.bucket_min[b] <= min);
                prop_assert!(timers.min_stale.contains(b) || timers.bucket_min[b] == min);
            }
            for (b, entries) in timers.buckets.iter().enumerate().skip(1) {
                prop_assert!(entries.is_empty() || timers.nonempty.contains(b));
            }
        }
    }
}

proptest! {
    /// Buckets in index order hold ever later deadlines, and equal deadlines share one.
    #[test]
    fn buckets_follow_deadline_order(last in any::<u64>(), a in any::<u64>(), b in any::<u64>()) {
        let (a, b) = (last.saturating_add(a % (1 << 50)), last.saturating_add(b % (1 << 50)));
        let (ba, bb) = (bucket(a, last), bucket(b, last));
        prop_assert!(ba < BUCKETS && bb < BUCKETS);
        if ba < bb {
            prop_assert!(a < b);
        }
        if a == b {
            prop_assert_eq!(ba, bb);
        }
        prop_assert_eq!(ba == 0, a == last);
    }
}

#[test]
fn a_timer_is_32_bytes() {
    assert_eq!(std::mem::size_of::<Timer>(), 32);
    for code in 0..6 {
        assert_eq!(State::from_code(code).code(), code);
    }
}

/// A cancel timer lives on after firing until its entry delivers it (with its scope) and
/// its owner frees it; a cancellation while its entry is queued frees it at that turn.
#[test]
fn cancel_timers_are_delivered_then_freed() {
    let mut timers = Timers::default();
    let task = TaskId::from_index(3);
    let key = timers.arm(Instant::from_nanos(5), task, None, TimerKind::Cancel);
    timers.set_scope(key, vec![TaskId::from_index(7)]);
    assert_eq!(timers.deadline_state(key), Some(Deadline::Pending));
    let fired = timers.pop_due(Instant::from_nanos(5)).expect("due");
    let index = fired.deadline.expect("a cancel timer");
    assert_eq!(timers.deadline_state(key), Some(Deadline::Fired));
    assert_eq!(timers.fired_task(index), Some(task));
    assert_eq!(timers.deliver(index), [TaskId::from_index(7)]);
    assert!(timers.take_waker(index).is_none(), "the task's own waker");
    assert_eq!(timers.deadline_state(key), Some(Deadline::Delivered));
    timers.cancel(key);
    assert_eq!(timers.deadline_state(key), None);
    assert!(timers.scopes.is_empty());

    let key = timers.arm(Instant::from_nanos(9), task, None, TimerKind::Cancel);
    timers.set_scope(key, vec![TaskId::from_index(8)]);
    let index = timers
        .pop_due(Instant::from_nanos(9))
        .unwrap()
        .deadline
        .unwrap();
    timers.cancel(key);
    assert!(!timers.is_armed(key));
    assert!(timers.free.is_empty(), "kept while its entry is queued");
    assert_eq!(timers.fired_task(index), None);
    assert_eq!(timers.free, [index], "freed at its turn");
    assert!(timers.scopes.is_empty(), "its scope went with it");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Own sleeps (no slab entry) and slab timers mixed: whatever is armed, cancelled and
    /// fired, live timers fire in `(deadline, arming order)` order, each once and only when
    /// due, an own sleep's task comes from its queued deadline, and an own sleep knows it
    /// fired from its deadline alone.
    #[test]
    fn own_sleeps_fire_in_order_with_slab_timers(
        ops in proptest::collection::vec((0u8..5, 0u64..20, 0u32..40), 1..300)
    ) {
        let mut timers = Timers::default();
        let mut model: Vec<(u64, usize)> = Vec::new(); // (deadline, task), in arming order
        let mut keys = Vec::new(); // (key, task, deadline, own)
        let mut fired_tasks = Vec::new();
        let mut now = 0;
        for (n, (op, x, shift)) in ops.into_iter().enumerate() {
            match op {
                0..=2 => {
                    let deadline = now + 1 + (x << (shift % 25)) + u64::from(shift);
                    let task = TaskId::from_index(n);
                    let own = op != 0;
                    let key = if own {
                        timers.arm_own(deadline, task).expect("sequence numbers left")
                    } else {
                        let waker = Some(Waker::noop().clone());
                        timers.arm(Instant::from_nanos(deadline), task, waker, TimerKind::Wake)
                    };
                    prop_assert_eq!(key.is_own(), own);
                    prop_assert_eq!(timers.task_of(key), Some(task));
                    model.push((deadline, n));
                    keys.push((key, n, deadline, own));
                }
                3 => {
                    if !keys.is_empty() {
                        // A sleep is cancelled once, when its future is dropped.
                        let (key, task, deadline, own) = keys.remove(x as usize % keys.len());
                        let was = model.iter().any(|m| m.1 == task);
                        prop_assert_eq!(!timers.sleep_fired(key, deadline), was);
                        let waker = timers.cancel_sleep(key, deadline);
                        prop_assert_eq!(waker.is_some(), was && !own);
                        model.retain(|m| m.1 != task);
                    }
                }
                _ => {
                    let next = timers.next_deadline().map(Instant::as_nanos);
                    // A deadline in the past is due at the clock.
                    prop_assert_eq!(next, model.iter().map(|m| m.0.max(now)).min());
                    now = next.unwrap_or(now);
                    // A stable sort: ties stay in arming order.
                    model.sort_by_key(|m| m.0);
                    let due: Vec<usize> = model.iter().filter(|m| m.0 <= now).map(|m| m.1).collect();
                    model.retain(|m| m.0 > now);
                    let mut fired = Vec::new();
                    while let Some(f) = timers.pop_due(Instant::from_nanos(now)) {
                        prop_assert_eq!(f.deadline, None);
                        fired.push(f.task.index());
                    }
                    prop_assert_eq!(&fired, &due);
                    fired_tasks.extend(fired);
                }
            }
            for &(key, task, deadline, own) in &keys {
                if own {
                    let pending = model.iter().any(|m| m.1 == task);
                    let fired = fired_tasks.contains(&task);
                    prop_assert!(!(pending && fired));
                    if pending || fired {
                        prop_assert_eq!(timers.sleep_fired(key, deadline), fired);
                    }
                }
            }
            prop_assert!(timers.queued <= 2 * (model.len() + 64));
            prop_assert!(timers.few.is_empty() || timers.queued == 0);
            prop_assert!(timers.few.iter().all(|q| timers.live(q)));
            prop_assert!(timers.overdue.iter().all(|q| timers.live(q) && q.deadline < timers.last));
            prop_assert!(timers.cancelled.len() <= timers.stale);
            prop_assert_eq!(timers.queued, timers.buckets.iter().map(Vec::len).sum::<usize>() - timers.taken);
            // A purge sweeps only the buckets marked as holding stale entries, and keeps the
            // others' minima: the marks and minima must be true of every bucket.
            for b in 1..BUCKETS {
                let entries = &timers.buckets[b];
                prop_assert_eq!(timers.nonempty.contains(b), !entries.is_empty());
                prop_assert!(timers.has_stale.contains(b) || entries.iter().all(|q| timers.live(q)));
                let min = entries.iter().map(|q| q.deadline).min().unwrap_or(u64::MAX);
                prop_assert!(timers.bucket_min[b] <= min);
                prop_assert!(timers.min_stale.contains(b) || timers.bucket_min[b] == min);
            }
            // The deadlock check sees exactly the live own sleeps.
            let live_own: Vec<usize> = keys.iter().filter(|k| k.3 && model.iter().any(|m| m.1 == k.1)).map(|k| k.1).collect();
            let mut seen: Vec<usize> = timers.queued_own().map(|(t, foreign)| { assert!(!foreign); t.index() }).collect();
            seen.sort();
            prop_assert_eq!(seen, live_own);
        }
    }
}

/// An own sleep given a foreign waker (its future polled in another context) hands it to
/// the engine when it fires, and the deadlock check counts it as reaching anyone; given its
/// task's own waker back, it fires as an own sleep again.
#[test]
fn own_sleeps_carry_a_foreign_waker_given_later() {
    let mut timers = Timers::default();
    let task = TaskId::from_index(4);
    let key = timers.arm_own(10, task).unwrap();
    assert!(timers.any_armed(|t, foreign| t == task && !foreign));
    let foreign = Waker::noop().clone();
    timers.set_waker(key, &foreign, false);
    assert!(timers.any_armed(|_, foreign| foreign));
    let fired = timers.pop_due(Instant::from_nanos(10)).unwrap();
    assert_eq!(fired.task, task);
    assert!(fired.waker.is_some());
    assert!(timers.sleep_fired(key, 10));
    assert!(timers.foreign.is_empty());

    let key = timers.arm_own(20, task).unwrap();
    timers.set_waker(key, &foreign, false);
    timers.set_waker(key, &foreign, true);
    assert!(
        timers
            .pop_due(Instant::from_nanos(20))
            .unwrap()
            .waker
            .is_none()
    );

    // Cancelled in the heap (more than `FEW` queued): the set of cancellations empties as
    // their entries surface, and the clock never stops at a cancelled deadline.
    let keys: Vec<_> = (0..2 * FEW as u64)
        .map(|k| (timers.arm_own(30 + k, task).unwrap(), 30 + k))
        .collect();
    assert!(timers.queued > 0);
    for &(key, deadline) in &keys[..FEW] {
        assert!(timers.cancel_sleep(key, deadline).is_none());
    }
    assert_eq!(timers.cancelled.len(), FEW);
    assert_eq!(
        timers.next_deadline(),
        Some(Instant::from_nanos(30 + FEW as u64))
    );
    while timers.pop_due(Instant::from_nanos(100)).is_some() {}
    assert!(timers.cancelled.is_empty());
    assert!(!timers.any_armed(|_, _| true));
}

/// Regression (found by `own_sleeps_fire_in_order_with_slab_timers`): in `few`, an own
/// sleep's entry holds its task's index where a slab timer's holds its slab index, so
/// cancelling slab timer 1 removed task 1's sleep; entries are now matched on both words.
#[test]
fn cancelling_a_slab_timer_in_few_leaves_an_own_sleep_with_the_same_index() {
    let mut timers = Timers::default();
    let slab_task = TaskId::from_index(7);
    let waker = || Some(Waker::noop().clone());
    timers.arm(Instant::from_nanos(5), slab_task, waker(), TimerKind::Wake);
    let key = timers.arm(Instant::from_nanos(6), slab_task, waker(), TimerKind::Wake);
    assert_eq!(key.index, 1);
    timers.arm_own(4, TaskId::from_index(1)).unwrap();
    assert!(timers.cancel(key).is_some());
    let fired = timers.pop_due(Instant::from_nanos(9)).unwrap();
    assert_eq!(
        fired.task,
        TaskId::from_index(1),
        "the own sleep is still queued"
    );
    assert_eq!(
        timers.pop_due(Instant::from_nanos(9)).unwrap().task,
        slab_task
    );
    assert!(timers.pop_due(Instant::from_nanos(9)).is_none());
}

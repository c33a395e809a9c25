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
        let mut now = 0;
        for (n, (op, x, shift)) in ops.into_iter().enumerate() {
            match op {
                0 | 1 => {
                    // Deltas from 0 to 2^44 ns, so every bucket of the radix heap is used.
                    let deadline = now + (x << (shift % 25)) + u64::from(shift);
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
                    prop_assert_eq!(next, model.iter().map(|m| m.0).min());
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
            prop_assert_eq!(timers.queued, timers.buckets.iter().map(Vec::len).sum::<usize>() - timers.taken);
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

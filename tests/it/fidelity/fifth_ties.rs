//! The fifth round, ties and aborts (cases 451-460): wait and as_completed timeouts tied
//! with task ends, Event and Semaphore users inside aborting TaskGroups, a shield in an
//! aborted child, a gather(return_exceptions) cancelled late, Condition.wait_for with two
//! notifiers, call_later(0) against sleep(0), a Lock holder cancelled while waiters time
//! out, a cancellation forwarded down a chain of tasks.

use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::{Condition, Event, Lock, Semaphore};
use simloop::task::{call_later, call_soon};
use simloop::{
    JoinError, ReturnWhen, TaskGroup, as_completed, gather_all, gather_all_tasks, gather_tasks,
    log, shield_task, sleep, spawn, try_wait, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

async fn job(name: &'static str, d: f64, fail: bool) -> Result<(), &'static str> {
    sleep(secs(d)).await;
    if fail {
        log!("{name} fails");
        return Err(name);
    }
    log!("{name} done");
    Ok(())
}

/// wait(FIRST_EXCEPTION, timeout) where a task fails at the instant the timeout fires: the
/// task's step runs before the caller's, so the caller finds it done; wait's timeout
/// cancels nothing.
#[test]
fn case_451_wait_first_exception_timeout_tie() {
    assert_matches_cpython("451_wait_first_exception_timeout_tie", async {
        let a = spawn(job("a", 1.0, true)).share();
        let b = spawn(job("b", 2.0, false)).share();
        yield_now().await;
        let (done, pending) = try_wait(
            vec![a.clone(), b.clone()],
            ReturnWhen::FirstException,
            Some(secs(1.0)),
        )
        .await;
        log!("first: done={} pending={}", done.len(), pending.len());
        let c = spawn(job("c", 1.0, true)).share();
        let (done, pending) = try_wait(
            vec![b.clone(), c.clone()],
            ReturnWhen::FirstException,
            Some(secs(1.0)),
        )
        .await;
        log!(
            "second: done={} pending={} b done={}",
            done.len(),
            pending.len(),
            py_bool(b.done())
        );
        b.await.unwrap().unwrap();
        log!(
            "a failed={}",
            py_bool(matches!(a.result(), Some(Ok(Err(_)))))
        );
        gather_all_tasks(vec![c.clone()]).await;
        log!(
            "c failed={}",
            py_bool(matches!(c.result(), Some(Ok(Err(_)))))
        );
    });
}

/// as_completed with a timeout equal to a task's end, the timeout armed first: the task
/// is not yielded; the rest raise TimeoutError and keep running.
#[test]
fn case_452_as_completed_timeout_tie() {
    assert_matches_cpython("452_as_completed_timeout_tie", async {
        let ts: Vec<_> = [("a", 1.0), ("b", 0.5), ("c", 2.0)]
            .into_iter()
            .map(|(n, d)| {
                spawn(async move {
                    sleep(secs(d)).await;
                    n
                })
                .share()
            })
            .collect();
        yield_now().await;
        let mut stream = as_completed(ts.clone(), Some(secs(1.0)));
        while let Some(r) = stream.next().await {
            match r {
                Ok(v) => log!("got {}", v.unwrap()),
                Err(_) => {
                    log!("timed out");
                    break;
                }
            }
        }
        drop(stream);
        log!("c done={}", py_bool(ts[2].done()));
        ts[2].clone().await.unwrap();
        log!("end");
    });
}

/// TaskGroup children waiting on an Event are cancelled when a sibling fails; an Event set
/// in the failing step still wakes them first, then the abort cancels them.
#[test]
fn case_453_event_waiters_in_group_abort() {
    async fn waiter(ev: Rc<Event>, name: &'static str) -> Result<(), &'static str> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        ev.wait().await;
        log!("{name} saw the event");
        sleep(secs(1.0)).await;
        cancelled.disarm();
        log!("{name} finished");
        Ok(())
    }
    async fn run_group(set_first: bool) {
        let ev = Rc::new(Event::new());
        let tg = TaskGroup::new();
        tg.spawn(waiter(ev.clone(), "w1")).map(drop).unwrap();
        tg.spawn(waiter(ev.clone(), "w2")).map(drop).unwrap();
        let e = ev.clone();
        tg.spawn(async move {
            sleep(secs(1.0)).await;
            if set_first {
                e.set();
            }
            Err::<(), _>("boom")
        })
        .map(drop)
        .unwrap();
        if tg.join().await.is_err() {
            log!("group failed (set_first={})", py_bool(set_first));
        }
    }
    assert_matches_cpython("453_event_waiters_in_group_abort", async {
        run_group(false).await;
        run_group(true).await;
    });
}

/// A TaskGroup child awaiting shield(task) is cancelled by a sibling's failure; the
/// shielded task runs on after the group failed.
#[test]
fn case_454_shield_in_group_child_abort() {
    assert_matches_cpython("454_shield_in_group_child_abort", async {
        let t = spawn(async {
            sleep(secs(2.0)).await;
            log!("shielded work done");
            5
        })
        .share();
        let tg: TaskGroup<&str> = TaskGroup::new();
        let shielded = shield_task(t.clone());
        tg.spawn(async move {
            let cancelled = OnDrop::new("child cancelled");
            shielded.await.unwrap();
            cancelled.disarm();
            Ok(())
        })
        .map(drop)
        .unwrap();
        tg.spawn(async {
            sleep(secs(1.0)).await;
            Err::<(), _>("x")
        })
        .map(drop)
        .unwrap();
        if tg.join().await.is_err() {
            log!("group failed, t done={}", py_bool(t.done()));
        }
        log!("t result={}", t.await.unwrap());
    });
}

/// gather(return_exceptions=True) cancelled after a child ended: only the unfinished are
/// cancelled; a second cancel() returns False. (simloop's `GatherAll` lists the
/// cancellations where asyncio raises CancelledError.)
#[test]
fn case_455_gather_return_exceptions_outer_cancel_late() {
    async fn child(name: &'static str, d: f64) -> &'static str {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        log!("{name} done");
        name
    }
    assert_matches_cpython("455_gather_return_exceptions_outer_cancel_late", async {
        let mut g = gather_all([child("a", 1.0), child("b", 2.0), child("c", 3.0)]);
        sleep(secs(1.5)).await;
        log!("cancel -> {}", if g.cancel() { "True" } else { "False" });
        let r = (&mut g).await;
        if r.iter()
            .any(|x| matches!(x, Err(JoinError::Cancelled { .. })))
        {
            log!("gather cancelled");
        }
        log!(
            "cancel again -> {}",
            if g.cancel() { "True" } else { "False" }
        );
    });
}

/// Condition.wait_for(pred) with notifiers: a notify that leaves the predicate false puts
/// the waiter back in line; a later notify_all satisfies the other.
#[test]
fn case_456_condition_wait_for_two_notifiers() {
    async fn waiter(cond: Rc<Condition<u32>>, name: &'static str, need: u32) {
        let g = cond.lock().await;
        let g = cond.wait_for(g, |n| *n >= need).await;
        log!("{name} sees n={}", *g);
    }
    async fn bump(cond: Rc<Condition<u32>>, d: f64, by: u32, all: bool) {
        sleep(secs(d)).await;
        let mut g = cond.lock().await;
        *g += by;
        if all {
            cond.notify_all().unwrap();
        } else {
            cond.notify(1).unwrap();
        }
        log!("bumped to {} ({})", *g, if all { "all" } else { "one" });
    }
    assert_matches_cpython("456_condition_wait_for_two_notifiers", async {
        let cond = Rc::new(Condition::new(0u32));
        let mut ts = vec![
            spawn(waiter(cond.clone(), "w2", 2)),
            spawn(waiter(cond.clone(), "w1", 1)),
        ];
        ts.push(spawn(bump(cond.clone(), 1.0, 1, false)));
        ts.push(spawn(bump(cond.clone(), 2.0, 1, false)));
        ts.push(spawn(bump(cond.clone(), 3.0, 1, true)));
        gather_tasks(ts).await.unwrap();
    });
}

/// call_later(0) fires at the next pass's start, behind what that pass queued; a
/// callback's call_later(0) waits for the pass after.
#[test]
fn case_457_call_later_zero_vs_sleep0() {
    fn cb(name: &'static str) {
        log!("{name}");
        if name == "later0-a" {
            call_later(secs(0.0), || log!("later0 from callback"));
            call_soon(|| log!("soon from callback"));
        }
    }
    assert_matches_cpython("457_call_later_zero_vs_sleep0", async {
        call_later(secs(0.0), || cb("later0-a"));
        call_soon(|| cb("soon-a"));
        for i in 0..3 {
            log!("main {i}");
            yield_now().await;
        }
        call_later(secs(0.0), || cb("later0-b"));
        yield_now().await;
        log!("main 3");
        yield_now().await;
        log!("main 4");
    });
}

/// A Lock holder cancelled (by a timer callback) at the instant a waiter's wait_for
/// expires, the expiry armed first: that waiter leaves the line, the lock goes to the
/// other.
#[test]
fn case_458_lock_holder_cancelled_waiters_timeout() {
    async fn waiter(lock: Rc<Lock>, name: &'static str, t: f64) {
        if wait_for(secs(t), lock.acquire()).await.is_err() {
            log!("{name} timed out");
            return;
        }
        log!("{name} acquired");
        sleep(secs(0.5)).await;
        lock.release().unwrap();
    }
    assert_matches_cpython("458_lock_holder_cancelled_waiters_timeout", async {
        let lock = Rc::new(Lock::new(()));
        let l = lock.clone();
        let h = spawn(async move {
            let _held = l.lock().await;
            log!("holder has it");
            let cancelled = OnDrop::new("holder cancelled");
            sleep(secs(5.0)).await;
            cancelled.disarm();
        });
        yield_now().await;
        let w1 = spawn(waiter(lock.clone(), "w1", 1.0));
        let w2 = spawn(waiter(lock.clone(), "w2", 3.0));
        yield_now().await;
        let cancel = h.abort_handle();
        call_later(secs(1.0), move || {
            cancel.cancel();
        });
        gather_all_tasks(vec![h, w1, w2]).await;
        log!("locked={}", py_bool(lock.locked()));
    });
}

/// TaskGroup children holding and waiting on a Semaphore; a holder fails: the others are
/// cancelled (one just admitted), and every permit comes back.
#[test]
fn case_459_semaphore_holders_in_group_fail() {
    async fn user(
        sem: Rc<Semaphore>,
        name: &'static str,
        d: f64,
        fail: bool,
    ) -> Result<(), &'static str> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let _p = sem.acquire().await;
        log!("{name} in");
        sleep(secs(d)).await;
        cancelled.disarm();
        if fail {
            log!("{name} fails");
            return Err(name);
        }
        log!("{name} out");
        Ok(())
    }
    assert_matches_cpython("459_semaphore_holders_in_group_fail", async {
        let sem = Rc::new(Semaphore::new(2));
        let tg = TaskGroup::new();
        for (n, d, f) in [
            ("a", 2.0, false),
            ("b", 1.0, true),
            ("c", 1.0, false),
            ("d", 1.0, false),
        ] {
            tg.spawn(user(sem.clone(), n, d, f)).map(drop).unwrap();
        }
        if tg.join().await.is_err() {
            log!("group failed");
        }
        log!("locked={}", py_bool(sem.locked()));
        let _a = sem.acquire().await;
        let _b = sem.acquire().await;
        log!("both permits back");
    });
}

/// Cancelling the outer of a chain (outer awaits mid, mid awaits an Event) forwards to mid
/// inside cancel(); mid ends cancelled, outer resumes one slot later, cancelled.
#[test]
fn case_460_task_awaits_task_awaiting_event_cancel() {
    assert_matches_cpython("460_task_awaits_task_awaiting_event_cancel", async {
        let ev = Rc::new(Event::new());
        let e = ev.clone();
        let m = spawn(async move {
            let cancelled = OnDrop::new("mid cancelled");
            e.wait().await;
            cancelled.disarm();
        })
        .share();
        let mm = m.clone();
        let o = spawn(async move {
            let seen = mm.clone();
            let cancelled = super::Finally::new(move || {
                log!(
                    "outer cancelled, mid cancelled={}",
                    py_bool(seen.cancelled())
                )
            });
            mm.await.unwrap();
            cancelled.disarm();
        });
        yield_now().await;
        let k = spawn(async {
            for i in 0..4 {
                log!("tick {i}");
                yield_now().await;
            }
        });
        o.cancel();
        log!("cancel requested, mid cancelling={}", m.cancelling());
        gather_all_tasks(vec![o, k]).await;
        log!(
            "event set={} mid done={}",
            py_bool(ev.is_set()),
            py_bool(m.done())
        );
    });
}

//! The exhibits. Each program panics (or deadlocks) when the bug shows; each `fixed`
//! variant removes the race. Every buggy program passes under FIFO: the bug needs an
//! interleaving other than asyncio's default one.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use simloop::sync::{Condition, Event, Lock, Queue, Semaphore};
use simloop::task::call_later;
use simloop::{sleep, spawn_named, timeout, wait_for, yield_now};

use super::Bug;

type Boxed = Pin<Box<dyn Future<Output = ()>>>;

async fn work(steps: usize) {
    for _ in 0..steps {
        yield_now().await;
    }
}

/// A lost update across an await: read, await, write back the stale value + 1.
pub const LOST_UPDATE: Bug = Bug {
    name: "lost update",
    buggy: || lost_update(false, 3),
    fixed: || lost_update(true, 3),
    depth: 2,
    jitter_ms: 0,
};

/// The lost update again, but `b` works 12 steps before its increment: the bug needs `b`
/// to run 13 steps in a row while `a` holds its stale value. Random scheduling rarely does
/// that; PCT's priorities do it whenever the change point demotes `a` at its read.
pub const LOST_UPDATE_LONG: Bug = Bug {
    name: "lost update, long critical path",
    buggy: || lost_update(false, 12),
    fixed: || lost_update(true, 12),
    depth: 2,
    jitter_ms: 0,
};

fn lost_update(fixed: bool, b_work: usize) -> Boxed {
    Box::pin(async move {
        let n = Rc::new(Cell::new(0));
        let n1 = n.clone();
        let a = spawn_named("a", async move {
            work(1).await;
            let v = n1.get();
            if !fixed {
                yield_now().await;
            }
            n1.set(v + 1);
        });
        let n2 = n.clone();
        let b = spawn_named("b", async move {
            work(b_work).await;
            n2.set(n2.get() + 1);
        });
        a.await.unwrap();
        b.await.unwrap();
        assert_eq!(
            n.get(),
            2,
            "lost update: two increments, counter {}",
            n.get()
        );
    })
}

/// Check-then-act: both withdrawals pass the balance check, then both withdraw.
pub const CHECK_THEN_ACT: Bug = Bug {
    name: "check-then-act",
    buggy: || check_then_act(false),
    fixed: || check_then_act(true),
    depth: 2,
    jitter_ms: 0,
};

fn check_then_act(fixed: bool) -> Boxed {
    Box::pin(async move {
        let balance = Rc::new(Cell::new(10i32));
        let withdraw = |delay: usize| {
            let b = balance.clone();
            async move {
                work(delay).await;
                if b.get() >= 10 {
                    if !fixed {
                        yield_now().await; // e.g. an audit log write between check and act
                    }
                    b.set(b.get() - 10);
                }
            }
        };
        let w1 = spawn_named("w1", withdraw(0));
        let w2 = spawn_named("w2", withdraw(2));
        w1.await.unwrap();
        w2.await.unwrap();
        assert!(balance.get() >= 0, "overdrawn: balance {}", balance.get());
    })
}

/// A semaphore permit leaked on cancellation: released by hand after an await, so a
/// cancellation landing while it is held never gives it back.
pub const PERMIT_LEAK: Bug = Bug {
    name: "permit leaked on cancel (hand-rolled)",
    buggy: || permit_leak(false),
    fixed: || permit_leak(true),
    depth: 2,
    jitter_ms: 0,
};

/// Gives a permit back when dropped, also when the holder is cancelled.
struct Permit(Rc<Cell<u32>>);

impl Drop for Permit {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

fn permit_leak(fixed: bool) -> Boxed {
    Box::pin(async move {
        let permits = Rc::new(Cell::new(1u32));
        let p = permits.clone();
        let worker = spawn_named("worker", async move {
            work(2).await;
            while p.get() == 0 {
                yield_now().await;
            }
            p.set(p.get() - 1);
            let guard = fixed.then(|| Permit(p.clone()));
            sleep(Duration::from_millis(10)).await;
            match guard {
                Some(g) => drop(g),
                None => p.set(p.get() + 1),
            }
        });
        work(1).await;
        worker.cancel();
        let _ = worker.await;
        assert_eq!(permits.get(), 1, "permit leaked by the cancelled worker");
    })
}

/// A timeout racing completion: the timeout cancels the worker after it took the item but
/// before it delivered it, and the item is lost.
pub const TIMEOUT_RACE: Bug = Bug {
    name: "timeout drops result",
    buggy: || timeout_race(false),
    fixed: || timeout_race(true),
    depth: 2,
    jitter_ms: 0,
};

/// Puts an item taken from the queue back unless it was delivered.
struct Taken {
    item: Option<u32>,
    queue: Rc<RefCell<Vec<u32>>>,
}

impl Drop for Taken {
    fn drop(&mut self) {
        if let Some(item) = self.item.take() {
            self.queue.borrow_mut().push(item);
        }
    }
}

fn timeout_race(fixed: bool) -> Boxed {
    Box::pin(async move {
        let queue = Rc::new(RefCell::new(vec![7u32]));
        let delivered = Rc::new(RefCell::new(Vec::new()));
        let (q, d) = (queue.clone(), delivered.clone());
        let worker = spawn_named("worker", async move {
            let item = q.borrow_mut().pop().expect("an item");
            // The fixed worker holds the item in a guard that puts it back if cancelled.
            let mut guard = fixed.then(|| Taken {
                item: Some(item),
                queue: q.clone(),
            });
            sleep(Duration::from_millis(10)).await;
            if let Some(g) = &mut guard {
                g.item = None;
            }
            d.borrow_mut().push(item);
        });
        // A hand-made timeout of 10 ms around the worker's 10 ms of work.
        yield_now().await;
        sleep(Duration::from_millis(10)).await;
        worker.cancel();
        let _ = worker.await;
        let total = queue.borrow().len() + delivered.borrow().len();
        assert_eq!(
            total, 1,
            "result dropped: the timeout cancelled the worker holding it"
        );
    })
}

/// A lock-order deadlock ([`simloop::sync::Lock`]): `a` takes m1 then m2, `b` takes m2
/// then m1.
pub const LOCK_ORDER: Bug = Bug {
    name: "lock-order deadlock",
    buggy: || lock_order(false),
    fixed: || lock_order(true),
    depth: 2,
    jitter_ms: 0,
};

fn lock_order(fixed: bool) -> Boxed {
    Box::pin(async move {
        let m1 = Rc::new(Lock::new(0));
        let m2 = Rc::new(Lock::new(0));
        let (a1, a2) = (m1.clone(), m2.clone());
        let a = spawn_named("a", async move {
            let mut x = a1.lock().await;
            yield_now().await;
            let mut y = a2.lock().await;
            *x += 1;
            *y += 1;
        });
        let (first, second) = if fixed { (m1, m2) } else { (m2, m1) };
        let b = spawn_named("b", async move {
            work(2).await;
            let mut x = first.lock().await;
            yield_now().await;
            let mut y = second.lock().await;
            *x += 1;
            *y += 1;
        });
        a.await.unwrap();
        b.await.unwrap();
    })
}

/// A missed notification: the consumer checks the flag, awaits something, then waits for a
/// notification that was already sent (condition variable semantics: a notify with no
/// waiter is lost). It then waits forever: a deadlock.
pub const MISSED_NOTIFY: Bug = Bug {
    name: "missed notification (hand-rolled)",
    buggy: || missed_notify(false),
    fixed: || missed_notify(true),
    depth: 2,
    jitter_ms: 0,
};

/// A minimal condition: `notify` wakes the current waiter, if any, and is otherwise lost.
#[derive(Default)]
struct Cond {
    waiter: RefCell<Option<Waker>>,
    notified: Cell<bool>,
}

impl Cond {
    fn notify(&self) {
        if let Some(w) = self.waiter.borrow_mut().take() {
            self.notified.set(true);
            w.wake();
        }
    }

    fn wait(&self) -> Wait<'_> {
        self.notified.set(false);
        Wait(self)
    }
}

struct Wait<'a>(&'a Cond);

impl Future for Wait<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.notified.get() {
            return Poll::Ready(());
        }
        *self.0.waiter.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

fn missed_notify(fixed: bool) -> Boxed {
    Box::pin(async move {
        let cond = Rc::new(Cond::default());
        let ready = Rc::new(Cell::new(false));
        let (c, r) = (cond.clone(), ready.clone());
        let consumer = spawn_named("consumer", async move {
            if fixed {
                while !r.get() {
                    c.wait().await;
                }
            } else if !r.get() {
                yield_now().await; // e.g. a log write between the check and the wait
                c.wait().await;
            }
        });
        let producer = spawn_named("producer", async move {
            work(1).await;
            ready.set(true);
            cond.notify();
        });
        producer.await.unwrap();
        consumer.await.unwrap();
    })
}

/// A semaphore permit leaked on cancellation ([`simloop::Semaphore`]): the permit is
/// managed by hand (`forget`, then `release` after an await), so a cancellation landing
/// while it is held never gives it back.
pub const SEMAPHORE_LEAK: Bug = Bug {
    name: "semaphore permit leaked",
    buggy: || semaphore_leak(false),
    fixed: || semaphore_leak(true),
    depth: 2,
    jitter_ms: 0,
};

fn semaphore_leak(fixed: bool) -> Boxed {
    Box::pin(async move {
        let sem = Rc::new(Semaphore::new(1));
        let s = sem.clone();
        let worker = spawn_named("worker", async move {
            work(2).await;
            let permit = s.acquire().await;
            if fixed {
                sleep(Duration::from_millis(10)).await;
                drop(permit);
            } else {
                permit.forget();
                sleep(Duration::from_millis(10)).await;
                s.release();
            }
        });
        work(1).await;
        worker.cancel();
        let _ = worker.await;
        assert_eq!(
            sem.value(),
            1,
            "semaphore permit leaked by the cancelled worker"
        );
    })
}

/// A missed [`simloop::sync::Condition`] notification: the consumer checks the flag,
/// releases the lock for an await, then waits: the notification sent in between is lost.
pub const MISSED_CONDITION: Bug = Bug {
    name: "missed Condition notify",
    buggy: || missed_condition(false),
    fixed: || missed_condition(true),
    depth: 2,
    jitter_ms: 0,
};

fn missed_condition(fixed: bool) -> Boxed {
    Box::pin(async move {
        let cond = Rc::new(Condition::new(false));
        let c = cond.clone();
        let consumer = spawn_named("consumer", async move {
            let g = c.lock().await;
            if fixed {
                let _g = c.wait_for(g, |ready| *ready).await;
            } else if !*g {
                drop(g);
                yield_now().await; // e.g. a log write between the check and the wait
                let g = c.lock().await;
                let _g = c.wait(g).await;
            }
        });
        let producer = spawn_named("producer", async move {
            work(1).await;
            let mut g = cond.lock().await;
            *g = true;
            cond.notify_all().expect("lock held");
            drop(g);
        });
        producer.await.unwrap();
        consumer.await.unwrap();
    })
}

/// A [`simloop::sync::Queue`] join that never returns: a worker cancelled while processing
/// an item never calls `task_done` for it.
pub const QUEUE_JOIN: Bug = Bug {
    name: "queue join never returns",
    buggy: || queue_join(false),
    fixed: || queue_join(true),
    depth: 2,
    jitter_ms: 0,
};

/// Calls `task_done` when dropped, also when the worker is cancelled mid-item.
struct Done<'a>(&'a Queue<u32>);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        let _ = self.0.task_done();
    }
}

fn queue_join(fixed: bool) -> Boxed {
    Box::pin(async move {
        let q = Rc::new(Queue::new());
        q.put_nowait(1).unwrap();
        q.put_nowait(2).unwrap();
        let worker = |q: Rc<Queue<u32>>| async move {
            loop {
                let _item = q.get().await;
                let done = fixed.then(|| Done(&q));
                sleep(Duration::from_millis(1)).await;
                if done.is_none() {
                    q.task_done().unwrap();
                }
            }
        };
        let watchdog_target = Rc::new(Cell::new(None));
        let t = watchdog_target.clone();
        let watchdog = spawn_named("watchdog", async move {
            if let Some(h) = t.take() {
                let h: simloop::JoinHandle<()> = h;
                h.cancel();
            }
        });
        let w1 = spawn_named("w1", worker(q.clone()));
        watchdog_target.set(Some(w1));
        let w2 = spawn_named("w2", worker(q.clone()));
        q.join().await;
        drop((watchdog, w2));
    })
}

/// A [`simloop::timeout`] racing completion: the worker usually needs 9 ms and the timeout
/// allows 10, but on a slow machine (timer jitter) the timeout fires first and
/// `timeout(d, handle)` drops the handle: the worker finishes anyway and the item it
/// returns is dropped with its output. Needs [`simloop::Sim::timer_jitter`] to show.
pub const TIMEOUT_JITTER: Bug = Bug {
    name: "timeout drops result (timeout + jitter)",
    buggy: || timeout_jitter(false),
    fixed: || timeout_jitter(true),
    depth: 2,
    jitter_ms: 2,
};

fn timeout_jitter(fixed: bool) -> Boxed {
    Box::pin(async move {
        let queue = Rc::new(RefCell::new(vec![7u32]));
        let q = queue.clone();
        let mut worker = spawn_named("worker", async move {
            let item = q.borrow_mut().pop().expect("an item");
            let mut guard = fixed.then(|| Taken {
                item: Some(item),
                queue: q.clone(),
            });
            sleep(Duration::from_millis(9)).await;
            if let Some(g) = &mut guard {
                g.item = None;
            }
            item
        });
        yield_now().await;
        let mut delivered = Vec::new();
        if fixed {
            // On expiry, cancel the worker and still collect what it returned, if it did;
            // if the cancellation lands first, its guard puts the item back.
            match timeout(Duration::from_millis(10), &mut worker).await {
                Ok(item) => delivered.push(item.unwrap()),
                Err(_) => {
                    worker.cancel();
                    if let Ok(item) = worker.await {
                        delivered.push(item);
                    }
                }
            }
        } else if let Ok(item) = timeout(Duration::from_millis(10), worker).await {
            delivered.push(item.unwrap());
        }
        // Let a detached worker finish before checking.
        sleep(Duration::from_millis(5)).await;
        let total = queue.borrow().len() + delivered.len();
        assert_eq!(
            total, 1,
            "result dropped: the timeout won the race and dropped the handle"
        );
    })
}

/// A timeout expiring at the instant its work completes (`scenarios/bug_timeout_race.toml`
/// in Rust): a payment charges after 1 s, the caller waits for it with a timeout of 1 s,
/// and on `Elapsed` refunds. Under FIFO the caller's timer was armed first, so the expiry
/// cancels the payment before it charges; when the payment's step runs before the expiry
/// is delivered, it is charged and then refunded. The fixed caller refunds only a payment
/// that did not complete. One ordering constraint (the payment's step before the caller's
/// expiry), so depth 1; PCT found it only from round 17, when an expiry became a step of
/// its task (before, PCT ran every expiry ahead of every task step).
pub const TIMEOUT_EXPIRY: Bug = Bug {
    name: "timeout expires as the work completes",
    buggy: || timeout_expiry(false),
    fixed: || timeout_expiry(true),
    depth: 1,
    jitter_ms: 0,
};

fn timeout_expiry(fixed: bool) -> Boxed {
    Box::pin(async move {
        let (charged, refunded) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
        let c = charged.clone();
        let mut payment = spawn_named("payment", async move {
            sleep(Duration::from_secs(1)).await;
            c.set(1);
        });
        if wait_for(Duration::from_secs(1), &mut payment)
            .await
            .is_err()
        {
            // The expiry cancelled the payment and waited for it: it ended either way.
            let completed = payment.await.is_ok();
            if !(fixed && completed) {
                refunded.set(1);
            }
        }
        assert!(
            charged.get() + refunded.get() <= 1,
            "charged and refunded: the payment completed at the timeout's instant"
        );
    })
}

/// A feature flag flipped by a `call_later` callback at 1 s, read by a job that sleeps 1 s
/// and expects the new value: under FIFO the callback, armed first, runs first; when the
/// job's step runs before it, the job reads the old flag. `fixed` waits for the flip (an
/// Event the callback sets).
pub const CALLBACK_RACE: Bug = Bug {
    name: "call_later callback races a task step",
    buggy: || callback_race(false),
    fixed: || callback_race(true),
    depth: 1,
    jitter_ms: 0,
};

fn callback_race(fixed: bool) -> Boxed {
    Box::pin(async move {
        let flag = Rc::new(Cell::new(1));
        let flipped = Rc::new(Event::new());
        let (f, e) = (flag.clone(), flipped.clone());
        call_later(Duration::from_secs(1), move || {
            f.set(2);
            e.set();
        });
        let (f, e) = (flag.clone(), flipped.clone());
        let job = spawn_named("job", async move {
            sleep(Duration::from_secs(1)).await;
            if fixed {
                e.wait().await;
            }
            f.get()
        });
        assert_eq!(job.await.unwrap(), 2, "the job ran before the flag flipped");
    })
}

use simloop::explore::Explorer;
use simloop::{Policy, Sim, spawn_named, yield_now};
use std::cell::Cell;
use std::rc::Rc;
use crate::zoo::deep;

fn lost(w: usize) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
    Box::pin(async move {
        let n = Rc::new(Cell::new(0));
        let n1 = n.clone();
        let a = spawn_named("a", async move { yield_now().await; let v = n1.get(); yield_now().await; n1.set(v + 1); });
        let n2 = n.clone();
        let b = spawn_named("b", async move { for _ in 0..w { yield_now().await } n2.set(n2.get() + 1); });
        a.await.unwrap(); b.await.unwrap();
        assert_eq!(n.get(), 2, "lost update");
    })
}

#[test]
fn scratch() {
    for w in [12usize, 30] {
        let prog = move || lost(w);
        for policy in [Policy::Random, Policy::Pct { depth: 2 }] {
            let r = Explorer::new().policy(policy).runs(200_000).shrink(true, 4000).explore(prog);
            match r.failure { Some(f) => { let s = f.shrunk.unwrap(); println!("lost w={w} {policy}: found at {} shrunk {} (from {}) tries {} steps {}", f.seed, s.deviations, s.original_deviations, s.tries, s.steps); }
            None => println!("lost w={w} {policy}: not found") }
        }
    }
    for (name, p) in [("yield", deep::yielding as fn(bool) -> deep::Deep), ("queue", deep::queued)] {
        let prog = move || p(false);
        for seed in [0u64, 1000, 2000] {
            let r = Explorer::new().policy(Policy::Pct { depth: 3 }).seed(seed).runs(20_000).shrink(true, 4000).explore(prog);
            let f = r.failure.unwrap(); let s = f.shrunk.unwrap();
            println!("deep {name} seed {seed}: found at {} shrunk {} (from {}) tries {} steps {}", f.seed, s.deviations, s.original_deviations, s.tries, s.steps);
        }
    }
    let _ = Sim::new();
}

#[test]
fn scratch_show() {
    let prog = || deep::yielding(false);
    let r = Explorer::new().policy(Policy::Pct { depth: 3 }).seed(0).runs(20_000).shrink(true, 4000).explore(prog);
    let s = r.failure.unwrap().shrunk.unwrap();
    let out = Sim::new().replay(&s.token).run(prog());
    let mut seq = String::new();
    let mut di = out.token.decisions().iter();
    for line in out.trace.render().lines() {
        if line.contains(" pick ") { let d = di.next().unwrap(); if d.index != 0 { seq.push('*'); } }
        if line.ends_with(" poll") {
            let c = if line.contains("publisher") {'A'} else if line.contains("cache") {'B'} else if line.contains("auditor") {'C'} else {'m'};
            seq.push(c);
        }
    }
    println!("{} devs: {seq}", s.deviations);
}

#[test]
fn scratch_queue_budget() {
    let prog = || deep::queued(false);
    for budget in [4000u64, 20000] {
        let r = Explorer::new().policy(Policy::Pct { depth: 3 }).seed(0).runs(20_000).shrink(true, budget).explore(prog);
        let s = r.failure.unwrap().shrunk.unwrap();
        println!("queue budget {budget}: shrunk {} tries {}", s.deviations, s.tries);
    }
}

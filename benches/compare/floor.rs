//! The floor: W3's shape (rounds of 100 futures yielding 10 times) as a bare round-robin loop
//! over boxed futures with a no-op waker. No queue, no clock, no bookkeeping: the cost of a
//! virtual call to `poll`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::inputs::{W3_FANOUT, W3_ROUNDS, W3_YIELDS};

/// Returns `Pending` `left` times, then its index.
struct Yields {
    left: usize,
    index: usize,
}

impl Future for Yields {
    type Output = usize;
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<usize> {
        if self.left == 0 {
            Poll::Ready(self.index)
        } else {
            self.left -= 1;
            Poll::Pending
        }
    }
}

pub fn run() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0u64;
    for _ in 0..W3_ROUNDS {
        let mut futs: Vec<Pin<Box<dyn Future<Output = usize>>>> = (0..W3_FANOUT)
            .map(|index| {
                Box::pin(Yields {
                    left: W3_YIELDS,
                    index,
                }) as Pin<Box<dyn Future<Output = usize>>>
            })
            .collect();
        let mut results = vec![usize::MAX; W3_FANOUT];
        let mut live = W3_FANOUT;
        while live > 0 {
            for (i, f) in futs.iter_mut().enumerate() {
                if results[i] != usize::MAX {
                    continue;
                }
                polls += 1;
                if let Poll::Ready(v) = std::hint::black_box(f.as_mut()).poll(&mut cx) {
                    results[i] = v;
                    live -= 1;
                }
            }
        }
        assert!(results.iter().enumerate().all(|(i, &v)| i == v));
        futs.clear();
    }
    assert_eq!(polls, crate::inputs::W3_POLLS);
}

//! Seeded inputs shared by every implementation of a workload, so all peers do the same work.

/// SplitMix64: a tiny seeded hash, enough to spread sleep lengths.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// W1: the length in ms (1..=1000) of sleep `k` of task `t`.
pub fn w1_sleep_ms(t: u64, k: u64) -> u64 {
    mix(t * 16 + k) % 1000 + 1
}

/// W2: the length in ms (1..=10) of task `t`'s hold.
pub fn w2_hold_ms(t: u64) -> u64 {
    mix(0x5eed_0002 ^ t) % 10 + 1
}

/// W6: task `t`'s sleep (even, 2..=100 ms) and timeout (odd, 1..=99 ms). They never tie, so
/// every implementation must agree on which expire: about half do.
pub fn w6_sleep_and_deadline_ms(t: u64) -> (u64, u64) {
    let h = mix(0x5eed_0006 ^ t);
    ((h % 50 + 1) * 2, ((h >> 32) % 50) * 2 + 1)
}

/// W6: how many timeouts must expire.
pub fn w6_expected_expiries() -> u64 {
    (0..W6_TASKS)
        .filter(|&t| {
            let (s, d) = w6_sleep_and_deadline_ms(t);
            d < s
        })
        .count() as u64
}

/// The sizes of each workload, in one place.
pub const W1_TASKS: u64 = 10_000;
pub const W1_SLEEPS: u64 = 10;
pub const W2_TASKS: u64 = 10_000;
pub const W2_PERMITS: usize = 10;
pub const W3_ROUNDS: usize = 1_000;
pub const W3_FANOUT: usize = 100;
pub const W3_YIELDS: usize = 10;
/// Task polls in W3: each task is polled once per yield plus once to return.
pub const W3_POLLS: u64 = (W3_ROUNDS * W3_FANOUT * (W3_YIELDS + 1)) as u64;
pub const W4_ITEMS: u64 = 100_000;
pub const W4_WORKERS: usize = 4;
pub const W4_CAPACITY: usize = 16;
pub const W5_RUNS: usize = 10_000;
pub const W6_TASKS: u64 = 10_000;

//! The seed sweep: one job on the calling thread, or several on threads, merged in seed
//! order so that the report does not depend on the number of jobs.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use super::judge::Judged;
use super::quiet::quietly;
use super::report::Progress;
use crate::schedule::Token;

/// One run of a sweep: its position in the sweep, what was kept of it, and for a failing
/// run why and its token.
pub(crate) struct Record {
    pub(crate) index: u64,
    pub(crate) judged: Judged,
    pub(crate) failed: Option<(String, Token)>,
}

/// The runs of a sweep, added in seed order.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) runs: u64,
    pub(crate) failures: u64,
    pub(crate) fingerprints: BTreeSet<u64>,
    pub(crate) max_tasks: u64,
    pub(crate) max_decisions: u64,
    /// The first failing run: its position, message and token.
    pub(crate) first_failure: Option<(u64, String, Token)>,
}

impl Tally {
    pub(crate) fn add(&mut self, record: Record) {
        self.count(&record.judged, record.failed.is_some());
        if let Some((message, token)) = record.failed
            && self.first_failure.is_none()
        {
            self.first_failure = Some((record.index, message, token));
        }
    }

    fn count(&mut self, judged: &Judged, failed: bool) {
        self.runs += 1;
        self.fingerprints.insert(judged.fingerprint);
        self.max_tasks = self.max_tasks.max(judged.tasks);
        self.max_decisions = self.max_decisions.max(judged.decisions);
        self.failures += u64::from(failed);
    }

    /// Adds the tally of other runs (another thread's): the result is the tally of all
    /// the runs, whatever the order of merging.
    fn merge(&mut self, mut other: Tally) {
        self.runs += other.runs;
        self.failures += other.failures;
        self.fingerprints.append(&mut other.fingerprints);
        self.max_tasks = self.max_tasks.max(other.max_tasks);
        self.max_decisions = self.max_decisions.max(other.max_decisions);
        self.first_failure = match (self.first_failure.take(), other.first_failure) {
            (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
            (a, b) => a.or(b),
        };
    }

    fn progress(&self, total: u64) -> Progress {
        Progress {
            done: self.runs,
            total,
            failures: self.failures,
            distinct: self.fingerprints.len(),
        }
    }
}

/// How a sweep runs: how many runs, on how many threads, when to stop.
pub(crate) struct Sweep<'a> {
    pub(crate) total: u64,
    pub(crate) jobs: usize,
    pub(crate) stop_on_failure: bool,
    pub(crate) deadline: Option<Instant>,
    pub(crate) progress: Option<&'a (dyn Fn(&Progress) + Send + Sync)>,
}

impl Sweep<'_> {
    /// Runs `run(0) .. run(total - 1)`, or up to the first failure, and tallies them in
    /// order. Returns the tally and whether the deadline cut the sweep.
    pub(crate) fn run(&self, run: &(dyn Fn(u64) -> Record + Sync)) -> (Tally, bool) {
        if self.jobs <= 1 || self.total <= 1 {
            quietly(|| self.here(run))
        } else {
            self.threads(run)
        }
    }

    fn out_of_time(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// One job: every run on the calling thread, tallied as it ends.
    fn here(&self, run: &(dyn Fn(u64) -> Record + Sync)) -> (Tally, bool) {
        let mut tally = Tally::default();
        for j in 0..self.total {
            if self.out_of_time() {
                return (tally, true);
            }
            let record = run(j);
            let failed = record.failed.is_some();
            tally.add(record);
            if let Some(progress) = self.progress {
                progress(&tally.progress(self.total));
            }
            if failed && self.stop_on_failure {
                break;
            }
        }
        (tally, false)
    }

    /// Several jobs: threads take run numbers from one counter, in order, and tally their
    /// own runs; the calling thread merges the tallies when they end. A stop at a failure
    /// keeps the runs up to the LOWEST failing one, which every job count reaches (no
    /// thread skips a number below a failing one), so the tally does not depend on the
    /// number of jobs: for that case the threads also note each run's number and counters
    /// (a few words, not its record), and the counts are made again from those up to the
    /// stop (the first failure is the stop itself). With a progress callback, records
    /// travel to the calling thread as they end.
    fn threads(&self, run: &(dyn Fn(u64) -> Record + Sync)) -> (Tally, bool) {
        let next = AtomicU64::new(0);
        // Threads take run numbers a few at a time (one shared counter bumped per run costs
        // a cache line's trip between cores, as much as a small run), but few enough that
        // the threads finish together.
        let chunk = (self.total / (64 * self.jobs as u64)).clamp(1, 16);
        let stop_at = AtomicU64::new(u64::MAX);
        let cut = AtomicBool::new(false);
        let mut records: Vec<Record> = Vec::new();
        let mut tally = Tally::default();
        let mut noted: Vec<Vec<Noted>> = Vec::new();
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel::<Record>();
            let workers: Vec<_> = (0..self.jobs.min(self.total as usize))
                .map(|_| {
                    let tx = self.progress.is_some().then(|| tx.clone());
                    let (next, stop_at, cut) = (&next, &stop_at, &cut);
                    scope.spawn(move || {
                        quietly(|| {
                            let (mut mine, mut noted) = (Tally::default(), Vec::new());
                            'chunks: loop {
                                let first = next.fetch_add(chunk, Ordering::Relaxed);
                                for j in first..(first + chunk).min(self.total) {
                                    if self.out_of_time() {
                                        cut.store(true, Ordering::Relaxed);
                                        break 'chunks;
                                    }
                                    if j > stop_at.load(Ordering::Relaxed) {
                                        break 'chunks;
                                    }
                                    let record = run(j);
                                    if record.failed.is_some() && self.stop_on_failure {
                                        stop_at.fetch_min(j, Ordering::Relaxed);
                                    }
                                    match &tx {
                                        Some(tx) => {
                                            if tx.send(record).is_err() {
                                                break 'chunks;
                                            }
                                        }
                                        None => {
                                            if self.stop_on_failure {
                                                noted.push(Noted::of(&record));
                                            }
                                            mine.add(record);
                                        }
                                    }
                                }
                                if first + chunk >= self.total {
                                    break;
                                }
                            }
                            (mine, noted)
                        })
                    })
                })
                .collect();
            drop(tx);
            if let Some(progress) = self.progress {
                let (mut done, mut failures, mut seen) = (0, 0, BTreeSet::new());
                for record in rx {
                    done += 1;
                    failures += u64::from(record.failed.is_some());
                    seen.insert(record.judged.fingerprint);
                    progress(&Progress {
                        done,
                        total: self.total,
                        failures,
                        distinct: seen.len(),
                    });
                    records.push(record);
                }
            }
            for worker in workers {
                let (mine, theirs) = worker.join().expect("an exploring thread panicked");
                tally.merge(mine);
                noted.push(theirs);
            }
        });
        let stop = stop_at.load(Ordering::Relaxed);
        if self.progress.is_some() {
            records.sort_by_key(|r| r.index);
            tally = Tally::default();
            for record in records.into_iter().take_while(|r| r.index <= stop) {
                tally.add(record);
            }
        } else if stop != u64::MAX {
            let mut upto = Tally {
                first_failure: tally.first_failure.take(),
                ..Tally::default()
            };
            for n in noted.iter().flatten().filter(|n| n.index <= stop) {
                upto.count(&n.judged, n.failed);
            }
            tally = upto;
        }
        (tally, cut.load(Ordering::Relaxed) && stop == u64::MAX)
    }
}

/// What a thread notes of each run in case a failure stops the sweep: enough to count the
/// runs up to the stop again.
struct Noted {
    index: u64,
    judged: Judged,
    failed: bool,
}

impl Noted {
    fn of(record: &Record) -> Noted {
        Noted {
            index: record.index,
            judged: record.judged,
            failed: record.failed.is_some(),
        }
    }
}

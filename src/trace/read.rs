//! Reading a compact trace ([`super::Packed`]) back, event by event.

use super::packed::{SHORT, kind, tag, wait};
use crate::task::TaskId;
use crate::time::Instant;
use crate::varint::read as get;

/// One event as read back, its strings borrowed from the trace.
pub(crate) struct Raw<'a> {
    pub(crate) time: Instant,
    pub(crate) task: Option<TaskId>,
    pub(crate) kind: RawKind<'a>,
}

/// An event's fields as read back (see [`super::EventKind`] for their meaning).
pub(crate) enum RawKind<'a> {
    Spawn(TaskId),
    Poll,
    Wake(TaskId),
    TimerArmed(Instant),
    TimerFired(TaskId),
    ClockAdvanced,
    CancelRequested(TaskId, Option<&'a str>),
    CancelDelivered {
        at_run_end: bool,
    },
    Returned,
    Panicked(&'a str),
    Cancelled(Option<&'a str>),
    Log(&'a str),
    /// The waits, read by iterating.
    Blocked(Waits<'a>),
    Decision {
        index: u32,
        arity: u32,
    },
}

/// The waits of a blocked event, still packed.
#[derive(Clone)]
pub(crate) enum Waits<'a> {
    /// A `BLOCKED` record's `left` waits, at the reader's place.
    Listed { reader: Reader<'a>, left: u64 },
    /// A `BLOCKED_SLEEP` record's sleep (`None` once read).
    Sleep(Option<Instant>),
}

/// One wait of a blocked event.
pub(crate) enum RawWait<'a> {
    Join(TaskId),
    Sleep(Instant),
    Resource {
        label: &'a str,
        holders: Vec<TaskId>,
    },
}

/// Reads a [`super::Packed`] trace's events in order.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    labels: &'a [Box<str>],
    at: usize,
    time: u64,
    /// The deadline of the last `TIMER_ARMED` record read (see `kind::BLOCKED_ARMED`).
    armed: Instant,
}

impl<'a> Reader<'a> {
    /// Reads the records `bytes`, whose resource labels are `labels`.
    pub(super) fn new(bytes: &'a [u8], labels: &'a [Box<str>]) -> Reader<'a> {
        Reader {
            bytes,
            labels,
            at: 0,
            time: 0,
            armed: Instant::ZERO,
        }
    }

    fn byte(&mut self) -> u8 {
        let b = self.bytes[self.at];
        self.at += 1;
        b
    }

    /// A little-endian number of `width` bytes.
    fn le(&mut self, width: usize) -> u64 {
        let bytes = &self.bytes[self.at..self.at + width];
        self.at += width;
        bytes.iter().rev().fold(0, |v, &b| (v << 8) | u64::from(b))
    }

    /// A LEB128 varint (the rare records' fields).
    fn get(&mut self) -> u64 {
        get(self.bytes, &mut self.at)
    }

    fn task(&mut self) -> TaskId {
        TaskId::from_raw(self.get() as u32)
    }

    fn str(&mut self) -> &'a str {
        let len = self.get() as usize;
        let bytes = &self.bytes[self.at..self.at + len];
        self.at += len;
        std::str::from_utf8(bytes).expect("recorded from a str")
    }

    /// A zigzag-coded deadline relative to the current time.
    fn deadline(&self, z: u64) -> Instant {
        let delta = ((z >> 1) as i64) ^ -((z & 1) as i64);
        Instant::from_nanos(self.time.wrapping_add(delta as u64))
    }

    fn wait(&mut self) -> RawWait<'a> {
        match self.byte() {
            wait::JOIN => RawWait::Join(self.task()),
            wait::SLEEP => RawWait::Sleep(Instant::from_nanos(self.get())),
            _ => {
                let label = &self.labels[self.get() as usize];
                let n = self.get();
                let holders = (0..n).map(|_| self.task()).collect();
                RawWait::Resource { label, holders }
            }
        }
    }

    /// The rest of an `OTHER` record by `task`.
    fn other(&mut self, task: Option<TaskId>) -> RawKind<'a> {
        match self.byte() {
            tag::CANCEL => RawKind::CancelRequested(self.task(), None),
            tag::CANCEL_MESSAGE => {
                let target = self.task();
                RawKind::CancelRequested(target, Some(self.str()))
            }
            tag::CANCEL_DELIVERED => RawKind::CancelDelivered { at_run_end: false },
            tag::CANCEL_AT_RUN_END => RawKind::CancelDelivered { at_run_end: true },
            tag::PANICKED => RawKind::Panicked(self.str()),
            tag::CANCELLED => RawKind::Cancelled(None),
            tag::CANCELLED_MESSAGE => RawKind::Cancelled(Some(self.str())),
            tag::LOG => RawKind::Log(self.str()),
            tag::BLOCKED => {
                debug_assert!(task.is_some());
                let left = self.get();
                let waits = Waits::Listed {
                    reader: self.clone(),
                    left,
                };
                for _ in 0..left {
                    self.wait();
                }
                RawKind::Blocked(waits)
            }
            other => unreachable!("unknown trace record tag {other}"),
        }
    }
}

impl<'a> Reader<'a> {
    /// The rest of a short record of kind `k` (see [`SHORT`]).
    fn short(&mut self, k: u8) -> Raw<'a> {
        let task = |n: u64| TaskId::from_raw(n as u32);
        if k == kind::DECISION {
            let index = u32::from(self.byte());
            let arity = u32::from(self.byte());
            return self.raw(None, RawKind::Decision { index, arity });
        }
        let by = match self.le(2) {
            0 => None,
            n => Some(task(n)),
        };
        let kind = match k {
            kind::POLL => RawKind::Poll,
            kind::CLOCK => RawKind::ClockAdvanced,
            kind::RETURNED => RawKind::Returned,
            kind::WAKE_SELF => RawKind::Wake(by.expect("a task woke itself")),
            kind::BLOCKED_ARMED => RawKind::Blocked(Waits::Sleep(Some(self.armed))),
            kind::SPAWN => RawKind::Spawn(task(self.le(2))),
            kind::WAKE => RawKind::Wake(task(self.le(2))),
            kind::TIMER_FIRED => RawKind::TimerFired(task(self.le(2))),
            kind::TIMER_ARMED => {
                let z = self.le(4);
                self.armed = self.deadline(z);
                RawKind::TimerArmed(self.armed)
            }
            kind::BLOCKED_SLEEP => {
                let z = self.le(4);
                let deadline = self.deadline(z);
                RawKind::Blocked(Waits::Sleep(Some(deadline)))
            }
            other => unreachable!("no short trace record of kind {other}"),
        };
        self.raw(by, kind)
    }

    fn raw(&self, task: Option<TaskId>, kind: RawKind<'a>) -> Raw<'a> {
        Raw {
            time: Instant::from_nanos(self.time),
            task,
            kind,
        }
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Raw<'a>;

    fn next(&mut self) -> Option<Raw<'a>> {
        let (k, task) = loop {
            let head = *self.bytes.get(self.at)?;
            self.at += 1;
            if head & SHORT == SHORT {
                return Some(self.short(head & 15));
            }
            let (k, width) = (head & 15, usize::from(head >> 4));
            let n = self.le(width);
            if k == kind::TIME {
                self.time = self.time.wrapping_add(n);
            } else {
                break (k, (n != 0).then(|| TaskId::from_raw(n as u32)));
            }
        };
        let kind = match k {
            kind::POLL => RawKind::Poll,
            kind::CLOCK => RawKind::ClockAdvanced,
            kind::RETURNED => RawKind::Returned,
            kind::WAKE_SELF => RawKind::Wake(task.expect("a task woke itself")),
            kind::BLOCKED_ARMED => RawKind::Blocked(Waits::Sleep(Some(self.armed))),
            kind::OTHER => self.other(task),
            _ => {
                let widths = self.byte();
                let a = self.le(usize::from(widths & 15));
                let b = self.le(usize::from(widths >> 4));
                let target = || TaskId::from_raw(a as u32);
                match k {
                    kind::SPAWN => RawKind::Spawn(target()),
                    kind::WAKE => RawKind::Wake(target()),
                    kind::TIMER_FIRED => RawKind::TimerFired(target()),
                    kind::TIMER_ARMED => {
                        self.armed = self.deadline(a);
                        RawKind::TimerArmed(self.armed)
                    }
                    kind::BLOCKED_SLEEP => RawKind::Blocked(Waits::Sleep(Some(self.deadline(a)))),
                    kind::DECISION => RawKind::Decision {
                        index: a as u32,
                        arity: b as u32,
                    },
                    other => unreachable!("unknown trace record kind {other}"),
                }
            }
        };
        Some(self.raw(task, kind))
    }
}

impl<'a> Iterator for Waits<'a> {
    type Item = RawWait<'a>;

    fn next(&mut self) -> Option<RawWait<'a>> {
        match self {
            Waits::Listed { left: 0, .. } => None,
            Waits::Listed { reader, left } => {
                *left -= 1;
                Some(reader.wait())
            }
            Waits::Sleep(deadline) => deadline.take().map(RawWait::Sleep),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::trace::{Event, EventKind, Packed, Quick, TaskEnd, Trace};

    fn id(n: u32) -> TaskId {
        TaskId::from_raw(n)
    }

    /// Every kind of event reads back as it was recorded, with its time and task, across
    /// clock moves and large values.
    #[test]
    fn every_event_reads_back_as_recorded() {
        let t = Instant::from_nanos;
        let kinds = [
            EventKind::Spawn { child: id(2) },
            EventKind::Poll,
            EventKind::Wake {
                target: id(300_000),
            },
            EventKind::TimerArmed {
                deadline: t(5_000_000),
            },
            EventKind::TimerArmed { deadline: t(1) },
            EventKind::TimerFired { target: id(2) },
            EventKind::ClockAdvanced,
            EventKind::CancelRequested {
                target: id(2),
                message: None,
            },
            EventKind::CancelRequested {
                target: id(2),
                message: Some("stop é".into()),
            },
            EventKind::CancelDelivered { at_run_end: false },
            EventKind::CancelDelivered { at_run_end: true },
            EventKind::Complete(TaskEnd::Returned),
            EventKind::Complete(TaskEnd::Panicked("boom".into())),
            EventKind::Complete(TaskEnd::Cancelled(None)),
            EventKind::Complete(TaskEnd::Cancelled(Some("bye".into()))),
            EventKind::Log("".into()),
            EventKind::Log("a line".into()),
            EventKind::Decision {
                index: 7,
                arity: u32::MAX,
            },
        ];
        let mut packed = Packed::default();
        let mut expected = Vec::new();
        for (k, kind) in kinds.into_iter().enumerate() {
            let time = t(k as u64 / 3 * 1_000_000 + u64::MAX / 2 * u64::from(k == 17));
            let task = (k % 4 != 0).then(|| id(k as u32 + 1));
            packed.push(time, task, &kind);
            expected.push(Event { time, task, kind });
        }
        // Short and long forms; a task waking itself, and one blocked on a sleep alone, in
        // the past and ahead.
        let time = t(7_000_000);
        for (task, kind) in [
            (Some(id(5)), EventKind::Wake { target: id(5) }),
            (None, EventKind::Wake { target: id(5) }),
            (None, EventKind::Decision { index: 1, arity: 3 }),
            (
                None,
                EventKind::Decision {
                    index: 0,
                    arity: 256,
                },
            ),
            (Some(id(70_000)), EventKind::Poll),
            (Some(id(70_000)), EventKind::Wake { target: id(70_000) }),
            (Some(id(3)), EventKind::TimerArmed { deadline: time }),
            (
                Some(id(3)),
                EventKind::TimerArmed {
                    deadline: t(10_000_000_000),
                },
            ),
            (
                Some(id(3)),
                EventKind::TimerArmed {
                    deadline: t(7_000_010),
                },
            ),
        ] {
            packed.push(time, task, &kind);
            expected.push(Event { time, task, kind });
        }
        // The last deadline armed (7 ms + 10 ns) is recorded without a field.
        for (task, deadline) in [
            (id(70_000), t(9_000_000)),
            (id(70_000), t(1_000_000)),
            (id(70_000), time),
            (id(3), time),
            (id(3), t(7_000_010)),
            (id(70_000), t(7_000_010)),
            (id(3), t(1)),
            (id(3), t(60_000_000_000)),
        ] {
            packed.blocked_on_sleep(time, task, deadline);
            expected.push(Event {
                time,
                task: Some(task),
                kind: EventKind::Blocked {
                    on: format!("sleep until t={deadline}").into(),
                },
            });
        }
        // A blocked event: a join, a sleep and a resource with holders.
        let time = t(u64::MAX / 2);
        let label = packed.label("lock", Some("db"));
        packed.blocked(time, id(3), 3);
        packed.join(id(2));
        packed.sleep(t(9_000_000));
        packed.resource(label, &[id(2), id(4)]);
        expected.push(Event {
            time,
            task: Some(id(3)),
            kind: EventKind::Blocked {
                on: "join #2 worker, sleep until t=9, lock 'db' held by #2 worker, #4".into(),
            },
        });
        let names = vec![(id(2), Cow::Borrowed("worker"))];
        let trace = Trace::new(packed, names, 4, crate::trace::RunEnd::MainEnded);
        assert_eq!(trace.len(), expected.len());
        assert_eq!(trace.events(), expected);
        assert_eq!(trace.logs(), "t=5 \nt=5 a line\n");
    }

    /// A long trace reads back whole across the room's growths, and two traces of the same
    /// events are equal whatever their room holds (a record's cut-off tail, zeros).
    #[test]
    fn a_long_trace_reads_back_and_compares_by_its_records() {
        let record = |packed: &mut Packed, n: u32| {
            for k in 0..n {
                let time = Instant::from_nanos(u64::from(k / 7) * 1_000);
                packed.quick(time, Some(id(k % 300_000 + 1)), Quick::Poll);
                packed.quick(time, None, Quick::Wake(id(k + 1)));
            }
        };
        let mut long = Packed::default();
        record(&mut long, 100_000);
        assert_eq!(long.len(), 200_000);
        let read: Vec<Raw<'_>> = long.reader().collect();
        assert_eq!(read.len(), 200_000);
        let last = &read[199_999];
        assert_eq!(last.time, Instant::from_nanos(99_999 / 7 * 1_000));
        assert!(matches!(last.kind, RawKind::Wake(t) if t == id(100_000)));

        let mut reused = Packed::with_capacity(64 * 1024);
        record(&mut reused, 5_000);
        reused.clear();
        record(&mut reused, 10);
        let mut fresh = Packed::default();
        record(&mut fresh, 10);
        assert_eq!(reused, fresh);
        record(&mut fresh, 1);
        assert_ne!(reused, fresh);
    }

    /// The room kept for a run after one that recorded nothing (tracing off) is no
    /// allocation (W5's small runs paid one a run), and its first record grows it.
    #[test]
    fn no_room_kept_allocates_nothing_and_grows_at_the_first_record() {
        let mut empty = Packed::with_capacity(0);
        assert_eq!(empty.room(), 0);
        empty.quick(Instant::from_nanos(5), Some(id(1)), Quick::Poll);
        let mut fresh = Packed::default();
        fresh.quick(Instant::from_nanos(5), Some(id(1)), Quick::Poll);
        assert_eq!(empty, fresh);
        assert_eq!(empty.reader().count(), 1);
    }
}

//! The compact form of a trace: events as bytes, rendered only when read.
//!
//! A full trace records several events per task step, so its form decides what full tracing
//! costs. Each event is a tag byte, the task (0 for the event loop) and the event's fields,
//! integers as LEB128 varints (most take one to three bytes), strings inline. The virtual
//! time is not repeated per event: it only moves forward, so a `TIME` record (the advance in
//! nanoseconds) precedes the first event at a new time. A blocked wait is recorded as what
//! it waits on (a task, a deadline, a resource's interned label and its holders), not as the
//! text a timeline shows; the text is made when the trace is read.
//!
//! **Invariant: the bytes are written only by [`Packed`]'s methods and read only by
//! [`Reader`], in the same order**, so reading never meets malformed input.

use std::fmt::Write as _;

use crate::task::TaskId;
use crate::time::Instant;
use crate::varint::{put, read as get};

/// Record tags.
mod tag {
    pub(super) const TIME: u8 = 0;
    pub(super) const SPAWN: u8 = 1;
    pub(super) const POLL: u8 = 2;
    pub(super) const WAKE: u8 = 3;
    pub(super) const TIMER_ARMED: u8 = 4;
    pub(super) const TIMER_FIRED: u8 = 5;
    pub(super) const CLOCK: u8 = 6;
    pub(super) const CANCEL: u8 = 7;
    pub(super) const CANCEL_MESSAGE: u8 = 8;
    pub(super) const CANCEL_DELIVERED: u8 = 9;
    pub(super) const CANCEL_AT_RUN_END: u8 = 10;
    pub(super) const RETURNED: u8 = 11;
    pub(super) const PANICKED: u8 = 12;
    pub(super) const CANCELLED: u8 = 13;
    pub(super) const CANCELLED_MESSAGE: u8 = 14;
    pub(super) const LOG: u8 = 15;
    pub(super) const BLOCKED: u8 = 16;
    pub(super) const DECISION: u8 = 17;
}

/// What a blocked wait names, by kind (after a `BLOCKED` record's count).
mod wait {
    pub(super) const JOIN: u8 = 0;
    pub(super) const SLEEP: u8 = 1;
    pub(super) const RESOURCE: u8 = 2;
}

/// A run's events in compact form, with the interned resource labels they refer to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Packed {
    bytes: Vec<u8>,
    /// Resource labels (`lock 'db'`), by the id the records use.
    labels: Vec<Box<str>>,
    /// The time of the last record, in nanoseconds.
    time: u64,
    /// How many events were recorded.
    events: usize,
}

/// An event without strings, recorded on the hot paths (a step, a wake, a timer, a
/// decision) without building an [`super::EventKind`]: [`Packed::quick`] writes it in
/// place with no capacity check per byte, where going through `EventKind` cost a call, a
/// match on the trace level, the event's drop glue and a capacity check per byte (W1 with
/// full tracing spent a third of its instructions there).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Quick {
    Spawn(TaskId),
    Poll,
    Wake(TaskId),
    TimerArmed(Instant),
    TimerFired(TaskId),
    ClockAdvanced,
    Returned,
    Decision { index: u32, arity: u32 },
}

/// Values below this take at most three varint bytes. An event of [`Packed::quick`]
/// whose task and second field are below it and whose first field is below
/// [`QUICK_FIRST_BELOW`] (nearly all: the first field of a timer is a nanosecond
/// difference) fits 16 bytes and is written in place.
const QUICK_BELOW: u64 = 1 << 21;

/// Values below this take at most seven varint bytes (2^49 ns is six days).
const QUICK_FIRST_BELOW: u64 = 1 << 49;

/// Where a record of at most 16 bytes is written in place (see [`Packed::record16`]).
struct Cursor<'a> {
    out: &'a mut [u8; 16],
    n: usize,
}

impl Cursor<'_> {
    #[inline(always)]
    fn byte(&mut self, b: u8) {
        // The mask keeps the index provably in bounds (no check per byte); callers write
        // at most 16 bytes, so it never wraps.
        self.out[self.n & 15] = b;
        self.n += 1;
    }

    /// Writes `v` as a LEB128 varint, the bytes [`put`] appends. Not `crate::varint`'s:
    /// this writes into the record reserved in place (one store for its 16 bytes, no
    /// capacity check or length update per byte as a `Vec` push does), which is what makes
    /// the hot events cheap to record (ARCHITECTURE.md, "The full trace is compact").
    #[inline(always)]
    fn var(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.byte(v as u8 | 0x80);
            v >>= 7;
        }
        self.byte(v as u8);
    }
}

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
    /// The waits, to be read with [`Reader::waits`].
    Blocked(Waits<'a>),
    Decision {
        index: u32,
        arity: u32,
    },
}

/// The waits of a blocked event, still packed.
pub(crate) struct Waits<'a> {
    reader: Reader<'a>,
    left: u64,
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

impl Packed {
    /// An empty trace with room for `bytes` bytes of records.
    pub(crate) fn with_capacity(bytes: usize) -> Packed {
        Packed {
            bytes: Vec::with_capacity(bytes),
            ..Packed::default()
        }
    }

    /// How many bytes the records take.
    pub(crate) fn bytes_len(&self) -> usize {
        self.bytes.len()
    }

    /// How many events were recorded.
    pub(crate) fn len(&self) -> usize {
        self.events
    }

    /// Forgets every event (keeping the capacity).
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.labels.clear();
        self.time = 0;
        self.events = 0;
    }

    /// Starts a record: the time (if it moved), the tag and the task.
    #[inline]
    fn head(&mut self, time: Instant, task: Option<TaskId>, tag: u8) {
        self.advance(time.as_nanos());
        let task = task.map_or(0, |t| u64::from(t.get()));
        // At most 1 + 5 bytes.
        self.record16(|c| {
            c.byte(tag);
            c.var(task);
        });
        self.events += 1;
    }

    /// Writes a `TIME` record if the time moved to `t`.
    #[inline(always)]
    fn advance(&mut self, t: u64) {
        if t != self.time {
            self.time_record(t);
        }
    }

    #[inline(never)]
    fn time_record(&mut self, t: u64) {
        let delta = t.wrapping_sub(self.time);
        // At most 1 + 10 bytes.
        self.record16(|c| {
            c.byte(tag::TIME);
            c.var(delta);
        });
        self.time = t;
    }

    /// Writes a record of at most 16 bytes in place: the buffer grows by 16 zeros (one
    /// store), `fill` writes the record over them, and the rest is cut off. Cheaper than a
    /// capacity check and a length update per byte.
    #[inline(always)]
    fn record16(&mut self, fill: impl FnOnce(&mut Cursor<'_>)) {
        let len = self.bytes.len();
        self.bytes.resize(len + 16, 0);
        let out: &mut [u8; 16] = (&mut self.bytes[len..])
            .try_into()
            .expect("16 bytes were added");
        let mut c = Cursor { out, n: 0 };
        fill(&mut c);
        let n = c.n;
        debug_assert!(n <= 16);
        self.bytes.truncate(len + n);
    }

    fn put(&mut self, v: u64) {
        put(&mut self.bytes, v);
    }

    fn put_str(&mut self, s: &str) {
        put(&mut self.bytes, s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }

    /// Records an event without strings: the same bytes as [`Packed::push`] of its
    /// `EventKind`, written in place when its values are small (as nearly all are), else
    /// byte by byte.
    #[inline(always)]
    pub(crate) fn quick(&mut self, time: Instant, task: Option<TaskId>, event: Quick) {
        let t = time.as_nanos();
        let (tag, first, second) = match event {
            Quick::Spawn(child) => (tag::SPAWN, Some(u64::from(child.get())), None),
            Quick::Poll => (tag::POLL, None, None),
            Quick::Wake(target) => (tag::WAKE, Some(u64::from(target.get())), None),
            Quick::TimerArmed(deadline) => {
                // Usually ahead of the clock: a small difference, zigzag-coded.
                let delta = deadline.as_nanos().wrapping_sub(t) as i64;
                let zigzag = ((delta << 1) ^ (delta >> 63)) as u64;
                (tag::TIMER_ARMED, Some(zigzag), None)
            }
            Quick::TimerFired(target) => (tag::TIMER_FIRED, Some(u64::from(target.get())), None),
            Quick::ClockAdvanced => (tag::CLOCK, None, None),
            Quick::Returned => (tag::RETURNED, None, None),
            Quick::Decision { index, arity } => (
                tag::DECISION,
                Some(u64::from(index)),
                Some(u64::from(arity)),
            ),
        };
        let task = task.map_or(0, |t| u64::from(t.get()));
        self.advance(t);
        if (task | second.unwrap_or(0)) >= QUICK_BELOW || first.unwrap_or(0) >= QUICK_FIRST_BELOW {
            self.bytes.push(tag);
            for v in [Some(task), first, second].into_iter().flatten() {
                put(&mut self.bytes, v);
            }
        } else {
            // The tag, the task and the fields: at most 1 + 3 + 7 + 3 bytes.
            self.record16(|c| {
                c.byte(tag);
                c.var(task);
                if let Some(v) = first {
                    c.var(v);
                }
                if let Some(v) = second {
                    c.var(v);
                }
            });
        }
        self.events += 1;
    }

    /// Records `kind`, which is not [`super::EventKind::Blocked`] (see [`Packed::blocked`]).
    pub(crate) fn push(&mut self, time: Instant, task: Option<TaskId>, kind: &super::EventKind) {
        use super::{EventKind as K, TaskEnd};
        let q = match kind {
            K::Spawn { child } => Quick::Spawn(*child),
            K::Poll => Quick::Poll,
            K::Wake { target } => Quick::Wake(*target),
            K::TimerArmed { deadline } => Quick::TimerArmed(*deadline),
            K::TimerFired { target } => Quick::TimerFired(*target),
            K::ClockAdvanced => Quick::ClockAdvanced,
            K::Complete(TaskEnd::Returned) => Quick::Returned,
            K::Decision { index, arity } => Quick::Decision {
                index: *index,
                arity: *arity,
            },
            _ => return self.push_with_strings(time, task, kind),
        };
        self.quick(time, task, q);
    }

    /// [`Packed::push`] of the kinds that are not [`Quick`].
    fn push_with_strings(&mut self, time: Instant, task: Option<TaskId>, kind: &super::EventKind) {
        use super::{EventKind as K, TaskEnd};
        let id = |t: &TaskId| u64::from(t.get());
        match kind {
            K::CancelRequested { target, message } => {
                let t = if message.is_some() {
                    tag::CANCEL_MESSAGE
                } else {
                    tag::CANCEL
                };
                self.head(time, task, t);
                self.put(id(target));
                if let Some(m) = message {
                    self.put_str(m);
                }
            }
            K::CancelDelivered { at_run_end } => {
                let t = if *at_run_end {
                    tag::CANCEL_AT_RUN_END
                } else {
                    tag::CANCEL_DELIVERED
                };
                self.head(time, task, t);
            }
            K::Complete(TaskEnd::Panicked(m)) => {
                self.head(time, task, tag::PANICKED);
                self.put_str(m);
            }
            K::Complete(TaskEnd::Cancelled(None)) => self.head(time, task, tag::CANCELLED),
            K::Complete(TaskEnd::Cancelled(Some(m))) => {
                self.head(time, task, tag::CANCELLED_MESSAGE);
                self.put_str(m);
            }
            K::Log(line) => self.log(time, task, line),
            K::Blocked { .. } => unreachable!("blocked events are recorded with `blocked`"),
            K::Spawn { .. }
            | K::Poll
            | K::Wake { .. }
            | K::TimerArmed { .. }
            | K::TimerFired { .. }
            | K::ClockAdvanced
            | K::Complete(TaskEnd::Returned)
            | K::Decision { .. } => unreachable!("recorded by `quick`"),
        }
    }

    /// Records a log line.
    pub(crate) fn log(&mut self, time: Instant, task: Option<TaskId>, line: &str) {
        self.head(time, task, tag::LOG);
        self.put_str(line);
    }

    /// Starts a blocked event with `count` waits, each then added with [`Packed::join`],
    /// [`Packed::sleep`] or [`Packed::resource`].
    pub(crate) fn blocked(&mut self, time: Instant, task: TaskId, count: usize) {
        self.head(time, Some(task), tag::BLOCKED);
        self.put(count as u64);
    }

    /// A blocked event's wait for `task` to end.
    pub(crate) fn join(&mut self, task: TaskId) {
        self.bytes.push(wait::JOIN);
        self.put(u64::from(task.get()));
    }

    /// A blocked event's sleep until `deadline`.
    pub(crate) fn sleep(&mut self, deadline: Instant) {
        // At most 1 + 10 bytes.
        self.record16(|c| {
            c.byte(wait::SLEEP);
            c.var(deadline.as_nanos());
        });
    }

    /// The id of a new resource label (`kind 'name'`), for [`Packed::resource`].
    pub(crate) fn label(&mut self, kind: &str, name: Option<&str>) -> u32 {
        let mut s = kind.to_string();
        if let Some(name) = name {
            let _ = write!(s, " '{name}'");
        }
        self.labels.push(s.into_boxed_str());
        u32::try_from(self.labels.len() - 1).expect("fewer than 2^32 resource labels")
    }

    /// A blocked event's wait on the resource labelled `label` ([`Packed::label`]), held by
    /// `holders`.
    pub(crate) fn resource(&mut self, label: u32, holders: &[TaskId]) {
        self.bytes.push(wait::RESOURCE);
        self.put(u64::from(label));
        self.put(holders.len() as u64);
        for h in holders {
            self.put(u64::from(h.get()));
        }
    }

    /// Reads the events back in order.
    pub(crate) fn reader(&self) -> Reader<'_> {
        Reader {
            bytes: &self.bytes,
            labels: &self.labels,
            at: 0,
            time: 0,
        }
    }
}

/// Reads a [`Packed`] trace's events in order.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    labels: &'a [Box<str>],
    at: usize,
    time: u64,
}

impl<'a> Reader<'a> {
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

    /// Skips a blocked event's waits (when the event is not read).
    fn skip_waits(&mut self, count: u64) {
        for _ in 0..count {
            self.wait();
        }
    }

    fn wait(&mut self) -> RawWait<'a> {
        let kind = self.bytes[self.at];
        self.at += 1;
        match kind {
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
}

impl<'a> Iterator for Reader<'a> {
    type Item = Raw<'a>;

    fn next(&mut self) -> Option<Raw<'a>> {
        let mut t = *self.bytes.get(self.at)?;
        self.at += 1;
        if t == tag::TIME {
            self.time = self.time.wrapping_add(self.get());
            t = self.bytes[self.at];
            self.at += 1;
        }
        let task = match self.get() {
            0 => None,
            raw => Some(TaskId::from_raw(raw as u32)),
        };
        let kind = match t {
            tag::SPAWN => RawKind::Spawn(self.task()),
            tag::POLL => RawKind::Poll,
            tag::WAKE => RawKind::Wake(self.task()),
            tag::TIMER_ARMED => {
                let z = self.get();
                let delta = ((z >> 1) as i64) ^ -((z & 1) as i64);
                RawKind::TimerArmed(Instant::from_nanos(self.time.wrapping_add(delta as u64)))
            }
            tag::TIMER_FIRED => RawKind::TimerFired(self.task()),
            tag::CLOCK => RawKind::ClockAdvanced,
            tag::CANCEL => RawKind::CancelRequested(self.task(), None),
            tag::CANCEL_MESSAGE => {
                let target = self.task();
                RawKind::CancelRequested(target, Some(self.str()))
            }
            tag::CANCEL_DELIVERED => RawKind::CancelDelivered { at_run_end: false },
            tag::CANCEL_AT_RUN_END => RawKind::CancelDelivered { at_run_end: true },
            tag::RETURNED => RawKind::Returned,
            tag::PANICKED => RawKind::Panicked(self.str()),
            tag::CANCELLED => RawKind::Cancelled(None),
            tag::CANCELLED_MESSAGE => RawKind::Cancelled(Some(self.str())),
            tag::LOG => RawKind::Log(self.str()),
            tag::BLOCKED => {
                let left = self.get();
                let waits = Waits {
                    reader: self.clone(),
                    left,
                };
                self.skip_waits(left);
                RawKind::Blocked(waits)
            }
            tag::DECISION => {
                let index = self.get() as u32;
                let arity = self.get() as u32;
                RawKind::Decision { index, arity }
            }
            other => unreachable!("unknown trace record tag {other}"),
        };
        Some(Raw {
            time: Instant::from_nanos(self.time),
            task,
            kind,
        })
    }
}

impl<'a> Iterator for Waits<'a> {
    type Item = RawWait<'a>;

    fn next(&mut self) -> Option<RawWait<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(self.reader.wait())
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::trace::{Event, EventKind, TaskEnd, Trace};

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
        let trace = Trace::new(packed, names, 4);
        assert_eq!(trace.len(), expected.len());
        assert_eq!(trace.events(), expected);
        assert_eq!(trace.logs(), "t=5 \nt=5 a line\n");
    }
}

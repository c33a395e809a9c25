//! The compact form of a trace: events as bytes, rendered only when read.
//!
//! A full trace records several events per task step, so what one record costs to write
//! decides what full tracing costs. A record starts with a head byte: its kind in the low
//! four bits, in the high four the width in bytes of the number that follows (the task, 0
//! for the event loop). Numbers are little-endian in as few bytes as they need, so a
//! record's bytes are made with a few shifts and stored with one or two 8-byte stores, with
//! no loop or branch per byte (LEB128 varints, which this form used until round 12, cost a
//! loop per number and a capacity check per record). A record with fields then has a width
//! byte (the first field's width in its low four bits, the second's in the high four) and
//! the fields; a record whose numbers are below 2^16 (most) has a short form with no widths
//! (see [`SHORT`]). The virtual time is not repeated per event: it only moves forward, so a
//! `TIME` record (the advance in nanoseconds) precedes the first event at a new time. A
//! task waking itself (a yield) is a record of its own, with no target. A blocked wait is
//! recorded as what it waits on (a sleep's deadline; or a task, a deadline, a resource's
//! interned label and its holders), not as the text a timeline shows. Events with strings
//! and blocked waits other than one sleep are rare: they are an `OTHER` record, a tag and
//! LEB128 varints.
//!
//! **Invariant: the bytes are written only by [`Packed`]'s methods and read only by
//! [`Reader`], in the same order**, so reading never meets malformed input.

use std::fmt::Write as _;

pub(crate) use super::read::{Raw, RawKind, RawWait, Reader};
use crate::task::TaskId;
use crate::time::Instant;

/// Record kinds: the low four bits of a record's head byte.
pub(super) mod kind {
    /// The clock moved: the head's width is the advance's, in nanoseconds.
    pub(in crate::trace) const TIME: u8 = 0;
    pub(in crate::trace) const SPAWN: u8 = 1;
    pub(in crate::trace) const POLL: u8 = 2;
    pub(in crate::trace) const WAKE: u8 = 3;
    /// A wake of the recording task itself: no target follows.
    pub(in crate::trace) const WAKE_SELF: u8 = 4;
    pub(in crate::trace) const TIMER_ARMED: u8 = 5;
    pub(in crate::trace) const TIMER_FIRED: u8 = 6;
    pub(in crate::trace) const CLOCK: u8 = 7;
    pub(in crate::trace) const RETURNED: u8 = 8;
    pub(in crate::trace) const DECISION: u8 = 9;
    /// Blocked on one sleep, whose deadline follows as a timer's does.
    pub(in crate::trace) const BLOCKED_SLEEP: u8 = 10;
    /// Blocked on one sleep until the deadline of the last `TIMER_ARMED` record (a sleep
    /// arms its timer in the step it suspends in): no field.
    pub(in crate::trace) const BLOCKED_ARMED: u8 = 11;
    /// A rare event: a [`super::tag`] byte and LEB128 varints follow the task.
    pub(in crate::trace) const OTHER: u8 = 12;
}

/// A head's high four bits for a short record (no width is 15): the task in two bytes,
/// then the target or child, if the kind has one, in two, or a deadline (`TIMER_ARMED`,
/// `BLOCKED_SLEEP`) in four (a short `DECISION` is a pick of the event loop: its index
/// and its arity, a byte each). Most records of most runs are short: they need no width
/// computed.
pub(super) const SHORT: u8 = 0xF0;

/// What an `OTHER` record holds (the byte after its task).
pub(super) mod tag {
    pub(in crate::trace) const CANCEL: u8 = 0;
    pub(in crate::trace) const CANCEL_MESSAGE: u8 = 1;
    pub(in crate::trace) const CANCEL_DELIVERED: u8 = 2;
    pub(in crate::trace) const CANCEL_AT_RUN_END: u8 = 3;
    pub(in crate::trace) const PANICKED: u8 = 4;
    pub(in crate::trace) const CANCELLED: u8 = 5;
    pub(in crate::trace) const CANCELLED_MESSAGE: u8 = 6;
    pub(in crate::trace) const LOG: u8 = 7;
    pub(in crate::trace) const BLOCKED: u8 = 8;
}

/// What a blocked wait names, by kind (after a `BLOCKED` record's count).
pub(super) mod wait {
    pub(in crate::trace) const JOIN: u8 = 0;
    pub(in crate::trace) const SLEEP: u8 = 1;
    pub(in crate::trace) const RESOURCE: u8 = 2;
}

/// A run's events in compact form, with the interned resource labels they refer to.
#[derive(Clone, Debug, Default)]
pub(crate) struct Packed {
    /// The records (`bytes[..end]`), then room to write the next one in place: at least
    /// [`WINDOW`] bytes of zeros or of the cut-off tail of the last record written.
    bytes: Vec<u8>,
    /// Where the records end.
    end: usize,
    /// Resource labels (`lock 'db'`), by the id the records use.
    labels: Vec<Box<str>>,
    /// The time of the last record, in nanoseconds.
    time: u64,
    /// The deadline of the last `TIMER_ARMED` record, in nanoseconds (see
    /// `kind::BLOCKED_ARMED`).
    armed: u64,
    /// How many events were recorded.
    events: usize,
}

/// An event without strings, recorded on the hot paths (a step, a wake, a timer, a
/// decision) without building an [`super::EventKind`]: [`Packed::quick`] writes it in
/// place, where going through `EventKind` cost a call, a match on the trace level and the
/// event's drop glue (W1 with full tracing spent a third of its instructions there).
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

/// The room a record is written into: the longest hot record is 1 + 4 + 1 + 8 bytes, and
/// its second field's 8-byte store starts at most 14 bytes in.
const WINDOW: usize = 32;

/// The most bytes one growth of the room zeroes: a growth by half a long trace zeroed
/// lines long evicted when the records reached them, which were then read back to be
/// written again.
const MAX_GROWTH: usize = 16 * 1024;

/// How many bytes `v` takes little-endian without its high zero bytes (0 for 0).
#[inline(always)]
fn width(v: u64) -> usize {
    ((71 - v.leading_zeros()) / 8) as usize
}

/// A deadline relative to the record's time: usually a small positive difference, so
/// zigzag-coded to keep a negative one small too.
#[inline(always)]
fn zigzag(deadline: Instant, now: u64) -> u64 {
    let delta = deadline.as_nanos().wrapping_sub(now) as i64;
    ((delta << 1) ^ (delta >> 63)) as u64
}

fn id(t: TaskId) -> u64 {
    u64::from(t.get())
}

impl Packed {
    /// An empty trace with room for `bytes` bytes of records. No room, no allocation: a
    /// run that records nothing (tracing off) must not pay for one (the first record
    /// grows it).
    pub(crate) fn with_capacity(bytes: usize) -> Packed {
        if bytes == 0 {
            return Packed::default();
        }
        Packed {
            bytes: vec![0; bytes.max(WINDOW)],
            ..Packed::default()
        }
    }

    /// How many bytes of room are allocated (tests).
    #[cfg(test)]
    pub(super) fn room(&self) -> usize {
        self.bytes.capacity()
    }

    /// How many bytes the records take.
    pub(crate) fn bytes_len(&self) -> usize {
        self.end
    }

    /// How many events were recorded.
    pub(crate) fn len(&self) -> usize {
        self.events
    }

    /// Forgets every event (keeping the room).
    pub(crate) fn clear(&mut self) {
        self.end = 0;
        self.labels.clear();
        self.time = 0;
        self.armed = 0;
        self.events = 0;
    }

    /// Writes a record into the room after the records: `fill` writes it into the
    /// [`WINDOW`] and returns its length.
    #[inline(always)]
    fn write(&mut self, fill: impl FnOnce(&mut [u8; WINDOW]) -> usize) {
        let end = self.end;
        let n = match self.bytes.get_mut(end..end + WINDOW) {
            Some(room) => fill(room.try_into().expect("a window's length")),
            None => fill(self.grown(WINDOW)),
        };
        self.end = end + n;
    }

    /// The window after the records, once room for `need` more bytes is made: by half
    /// the records, at least 256 bytes and at most [`MAX_GROWTH`], so that zeroing the
    /// room costs a constant per byte recorded and the room is still in the cache when
    /// it is written.
    #[cold]
    #[inline(never)]
    fn grown(&mut self, need: usize) -> &mut [u8; WINDOW] {
        let more = (self.end / 2).clamp(256, MAX_GROWTH).max(need);
        self.bytes.resize(self.end + more, 0);
        let end = self.end;
        (&mut self.bytes[end..end + WINDOW])
            .try_into()
            .expect("a window's length")
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
        let w = width(delta);
        self.write(|out| {
            out[0] = kind::TIME | (w as u8) << 4;
            out[1..9].copy_from_slice(&delta.to_le_bytes());
            1 + w
        });
        self.time = t;
    }

    /// Writes a record of `kind` by `task` without fields: its head byte and the task, in
    /// one 8-byte store; the short form when the task's number is below 2^16.
    #[inline(always)]
    fn event0(&mut self, kind: u8, task: u64) {
        if task < 1 << 16 {
            let head = u64::from(kind | SHORT) | task << 8;
            self.write(|out| {
                out[..8].copy_from_slice(&head.to_le_bytes());
                3
            });
            self.events += 1;
            return;
        }
        let wt = width(task);
        let head = u64::from(kind) | (wt as u64) << 4 | task << 8;
        self.write(|out| {
            out[..8].copy_from_slice(&head.to_le_bytes());
            1 + wt
        });
        self.events += 1;
    }

    /// Writes a record of `kind` by `task` with the fields `a` and, if any, `b` (at most 4
    /// bytes when `a` has 8: see [`WINDOW`]), in two or three 8-byte stores.
    #[inline(always)]
    fn event2(&mut self, kind: u8, task: u64, a: u64, b: Option<u32>) {
        if b.is_none() && (task | a) < 1 << 16 {
            // The short form: both numbers in two bytes each.
            let head = u64::from(kind | SHORT) | task << 8 | a << 24;
            self.write(|out| {
                out[..8].copy_from_slice(&head.to_le_bytes());
                5
            });
            self.events += 1;
            return;
        }
        let (wt, wa) = (width(task), width(a));
        let wb = b.map_or(0, |b| width(u64::from(b)));
        debug_assert!(wt <= 4 && (b.is_none() || wa <= 4));
        let widths = (wa | wb << 4) as u64;
        let head = u64::from(kind) | (wt as u64) << 4 | task << 8 | widths << (8 + 8 * wt);
        self.write(|out| {
            out[..8].copy_from_slice(&head.to_le_bytes());
            // The masks keep the stores provably inside the window (no bounds check); the
            // fields start at most 6 and 14 bytes in.
            let at = (2 + wt) & 7;
            out[at..at + 8].copy_from_slice(&a.to_le_bytes());
            if let Some(b) = b {
                let at = (at + wa) & 15;
                out[at..at + 8].copy_from_slice(&u64::from(b).to_le_bytes());
            }
            2 + wt + wa + wb
        });
        self.events += 1;
    }

    /// Writes a record of `kind` by `task` whose field is a zigzag-coded deadline `z`
    /// ([`zigzag`]): short with the task in two bytes and `z` in four (deadlines within
    /// about two seconds of the clock, as most sleeps and timeouts are), else as
    /// [`Packed::event2`] writes it.
    #[inline(always)]
    fn event_at(&mut self, kind: u8, task: u64, z: u64) {
        if task < 1 << 16 && z < 1 << 32 {
            let head = u64::from(kind | SHORT) | task << 8 | z << 24;
            self.write(|out| {
                out[..8].copy_from_slice(&head.to_le_bytes());
                7
            });
            self.events += 1;
        } else {
            self.event2(kind, task, z, None);
        }
    }

    /// Records an event without strings, in place.
    #[inline(always)]
    pub(crate) fn quick(&mut self, time: Instant, task: Option<TaskId>, event: Quick) {
        let t = time.as_nanos();
        self.advance(t);
        let task = task.map_or(0, id);
        match event {
            Quick::Poll => self.event0(kind::POLL, task),
            Quick::ClockAdvanced => self.event0(kind::CLOCK, task),
            Quick::Returned => self.event0(kind::RETURNED, task),
            Quick::Spawn(child) => self.event2(kind::SPAWN, task, id(child), None),
            Quick::Wake(target) if id(target) == task => self.event0(kind::WAKE_SELF, task),
            Quick::Wake(target) => self.event2(kind::WAKE, task, id(target), None),
            Quick::TimerArmed(deadline) => {
                self.armed = deadline.as_nanos();
                self.event_at(kind::TIMER_ARMED, task, zigzag(deadline, t));
            }
            Quick::TimerFired(target) => self.event2(kind::TIMER_FIRED, task, id(target), None),
            Quick::Decision { index, arity } if task == 0 && arity < 1 << 8 => {
                // The short form of a pick between steps: the index and the arity in a
                // byte each (the index is below the arity).
                let head = u64::from(kind::DECISION | SHORT)
                    | u64::from(index) << 8
                    | u64::from(arity) << 16;
                self.write(|out| {
                    out[..8].copy_from_slice(&head.to_le_bytes());
                    3
                });
                self.events += 1;
            }
            Quick::Decision { index, arity } => {
                self.event2(kind::DECISION, task, u64::from(index), Some(arity));
            }
        }
    }

    /// Records `task` blocked on one sleep until `deadline` (what a sleeping task waits
    /// on): the record [`Packed::blocked`] and [`Packed::sleep`] make, in one.
    #[inline]
    pub(crate) fn blocked_on_sleep(&mut self, time: Instant, task: TaskId, deadline: Instant) {
        let t = time.as_nanos();
        self.advance(t);
        if deadline.as_nanos() == self.armed {
            self.event0(kind::BLOCKED_ARMED, id(task));
        } else {
            self.event_at(kind::BLOCKED_SLEEP, id(task), zigzag(deadline, t));
        }
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
        match kind {
            K::CancelRequested { target, message } => {
                let t = if message.is_some() {
                    tag::CANCEL_MESSAGE
                } else {
                    tag::CANCEL
                };
                self.other(time, task, t);
                self.put(id(*target));
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
                self.other(time, task, t);
            }
            K::Complete(TaskEnd::Panicked(m)) => {
                self.other(time, task, tag::PANICKED);
                self.put_str(m);
            }
            K::Complete(TaskEnd::Cancelled(None)) => self.other(time, task, tag::CANCELLED),
            K::Complete(TaskEnd::Cancelled(Some(m))) => {
                self.other(time, task, tag::CANCELLED_MESSAGE);
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

    /// Starts an `OTHER` record: the time (if it moved), the head, the task and the tag.
    fn other(&mut self, time: Instant, task: Option<TaskId>, tag: u8) {
        self.advance(time.as_nanos());
        let task = task.map_or(0, id);
        let wt = width(task);
        let head =
            u64::from(kind::OTHER) | (wt as u64) << 4 | task << 8 | u64::from(tag) << (8 + 8 * wt);
        self.write(|out| {
            out[..8].copy_from_slice(&head.to_le_bytes());
            2 + wt
        });
        self.events += 1;
    }

    /// Appends `v` as a LEB128 varint (the rare records' fields).
    fn put(&mut self, mut v: u64) {
        self.write(|out| {
            let mut n = 0;
            while v >= 0x80 {
                out[n] = v as u8 | 0x80;
                v >>= 7;
                n += 1;
            }
            out[n] = v as u8;
            n + 1
        });
    }

    fn put_byte(&mut self, b: u8) {
        self.write(|out| {
            out[0] = b;
            1
        });
    }

    fn put_str(&mut self, s: &str) {
        self.put(s.len() as u64);
        if self.bytes.len() - self.end < s.len() + WINDOW {
            self.grown(s.len() + WINDOW);
        }
        self.bytes[self.end..self.end + s.len()].copy_from_slice(s.as_bytes());
        self.end += s.len();
    }

    /// Records a log line.
    pub(crate) fn log(&mut self, time: Instant, task: Option<TaskId>, line: &str) {
        self.other(time, task, tag::LOG);
        self.put_str(line);
    }

    /// Starts a blocked event with `count` waits, each then added with [`Packed::join`],
    /// [`Packed::sleep`] or [`Packed::resource`] (one sleep alone is recorded with
    /// [`Packed::blocked_on_sleep`]).
    pub(crate) fn blocked(&mut self, time: Instant, task: TaskId, count: usize) {
        self.other(time, Some(task), tag::BLOCKED);
        self.put(count as u64);
    }

    /// A blocked event's wait for `task` to end.
    pub(crate) fn join(&mut self, task: TaskId) {
        self.put_byte(wait::JOIN);
        self.put(id(task));
    }

    /// A blocked event's sleep until `deadline`.
    pub(crate) fn sleep(&mut self, deadline: Instant) {
        self.put_byte(wait::SLEEP);
        self.put(deadline.as_nanos());
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
        self.put_byte(wait::RESOURCE);
        self.put(u64::from(label));
        self.put(holders.len() as u64);
        for h in holders {
            self.put(id(*h));
        }
    }

    /// Reads the events back in order.
    pub(crate) fn reader(&self) -> Reader<'_> {
        Reader::new(&self.bytes[..self.end], &self.labels)
    }
}

impl PartialEq for Packed {
    /// The same records and labels (the room after the records is not compared).
    fn eq(&self, other: &Packed) -> bool {
        self.bytes[..self.end] == other.bytes[..other.end]
            && self.labels == other.labels
            && self.events == other.events
    }
}

impl Eq for Packed {}

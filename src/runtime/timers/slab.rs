//! The armed timers: a slab of 32-byte entries named by keys with generations.

use std::task::Waker;

use super::{Fired, Queued, Timers};
use crate::runtime::TaskId;

/// Names one armed timer: its slab index and the generation it was armed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    pub(super) index: u32,
    pub(super) generation: u32,
}

impl Default for TimerKey {
    /// [`TimerKey::NONE`].
    fn default() -> TimerKey {
        TimerKey::NONE
    }
}

impl TimerKey {
    /// A key that names no timer (`u32::MAX` is never a slab index).
    pub(crate) const NONE: TimerKey = TimerKey {
        index: u32::MAX,
        generation: 0,
    };
}

/// What a timer does when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimerKind {
    /// Wake the waker (a sleep): one hop, then the task.
    Wake,
    /// Wake the waker of a `call_later`/`call_at` callback, which runs the callback: a
    /// wake timer whose hop is a step of the task it is filed under (the task that
    /// scheduled the callback), which PCT places by that task's priority.
    Call,
    /// Cancel what a timeout bounds (see the module docs).
    Cancel,
}

/// Where a cancel timer is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// Armed, not yet due.
    Pending,
    /// Due: its `Entry::Timer` waits in the ready queue.
    Fired,
    /// Its entry ran: the cancellation was delivered.
    Delivered,
}

/// What a slab entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum State {
    Free,
    /// A wake timer, armed.
    Wake,
    /// A callback's wake timer ([`TimerKind::Call`]), armed: a wake timer in all but the
    /// hop it queues.
    Call,
    Deadline(Deadline),
    /// A cancel timer cancelled while its `Entry::Timer` is queued: freed at that turn.
    Dropped,
}

/// One slab entry: 32 bytes (the state shares a word with the generation).
pub(super) struct Timer {
    /// The generation in the high 29 bits, the [`State`] in the low 3.
    pub(super) gen_state: u32,
    /// Its deadline (ns), while queued.
    pub(super) deadline: u64,
    /// The number of the task that armed it (its own waker, and the task a tie is about):
    /// the number alone keeps the entry at 32 bytes; [`Timer::task`] is its id, without
    /// the slot (the engine finds it when the timer fires).
    task: u32,
    /// `None` when the waker is `task`'s own: the common case (a sleep) then costs no
    /// reference-count traffic, and firing queues the task's hop by its id.
    pub(super) waker: Option<Waker>,
}

impl Timer {
    /// The id of the task that armed it (naming no slot).
    #[inline]
    pub(super) fn task(&self) -> TaskId {
        TaskId::from_raw(self.task)
    }
}

impl State {
    pub(super) const fn code(self) -> u32 {
        match self {
            State::Free => 0,
            State::Wake => 1,
            State::Deadline(Deadline::Pending) => 2,
            State::Deadline(Deadline::Fired) => 3,
            State::Deadline(Deadline::Delivered) => 4,
            State::Dropped => 5,
            State::Call => 6,
        }
    }

    pub(super) const fn from_code(code: u32) -> State {
        match code {
            1 => State::Wake,
            2 => State::Deadline(Deadline::Pending),
            3 => State::Deadline(Deadline::Fired),
            4 => State::Deadline(Deadline::Delivered),
            5 => State::Dropped,
            6 => State::Call,
            _ => State::Free,
        }
    }
}

/// Generations wrap at 29 bits.
pub(super) const GENERATIONS: u32 = 1 << 29;

impl Timer {
    #[inline]
    pub(super) fn generation(&self) -> u32 {
        self.gen_state >> 3
    }

    #[inline]
    pub(super) fn state(&self) -> State {
        State::from_code(self.gen_state & 7)
    }

    #[inline]
    pub(super) fn set_state(&mut self, state: State) {
        self.gen_state = (self.gen_state & !7) | state.code();
    }

    /// Moves to the next generation, in `state`.
    #[inline]
    pub(super) fn renew(&mut self, state: State) {
        let generation = (self.generation() + 1) % GENERATIONS;
        self.gen_state = (generation << 3) | state.code();
    }
}

impl Timers {
    #[inline]
    pub(super) fn alloc(
        &mut self,
        state: State,
        task: TaskId,
        waker: Option<Waker>,
        deadline: u64,
    ) -> TimerKey {
        match self.free.pop() {
            Some(index) => {
                let t = &mut self.slab[index as usize];
                t.renew(state);
                t.deadline = deadline;
                t.task = task.get();
                t.waker = waker;
                TimerKey {
                    index,
                    generation: t.generation(),
                }
            }
            None => {
                let index = u32::try_from(self.slab.len()).expect("fewer than 2^32 timers");
                self.slab.push(Timer {
                    gen_state: state.code(),
                    deadline,
                    task: task.get(),
                    waker,
                });
                TimerKey {
                    index,
                    generation: 0,
                }
            }
        }
    }

    #[inline]
    pub(super) fn get(&self, key: TimerKey) -> Option<&Timer> {
        self.slab
            .get(key.index as usize)
            .filter(|t| t.generation() == key.generation && t.state() != State::Free)
    }

    pub(super) fn release(&mut self, index: u32) -> Option<Waker> {
        if !self.scopes.is_empty() {
            self.scopes.remove(&index);
        }
        let t = &mut self.slab[index as usize];
        t.set_state(State::Free);
        self.free.push(index);
        t.waker.take()
    }

    #[inline]
    pub(super) fn live(&self, q: &Queued) -> bool {
        if q.is_own() {
            return self.own_live(q);
        }
        let t = &self.slab[q.index as usize];
        t.generation() == q.generation
            && matches!(
                t.state(),
                State::Wake | State::Call | State::Deadline(Deadline::Pending)
            )
    }

    /// A due timer leaves the queue: an own sleep needs nothing more, a wake timer is
    /// freed, a cancel timer marked fired.
    #[inline]
    pub(super) fn take_fired(&mut self, q: &Queued) -> Fired {
        if q.is_own() {
            return self.take_own(q);
        }
        let index = q.index;
        let t = &mut self.slab[index as usize];
        let state = t.state();
        if matches!(state, State::Wake | State::Call) {
            let (task, waker) = (t.task(), t.waker.take());
            t.set_state(State::Free);
            self.free.push(index);
            return Fired {
                task,
                waker,
                deadline: None,
                callback: state == State::Call,
            };
        }
        t.set_state(State::Deadline(Deadline::Fired));
        Fired {
            task: t.task(),
            waker: None,
            deadline: Some(index),
            callback: false,
        }
    }
}

//! Task cells kept after their output was taken (or, for a detached task, dropped), for the
//! next spawn of the same future type.
//!
//! A spawn allocated its cell and the join freed it: with thousands of tasks alive at once,
//! glibc's per-thread cache (seven blocks a size) overflows and both calls take the slow
//! paths, about 240 instructions a task in W6 (6% of the run). A cell is boxed as
//! `TaskCell<F>` and only the same `F` fits in it, so the pool keeps one list per future
//! type, found by its `TypeId` (a program spawns a handful of task types; the lists are
//! few and the search linear). Reusing a cell writes the new future into the pinned box in
//! place (`Pin::set`), which is safe.
//!
//! Nothing observable depends on the pool: a cell's address reaches no trace and no
//! decision. A cell type is `TaskCell<F>`, or `keep.rs`'s `SendCell<F>` (a keepable
//! task's: every simloop-tokio task, which nobody joins through simloop). The pool is the
//! thread's, like the parked core (`pool.rs`), so the cells of
//! one run serve the next (W5's ten thousand runs, each spawn of a bench's repetitions).

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::pin::Pin;

/// The bytes of cells one future type may keep: a run's peak of live tasks of a type is
/// kept up to this (10,000 W6 tasks are about 2 MB), a bigger peak is freed past it.
const MAX_BYTES: usize = 4 << 20;

/// At most this many future types have a list; others allocate as before (a program with
/// more task types than this pays the search for none of them past the first lists).
const MAX_KINDS: usize = 16;

/// The kept cells of one cell type: a `Vec<Pin<Box<C>>>`.
struct Kind {
    ty: TypeId,
    cells: Box<dyn Any>,
}

thread_local! {
    static POOL: RefCell<Vec<Kind>> = const { RefCell::new(Vec::new()) };
}

type Cells<C> = Vec<Pin<Box<C>>>;

/// A kept cell of type `C` (a `TaskCell<F>` or a `SendCell<F>`), if there is one. Its
/// state is `Done` with no output and its waker is the no-op waker: the caller sets both.
#[inline]
pub(super) fn take<C: 'static>() -> Option<Pin<Box<C>>> {
    let ty = TypeId::of::<C>();
    POOL.try_with(|p| {
        let mut kinds = p.try_borrow_mut().ok()?;
        let kind = to_front(&mut kinds, ty)?;
        kind.cells.downcast_mut::<Cells<C>>()?.pop()
    })
    .ok()
    .flatten()
}

/// The list of cell type `ty`, moved to the front of `kinds`, most recently used first.
///
/// A run spawns the same few types again and again, but a thread's runs meet many: the
/// bench runs every workload's types in one process, and W6's lists sat behind those of
/// W1-W5 there, so each of its spawns and joins compared a dozen `TypeId`s (about 100
/// instructions a task, 2.7% of W6 in that sequence, none when W6 ran alone). At the
/// front, a look-up compares one or two.
#[inline]
fn to_front(kinds: &mut [Kind], ty: TypeId) -> Option<&mut Kind> {
    let at = kinds.iter().position(|k| k.ty == ty)?;
    if at > 0 {
        kinds[..=at].rotate_right(1);
    }
    kinds.first_mut()
}

/// No bound on a type's list but its bytes: joined tasks' cells (`put::<_, ALL>`).
pub(super) const ALL: usize = usize::MAX;

/// The cells of detached tasks a type's list takes (`put::<_, MAX_DETACHED>`).
///
/// Detached tasks end in whatever order their runs reach their ends, and with thousands
/// alive at once (simloop-tokio's W1, W2 and W6: every one of its tasks is detached) the
/// next spawns took their cells back scattered across the heap, where a malloc after the
/// previous run's frees hands out neighbouring blocks in spawn order: fewer instructions
/// (W6 -8%), but up to 16% more CPU time than freeing them (BENCHMARKS.md, round 12). A
/// program with a few hundred tasks alive (W3's rounds of 100) still gets every cell back.
pub(super) const MAX_DETACHED: usize = 256;

/// Keeps `cell`, whose output was taken (or dropped) and whose waker was dropped, for the
/// next spawn of a cell of its type; frees it when that type's list holds `MAX_CELLS` or
/// its bytes (or the thread is ending). The bound is a constant parameter so that each
/// caller gets its own copy, inlined as round 11's `put` was (a shared out-of-line body
/// cost a join 15-30 instructions more: the library's W6 +0.4-0.8%).
#[inline]
pub(super) fn put<C: 'static, const MAX_CELLS: usize>(cell: Pin<Box<C>>) {
    let ty = TypeId::of::<C>();
    let cap = (MAX_BYTES / size_of::<C>().max(1)).min(MAX_CELLS);
    let refused = POOL
        .try_with(|p| {
            let Ok(mut kinds) = p.try_borrow_mut() else {
                return Some(cell);
            };
            if to_front(&mut kinds, ty).is_none() {
                if kinds.len() == MAX_KINDS {
                    return Some(cell);
                }
                let cells: Box<dyn Any> = Box::new(Cells::<C>::new());
                kinds.insert(0, Kind { ty, cells });
            }
            match kinds[0].cells.downcast_mut::<Cells<C>>() {
                Some(cells) if cells.len() < cap => {
                    cells.push(cell);
                    None
                }
                _ => Some(cell),
            }
        })
        .unwrap_or(None);
    // Freed outside the borrow.
    drop(refused);
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use crate::{Sim, spawn};

    /// How many cells of type `C` this thread's pool keeps.
    fn kept_cells<C: 'static>() -> Option<usize> {
        super::POOL.with(|p| {
            p.borrow()
                .iter()
                .find(|k| k.ty == std::any::TypeId::of::<C>())
                .and_then(|k| k.cells.downcast_ref::<super::Cells<C>>().map(Vec::len))
        })
    }

    /// How many cells of future type `F` this thread's pool keeps.
    fn kept<F: std::future::Future + 'static>() -> Option<usize> {
        kept_cells::<crate::runtime::TaskCell<F>>()
    }

    /// Counts its drops.
    struct Counted(Rc<Cell<u32>>);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    /// A spawn reuses the cell of a task of the same type that was joined (issue 18: a
    /// malloc and a free a task), and a reused cell runs its new future, not the old one.
    #[test]
    fn a_joined_tasks_cell_serves_the_next_spawn() {
        let out = Sim::new().run(async {
            let ran = Rc::new(Cell::new(0));
            let mut sum = 0;
            for i in 0..100u64 {
                let ran = ran.clone();
                sum += spawn(async move {
                    ran.set(ran.get() + 1);
                    i
                })
                .await
                .unwrap();
                // A named future type, to count its cells.
                sum += spawn(std::future::ready(i)).await.unwrap();
            }
            (sum, ran.get())
        });
        assert_eq!(out.result.unwrap(), (2 * 4950, 100));
        // One cell served the hundred spawns of `ready`, one after another.
        assert_eq!(kept::<std::future::Ready<u64>>(), Some(1));
    }

    /// A detached task's cell (its handle dropped before the task ended) is given back when
    /// the task ends, its output dropped there, and serves the next spawn of its type
    /// (simloop-tokio's tasks are all detached: each cost a malloc and a free before).
    #[test]
    fn a_detached_tasks_cell_serves_the_next_spawn() {
        let out = Sim::new().run(async {
            let dropped = Rc::new(Cell::new(0));
            for _ in 0..100 {
                drop(spawn(std::future::ready(Counted(dropped.clone()))));
                crate::yield_now().await;
            }
            crate::yield_now().await;
            dropped.get()
        });
        assert_eq!(
            out.result.unwrap(),
            100,
            "every detached output was dropped"
        );
        assert_eq!(kept::<std::future::Ready<Counted>>(), Some(1));
    }

    /// A keepable task (simloop-tokio's, `keep.rs`) ends detached, and its cell serves the
    /// next keepable spawn of its type.
    #[test]
    fn a_keepable_tasks_cell_serves_the_next_keepable_spawn() {
        let out = Sim::new().run(async {
            for _ in 0..100 {
                crate::task::spawn_keepable(std::future::ready(()));
                crate::yield_now().await;
            }
        });
        out.result.unwrap();
        type Keepable = super::super::keep::SendCell<std::future::Ready<()>>;
        assert_eq!(kept_cells::<Keepable>(), Some(1));
    }

    /// Of many detached tasks alive at once, at most `MAX_DETACHED` cells are kept (the
    /// rest are freed: a malloc after them hands out neighbouring blocks in spawn order).
    #[test]
    fn detached_cells_are_kept_up_to_their_bound() {
        let out = Sim::new().run(async {
            let dropped = Rc::new(Cell::new(0));
            for _ in 0..super::MAX_DETACHED + 100 {
                drop(spawn(std::future::ready(Counted(dropped.clone()))));
            }
            crate::yield_now().await;
            crate::yield_now().await;
            dropped.get()
        });
        assert_eq!(out.result.unwrap(), super::MAX_DETACHED as u32 + 100);
        assert_eq!(
            kept::<std::future::Ready<Counted>>(),
            Some(super::MAX_DETACHED)
        );
    }

    /// A look-up moves its type's list to the front and keeps the others in the order of
    /// their last use (a thread's runs meet many types: the bench's W6 ran behind W1-W5's
    /// lists); a type with no list is not found and moves nothing.
    #[test]
    fn a_looked_up_list_moves_to_the_front() {
        use std::any::TypeId;
        let kind = |ty| super::Kind {
            ty,
            cells: Box::new(()),
        };
        let (a, b, c) = (TypeId::of::<u8>(), TypeId::of::<u16>(), TypeId::of::<u32>());
        let mut kinds = vec![kind(a), kind(b), kind(c)];
        let order = |kinds: &[super::Kind]| kinds.iter().map(|k| k.ty).collect::<Vec<_>>();
        assert!(super::to_front(&mut kinds, c).is_some_and(|k| k.ty == c));
        assert_eq!(order(&kinds), [c, a, b]);
        assert!(super::to_front(&mut kinds, c).is_some_and(|k| k.ty == c));
        assert_eq!(order(&kinds), [c, a, b]);
        assert!(super::to_front(&mut kinds, b).is_some_and(|k| k.ty == b));
        assert_eq!(order(&kinds), [b, c, a]);
        assert!(super::to_front(&mut kinds, TypeId::of::<u64>()).is_none());
        assert_eq!(order(&kinds), [b, c, a]);
    }

    /// A type's list holds no more than its byte budget.
    #[test]
    fn the_pool_is_bounded() {
        type Big = std::future::Ready<[u8; 1 << 16]>;
        for _ in 0..2 {
            let out = Sim::new().run(async {
                let handles: Vec<_> = (0..100)
                    .map(|_| spawn(std::future::ready([7u8; 1 << 16])))
                    .collect();
                let mut n = 0;
                for h in handles {
                    n += usize::from(h.await.unwrap()[0] == 7);
                }
                n
            });
            assert_eq!(out.result.unwrap(), 100);
        }
        let cap = super::MAX_BYTES / size_of::<crate::runtime::TaskCell<Big>>();
        assert!(cap < 100);
        assert_eq!(kept::<Big>(), Some(cap));
    }
}

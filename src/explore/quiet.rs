//! Keeping the panics of explored runs off stderr.
//!
//! An exploration runs failing programs hundreds of times (shrinking alone may try hundreds
//! of failing schedules), and the default panic hook would print every caught panic. The
//! report carries the failure instead, so runs made by the explorer are quiet.

use std::cell::Cell;
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static INSTALL: Once = Once::new();

/// Runs `f` with panic messages of this thread silenced. The first call wraps the panic
/// hook installed at that time; other threads, and this one outside `quietly`, still get
/// the wrapped hook's output.
pub(crate) fn quietly<R>(f: impl FnOnce() -> R) -> R {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            QUIET.with(|q| q.set(self.0));
        }
    }
    let _restore = Restore(QUIET.with(|q| q.replace(true)));
    f()
}

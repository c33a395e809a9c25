//! Under `--cfg simloop`: a simulated run that fails (here a deadlock) panics at the
//! program's `#[tokio::main]` (or `#[tokio::test]`), as a failing test points at the test.
//! Regression: the panic named `tokio/src/sim/entry.rs`, inside simloop-tokio. One test in
//! its own binary: it installs a panic hook, which is global.
#![cfg(simloop)]

extern crate simloop_tokio as tokio;

use std::sync::{Arc, Mutex};

/// The line of `deadlocked`'s attribute.
const MAIN_LINE: u32 = line!() + 3;

/// Waits on a channel whose sender it keeps: nothing can wake it.
#[tokio::main(flavor = "current_thread")]
async fn deadlocked() {
    let (_tx, mut rx) = tokio::sync::mpsc::channel::<()>(1);
    rx.recv().await;
}

#[test]
fn a_failed_run_panics_at_the_programs_entry_point() {
    let seen: Arc<Mutex<Option<(String, u32, String)>>> = Arc::default();
    let previous = std::panic::take_hook();
    {
        let seen = seen.clone();
        std::panic::set_hook(Box::new(move |info| {
            let at = info.location().expect("a location");
            let message = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            *seen.lock().unwrap() = Some((at.file().to_string(), at.line(), message));
        }));
    }
    let result = std::panic::catch_unwind(deadlocked);
    std::panic::set_hook(previous);
    assert!(result.is_err());
    let (file, line, message) = seen.lock().unwrap().clone().expect("the hook saw it");
    assert!(message.contains("deadlock"), "{message}");
    assert_eq!((file.as_str(), line), (file!(), MAIN_LINE), "{message}");
}

//! Under `--cfg simloop`: a panic inside a run reaches the panic hook a program installed
//! before its first run, as under tokio (tokio's `*_panic_caller` tests read the panic's
//! location from such a hook). Regression: simloop's one-line panic output, installed
//! around the first run, wrapped that hook and never called it. One test in its own binary,
//! so that the hook is installed before any run of the process.
#![cfg(simloop)]

extern crate simloop_tokio as tokio;

use std::sync::{Arc, Mutex};

#[test]
fn a_hook_installed_before_the_first_run_sees_a_panic_in_it() {
    let seen: Arc<Mutex<Option<(String, u32)>>> = Arc::default();
    let previous = std::panic::take_hook();
    {
        let seen = seen.clone();
        std::panic::set_hook(Box::new(move |info| {
            let at = info.location().expect("a location");
            *seen.lock().unwrap() = Some((at.file().to_string(), at.line()));
        }));
    }
    let result = std::panic::catch_unwind(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async { fail() });
    });
    std::panic::set_hook(previous);
    assert!(result.is_err());
    assert_eq!(
        *seen.lock().unwrap(),
        Some((file!().to_string(), FAIL_LINE))
    );
}

/// The line of `fail`'s panic.
const FAIL_LINE: u32 = line!() + 3;

fn fail() {
    panic!("in the run");
}

//! What names a done-callback for `remove_done_callback`.

use std::fmt;
use std::rc::Rc;

/// Names one or more done-callback registrations, so that they can be removed again:
/// what [`Task::add_done_callback`](crate::task::Task::add_done_callback) and
/// [`Promise::add_done_callback`](crate::sync::Promise::add_done_callback) return.
///
/// asyncio's `remove_done_callback(fn)` removes every registration of a callback equal to
/// `fn` and returns how many it removed. A Rust closure has no identity to compare, so
/// here the key is the callback's identity: each `add_done_callback` makes a new key, and
/// `add_done_callback_as(&key, ..)` registers another callback under a key made before
/// (asyncio's adding the same function again). `remove_done_callback(&key)` removes every
/// registration made under the key that has not been scheduled yet, and returns how many.
///
/// Two keys are equal when one is a clone of the other. A key prints no address, and the
/// runtime never orders anything by it.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, log, sync::Promise};
///
/// let out = Sim::new().run(async {
///     let p = Promise::<u8>::new();
///     let key = p.add_done_callback(|r| log!("first {:?}", r));
///     p.add_done_callback_as(&key, |r| log!("again {:?}", r));
///     let other = p.add_done_callback(|r| log!("other {:?}", r));
///     assert_ne!(key, other);
///     let removed = p.remove_done_callback(&key);
///     p.set_result(1).unwrap();
///     simloop::yield_now().await;
///     removed
/// });
/// assert_eq!(out.result.unwrap(), 2);
/// assert_eq!(out.trace.logs(), "t=0 other Ok(1)\n");
/// ```
#[derive(Clone, Default)]
pub struct DoneCallbackKey(Rc<()>);

impl DoneCallbackKey {
    /// A key no registration carries yet.
    ///
    /// ```
    /// use simloop::task::DoneCallbackKey;
    /// assert_ne!(DoneCallbackKey::new(), DoneCallbackKey::new());
    /// ```
    pub fn new() -> DoneCallbackKey {
        DoneCallbackKey(Rc::new(()))
    }
}

impl PartialEq for DoneCallbackKey {
    fn eq(&self, other: &DoneCallbackKey) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for DoneCallbackKey {}

impl fmt::Debug for DoneCallbackKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DoneCallbackKey")
    }
}

//! Which verbs a step may use, with the modifiers each accepts, and which keys a raw step
//! holds: the one table step validation checks keys against.

use super::Span;
use crate::scenario::raw::RawStep;

/// The verbs a step may use, with the modifiers each accepts.
pub const VERBS: &[(&str, &[&str])] = &[
    ("sleep", &[]),
    ("yield", &[]),
    ("random", &["from", "to"]),
    ("log", &[]),
    ("spawn", &["args", "count", "as", "eager", "group"]),
    ("call", &["args", "as"]),
    ("await", &["as"]),
    ("cancel", &["message", "as"]),
    ("uncancel", &["as"]),
    ("set_name", &["value"]),
    ("fail", &["message"]),
    ("return", &[]),
    ("for", &["from", "to", "below", "in", "do"]),
    ("repeat", &["do"]),
    ("while_before", &["do"]),
    ("while", &["do"]),
    ("try", &["except", "error", "as", "star", "finally"]),
    ("on_cancel", &["do"]),
    ("let", &["value", "expr"]),
    ("set", &["value", "add", "expr"]),
    ("if", &["do", "else"]),
    ("gather", &["return_exceptions", "as", "future"]),
    // `as` only to say that `wait_for` has no handle (`timeout` has).
    ("wait_for", &["do", "as"]),
    ("timeout", &["do", "as"]),
    ("shield", &["as"]),
    ("wait", &["return_when", "timeout", "as", "pending"]),
    ("as_completed", &["timeout", "as", "do", "future"]),
    ("task_group", &["as"]),
    ("acquire", &[]),
    ("release", &[]),
    ("with", &["do"]),
    ("set_event", &[]),
    ("clear_event", &[]),
    ("wait_event", &[]),
    ("notify", &["n"]),
    ("notify_all", &[]),
    ("wait_condition", &["until"]),
    ("put", &["value"]),
    ("get", &["as"]),
    ("task_done", &[]),
    ("join", &[]),
    ("put_nowait", &["value"]),
    ("shutdown", &["immediate"]),
    ("create_future", &[]),
    ("set_result", &["value"]),
    ("set_exception", &["error", "message"]),
    ("get_nowait", &["as"]),
    ("wait_barrier", &["as"]),
    ("abort_barrier", &[]),
    ("reset_barrier", &[]),
    ("add_done_callback", &["do", "as", "callback"]),
    ("remove_done_callback", &["callback", "as"]),
    ("call_soon", &["as"]),
    ("call_later", &["do", "as"]),
    ("call_at", &["do", "as"]),
    ("reschedule", &["at"]),
];

/// Every key present in a step, with its span.
pub(super) fn present_keys(s: &RawStep) -> Vec<(&'static str, Span)> {
    let mut v = Vec::new();
    macro_rules! key {
        ($($field:ident => $name:literal),* $(,)?) => {
            $( if let Some(x) = &s.$field { v.push(($name, x.span())); } )*
        };
    }
    key!(
        sleep => "sleep", yield_ => "yield", random => "random", log => "log", spawn => "spawn", call => "call",
        await_ => "await", cancel => "cancel", uncancel => "uncancel", set_name => "set_name", fail => "fail", return_ => "return",
        for_ => "for", repeat => "repeat", while_before => "while_before", while_ => "while", try_ => "try",
        on_cancel => "on_cancel", let_ => "let", set => "set", if_ => "if",
        gather => "gather", wait => "wait", as_completed => "as_completed",
        wait_for => "wait_for", timeout => "timeout", shield => "shield",
        task_group => "task_group", acquire => "acquire", release => "release", with => "with",
        set_event => "set_event", clear_event => "clear_event", wait_event => "wait_event",
        notify => "notify", notify_all => "notify_all", wait_condition => "wait_condition",
        put => "put", get => "get", task_done => "task_done", join => "join",
        put_nowait => "put_nowait", get_nowait => "get_nowait", shutdown => "shutdown",
        create_future => "create_future", set_result => "set_result", set_exception => "set_exception",
        wait_barrier => "wait_barrier", abort_barrier => "abort_barrier", reset_barrier => "reset_barrier",
        add_done_callback => "add_done_callback", remove_done_callback => "remove_done_callback",
        call_soon => "call_soon",
        call_later => "call_later", call_at => "call_at", reschedule => "reschedule",
        as_ => "as", args => "args", count => "count", eager => "eager", group => "group", do_ => "do", else_ => "else",
        except => "except", finally => "finally", error => "error", star => "star", from => "from", to => "to", below => "below", in_ => "in", value => "value",
        add => "add", message => "message", return_exceptions => "return_exceptions", future => "future",
        return_when => "return_when", n => "n", until => "until", expr => "expr",
        immediate => "immediate", pending => "pending", at => "at", callback => "callback",
    );
    v
}

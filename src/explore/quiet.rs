//! Keeping the panics of explored runs off stderr.
//!
//! An exploration runs failing programs hundreds of times (shrinking alone may try hundreds
//! of failing schedules), and every caught panic would print. The report carries the
//! failure instead, so runs made by the explorer are quiet. The mechanism is the one that
//! prints a contained panic as one line in other runs (`crate::sim::panics`).

pub(crate) use crate::sim::quietly;

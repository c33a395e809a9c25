//! FIFO: asyncio's order.

use super::{Divergence, Strategy};
use crate::runtime::ReadyView;

/// Always runs the oldest ready entry. With the engine's pass and wake-hop rules this is
/// CPython's order. The engine short-cuts it and never calls `pick`.
pub(crate) struct Fifo;

impl Strategy for Fifo {
    fn pick(&mut self, _ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        Ok(0)
    }

    fn choose(&mut self, _arity: usize) -> Result<usize, Divergence> {
        Ok(0)
    }
}

//! W5 on shuttle: the program of `benches/shared/w5.rs`, under shuttle's random and PCT
//! schedulers.

use crate::inputs::W5_RUNS;
use crate::w5::shuttle_program;

pub fn w5_random() {
    shuttle::check_random(shuttle_program, W5_RUNS);
}

pub fn w5_pct() {
    shuttle::check_pct(shuttle_program, W5_RUNS, 3);
}

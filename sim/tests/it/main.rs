//! The `sim` command's integration tests, one module per behaviour.

mod cancel_result;
mod cli_files;
mod cli_flags;
mod cli_tokens;
mod condition_with;
mod constructs;
mod corpus;
mod current_task;
mod differential;
mod done_callbacks;
mod errors;
mod except_star;
mod exception_args;
mod expr_fuzz;
mod formats;
mod fuzz;
mod gather_value;
mod hostile;
mod limits;
mod loop_constructs;
mod mutants;
mod readme;
mod scenarios;
mod support;
mod token_fuzz;
mod while_loop;

//! The `sim` command's integration tests, one module per behaviour.

mod corpus;
mod errors;
mod formats;
mod fuzz;
mod hostile;
mod limits;
mod scenarios;
mod support;

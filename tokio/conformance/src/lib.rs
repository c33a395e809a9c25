//! Empty: the tests in `tests/` are tokio's, copied by `scripts/tokio-conformance.sh`.

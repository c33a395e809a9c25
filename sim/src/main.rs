//! The `sim` command: runs simloop scenarios.

fn main() {
    println!(
        "sim {}: scenario commands arrive with the scenario-file format",
        env!("CARGO_PKG_VERSION")
    );
}

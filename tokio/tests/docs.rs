//! The docs tell a user every step: the dependency line they copy works (simloop-tokio is
//! not on crates.io, so it names a `path`), and the command that explores names the cfg,
//! a target directory of its own and `SIMLOOP_RUNS`.

/// The crate docs (`src/lib.rs`) and the repository's README.
const DOCS: [(&str, &str); 2] = [
    ("tokio/src/lib.rs", include_str!("../src/lib.rs")),
    ("README.md", include_str!("../../README.md")),
];

/// Regression: the crate docs' line was `tokio = { package = "simloop-tokio", version =
/// "0.1", ... }`, which cargo resolves on crates.io, where there is no such crate.
#[test]
fn every_dependency_line_names_a_path() {
    for (file, text) in DOCS {
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("package = \"simloop-tokio\""))
            .collect();
        assert!(!lines.is_empty(), "{file} shows no dependency line");
        for line in lines {
            assert!(line.contains("path = "), "{file}: {line}");
        }
    }
}

/// Regression: the crate docs said only "`SIMLOOP_RUNS=N cargo test`", leaving out the cfg
/// and the target directory the cfg needs.
#[test]
fn the_exploring_command_is_given_whole() {
    let command =
        "RUSTFLAGS=\"--cfg simloop\" CARGO_TARGET_DIR=target/simloop SIMLOOP_RUNS=1000 cargo test";
    for (file, text) in DOCS {
        assert!(text.contains(command), "{file} does not give `{command}`");
    }
}

/// Regression: the README gave the `[dependencies]` line only; a project that also has
/// `tokio` under `[dev-dependencies]` (for `test-util`) and leaves it tokio's gets cargo's
/// "Dependency 'tokio' has different source paths depending on the build target".
#[test]
fn the_readme_says_the_dev_dependency_line_changes_too() {
    let readme = DOCS[1].1;
    assert!(
        readme.contains("A `tokio` line under `[dev-dependencies]`")
            && readme.contains("takes the same `package`\nand `path`"),
        "README.md does not say how to write a tokio dev-dependency"
    );
}

//! The command that replays a run, as printed under a failure: one that works where it is
//! printed. Inside a checkout of simloop it is `cargo run ...` (as the README runs `sim`);
//! elsewhere (an installed `sim`, a scenario in another directory) it is the program as it
//! was invoked.

use std::path::Path;
use std::sync::OnceLock;

/// How `cargo run` names `sim` from a checkout.
const CARGO_RUN: &str = "cargo run -q -p simloop-cli --bin sim --";

/// The command that replays `token` of the scenario at `path` (as given, relative to the
/// current directory).
pub fn replay_command(path: &str, token: &str) -> String {
    // A path that starts with `-` would be read as a flag (`sim replay -s.toml ...` failed
    // with "unexpected argument '-s'"): `./-s.toml` names the same file.
    let path = if path.starts_with('-') {
        format!("./{path}")
    } else {
        path.to_string()
    };
    format!(
        "{} replay {} {}",
        program(),
        shell_word(&path),
        shell_word(token)
    )
}

/// `cargo run ... --` in a checkout, else the program's name as invoked.
fn program() -> &'static str {
    static PROGRAM: OnceLock<String> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let in_checkout = std::env::current_dir().is_ok_and(|dir| dir.ancestors().any(is_checkout));
        match std::env::args_os().next() {
            Some(argv0) if !in_checkout => shell_word(&argv0.to_string_lossy()),
            _ => CARGO_RUN.to_string(),
        }
    })
}

/// Whether `dir` is the root of a simloop checkout (its `sim/Cargo.toml` is `simloop-cli`'s).
fn is_checkout(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("sim/Cargo.toml"))
        .is_ok_and(|manifest| manifest.contains("name = \"simloop-cli\""))
}

/// `word` as one shell word: unchanged when it has no character a shell treats specially,
/// else in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod examples {
    #[test]
    fn replay_command_runs_cargo_in_a_checkout() {
        // The tests run in the checkout, so `cargo run`.
        assert_eq!(
            crate::output::replay_command("s.toml", "sl3:fifo:0:AGto0Qs"),
            "cargo run -q -p simloop-cli --bin sim -- replay s.toml sl3:fifo:0:AGto0Qs",
        );
        assert_eq!(
            crate::output::replay_command("my dir/s.toml", "sl3:fifo:0:AGto0Qs"),
            "cargo run -q -p simloop-cli --bin sim -- replay 'my dir/s.toml' sl3:fifo:0:AGto0Qs",
        );
    }

    #[test]
    fn a_path_that_looks_like_a_flag_is_not_one() {
        assert_eq!(
            crate::output::replay_command("-s.toml", "sl3:fifo:0:AGto0Qs"),
            "cargo run -q -p simloop-cli --bin sim -- replay ./-s.toml sl3:fifo:0:AGto0Qs",
        );
        assert_eq!(
            crate::output::replay_command("--x y.toml", "sl3:fifo:0:AGto0Qs"),
            "cargo run -q -p simloop-cli --bin sim -- replay './--x y.toml' sl3:fifo:0:AGto0Qs",
        );
    }

    #[test]
    fn shell_word_quotes_what_a_shell_would_read() {
        use super::shell_word;
        assert_eq!(shell_word("scenarios/a.toml"), "scenarios/a.toml");
        assert_eq!(shell_word("it's here"), r"'it'\''s here'");
    }
}

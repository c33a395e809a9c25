//! The `sim` command: runs simloop scenarios. See `sim --help`.

fn main() -> std::process::ExitCode {
    simloop_cli::cli::main(std::env::args_os())
}

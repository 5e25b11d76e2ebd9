//! `cargo xtask test`: the one command that runs every test suite of the project.
//!
//! 1. `regen --check`, so tests never run against stale generated code;
//! 2. `cargo test --workspace`, every Rust-only suite (the spec conformance suites included);
//! 3. the quickstart (`cargo run --example quickstart`), the README's first command, end to end
//!    against its embedded fc-local;
//! 4. the READMEs' "Common tasks" (see [`crate::tasks`]): every program they show, in order,
//!    against the fc-local binary;
//! 5. the peer suites (`cargo xtask peer`): the official SDKs' scenarios (FC 3.0 and FC 2.0,
//!    Python and Node.js), the console in headless Chromium and schemathesis against the
//!    fc-local binary, with the peers installed under `target/`.

use std::process::Command;

use crate::workspace_root;

pub(crate) fn run() -> Result<(), String> {
    println!("==> cargo xtask regen --check");
    crate::regen::run(true)?;

    println!("==> cargo test --workspace");
    cargo(&["test", "--workspace"])?;

    println!("==> cargo run --example quickstart");
    cargo(&["run", "--quiet", "--example", "quickstart"])?;

    println!("==> the READMEs' common tasks against fc-local");
    crate::tasks::run()?;

    println!("==> peer suites (official SDKs, Chromium, schemathesis) against fc-local");
    crate::peer::run()
}

fn cargo(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

//! Developer tasks for fc-rs, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! - `regen [--check]`: regenerate the checked-in generated sources from `spec/`; with `--check`,
//!   write nothing and fail with a diff when they are stale.
//! - `spec-diff <vendor api-docs.json> [--api NAME]`: list operations, parameters and fields that
//!   the vendor metadata and our spec of API `NAME` (default `fc3`, see `spec/apis.yaml`) disagree
//!   on.
//! - `peer`: the suites that run clients we did not write against fc-local (see [`peer`]).
//! - `test`: everything the README's test command promises (see [`mod@test`]).

mod peer;
mod regen;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  regen [--check]              regenerate fc-models/ and fc-client/ sources for every API in
                               spec/apis.yaml (--check: write nothing, fail with a diff if stale)
  spec-diff <api-docs.json> [--api NAME]
                               compare vendor API metadata with the spec of API NAME
                               (default fc3; the names are in spec/apis.yaml)
  peer                         the official Python SDK and schemathesis against fc-local
                               (installs them into a venv under target/)
  test                         regen --check, cargo test --workspace, and the peer suites";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regen"] => regen::run(false),
        ["regen", "--check"] => regen::run(true),
        ["spec-diff", vendor] => spec_diff(Path::new(vendor), "fc3"),
        ["spec-diff", vendor, "--api", name] => spec_diff(Path::new(vendor), name),
        ["peer"] => peer::run(),
        ["test"] => test::run(),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate's directory).
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// The API versions to generate, from `spec/apis.yaml`.
fn apis() -> Result<Vec<codegen::ApiEntry>, String> {
    codegen::load_manifest(&workspace_root().join("spec/apis.yaml")).map_err(|e| e.to_string())
}

fn spec_diff(vendor: &Path, name: &str) -> Result<(), String> {
    let apis = apis()?;
    let api = apis.iter().find(|api| api.name == name).ok_or_else(|| {
        let names: Vec<&str> = apis.iter().map(|api| api.name.as_str()).collect();
        format!(
            "no API named {name} in spec/apis.yaml (known: {})",
            names.join(", ")
        )
    })?;
    let spec = codegen::Spec::load(&workspace_root().join(&api.spec)).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(vendor)
        .map_err(|e| format!("cannot read {}: {e}", vendor.display()))?;
    let metadata: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not JSON: {e}", vendor.display()))?;
    let report = codegen::spec_diff::diff(&metadata, &spec.document);
    print!("{report}");
    Ok(())
}

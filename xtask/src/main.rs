//! Developer tasks for fc-rs, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! - `regen [--check]`: regenerate the checked-in generated sources from `spec/`; with `--check`,
//!   write nothing and fail with a diff when they are stale.
//! - `spec-diff <vendor api-docs.json> [--api NAME] [--check]`: compare the vendor metadata with
//!   our spec of API `NAME` (default `fc3`, see `spec/apis.yaml`): operations, parameters and
//!   fields in both directions, with their types, required flags, enum values and constraints,
//!   and YAML for what the spec lacks. Differences listed in the API's `spec_diff_baseline` are
//!   counted, not shown again. With `--check`, fail when there is a difference the baseline does
//!   not list or a baseline line that no longer matches.
//! - `bench [--build]`: the peer benchmark, or the build cost (see [`mod@bench`]).
//! - `peer`: the suites that run clients we did not write against fc-local (see [`peer`]).
//! - `tasks`: the READMEs' common tasks against fc-local (see [`tasks`]).
//! - `test`: everything the README's test command promises (see [`mod@test`]).

mod bench;
mod peer;
mod regen;
mod tasks;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  regen [--check]              regenerate fc-models/ and fc-client/ sources for every API in
                               spec/apis.yaml (--check: write nothing, fail with a diff if stale)
  spec-diff <api-docs.json> [--api NAME] [--check]
                               compare vendor API metadata with the spec of API NAME
                               (default fc3; the names are in spec/apis.yaml); shows only
                               differences its baseline does not list (--check: fail if there
                               are any, or if a baseline line no longer matches)
  bench [--build]              the peer benchmark: fc-client, a bare signed reqwest client and
                               the official Python and Node.js SDKs against a static responder,
                               and fc-local's own throughput (--build: the build cost against
                               aws-sdk-lambda + aws-config)
  peer                         the official Python SDK and schemathesis against fc-local
                               (installs them into a venv under target/)
  tasks                        run the READMEs' common tasks (the programs they show) against
                               the fc-local binary
  test                         regen --check, cargo test --workspace, the common tasks, and
                               the peer suites";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regen"] => regen::run(false),
        ["regen", "--check"] => regen::run(true),
        ["spec-diff", vendor, options @ ..] => match spec_diff_options(options) {
            Some((name, check)) => spec_diff(Path::new(vendor), name, check),
            None => Err(USAGE.to_owned()),
        },
        ["bench"] => bench::run(false),
        ["bench", "--build"] => bench::run(true),
        ["peer"] => peer::run(),
        ["tasks"] => tasks::run(),
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

/// `cargo build --workspace --bins --examples`: the fc-local binary and every example, built
/// with the feature set that `cargo test --workspace` resolves (all members, dev-dependencies
/// included), so that nothing is compiled a second time with other features. `tasks` and
/// `peer` run what this builds from `target/debug`.
fn build_binaries() -> Result<(), String> {
    println!("==> cargo build --workspace --bins --examples");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    peer::run_command(
        std::process::Command::new(&cargo)
            .args(["build", "--workspace", "--bins", "--examples"])
            .current_dir(workspace_root()),
    )
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the workspace root) or `target/`.
fn target_dir() -> PathBuf {
    let root = workspace_root();
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| root.join("target"), |dir| root.join(dir))
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

/// `[--api NAME] [--check]`, in any order: the API's name (default `fc3`) and `--check`.
fn spec_diff_options<'a>(options: &[&'a str]) -> Option<(&'a str, bool)> {
    let (mut name, mut check) = (None, false);
    let mut rest = options.iter();
    while let Some(option) = rest.next() {
        match *option {
            "--check" if !check => check = true,
            "--api" if name.is_none() => name = Some(*rest.next()?),
            _ => return None,
        }
    }
    Some((name.unwrap_or("fc3"), check))
}

fn spec_diff(vendor: &Path, name: &str, check: bool) -> Result<(), String> {
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
    let baseline = baseline(api)?;
    let outcome = baseline.apply(codegen::spec_diff::diff(&metadata, &spec.document));
    println!(
        "{name}: {} against {}, baseline {}",
        api.spec,
        vendor.display(),
        api.spec_diff_baseline
            .as_deref()
            .unwrap_or("none (spec_diff_baseline in spec/apis.yaml)")
    );
    print!("{outcome}");
    if outcome.fails(check) {
        return Err(
            "spec-diff --check: differences the baseline does not list, or baseline \
                    lines that no longer match (see above)"
                .to_owned(),
        );
    }
    Ok(())
}

/// The API's reviewed list of known differences; empty when the manifest names none.
fn baseline(api: &codegen::ApiEntry) -> Result<codegen::spec_diff::Baseline, String> {
    let Some(path) = &api.spec_diff_baseline else {
        return Ok(codegen::spec_diff::Baseline::default());
    };
    let text = std::fs::read_to_string(workspace_root().join(path))
        .map_err(|e| format!("cannot read the baseline {path}: {e}"))?;
    codegen::spec_diff::Baseline::parse(path, &text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::spec_diff_options;

    #[test]
    fn spec_diff_takes_api_and_check_in_any_order() {
        assert_eq!(spec_diff_options(&[]), Some(("fc3", false)));
        assert_eq!(spec_diff_options(&["--check"]), Some(("fc3", true)));
        assert_eq!(spec_diff_options(&["--api", "fc2"]), Some(("fc2", false)));
        assert_eq!(
            spec_diff_options(&["--check", "--api", "fc2"]),
            Some(("fc2", true))
        );
        assert_eq!(
            spec_diff_options(&["--api", "fc2", "--check"]),
            Some(("fc2", true))
        );
    }

    #[test]
    fn spec_diff_refuses_unknown_repeated_or_incomplete_options() {
        for bad in [
            &["--api"][..],
            &["--check", "--check"],
            &["--api", "a", "--api", "b"],
            &["--all"],
        ] {
            assert_eq!(spec_diff_options(bad), None, "{bad:?}");
        }
    }
}

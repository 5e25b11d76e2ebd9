//! `cargo xtask regen [--check]`.

use std::path::Path;
use std::process::Command;

use crate::{apis, workspace_root};

/// Regenerates every generated file of every API in `spec/apis.yaml`; with `check`, compares
/// instead of writing.
pub(crate) fn run(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let mut files = Vec::new();
    for api in apis()? {
        files.extend(codegen::generate(&root, &api).map_err(|e| format!("{}: {e}", api.name))?);
    }
    let mut stale = Vec::new();
    let mut written = 0;
    for file in &files {
        let path = root.join(&file.path);
        // Compare with line endings normalised, so a checkout with CRLF is not "stale".
        let current = std::fs::read_to_string(&path)
            .ok()
            .map(|text| text.replace("\r\n", "\n"));
        let fresh = current.as_deref() == Some(file.contents.as_str());
        if check {
            println!("{} {}", if fresh { "ok   " } else { "STALE" }, file.path);
            if !fresh {
                show_diff(&path, &file.contents);
                stale.push(file.path.as_str());
            }
        } else if !fresh {
            std::fs::write(&path, &file.contents)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("wrote {}", file.path);
            written += 1;
        }
    }
    if stale.is_empty() {
        if !check {
            println!(
                "{} generated files up to date ({written} rewritten)",
                files.len()
            );
        }
        Ok(())
    } else {
        Err(format!(
            "{} generated file(s) are stale: {}\nrun `cargo xtask regen` and commit the result",
            stale.len(),
            stale.join(", ")
        ))
    }
}

/// Prints a unified diff between the file on disk and what it should be, using git (which every
/// checkout of this repository has) rather than a diff crate.
fn show_diff(path: &Path, expected: &str) {
    let scratch = workspace_root().join("target/xtask-regen");
    let name = path.file_name().unwrap_or_default();
    let expected_path = scratch.join(name);
    if std::fs::create_dir_all(&scratch).is_err()
        || std::fs::write(&expected_path, expected).is_err()
    {
        eprintln!(
            "  (could not write {} to show a diff)",
            expected_path.display()
        );
        return;
    }
    let missing = !path.exists();
    let old = if missing {
        Path::new("/dev/null")
    } else {
        path
    };
    let status = Command::new("git")
        .args([
            "--no-pager",
            "diff",
            "--no-index",
            "--stat",
            "--patch",
            "--color=never",
        ])
        .arg(old)
        .arg(&expected_path)
        .status();
    if status.is_err() {
        eprintln!("  (git is not available to show the diff)");
    }
}

//! `cargo xtask regen [--check]`.

use std::path::Path;
use std::process::Command;

use crate::{apis, workspace_root};

/// Regenerates every generated file of every API in `spec/apis.yaml`; with `check`, compares
/// instead of writing.
pub(crate) fn run(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let mut files = Vec::new();
    let mut specs = Vec::new();
    for api in apis()? {
        files.extend(codegen::generate(&root, &api).map_err(|e| format!("{}: {e}", api.name))?);
        let spec = codegen::Spec::load(&root.join(&api.spec)).map_err(|e| e.to_string())?;
        specs.push((api.name, spec));
    }
    let counts =
        codegen::doc_counts::counts(specs.iter().map(|(name, spec)| (name.as_str(), spec)));
    files.extend(docs_with_counts(&root, &counts)?);
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

/// Every tracked Markdown file that states a count (`codegen::doc_counts`), with its counts
/// current.
fn docs_with_counts(
    root: &Path,
    counts: &std::collections::BTreeMap<String, usize>,
) -> Result<Vec<codegen::GeneratedFile>, String> {
    let listing = Command::new("git")
        .args(["ls-files", "-z", "--", "*.md"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run `git ls-files` to find the docs: {e}"))?;
    if !listing.status.success() {
        return Err(format!(
            "`git ls-files` failed: {}",
            String::from_utf8_lossy(&listing.stderr).trim()
        ));
    }
    let mut docs = Vec::new();
    for path in listing.stdout.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let Ok(text) = std::fs::read_to_string(root.join(&path)) else {
            continue; // deleted in the work tree, or not text
        };
        let text = text.replace("\r\n", "\n");
        if let Some(contents) =
            codegen::doc_counts::rewrite(&path, &text, counts).map_err(|e| e.to_string())?
        {
            docs.push(codegen::GeneratedFile { path, contents });
        }
    }
    Ok(docs)
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

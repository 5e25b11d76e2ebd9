//! The READMEs' examples are exactly the programs CI compiles and runs: every block after an
//! `<!-- example: PATH -->` marker is the file at PATH, every example of fc-client is shown in its
//! README, and the root README's "Common tasks" is fc-client's, word for word.
//! (`cargo xtask test` runs the marked programs, in README order, against fc-local.)

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `(path, block)` for every marked block of the Markdown file `doc`.
fn marked_blocks(doc: &str) -> Vec<(String, String)> {
    let text = read(doc);
    let mut lines = text.lines();
    let mut found = Vec::new();
    while let Some(line) = lines.next() {
        let Some(path) = line
            .strip_prefix("<!-- example: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```rust"),
            "{doc}: no ```rust block after the marker of {path}"
        );
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        found.push((path.to_owned(), block.join("\n")));
    }
    found
}

fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?}"));
    let rest = &text[start + heading.len()..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    &text[start..start + heading.len() + end]
}

#[test]
fn every_marked_block_is_its_file() {
    for doc in ["fc-client/README.md", "README.md"] {
        let blocks = marked_blocks(doc);
        assert!(blocks.len() >= 10, "{doc} shows {} examples", blocks.len());
        for (path, block) in blocks {
            let file = read(&path);
            assert_eq!(
                block,
                file.trim_end_matches('\n'),
                "{doc}: the block of {path} differs from the file; copy the file into the README"
            );
        }
    }
}

#[test]
fn every_example_of_fc_client_is_in_its_readme() {
    let shown: Vec<String> = marked_blocks("fc-client/README.md")
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let dir = root().join("fc-client/examples");
    for entry in std::fs::read_dir(&dir).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap().to_string_lossy();
            let relative = format!("fc-client/examples/{name}");
            assert!(
                shown.contains(&relative),
                "{relative} is not in fc-client/README.md"
            );
        }
    }
}

#[test]
fn the_root_readme_has_the_same_common_tasks() {
    let client = read("fc-client/README.md");
    let workspace = read("README.md");
    assert_eq!(
        section(&workspace, "## Common tasks"),
        section(&client, "## Common tasks"),
        "README.md's Common tasks differ from fc-client/README.md's"
    );
}

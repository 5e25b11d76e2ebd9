//! The numbers the docs state are computed, not typed: each claim below names a doc, the phrase
//! that states a number (`{}` stands for it) and the number's source — the operation table
//! (`fc_models::API`), fc-local's action → handler map (`fc_local::api::emulated_actions`) or
//! the files of a fixture folder. A failure names the doc, the phrase and both numbers. The
//! numbers that follow from a spec alone (its operations) are written by `cargo xtask regen`
//! between `<!-- count: .. -->` markers, so adding an operation to a spec needs no doc edit; this
//! test still checks them. In `fc-local/README.md` the table of emulated operations must be
//! exact, and each operation named as answering 501 must not be emulated.
//!
//! Facts about the vendor snapshot (e.g. "the 67 operations it describes") are history and are
//! not checked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The operation schemathesis leaves out (see `xtask/src/peer.rs`).
const PEER_EXCLUDED: &str = "InvokeFunction";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The doc's text without HTML comments (the count markers `cargo xtask regen` writes, see
/// `codegen::doc_counts`) and with every run of whitespace (line breaks included) as one space.
fn read_doc(doc: &str) -> String {
    let path = workspace().join(doc);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut plain = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find("<!--") {
        plain.push_str(&rest[..start]);
        let end = rest[start..]
            .find("-->")
            .unwrap_or_else(|| panic!("{doc} has an unclosed HTML comment"));
        rest = &rest[start + end + "-->".len()..];
    }
    plain.push_str(rest);
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The number of `.json` files in a folder of the workspace.
fn json_files(folder: &str) -> usize {
    let path = workspace().join(folder);
    std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()))
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "json"))
        .count()
}

/// The numbers `text` states where `phrase` (with `{}` for the number) occurs.
fn stated(text: &str, phrase: &str) -> Vec<usize> {
    let (prefix, suffix) = phrase.split_once("{}").expect("phrase has a {}");
    assert!(!prefix.is_empty(), "phrase {phrase:?} must start with text");
    text.match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let number = rest[..digits].parse().ok()?;
            rest[digits..].starts_with(suffix).then_some(number)
        })
        .collect()
}

#[test]
fn numbers_stated_in_the_docs_match_their_sources() {
    let operations = fc_models::API.operations.len();
    let emulated = fc_local::api::emulated_actions();
    let peer = emulated.iter().filter(|a| **a != PEER_EXCLUDED).count();
    let wire = json_files("fc-client/tests/fixtures/wire");
    let responses = json_files("fc-models/tests/fixtures/responses");
    let seeds = json_files("fc-models/tests/fixtures/seeds");
    let ops = ("fc_models::API.operations.len()", operations);
    let emu = ("fc_local::api::emulated_actions().len()", emulated.len());
    let peer = ("emulated_actions() without InvokeFunction", peer);
    let wire = ("*.json in fc-client/tests/fixtures/wire", wire);
    let responses = ("*.json in fc-models/tests/fixtures/responses", responses);
    let seeds = ("*.json in fc-models/tests/fixtures/seeds", seeds);
    let fc2_ops = (
        "fc_models::fc2::API.operations.len()",
        fc_models::fc2::API.operations.len(),
    );
    let fc2_wire = (
        "*.json in fc-client/tests/fixtures/wire-fc2",
        json_files("fc-client/tests/fixtures/wire-fc2"),
    );
    let fc2_responses = (
        "*.json in fc-models/tests/fixtures/responses-fc2",
        json_files("fc-models/tests/fixtures/responses-fc2"),
    );
    let claims: &[(&str, &str, (&str, usize))] = &[
        ("README.md", "(version 2023-03-30, all {} operations)", ops),
        (
            "README.md",
            "every request the official SDK recorded ({})",
            wire,
        ),
        ("README.md", "every recorded response body ({})", responses),
        ("README.md", "the documentation samples ({})", seeds),
        (
            "spec/README.md",
            "`fc-2023-03-30.yaml` covers all {} operations of the 3.0 API",
            ops,
        ),
        (
            "README.md",
            "(version 2021-04-06, all {} operations)",
            fc2_ops,
        ),
        ("README.md", "FC 2.0: {} recorded requests", fc2_wire),
        (
            "README.md",
            "FC 2.0: {} recorded response bodies",
            fc2_responses,
        ),
        (
            "spec/README.md",
            "It covers all {} operations of that version",
            fc2_ops,
        ),
        (
            "spec/README.md",
            "one per operation for all {}, every field",
            fc2_wire,
        ),
        (
            "spec/README.md",
            "bodies for the {} operations that answer JSON",
            fc2_responses,
        ),
        (
            "fc-client/tests/fixtures/wire-fc2/README.md",
            "one per operation (today all {})",
            fc2_wire,
        ),
        (
            "fc-models/tests/fixtures/README.md",
            "For each of the {} FC 2.0 operations",
            fc2_responses,
        ),
        ("spec/README.md", "one per operation for all {}:", wire),
        (
            "spec/README.md",
            "bodies for the {} operations that return JSON",
            responses,
        ),
        (
            "fc-client/tests/fixtures/wire/README.md",
            "has an official recording (today all {})",
            wire,
        ),
        (
            "fc-models/tests/fixtures/README.md",
            "recorded response bodies ({})",
            responses,
        ),
        (
            "fc-models/tests/fixtures/README.md",
            "For each of the {} FC 3.0 operations",
            responses,
        ),
        (
            "fc-models/tests/fixtures/README.md",
            "documentation samples ({})",
            seeds,
        ),
        ("fc-local/README.md", "({} operations are emulated", emu),
        ("fc-local/README.md", "cover it): {} operations today", peer),
    ];
    let mut wrong = Vec::new();
    for &(doc, phrase, (source, value)) in claims {
        let numbers = stated(&read_doc(doc), phrase);
        if numbers.is_empty() {
            wrong.push(format!(
                "{doc} no longer says {phrase:?} (update the claim in fc-local/tests/doc_counts.rs)"
            ));
        }
        for number in numbers {
            if number != value {
                wrong.push(format!(
                    "{doc}: {:?} states {number}, but {source} is {value}",
                    phrase.replace("{}", &number.to_string())
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// The action names in a comma-separated list, without parenthesised remarks and emphasis.
fn actions(list: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .replace("**", "")
        .split(',')
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// Fails naming what `doc` lists and `source` lacks, and the other way round.
fn same(listed: &BTreeSet<String>, expected: &BTreeSet<String>, doc: &str, source: &str) {
    let extra: Vec<_> = listed.difference(expected).collect();
    let missing: Vec<_> = expected.difference(listed).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{doc} lists {extra:?}, not in {source}; it omits {missing:?}"
    );
}

#[test]
fn fc_local_readme_lists_the_emulated_and_the_501_operations() {
    let text = std::fs::read_to_string(workspace().join("fc-local/README.md")).expect("README");
    let emulated: BTreeSet<String> = fc_local::api::emulated_actions()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let others: BTreeSet<String> = fc_models::API
        .operations
        .iter()
        .map(|op| op.action.to_owned())
        .filter(|action| !emulated.contains(action))
        .collect();

    let table = text
        .split("| Resource | Emulated operations |\n|---|---|\n")
        .nth(1)
        .expect("fc-local/README.md has the table of emulated operations");
    let mut listed = BTreeSet::new();
    for row in table.lines().take_while(|line| line.starts_with('|')) {
        let cell = row.split('|').nth(2).expect("a row has two cells");
        for action in actions(cell) {
            assert!(listed.insert(action.clone()), "{action} is listed twice");
        }
    }
    same(
        &listed,
        &emulated,
        "fc-local/README.md's table of emulated operations",
        "emulated_actions()",
    );

    let marker = "**Answer 501 `NotImplemented`** (with a message naming the action):";
    let after = text
        .split(marker)
        .nth(1)
        .expect("fc-local/README.md lists the operations answering 501");
    // The list names the operations left for later (none today) and ends with "any operation
    // of the spec that the table above does not list"; it must name exactly those that answer
    // 501.
    let list = after
        .split("any operation of the spec")
        .next()
        .filter(|list| list.len() < after.len())
        .expect("the list ends with the rule for operations it does not name");
    let list = list
        .trim_end()
        .trim_end_matches("and")
        .trim_end()
        .trim_end_matches(',');
    let listed: BTreeSet<String> = actions(list).into_iter().collect();
    same(
        &listed,
        &others,
        "fc-local/README.md's list of operations answering 501",
        "the operations of fc_models::API that emulated_actions() lacks",
    );
}

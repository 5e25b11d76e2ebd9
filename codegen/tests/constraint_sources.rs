//! Every input constraint the spec records has a row, with its source, in `spec/README.md`.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

fn constrained(schema: &Value) -> bool {
    let items = schema.get("items").unwrap_or(&Value::Null);
    codegen::CONSTRAINT_KEYWORDS
        .iter()
        .any(|k| schema.get(k).is_some() || items.get(k).is_some())
}

/// `(owner, field)` for every constrained property of a component schema (`owner` = the schema)
/// and every constrained parameter (`owner` = the operation id).
fn recorded_constraints(document: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("schemas");
    for (name, schema) in schemas {
        let properties = schema.get("properties").and_then(Value::as_object);
        for (field, property) in properties.into_iter().flatten() {
            if constrained(property) {
                found.push((name.clone(), field.clone()));
            }
        }
    }
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .expect("paths");
    for operation in paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|p| p.values())
    {
        let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let parameters = operation.get("parameters").and_then(Value::as_array);
        for parameter in parameters.into_iter().flatten() {
            if parameter.get("schema").is_some_and(constrained) {
                let name = parameter.get("name").and_then(Value::as_str).expect("name");
                found.push((id.to_owned(), name.to_owned()));
            }
        }
    }
    found
}

/// The names in the first cell of each row of the constraints table: every backticked word,
/// split at dots (`NASMountConfigInput.mountDir` / `.serverAddr` names three).
fn table_rows(readme: &str) -> Vec<BTreeSet<String>> {
    let table = readme
        .split_once("| where | constraint | source |")
        .expect("the constraints table")
        .1;
    table
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cell = line.split('|').nth(1).unwrap_or_default();
            cell.split('`')
                .skip(1)
                .step_by(2)
                .flat_map(|name| name.split('.'))
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// Checks the spec `file` against the constraints table of `spec/README.md` in the part that
/// starts at `section` (the FC 2.0 part has a table of its own).
fn check_constraint_rows(file: &str, section: &str, at_least: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = codegen::Spec::load(&root.join("spec").join(file)).expect("spec");
    let readme = std::fs::read_to_string(root.join("spec/README.md")).expect("README");
    let (_, part) = readme.split_once(section).expect("the section");
    let rows = table_rows(part);
    let constraints = recorded_constraints(&spec.document);
    assert!(
        constraints.len() >= at_least,
        "{} constraints",
        constraints.len()
    );
    let missing: Vec<String> = constraints
        .iter()
        .filter(|(owner, field)| !rows.iter().any(|r| r.contains(owner) && r.contains(field)))
        .map(|(owner, field)| format!("{owner}.{field}"))
        .collect();
    assert!(
        missing.is_empty(),
        "{file}: constraints without a row in spec/README.md: {missing:?}"
    );
}

#[test]
fn every_recorded_constraint_has_a_sourced_row() {
    check_constraint_rows("fc-2023-03-30.yaml", "# `spec/`", 60);
    check_constraint_rows("fc-open-2021-04-06.yaml", "# FC 2.0 —", 20);
}

#[test]
fn a_row_covers_a_field_only_where_both_names_appear() {
    let readme = "| where | constraint | source |\n|---|---|---|\n\
                  | `A.x` / `.y`, `B` `z` | 1 | META |\n";
    let rows = table_rows(readme);
    assert_eq!(rows.len(), 1);
    for name in ["A", "x", "y", "B", "z"] {
        assert!(rows[0].contains(name), "{name}");
    }
    assert!(!rows[0].contains("C"));
}

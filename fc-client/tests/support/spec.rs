//! Reading the checked-in spec and the recorded requests, for the conformance suites.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// The FC 3.0 spec as a JSON tree.
pub fn load_spec() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/fc-2023-03-30.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// One request the official Python SDK sent, as recorded (see `fixtures/wire/README.md`).
#[derive(Debug, Clone, Deserialize)]
pub struct Recorded {
    pub action: String,
    pub method: String,
    /// The path as sent, percent-encoded.
    pub path: String,
    /// Decoded query pairs, in the order sent.
    pub query: Vec<(String, String)>,
    /// Lower-cased header names.
    pub headers: std::collections::BTreeMap<String, String>,
    pub body_json: Option<Value>,
    pub body_base64: Option<String>,
}

/// Every recorded request, sorted by action.
pub fn recorded_requests() -> Vec<Recorded> {
    let dir = fixtures_dir().join("wire");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("fixture is readable");
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not a recorded request: {e}", path.display()))
        })
        .collect()
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A spec operation found by method and path.
pub struct Matched<'a> {
    pub template: &'a str,
    pub operation: &'a Value,
}

/// Every operation whose method and path template match `method` and the encoded `path`.
/// A `{param}` template segment matches exactly one encoded segment.
pub fn match_operations<'a>(spec: &'a Value, method: &str, path: &str) -> Vec<Matched<'a>> {
    let wanted: Vec<&str> = path.split('/').collect();
    let mut found = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths is a map") {
        let Some(operation) = item.get(method.to_ascii_lowercase()) else {
            continue;
        };
        let segments: Vec<&str> = template.split('/').collect();
        let matches = segments.len() == wanted.len()
            && segments
                .iter()
                .zip(&wanted)
                .all(|(t, w)| (t.starts_with('{') && t.ends_with('}') && !w.is_empty()) || t == w);
        if matches {
            found.push(Matched {
                template,
                operation,
            });
        }
    }
    found
}

/// Resolves a local `$ref`, or returns the value itself.
pub fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {reference}")),
        None => value,
    }
}

/// The operation's parameters (references resolved) at location `location`.
pub fn parameters<'a>(spec: &'a Value, operation: &'a Value, location: &str) -> Vec<&'a Value> {
    operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(spec, p))
        .filter(|p| p["in"] == location)
        .collect()
}

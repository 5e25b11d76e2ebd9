//! Reading the checked-in spec and the recorded requests, for the conformance suites.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// One API version's conformance inputs: its spec and its folder of official recordings.
#[derive(Debug)]
pub struct Suite {
    /// The API's short name in `spec/apis.yaml`.
    pub name: &'static str,
    /// The spec file under `spec/`.
    pub spec: &'static str,
    /// The recordings folder under `tests/fixtures/`.
    pub wire: &'static str,
    /// The reviewed list of unrecorded request fields, under `tests/fixtures/`.
    pub allowlist: &'static str,
}

/// FC 3.0 (API 2023-03-30).
pub const FC3: Suite = Suite {
    name: "fc3",
    spec: "fc-2023-03-30.yaml",
    wire: "wire",
    allowlist: "unrecorded-fields.txt",
};

/// FC 2.0 (API 2021-04-06).
pub const FC2: Suite = Suite {
    name: "fc2",
    spec: "fc-open-2021-04-06.yaml",
    wire: "wire-fc2",
    allowlist: "unrecorded-fields-fc2.txt",
};

/// The suite's spec as a JSON tree.
pub fn load_spec(suite: &Suite) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec")
        .join(suite.spec);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// Whether the query parameter `param` is a list sent as numbered keys (`x-fc-style: numbered`).
pub fn is_numbered(param: &Value) -> bool {
    param.get("x-fc-style").and_then(Value::as_str) == Some("numbered")
}

/// Whether the query key `key`, as sent, carries the parameter `param`: its name, or `name.N`
/// (N from 1) for a numbered list.
pub fn carries(param: &Value, key: &str) -> bool {
    let name = param["name"].as_str().unwrap_or_default();
    key == name
        || is_numbered(param)
            && key
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('.'))
                .and_then(|index| index.parse::<u32>().ok())
                .is_some_and(|index| index > 0)
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

/// Every recorded request of the suite, sorted by action.
pub fn recorded_requests(suite: &Suite) -> Vec<Recorded> {
    let dir = fixtures_dir().join(suite.wire);
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

pub use fc_test_support::spec_values::{expand_once, resolve};

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

/// One operation of the spec, by action name.
pub struct SpecOperation<'a> {
    pub action: &'a str,
    /// Lower-case HTTP method, as the spec spells it.
    pub method: &'a str,
    pub template: &'a str,
    pub operation: &'a Value,
}

/// Every operation of the spec (every method of every path item with an `operationId`), sorted
/// by action.
pub fn spec_operations(spec: &Value) -> Vec<SpecOperation<'_>> {
    let mut operations = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths is a map") {
        for (method, operation) in item.as_object().expect("path item is a map") {
            if let Some(action) = operation.get("operationId").and_then(Value::as_str) {
                operations.push(SpecOperation {
                    action,
                    method,
                    template,
                    operation,
                });
            }
        }
    }
    operations.sort_by_key(|op| op.action);
    operations
}

/// The names of the files in the suite's recordings folder, its README excepted.
pub fn recording_files(suite: &Suite) -> Vec<String> {
    let dir = fixtures_dir().join(suite.wire);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != "README.md")
        .collect();
    names.sort();
    names
}

/// A file of `tests/fixtures/`, as text.
pub fn fixture_text(name: &str) -> String {
    let path = fixtures_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Where an expected request comes from; the suites name it in their messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Recorded from the official SDK (`fixtures/wire/`).
    Recording,
    /// Built from the spec alone (`support::derived`); not a recording.
    SpecDerived,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Origin::Recording => "official recording",
            Origin::SpecDerived => "spec-derived, no official recording",
        })
    }
}

/// The parts of an expected request the suites look at, whatever its origin.
pub struct RequestView<'a> {
    pub origin: Origin,
    pub action: &'a str,
    pub method: &'a str,
    /// As sent, percent-encoded.
    pub path: &'a str,
    pub query: &'a [(String, String)],
    /// Lower-cased names.
    pub headers: &'a std::collections::BTreeMap<String, String>,
    pub body_json: Option<&'a Value>,
    /// The raw body of an octet-stream operation (spec-derived requests only; the recordings of
    /// such operations hold their body as `body_json`).
    pub raw_body: Option<&'a [u8]>,
}

impl Recorded {
    pub fn view(&self) -> RequestView<'_> {
        RequestView {
            origin: Origin::Recording,
            action: &self.action,
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body_json: self.body_json.as_ref(),
            raw_body: None,
        }
    }
}

impl super::derived::SpecDerived {
    pub fn view(&self) -> RequestView<'_> {
        RequestView {
            origin: Origin::SpecDerived,
            action: &self.action,
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body_json: self.body_json.as_ref(),
            raw_body: self.raw_body.as_deref(),
        }
    }
}

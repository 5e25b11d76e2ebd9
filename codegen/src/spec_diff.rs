//! Compares the vendor's published API metadata with our spec.
//!
//! The vendor metadata (`api-docs.json`) lists every operation under `apis` with its path,
//! methods, parameters (`in: path|query|header|body`) and response schema, and its types under
//! `components.schemas`. When the API changes, running `cargo xtask spec-diff` on a new copy of
//! that file is the first step: it lists each operation, parameter and field that one side has and
//! the other lacks, so the spec can be updated by hand with the new facts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::spec::METHODS;

/// How deep nested fields are followed (the API's models nest far less than this; recursive
/// schemas stop here).
const MAX_DEPTH: usize = 10;

/// Everything the two documents disagree on, each entry a readable line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Operations, parameters and fields the vendor metadata has and the spec lacks.
    pub only_in_vendor: Vec<String>,
    /// Operations, parameters and fields the spec has and the vendor metadata lacks.
    pub only_in_spec: Vec<String>,
    /// Operations present in both whose method or path differ.
    pub mismatched: Vec<String>,
}

impl Report {
    /// True when the documents agree on everything compared.
    pub fn is_empty(&self) -> bool {
        self.only_in_vendor.is_empty() && self.only_in_spec.is_empty() && self.mismatched.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sections = [
            (
                "in the vendor metadata, missing from the spec",
                &self.only_in_vendor,
            ),
            (
                "in the spec, missing from the vendor metadata",
                &self.only_in_spec,
            ),
            ("different method or path", &self.mismatched),
        ];
        for (title, lines) in sections {
            writeln!(f, "{title} ({}):", lines.len())?;
            for line in lines {
                writeln!(f, "  {line}")?;
            }
        }
        let total = self.only_in_vendor.len() + self.only_in_spec.len() + self.mismatched.len();
        writeln!(f, "{total} difference(s)")
    }
}

/// What one side says about one operation.
#[derive(Debug, Default)]
struct OperationFacts {
    method: String,
    path: String,
    /// `query foo`, `header x-fc-bar`, `path functionName`.
    parameters: BTreeSet<String>,
    request_fields: BTreeSet<String>,
    response_fields: BTreeSet<String>,
}

/// Compares `vendor` (an `api-docs.json` document) with `spec` (our OpenAPI document).
pub fn diff(vendor: &Value, spec: &Value) -> Report {
    let theirs = vendor_operations(vendor);
    let ours = spec_operations(spec);
    let mut report = Report::default();

    for name in theirs.keys().filter(|n| !ours.contains_key(*n)) {
        report.only_in_vendor.push(format!("operation {name}"));
    }
    for name in ours.keys().filter(|n| !theirs.contains_key(*n)) {
        report.only_in_spec.push(format!("operation {name}"));
    }
    for (name, their) in &theirs {
        let Some(our) = ours.get(name) else { continue };
        if their.method != our.method || their.path != our.path {
            report.mismatched.push(format!(
                "{name}: vendor {} {}, spec {} {}",
                their.method, their.path, our.method, our.path
            ));
        }
        let sets = [
            ("parameter", &their.parameters, &our.parameters),
            ("request field", &their.request_fields, &our.request_fields),
            (
                "response field",
                &their.response_fields,
                &our.response_fields,
            ),
        ];
        for (what, theirs, ours) in sets {
            for item in topmost(theirs.difference(ours).collect()) {
                report.only_in_vendor.push(format!("{name} {what} {item}"));
            }
            for item in topmost(ours.difference(theirs).collect()) {
                report.only_in_spec.push(format!("{name} {what} {item}"));
            }
        }
    }
    report
}

fn vendor_operations(vendor: &Value) -> BTreeMap<String, OperationFacts> {
    let mut out = BTreeMap::new();
    let Some(apis) = vendor.get("apis").and_then(Value::as_object) else {
        return out;
    };
    for (name, api) in apis {
        let mut facts = OperationFacts {
            method: api
                .pointer("/methods/0")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_uppercase(),
            path: text(api, "path"),
            ..OperationFacts::default()
        };
        for param in api
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let location = text(param, "in");
            let schema = param.get("schema").unwrap_or(&Value::Null);
            if location == "body" {
                if !is_binary(schema) {
                    fields(vendor, schema, "", 0, &mut facts.request_fields);
                }
            } else {
                facts
                    .parameters
                    .insert(parameter_key(&location, &text(param, "name")));
            }
        }
        if let Some(schema) = api.pointer("/responses/200/schema") {
            fields(vendor, schema, "", 0, &mut facts.response_fields);
        }
        out.insert(name.clone(), facts);
    }
    out
}

fn spec_operations(spec: &Value) -> BTreeMap<String, OperationFacts> {
    let mut out = BTreeMap::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let mut facts = OperationFacts {
                method: method.to_uppercase(),
                path: path.clone(),
                ..OperationFacts::default()
            };
            for param in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let param = resolve(spec, param);
                facts
                    .parameters
                    .insert(parameter_key(&text(param, "in"), &text(param, "name")));
            }
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                fields(spec, schema, "", 0, &mut facts.request_fields);
            }
            if let Some(schema) = op.pointer("/responses/200/content/application~1json/schema") {
                fields(spec, schema, "", 0, &mut facts.response_fields);
            }
            out.insert(text(op, "operationId"), facts);
        }
    }
    out
}

/// Keeps only the fields whose parent is not itself in `missing`: when a whole object is
/// missing, its nested fields are not listed again.
fn topmost(missing: BTreeSet<&String>) -> Vec<&String> {
    missing
        .iter()
        .filter(|field| {
            let mut path = field.as_str();
            while let Some(cut) = path.rfind(['.', '[', '{']) {
                path = &path[..cut];
                if missing.iter().any(|m| m.as_str() == path) {
                    return false;
                }
            }
            true
        })
        .copied()
        .collect()
}

/// Header names compare case-insensitively; other names as written.
fn parameter_key(location: &str, name: &str) -> String {
    if location == "header" {
        format!("header {}", name.to_ascii_lowercase())
    } else {
        format!("{location} {name}")
    }
}

fn is_binary(schema: &Value) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("binary")
}

/// Collects the dotted paths of every field reachable from `schema` (`code.zipFile`,
/// `tags[].Key`, `environmentVariables{}`).
fn fields(doc: &Value, schema: &Value, prefix: &str, depth: usize, out: &mut BTreeSet<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(doc, schema);
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            out.insert(path.clone());
            fields(doc, child, &path, depth + 1, out);
        }
    }
    if let Some(items) = schema.get("items") {
        fields(doc, items, &format!("{prefix}[]"), depth + 1, out);
    }
    if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        fields(doc, values, &format!("{prefix}{{}}"), depth + 1, out);
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(pointer))
            .unwrap_or(schema),
        None => schema,
    }
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

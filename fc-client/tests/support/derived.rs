//! Spec-derived requests: what an operation's request looks like with every field filled in,
//! built from the spec alone. They are **not** recordings of the official SDK: conformance suite 4
//! uses one for an operation that has no official recording (and, as a self-check, for some that
//! do), so that adding an operation to the spec does not need a hand-made fixture. Nothing here
//! is ever written to `fixtures/wire/`.

use std::collections::BTreeMap;

use serde_json::Value;

use fc_test_support::spec_values::placeholder;

use super::spec::{SpecOperation, is_numbered, parameters};

/// The raw body a spec-derived request of an `application/octet-stream` operation carries.
pub const SPEC_DERIVED_RAW_BODY: &[u8] = b"spec-derived raw body";

/// A request built from the spec alone, with every parameter and body field filled with a
/// placeholder of its schema type. Spec-derived, no official recording.
#[derive(Debug, Clone)]
pub struct SpecDerived {
    pub action: String,
    pub method: String,
    /// The path with placeholder path values (they need no percent-encoding).
    pub path: String,
    /// Decoded path values by parameter name.
    pub path_values: BTreeMap<String, String>,
    /// Decoded query pairs.
    pub query: Vec<(String, String)>,
    /// Lower-cased header names.
    pub headers: BTreeMap<String, String>,
    pub body_json: Option<Value>,
    pub raw_body: Option<Vec<u8>>,
}

impl SpecDerived {
    /// Builds the request of `operation` from the spec.
    pub fn build(spec: &Value, operation: &SpecOperation<'_>) -> SpecDerived {
        let op = operation.operation;
        let mut path_values = BTreeMap::new();
        let mut path = operation.template.to_owned();
        for param in parameters(spec, op, "path") {
            let name = param["name"].as_str().expect("parameter name");
            let value = text_of(&text_placeholder(spec, param, name));
            path = path.replace(&format!("{{{name}}}"), &value);
            path_values.insert(name.to_owned(), value);
        }
        // A numbered list (`x-fc-style: numbered`) travels as `name.1`, `name.2`, ...
        let query = parameters(spec, op, "query")
            .into_iter()
            .flat_map(|param| {
                let name = param["name"].as_str().expect("parameter name");
                let value = text_placeholder(spec, param, name);
                match value {
                    Value::Array(items) if is_numbered(param) => items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| (format!("{name}.{}", i + 1), text_of(item)))
                        .collect::<Vec<_>>(),
                    other => vec![(name.to_owned(), text_of(&other))],
                }
            })
            .collect();
        let headers = parameters(spec, op, "header")
            .into_iter()
            .map(|param| {
                let name = param["name"].as_str().expect("parameter name");
                let value = text_of(&text_placeholder(spec, param, name));
                (name.to_ascii_lowercase(), value)
            })
            .collect();
        let content = op.pointer("/requestBody/content");
        let body_json = content
            .and_then(|c| c.pointer("/application~1json/schema"))
            .map(|schema| placeholder(spec, schema, "body"));
        let raw_body = content
            .and_then(|c| c.get("application/octet-stream"))
            .map(|_| SPEC_DERIVED_RAW_BODY.to_vec());
        SpecDerived {
            action: operation.action.to_owned(),
            method: operation.method.to_ascii_uppercase(),
            path,
            path_values,
            query,
            headers,
            body_json,
            raw_body,
        }
    }
}

/// A placeholder as text: strings as they are, anything else as JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The placeholder of a query, header or path parameter: a JSON document for `x-fc-style: json`
/// values (serialised as text), else a scalar of the parameter's type.
fn text_placeholder(spec: &Value, param: &Value, name: &str) -> Value {
    let schema = param.get("schema").unwrap_or(&Value::Null);
    let value = placeholder(spec, schema, name);
    if param.get("x-fc-style").and_then(Value::as_str) == Some("json") {
        Value::String(value.to_string())
    } else {
        value
    }
}

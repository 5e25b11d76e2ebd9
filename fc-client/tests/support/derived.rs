//! Spec-derived requests: what an operation's request looks like with every field filled in,
//! built from the spec alone. They are **not** recordings of the official SDK: conformance suite 4
//! uses one for an operation that has no official recording (and, as a self-check, for some that
//! do), so that adding an operation to the spec does not need a hand-made fixture. Nothing here
//! is ever written to `fixtures/wire/`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::spec::{SpecOperation, expand_once, is_numbered, parameters};

/// A safeguard only: the spec's request schemas nest far less deep, and cycles are cut anyway.
const MAX_DEPTH: usize = 32;

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
            .map(|schema| placeholder(spec, schema, "body", 0, &mut BTreeSet::new()));
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
    let value = placeholder(spec, schema, name, 0, &mut BTreeSet::new());
    if param.get("x-fc-style").and_then(Value::as_str) == Some("json") {
        Value::String(value.to_string())
    } else {
        value
    }
}

/// A value of `schema` with every property filled: strings `spec-<field>` (cut to `maxLength`),
/// enums their first value, numbers inside `minimum`/`maximum` (or the first of
/// `x-fc-allowed-values`), booleans `true`, arrays of one item (or `minItems`), maps one entry.
/// A `$ref` already being expanded on the way down (a cycle) is left out, as is anything deeper
/// than [`MAX_DEPTH`]. Patterns are not honoured (client-side checks are off in the suite).
fn placeholder(
    spec: &Value,
    schema: &Value,
    field: &str,
    depth: usize,
    expanding: &mut BTreeSet<String>,
) -> Value {
    expand_once(spec, schema, expanding, |resolved, expanding| {
        placeholder_resolved(spec, resolved, field, depth, expanding)
    })
    .unwrap_or(Value::Null)
}

fn placeholder_resolved(
    spec: &Value,
    schema: &Value,
    field: &str,
    depth: usize,
    expanding: &mut BTreeSet<String>,
) -> Value {
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(first) = schema
        .get("x-fc-allowed-values")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    let kind = schema.get("type").and_then(Value::as_str);
    match kind {
        Some("string") => {
            let mut text = format!("spec-{field}");
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                text.truncate(max as usize);
            }
            Value::String(text)
        }
        Some("integer") => Value::from(clamp(schema, 3.0) as i64),
        Some("number") => Value::from(clamp(schema, 1.5)),
        Some("boolean") => Value::Bool(true),
        Some("array") => {
            let items = schema.get("items").unwrap_or(&Value::Null);
            let count = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(1);
            let item = placeholder(spec, items, field, depth + 1, expanding);
            if item.is_null() {
                // Left out, like an empty array: fc-client does not send those.
                return Value::Null;
            }
            Value::Array(vec![item; count as usize])
        }
        _ if depth > MAX_DEPTH => Value::Null,
        _ => {
            let mut object = Map::new();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    let value = placeholder(spec, property, name, depth + 1, expanding);
                    if !value.is_null() {
                        object.insert(name.clone(), value);
                    }
                }
            } else if let Some(values) =
                schema.get("additionalProperties").filter(|v| v.is_object())
            {
                let value = placeholder(spec, values, field, depth + 1, expanding);
                if !value.is_null() {
                    object.insert(format!("spec-{field}-key"), value);
                }
            }
            Value::Object(object)
        }
    }
}

/// `preferred` moved inside the schema's `minimum`/`maximum`.
fn clamp(schema: &Value, preferred: f64) -> f64 {
    let mut value = preferred;
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        value = value.max(min);
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        value = value.min(max);
    }
    value
}

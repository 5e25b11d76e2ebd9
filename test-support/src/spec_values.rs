//! Values built from an OpenAPI document alone: what a request or response of an operation looks
//! like with every field filled in, for conformance tests of operations that have no official
//! recording. Such a value is spec-derived, never a recording, and tests say so.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// A safeguard only: the specs' schemas nest far less deep, and cycles are cut anyway.
const MAX_DEPTH: usize = 32;

/// A value of `schema` with every property filled: strings `spec-<field>` (cut to `maxLength`),
/// enums their first value, numbers inside `minimum`/`maximum` (or the first of
/// `x-fc-allowed-values`), booleans `true`, arrays of one item (or `minItems`), maps one entry.
/// A `$ref` already being expanded on the way down (a cycle) is left out, as is anything deeper
/// than 32 levels. Patterns are not honoured.
pub fn placeholder(spec: &Value, schema: &Value, field: &str) -> Value {
    placeholder_at(spec, schema, field, 0, &mut BTreeSet::new())
}

/// [`placeholder`] at `depth` below the top; `expanding` holds the `$ref`s being expanded on the
/// way down.
fn placeholder_at(
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
            let item = placeholder_at(spec, items, field, depth + 1, expanding);
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
                    let value = placeholder_at(spec, property, name, depth + 1, expanding);
                    if !value.is_null() {
                        object.insert(name.clone(), value);
                    }
                }
            } else if let Some(values) =
                schema.get("additionalProperties").filter(|v| v.is_object())
            {
                let value = placeholder_at(spec, values, field, depth + 1, expanding);
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

/// Resolves a local `$ref`, or returns the value itself.
pub fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {reference}")),
        None => value,
    }
}

/// Runs `expand` on `schema` resolved, unless `schema` is a `$ref` already being expanded on the
/// way down (a cycle): then `None`. The reference counts as being expanded while `expand` runs.
pub fn expand_once<'a, T>(
    spec: &'a Value,
    schema: &'a Value,
    expanding: &mut BTreeSet<String>,
    expand: impl FnOnce(&'a Value, &mut BTreeSet<String>) -> T,
) -> Option<T> {
    let reference = schema.get("$ref").and_then(Value::as_str);
    if let Some(reference) = reference
        && !expanding.insert(reference.to_owned())
    {
        return None;
    }
    let expanded = expand(resolve(spec, schema), expanding);
    if let Some(reference) = reference {
        expanding.remove(reference);
    }
    Some(expanded)
}

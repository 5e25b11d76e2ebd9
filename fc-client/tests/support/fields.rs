//! The request fields of the spec, and which of them a recording exercises.
//!
//! A field is named `<Action> <location>.<path>`: `ListFunctions query.limit`,
//! `InvokeFunction header.x-fc-log-type`, `CreateFunction body.code.zipFile`; inside a body, `[]`
//! stands for the items of an array (`body.tags[].key`) and `*` for the values of a map
//! (`body.environmentVariables.*`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::spec::{Recorded, SpecOperation, carries, expand_once, parameters};

/// Every request field of `operation`, each with whether `recorded` (if any) carries it.
pub fn request_fields(
    spec: &Value,
    operation: &SpecOperation<'_>,
    recorded: Option<&Recorded>,
) -> BTreeMap<String, bool> {
    let op = operation.operation;
    let mut fields = BTreeMap::new();
    for param in parameters(spec, op, "query") {
        let name = param["name"].as_str().expect("parameter name");
        let carried = recorded.is_some_and(|r| r.query.iter().any(|(n, _)| carries(param, n)));
        fields.insert(format!("query.{name}"), carried);
    }
    for param in parameters(spec, op, "header") {
        let name = param["name"].as_str().expect("parameter name");
        let carried = recorded.is_some_and(|r| r.headers.contains_key(&name.to_ascii_lowercase()));
        fields.insert(format!("header.{name}"), carried);
    }
    if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
        let body = recorded.and_then(|r| r.body_json.as_ref());
        walk(
            spec,
            schema,
            "body",
            body,
            &mut fields,
            &mut BTreeSet::new(),
        );
    }
    fields
}

/// Adds the fields under `schema` at `at`, marking those present in `value`. A `$ref` already
/// being expanded on the way down (a cycle) is not expanded again.
fn walk(
    spec: &Value,
    schema: &Value,
    at: &str,
    value: Option<&Value>,
    fields: &mut BTreeMap<String, bool>,
    expanding: &mut BTreeSet<String>,
) {
    expand_once(spec, schema, expanding, |resolved, expanding| {
        walk_resolved(spec, resolved, at, value, fields, expanding);
    });
}

/// [`walk`] on a schema whose `$ref` is resolved.
fn walk_resolved(
    spec: &Value,
    resolved: &Value,
    at: &str,
    value: Option<&Value>,
    fields: &mut BTreeMap<String, bool>,
    expanding: &mut BTreeSet<String>,
) {
    if let Some(items) = resolved.get("items") {
        let here = format!("{at}[]");
        match value.and_then(Value::as_array).filter(|a| !a.is_empty()) {
            Some(values) => {
                for item in values {
                    walk(spec, items, &here, Some(item), fields, expanding);
                }
            }
            None => walk(spec, items, &here, None, fields, expanding),
        }
    } else if let Some(properties) = resolved.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let here = format!("{at}.{name}");
            let child = value.and_then(|v| v.get(name)).filter(|v| !v.is_null());
            *fields.entry(here.clone()).or_default() |= child.is_some();
            walk(spec, property, &here, child, fields, expanding);
        }
    } else if let Some(values) = resolved
        .get("additionalProperties")
        .filter(|v| v.is_object())
    {
        let here = format!("{at}.*");
        let entries: Vec<&Value> = value
            .and_then(Value::as_object)
            .map(|m| m.values().collect())
            .unwrap_or_default();
        *fields.entry(here.clone()).or_default() |= !entries.is_empty();
        if entries.is_empty() {
            walk(spec, values, &here, None, fields, expanding);
        }
        for entry in entries {
            walk(spec, values, &here, Some(entry), fields, expanding);
        }
    }
}

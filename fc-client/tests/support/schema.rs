//! A strict structural JSON-schema check, for proving the spec covers every recorded field.
//!
//! Every object is treated as closed: a property the schema does not declare is an error, so a
//! recording that validates proves that the spec names each of its fields. Enum membership and
//! value constraints are not checked: the recordings hold placeholder values (`sample-state`,
//! `3`) and the Rust enums are open.

use serde_json::Value;

use super::spec::resolve;

/// Checks `value` against `schema`, appending one message per problem to `errors`.
pub fn check(spec: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(spec, schema);
    let declared_type = schema.get("type").and_then(Value::as_str);
    let looks_like_object = schema.get("properties").is_some();
    match declared_type {
        Some("object") => check_object(spec, schema, value, at, errors),
        None if looks_like_object => check_object(spec, schema, value, at, errors),
        Some("array") => match value.as_array() {
            Some(items) => {
                let item_schema = schema.get("items").unwrap_or(&Value::Null);
                for (i, item) in items.iter().enumerate() {
                    check(spec, item_schema, item, &format!("{at}[{i}]"), errors);
                }
            }
            None => errors.push(format!("{at}: expected an array, got {value}")),
        },
        Some("string") if !value.is_string() => {
            errors.push(format!("{at}: expected a string, got {value}"))
        }
        Some("integer") if !(value.is_i64() || value.is_u64()) => {
            errors.push(format!("{at}: expected an integer, got {value}"))
        }
        Some("number") if !value.is_number() => {
            errors.push(format!("{at}: expected a number, got {value}"))
        }
        Some("boolean") if !value.is_boolean() => {
            errors.push(format!("{at}: expected a boolean, got {value}"))
        }
        _ => {}
    }
}

fn check_object(spec: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(object) = value.as_object() else {
        errors.push(format!("{at}: expected an object, got {value}"));
        return;
    };
    let properties = schema.get("properties").and_then(Value::as_object);
    let additional = schema.get("additionalProperties").filter(|v| v.is_object());
    let free_form = properties.is_none() && schema.get("additionalProperties").is_none();
    for (key, child) in object {
        let here = format!("{at}.{key}");
        match (properties.and_then(|p| p.get(key)), additional) {
            (Some(property), _) => check(spec, property, child, &here, errors),
            (None, Some(values)) => check(spec, values, child, &here, errors),
            (None, None) if free_form => {}
            (None, None) => errors.push(format!("{here}: property not declared in the spec")),
        }
    }
    for required in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = required.as_str().filter(|name| !object.contains_key(*name)) {
            errors.push(format!("{at}: required property `{name}` is missing"));
        }
    }
}

/// Checks a query or header value (always text on the wire) against a parameter's schema.
pub fn check_text(spec: &Value, param: &Value, text: &str, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(spec, param.get("schema").unwrap_or(&Value::Null));
    if param.get("x-fc-style").and_then(Value::as_str) == Some("json") {
        match serde_json::from_str::<Value>(text) {
            Ok(decoded) => check(spec, schema, &decoded, at, errors),
            Err(e) => errors.push(format!(
                "{at}: x-fc-style json value is not JSON ({e}): {text}"
            )),
        }
        return;
    }
    let ok = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => text.parse::<i64>().is_ok(),
        Some("number") => text.parse::<f64>().is_ok(),
        // The Python SDK writes booleans as `True`/`False`; the service accepts either case.
        Some("boolean") => text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false"),
        Some("string") => true,
        other => {
            errors.push(format!(
                "{at}: parameter schema has unsupported type {other:?}"
            ));
            return;
        }
    };
    if !ok {
        errors.push(format!("{at}: {text:?} does not fit the declared type"));
    }
}

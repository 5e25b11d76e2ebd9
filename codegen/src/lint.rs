//! Our own rules for a spec, checked before progenitor sees it.
//!
//! progenitor panics or quietly generates the wrong thing on several constructs (see
//! `progenitor-notes.md` in the reference material). Each rule here turns one of those into a
//! readable error naming the operation (or schema) and the rule.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::spec::{Operation, Spec};
use crate::{CodegenError, LintError};

/// Names a component schema may not take: they would shadow prelude or crate items.
const RESERVED_NAMES: [&str; 7] = [
    "Client", "Error", "Result", "Option", "Box", "Vec", "String",
];

/// Checks every rule and returns all violations at once.
pub(crate) fn check(spec: &Spec) -> Result<(), CodegenError> {
    let mut errors = Vec::new();
    let mut push = |location: &str, rule: &'static str, message: String| {
        errors.push(LintError {
            location: location.to_owned(),
            rule,
            message,
        })
    };

    let version = spec
        .document
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !version.starts_with("3.0.") {
        push(
            "openapi",
            "openapi-3.0",
            format!("progenitor reads OpenAPI 3.0.x only; the document says {version:?}"),
        );
    }

    let mut seen_ids = BTreeSet::new();
    for op in spec.operations() {
        let location = format!("{} {} ({})", op.method.to_uppercase(), op.path, op.id);
        if op.id.is_empty() {
            push(
                &location,
                "operation-id",
                "every operation needs an operationId".into(),
            );
        } else if !op.id.starts_with(|c: char| c.is_ascii_uppercase())
            || !op.id.chars().all(|c| c.is_ascii_alphanumeric())
        {
            push(
                &location,
                "operation-id",
                "operationId must be the ACS action name (PascalCase ASCII)".into(),
            );
        } else if !seen_ids.insert(op.id) {
            push(
                &location,
                "operation-id",
                "operationId is used twice".into(),
            );
        }
        check_responses(spec, &op, &mut push, &location);
        check_request_body(&op, &mut push, &location);
        check_parameters(spec, &op, &mut push, &location);
        check_pagination(spec, &op, &mut push, &location);
    }

    if let Some(schemas) = spec
        .document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            if RESERVED_NAMES.contains(&name.as_str()) {
                push(
                    &format!("components.schemas.{name}"),
                    "schema-name",
                    "this name shadows a Rust prelude or crate item; pick another".into(),
                );
            }
            if let Some(values) = schema.get("enum") {
                check_enum(name, schema, values, &mut push);
            }
        }
    }
    find_inline_enums(&spec.document, "", &mut push);

    if errors.is_empty() {
        Ok(())
    } else {
        Err(CodegenError::Lint(errors))
    }
}

type Push<'p> = dyn FnMut(&str, &'static str, String) + 'p;

fn check_responses(spec: &Spec, op: &Operation<'_>, push: &mut Push<'_>, location: &str) {
    let Some(responses) = op.body.get("responses").and_then(Value::as_object) else {
        push(
            location,
            "responses",
            "the operation declares no responses".into(),
        );
        return;
    };
    if responses.contains_key("default") {
        push(
            location,
            "no-default-response",
            "progenitor treats `default` as both success and error; use `4XX` and `5XX`".into(),
        );
    }
    for class in ["4XX", "5XX"] {
        if !responses.contains_key(class) {
            push(
                location,
                "error-responses",
                format!("missing the `{class}` error response"),
            );
        }
    }
    let mut kinds = BTreeSet::new();
    for (code, response) in responses {
        if !code.starts_with('2') {
            continue;
        }
        let response = match response.get("$ref").and_then(Value::as_str) {
            Some(r) => spec.resolve(r).unwrap_or(response),
            None => response,
        };
        kinds.insert(content_kind(response.get("content")));
    }
    if kinds.is_empty() {
        push(
            location,
            "success-response",
            "no 2xx response is declared".into(),
        );
    } else if kinds.len() > 1 {
        push(
            location,
            "one-success-kind",
            format!("2xx responses mix body kinds {kinds:?}; progenitor needs one kind"),
        );
    }
}

fn content_kind(content: Option<&Value>) -> &'static str {
    match content.and_then(Value::as_object) {
        None => "empty",
        Some(map) if map.is_empty() => "empty",
        Some(map) if map.contains_key("application/json") => "json",
        Some(_) => "raw",
    }
}

fn check_request_body(op: &Operation<'_>, push: &mut Push<'_>, location: &str) {
    let Some(content) = op
        .body
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
    else {
        return;
    };
    if content.len() != 1 {
        push(
            location,
            "one-request-media-type",
            format!(
                "the request body has {} media types; progenitor takes one",
                content.len()
            ),
        );
    }
    if let Some(octet) = content.get("application/octet-stream") {
        let expected = serde_json::json!({"type": "string", "format": "binary"});
        if octet.get("schema") != Some(&expected) {
            push(
                location,
                "octet-stream-body",
                "an application/octet-stream body schema must be exactly {type: string, format: binary}"
                    .into(),
            );
        }
    }
}

fn check_parameters(spec: &Spec, op: &Operation<'_>, push: &mut Push<'_>, location: &str) {
    for param in op.parameters(spec) {
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
        let Some(style) = param.get("x-fc-style") else {
            continue;
        };
        let here = format!("{location} parameter `{name}`");
        if param.get("in").and_then(Value::as_str) != Some("query") {
            push(
                &here,
                "x-fc-style",
                "x-fc-style applies to query parameters only".into(),
            );
        }
        let schema = param.get("schema").unwrap_or(&Value::Null);
        match style.as_str() {
            Some("json") => {
                if crate::prepare::json_query_rust_type(schema, "fc_models").is_none() {
                    push(
                        &here,
                        "x-fc-style",
                        "a JSON query parameter must be an array of strings or of a named schema"
                            .into(),
                    );
                }
            }
            Some("numbered") => {
                let strings = schema.get("type").and_then(Value::as_str) == Some("array")
                    && schema.pointer("/items/type").and_then(Value::as_str) == Some("string");
                let constrained = crate::CONSTRAINT_KEYWORDS.iter().any(|k| {
                    schema.get(k).is_some() || schema.pointer(&format!("/items/{k}")).is_some()
                });
                if !strings || constrained {
                    push(
                        &here,
                        "x-fc-style",
                        "a numbered query parameter must be an unconstrained array of strings"
                            .into(),
                    );
                }
            }
            _ => push(
                &here,
                "x-fc-style",
                format!("unknown x-fc-style {style}; `json` and `numbered` exist"),
            ),
        }
    }
}

fn check_pagination(spec: &Spec, op: &Operation<'_>, push: &mut Push<'_>, location: &str) {
    let Some(paging) = op.body.get("x-fc-pagination") else {
        return;
    };
    let query: BTreeSet<&str> = op
        .parameters(spec)
        .into_iter()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .filter_map(|p| p.get("name").and_then(Value::as_str))
        .collect();
    let output = crate::tables::success_schema(spec, op);
    let properties = output.and_then(|s| s.get("properties"));
    for (key, must_be_query) in [
        ("inputToken", true),
        ("pageSize", true),
        ("outputToken", false),
        ("items", false),
    ] {
        let value = paging.get(key).and_then(Value::as_str);
        match (value, must_be_query) {
            (None, _) if key == "pageSize" => {}
            (None, _) => push(location, "x-fc-pagination", format!("`{key}` is missing")),
            (Some(name), true) if !query.contains(name) => push(
                location,
                "x-fc-pagination",
                format!("`{key}: {name}` is not a query parameter of the operation"),
            ),
            (Some(name), false) if properties.and_then(|p| p.get(name)).is_none() => push(
                location,
                "x-fc-pagination",
                format!("`{key}: {name}` is not a field of the success response"),
            ),
            _ => {}
        }
    }
}

fn check_enum(name: &str, schema: &Value, values: &Value, push: &mut Push<'_>) {
    let location = format!("components.schemas.{name}");
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        push(
            &location,
            "string-enum",
            "enums must be `type: string`".into(),
        );
    }
    let Some(values) = values.as_array() else {
        push(&location, "string-enum", "`enum` must be a list".into());
        return;
    };
    let mut variants = BTreeSet::new();
    for value in values {
        let Some(text) = value.as_str() else {
            push(
                &location,
                "string-enum",
                format!("enum value {value} is not a string"),
            );
            continue;
        };
        let variant = crate::enums::variant_name(text);
        if variant == crate::enums::UNKNOWN_VARIANT || !variants.insert(variant.clone()) {
            push(
                &location,
                "enum-variant-names",
                format!("value {text:?} maps to the Rust variant `{variant}`, which is taken"),
            );
        }
    }
}

fn find_inline_enums(value: &Value, pointer: &str, push: &mut Push<'_>) {
    match value {
        Value::Object(map) => {
            let is_component =
                pointer.starts_with("/components/schemas/") && pointer.matches('/').count() == 3;
            if map.contains_key("enum") && !is_component {
                push(
                    pointer,
                    "named-enums",
                    "enums must be named component schemas (codegen makes them open Rust enums)"
                        .into(),
                );
            }
            for (key, child) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                find_inline_enums(child, &format!("{pointer}/{key}"), push);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_inline_enums(child, &format!("{pointer}/{i}"), push);
            }
        }
        _ => {}
    }
}

//! Each lint rule reports the operation (or schema) and the rule by name.

use codegen::{CodegenError, LintError, Spec};

/// A minimal valid document with one operation; `patch` edits it before linting.
fn lint_with(patch: impl FnOnce(&mut serde_json::Value)) -> Vec<LintError> {
    let mut document = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "2023-03-30"},
        "paths": {
            "/2023-03-30/things": {
                "get": {
                    "operationId": "ListThings",
                    "parameters": [
                        {"name": "nextToken", "in": "query", "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListThingsOutput"}}}},
                        "4XX": {"description": "client error"},
                        "5XX": {"description": "server error"}
                    }
                }
            }
        },
        "components": {"schemas": {
            "ListThingsOutput": {"type": "object", "properties": {
                "things": {"type": "array", "items": {"type": "string"}},
                "nextToken": {"type": "string"}
            }},
            "ThingState": {"type": "string", "enum": ["Active", "Failed"]}
        }}
    });
    patch(&mut document);
    let bytes = serde_json::to_vec(&document).expect("serializable");
    let spec = Spec::from_bytes("test.yaml", &bytes).expect("parses");
    match codegen::lint(&spec) {
        Ok(()) => Vec::new(),
        Err(CodegenError::Lint(errors)) => errors,
        Err(other) => panic!("unexpected error: {other}"),
    }
}

fn op(document: &mut serde_json::Value) -> &mut serde_json::Value {
    &mut document["paths"]["/2023-03-30/things"]["get"]
}

fn rules(errors: &[LintError]) -> Vec<&'static str> {
    errors.iter().map(|e| e.rule).collect()
}

#[test]
fn the_base_document_is_clean() {
    assert_eq!(lint_with(|_| {}), []);
}

#[test]
fn default_responses_are_refused_and_error_classes_required() {
    let errors = lint_with(|d| {
        let responses = op(d)["responses"].as_object_mut().unwrap();
        responses.remove("4XX");
        responses.insert("default".into(), serde_json::json!({"description": "any"}));
    });
    assert_eq!(rules(&errors), ["no-default-response", "error-responses"]);
    assert!(errors[0].location.contains("ListThings"), "{}", errors[0]);
    assert!(errors[1].message.contains("4XX"));
}

#[test]
fn success_responses_must_share_one_kind() {
    let errors = lint_with(|d| {
        op(d)["responses"]["204"] = serde_json::json!({"description": "empty"});
    });
    assert_eq!(rules(&errors), ["one-success-kind"]);
}

#[test]
fn request_bodies_have_one_media_type_and_exact_octet_schemas() {
    let errors = lint_with(|d| {
        op(d)["requestBody"] = serde_json::json!({"content": {
            "application/json": {"schema": {"type": "object"}},
            "application/octet-stream": {"schema": {"type": "string"}}
        }});
    });
    assert_eq!(
        rules(&errors),
        ["one-request-media-type", "octet-stream-body"]
    );
}

#[test]
fn enums_must_be_named_and_map_to_distinct_variants() {
    let errors = lint_with(|d| {
        op(d)["parameters"][1]["schema"] = serde_json::json!({"type": "string", "enum": ["a"]});
        d["components"]["schemas"]["ThingState"]["enum"] =
            serde_json::json!(["custom.debian10", "custom-debian10", "Unknown"]);
    });
    assert_eq!(
        rules(&errors),
        ["enum-variant-names", "enum-variant-names", "named-enums"]
    );
    assert!(errors[2].location.contains("parameters"), "{}", errors[2]);
}

#[test]
fn operation_ids_are_unique_action_names() {
    let errors = lint_with(|d| {
        let copy = op(d).clone();
        d["paths"]["/2023-03-30/others"] = serde_json::json!({"get": copy});
        op(d)["operationId"] = serde_json::json!("list_things");
    });
    assert_eq!(rules(&errors), ["operation-id"]);
    let errors = lint_with(|d| {
        let copy = op(d).clone();
        d["paths"]["/2023-03-30/others"] = serde_json::json!({"get": copy});
    });
    assert_eq!(rules(&errors), ["operation-id"]);
    assert!(errors[0].message.contains("twice"));
}

#[test]
fn json_query_parameters_must_be_arrays_in_the_query() {
    let errors = lint_with(|d| {
        op(d)["parameters"][0]["x-fc-style"] = serde_json::json!("json");
    });
    assert_eq!(rules(&errors), ["x-fc-style"]);
    assert!(errors[0].location.contains("nextToken"));
}

#[test]
fn numbered_query_parameters_must_be_unconstrained_string_arrays() {
    // `nextToken` is a plain string: not a list.
    let errors = lint_with(|d| {
        op(d)["parameters"][0]["x-fc-style"] = serde_json::json!("numbered");
    });
    assert_eq!(rules(&errors), ["x-fc-style"]);
    assert!(
        errors[0].message.contains("array of strings"),
        "{}",
        errors[0].message
    );
    let list = serde_json::json!({"type": "array", "items": {"type": "string"}});
    let errors = lint_with(|d| {
        op(d)["parameters"][0]["x-fc-style"] = serde_json::json!("numbered");
        op(d)["parameters"][0]["schema"] = list.clone();
    });
    assert!(errors.is_empty(), "{errors:?}");
    let errors = lint_with(|d| {
        op(d)["parameters"][0]["x-fc-style"] = serde_json::json!("numbered");
        op(d)["parameters"][0]["schema"] = list.clone();
        op(d)["parameters"][0]["schema"]["maxItems"] = serde_json::json!(5);
    });
    assert_eq!(rules(&errors), ["x-fc-style"]);
    let errors = lint_with(|d| {
        op(d)["parameters"][0]["x-fc-style"] = serde_json::json!("spaced");
    });
    assert!(
        errors[0].message.contains("`json` and `numbered`"),
        "{}",
        errors[0].message
    );
}

#[test]
fn pagination_names_must_exist() {
    assert_eq!(
        lint_with(|d| {
            op(d)["x-fc-pagination"] = serde_json::json!({
                "inputToken": "nextToken", "outputToken": "nextToken", "items": "things", "pageSize": "limit"
            });
        }),
        []
    );
    let errors = lint_with(|d| {
        op(d)["x-fc-pagination"] = serde_json::json!({
            "inputToken": "startKey", "outputToken": "nextToken", "items": "items"
        });
    });
    assert_eq!(rules(&errors), ["x-fc-pagination", "x-fc-pagination"]);
    assert!(errors[0].message.contains("startKey"));
    assert!(errors[1].message.contains("items"));
}

#[test]
fn reserved_schema_names_and_openapi_versions() {
    let errors = lint_with(|d| {
        d["openapi"] = serde_json::json!("3.1.0");
        d["components"]["schemas"]["Error"] = serde_json::json!({"type": "object"});
    });
    assert_eq!(rules(&errors), ["openapi-3.0", "schema-name"]);
    assert!(errors.iter().all(|e| !e.to_string().is_empty()));
}

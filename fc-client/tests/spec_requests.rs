//! Conformance suite 1: the spec describes every request the official SDK sends.
//!
//! Each fixture in `tests/fixtures/wire/` is a request the official Python SDK put on the wire
//! with every field of its request model filled in. For each one this suite checks that exactly
//! one spec operation matches its method and path, that every query parameter and API header it
//! carries is declared (with a value of the declared type), and that its JSON body validates
//! against the operation's request schema with no undeclared property at any depth. All 73 passing
//! proves the spec names every field the API accepts.

mod support;

use serde_json::Value;
use support::schema::{check, check_text};
use support::spec::{Recorded, load_spec, match_operations, parameters, recorded_requests};

/// Headers every SDK request carries that belong to the protocol, not to an operation.
fn is_protocol_header(name: &str) -> bool {
    name == "accept" || name == "content-type" || name.starts_with("x-acs-")
}

/// The official SDK's free-form "common headers" hook, filled with a placeholder by the
/// recorder (see `tests/fixtures/wire/README.md`); it is not a header of the API.
const SDK_COMMON_HEADER: &str = "key1";

fn check_request(spec: &Value, request: &Recorded) -> Vec<String> {
    let mut errors = Vec::new();
    let matched = match_operations(spec, &request.method, &request.path);
    let [only] = matched.as_slice() else {
        let templates: Vec<&str> = matched.iter().map(|m| m.template).collect();
        return vec![format!(
            "{} {} matches {} operations: {templates:?}",
            request.method,
            request.path,
            matched.len()
        )];
    };
    let operation = only.operation;
    if operation["operationId"] != request.action.as_str() {
        errors.push(format!(
            "matched operation {} instead of {}",
            operation["operationId"], request.action
        ));
    }

    let query_params = parameters(spec, operation, "query");
    for (name, value) in &request.query {
        match query_params.iter().find(|p| p["name"] == name.as_str()) {
            Some(param) => check_text(spec, param, value, &format!("query {name}"), &mut errors),
            None => errors.push(format!("query parameter `{name}` is not declared")),
        }
    }

    let header_params = parameters(spec, operation, "header");
    for (name, value) in &request.headers {
        if is_protocol_header(name) || name == SDK_COMMON_HEADER {
            continue;
        }
        let declared = header_params.iter().find(|p| {
            p["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        });
        match declared {
            Some(param) => check_text(spec, param, value, &format!("header {name}"), &mut errors),
            None => errors.push(format!("header `{name}` is not declared")),
        }
    }

    let content = operation.pointer("/requestBody/content");
    match (&request.body_json, content) {
        (None, _) => {}
        (Some(body), Some(content)) => {
            if let Some(schema) = content.pointer("/application~1json/schema") {
                check(spec, schema, body, "body", &mut errors);
            } else if content.get("application/octet-stream").is_none() {
                errors.push("the spec declares neither a JSON nor a raw body".into());
            }
        }
        (Some(_), None) => errors.push("a body was sent but the spec declares none".into()),
    }
    errors
}

#[test]
fn every_recorded_request_matches_the_spec() {
    let spec = load_spec();
    let requests = recorded_requests();
    assert_eq!(
        requests.len(),
        73,
        "the corpus holds one request per operation"
    );

    let mut failures = Vec::new();
    for request in &requests {
        for error in check_request(&spec, request) {
            failures.push(format!("{}: {error}", request.action));
        }
    }
    let passed = requests.len()
        - failures
            .iter()
            .map(|f| f.split(':').next().unwrap_or_default())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
    assert!(
        failures.is_empty(),
        "{passed}/{} recorded requests conform; problems:\n{}",
        requests.len(),
        failures.join("\n")
    );
}

#[test]
fn every_spec_operation_has_a_recording() {
    let spec = load_spec();
    let recorded: std::collections::BTreeSet<String> =
        recorded_requests().into_iter().map(|r| r.action).collect();
    let mut missing = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("path item").values() {
            if let Some(id) = operation.get("operationId").and_then(Value::as_str)
                && !recorded.contains(id)
            {
                missing.push(id.to_owned());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations with no recorded request: {missing:?}"
    );
}

#[test]
fn the_strict_check_rejects_an_undeclared_field() {
    // Guards the suite itself: a body with an invented field must fail.
    let spec = load_spec();
    let mut request = recorded_requests()
        .into_iter()
        .find(|r| r.action == "CreateFunction")
        .expect("CreateFunction recording");
    let body = request
        .body_json
        .as_mut()
        .expect("CreateFunction has a JSON body");
    body["code"]["notARealField"] = Value::from(1);
    request.query.push(("notAParam".into(), "x".into()));
    let errors = check_request(&spec, &request);
    assert!(
        errors.iter().any(|e| e.contains("body.code.notARealField")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.contains("notAParam")), "{errors:?}");
}

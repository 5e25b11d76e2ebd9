//! Conformance suite 1: the spec describes every request the official SDK sends.
//!
//! Each fixture in `tests/fixtures/wire/` is a request the official Python SDK put on the wire
//! with every field of its request model filled in. For each one this suite checks that exactly
//! one spec operation matches its method and path, that every query parameter and API header it
//! carries is declared (with a value of the declared type), and that its JSON body validates
//! against the operation's request schema with no undeclared property at any depth. All of them
//! passing proves the spec names every field the API accepts.
//!
//! The counts are derived, not hard-coded: the recordings are the files of the fixture folder,
//! the operations those of the spec. An operation with no official recording is covered by its
//! spec-derived request (`support::derived`, checked here against the spec and in suite 4 on the
//! wire). The reverse check lists every request field of the spec that no recording exercises
//! and compares it with the reviewed allowlist `tests/fixtures/unrecorded-fields.txt`.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use support::derived::SpecDerived;
use support::fields::request_fields;
use support::schema::{check, check_text};
use support::spec::{
    FC2, FC3, Origin, RequestView, SpecOperation, Suite, carries, fixture_text, is_numbered,
    load_spec, match_operations, parameters, recorded_requests, recording_files, spec_operations,
};

fc_test_support::per_api!(
    crate::FC3, crate::FC2;
    every_recorded_request_matches_the_spec,
    every_spec_operation_is_covered,
    spec_derived_requests_conform_to_the_spec,
    every_spec_field_is_recorded_or_allowlisted,
);

/// Headers every SDK request carries that belong to the protocol, not to an operation.
fn is_protocol_header(name: &str) -> bool {
    name == "accept" || name == "content-type" || name.starts_with("x-acs-")
}

/// The official SDK's free-form "common headers" hook, filled with a placeholder by the
/// recorder (see `tests/fixtures/wire/README.md`); it is not a header of the API.
const SDK_COMMON_HEADER: &str = "key1";

fn check_request(spec: &Value, request: &RequestView<'_>) -> Vec<String> {
    let mut errors = Vec::new();
    let matched = match_operations(spec, request.method, request.path);
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
    if operation["operationId"] != request.action {
        errors.push(format!(
            "matched operation {} instead of {}",
            operation["operationId"], request.action
        ));
    }

    let query_params = parameters(spec, operation, "query");
    for (name, value) in request.query {
        match query_params.iter().find(|p| carries(p, name)) {
            // One item of a numbered list (`instanceIds.1`): checked against the item schema.
            Some(param) if is_numbered(param) => {
                let item = serde_json::json!({"schema": param["schema"]["items"]});
                check_text(spec, &item, value, &format!("query {name}"), &mut errors);
            }
            Some(param) => check_text(spec, param, value, &format!("query {name}"), &mut errors),
            None => errors.push(format!("query parameter `{name}` is not declared")),
        }
    }

    let header_params = parameters(spec, operation, "header");
    for (name, value) in request.headers {
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
    match (request.body_json, content) {
        (None, _) if request.raw_body.is_none() => {}
        (None, Some(content)) if content.get("application/octet-stream").is_some() => {}
        (None, _) => errors.push("a raw body was sent but the spec declares none".into()),
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

fn every_recorded_request_matches_the_spec(suite: &Suite) {
    let spec = load_spec(suite);
    let requests = recorded_requests(suite);
    // The expectation is the fixture folder itself: every file in it is one recording.
    let files = recording_files(suite);
    let not_recordings: Vec<&String> = files.iter().filter(|f| !f.ends_with(".json")).collect();
    assert!(
        not_recordings.is_empty(),
        "files in fixtures/{}/ that are not recordings: {not_recordings:?}",
        suite.wire
    );
    assert_eq!(
        requests.len(),
        files.len(),
        "every file of fixtures/{}/ is read",
        suite.wire
    );
    let mut per_action: BTreeMap<&str, usize> = BTreeMap::new();
    for request in &requests {
        *per_action.entry(&request.action).or_default() += 1;
    }
    let repeated: Vec<_> = per_action.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        repeated.is_empty(),
        "the corpus holds one request per operation; repeated: {repeated:?}"
    );

    let mut failures = Vec::new();
    for request in &requests {
        for error in check_request(&spec, &request.view()) {
            failures.push(format!("{}: {error}", request.action));
        }
    }
    let passed = requests.len()
        - failures
            .iter()
            .map(|f| f.split(':').next().unwrap_or_default())
            .collect::<BTreeSet<_>>()
            .len();
    assert!(
        failures.is_empty(),
        "{passed}/{} recorded requests conform; problems:\n{}",
        requests.len(),
        failures.join("\n")
    );
}

/// What suite 1 finds wrong with the spec-derived request of `operation`, each line naming it.
fn spec_derived_failures(spec: &Value, operation: &SpecOperation<'_>) -> Vec<String> {
    let request = SpecDerived::build(spec, operation);
    check_request(spec, &request.view())
        .into_iter()
        .map(|error| format!("{} ({}): {error}", operation.action, Origin::SpecDerived))
        .collect()
}

fn every_spec_operation_is_covered(suite: &Suite) {
    // Covered means: by its official recording, or else by its spec-derived request, which must
    // conform to the spec here (suite 4 then checks fc-client puts exactly it on the wire).
    let spec = load_spec(suite);
    let operations = spec_operations(&spec);
    let recorded: BTreeSet<String> = recorded_requests(suite)
        .into_iter()
        .map(|r| r.action)
        .collect();
    let mut derived = Vec::new();
    let mut failures = Vec::new();
    for operation in &operations {
        if recorded.contains(operation.action) {
            continue;
        }
        derived.push(operation.action);
        failures.extend(spec_derived_failures(&spec, operation));
    }
    let unknown: Vec<&String> = recorded
        .iter()
        .filter(|action| !operations.iter().any(|op| op.action == action.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "recordings of actions the spec does not have: {unknown:?}"
    );
    assert_eq!(recorded.len() + derived.len(), operations.len());
    println!(
        "{} operations: {} by an official recording, {} by a spec-derived request \
         (spec-derived, no official recording): {derived:?}",
        operations.len(),
        recorded.len(),
        derived.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn spec_derived_requests_conform_to_the_spec(suite: &Suite) {
    // Exercises the spec-derived path for every operation, recorded or not (today every
    // operation has a recording, so `every_spec_operation_is_covered` builds none).
    let spec = load_spec(suite);
    let mut failures = Vec::new();
    for operation in &spec_operations(&spec) {
        failures.extend(spec_derived_failures(&spec, operation));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What the reverse check found in one spec.
struct FieldCoverage<'a> {
    /// Fields of recorded operations that their recording does not carry, as `<Action> <field>`.
    unrecorded: BTreeSet<String>,
    /// Request fields of recorded operations.
    total: usize,
    /// Operations with no recording at all: their spec-derived request carries every field
    /// (`every_spec_operation_is_covered`), so their fields need no allowlist line.
    spec_derived: Vec<&'a str>,
}

/// The request fields of recorded operations that their recording does not exercise.
fn unrecorded_fields<'a>(suite: &Suite, spec: &'a Value) -> FieldCoverage<'a> {
    let recordings = recorded_requests(suite);
    let mut coverage = FieldCoverage {
        unrecorded: BTreeSet::new(),
        total: 0,
        spec_derived: Vec::new(),
    };
    for operation in &spec_operations(spec) {
        let Some(recording) = recordings.iter().find(|r| r.action == operation.action) else {
            coverage.spec_derived.push(operation.action);
            continue;
        };
        for (field, carried) in request_fields(spec, operation, Some(recording)) {
            coverage.total += 1;
            if !carried {
                coverage
                    .unrecorded
                    .insert(format!("{} {field}", operation.action));
            }
        }
    }
    coverage
}

/// The allowlist's entries: every line that is neither blank nor a `#` comment.
fn allowlist(suite: &Suite) -> BTreeSet<String> {
    fixture_text(suite.allowlist)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// What is wrong between the unrecorded fields and the allowlist: fields in neither, and stale
/// allowlist lines.
fn allowlist_problems(
    allowlist: &str,
    unrecorded: &BTreeSet<String>,
    allowed: &BTreeSet<String>,
) -> Vec<String> {
    let missing: Vec<&String> = unrecorded.difference(allowed).collect();
    let stale: Vec<&String> = allowed.difference(unrecorded).collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "{} request field(s) of the spec are exercised by no recording and not in \
             tests/fixtures/{allowlist}; add a recording that carries them, or (after review) \
             these lines to the allowlist:\n{}",
            missing.len(),
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    if !stale.is_empty() {
        problems.push(format!(
            "{} stale line(s) in tests/fixtures/{allowlist}: now recorded, or no longer a \
             request field of the spec; remove them:\n{}",
            stale.len(),
            stale
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    problems
}

#[test]
fn the_allowlist_check_names_missing_and_stale_lines() {
    let unrecorded: BTreeSet<String> = ["GetThing query.limit", "GetThing body.a[].b"]
        .map(String::from)
        .into();
    let allowed: BTreeSet<String> = ["GetThing body.a[].b", "GetThing header.x-fc-gone"]
        .map(String::from)
        .into();
    let problems = allowlist_problems("list.txt", &unrecorded, &allowed);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("GetThing query.limit") && problems[0].contains("add a recording")
    );
    assert!(problems[1].contains("stale") && problems[1].contains("GetThing header.x-fc-gone"));
    assert!(allowlist_problems("list.txt", &unrecorded, &unrecorded).is_empty());
}

fn every_spec_field_is_recorded_or_allowlisted(suite: &Suite) {
    let spec = load_spec(suite);
    let FieldCoverage {
        unrecorded,
        total,
        spec_derived,
    } = unrecorded_fields(suite, &spec);
    let allowed = allowlist(suite);
    println!(
        "{total} request fields of recorded operations, {} exercised by their recording, {} \
         unrecorded, {} allowlist line(s); operations with no recording (every field carried by \
         their spec-derived request): {spec_derived:?}",
        total - unrecorded.len(),
        unrecorded.len(),
        allowed.len()
    );
    let problems = allowlist_problems(suite.allowlist, &unrecorded, &allowed);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_field_walk_notices_an_unrecorded_field() {
    // Guards the reverse check: dropping a field from a recording makes it unrecorded, and the
    // field names follow the documented shape.
    let spec = load_spec(&FC3);
    let operations = spec_operations(&spec);
    let create = operations
        .iter()
        .find(|op| op.action == "CreateFunction")
        .expect("CreateFunction");
    let mut recording = recorded_requests(&FC3)
        .into_iter()
        .find(|r| r.action == "CreateFunction")
        .expect("CreateFunction recording");
    let full = request_fields(&spec, create, Some(&recording));
    assert_eq!(full.get("body.code.zipFile"), Some(&true), "{full:?}");
    assert_eq!(full.get("body.tags[].Key"), Some(&true), "{full:?}");
    assert_eq!(
        full.get("body.environmentVariables.*"),
        Some(&true),
        "{full:?}"
    );
    let body = recording.body_json.as_mut().expect("a JSON body");
    body["code"]
        .as_object_mut()
        .expect("code")
        .remove("zipFile");
    body["tags"] = Value::Array(Vec::new());
    let fewer = request_fields(&spec, create, Some(&recording));
    assert_eq!(fewer.get("body.code.zipFile"), Some(&false));
    assert_eq!(fewer.get("body.tags[].Key"), Some(&false));
    let list = operations
        .iter()
        .find(|op| op.action == "ListFunctions")
        .expect("ListFunctions");
    let none = request_fields(&spec, list, None);
    assert_eq!(none.get("query.limit"), Some(&false), "{none:?}");
}

#[test]
fn the_strict_check_rejects_an_undeclared_field() {
    // Guards the suite itself: a body with an invented field must fail.
    let spec = load_spec(&FC3);
    let mut request = recorded_requests(&FC3)
        .into_iter()
        .find(|r| r.action == "CreateFunction")
        .expect("CreateFunction recording");
    let body = request
        .body_json
        .as_mut()
        .expect("CreateFunction has a JSON body");
    body["code"]["notARealField"] = Value::from(1);
    request.query.push(("notAParam".into(), "x".into()));
    let errors = check_request(&spec, &request.view());
    assert!(
        errors.iter().any(|e| e.contains("body.code.notARealField")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.contains("notAParam")), "{errors:?}");
}

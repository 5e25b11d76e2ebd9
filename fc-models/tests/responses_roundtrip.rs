//! Conformance suites 2 and 3: every recorded response body, and the sample responses of the API
//! documentation, deserialize into the type the spec gives the operation's 200 response and
//! serialize back to the same JSON: no field lost, renamed or retyped. Placeholder enum values
//! such as `sample-state` must survive too (the enums are open).
//!
//! An operation whose JSON answer has no recording yet (one just added to the spec) is covered by
//! a spec-derived body instead: its schema with every field filled in
//! (`fc_test_support::spec_values`), never written to the fixture folders and reported as such.

use std::path::{Path, PathBuf};

use fc_test_support::json::same_json;
use fc_test_support::spec_values::placeholder;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Deserializes `body` as `T` and serializes it back.
fn round_trip<T: DeserializeOwned + Serialize>(body: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

// The schema-to-type dispatch of every JSON 200 response schema, generated from each spec.
#[rustfmt::skip]
#[path = "generated/response_types.rs"]
mod response_types;
#[rustfmt::skip]
#[path = "generated/response_types_fc2.rs"]
mod response_types_fc2;

/// One API version: its spec, its fixture folders and its generated dispatch.
struct Suite {
    spec: &'static str,
    responses: &'static str,
    samples: &'static str,
    round_trip_as: fn(&str, &Value) -> Option<Result<Value, String>>,
}

const FC3: Suite = Suite {
    spec: "fc-2023-03-30.yaml",
    responses: "responses",
    samples: "seeds",
    round_trip_as: response_types::round_trip,
};

const FC2: Suite = Suite {
    spec: "fc-open-2021-04-06.yaml",
    responses: "responses-fc2",
    samples: "seeds-fc2",
    round_trip_as: response_types_fc2::round_trip,
};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The name of the schema the spec gives `action`'s 200 JSON response.
fn response_schema(spec: &Value, action: &str) -> Option<String> {
    for item in spec["paths"].as_object()?.values() {
        for operation in item.as_object()?.values() {
            if operation["operationId"] == action {
                let reference = operation
                    .pointer("/responses/200/content/application~1json/schema/$ref")?
                    .as_str()?;
                return reference.rsplit('/').next().map(str::to_owned);
            }
        }
    }
    None
}

fn load_spec(suite: &Suite) -> Value {
    let text = std::fs::read_to_string(manifest_dir().join("../spec").join(suite.spec))
        .expect("spec is readable");
    serde_yaml::from_str(&text).expect("spec is YAML")
}

/// Fixture files `<Action>.json` holding `{"model": ..., "body": ...}`.
fn fixtures(dir: &str) -> Vec<(String, Value)> {
    let dir: PathBuf = manifest_dir().join("tests/fixtures").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let action = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("fixture is readable");
            let fixture: Value = serde_json::from_str(&text).expect("fixture is JSON");
            (action, fixture["body"].clone())
        })
        .collect()
}

/// The actions of the spec whose 200 answer is a JSON body.
fn json_actions(spec: &Value) -> Vec<String> {
    let mut actions = Vec::new();
    for item in spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            if operation
                .pointer("/responses/200/content/application~1json")
                .is_some()
                && let Some(action) = operation["operationId"].as_str()
            {
                actions.push(action.to_owned());
            }
        }
    }
    actions.sort();
    actions
}

/// Runs every fixture of `dir` through its operation's response type; returns their actions.
fn check_all(suite: &Suite, dir: &str) -> Vec<String> {
    let spec = load_spec(suite);
    let fixtures = fixtures(dir);
    assert!(!fixtures.is_empty(), "no fixtures in {dir}");
    let mut failures = Vec::new();
    for (action, body) in &fixtures {
        let Some(schema) = response_schema(&spec, action) else {
            failures.push(format!("{action}: the spec has no JSON 200 response"));
            continue;
        };
        match (suite.round_trip_as)(&schema, body) {
            None => failures.push(format!("{action}: no Rust type for schema {schema}")),
            Some(Err(e)) => {
                failures.push(format!("{action}: does not deserialize as {schema}: {e}"))
            }
            Some(Ok(back)) if !same_json(&back, body) => failures.push(format!(
                "{action}: {schema} does not round-trip\n  in:  {body}\n  out: {back}"
            )),
            Some(Ok(_)) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{}/{} bodies round-trip; failures:\n{}",
        fixtures.len() - failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
    fixtures.into_iter().map(|(action, _)| action).collect()
}

/// Suite 2: every recorded response body round-trips, and every other operation whose answer is
/// JSON round-trips a spec-derived body (the counts are the spec's and the folder's, not typed).
fn recorded_responses_round_trip(suite: &Suite) {
    let recorded = check_all(suite, suite.responses);
    let spec = load_spec(suite);
    let unrecorded: Vec<String> = json_actions(&spec)
        .into_iter()
        .filter(|action| !recorded.contains(action))
        .collect();
    let failures: Vec<String> = unrecorded
        .iter()
        .filter_map(|action| spec_derived_failure(suite, &spec, action))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!(
        "{} recorded response bodies round-trip; {} operations without a recording round-trip a \
         spec-derived body (spec-derived, no official recording): {unrecorded:?}",
        recorded.len(),
        unrecorded.len()
    );
}

/// Why the spec-derived body of `action`'s 200 response does not round-trip, if it does not.
fn spec_derived_failure(suite: &Suite, spec: &Value, action: &str) -> Option<String> {
    let schema = response_schema(spec, action)?;
    let body = placeholder(
        spec,
        &serde_json::json!({"$ref": format!("#/components/schemas/{schema}")}),
        "body",
    );
    match (suite.round_trip_as)(&schema, &body) {
        None => Some(format!("{action}: no Rust type for schema {schema}")),
        Some(Err(e)) => Some(format!(
            "{action}: the spec-derived body does not deserialize as {schema}: {e}\n  {body}"
        )),
        Some(Ok(back)) if !same_json(&back, &body) => Some(format!(
            "{action}: the spec-derived body does not round-trip as {schema}\n  in:  {body}\n  \
             out: {back}"
        )),
        Some(Ok(_)) => None,
    }
}

#[test]
fn every_response_schema_round_trips_its_spec_derived_body() {
    // The path a new operation takes, exercised on every operation of both specs today, so it is
    // known to work before an operation needs it.
    for suite in [&FC3, &FC2] {
        let spec = load_spec(suite);
        let actions = json_actions(&spec);
        let failures: Vec<String> = actions
            .iter()
            .filter_map(|action| spec_derived_failure(suite, &spec, action))
            .collect();
        assert!(
            failures.is_empty(),
            "{}: {}",
            suite.spec,
            failures.join("\n")
        );
    }
}

/// Suite 3: the documentation's sample responses round-trip.
fn documentation_samples_round_trip(suite: &Suite) {
    let checked = check_all(suite, suite.samples);
    println!(
        "{} documentation samples round-trip: {checked:?}",
        checked.len()
    );
}

/// A JSON value to put where another was: of any type, including extremes.
fn random_value(rng: &mut fc_test_support::rng::Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(1, 2)),
        2 => serde_json::json!(*rng.pick(&[0i64, -1, i64::MAX, i64::MIN, 65536])),
        3 => serde_json::json!(*rng.pick(&[0.5f64, -1e300, 1e300, f64::MIN_POSITIVE])),
        4 => Value::String(
            rng.pick(&["", "Active", "\u{0}", "ünïcode", "9999999999999999999999"])
                .to_string(),
        ),
        5 => serde_json::json!(u64::MAX),
        6 => Value::Array(
            (0..rng.below(3))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut object = serde_json::Map::new();
            for _ in 0..rng.below(3) {
                let key = rng
                    .pick(&["functionName", "state", "x", "nextToken"])
                    .to_string();
                object.insert(key, random_value(rng, depth + 1));
            }
            Value::Object(object)
        }
    }
}

/// `value` with one node, picked at random, replaced by a random value.
fn mutate_json(rng: &mut fc_test_support::rng::Rng, value: &mut Value) {
    let children: Vec<&mut Value> = match value {
        Value::Object(map) => map.values_mut().collect(),
        Value::Array(items) => items.iter_mut().collect(),
        _ => Vec::new(),
    };
    if children.is_empty() || rng.chance(1, 4) {
        *value = random_value(rng, 0);
        return;
    }
    let index = rng.below(children.len());
    if let Some(child) = children.into_iter().nth(index) {
        mutate_json(rng, child);
    }
}

/// Bounded fuzzing: every recorded body, mutated a hundred ways (a node of any depth replaced by
/// a value of another type, out of range or huge), decodes into its response type or fails with
/// an error; nothing panics.
fn mutated_responses_never_panic(suite: &Suite) {
    let spec = load_spec(suite);
    let mut rng = fc_test_support::rng::Rng::new(0xb0d1e5);
    let (mut decoded, mut refused) = (0, 0);
    for (action, body) in fixtures(suite.responses) {
        let Some(schema) = response_schema(&spec, &action) else {
            continue;
        };
        for _ in 0..100 {
            let mut mutated = body.clone();
            mutate_json(&mut rng, &mut mutated);
            match (suite.round_trip_as)(&schema, &mutated) {
                Some(Ok(_)) => decoded += 1,
                Some(Err(message)) => {
                    assert!(!message.is_empty());
                    refused += 1;
                }
                None => {}
            }
        }
    }
    assert!(
        decoded > 0 && refused > 0,
        "{decoded} decoded, {refused} refused"
    );
}

fc_test_support::per_api!(
    crate::FC3, crate::FC2;
    recorded_responses_round_trip,
    documentation_samples_round_trip,
    mutated_responses_never_panic,
);

#[test]
fn a_dropped_field_is_detected() {
    // Guards the comparison itself: a body with a field the type does not know must not
    // compare equal after the round trip.
    let body = serde_json::json!({"functionName": "f", "notAField": 1});
    let back = round_trip::<fc_models::Function>(&body).expect("unknown fields are ignored");
    assert!(!same_json(&back, &body));
}

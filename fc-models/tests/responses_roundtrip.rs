//! Conformance suites 2 and 3: every recorded response body, and the sample responses of the API
//! documentation, deserialize into the type the spec gives the operation's 200 response and
//! serialize back to the same JSON: no field lost, renamed or retyped. Placeholder enum values
//! such as `sample-state` must survive too (the enums are open).

use std::path::{Path, PathBuf};

use fc_test_support::json::same_json;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Deserializes `body` as `T` and serializes it back.
fn round_trip<T: DeserializeOwned + Serialize>(body: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

/// Dispatches on the spec's schema name to the generated type of the same name.
macro_rules! response_types {
    ($($name:ident),* $(,)?) => {
        fn round_trip_as(schema: &str, body: &Value) -> Option<Result<Value, String>> {
            match schema {
                $(stringify!($name) => Some(round_trip::<fc_models::$name>(body)),)*
                _ => None,
            }
        }
    };
}

// Every schema a JSON 200 response of the spec refers to. A new one makes the suite fail
// (`no Rust type listed`) until it is added here.
response_types!(
    Alias,
    AsyncConfig,
    AsyncTask,
    ChangeResourceGroupOutput,
    ConcurrencyConfig,
    CustomDomain,
    DescribeRegionsOutput,
    DisableFunctionInvocationResponseBody,
    EnableFunctionInvocationResponseBody,
    Function,
    Layer,
    ListAliasesOutput,
    ListAsyncInvokeConfigOutput,
    ListAsyncTaskOutput,
    ListConcurrencyConfigsOutput,
    ListCustomDomainOutput,
    ListFunctionsOutput,
    ListInstancesOutput,
    ListLayerVersionOutput,
    ListLayersOutput,
    ListProvisionConfigsOutput,
    ListScalingConfigsOutput,
    ListSessionsOutput,
    ListSnapshotsOutput,
    ListTagResourcesOutput,
    ListTriggersOutput,
    ListVersionsOutput,
    ListVpcBindingsOutput,
    OutputFuncCode,
    ProvisionConfig,
    ScalingConfigStatus,
    Session,
    Snapshot,
    Trigger,
    Version,
);

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

fn load_spec() -> Value {
    let text = std::fs::read_to_string(manifest_dir().join("../spec/fc-2023-03-30.yaml"))
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

/// Runs every fixture of `dir` through its operation's response type; returns the failures.
fn check_all(dir: &str, expected_count: usize) {
    let spec = load_spec();
    let fixtures = fixtures(dir);
    assert_eq!(fixtures.len(), expected_count, "fixtures in {dir}");
    let mut failures = Vec::new();
    for (action, body) in &fixtures {
        let Some(schema) = response_schema(&spec, action) else {
            failures.push(format!("{action}: the spec has no JSON 200 response"));
            continue;
        };
        match round_trip_as(&schema, body) {
            None => failures.push(format!("{action}: no Rust type listed for schema {schema}")),
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
}

#[test]
fn recorded_responses_round_trip() {
    check_all("responses", 54);
}

#[test]
fn documentation_samples_round_trip() {
    check_all("seeds", 2);
}

#[test]
fn a_dropped_field_is_detected() {
    // Guards the comparison itself: a body with a field the type does not know must not
    // compare equal after the round trip.
    let body = serde_json::json!({"functionName": "f", "notAField": 1});
    let back = round_trip::<fc_models::Function>(&body).expect("unknown fields are ignored");
    assert!(!same_json(&back, &body));
}

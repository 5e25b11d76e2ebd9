//! Conformance suite 4: given the inputs of each request the official SDK recorded, fc-client puts
//! the same request on the wire: method, path (byte for byte, same percent-encoding), query pairs,
//! the API's `x-fc-*` headers, and the body (compared as JSON).
//!
//! The per-operation calls are generated from the spec (`tests/generated/wire_calls.rs`); the
//! expected requests are the official SDK's recordings in `tests/fixtures/wire/`. An operation of
//! the spec with no official recording is checked against its spec-derived request instead
//! (`support::derived`: built from the spec alone, every field filled with a placeholder; never a
//! fixture), and the failure messages say which of the two a problem comes from.

mod support;

#[rustfmt::skip]
#[path = "generated/wire_calls.rs"]
mod wire_calls;
#[rustfmt::skip]
#[path = "generated/wire_calls_fc2.rs"]
mod wire_calls_fc2;

use std::collections::BTreeMap;
use std::str::FromStr;

use fc_client::{Client, RetryPolicy, signing};
use fc_test_support::json::same_json;
use fc_test_support::server::{Captured, Reply, TestServer};
use serde::de::DeserializeOwned;
use serde_json::Value;
use support::derived::SpecDerived;
use support::spec::{
    FC2, FC3, Origin, Recorded, RequestView, Suite, load_spec, match_operations, recorded_requests,
    recording_files, spec_operations,
};

fc_test_support::per_api!(
    crate::FC3, crate::FC2;
    async every_operation_sends_what_the_official_sdk_sends,
    spec_derived_requests_reach_the_wire,
);

/// The inputs of one recorded request, by location and name, as the generated calls read them.
pub struct WireInput {
    /// `(location, name)` → decoded text value.
    values: BTreeMap<(String, String), String>,
    body_json: Option<Value>,
    raw_body: Option<Vec<u8>>,
}

impl WireInput {
    fn from_recording(recorded: &Recorded, template: &str, raw_body_operation: bool) -> Self {
        let mut values = BTreeMap::new();
        for (t, segment) in template.split('/').zip(recorded.path.split('/')) {
            if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                values.insert(
                    ("path".to_owned(), name.to_owned()),
                    percent_decode(segment),
                );
            }
        }
        for (name, value) in &recorded.query {
            values.insert(("query".to_owned(), name.clone()), value.clone());
        }
        for (name, value) in &recorded.headers {
            values.insert(("header".to_owned(), name.clone()), value.clone());
        }
        let (body_json, raw_body) = match &recorded.body_json {
            Some(body) if raw_body_operation => (None, Some(body.to_string().into_bytes())),
            other => (other.clone(), None),
        };
        WireInput {
            values,
            body_json,
            raw_body,
        }
    }

    /// The inputs of a spec-derived request (spec-derived, no official recording).
    fn from_spec_derived(request: &SpecDerived) -> Self {
        let mut values = BTreeMap::new();
        for (name, value) in &request.path_values {
            values.insert(("path".to_owned(), name.clone()), value.clone());
        }
        for (name, value) in &request.query {
            values.insert(("query".to_owned(), name.clone()), value.clone());
        }
        for (name, value) in &request.headers {
            values.insert(("header".to_owned(), name.clone()), value.clone());
        }
        WireInput {
            values,
            body_json: request.body_json.clone(),
            raw_body: request.raw_body.clone(),
        }
    }

    fn text(&self, location: &str, name: &str) -> Option<&str> {
        // Header names are case-insensitive; the recordings hold them lower-cased.
        let name = if location == "header" {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        self.values
            .get(&(location.to_owned(), name))
            .map(String::as_str)
    }

    /// A text input, as recorded.
    pub fn string(&self, location: &str, name: &str) -> Option<String> {
        self.text(location, name).map(str::to_owned)
    }

    /// A numeric or enum input, parsed from its recorded text.
    pub fn parse<T: FromStr>(&self, location: &str, name: &str) -> Option<Result<T, String>>
    where
        T::Err: std::fmt::Display,
    {
        self.text(location, name).map(|text| {
            text.parse()
                .map_err(|e| format!("{location} {name}={text:?}: {e}"))
        })
    }

    /// The Python SDK writes booleans as `True`/`False`.
    pub fn boolean(&self, location: &str, name: &str) -> Option<Result<bool, String>> {
        self.text(location, name)
            .map(|text| match text.to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(format!("{location} {name}={text:?} is not a boolean")),
            })
    }

    /// A list sent as numbered query keys (`name.1`, `name.2`, ...), in index order.
    pub fn numbered(&self, location: &str, name: &str) -> Option<Vec<String>> {
        let pairs: Vec<(&str, &str)> = self
            .values
            .iter()
            .filter(|((at, _), _)| at == location)
            .map(|((_, key), value)| (key.as_str(), value.as_str()))
            .collect();
        fc_models::api::numbered_values(&pairs, name)
            .map(|values| values.into_iter().map(str::to_owned).collect())
    }

    /// A JSON-in-a-query-value input, decoded.
    pub fn json<T: DeserializeOwned>(
        &self,
        location: &str,
        name: &str,
    ) -> Option<Result<T, String>> {
        self.text(location, name)
            .map(|text| serde_json::from_str(text).map_err(|e| format!("{location} {name}: {e}")))
    }

    /// The JSON body, as the operation's body type.
    pub fn json_body<T: DeserializeOwned>(&self) -> Option<Result<T, String>> {
        self.body_json
            .clone()
            .map(|body| serde_json::from_value(body).map_err(|e| format!("body: {e}")))
    }

    /// The raw body of an octet-stream operation.
    pub fn raw_body(&self) -> Option<Vec<u8>> {
        self.raw_body.clone()
    }
}

fn percent_decode(segment: &str) -> String {
    // `decode_query` decodes `%XX` (and `+`, which never occurs in a recorded path).
    signing::decode_query(&format!("v={segment}"))
        .pop()
        .map(|(_, value)| value)
        .unwrap_or_default()
}

/// Query values are equal if they are the same text, the same boolean in any case, or the same
/// JSON document (for `x-fc-style: json` values).
fn same_query_value(sent: &str, recorded: &str) -> bool {
    if sent == recorded || sent.eq_ignore_ascii_case(recorded) && sent.parse::<bool>().is_ok() {
        return true;
    }
    match (
        serde_json::from_str::<Value>(sent),
        serde_json::from_str::<Value>(recorded),
    ) {
        (Ok(a), Ok(b)) => same_json(&a, &b),
        _ => false,
    }
}

fn compare(recorded: &RequestView<'_>, sent: &Captured) -> Vec<String> {
    let mut problems = Vec::new();
    if sent.method != recorded.method {
        problems.push(format!("method {} != {}", sent.method, recorded.method));
    }
    if sent.path != recorded.path {
        problems.push(format!("path {} != {}", sent.path, recorded.path));
    }

    let mut sent_query = signing::decode_query(sent.query.as_deref().unwrap_or(""));
    let mut recorded_query = recorded.query.to_vec();
    sent_query.sort();
    recorded_query.sort();
    let names = |q: &[(String, String)]| q.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    if names(&sent_query) != names(&recorded_query) {
        problems.push(format!(
            "query names {:?} != {:?}",
            names(&sent_query),
            names(&recorded_query)
        ));
    } else {
        for ((name, sent), (_, recorded)) in sent_query.iter().zip(&recorded_query) {
            if !same_query_value(sent, recorded) {
                problems.push(format!(
                    "query {name}: sent {sent:?}, recorded {recorded:?}"
                ));
            }
        }
    }

    let api_headers = |headers: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        headers
            .iter()
            .filter(|(name, _)| name.starts_with("x-fc-") || *name == "if-match")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    if api_headers(&sent.headers) != api_headers(recorded.headers) {
        problems.push(format!(
            "API headers (x-fc-*, if-match) {:?} != {:?}",
            api_headers(&sent.headers),
            api_headers(recorded.headers)
        ));
    }
    if sent.header("api-version").is_some() {
        problems.push("progenitor's api-version header was sent".into());
    }

    match recorded.body_json {
        None if recorded.raw_body == Some(sent.body.as_slice()) => {}
        None if recorded.raw_body.is_some() => problems.push(format!(
            "raw body {:?} != {:?}",
            sent.body, recorded.raw_body
        )),
        None if !sent.body.is_empty() => problems.push("sent a body; the SDK sent none".into()),
        None => {}
        Some(expected) => match serde_json::from_slice::<Value>(&sent.body) {
            Ok(body) if same_json(&body, expected) => {}
            Ok(body) => problems.push(format!("body {body} != {expected}")),
            Err(e) => problems.push(format!("body is not JSON ({e})")),
        },
    }
    problems
}

/// The client of the suite's API version.
enum WireClient {
    Fc3(Client),
    Fc2(fc_client::fc2::Client),
}

impl WireClient {
    fn new(suite: &Suite, server: &TestServer) -> Self {
        // The recordings hold placeholder values (`memorySize: 3`) that break the documented
        // limits; this suite is about the wire form, so client-side checks are off.
        let client = Client::builder()
            .endpoint(server.url())
            .unsigned()
            .validate_input(false)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("client");
        match suite.name {
            "fc3" => WireClient::Fc3(client),
            "fc2" => WireClient::Fc2(client.fc2().expect("an FC 2.0 client on the endpoint")),
            other => panic!("no wire calls for the API {other}"),
        }
    }

    async fn call(&self, action: &str, input: &WireInput) -> Result<(), String> {
        match self {
            WireClient::Fc3(client) => wire_calls::call(client, action, input).await,
            WireClient::Fc2(client) => wire_calls_fc2::call(client, action, input).await,
        }
    }
}

/// Runs the generated call of `expected.action` with `input` and compares the one request that
/// reached `server` with `expected`; problems are prefixed with the action and the origin.
async fn check_on_wire(
    client: &WireClient,
    server: &TestServer,
    expected: &RequestView<'_>,
    input: &WireInput,
) -> Vec<String> {
    let before = server.captured().len();
    // The answer does not matter here (a bare `{}` does not fit every operation); what
    // reached the server does.
    let _ = client.call(expected.action, input).await;
    let captured = server.captured();
    let problems = match &captured[before..] {
        [sent] => compare(expected, sent),
        other => vec![format!(
            "{} requests reached the server (expected 1)",
            other.len()
        )],
    };
    problems
        .into_iter()
        .map(|p| format!("{} ({}): {p}", expected.action, expected.origin))
        .collect()
}

async fn every_operation_sends_what_the_official_sdk_sends(suite: &Suite) {
    let spec = load_spec(suite);
    let server = TestServer::always(Reply::json(200, &serde_json::json!({}))).await;
    let client = WireClient::new(suite, &server);

    // The expectations are derived: the recordings are the files of the fixture folder, the
    // operations those of the spec.
    let recordings = recorded_requests(suite);
    assert_eq!(
        recordings.len(),
        recording_files(suite).len(),
        "every file of fixtures/{}/ is a recording",
        suite.wire
    );
    let operations = spec_operations(&spec);
    let mut failures = Vec::new();
    let mut recorded_actions = BTreeMap::new();
    for recorded in &recordings {
        let matched = match_operations(&spec, &recorded.method, &recorded.path);
        let [only] = matched.as_slice() else {
            failures.push(format!(
                "{}: matches {} spec operations (expected exactly one)",
                recorded.action,
                matched.len()
            ));
            continue;
        };
        if only.operation["operationId"] != recorded.action.as_str() {
            failures.push(format!(
                "{}: matches the spec operation {}",
                recorded.action, only.operation["operationId"]
            ));
        }
        if recorded_actions
            .insert(recorded.action.as_str(), ())
            .is_some()
        {
            failures.push(format!("{}: recorded twice", recorded.action));
        }
        let raw_body = only
            .operation
            .pointer("/requestBody/content/application~1octet-stream")
            .is_some();
        let input = WireInput::from_recording(recorded, only.template, raw_body);
        failures.extend(check_on_wire(&client, &server, &recorded.view(), &input).await);
    }

    // Every operation of the spec is covered: by its recording, or else by its spec-derived
    // request.
    let mut derived = Vec::new();
    for operation in &operations {
        if recorded_actions.contains_key(operation.action) {
            continue;
        }
        let request = SpecDerived::build(&spec, operation);
        let input = WireInput::from_spec_derived(&request);
        failures.extend(check_on_wire(&client, &server, &request.view(), &input).await);
        derived.push(operation.action);
    }
    let unknown: Vec<&&str> = recorded_actions
        .keys()
        .filter(|action| !operations.iter().any(|op| op.action == **action))
        .collect();
    assert!(
        unknown.is_empty(),
        "recorded actions not in the spec: {unknown:?}"
    );
    assert_eq!(recorded_actions.len() + derived.len(), operations.len());
    println!(
        "{} operations on the wire: {} against an official recording, {} against a spec-derived \
         request (spec-derived, no official recording): {derived:?}",
        operations.len(),
        recorded_actions.len(),
        derived.len()
    );
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn spec_derived_requests_reach_the_wire(suite: &Suite) {
    // Today every operation has a recording, so the spec-derived path above runs for none; this
    // runs it for every operation (recorded or not).
    let spec = load_spec(suite);
    let server = TestServer::always(Reply::json(200, &serde_json::json!({}))).await;
    let client = WireClient::new(suite, &server);
    let mut failures = Vec::new();
    for operation in &spec_operations(&spec) {
        let request = SpecDerived::build(&spec, operation);
        assert_eq!(request.view().origin, Origin::SpecDerived);
        let input = WireInput::from_spec_derived(&request);
        failures.extend(check_on_wire(&client, &server, &request.view(), &input).await);
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) with spec-derived requests (spec-derived, no official recording):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn spec_derived_placeholders_follow_the_spec() {
    let spec = load_spec(&FC3);
    let operations = spec_operations(&spec);
    let build = |action: &str| {
        let op = operations
            .iter()
            .find(|op| op.action == action)
            .unwrap_or_else(|| panic!("{action} in the spec"));
        SpecDerived::build(&spec, op)
    };
    let list = build("ListFunctions");
    let value = |name: &str| {
        list.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("query {name}"))
    };
    let limit: i64 = value("limit").parse().expect("an integer");
    assert!((1..=100).contains(&limit), "limit {limit} inside 1..100");
    assert!(
        ["v3", "v2"].contains(&value("fcVersion").as_str()),
        "an enum value"
    );
    let tags: Value = serde_json::from_str(&value("tags")).expect("tags is JSON");
    assert!(tags[0]["Key"].is_string(), "{tags}");
    let get = build("GetFunction");
    assert_eq!(get.path, "/2023-03-30/functions/spec-functionName");
    let invoke = build("InvokeFunction");
    assert!(invoke.raw_body.is_some() && invoke.headers.contains_key("x-fc-log-type"));
}

#[test]
fn the_comparison_notices_differences() {
    // Guards the suite: a request that differs in each compared part must be reported.
    let recorded = recorded_requests(&FC3)
        .into_iter()
        .find(|r| r.action == "ListFunctions")
        .expect("ListFunctions recording");
    let sent = Captured {
        method: "POST".into(),
        path: "/2023-03-30/functions/".into(),
        query: Some("limit=4".into()),
        headers: BTreeMap::from([("x-fc-log-type".into(), "Tail".into())]),
        body: b"{}".to_vec(),
    };
    let problems = compare(&recorded.view(), &sent);
    for part in [
        "method",
        "path",
        "query names",
        "API headers",
        "sent a body",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(part)),
            "{part} not reported: {problems:?}"
        );
    }
}

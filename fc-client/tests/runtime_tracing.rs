//! Every call runs in one `fc.call` span carrying the action, attempt count, status, request id
//! and latency, and ends with one DEBUG `call finished` event; each retry is one WARN `retrying`
//! event; no secret appears in any span or event field.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fc_client::credentials::Credentials;
use fc_client::{Client, RetryPolicy};
use fc_test_support::server::{Reply, TestServer};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const SECRET: &str = "very-secret-value";
const TOKEN: &str = "sts-token-value";

/// Field name → recorded value, as text.
type FieldMap = BTreeMap<String, String>;

/// Records every span's fields and every event's fields as text.
#[derive(Default, Clone)]
struct Capture {
    spans: Arc<Mutex<Vec<(String, FieldMap)>>>,
    events: Arc<Mutex<Vec<(tracing::Level, FieldMap)>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().expect("lock");
        spans.push((attributes.metadata().name().to_owned(), fields));
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().expect("lock");
        if let Some((_, fields)) = spans.get_mut(span.into_u64() as usize - 1) {
            values.record(&mut Fields(fields));
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let level = *event.metadata().level();
        self.events.lock().expect("lock").push((level, fields));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn one_span_per_call_with_its_outcome_and_no_secrets() {
    let server = TestServer::start(|_, index| match index {
        0 => Reply::empty(503).with_header("x-fc-request-id", "first"),
        _ => {
            Reply::json(200, &json!({"functionName": "f"})).with_header("x-fc-request-id", "req-42")
        }
    })
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .credentials(Credentials::new("key-id", SECRET).with_security_token(TOKEN))
        .retry_policy(RetryPolicy::standard().with_initial_backoff(Duration::from_millis(5)))
        .build()
        .expect("client");

    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    client
        .get_function()
        .function_name("f")
        .send()
        .await
        .expect("second attempt succeeds");

    let spans = capture.spans.lock().expect("lock").clone();
    let calls: Vec<_> = spans.iter().filter(|(name, _)| name == "fc.call").collect();
    assert_eq!(calls.len(), 1, "one span per call: {spans:?}");
    let fields = &calls[0].1;
    assert_eq!(
        fields.get("action").map(String::as_str),
        Some("GetFunction")
    );
    assert_eq!(fields.get("method").map(String::as_str), Some("GET"));
    assert_eq!(fields.get("attempts").map(String::as_str), Some("2"));
    assert_eq!(fields.get("status").map(String::as_str), Some("200"));
    assert_eq!(fields.get("request_id").map(String::as_str), Some("req-42"));
    assert!(fields.contains_key("latency_ms"));

    let events = capture.events.lock().expect("lock").clone();
    let named = |level: tracing::Level, message: &str| {
        events
            .iter()
            .filter(|(l, fields)| {
                *l == level && fields.get("message").map(String::as_str) == Some(message)
            })
            .map(|(_, fields)| fields.clone())
            .collect::<Vec<_>>()
    };
    let retries = named(tracing::Level::WARN, "retrying");
    assert_eq!(retries.len(), 1, "one WARN per retry: {events:?}");
    assert_eq!(
        retries[0].get("outcome").map(String::as_str),
        Some("status 503 Service Unavailable")
    );
    let finished = named(tracing::Level::DEBUG, "call finished");
    assert_eq!(finished.len(), 1, "one DEBUG event per call: {events:?}");
    assert_eq!(finished[0].get("status").map(String::as_str), Some("200"));
    assert_eq!(finished[0].get("attempts").map(String::as_str), Some("2"));
    let everything = format!("{spans:?}{events:?}{client:?}");
    for secret in [SECRET, TOKEN] {
        assert!(
            !everything.contains(secret),
            "a secret leaked into tracing or Debug output"
        );
    }
}

#[tokio::test]
async fn transport_failures_name_no_url_in_errors_or_events() {
    let client = Client::builder()
        .endpoint("http://127.0.0.1:1")
        .unsigned()
        .retry_policy(RetryPolicy::standard().with_initial_backoff(Duration::from_millis(1)))
        .build()
        .expect("client");
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let error = client
        .list_functions()
        .prefix("private-prefix")
        .send()
        .await
        .expect_err("nothing listens on port 1");
    assert_eq!(error.kind(), fc_client::ErrorKind::Transport, "{error}");
    let events = capture.events.lock().expect("lock").clone();
    let spans = capture.spans.lock().expect("lock").clone();
    let everything = format!("{error} {error:?} {events:?} {spans:?}");
    assert!(
        !everything.contains("private-prefix") && !everything.contains("127.0.0.1:1/"),
        "the URL reached an error or a log line: {everything}"
    );
    assert!(
        events
            .iter()
            .any(|(level, fields)| *level == tracing::Level::WARN
                && fields.get("message").map(String::as_str) == Some("retrying")),
        "connection failures are retried: {events:?}"
    );
}

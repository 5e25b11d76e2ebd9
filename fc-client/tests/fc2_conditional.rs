//! FC 2.0 conditional writes against a local server that enforces ETags as the service does:
//! every read and write answers with the resource's current `ETag`, a write whose `If-Match`
//! differs fails with 412 `PreconditionFailed` and changes nothing, and it can race the client
//! on purpose (a concurrent change after every read) and fail writes on demand, which a real
//! server cannot. The plain ETag flow runs against fc-local itself (`fc-local/tests/fc2.rs`).

use std::sync::{Arc, Mutex};

use fc_client::conditional::{ETag, ResponseETag};
use fc_client::fc2::types::{UpdateFunctionInput, UpdateServiceInput};
use fc_client::{ErrorCode, ErrorKind, RetryPolicy};
use fc_test_support::server::{Captured, Reply, TestServer};
use serde_json::{Value, json};

/// One resource on the server: its JSON and a version counter (the ETag is `v<version>`).
struct Resource {
    body: Value,
    version: u32,
}

/// What the server does besides enforcing ETags.
#[derive(Clone, Copy, Default)]
struct Behaviour {
    /// After answering this many reads, "someone else" changes the resource (once per read).
    races_after_reads: Option<usize>,
    /// Answer reads without an ETag header.
    no_etag: bool,
    /// Answer every write with this error status and code instead.
    write_error: Option<(u16, &'static str)>,
}

struct EtagServer {
    server: TestServer,
    resource: Arc<Mutex<Resource>>,
}

impl EtagServer {
    async fn start(path: &'static str, body: Value, behaviour: Behaviour) -> Self {
        let resource = Arc::new(Mutex::new(Resource { body, version: 1 }));
        let state = resource.clone();
        let reads = Arc::new(Mutex::new(0usize));
        let server = TestServer::start(move |request, _| {
            let mut resource = state.lock().unwrap();
            if request.path != path {
                return error(404, "NotFound", "no such resource");
            }
            match request.method.as_str() {
                "GET" => {
                    let reply = answer(&resource, behaviour.no_etag);
                    let mut reads = reads.lock().unwrap();
                    *reads += 1;
                    if behaviour
                        .races_after_reads
                        .is_some_and(|after| *reads > after)
                    {
                        // A concurrent writer changes the resource right after this read.
                        resource.body["description"] =
                            json!(format!("changed by another writer {}", *reads));
                        resource.version += 1;
                    }
                    reply
                }
                "PUT" => write(&mut resource, request, behaviour),
                _ => error(405, "MethodNotAllowed", "no"),
            }
        })
        .await;
        EtagServer { server, resource }
    }

    fn client(&self) -> fc_client::fc2::Client {
        fc_client::Client::builder()
            .endpoint(self.server.url())
            .unsigned()
            .retry_policy(RetryPolicy::disabled())
            .build_fc2()
            .expect("client")
    }

    fn requests(&self, method: &str) -> Vec<Captured> {
        self.server
            .captured()
            .into_iter()
            .filter(|r| r.method == method)
            .collect()
    }

    fn body(&self) -> Value {
        self.resource.lock().unwrap().body.clone()
    }
}

fn answer(resource: &Resource, no_etag: bool) -> Reply {
    let reply = Reply::json(200, &resource.body).with_header("x-fc-request-id", "req-1");
    if no_etag {
        reply
    } else {
        reply.with_header("etag", &format!("v{}", resource.version))
    }
}

fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(status, &json!({"ErrorCode": code, "ErrorMessage": message}))
        .with_header("x-fc-request-id", "req-err")
}

fn write(resource: &mut Resource, request: &Captured, behaviour: Behaviour) -> Reply {
    if let Some((status, code)) = behaviour.write_error {
        return error(status, code, "refused");
    }
    let current = format!("v{}", resource.version);
    if let Some(tag) = request.header("if-match")
        && tag != current
    {
        return error(
            412,
            "PreconditionFailed",
            "the resource being modified has been changed",
        );
    }
    let Ok(Value::Object(changes)) = serde_json::from_slice::<Value>(&request.body) else {
        return error(400, "InvalidArgument", "not a JSON object");
    };
    for (key, value) in changes {
        resource.body[key] = value;
    }
    resource.version += 1;
    answer(resource, false)
}

const FUNCTION_PATH: &str = "/2021-04-06/services/svc/functions/fn";

fn function() -> Value {
    json!({"functionName": "fn", "memorySize": 512})
}

/// Runs `modify_function` (set the memory to 1024) against a server with `behaviour`, expecting
/// it to fail; returns the server (to inspect what reached it) and the error.
async fn failed_modify(behaviour: Behaviour) -> (EtagServer, fc_client::Error) {
    let server = EtagServer::start(FUNCTION_PATH, function(), behaviour).await;
    let error = server
        .client()
        .modify_function("svc", "fn")
        .apply(|_| UpdateFunctionInput::builder().memory_size(1024))
        .await
        .unwrap_err();
    (server, error)
}

#[tokio::test]
async fn modify_function_gives_up_after_its_attempts() {
    // Every read is followed by a concurrent change, so every write loses.
    for (attempts, expected) in [(None, 5), (Some(3), 3), (Some(0), 1)] {
        let behaviour = Behaviour {
            races_after_reads: Some(0),
            ..Behaviour::default()
        };
        let server = EtagServer::start(FUNCTION_PATH, function(), behaviour).await;
        let client = server.client();
        let mut seen = Vec::new();
        let mut modify = client.modify_function("svc", "fn");
        if let Some(attempts) = attempts {
            modify = modify.max_attempts(attempts);
        }
        let error = modify
            .apply(|current| {
                seen.push(current.description.clone());
                UpdateFunctionInput::builder().memory_size(current.memory_size.unwrap_or(0) * 2)
            })
            .await
            .unwrap_err();
        assert!(error.is_precondition_failed(), "{error}");
        assert_eq!(server.requests("GET").len(), expected, "{attempts:?}");
        assert_eq!(server.requests("PUT").len(), expected, "{attempts:?}");
        assert_eq!(seen.len(), expected);
        // Each attempt worked on a fresh read: the one after the previous concurrent change.
        for (k, description) in seen.iter().enumerate().skip(1) {
            assert_eq!(
                description.as_deref(),
                Some(format!("changed by another writer {k}").as_str())
            );
        }
        assert_eq!(
            server.body()["memorySize"],
            512,
            "no lost write changed anything"
        );
    }
}

#[tokio::test]
async fn modify_function_succeeds_after_one_lost_race() {
    let behaviour = Behaviour {
        races_after_reads: None,
        ..Behaviour::default()
    };
    let server = EtagServer::start(FUNCTION_PATH, function(), behaviour).await;
    let client = server.client();
    let resource = server.resource.clone();
    let mut calls = 0;
    let updated = client
        .modify_function("svc", "fn")
        .apply(|current| {
            calls += 1;
            if calls == 1 {
                // Another writer changes the function between this read and its write.
                let mut resource = resource.lock().unwrap();
                resource.body["memorySize"] = json!(768);
                resource.version += 1;
            }
            UpdateFunctionInput::builder().memory_size(current.memory_size.unwrap_or(0) * 2)
        })
        .await
        .expect("the second attempt wins");
    assert_eq!(calls, 2);
    assert_eq!(
        updated.memory_size,
        Some(1536),
        "the change was applied to the re-read state"
    );
    assert_eq!(updated.etag(), Some(ETag::new("v3")));
    let puts = server.requests("PUT");
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].header("if-match"), Some("v1"));
    assert_eq!(puts[1].header("if-match"), Some("v2"));
    assert_eq!(server.body()["memorySize"], 1536);
}

#[tokio::test]
async fn other_errors_are_never_retried_by_the_helper() {
    for (status, code) in [
        (409, "ConcurrentUpdateError"),
        (404, "FunctionNotFound"),
        (503, "ResourceThrottled"),
    ] {
        let behaviour = Behaviour {
            write_error: Some((status, code)),
            ..Behaviour::default()
        };
        let (server, error) = failed_modify(behaviour).await;
        assert_eq!(error.code(), Some(&ErrorCode::from(code)), "{error}");
        assert!(!error.is_precondition_failed());
        assert_eq!(server.requests("GET").len(), 1, "{code}: no re-read");
        assert_eq!(server.requests("PUT").len(), 1, "{code}: no second write");
    }
}

#[tokio::test]
async fn without_an_etag_nothing_is_written() {
    let behaviour = Behaviour {
        no_etag: true,
        ..Behaviour::default()
    };
    let (server, error) = failed_modify(behaviour).await;
    assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
    assert!(error.to_string().contains("ETag"), "{error}");
    assert!(server.requests("PUT").is_empty());
}

#[tokio::test]
async fn modify_service_uses_the_service_etag() {
    let server = EtagServer::start(
        "/2021-04-06/services/svc",
        json!({"serviceName": "svc", "description": "old"}),
        Behaviour::default(),
    )
    .await;
    let updated = server
        .client()
        .modify_service("svc")
        .apply(|current| {
            let description = format!("{} and new", current.description.as_deref().unwrap_or(""));
            UpdateServiceInput::builder().description(description)
        })
        .await
        .unwrap();
    assert_eq!(updated.description.as_deref(), Some("old and new"));
    assert_eq!(updated.etag(), Some(ETag::new("v2")));
    assert_eq!(server.requests("PUT")[0].header("if-match"), Some("v1"));
}

#[test]
fn a_read_modify_write_can_be_spawned() {
    // `apply`'s future is `Send`, so it runs on a multi-threaded runtime's tasks.
    fn spawnable<T: Send>(_: &T) {}
    let client = fc_client::Client::builder()
        .endpoint("http://127.0.0.1:1")
        .unsigned()
        .build_fc2()
        .unwrap();
    let modify = client
        .modify_function("svc", "fn")
        .apply(|_| UpdateFunctionInput::builder().memory_size(1024));
    spawnable(&modify);
    let modify = client
        .modify_service("svc")
        .apply(|_| UpdateServiceInput::builder().description("d".to_owned()));
    spawnable(&modify);
}

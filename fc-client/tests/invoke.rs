//! The invoke helpers against a scripted server: what goes on the wire, how answers, log tails,
//! function errors and API errors come back.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use fc_client::{Client, ErrorCode, ErrorKind, FunctionErrorType, InvokeError, InvokeOutput};
use fc_test_support::server::{Reply, TestServer};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(server.url())
        .unsigned()
        .build()
        .expect("client")
}

fn answer(status: u16, body: &[u8]) -> Reply {
    Reply::Respond {
        status,
        headers: vec![("x-fc-request-id".into(), "req-1".into())],
        body: body.to_vec(),
    }
}

fn raised(error_type: &str) -> Reply {
    answer(
        200,
        json!({
            "errorMessage": "division by zero",
            "errorType": "ZeroDivisionError",
            "stackTrace": [["File \"/code/index.py\"", "line 3", "in handler", "return 1 / 0"]],
        })
        .to_string()
        .as_bytes(),
    )
    .with_header("x-fc-error-type", error_type)
}

fn not_found() -> Reply {
    Reply::json(
        404,
        &json!({
            "Code": "FunctionNotFound",
            "Message": "function 'ghost' does not exist",
            "RequestId": "req-404",
        }),
    )
}

async fn invoke_ok(server: &TestServer) -> InvokeOutput {
    client(server)
        .invoke("f")
        .send()
        .await
        .expect("the call succeeds")
}

#[tokio::test]
async fn request_carries_path_qualifier_headers_and_raw_body() {
    let server = TestServer::always(answer(202, b"")).await;
    let payload: &[u8] = b"\x00\xffraw \r\n event";
    client(&server)
        .invoke("my-func")
        .qualifier("prod")
        .payload(payload)
        .asynchronous()
        .async_task_id("job_42")
        .log_tail()
        .send()
        .await
        .expect("accepted");

    let requests = server.captured();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/2023-03-30/functions/my-func/invocations");
    assert_eq!(request.query.as_deref(), Some("qualifier=prod"));
    assert_eq!(request.header("x-fc-invocation-type"), Some("Async"));
    assert_eq!(request.header("x-fc-log-type"), Some("Tail"));
    assert_eq!(request.header("x-fc-async-task-id"), Some("job_42"));
    assert_eq!(request.body, payload);
}

#[tokio::test]
async fn defaults_are_a_sync_call_of_latest_with_an_empty_body() {
    let server = TestServer::always(answer(200, b"")).await;
    invoke_ok(&server).await;
    let request = &server.captured()[0];
    assert_eq!(request.query, None);
    assert_eq!(request.header("x-fc-invocation-type"), Some("Sync"));
    assert_eq!(request.header("x-fc-log-type"), None);
    assert_eq!(request.header("x-fc-async-task-id"), None);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn sync_answer_with_body_log_tail_and_instance_headers() {
    let log = "FC Invoke Start RequestId: req-1\nhello from the function\nFC Invoke End RequestId: req-1\n\nDuration: 3.87 ms";
    let server = TestServer::always(
        answer(200, b"{\"greeting\":\"hi\"}")
            .with_header("x-fc-log-result", &BASE64.encode(log))
            .with_header("x-fc-instance-id", "c-624fd56e-1")
            .with_header("x-fc-invocation-code-version", "LATEST")
            .with_header("x-fc-code-checksum", "11051210869376104954")
            .with_header("x-fc-invocation-duration", "4")
            .with_header("x-fc-max-memory-usage", "100.26"),
    )
    .await;
    let output = client(&server)
        .invoke("f")
        .log_tail()
        .send()
        .await
        .expect("ok");
    assert_eq!(output.status(), 200);
    assert_eq!(output.request_id(), Some("req-1"));
    assert_eq!(output.function_error(), None);
    assert_eq!(output.log(), Some(log));
    assert_eq!(output.raw_log(), Some(BASE64.encode(log).as_str()));
    assert_eq!(output.instance_id(), Some("c-624fd56e-1"));
    assert_eq!(output.code_version(), Some("LATEST"));
    assert_eq!(output.code_checksum(), Some("11051210869376104954"));
    assert_eq!(output.duration(), Some(std::time::Duration::from_millis(4)));
    assert_eq!(output.max_memory_usage_mb(), Some(100.26));
    assert_eq!(output.async_task_id(), None);
    assert_eq!(output.text().await.expect("body"), "{\"greeting\":\"hi\"}");
}

#[tokio::test]
async fn async_answer_is_202_with_the_task_id() {
    let server =
        TestServer::always(answer(202, b"").with_header("x-fc-async-task-id", "task-7f3a")).await;
    let output = client(&server)
        .invoke("f")
        .asynchronous()
        .send()
        .await
        .expect("queued");
    assert_eq!(output.status(), 202);
    assert_eq!(output.async_task_id(), Some("task-7f3a"));
    assert_eq!(output.function_error(), None);
    let output = output.into_result().await.expect("not a function error");
    assert!(output.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn function_error_is_reported_on_the_output() {
    let server = TestServer::always(raised("UnhandledInvocationError")).await;
    let output = invoke_ok(&server).await;
    assert_eq!(output.status(), 200);
    assert_eq!(output.function_error(), Some(&FunctionErrorType::Unhandled));
    // The body is still there for whoever wants it raw.
    let body: serde_json::Value = output.json().await.expect("error JSON");
    assert_eq!(body["errorType"], "ZeroDivisionError");
}

#[tokio::test]
async fn into_result_turns_a_function_error_into_an_error() {
    let server = TestServer::always(
        raised("UnhandledInvocationError")
            .with_header("x-fc-log-result", &BASE64.encode("Traceback ...")),
    )
    .await;
    let error = client(&server)
        .invoke("f")
        .log_tail()
        .send()
        .await
        .expect("the call itself worked")
        .into_result()
        .await
        .expect_err("the function raised");
    assert_eq!(
        error.to_string(),
        "UnhandledInvocationError: ZeroDivisionError: division by zero (request id req-1)"
    );
    assert_eq!(error.request_id(), Some("req-1"));
    let InvokeError::Function(failure) = error else {
        panic!("expected a function error, got {error:?}");
    };
    assert_eq!(failure.error_type(), &FunctionErrorType::Unhandled);
    assert_eq!(failure.status(), 200);
    assert_eq!(failure.message(), Some("division by zero"));
    assert_eq!(failure.exception_type(), Some("ZeroDivisionError"));
    assert_eq!(failure.log(), Some("Traceback ..."));
    assert!(failure.stack_trace().is_some_and(|t| t.is_array()));
    let body: serde_json::Value = serde_json::from_slice(failure.body()).expect("body kept");
    assert_eq!(body["errorMessage"], "division by zero");
}

#[tokio::test]
async fn invoke_json_reports_a_function_error_with_its_message() {
    let server = TestServer::always(raised("HandledInvocationError")).await;
    let error = client(&server)
        .invoke_json::<serde_json::Value>("f", &json!({"n": 0}))
        .await
        .expect_err("the function failed");
    match &error {
        InvokeError::Function(failure) => {
            assert_eq!(failure.error_type(), &FunctionErrorType::Handled);
            assert_eq!(failure.message(), Some("division by zero"));
        }
        other => panic!("expected a function error, got {other:?}"),
    }
    assert!(error.to_string().contains("division by zero"), "{error}");
}

#[tokio::test]
async fn initialization_and_unknown_error_types_are_kept() {
    for (header, expected) in [
        ("InitializationError", FunctionErrorType::Initialization),
        (
            "SandboxExploded",
            FunctionErrorType::Unknown("SandboxExploded".into()),
        ),
    ] {
        let server =
            TestServer::always(answer(200, b"boom").with_header("x-fc-error-type", header)).await;
        let output = invoke_ok(&server).await;
        assert_eq!(output.function_error(), Some(&expected));
        let error = output.into_result().await.expect_err("a function error");
        assert_eq!(
            error.to_string(),
            format!("{header}: body \"boom\" (request id req-1)")
        );
    }
}

#[tokio::test]
async fn api_error_is_an_api_error_with_code_and_request_id() {
    let server = TestServer::always(not_found()).await;
    let client = client(&server);

    let error = client.invoke("ghost").send().await.expect_err("404");
    assert_eq!(error.code(), Some(&ErrorCode::FunctionNotFound));
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.request_id(), Some("req-404"));

    let error = client
        .invoke_json::<serde_json::Value>("ghost", &())
        .await
        .expect_err("404");
    assert_eq!(error.request_id(), Some("req-404"));
    assert_eq!(
        error.to_string(),
        "FunctionNotFound: function 'ghost' does not exist (status 404, request id req-404)"
    );
    match error {
        InvokeError::Api(api) => assert_eq!(api.code(), Some(&ErrorCode::FunctionNotFound)),
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(server.captured().len(), 2, "POST is not retried");
}

#[tokio::test]
async fn malformed_log_header_does_not_panic_and_is_kept_raw() {
    let server = TestServer::always(
        raised("UnhandledInvocationError").with_header("x-fc-log-result", "%%% not base64 %%%"),
    )
    .await;
    let output = client(&server)
        .invoke("f")
        .log_tail()
        .send()
        .await
        .expect("ok");
    assert_eq!(output.log(), None);
    assert_eq!(output.raw_log(), Some("%%% not base64 %%%"));
    let Err(InvokeError::Function(failure)) = output.into_result().await else {
        panic!("expected a function error");
    };
    assert_eq!(failure.log(), None);
    assert_eq!(failure.message(), Some("division by zero"));
}

#[tokio::test]
async fn log_cut_in_the_middle_of_a_character_is_decoded_lossily() {
    let mut tail = "日志".as_bytes().to_vec();
    tail.remove(0); // the 4 KB cut can land inside a character
    let server =
        TestServer::always(answer(200, b"").with_header("x-fc-log-result", &BASE64.encode(&tail)))
            .await;
    let output = invoke_ok(&server).await;
    let log = output.log().expect("decoded");
    assert!(
        log.starts_with('\u{FFFD}') && log.ends_with('志'),
        "{log:?}"
    );
}

#[tokio::test]
async fn json_decode_failure_is_typed_with_the_body_prefix() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Expected {
        total: u64,
    }
    let server = TestServer::always(answer(200, b"<html>gateway</html>")).await;
    let error = invoke_ok(&server)
        .await
        .json::<Expected>()
        .await
        .expect_err("not JSON");
    let InvokeError::Decode {
        message,
        body_prefix,
        request_id,
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert!(message.contains("expected value"), "{message}");
    assert_eq!(body_prefix, "<html>gateway</html>");
    assert_eq!(request_id.as_deref(), Some("req-1"));

    // Valid JSON of the wrong shape is a decode error too.
    let server = TestServer::always(answer(200, b"{\"total\": \"lots\"}")).await;
    let error = client(&server)
        .invoke_json::<Expected>("f", &())
        .await
        .expect_err("wrong shape");
    assert!(matches!(error, InvokeError::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn invoke_json_sends_json_and_decodes_the_answer() {
    #[derive(Serialize)]
    struct Order<'a> {
        id: u64,
        items: &'a [&'a str],
    }
    #[derive(Debug, Deserialize, PartialEq)]
    struct Receipt {
        total_cents: u64,
    }
    let server = TestServer::always(answer(200, b"{\"total_cents\": 1250}")).await;
    let receipt: Receipt = client(&server)
        .invoke_json(
            "checkout",
            &Order {
                id: 7,
                items: &["tea", "cake"],
            },
        )
        .await
        .expect("receipt");
    assert_eq!(receipt, Receipt { total_cents: 1250 });
    let request = &server.captured()[0];
    assert_eq!(request.path, "/2023-03-30/functions/checkout/invocations");
    assert_eq!(request.header("x-fc-invocation-type"), Some("Sync"));
    let sent: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON payload");
    assert_eq!(sent, json!({"id": 7, "items": ["tea", "cake"]}));
}

#[tokio::test]
async fn payload_that_cannot_be_serialized_fails_before_sending() {
    let server = TestServer::always(answer(200, b"")).await;
    let mut unserializable = HashMap::new();
    unserializable.insert((1u8, 2u8), "tuple keys are not JSON object keys");
    let error = client(&server)
        .invoke("f")
        .json(&unserializable)
        .send()
        .await
        .expect_err("serialization fails");
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert!(
        error
            .to_string()
            .starts_with("invalid request: the payload could not be serialized as JSON: "),
        "{error}"
    );
    assert!(server.captured().is_empty(), "nothing was sent");

    // A later payload replaces the failed one.
    client(&server)
        .invoke("f")
        .json(&unserializable)
        .payload("fine")
        .send()
        .await
        .expect("sent");
    assert_eq!(server.captured()[0].body, b"fine");
}

#[tokio::test]
async fn body_streams_in_chunks_and_collects_whole() {
    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let server = TestServer::always(answer(200, &big)).await;

    let mut stream = invoke_ok(&server).await.into_stream();
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.try_next().await.expect("chunk") {
        received.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert_eq!(received, big);
    assert!(chunks >= 1);

    let bytes: Bytes = invoke_ok(&server).await.bytes().await.expect("body");
    assert_eq!(bytes, big);
}

#[tokio::test]
async fn text_replaces_invalid_utf8() {
    let server = TestServer::always(answer(200, b"ok \xff")).await;
    assert_eq!(
        invoke_ok(&server).await.text().await.expect("text"),
        "ok \u{FFFD}"
    );
}

//! Retries, timeouts and error reporting, proven against a local server that injects faults:
//! 503s, 429 with a wait hint, connection resets, stalls, and error bodies of every shape.

use std::time::{Duration, Instant};

use fc_client::credentials::Credentials;
use fc_client::{Client, Error, ErrorCode, ErrorKind, RetryPolicy};
use fc_test_support::server::{Reply, TestServer};
use serde_json::json;

fn client(server: &TestServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .endpoint(server.url())
        .credentials(Credentials::new("test-key", "test-secret"))
        .retry_policy(retry.with_initial_backoff(Duration::from_millis(10)))
        .build()
        .expect("client")
}

fn function_json() -> serde_json::Value {
    json!({"functionName": "f", "state": "Active"})
}

fn unavailable() -> Reply {
    Reply::json(
        503,
        &json!({"Code": "ResourceThrottled", "Message": "busy"}),
    )
    .with_header("x-fc-request-id", "req-503")
}

async fn get(client: &Client) -> Result<fc_client::types::Function, Error> {
    Ok(client
        .get_function()
        .function_name("f")
        .send()
        .await?
        .into_inner())
}

async fn post(client: &Client) -> Result<(), Error> {
    client
        .enable_function_invocation()
        .function_name("f")
        .send()
        .await?;
    Ok(())
}

#[tokio::test]
async fn transient_503s_are_retried_and_each_attempt_is_signed_afresh() {
    let server = TestServer::start(|_, index| match index {
        0 | 1 => unavailable(),
        _ => Reply::json(200, &function_json()),
    })
    .await;
    let function = get(&client(&server, RetryPolicy::standard()))
        .await
        .expect("third attempt succeeds");
    assert_eq!(function.function_name.as_deref(), Some("f"));

    let requests = server.captured();
    assert_eq!(requests.len(), 3);
    let nonces: std::collections::BTreeSet<_> = requests
        .iter()
        .map(|r| r.header("x-acs-signature-nonce").expect("nonce").to_owned())
        .collect();
    assert_eq!(nonces.len(), 3, "every attempt has its own nonce");
    assert!(requests.iter().all(|r| r.header("authorization").is_some()));
}

#[tokio::test]
async fn exhausted_retries_report_the_last_answer() {
    let server = TestServer::always(unavailable()).await;
    let error = get(&client(&server, RetryPolicy::standard()))
        .await
        .unwrap_err();
    assert_eq!(server.captured().len(), 3, "3 attempts by default");
    assert_eq!(error.kind(), ErrorKind::Service);
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.code(), Some(&ErrorCode::ResourceThrottled));
    assert_eq!(error.request_id(), Some("req-503"));
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "ResourceThrottled: busy (status 503, request id req-503)"
    );
}

#[tokio::test]
async fn a_429_wait_hint_is_honoured() {
    let server = TestServer::start(|_, index| match index {
        0 => Reply::json(429, &json!({"Code": "ResourceExhausted"}))
            .with_header("x-acs-retry-after", "300"),
        _ => Reply::json(200, &function_json()),
    })
    .await;
    let started = Instant::now();
    get(&client(&server, RetryPolicy::standard()))
        .await
        .expect("retry succeeds");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(server.captured().len(), 2);
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let server = TestServer::start(|_, index| match index {
        0 => Reply::empty(503).with_header("retry-after", "1"),
        _ => Reply::json(200, &function_json()),
    })
    .await;
    let started = Instant::now();
    get(&client(&server, RetryPolicy::standard()))
        .await
        .expect("retry succeeds");
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn post_is_not_retried_after_the_server_saw_it() {
    let server = TestServer::always(unavailable()).await;
    let error = post(&client(&server, RetryPolicy::standard()))
        .await
        .unwrap_err();
    assert_eq!(
        server.captured().len(),
        1,
        "a POST that reached the server is never repeated"
    );
    assert_eq!(error.status(), Some(503));

    let reset = TestServer::always(Reply::Reset).await;
    let error = post(&client(&reset, RetryPolicy::standard()))
        .await
        .unwrap_err();
    assert_eq!(
        reset.captured().len(),
        1,
        "a reset after sending may have run the call"
    );
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
}

#[tokio::test]
async fn connection_resets_are_retried_for_idempotent_calls() {
    let server = TestServer::start(|_, index| match index {
        0 => Reply::Reset,
        _ => Reply::json(200, &function_json()),
    })
    .await;
    get(&client(&server, RetryPolicy::standard()))
        .await
        .expect("second attempt succeeds");
    assert_eq!(server.captured().len(), 2);
}

#[tokio::test]
async fn refused_connections_are_retried_even_for_post() {
    // Nothing listens on a port whose listener was just dropped, so the first attempts are
    // refused: the request provably never reached a server, and even a POST is retried. A
    // server comes up on that port a little later and answers the retry.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .unsigned()
        .retry_policy(
            RetryPolicy::standard()
                .with_max_attempts(20)
                .with_initial_backoff(Duration::from_millis(100))
                .with_max_backoff(Duration::from_millis(200)),
        )
        .build()
        .expect("client");
    let late_server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        TestServer::start_on(port, |_, _| Reply::json(200, &json!({}))).await
    });
    post(&client)
        .await
        .expect("a retry reaches the late server");
    let server = late_server.await.expect("server task");
    assert_eq!(
        server.captured().len(),
        1,
        "exactly one attempt reached a server"
    );
}

#[tokio::test]
async fn refused_connections_end_in_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .unsigned()
        .retry_policy(RetryPolicy::standard().with_initial_backoff(Duration::from_millis(10)))
        .build()
        .expect("client");
    let error = post(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_stalled_attempt_times_out_and_is_retried() {
    let server = TestServer::start(|_, index| match index {
        0 => Reply::Delay(
            Duration::from_secs(5),
            Box::new(Reply::json(200, &function_json())),
        ),
        _ => Reply::json(200, &function_json()),
    })
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .unsigned()
        .attempt_timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::standard().with_initial_backoff(Duration::from_millis(10)))
        .build()
        .expect("client");
    let started = Instant::now();
    get(&client).await.expect("the second attempt answers");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.captured().len(), 2);
}

#[tokio::test]
async fn the_operation_timeout_bounds_all_attempts() {
    let server = TestServer::always(Reply::Delay(
        Duration::from_secs(10),
        Box::new(Reply::json(200, &function_json())),
    ))
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .unsigned()
        .attempt_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_millis(400))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = get(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn non_json_and_empty_error_bodies_keep_status_and_request_id() {
    let server = TestServer::start(|_, index| match index {
        0 => Reply::Respond {
            status: 502,
            headers: vec![("x-fc-request-id".into(), "gw-1".into())],
            body: b"<html>Bad Gateway</html>".to_vec(),
        },
        _ => Reply::empty(404).with_header("x-fc-request-id", "nf-2"),
    })
    .await;
    let client = client(&server, RetryPolicy::disabled());

    let error = get(&client).await.unwrap_err();
    assert_eq!(
        (error.status(), error.request_id()),
        (Some(502), Some("gw-1"))
    );
    assert_eq!(error.message(), "<html>Bad Gateway</html>");
    assert_eq!(error.code(), None);

    let error = get(&client).await.unwrap_err();
    assert_eq!(
        (error.status(), error.request_id()),
        (Some(404), Some("nf-2"))
    );
    assert_eq!(error.kind(), ErrorKind::Service);
}

#[tokio::test]
async fn lower_case_error_spellings_are_understood() {
    let server = TestServer::always(Reply::json(
        404,
        &json!({"code": "FunctionNotFound", "message": "no f", "requestId": "lc-1"}),
    ))
    .await;
    let error = get(&client(&server, RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::FunctionNotFound));
    assert_eq!(error.message(), "no f");
    assert_eq!(error.request_id(), Some("lc-1"));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_missing_required_input_is_an_invalid_request_error() {
    let server = TestServer::always(Reply::json(200, &function_json())).await;
    let client = client(&server, RetryPolicy::disabled());
    let error: Error = client.get_function().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert!(error.message().contains("function_name"), "{error}");
    assert!(server.captured().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn inputs_outside_the_documented_limits_are_refused_before_sending() {
    let server = TestServer::always(Reply::json(200, &json!({}))).await;
    let client = client(&server, RetryPolicy::disabled());
    let error: Error = client.list_functions().limit(500).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        error.message(),
        "query parameter limit is 500; the maximum is 100"
    );
    assert!(server.captured().is_empty(), "nothing was sent");

    let unchecked = Client::builder()
        .endpoint(server.url())
        .unsigned()
        .validate_input(false)
        .build()
        .expect("client");
    unchecked
        .list_functions()
        .limit(500)
        .send()
        .await
        .expect("sent when checks are off");
    assert_eq!(server.captured().len(), 1);
}

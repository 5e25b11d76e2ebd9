//! The function waiters against a scripted server: the states they accept, reject and wait
//! through, their backoff, their deadline, and API errors along the way.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fc_client::types::{FunctionState, LastUpdateStatus};
use fc_client::{Client, ErrorCode, Observed, WaitError, WaitGoal};
use fc_test_support::server::{Reply, TestServer};
use serde_json::{Value, json};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(server.url())
        .unsigned()
        .build()
        .expect("client")
}

fn function(state: &str) -> Reply {
    Reply::json(200, &json!({"functionName": "f", "state": state}))
}

fn updating(status: &str) -> Reply {
    Reply::json(
        200,
        &json!({"functionName": "f", "state": "Active", "lastUpdateStatus": status}),
    )
}

/// A server answering the `index`-th request with `replies[index]` (the last one after that),
/// and the instants at which the requests arrived.
async fn scripted(replies: Vec<Reply>) -> (TestServer, Arc<Mutex<Vec<Instant>>>) {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let log = arrivals.clone();
    let server = TestServer::start(move |_, index| {
        log.lock().expect("arrivals").push(Instant::now());
        replies[index.min(replies.len() - 1)].clone()
    })
    .await;
    (server, arrivals)
}

#[tokio::test]
async fn active_after_two_pending_polls_with_backoff_between_them() {
    let (server, arrivals) = scripted(vec![
        function("Pending"),
        function("Pending"),
        function("Active"),
    ])
    .await;
    let client = client(&server);
    let started = Instant::now();
    let function = client
        .wait_until_function_active("f")
        .interval(Duration::from_millis(60))
        .max_interval(Duration::from_millis(90))
        .wait()
        .await
        .expect("becomes active");
    assert_eq!(function.state, Some(FunctionState::Active));

    let requests = server.captured();
    assert_eq!(requests.len(), 3, "three polls");
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, "/2023-03-30/functions/f");
        assert_eq!(request.query, None, "no qualifier unless asked for");
    }
    let arrivals = arrivals.lock().expect("arrivals").clone();
    let first_gap = arrivals[1] - arrivals[0];
    let second_gap = arrivals[2] - arrivals[1];
    assert!(
        arrivals[0] - started < Duration::from_millis(60),
        "the first poll does not wait for the interval"
    );
    assert!(first_gap >= Duration::from_millis(60), "{first_gap:?}");
    assert!(
        second_gap >= Duration::from_millis(90),
        "doubled, capped at 90 ms: {second_gap:?}"
    );
    assert!(
        second_gap < Duration::from_millis(120) + Duration::from_millis(400),
        "capped, not doubled to 120 ms and beyond: {second_gap:?}"
    );
}

#[tokio::test]
async fn qualifier_is_sent_on_every_poll() {
    let (server, _) = scripted(vec![function("Pending"), function("Active")]).await;
    client(&server)
        .wait_until_function_active("f")
        .qualifier("prod")
        .interval(Duration::from_millis(5))
        .wait()
        .await
        .expect("active");
    let requests = server.captured();
    assert_eq!(requests.len(), 2);
    assert!(
        requests
            .iter()
            .all(|r| r.query.as_deref() == Some("qualifier=prod"))
    );
}

#[tokio::test]
async fn failed_state_ends_the_wait_with_its_reason() {
    let (server, _) = scripted(vec![
        function("Pending"),
        Reply::json(
            200,
            &json!({
                "functionName": "f",
                "state": "Failed",
                "stateReason": "image registry.example/app:1 not found",
                "stateReasonCode": "ImagePullFailed",
            }),
        ),
    ])
    .await;
    let error = client(&server)
        .wait_until_function_active("f")
        .interval(Duration::from_millis(5))
        .wait()
        .await
        .expect_err("the function failed");
    assert_eq!(server.captured().len(), 2, "no poll after the failure");
    assert_eq!(
        error.to_string(),
        "function 'f' failed to become Active: state Failed \
         (ImagePullFailed: image registry.example/app:1 not found)"
    );
    let WaitError::Failed {
        function_name,
        goal,
        observed,
        reason,
        reason_code,
        function,
    } = error
    else {
        panic!("expected Failed, got {error:?}");
    };
    assert_eq!(function_name, "f");
    assert_eq!(goal, WaitGoal::FunctionActive);
    assert_eq!(observed, Observed::State(Some(FunctionState::Failed)));
    assert_eq!(
        reason.as_deref(),
        Some("image registry.example/app:1 not found")
    );
    assert_eq!(reason_code.as_deref(), Some("ImagePullFailed"));
    assert_eq!(function.state, Some(FunctionState::Failed));
}

#[tokio::test]
async fn gives_up_at_the_timeout_and_reports_what_it_saw() {
    let server = TestServer::always(function("Pending")).await;
    let timeout = Duration::from_millis(150);
    let client = client(&server);
    let started = Instant::now();
    let error = client
        .wait_until_function_active("f")
        .interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(10))
        .timeout(timeout)
        .wait()
        .await
        .expect_err("never active");
    let elapsed = started.elapsed();
    let WaitError::TimedOut {
        waited,
        polls,
        last_state,
        ..
    } = &error
    else {
        panic!("expected TimedOut, got {error:?}");
    };
    assert!(*polls >= 3, "tiny intervals poll often: {polls}");
    // Every poll the server saw was counted; the last one counted may have been abandoned at
    // the deadline before its request reached the server.
    let seen = server.captured().len();
    assert!(
        seen == *polls as usize || seen + 1 == *polls as usize,
        "{polls} polls counted, {seen} seen by the server"
    );
    assert_eq!(
        last_state,
        &Some(Observed::State(Some(FunctionState::Pending)))
    );
    assert!(*waited <= elapsed);
    // A poll may run until the deadline, but no sleep goes past it.
    assert!(
        elapsed < timeout + Duration::from_millis(100),
        "stops at the deadline: {elapsed:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("gave up waiting for function 'f' to become Active after "),
        "{message}"
    );
    assert!(message.ends_with("last seen: state Pending"), "{message}");
}

#[tokio::test]
async fn stops_early_when_the_next_wait_would_overrun_the_deadline() {
    let server = TestServer::always(function("Pending")).await;
    let client = client(&server);
    let started = Instant::now();
    let error = client
        .wait_until_function_active("f")
        .interval(Duration::from_millis(100))
        .max_interval(Duration::from_secs(10))
        .timeout(Duration::from_millis(250))
        .wait()
        .await
        .expect_err("never active");
    // Polls at 0 ms and 100 ms; the next would be at 300 ms, past the 250 ms deadline.
    assert!(
        matches!(error, WaitError::TimedOut { polls: 2, .. }),
        "{error:?}"
    );
    assert_eq!(server.captured().len(), 2);
    assert!(started.elapsed() < Duration::from_millis(250));
}

#[tokio::test]
async fn a_poll_still_running_at_the_deadline_is_abandoned() {
    let server = TestServer::always(Reply::Delay(
        Duration::from_secs(5),
        Box::new(function("Active")),
    ))
    .await;
    let started = Instant::now();
    let error = client(&server)
        .wait_until_function_active("f")
        .timeout(Duration::from_millis(200))
        .wait()
        .await
        .expect_err("the answer comes too late");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(
            error,
            WaitError::TimedOut {
                polls: 1,
                last_state: None,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().ends_with("last seen: no poll completed"));
}

#[tokio::test]
async fn api_error_surfaces_as_call_with_code_and_request_id() {
    let server = TestServer::always(
        Reply::json(
            404,
            &json!({"Code": "FunctionNotFound", "Message": "function 'f' does not exist"}),
        )
        .with_header("x-fc-request-id", "req-404"),
    )
    .await;
    let error = client(&server)
        .wait_until_function_active("f")
        .wait()
        .await
        .expect_err("no such function");
    assert_eq!(server.captured().len(), 1, "a 404 is final");
    let api = error.api_error().expect("an API error");
    assert_eq!(api.code(), Some(&ErrorCode::FunctionNotFound));
    assert_eq!(api.status(), Some(404));
    assert_eq!(api.request_id(), Some("req-404"));
    assert!(matches!(error, WaitError::Call(_)));
    assert_eq!(
        error.to_string(),
        "GetFunction failed while waiting: FunctionNotFound: function 'f' does not exist \
         (status 404, request id req-404)"
    );
}

#[tokio::test]
async fn unknown_and_missing_states_keep_polling() {
    let (server, _) = scripted(vec![
        Reply::json(200, &json!({"functionName": "f"})),
        function("Warming"),
        function("Inactive"),
        function("Active"),
    ])
    .await;
    client(&server)
        .wait_until_function_active("f")
        .interval(Duration::from_millis(2))
        .wait()
        .await
        .expect("active in the end");
    assert_eq!(server.captured().len(), 4);
}

#[tokio::test]
async fn unknown_state_is_named_when_the_wait_times_out() {
    let server = TestServer::always(function("Warming")).await;
    let error = client(&server)
        .wait_until_function_active("f")
        .interval(Duration::from_millis(5))
        .timeout(Duration::from_millis(60))
        .wait()
        .await
        .expect_err("never active");
    assert!(
        error.to_string().ends_with("last seen: state Warming"),
        "{error}"
    );
}

#[tokio::test]
async fn update_waiter_waits_through_in_progress() {
    let (server, _) = scripted(vec![
        updating("InProgress"),
        updating("InProgress"),
        updating("Successful"),
    ])
    .await;
    let function = client(&server)
        .wait_until_update_done("f")
        .interval(Duration::from_millis(5))
        .wait()
        .await
        .expect("update done");
    assert_eq!(
        function.last_update_status,
        Some(LastUpdateStatus::Successful)
    );
    assert_eq!(server.captured().len(), 3);
}

#[tokio::test]
async fn update_waiter_reports_a_failed_update() {
    let body: Value = json!({
        "functionName": "f",
        "state": "Active",
        "lastUpdateStatus": "Failed",
        "lastUpdateStatusReason": "vSwitch vsw-1 has no free IP",
        "lastUpdateStatusReasonCode": "VSwitchIpExhausted",
    });
    let (server, _) = scripted(vec![updating("InProgress"), Reply::json(200, &body)]).await;
    let error = client(&server)
        .wait_until_update_done("f")
        .interval(Duration::from_millis(5))
        .wait()
        .await
        .expect_err("update failed");
    assert_eq!(
        error.to_string(),
        "function 'f' failed to finish its update: lastUpdateStatus Failed \
         (VSwitchIpExhausted: vSwitch vsw-1 has no free IP)"
    );
    match error {
        WaitError::Failed {
            goal,
            observed,
            reason_code,
            ..
        } => {
            assert_eq!(goal, WaitGoal::UpdateDone);
            assert_eq!(
                observed,
                Observed::LastUpdateStatus(Some(LastUpdateStatus::Failed))
            );
            assert_eq!(reason_code.as_deref(), Some("VSwitchIpExhausted"));
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}

#[tokio::test]
async fn update_waiter_ignores_the_state_field() {
    // A pending state does not hold up an update waiter, and a failed state does not fail it.
    let server = TestServer::always(Reply::json(
        200,
        &json!({"functionName": "f", "state": "Failed", "lastUpdateStatus": "Successful"}),
    ))
    .await;
    client(&server)
        .wait_until_update_done("f")
        .wait()
        .await
        .expect("the update itself succeeded");
    assert_eq!(server.captured().len(), 1);
}

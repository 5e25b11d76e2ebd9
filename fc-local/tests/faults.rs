//! Fault injection, as a user testing their retry code would use it: rules from the builder, the
//! handle and the admin endpoint; errors the client retries or reports, delays that hit a
//! timeout, connections dropped before the answer.

mod client;

use std::time::{Duration, Instant};

use client::python;
use fc_client::{Client, ErrorKind, RequestOverrides, RetryPolicy};
use fc_local::FcLocal;
use fc_local::faults::FaultRule;

const HANDLER: &str = "def handler(event, context):\n    return 'ok'\n";

/// A client that retries quickly (the standard three attempts).
fn quick_client(server: &fc_local::FcLocalHandle) -> Client {
    Client::builder()
        .endpoint(server.endpoint())
        .credentials(fc_client::credentials::Credentials::new(
            server.access_key_id(),
            server.access_key_secret(),
        ))
        .retry_policy(RetryPolicy::standard().with_initial_backoff(Duration::from_millis(10)))
        .build()
        .expect("client")
}

#[tokio::test]
async fn two_503s_are_retried_away_and_a_disabled_policy_sees_the_first() {
    let server = FcLocal::new()
        .fault(FaultRule::error("GetFunction", 503, "ServiceUnavailable").times(2))
        .start()
        .await
        .expect("start");
    let client = quick_client(&server);
    python(&client, "flaky", 10, HANDLER).await;

    let found = client
        .get_function()
        .function_name("flaky")
        .send()
        .await
        .expect("the third attempt gets through");
    assert_eq!(found.function_name.as_deref(), Some("flaky"));
    assert_eq!(server.faults().injected(), 2, "both faults were used");

    server
        .faults()
        .add(FaultRule::error("GetFunction", 503, "ServiceUnavailable").times(1))
        .expect("rule");
    let error = client
        .get_function()
        .function_name("flaky")
        .with_overrides(&RequestOverrides::new().retry_policy(RetryPolicy::disabled()))
        .send()
        .await
        .expect_err("no retry for this request");
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.code().map(|c| c.as_str()), Some("ServiceUnavailable"));
    assert!(error.request_id().is_some(), "FC-shaped answer: {error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let server = FcLocal::new()
        .fault(
            FaultRule::error("ListFunctions", 429, "ResourceThrottled")
                .times(1)
                .retry_after(1),
        )
        .start()
        .await
        .expect("start");
    let client = quick_client(&server);
    let started = Instant::now();
    client
        .list_functions()
        .send()
        .await
        .expect("the retry after the hint succeeds");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After: 1 was honoured ({:?})",
        started.elapsed()
    );
    assert_eq!(server.faults().injected(), 1);
}

#[tokio::test]
async fn a_delay_past_the_attempt_timeout_is_a_timeout_error() {
    let server = FcLocal::new()
        .fault(FaultRule::delay("GetFunction", Duration::from_secs(3)))
        .start()
        .await
        .expect("start");
    let client = quick_client(&server);
    python(&client, "slow", 10, HANDLER).await;
    let error = client
        .get_function()
        .function_name("slow")
        .with_overrides(
            &RequestOverrides::new()
                .attempt_timeout(Duration::from_millis(200))
                .retry_policy(RetryPolicy::disabled()),
        )
        .send()
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error}");
}

#[tokio::test]
async fn a_dropped_get_is_retried_and_a_dropped_create_is_reported_not_repeated() {
    let server = FcLocal::new()
        .fault(FaultRule::drop_connection("GetFunction").times(1))
        .fault(FaultRule::drop_connection("CreateFunction").times(1))
        .start()
        .await
        .expect("start");
    let client = quick_client(&server);
    let input = client::function("dropped", "python3.10", 10, &[("index.py", HANDLER)]);
    let error = client
        .create_function()
        .body(input.clone())
        .send()
        .await
        .expect_err("the connection was dropped");
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    let missing = client
        .get_function()
        .function_name("dropped")
        .send()
        .await
        .expect_err("the GET is retried past its drop and finds nothing");
    assert!(
        missing.is_not_found(),
        "a dropped create created nothing: {missing}"
    );
    assert_eq!(server.faults().injected(), 2);
    client
        .create_function()
        .body(input)
        .send()
        .await
        .expect("the rules are spent");
}

#[tokio::test]
async fn the_admin_endpoint_lists_adds_and_clears_rules() {
    let server = FcLocal::new().start().await.expect("start");
    let url = format!("{}/__console/api/faults", server.endpoint());
    let token = server
        .console_url()
        .split("token=")
        .nth(1)
        .expect("token")
        .to_owned();
    let http = reqwest::Client::new();
    let added = http
        .post(&url)
        .header("x-console-token", &token)
        .body(r#"{"action":"ListFunctions","status":500,"percent":50}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(added.status(), 201);
    let refused = http
        .post(&url)
        .header("x-console-token", &token)
        .body(r#"{"action":"ListFunctions","status":200}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 400);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("status must be 400-599")
    );
    let unauthorised = http.post(&url).body("{}").send().await.expect("post");
    assert_eq!(unauthorised.status(), 403, "no token, no signature");

    let client = quick_client(&server);
    let unretried = RequestOverrides::new().retry_policy(RetryPolicy::disabled());
    let mut failures = 0;
    for _ in 0..4 {
        let result = client
            .list_functions()
            .with_overrides(&unretried)
            .send()
            .await;
        failures += usize::from(result.is_err());
    }
    assert_eq!(failures, 2, "50 % of four calls");
    let listed: serde_json::Value = http
        .get(&url)
        .header("x-console-token", &token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["injected"], 2);
    assert_eq!(listed["faults"][0]["matched"], 4);
    assert_eq!(listed["faults"][0]["code"], "InternalServerError");

    let cleared = http
        .delete(&url)
        .header("x-console-token", &token)
        .send()
        .await
        .expect("delete");
    assert_eq!(cleared.status(), 204);
    assert!(server.faults().rules().is_empty());
}

/// The proxy storm, from fc-local's own fault rules: 503 bursts, 429s with `Retry-After`,
/// connections dropped before and after the call was handled, stalls past the attempt timeout;
/// eight clients create, update and invoke at once. Every operation succeeds once or fails with
/// a typed error; no create is repeated (which would answer `FunctionAlreadyExists`), no
/// invocation runs twice (each prints its id; fc-local's logs are counted).
#[tokio::test]
async fn a_fault_storm_never_repeats_a_create_or_an_invocation() {
    let server = FcLocal::new()
        .fault(FaultRule::error("*", 503, "ServiceUnavailable").percent(8))
        .fault(
            FaultRule::error("*", 429, "ResourceThrottled")
                .percent(6)
                .retry_after(1),
        )
        .fault(FaultRule::drop_connection("*").percent(5))
        .fault(FaultRule::drop_answer("*").percent(5))
        .fault(FaultRule::delay("*", Duration::from_millis(400)).percent(4))
        .start()
        .await
        .expect("start");
    let client = Client::builder()
        .endpoint(server.endpoint())
        .credentials(fc_client::credentials::Credentials::new(
            server.access_key_id(),
            server.access_key_secret(),
        ))
        .retry_policy(RetryPolicy::standard().with_initial_backoff(Duration::from_millis(5)))
        .attempt_timeout(Duration::from_millis(250))
        .invoke_timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let source =
        "def handler(event, context):\n    print('ran ' + event.decode())\n    return 'ok'\n";
    let tasks: Vec<_> = (0..8)
        .map(|worker| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                for round in 0..6 {
                    let name = format!("storm-{worker}-{round}");
                    let created = client
                        .create_function()
                        .body(client::function(
                            &name,
                            "python3.10",
                            10,
                            &[("index.py", source)],
                        ))
                        .send()
                        .await
                        .map(|_| ());
                    outcomes.push(("create", name.clone(), created));
                    let updated = client
                        .update_function()
                        .function_name(name.as_str())
                        .body(fc_client::types::UpdateFunctionInput::builder().description("storm"))
                        .send()
                        .await
                        .map(|_| ());
                    outcomes.push(("update", name.clone(), updated));
                    let id = format!("{worker}-{round}");
                    let invoked = client
                        .invoke(name.as_str())
                        .payload(id.clone())
                        .send()
                        .await
                        .map(|_| ());
                    outcomes.push(("invoke", id, invoked));
                }
                outcomes
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.extend(task.await.expect("worker"));
    }
    let failed: Vec<_> = outcomes.iter().filter(|(_, _, r)| r.is_err()).collect();
    assert!(
        !failed.is_empty() && failed.len() < outcomes.len(),
        "the storm hit some calls: {} of {}",
        failed.len(),
        outcomes.len()
    );
    for (what, name, result) in &outcomes {
        if let Err(error) = result {
            assert!(
                matches!(
                    error.kind(),
                    ErrorKind::Service | ErrorKind::Transport | ErrorKind::Timeout
                ),
                "{what} {name}: {error}"
            );
            assert!(
                !(*what == "create" && error.is_already_exists()),
                "{name} was created twice: the client repeated a create that had succeeded"
            );
        }
    }
    for (what, id, _) in outcomes.iter().filter(|(what, _, _)| *what == "invoke") {
        let function = format!("storm-{id}");
        let runs = server
            .executor()
            .logs(&function)
            .iter()
            .filter(|record| record.line == format!("ran {id}"))
            .count();
        assert!(runs <= 1, "{what} {id} ran {runs} times");
    }
    assert!(
        server.faults().injected() > 10,
        "{} faults",
        server.faults().injected()
    );
    println!(
        "fault storm: {} operations, {} failed typed, {} faults injected",
        outcomes.len(),
        failed.len(),
        server.faults().injected()
    );
}

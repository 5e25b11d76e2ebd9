//! The console and its data endpoints: who gets in, what the overview, the invocation history
//! and the logs show, invoking from the console, and `fc-local logs` / `fc-local invocations`
//! against a running server.

mod client;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use client::{create, function, invoke_text, start, trigger};
use fc_client::Client;
use fc_client::types::TriggerType;
use fc_local::FcLocal;
use fc_local::console::client::{ConsoleClient, ConsoleError};
use fc_local::executor::InvocationStatus;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_fc-local");

/// Prints a marker naming the event, and fails when asked to.
const NOISY_PY: &str = r#"
import json

def handler(event, context):
    e = json.loads(event or "{}")
    print("marker-" + str(e.get("n")))
    if e.get("fail"):
        raise ValueError("asked to fail")
    return "done-" + str(e.get("n"))
"#;

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client")
}

/// The token of the server's console URL.
fn token(server: &fc_local::FcLocalHandle) -> String {
    let url = server.console_url();
    let (_, token) = url.split_once("token=").expect("the URL carries a token");
    token.to_owned()
}

async fn get(url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = http().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

async fn noisy(client: &Client, name: &str) {
    let mut input = function(name, "python3.10", 10, &[("index.py", NOISY_PY)]);
    input = input.environment_variables(
        [
            ("DB_PASSWORD".to_owned(), "hunter2".to_owned()),
            ("LOG_LEVEL".to_owned(), "debug".to_owned()),
        ]
        .into_iter()
        .collect::<std::collections::BTreeMap<_, _>>(),
    );
    create(client, input).await;
}

#[tokio::test]
async fn the_console_needs_its_token_or_a_signature_and_refuses_other_pages() {
    let (server, _client) = start().await;
    let endpoint = server.endpoint();
    let page = format!("{endpoint}/__console/");
    let overview = format!("{endpoint}/__console/api/overview");
    let token = token(&server);

    let (status, body) = get(&page, &[]).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("AccessDenied") && body.contains("token"),
        "{body}"
    );
    let (status, body) = get(&server.console_url(), &[]).await;
    assert_eq!(status, 200);
    assert!(body.contains("fc-local</span> console"), "the page");
    let response = http().get(server.console_url()).send().await.unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"));
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");

    assert_eq!(get(&overview, &[("x-console-token", &token)]).await.0, 200);
    assert_eq!(get(&overview, &[("x-console-token", "guess")]).await.0, 403);
    assert_eq!(get(&overview, &[]).await.0, 403);
    let own = endpoint.clone();
    let same = [
        ("x-console-token", token.as_str()),
        ("origin", own.as_str()),
    ];
    assert_eq!(get(&overview, &same).await.0, 200, "the page itself");
    for origin in ["http://localhost:1", "http://evil.example", "null"] {
        let foreign = [("x-console-token", token.as_str()), ("origin", origin)];
        let (status, body) = get(&overview, &foreign).await;
        assert_eq!(status, 403, "{origin}: {body}");
    }
    let rebinding = [
        ("x-console-token", token.as_str()),
        ("host", "evil.example"),
    ];
    assert_eq!(get(&overview, &rebinding).await.0, 403, "a foreign Host");

    let signed = ConsoleClient::with_keys(
        &endpoint,
        server.access_key_id(),
        server.access_key_secret(),
    )
    .unwrap();
    assert!(signed.invocations(None).await.unwrap().is_empty());
    let wrong =
        ConsoleClient::with_keys(&endpoint, server.access_key_id(), "not-the-secret").unwrap();
    match wrong.invocations(None).await {
        Err(ConsoleError::Refused { status, code, .. }) => {
            assert_eq!((status, code.as_str()), (403, "AccessDenied"));
        }
        other => panic!("a wrong secret is refused: {other:?}"),
    }
    assert!(
        !format!("{wrong:?}").contains("not-the-secret"),
        "Debug hides the secret"
    );
    let by_token = ConsoleClient::with_token(&endpoint, &token).unwrap();
    assert!(by_token.invocations(None).await.is_ok());
    server.shutdown().await;

    let open = FcLocal::new().auth(false).start().await.unwrap();
    let overview = format!("{}/__console/api/overview", open.endpoint());
    assert_eq!(
        get(&overview, &[]).await.0,
        200,
        "--no-auth: as open as the API"
    );
    let foreign = [("origin", "http://evil.example")];
    assert_eq!(
        get(&overview, &foreign).await.0,
        403,
        "but never to other pages"
    );
    open.shutdown().await;
}

#[tokio::test]
async fn the_overview_history_and_logs_show_what_ran_also_after_delete() {
    let (server, client) = start().await;
    let token = token(&server);
    let endpoint = server.endpoint();
    noisy(&client, "noisy").await;
    let reported = trigger(
        &client,
        "noisy",
        "web",
        TriggerType::Http,
        json!({"authType": "anonymous", "methods": ["GET"]}),
    )
    .await
    .http_trigger
    .and_then(|urls| urls.url_internet)
    .expect("trigger URL");
    client
        .publish_function_version()
        .function_name("noisy")
        .body(fc_client::types::PublishVersionInput::builder())
        .send()
        .await
        .expect("publish");
    assert_eq!(
        invoke_text(&client, "noisy", json!({"n": 1}).to_string()).await,
        "done-1"
    );
    let failed = client
        .invoke("noisy")
        .payload(json!({"n": 2, "fail": true}).to_string())
        .send()
        .await
        .expect("invoke");
    assert!(failed.function_error().is_some());

    let (status, body) = get(
        &format!("{endpoint}/__console/api/overview"),
        &[("x-console-token", &token)],
    )
    .await;
    assert_eq!(status, 200);
    let overview: Value = serde_json::from_str(&body).unwrap();
    let noisy = &overview["functions"][0];
    assert_eq!(noisy["functionName"], "noisy");
    assert_eq!(noisy["runtime"], "python3.10");
    assert_eq!(noisy["memorySize"], 128);
    assert_eq!(noisy["versions"], json!(["1"]));
    assert_eq!(noisy["triggers"][0]["url"], json!(reported));
    assert_eq!(noisy["instances"].as_array().map(Vec::len), Some(1));

    let (_, body) = get(
        &format!("{endpoint}/__console/api/functions/noisy"),
        &[("x-console-token", &token)],
    )
    .await;
    let config: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(config["environmentVariables"]["LOG_LEVEL"], "debug");
    assert_eq!(config["environmentVariables"]["DB_PASSWORD"], "********");
    assert!(!body.contains("hunter2"), "secrets are masked");

    client
        .delete_function_version()
        .function_name("noisy")
        .version_id("1")
        .send()
        .await
        .expect("delete version");
    client
        .delete_trigger()
        .function_name("noisy")
        .trigger_name("web")
        .send()
        .await
        .expect("delete trigger");
    client
        .delete_function()
        .function_name("noisy")
        .send()
        .await
        .expect("delete function");

    let console = ConsoleClient::with_keys(
        &endpoint,
        server.access_key_id(),
        server.access_key_secret(),
    )
    .unwrap();
    let history = console.invocations(Some("noisy")).await.unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[0].record.status, InvocationStatus::Succeeded);
    assert!(
        history[0].log.iter().any(|line| line == "marker-1"),
        "{history:?}"
    );
    assert!(!history[0].log.iter().any(|line| line == "marker-2"));
    assert_eq!(
        history[1].record.status,
        InvocationStatus::FunctionError {
            error_type: "UnhandledInvocationError".to_owned()
        }
    );
    assert!(history[1].log.iter().any(|line| line == "marker-2"));
    assert!(history[0].record.seq < history[1].record.seq);
    assert!(console.invocations(Some("other")).await.unwrap().is_empty());

    let page = console.logs("noisy", 0, 0).await.unwrap();
    let lines: Vec<&str> = page.lines.iter().map(|line| line.line.as_str()).collect();
    assert!(
        lines.contains(&"marker-1") && lines.contains(&"marker-2"),
        "{lines:?}"
    );
    assert_eq!(page.next, page.lines.last().unwrap().seq);
    let nothing_new = console.logs("noisy", page.next, 0).await.unwrap();
    assert!(nothing_new.lines.is_empty());
    assert_eq!(nothing_new.next, page.next);
    server.shutdown().await;
}

#[tokio::test]
async fn a_function_is_invoked_from_the_console_and_the_history_is_bounded() {
    let server = FcLocal::new()
        .invocation_history(2)
        .start()
        .await
        .expect("start");
    let client = server.client().unwrap();
    noisy(&client, "clicked").await;
    let token = token(&server);
    let invoke = |payload: Value| {
        let request = http()
            .post(format!("{}/__console/api/invoke", server.endpoint()))
            .header("x-console-token", &token)
            .json(&json!({"functionName": "clicked", "payload": payload.to_string()}));
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let answer = invoke(json!({"n": 7})).await;
    assert_eq!(answer["body"], "done-7");
    assert_eq!(answer["errorType"], Value::Null);
    assert!(
        answer["log"].as_str().unwrap().contains("marker-7"),
        "{answer}"
    );
    let answer = invoke(json!({"n": 8, "fail": true})).await;
    assert_eq!(answer["errorType"], "UnhandledInvocationError");
    invoke(json!({"n": 9})).await;

    let missing = http()
        .post(format!("{}/__console/api/invoke", server.endpoint()))
        .header("x-console-token", &token)
        .json(&json!({"functionName": "absent"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let console = ConsoleClient::with_token(server.endpoint(), &token).unwrap();
    let history = console.invocations(None).await.unwrap();
    let ids: Vec<&str> = history
        .iter()
        .map(|i| i.record.request_id.as_str())
        .collect();
    assert_eq!(
        history.len(),
        2,
        "bounded by invocation_history(2): {ids:?}"
    );
    assert!(history[1].log.iter().any(|line| line == "marker-9"));
    server.shutdown().await;
}

#[tokio::test]
async fn fc_local_logs_follows_and_invocations_lists_from_a_terminal() {
    let (server, client) = start().await;
    noisy(&client, "tailed").await;
    invoke_text(&client, "tailed", json!({"n": 1}).to_string()).await;
    let connection = [
        "--endpoint".to_owned(),
        server.endpoint(),
        "--access-key-id".to_owned(),
        server.access_key_id().to_owned(),
        "--access-key-secret".to_owned(),
        server.access_key_secret().to_owned(),
    ];
    let listed = tokio::process::Command::new(BIN)
        .arg("invocations")
        .args(&connection)
        .output()
        .await
        .unwrap();
    assert!(listed.status.success(), "{listed:?}");
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        text.contains("tailed LATEST version LATEST") && text.contains("200 ok"),
        "{text}"
    );
    assert!(text.contains("    marker-1"), "{text}");

    let mut follow = Command::new(BIN)
        .args(["logs", "tailed", "--follow"])
        .args(&connection)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = follow.stdout.take().unwrap();
    let (lines_tx, mut lines_rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    for (wanted, invoke_first) in [("marker-1", false), ("marker-2", true)] {
        if invoke_first {
            invoke_text(&client, "tailed", json!({"n": 2}).to_string()).await;
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while !seen.iter().any(|line: &String| line.ends_with(wanted)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, lines_rx.recv()).await {
                Ok(Some(line)) => seen.push(line),
                _ => panic!("fc-local logs --follow never printed {wanted}: {seen:?}"),
            }
        }
    }
    follow.kill().unwrap();
    follow.wait().unwrap();

    let unreachable = Command::new(BIN)
        .args(["logs", "tailed", "--endpoint", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unreachable.stderr).contains("cannot reach fc-local"));
    let no_name = Command::new(BIN).arg("logs").output().unwrap();
    assert_eq!(no_name.status.code(), Some(2));
    server.shutdown().await;
}

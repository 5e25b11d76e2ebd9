//! Synchronous InvokeFunction through fc-client: Python, Node.js and custom runtimes, log tail,
//! function errors, timeouts, concurrency, size limits, header checks, disabled invocation.

mod client;
mod support;

use std::time::{Duration, Instant, SystemTime};

use client::{code_of, create, function, invoke_text, python, start};
use fc_client::FunctionErrorType;
use fc_client::types::DisableFunctionInvocationInput;
use serde_json::{Value, json};

const ECHO_PY: &str = r#"
import json

def handler(event, context):
    data = json.loads(event)
    print("hello from python", data["name"])
    return {"greeting": "hello " + data["name"], "request": context.request_id,
            "function": context.function.name, "key": context.credentials.access_key_id}
"#;

#[tokio::test]
async fn python_returns_its_result_with_the_log_tail_and_headers() {
    let (server, client) = start().await;
    python(&client, "py-echo", 10, ECHO_PY).await;
    let output = client
        .invoke("py-echo")
        .json(&json!({"name": "Ada"}))
        .log_tail()
        .send()
        .await
        .expect("invoke");
    assert_eq!(output.status(), 200);
    assert!(output.function_error().is_none());
    let log = output.log().expect("log tail").to_owned();
    assert!(log.contains("hello from python Ada"), "{log}");
    assert!(log.contains("FC Invoke Start RequestId:"), "{log}");
    let request_id = output.request_id().expect("request id").to_owned();
    assert!(output.instance_id().is_some_and(|id| id.starts_with("c-")));
    assert_eq!(output.code_version(), Some("LATEST"));
    assert!(output.code_checksum().is_some());
    assert!(output.duration().is_some());
    assert_eq!(
        output
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/octet-stream")
    );
    let body: Value = output.json().await.expect("json body");
    assert_eq!(body["greeting"], "hello Ada");
    assert_eq!(body["request"], request_id.as_str());
    assert_eq!(body["function"], "py-echo");
    // Functions get the temporary credentials fc-local issues, never the server's own key.
    assert_eq!(body["key"], server.config().issued.access_key_id.as_str());

    let quiet = client
        .invoke("py-echo")
        .json(&json!({"name": "Bob"}))
        .send()
        .await
        .expect("invoke");
    assert!(quiet.log().is_none());
    assert!(quiet.headers().get("x-fc-log-result").is_none());
    assert!(server.executor().logs("py-echo").len() >= 2);
}

#[tokio::test]
async fn nodejs_async_and_callback_handlers() {
    let (_server, client) = start().await;
    let source = r#"
exports.handler = async (event, context) => {
  console.log("node got", event.toString());
  return { echo: JSON.parse(event).name, region: context.region };
};
exports.callback = (event, context, callback) => {
  callback(new Error("declined"));
};
"#;
    create(
        &client,
        function("node-echo", "nodejs20", 10, &[("index.js", source)]),
    )
    .await;
    let value: Value = client
        .invoke_json("node-echo", &json!({"name": "Grace"}))
        .await
        .expect("invoke");
    assert_eq!(value, json!({"echo": "Grace", "region": "cn-hangzhou"}));

    client
        .update_function()
        .function_name("node-echo")
        .body(fc_client::types::UpdateFunctionInput::builder().handler("index.callback".to_owned()))
        .send()
        .await
        .expect("update handler");
    let output = client
        .invoke("node-echo")
        .payload("{}")
        .send()
        .await
        .expect("invoke");
    assert_eq!(output.function_error(), Some(&FunctionErrorType::Handled));
    let error = output.into_result().await.expect_err("handled error");
    let text = format!("{error}");
    assert!(text.contains("declined"), "{text}");
}

#[tokio::test]
async fn custom_runtime_bootstrap_serves_invocations() {
    let (_server, client) = start().await;
    let bootstrap = r#"#!/usr/bin/env python3
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = b"custom:" + body + b":" + self.headers.get("x-fc-function-name", "").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

HTTPServer(("127.0.0.1", int(os.environ["FC_CUSTOM_LISTEN_PORT"])), Handler).serve_forever()
"#;
    create(
        &client,
        function(
            "custom-echo",
            "custom.debian10",
            10,
            &[("bootstrap", bootstrap)],
        ),
    )
    .await;
    let text = client
        .invoke("custom-echo")
        .payload("ping")
        .send()
        .await
        .expect("invoke")
        .into_result()
        .await
        .expect("success")
        .text()
        .await
        .expect("text");
    assert_eq!(text, "custom:ping:custom-echo");
}

#[tokio::test]
async fn raised_errors_and_timeouts_are_function_errors() {
    let (_server, client) = start().await;
    let source = r#"
import time

def handler(event, context):
    if event == b"raise":
        raise ValueError("bad input")
    if event == b"sleep":
        time.sleep(5)
    return "fine"
"#;
    python(&client, "py-errors", 1, source).await;
    let raised = client
        .invoke("py-errors")
        .payload("raise")
        .send()
        .await
        .expect("invoke");
    assert_eq!(raised.status(), 200);
    assert_eq!(raised.function_error(), Some(&FunctionErrorType::Unhandled));
    let body: Value = serde_json::from_str(&raised.text().await.unwrap()).unwrap();
    assert_eq!(body["errorType"], "ValueError");
    assert_eq!(body["errorMessage"], "bad input");

    let started = Instant::now();
    let timed_out = client
        .invoke("py-errors")
        .payload("sleep")
        .log_tail()
        .send()
        .await
        .expect("invoke");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(
        timed_out.function_error(),
        Some(&FunctionErrorType::Unhandled)
    );
    let text = timed_out.text().await.unwrap();
    assert!(text.contains("timed out after 1 seconds"), "{text}");

    let after = client
        .invoke("py-errors")
        .payload("ok")
        .send()
        .await
        .expect("invoke");
    assert!(after.function_error().is_none());
    assert_eq!(after.text().await.unwrap(), "fine");
}

#[tokio::test]
async fn eight_concurrent_invocations_all_succeed() {
    let (_server, client) = start().await;
    let source =
        "import time\n\ndef handler(event, context):\n    time.sleep(0.2)\n    return event\n";
    python(&client, "py-parallel", 10, source).await;
    let calls = (0..8).map(|i| {
        let client = client.clone();
        async move { invoke_text(&client, "py-parallel", format!("call-{i}")).await }
    });
    let answers = futures::future::join_all(calls).await;
    let expected: Vec<String> = (0..8).map(|i| format!("call-{i}")).collect();
    assert_eq!(answers, expected);
}

#[tokio::test]
async fn limits_headers_and_missing_functions_are_api_errors() {
    let (server, client) = start().await;
    python(&client, "py-limits", 10, ECHO_PY).await;

    let too_big = client
        .invoke("py-limits")
        .payload(vec![b'x'; 128 * 1024 + 1])
        .asynchronous()
        .send()
        .await
        .expect_err("async payload over 128 KB");
    assert_eq!(too_big.status(), Some(413));
    assert_eq!(code_of(&too_big), "EntityTooLarge");

    let missing = client
        .invoke("nobody")
        .send()
        .await
        .expect_err("no function");
    assert_eq!(missing.status(), Some(404));
    assert_eq!(code_of(&missing), "FunctionNotFound");

    let no_alias = client
        .invoke("py-limits")
        .qualifier("nightly")
        .send()
        .await
        .expect_err("no alias");
    assert_eq!(code_of(&no_alias), "AliasNotFound");
    let no_version = client
        .invoke("py-limits")
        .qualifier("9")
        .send()
        .await
        .expect_err("no version");
    assert_eq!(code_of(&no_version), "VersionNotFound");

    create(
        &client,
        function("java-fn", "java11", 10, &[("Main.java", "class Main {}")]),
    )
    .await;
    for asynchronous in [false, true] {
        let mut call = client.invoke("java-fn");
        if asynchronous {
            call = call.asynchronous();
        }
        let refused = call.send().await.expect_err("unsupported runtime");
        assert_eq!(refused.status(), Some(400));
        assert_eq!(code_of(&refused), "InvalidArgument");
        assert!(refused.message().contains("java11"), "{refused}");
    }

    // Header values fc-client would refuse to send, written by hand.
    let api = support::client_for(&server);
    let path = "/2023-03-30/functions/py-limits/invocations";
    for (header, value) in [
        ("x-fc-invocation-type", "Later"),
        ("x-fc-log-type", "Head"),
        ("x-fc-async-task-id", "9-starts-with-a-digit"),
    ] {
        let mut headers = vec![(header, value)];
        if header == "x-fc-async-task-id" {
            headers.push(("x-fc-invocation-type", "Async"));
        }
        let request =
            api.prepare_with_headers("POST", path, &[], b"{}", SystemTime::now(), &headers);
        let reply = api.send(&request).await;
        assert_eq!(reply.status, 400, "{header}: {value}");
        assert_eq!(reply.code(), "InvalidArgument");
        let message = reply.json()["Message"].as_str().unwrap_or("").to_owned();
        assert!(message.contains(header), "{message}");
    }
}

#[tokio::test]
async fn disabled_invocation_is_refused_until_enabled() {
    let (_server, client) = start().await;
    python(&client, "py-disabled", 10, ECHO_PY).await;
    client
        .disable_function_invocation()
        .function_name("py-disabled")
        .body(DisableFunctionInvocationInput::builder().reason("maintenance".to_owned()))
        .send()
        .await
        .expect("disable");
    for asynchronous in [false, true] {
        let mut call = client.invoke("py-disabled").json(&json!({"name": "x"}));
        if asynchronous {
            call = call.asynchronous();
        }
        let refused = call.send().await.expect_err("disabled");
        assert_eq!(refused.status(), Some(412));
        assert_eq!(code_of(&refused), "PreconditionFailed");
        assert!(refused.message().contains("maintenance"), "{refused}");
    }
    client
        .enable_function_invocation()
        .function_name("py-disabled")
        .send()
        .await
        .expect("enable");
    let value: Value = client
        .invoke_json("py-disabled", &json!({"name": "back"}))
        .await
        .expect("invoke");
    assert_eq!(value["greeting"], "hello back");
}

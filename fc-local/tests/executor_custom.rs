//! custom runtimes: the function's own HTTP server, started from its code package.

mod common;

use std::time::{Duration, Instant};

use common::{executor, json, zip};
use fc_client::FunctionErrorType;
use fc_local::executor::{CustomRuntimeSpec, ExecError, FunctionSpec, InitializerSpec, Invocation};

/// A custom runtime server: echoes the `x-fc-*` headers, counts `/initialize` calls.
const SERVER: &str = r#"#!/usr/bin/env python3
import json, os, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

INITS = 0
open("server.pid", "w").write(str(os.getpid()))

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        global INITS
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/initialize":
            INITS += 1
            print("custom init", flush=True)
            return self.reply(200, b"", {})
        if body == b"sleep":
            time.sleep(30)
        if body == b"fail":
            return self.reply(500, b"custom failure", {"x-fc-status": "404"})
        print("custom invoke", self.headers.get("x-fc-request-id"), flush=True)
        answer = {
            "body": body.decode(),
            "inits": INITS,
            "port": os.environ.get("FC_CUSTOM_LISTEN_PORT"),
            "server_port": os.environ.get("FC_SERVER_PORT"),
            "cwd": os.getcwd(),
            "headers": {k.lower(): v for k, v in self.headers.items() if k.lower().startswith("x-fc-")},
        }
        self.reply(200, json.dumps(answer).encode(), {"x-fc-error-type": "HandledInvocationError"})

    def reply(self, status, data, headers):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

HTTPServer(("0.0.0.0", int(os.environ["FC_CUSTOM_LISTEN_PORT"])), Handler).serve_forever()
"#;

fn spec(name: &str) -> FunctionSpec {
    let code = zip(&[("bootstrap", SERVER, 0o755)]);
    let mut spec = FunctionSpec::new(name, "custom.debian10", "index.handler", code);
    spec.timeout = Duration::from_secs(1);
    spec.initializer = Some(InitializerSpec {
        handler: "true".into(),
        timeout: Duration::from_secs(3),
    });
    spec
}

#[tokio::test]
async fn custom_runtime_gets_the_invoke_protocol() {
    let (executor, _dir) = executor("custom-proto", 1);
    let spec = spec("custom-proto");
    let call = Invocation::new("cr-1", "payload")
        .with_qualifier("LATEST")
        .with_log_tail(true);
    let outcome = executor.invoke(&spec, call).await.expect("invoke");
    assert!(outcome.is_success(), "{outcome:?}");
    let body = json(&outcome.body);
    assert_eq!(body["body"], "payload");
    assert_eq!(body["inits"], 1);
    assert_eq!(body["port"], body["server_port"]);
    assert!(
        body["port"]
            .as_str()
            .is_some_and(|p| p.parse::<u16>().is_ok())
    );
    let headers = &body["headers"];
    assert_eq!(headers["x-fc-request-id"], "cr-1");
    assert_eq!(headers["x-fc-function-name"], "custom-proto");
    assert_eq!(headers["x-fc-function-handler"], "index.handler");
    assert_eq!(headers["x-fc-function-memory"], "128");
    assert_eq!(headers["x-fc-function-timeout"], "1");
    assert_eq!(headers["x-fc-function-initializer"], "true");
    assert_eq!(headers["x-fc-initialization-timeout"], "3");
    assert_eq!(headers["x-fc-region"], "cn-shanghai");
    assert_eq!(headers["x-fc-account-id"], "188000000000");
    assert_eq!(headers["x-fc-access-key-id"], "STS.test-id");
    assert_eq!(headers["x-fc-access-key-secret"], "test-secret");
    assert_eq!(headers["x-fc-security-token"], "test-token");
    assert_eq!(headers["x-fc-qualifier"], "LATEST");
    assert_eq!(headers["x-fc-version-id"], "LATEST");
    assert_eq!(headers["x-fc-control-path"], "/invoke");
    let tail = outcome.log_tail.expect("tail");
    assert!(tail.contains("custom init\ncustom invoke cr-1\n"), "{tail}");

    let again = executor
        .invoke(&spec, Invocation::new("cr-2", ""))
        .await
        .expect("again");
    assert_eq!(
        json(&again.body)["inits"],
        1,
        "initialize once per instance"
    );
    assert_eq!(again.instance_id, outcome.instance_id);

    let failed = executor
        .invoke(&spec, Invocation::new("cr-3", "fail"))
        .await
        .expect("fail");
    assert_eq!(failed.status, 200);
    assert_eq!(failed.error_type, Some(FunctionErrorType::Unhandled));
    assert_eq!(
        &failed.body[..],
        b"custom failure",
        "the body is passed through"
    );
    executor.shutdown();
}

#[tokio::test]
async fn custom_command_timeout_kills_the_whole_process_group() {
    let (executor, _dir) = executor("custom-timeout", 1);
    let mut spec = spec("custom-timeout");
    spec.code_zip = zip(&[
        ("server.py", SERVER, 0o644),
        ("start.sh", "#!/bin/sh\npython3 server.py\n", 0o644),
    ])
    .into();
    spec.code_checksum = "custom-timeout-1".into();
    spec.custom_runtime = Some(CustomRuntimeSpec {
        command: vec!["/bin/sh".into()],
        args: vec!["/code/start.sh".into()],
        port: Some(9000),
    });
    let first = executor
        .invoke(&spec, Invocation::new("ct-0", "hi"))
        .await
        .expect("warm");
    assert!(first.is_success(), "{first:?}");
    let code_dir = json(&first.body)["cwd"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let pid = std::fs::read_to_string(format!("{code_dir}/server.pid")).expect("pid file");

    let started = Instant::now();
    let outcome = executor
        .invoke(&spec, Invocation::new("ct-1", "sleep"))
        .await
        .expect("invoke");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(outcome.error_type, Some(FunctionErrorType::Unhandled));
    assert_eq!(
        json(&outcome.body)["errorMessage"],
        "Function timed out after 1 seconds"
    );
    let proc_entry = format!("/proc/{}", pid.trim());
    let deadline = Instant::now() + Duration::from_secs(2);
    while std::path::Path::new(&proc_entry).exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        !std::path::Path::new(&proc_entry).exists(),
        "the server started by start.sh was killed too"
    );
    let next = executor
        .invoke(&spec, Invocation::new("ct-2", "again"))
        .await
        .expect("next");
    assert!(next.is_success());
    assert_ne!(next.instance_id, outcome.instance_id);
    executor.shutdown();
}

#[tokio::test]
async fn custom_runtime_that_exits_at_start_is_an_executor_error() {
    let (executor, _dir) = executor("custom-exit", 1);
    let code = zip(&[(
        "bootstrap",
        "#!/bin/sh\necho 'cannot start: no config' >&2\nexit 4\n",
        0o755,
    )]);
    let spec = FunctionSpec::new("custom-exit", "custom", "h", code);
    let error = executor
        .invoke(&spec, Invocation::new("ce-1", ""))
        .await
        .expect_err("exits");
    assert!(matches!(error, ExecError::InstanceExited { .. }), "{error}");
    assert!(
        error.to_string().contains("cannot start: no config"),
        "{error}"
    );

    let not_executable = zip(&[("bootstrap", "#!/bin/sh\nexit 0\n", 0o644)]);
    let spec = FunctionSpec::new("custom-noexec", "custom", "h", not_executable);
    let error = executor
        .invoke(&spec, Invocation::new("ce-2", ""))
        .await
        .expect_err("not executable");
    assert!(matches!(error, ExecError::SpawnFailed { .. }), "{error}");
    assert_eq!(
        (error.code().status(), error.code().as_str()),
        (412, "CAFilePermission")
    );
    executor.shutdown();
}

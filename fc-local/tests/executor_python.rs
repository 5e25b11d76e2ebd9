//! python3.x functions through fc-local's Python bootstrap, with real `python3` processes.

mod common;

use std::time::{Duration, Instant};

use common::{executor, json, zip};
use fc_client::FunctionErrorType;
use fc_local::executor::{ExecError, FunctionSpec, InitializerSpec, Invocation};

const INDEX: &str = r#"
import json, os, sys, time

COUNT = 0

def handler(event, context):
    global COUNT
    COUNT += 1
    if event == b"crash":
        os._exit(3)
    if event == b"sleep":
        time.sleep(30)
    if event == b"fail":
        raise ValueError("boom")
    if event == b"long":
        for i in range(200):
            print("line %03d %s" % (i, "x" * 60))
        print("LAST LINE", file=sys.stderr)
        return "done"
    print("hello from python", event.decode())
    return {
        "event": event.decode(),
        "type": type(event).__name__,
        "request_id": context.request_id,
        "name": context.function.name,
        "handler": context.function.handler,
        "memory": context.function.memory,
        "timeout": context.function.timeout,
        "region": context.region,
        "account_id": context.account_id,
        "key_id": context.credentials.access_key_id,
        "token": context.credentials.security_token,
        "qualifier": context.service.qualifier,
        "count": COUNT,
        "env": {k: os.environ.get(k) for k in [
            "MY_VAR", "FC_FUNCTION_NAME", "FC_FUNCTION_HANDLER", "FC_FUNCTION_MEMORY_SIZE",
            "FC_REGION", "FC_ACCOUNT_ID", "FC_INSTANCE_ID", "FC_FUNC_CODE_PATH",
            "FC_SERVER_PORT", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_SECURITY_TOKEN"]},
        "cwd": os.getcwd(),
    }
"#;

fn spec(name: &str) -> FunctionSpec {
    let code = zip(&[("index.py", INDEX, 0o644)]);
    let mut spec = FunctionSpec::new(name, "python3.10", "index.handler", code);
    spec.memory_mb = 256;
    spec.timeout = Duration::from_secs(1);
    spec.env.insert("MY_VAR".into(), "my value".into());
    spec
}

#[tokio::test]
async fn python_handler_sees_event_context_and_env() {
    let (executor, _dir) = executor("py-context", 2);
    let call = Invocation::new("req-py-1", "ping").with_qualifier("prod");
    let outcome = executor
        .invoke(&spec("py-hello"), call)
        .await
        .expect("invoke");
    assert_eq!(outcome.status, 200);
    assert_eq!(outcome.error_type, None);
    let body = json(&outcome.body);
    assert_eq!(body["event"], "ping");
    assert_eq!(body["type"], "bytes");
    assert_eq!(body["request_id"], "req-py-1");
    assert_eq!(body["name"], "py-hello");
    assert_eq!(body["handler"], "index.handler");
    assert_eq!(body["memory"], 256);
    assert_eq!(body["timeout"], 1);
    assert_eq!(body["region"], "cn-shanghai");
    assert_eq!(body["account_id"], "188000000000");
    assert_eq!(body["key_id"], "STS.test-id");
    assert_eq!(body["token"], "test-token");
    assert_eq!(body["qualifier"], "prod");
    let env = &body["env"];
    assert_eq!(env["MY_VAR"], "my value");
    assert_eq!(env["FC_FUNCTION_NAME"], "py-hello");
    assert_eq!(env["FC_FUNCTION_HANDLER"], "index.handler");
    assert_eq!(env["FC_FUNCTION_MEMORY_SIZE"], "256");
    assert_eq!(env["FC_REGION"], "cn-shanghai");
    assert_eq!(env["FC_ACCOUNT_ID"], "188000000000");
    assert_eq!(env["FC_INSTANCE_ID"], outcome.instance_id.as_str());
    assert_eq!(env["FC_FUNC_CODE_PATH"], body["cwd"]);
    assert_eq!(
        env["FC_SERVER_PORT"],
        serde_json::Value::Null,
        "the runtime hides it"
    );
    assert_eq!(env["ALIBABA_CLOUD_ACCESS_KEY_ID"], "STS.test-id");
    assert_eq!(env["ALIBABA_CLOUD_SECURITY_TOKEN"], "test-token");
    let body_text = String::from_utf8_lossy(&outcome.body).into_owned();
    assert!(
        body_text.contains("\n    \""),
        "dicts are indented JSON: {body_text}"
    );
    executor.shutdown();
}

#[tokio::test]
async fn python_warm_instance_is_reused_and_logs_are_kept() {
    let (executor, _dir) = executor("py-warm", 2);
    let spec = spec("py-warm");
    let first = executor
        .invoke(&spec, Invocation::new("w-1", "a").with_log_tail(true))
        .await;
    let second = executor
        .invoke(&spec, Invocation::new("w-2", "b").with_log_tail(true))
        .await;
    let (first, second) = (first.expect("first"), second.expect("second"));
    assert_eq!(first.instance_id, second.instance_id);
    assert_eq!(json(&second.body)["count"], 2, "module globals survive");
    let tail = second.log_tail.expect("tail");
    assert!(
        tail.starts_with("FC Invoke Start RequestId: w-2\n"),
        "{tail}"
    );
    assert!(tail.contains("hello from python b\n"), "{tail}");
    assert!(
        tail.contains("FC Invoke End RequestId: w-2\n\nDuration: "),
        "{tail}"
    );
    assert!(
        !tail.contains("hello from python a"),
        "only this invocation: {tail}"
    );
    let logs = executor.logs("py-warm");
    let line = logs
        .iter()
        .find(|record| record.line == "hello from python a")
        .expect("kept log line");
    assert_eq!(line.request_id.as_deref(), Some("w-1"));
    assert_eq!(line.instance_id, first.instance_id);
    executor.shutdown();
}

#[tokio::test]
async fn python_exception_is_an_unhandled_error() {
    let (executor, _dir) = executor("py-error", 2);
    let spec = spec("py-error");
    let outcome = executor
        .invoke(&spec, Invocation::new("e-1", "fail").with_log_tail(true))
        .await
        .expect("invoke");
    assert_eq!(outcome.status, 200);
    assert_eq!(outcome.error_type, Some(FunctionErrorType::Unhandled));
    let body = json(&outcome.body);
    assert_eq!(body["errorMessage"], "boom");
    assert_eq!(body["errorType"], "ValueError");
    let frame = &body["stackTrace"][0];
    assert!(
        frame[0].as_str().is_some_and(|f| f.ends_with("index.py\"")),
        "{body}"
    );
    assert!(
        frame[3]
            .as_str()
            .is_some_and(|l| l.contains("raise ValueError")),
        "{body}"
    );
    let tail = outcome.log_tail.expect("tail");
    assert!(tail.contains("Traceback"), "{tail}");
    assert!(tail.contains("FC Invoke End RequestId: e-1, Error: Unhandled function error"));
    let next = executor
        .invoke(&spec, Invocation::new("e-2", "ok"))
        .await
        .expect("next");
    assert_eq!(
        next.instance_id, outcome.instance_id,
        "a raised error keeps the instance"
    );
    executor.shutdown();
}

#[tokio::test]
async fn python_load_errors_name_their_type() {
    let (executor, _dir) = executor("py-load", 1);
    let spec = FunctionSpec::new(
        "py-load",
        "python3.9",
        "missing.handler",
        zip(&[("index.py", INDEX, 0o644)]),
    );
    let outcome = executor
        .invoke(&spec, Invocation::new("l-1", ""))
        .await
        .expect("invoke");
    assert_eq!(outcome.error_type, Some(FunctionErrorType::Unhandled));
    assert_eq!(json(&outcome.body)["errorType"], "ImportModuleError");
    let mut other = spec.clone();
    other.handler = "index.nothing".into();
    let outcome = executor
        .invoke(&other, Invocation::new("l-2", ""))
        .await
        .expect("invoke");
    assert_eq!(json(&outcome.body)["errorType"], "HandlerNotFound");
    executor.shutdown();
}

#[tokio::test]
async fn python_crash_is_unhandled_and_the_instance_replaced() {
    let (executor, _dir) = executor("py-crash", 2);
    let spec = spec("py-crash");
    let crashed = executor
        .invoke(&spec, Invocation::new("c-1", "crash").with_log_tail(true))
        .await
        .expect("invoke");
    assert_eq!(crashed.error_type, Some(FunctionErrorType::Unhandled));
    let message = json(&crashed.body)["errorMessage"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(
        message.starts_with("Process exited unexpectedly before completing request"),
        "{message}"
    );
    assert!(executor.instances("py-crash").is_empty());
    let next = executor
        .invoke(&spec, Invocation::new("c-2", "ok"))
        .await
        .expect("next");
    assert!(next.is_success());
    assert_ne!(next.instance_id, crashed.instance_id);
    executor.shutdown();
}

#[tokio::test]
async fn python_timeout_kills_the_instance_and_reports_it() {
    let (executor, _dir) = executor("py-timeout", 2);
    let spec = spec("py-timeout");
    let started = Instant::now();
    let outcome = executor
        .invoke(&spec, Invocation::new("t-1", "sleep").with_log_tail(true))
        .await
        .expect("invoke");
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "took {waited:?}");
    assert!(waited >= Duration::from_secs(1), "took {waited:?}");
    assert_eq!(outcome.status, 200);
    assert_eq!(outcome.error_type, Some(FunctionErrorType::Unhandled));
    assert_eq!(
        json(&outcome.body),
        serde_json::json!({"errorMessage": "Function timed out after 1 seconds"})
    );
    assert!(
        outcome
            .log_tail
            .expect("tail")
            .contains("Function timed out after 1 seconds")
    );
    let next = executor
        .invoke(&spec, Invocation::new("t-2", "ok"))
        .await
        .expect("next");
    assert!(next.is_success());
    assert_ne!(next.instance_id, outcome.instance_id);
    executor.shutdown();
}

#[tokio::test]
async fn python_log_tail_is_the_last_4_kb() {
    let (executor, _dir) = executor("py-tail", 1);
    let outcome = executor
        .invoke(
            &spec("py-tail"),
            Invocation::new("g-1", "long").with_log_tail(true),
        )
        .await
        .expect("invoke");
    assert_eq!(&outcome.body[..], b"done");
    let tail = outcome.log_tail.expect("tail");
    assert!(tail.len() <= 4096, "{} bytes", tail.len());
    assert!(tail.len() > 3000, "{} bytes", tail.len());
    assert!(tail.contains("line 199"), "{tail}");
    assert!(
        tail.contains("LAST LINE\nFC Invoke End RequestId: g-1\n"),
        "{tail}"
    );
    assert!(!tail.contains("line 000"));
    let without = executor
        .invoke(&spec("py-tail"), Invocation::new("g-2", "x"))
        .await
        .expect("invoke");
    assert_eq!(without.log_tail, None);
    executor.shutdown();
}

#[tokio::test]
async fn python_initializer_runs_once_per_instance() {
    let (executor, dir) = executor("py-init", 2);
    let marker = dir.path().join("init-count");
    let code = zip(&[
        (
            "index.py",
            "import os\nINIT = []\n\
             def init(context):\n    INIT.append(context.request_id)\n    \
             open(os.environ['MARKER'], 'a').write('x')\n    print('initializing')\n\
             def handler(event, context):\n    return ','.join(INIT)\n",
            0o644,
        ),
        (
            "bad.py",
            "def init(context):\n    raise RuntimeError('no init')\n",
            0o644,
        ),
    ]);
    let mut spec = FunctionSpec::new("py-init", "python3.12", "index.handler", code);
    spec.env
        .insert("MARKER".into(), marker.display().to_string());
    spec.initializer = Some(InitializerSpec {
        handler: "index.init".into(),
        timeout: Duration::from_secs(5),
    });
    let first = executor
        .invoke(&spec, Invocation::new("i-1", "").with_log_tail(true))
        .await
        .expect("first");
    let second = executor
        .invoke(&spec, Invocation::new("i-2", ""))
        .await
        .expect("second");
    assert_eq!(&first.body[..], b"i-1");
    assert_eq!(
        &second.body[..],
        b"i-1",
        "the initializer ran only for the first call"
    );
    assert_eq!(first.instance_id, second.instance_id);
    assert_eq!(std::fs::read_to_string(&marker).expect("marker"), "x");
    assert!(first.log_tail.expect("tail").contains("initializing"));

    let mut failing = spec.clone();
    failing.name = "py-init-bad".into();
    failing.initializer = Some(InitializerSpec {
        handler: "bad.init".into(),
        timeout: Duration::from_secs(5),
    });
    let outcome = executor
        .invoke(&failing, Invocation::new("i-3", ""))
        .await
        .expect("bad");
    assert_eq!(outcome.status, 200);
    assert_eq!(outcome.error_type, Some(FunctionErrorType::Initialization));
    assert_eq!(json(&outcome.body)["errorMessage"], "no init");
    assert!(
        executor.instances("py-init-bad").is_empty(),
        "a failed instance is dropped"
    );
    executor.shutdown();
}

#[tokio::test]
async fn missing_interpreter_and_bad_runtime_are_executor_errors() {
    let scratch = common::Scratch::new("py-missing");
    let mut config = fc_local::executor::ExecutorConfig::new(scratch.path());
    config.python = "/nonexistent/python3".into();
    let executor = fc_local::executor::Executor::new(config).expect("executor");
    let error = executor
        .invoke(&spec("py-missing"), Invocation::new("m-1", ""))
        .await
        .expect_err("no python");
    assert!(
        matches!(error, ExecError::InterpreterMissing { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("/nonexistent/python3"),
        "{error}"
    );

    let mut java = spec("java");
    java.runtime = "java11".into();
    let error = executor
        .invoke(&java, Invocation::new("m-2", ""))
        .await
        .expect_err("unsupported");
    assert!(
        matches!(error, ExecError::UnsupportedRuntime { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("java11") && error.to_string().contains("nodejs"));

    let mut broken = spec("broken-zip");
    broken.code_zip = bytes::Bytes::from_static(b"not a zip");
    broken.code_checksum = "1".into();
    let error = executor
        .invoke(&broken, Invocation::new("m-3", ""))
        .await
        .expect_err("bad zip");
    assert!(matches!(error, ExecError::CodeRead { .. }), "{error}");
}

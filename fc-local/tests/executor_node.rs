//! nodejs* functions through fc-local's Node.js bootstrap, with real `node` processes.

mod common;

use std::time::Duration;

use common::{executor, json, zip};
use fc_client::FunctionErrorType;
use fc_local::executor::{FunctionSpec, InitializerSpec, Invocation};

const INDEX: &str = r#"
let initialized = 0;
exports.init = async (context) => { initialized += 1; console.log('init', context.requestId); };
exports.handler = async (event, context) => {
  console.log('async handler got', event.toString());
  return {
    event: event.toString(),
    isBuffer: Buffer.isBuffer(event),
    requestId: context.requestId,
    name: context.function.name,
    memory: context.function.memory,
    region: context.region,
    accountId: context.accountId,
    keyId: context.credentials.accessKeyId,
    initialized,
    myVar: process.env.MY_VAR,
    instance: process.env.FC_INSTANCE_ID,
  };
};
exports.cb = (event, context, callback) => {
  const text = event.toString();
  if (text === 'handled') return callback(new Error('nope'));
  if (text === 'handled-text') return callback('plain failure');
  setTimeout(() => callback(null, 'callback says ' + text), 10);
};
exports.thrower = async (event) => { throw new TypeError('bad input ' + event.toString()); };
exports.exiter = (event, context, callback) => { console.error('leaving'); process.exit(7); };
"#;

fn spec(name: &str, handler: &str) -> FunctionSpec {
    let code = zip(&[("index.js", INDEX, 0o644)]);
    let mut spec = FunctionSpec::new(name, "nodejs20", handler, code);
    spec.memory_mb = 512;
    spec.timeout = Duration::from_secs(2);
    spec.env.insert("MY_VAR".into(), "node value".into());
    spec
}

#[tokio::test]
async fn node_async_handler_returns_json_and_sees_context() {
    let (executor, _dir) = executor("node-async", 1);
    let mut spec = spec("node-async", "index.handler");
    spec.initializer = Some(InitializerSpec {
        handler: "index.init".into(),
        timeout: Duration::from_secs(5),
    });
    let outcome = executor
        .invoke(&spec, Invocation::new("n-1", "hi").with_log_tail(true))
        .await
        .expect("invoke");
    assert!(outcome.is_success(), "{:?}", outcome);
    let body = json(&outcome.body);
    assert_eq!(body["event"], "hi");
    assert_eq!(body["isBuffer"], true);
    assert_eq!(body["requestId"], "n-1");
    assert_eq!(body["name"], "node-async");
    assert_eq!(body["memory"], 512);
    assert_eq!(body["region"], "cn-shanghai");
    assert_eq!(body["accountId"], "188000000000");
    assert_eq!(body["keyId"], "STS.test-id");
    assert_eq!(body["initialized"], 1);
    assert_eq!(body["myVar"], "node value");
    assert_eq!(body["instance"], outcome.instance_id.as_str());
    let tail = outcome.log_tail.expect("tail");
    assert!(tail.contains("init n-1\n"), "{tail}");
    assert!(tail.contains("async handler got hi\n"), "{tail}");
    let again = executor
        .invoke(&spec, Invocation::new("n-2", ""))
        .await
        .expect("again");
    assert_eq!(json(&again.body)["initialized"], 1, "initializer ran once");
    assert_eq!(again.instance_id, outcome.instance_id);
    executor.shutdown();
}

#[tokio::test]
async fn node_callback_handler_and_handled_errors() {
    let (executor, _dir) = executor("node-cb", 1);
    let spec = spec("node-cb", "index.cb");
    let ok = executor
        .invoke(&spec, Invocation::new("b-1", "x"))
        .await
        .expect("ok");
    assert!(ok.is_success());
    assert_eq!(&ok.body[..], b"callback says x");

    let handled = executor
        .invoke(&spec, Invocation::new("b-2", "handled").with_log_tail(true))
        .await
        .expect("handled");
    assert_eq!(handled.status, 200);
    assert_eq!(handled.error_type, Some(FunctionErrorType::Handled));
    let body = json(&handled.body);
    assert_eq!(body["errorMessage"], "nope");
    assert_eq!(body["errorType"], "Error");
    assert!(
        body["stackTrace"][0]
            .as_str()
            .is_some_and(|l| l.starts_with("Error: nope"))
    );
    assert!(
        handled
            .log_tail
            .expect("tail")
            .contains("Error: Handled function error")
    );

    let text = executor
        .invoke(&spec, Invocation::new("b-3", "handled-text"))
        .await
        .expect("text");
    assert_eq!(text.error_type, Some(FunctionErrorType::Handled));
    assert_eq!(
        json(&text.body),
        serde_json::json!({"errorMessage": "plain failure", "errorType": "FunctionHandledError"})
    );
    assert_eq!(text.instance_id, ok.instance_id, "errors keep the instance");
    executor.shutdown();
}

#[tokio::test]
async fn node_thrown_errors_are_unhandled() {
    let (executor, _dir) = executor("node-throw", 1);
    let outcome = executor
        .invoke(
            &spec("node-throw", "index.thrower"),
            Invocation::new("t-1", "q"),
        )
        .await
        .expect("invoke");
    assert_eq!(outcome.error_type, Some(FunctionErrorType::Unhandled));
    let body = json(&outcome.body);
    assert_eq!(body["errorMessage"], "bad input q");
    assert_eq!(body["errorType"], "TypeError");
    assert!(body["stackTrace"].is_array());

    let missing = executor
        .invoke(
            &spec("node-missing", "nothere.handler"),
            Invocation::new("t-2", ""),
        )
        .await
        .expect("invoke");
    assert_eq!(missing.error_type, Some(FunctionErrorType::Unhandled));
    assert_eq!(json(&missing.body)["errorType"], "ImportModuleError");
    executor.shutdown();
}

#[tokio::test]
async fn node_process_exit_is_a_crash() {
    let (executor, _dir) = executor("node-exit", 1);
    let spec = spec("node-exit", "index.exiter");
    let outcome = executor
        .invoke(&spec, Invocation::new("x-1", "").with_log_tail(true))
        .await
        .expect("invoke");
    assert_eq!(outcome.error_type, Some(FunctionErrorType::Unhandled));
    let message = json(&outcome.body)["errorMessage"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(message.contains("Process exited unexpectedly"), "{message}");
    assert!(message.contains("exit status: 7"), "{message}");
    let tail = outcome.log_tail.expect("tail");
    assert!(tail.contains("leaving\n"), "{tail}");
    assert!(executor.instances("node-exit").is_empty());
    executor.shutdown();
}

#[tokio::test]
async fn node_es_module_handlers_load_with_import() {
    let (executor, _dir) = executor("node-esm", 1);
    let code = zip(&[(
        "app.mjs",
        "export const handler = async (event, context) => `esm ${event} ${context.function.name}`;\n",
        0o644,
    )]);
    let spec = FunctionSpec::new("node-esm", "nodejs18", "app.handler", code);
    let outcome = executor
        .invoke(&spec, Invocation::new("m-1", "hi"))
        .await
        .expect("invoke");
    assert!(outcome.is_success(), "{outcome:?}");
    assert_eq!(&outcome.body[..], b"esm hi node-esm");
    executor.shutdown();
}

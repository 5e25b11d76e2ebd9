//! Helpers of the invocation tests: an in-process fc-local, a signed fc-client for it, and
//! functions created from a few inline files.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use fc_client::Client;
use fc_client::code::{CodePackage, ZipEntry};
use fc_client::credentials::Credentials;
use fc_client::types::{
    AsyncTask, AsyncTaskStatus, CreateFunctionInput, CreateTriggerInput, Trigger, TriggerType,
};
use fc_local::{FcLocal, FcLocalHandle};

/// A running fc-local and a client signed with its keys.
pub async fn start() -> (FcLocalHandle, Client) {
    let server = FcLocal::new().start().await.expect("start fc-local");
    let client = Client::builder()
        .endpoint(server.endpoint())
        .region(server.region())
        .credentials(Credentials::new(
            server.access_key_id(),
            server.access_key_secret(),
        ))
        .build()
        .expect("client");
    (server, client)
}

/// A ZIP input of `(path, content)` files; `bootstrap` is made executable.
pub fn code(files: &[(&str, &str)]) -> fc_client::types::InputCodeLocation {
    let entries = files.iter().map(|(path, content)| {
        let mode = if *path == "bootstrap" { 0o755 } else { 0o644 };
        ZipEntry::file(*path, content.as_bytes().to_vec(), mode)
    });
    CodePackage::from_entries(entries)
        .expect("zip")
        .into_input()
        .expect("inline code")
}

/// The base of a function: name, runtime, `index.handler`, 128 MB, `timeout` seconds.
pub fn function(
    name: &str,
    runtime: &str,
    timeout: i32,
    files: &[(&str, &str)],
) -> fc_client::types::builder::CreateFunctionInput {
    CreateFunctionInput::builder()
        .function_name(name)
        .runtime(runtime)
        .handler("index.handler")
        .memory_size(128)
        .timeout(timeout)
        .code(code(files))
}

/// Creates the function and waits until it is active.
pub async fn create(client: &Client, input: fc_client::types::builder::CreateFunctionInput) {
    let input: CreateFunctionInput = input.try_into().expect("valid input");
    let name = input.function_name.clone();
    client
        .create_function()
        .body(input)
        .send()
        .await
        .expect("create function");
    client
        .wait_until_function_active(name)
        .wait()
        .await
        .expect("function active");
}

/// A Python function `index.handler` with the given source.
pub async fn python(client: &Client, name: &str, timeout: i32, source: &str) {
    create(
        client,
        function(name, "python3.10", timeout, &[("index.py", source)]),
    )
    .await;
}

/// Invokes `name` synchronously with `payload` and returns its successful answer as text.
pub async fn invoke_text(client: &Client, name: &str, payload: String) -> String {
    client
        .invoke(name)
        .payload(payload)
        .send()
        .await
        .expect("invoke")
        .into_result()
        .await
        .expect("the function succeeds")
        .text()
        .await
        .expect("text")
}

/// Creates the trigger `name` of `trigger_type` on `function` with `config` and returns it.
pub async fn trigger(
    client: &Client,
    function: &str,
    name: &str,
    trigger_type: TriggerType,
    config: serde_json::Value,
) -> Trigger {
    let input: CreateTriggerInput = CreateTriggerInput::builder()
        .trigger_name(name)
        .trigger_type(trigger_type)
        .trigger_config(config.to_string())
        .try_into()
        .expect("trigger input");
    client
        .create_trigger()
        .function_name(function)
        .body(input)
        .send()
        .await
        .expect("create trigger")
        .into_inner()
}

/// The task, read with GetAsyncTask.
pub async fn task(client: &Client, function: &str, task_id: &str) -> AsyncTask {
    client
        .get_async_task()
        .function_name(function)
        .task_id(task_id)
        .send()
        .await
        .expect("get async task")
        .into_inner()
}

/// Polls the task until `done` says so (at most 20 s).
pub async fn wait_task(
    client: &Client,
    function: &str,
    task_id: &str,
    done: impl Fn(&AsyncTask) -> bool,
) -> AsyncTask {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let current = task(client, function, task_id).await;
        if done(&current) {
            return current;
        }
        assert!(
            Instant::now() < deadline,
            "task {task_id} did not get there: {current:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether the task has ended.
pub fn ended(task: &AsyncTask) -> bool {
    matches!(
        task.status,
        Some(
            AsyncTaskStatus::Succeeded
                | AsyncTaskStatus::Failed
                | AsyncTaskStatus::Stopped
                | AsyncTaskStatus::Expired
        )
    )
}

/// The API error code of a failed call.
pub fn code_of(error: &fc_client::Error) -> String {
    error
        .code()
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default()
}

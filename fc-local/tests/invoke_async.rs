//! Asynchronous InvokeFunction through fc-client: tasks, their states and events, retries,
//! ListAsyncTasks, StopAsyncTask and duplicate task ids.

mod client;

use std::time::Duration;

use client::{code_of, ended, python, start, task, wait_task};
use fc_client::types::{AsyncTaskStatus, PutAsyncInvokeConfigInput};

const SOURCE: &str = r#"
import time

def handler(event, context):
    if event == b"fail":
        raise RuntimeError("always fails")
    if event == b"slow":
        time.sleep(30)
    return "done:" + event.decode()
"#;

fn statuses(task: &fc_client::types::AsyncTask) -> Vec<AsyncTaskStatus> {
    task.events
        .iter()
        .filter_map(|e| e.status.clone())
        .collect()
}

#[tokio::test]
async fn async_invocation_runs_as_a_task_that_succeeds() {
    let (server, client) = start().await;
    python(&client, "py-async", 10, SOURCE).await;
    let queued = client
        .invoke("py-async")
        .payload("one")
        .asynchronous()
        .send()
        .await
        .expect("invoke");
    assert_eq!(queued.status(), 202);
    let task_id = queued.async_task_id().expect("task id").to_owned();
    assert_eq!(Some(task_id.as_str()), queued.request_id());
    assert!(queued.text().await.unwrap().is_empty());

    let done = wait_task(&client, "py-async", &task_id, ended).await;
    assert_eq!(done.status, Some(AsyncTaskStatus::Succeeded), "{done:?}");
    assert_eq!(done.return_payload.as_deref(), Some("done:one"));
    assert_eq!(done.qualifier.as_deref(), Some("LATEST"));
    assert_eq!(done.already_retried_times, Some(0));
    assert!(
        done.function_arn
            .as_deref()
            .is_some_and(|arn| arn.ends_with(":functions/py-async"))
    );
    assert!(done.instance_id.is_some() && done.started_time.is_some());
    assert!(done.end_time >= done.started_time);
    assert_eq!(
        statuses(&done),
        [
            AsyncTaskStatus::Enqueued,
            AsyncTaskStatus::Running,
            AsyncTaskStatus::Succeeded
        ]
    );

    let named = client
        .invoke("py-async")
        .payload("two")
        .asynchronous()
        .async_task_id("job-two")
        .send()
        .await
        .expect("invoke");
    assert_eq!(named.async_task_id(), Some("job-two"));
    wait_task(&client, "py-async", "job-two", ended).await;
    let duplicate = client
        .invoke("py-async")
        .asynchronous()
        .async_task_id("job-two")
        .send()
        .await
        .expect_err("duplicate task id");
    assert_eq!(duplicate.status(), Some(409));
    assert_eq!(code_of(&duplicate), "AsyncTaskAlreadyExists");

    let listed = client
        .list_async_tasks()
        .function_name("py-async")
        .include_payload(true)
        .send()
        .await
        .expect("list")
        .into_inner();
    let ids: Vec<&str> = listed
        .tasks
        .iter()
        .filter_map(|t| t.task_id.as_deref())
        .collect();
    assert_eq!(ids, ["job-two", task_id.as_str()], "newest first");
    assert_eq!(listed.tasks[0].task_payload.as_deref(), Some("two"));
    let paged = client
        .list_async_tasks()
        .function_name("py-async")
        .limit(1)
        .prefix("job-")
        .status(AsyncTaskStatus::Succeeded)
        .send()
        .await
        .expect("list")
        .into_inner();
    assert_eq!(paged.tasks.len(), 1);
    assert!(paged.tasks[0].task_payload.is_none());
    assert!(paged.next_token.is_none());

    let missing = client
        .get_async_task()
        .function_name("py-async")
        .task_id("nope")
        .send()
        .await
        .expect_err("missing task");
    assert_eq!(missing.status(), Some(404));
    drop(server);
}

#[tokio::test]
async fn failed_attempts_are_retried_per_the_async_config() {
    let (_server, client) = start().await;
    python(&client, "py-retry", 10, SOURCE).await;
    client
        .put_async_invoke_config()
        .function_name("py-retry")
        .body(PutAsyncInvokeConfigInput::builder().max_async_retry_attempts(1))
        .send()
        .await
        .expect("put async config");
    let queued = client
        .invoke("py-retry")
        .payload("fail")
        .asynchronous()
        .async_task_id("failing")
        .send()
        .await
        .expect("invoke");
    assert_eq!(queued.status(), 202);
    let failed = wait_task(&client, "py-retry", "failing", ended).await;
    assert_eq!(failed.status, Some(AsyncTaskStatus::Failed), "{failed:?}");
    assert_eq!(failed.already_retried_times, Some(1));
    assert_eq!(
        failed.task_error_message.as_deref(),
        Some("UnhandledInvocationError")
    );
    assert!(
        failed
            .return_payload
            .as_deref()
            .is_some_and(|p| p.contains("always fails"))
    );
    assert_eq!(
        statuses(&failed),
        [
            AsyncTaskStatus::Enqueued,
            AsyncTaskStatus::Running,
            AsyncTaskStatus::Retrying,
            AsyncTaskStatus::Running,
            AsyncTaskStatus::Failed
        ]
    );
}

#[tokio::test]
async fn a_running_task_can_be_stopped_once() {
    let (server, client) = start().await;
    python(&client, "py-stop", 60, SOURCE).await;
    client
        .invoke("py-stop")
        .payload("slow")
        .asynchronous()
        .async_task_id("long-job")
        .send()
        .await
        .expect("invoke");
    wait_task(&client, "py-stop", "long-job", |t| {
        t.status == Some(AsyncTaskStatus::Running)
    })
    .await;
    // The instance exists while the task runs.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.executor().instances("py-stop").is_empty() {
        assert!(std::time::Instant::now() < deadline, "no instance started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    client
        .stop_async_task()
        .function_name("py-stop")
        .task_id("long-job")
        .send()
        .await
        .expect("stop");
    let stopped = task(&client, "py-stop", "long-job").await;
    assert_eq!(stopped.status, Some(AsyncTaskStatus::Stopped));
    assert!(stopped.end_time.is_some());
    let again = client
        .stop_async_task()
        .function_name("py-stop")
        .task_id("long-job")
        .send()
        .await
        .expect_err("already stopped");
    assert_eq!(again.status(), Some(412));
    assert_eq!(code_of(&again), "AsyncInvocationStopped");
    // Stopping cancels the invocation, which kills the instance it ran on.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !server.executor().instances("py-stop").is_empty() {
        assert!(std::time::Instant::now() < deadline, "instance still alive");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // It stays stopped.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let later = task(&client, "py-stop", "long-job").await;
    assert_eq!(later.status, Some(AsyncTaskStatus::Stopped));

    let value = client
        .invoke("py-stop")
        .payload("after")
        .send()
        .await
        .expect("invoke")
        .text()
        .await
        .unwrap();
    assert_eq!(value, "done:after");
}

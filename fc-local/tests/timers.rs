//! Timer triggers fire on schedule as asynchronous invocations with the timer event, visible as
//! async tasks and in the function's logs.

mod client;

use std::time::{Duration, Instant};

use client::{python, start, trigger};
use fc_client::types::{AsyncTaskStatus, TriggerType};
use serde_json::json;

#[tokio::test]
async fn a_timer_trigger_fires_within_a_bounded_wait() {
    let (server, client) = start().await;
    python(
        &client,
        "ticker",
        10,
        r#"
import json

def handler(event, context):
    e = json.loads(event)
    print("timer event", e["triggerName"], e["payload"], e["triggerTime"])
    return "ok"
"#,
    )
    .await;
    trigger(
        &client,
        "ticker",
        "every-second",
        TriggerType::Timer,
        json!({"cronExpression": "@every 1s", "enable": true, "payload": "tick"}),
    )
    .await;

    let deadline = Instant::now() + Duration::from_secs(20);
    let task = loop {
        let tasks = client
            .list_async_tasks()
            .function_name("ticker")
            .include_payload(true)
            .send()
            .await
            .expect("list async tasks")
            .into_inner()
            .tasks;
        if let Some(done) = tasks
            .into_iter()
            .find(|t| t.status == Some(AsyncTaskStatus::Succeeded))
        {
            break done;
        }
        assert!(Instant::now() < deadline, "no firing succeeded within 20 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let event: serde_json::Value =
        serde_json::from_str(task.task_payload.as_deref().expect("the event")).expect("json");
    assert_eq!(event["triggerName"], "every-second");
    assert_eq!(event["payload"], "tick");
    assert!(
        event["triggerTime"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{event}"
    );
    let logs = server.executor().logs("ticker");
    assert!(
        logs.iter()
            .any(|record| record.line.contains("timer event every-second tick")),
        "{logs:?}"
    );
}

#[tokio::test]
async fn a_disabled_timer_does_not_fire() {
    let (_server, client) = start().await;
    python(&client, "idle", 10, "def handler(e, c):\n    return 'ok'\n").await;
    trigger(
        &client,
        "idle",
        "off",
        TriggerType::Timer,
        json!({"cronExpression": "@every 1s", "enable": false}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let tasks = client
        .list_async_tasks()
        .function_name("idle")
        .send()
        .await
        .expect("list async tasks")
        .into_inner()
        .tasks;
    assert!(tasks.is_empty(), "{tasks:?}");
}

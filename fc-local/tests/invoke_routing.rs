//! Which code an invocation runs: versions, aliases and their weights; ListInstances;
//! DeleteFunction discarding instances; tasks kept across a restart.

mod client;

use std::collections::BTreeMap;
use std::time::Duration;

use client::{code, ended, python, start, wait_task};
use fc_client::Client;
use fc_client::types::{
    AsyncTaskStatus, CreateAliasInput, PublishVersionInput, UpdateAliasInput, UpdateFunctionInput,
};

fn source(answer: &str) -> String {
    format!("def handler(event, context):\n    return '{answer}'\n")
}

async fn publish(client: &Client, name: &str) -> String {
    client
        .publish_function_version()
        .function_name(name)
        .body(PublishVersionInput::builder())
        .send()
        .await
        .expect("publish")
        .into_inner()
        .version_id
        .expect("version id")
}

async fn set_code(client: &Client, name: &str, answer: &str) {
    client
        .update_function()
        .function_name(name)
        .body(UpdateFunctionInput::builder().code(code(&[("index.py", &source(answer))])))
        .send()
        .await
        .expect("update code");
}

/// The bodies of `n` calls of `name` at `qualifier`, with the version header of each.
async fn bodies(client: &Client, name: &str, qualifier: &str, n: usize) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for _ in 0..n {
        let output = client
            .invoke(name)
            .qualifier(qualifier)
            .send()
            .await
            .expect("invoke");
        let version = output.code_version().unwrap_or_default().to_owned();
        seen.push((output.text().await.expect("text"), version));
    }
    seen
}

fn weights(version: &str, weight: f64) -> BTreeMap<String, f64> {
    BTreeMap::from([(version.to_owned(), weight)])
}

#[tokio::test]
async fn versions_and_alias_weights_pick_the_code() {
    let (_server, client) = start().await;
    python(&client, "py-routes", 10, &source("one")).await;
    assert_eq!(publish(&client, "py-routes").await, "1");
    set_code(&client, "py-routes", "two").await;
    assert_eq!(publish(&client, "py-routes").await, "2");
    set_code(&client, "py-routes", "latest").await;

    let one = ("one".to_owned(), "1".to_owned());
    let two = ("two".to_owned(), "2".to_owned());
    assert_eq!(bodies(&client, "py-routes", "1", 1).await[0], one);
    assert_eq!(bodies(&client, "py-routes", "2", 1).await[0], two);
    assert_eq!(
        bodies(&client, "py-routes", "LATEST", 1).await,
        [("latest".to_owned(), "LATEST".to_owned())]
    );

    client
        .create_alias()
        .function_name("py-routes")
        .body(
            CreateAliasInput::builder()
                .alias_name("canary")
                .version_id("1".to_owned())
                .additional_version_weight(weights("2", 0.0)),
        )
        .send()
        .await
        .expect("create alias");
    let output = client
        .invoke("py-routes")
        .qualifier("canary")
        .send()
        .await
        .expect("invoke");
    assert_eq!(
        output
            .headers()
            .get("x-fc-invocation-service-version")
            .and_then(|v| v.to_str().ok()),
        Some("canary")
    );
    assert!(
        bodies(&client, "py-routes", "canary", 12)
            .await
            .iter()
            .all(|seen| *seen == one)
    );

    for (weight, expected) in [(1.0, &two), (0.0, &one)] {
        client
            .update_alias()
            .function_name("py-routes")
            .alias_name("canary")
            .body(UpdateAliasInput::builder().additional_version_weight(weights("2", weight)))
            .send()
            .await
            .expect("update alias");
        let seen = bodies(&client, "py-routes", "canary", 12).await;
        assert!(seen.iter().all(|s| s == expected), "{weight}: {seen:?}");
    }

    client
        .update_alias()
        .function_name("py-routes")
        .alias_name("canary")
        .body(UpdateAliasInput::builder().additional_version_weight(weights("2", 0.5)))
        .send()
        .await
        .expect("update alias");
    let seen = bodies(&client, "py-routes", "canary", 40).await;
    let to_two = seen.iter().filter(|s| **s == two).count();
    assert!(
        (3..=37).contains(&to_two),
        "{to_two} of 40 went to version 2"
    );
}

#[tokio::test]
async fn instances_are_listed_and_discarded_with_the_function() {
    let (server, client) = start().await;
    python(&client, "py-instances", 10, &source("hi")).await;
    let empty = client
        .list_instances()
        .function_name("py-instances")
        .send()
        .await
        .expect("list")
        .into_inner();
    assert!(empty.instances.is_empty());
    let output = client.invoke("py-instances").send().await.expect("invoke");
    let instance_id = output.instance_id().expect("instance id").to_owned();
    let listed = client
        .list_instances()
        .function_name("py-instances")
        .send()
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.instances.len(), 1);
    let instance = &listed.instances[0];
    assert_eq!(instance.instance_id.as_deref(), Some(instance_id.as_str()));
    assert_eq!(instance.version_id.as_deref(), Some("0"));
    assert_eq!(instance.qualifier.as_deref(), Some("LATEST"));
    assert_eq!(
        instance.status,
        Some(fc_client::types::InstanceStatus::Running)
    );

    client
        .delete_function()
        .function_name("py-instances")
        .send()
        .await
        .expect("delete");
    assert!(server.executor().instances("py-instances").is_empty());
    let gone = client
        .list_instances()
        .function_name("py-instances")
        .send()
        .await
        .expect_err("function deleted");
    assert_eq!(gone.status(), Some(404));
}

#[tokio::test]
async fn finished_tasks_survive_a_restart_and_unfinished_ones_become_invalid() {
    let dir = std::env::temp_dir().join(format!("fc-local-invoke-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let start_at = |dir: std::path::PathBuf| async move {
        let server = fc_local::FcLocal::new()
            .data_dir(dir)
            .start()
            .await
            .expect("start");
        let client = Client::builder()
            .endpoint(server.endpoint())
            .region(server.region())
            .credentials(fc_client::credentials::Credentials::new(
                server.access_key_id(),
                server.access_key_secret(),
            ))
            .build()
            .expect("client");
        (server, client)
    };
    let source = "import time\n\ndef handler(event, context):\n    if event == b'slow':\n        time.sleep(30)\n    return 'kept'\n";
    {
        let (server, client) = start_at(dir.clone()).await;
        python(&client, "py-kept", 60, source).await;
        for (id, payload) in [("quick", "x"), ("slow", "slow")] {
            client
                .invoke("py-kept")
                .payload(payload)
                .asynchronous()
                .async_task_id(id)
                .send()
                .await
                .expect("invoke");
        }
        wait_task(&client, "py-kept", "quick", ended).await;
        wait_task(&client, "py-kept", "slow", |t| {
            t.status == Some(AsyncTaskStatus::Running)
        })
        .await;
        server.shutdown().await;
    }
    let (server, client) = start_at(dir.clone()).await;
    let quick = client::task(&client, "py-kept", "quick").await;
    assert_eq!(quick.status, Some(AsyncTaskStatus::Succeeded));
    assert_eq!(quick.return_payload.as_deref(), Some("kept"));
    let slow = client::task(&client, "py-kept", "slow").await;
    assert_eq!(slow.status, Some(AsyncTaskStatus::Invalid));
    assert!(slow.task_error_message.is_some());
    server.shutdown().await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    let _ = std::fs::remove_dir_all(&dir);
}

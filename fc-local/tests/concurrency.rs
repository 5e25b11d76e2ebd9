//! Many concurrent clients on a real socket: no lost update, no duplicate id, no torn page.

mod support;

use std::collections::BTreeSet;

use fc_test_support::raw_client::EMPTY_ZIP_B64;
use serde_json::json;
use support::{Api, client_for, temp_dir};

const TASKS: usize = 16;

async fn publish_concurrently(api: &Api, per_task: usize) -> Vec<u64> {
    let mut joins = Vec::new();
    for t in 0..TASKS {
        let api = api.clone();
        joins.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..per_task {
                let reply = api
                    .call(
                        "POST",
                        "/2023-03-30/functions/hot/versions",
                        &[],
                        Some(json!({"description": format!("{t}-{i}")})),
                    )
                    .await;
                assert_eq!(reply.status, 200, "{:?}", reply.json());
                ids.push(
                    reply.json()["versionId"]
                        .as_str()
                        .unwrap()
                        .parse::<u64>()
                        .unwrap(),
                );
            }
            ids
        }));
    }
    let mut all = Vec::new();
    for join in joins {
        all.extend(join.await.unwrap());
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_publishes_get_unique_consecutive_ids() {
    for dir in [None, Some(temp_dir("concurrency"))] {
        let mut builder = fc_local::FcLocal::new();
        if let Some(dir) = &dir {
            builder = builder.data_dir(dir);
        }
        let server = builder.start().await.unwrap();
        let api = client_for(&server);
        api.create_function("hot").await;
        let ids = publish_concurrently(&api, 4).await;
        let unique: BTreeSet<u64> = ids.iter().copied().collect();
        assert_eq!(unique.len(), TASKS * 4, "duplicate ids: {ids:?}");
        assert_eq!(unique, (1..=(TASKS * 4) as u64).collect());
        let listed = api
            .call(
                "GET",
                "/2023-03-30/functions/hot/versions",
                &[("limit", "100")],
                None,
            )
            .await
            .json();
        assert_eq!(listed["versions"].as_array().unwrap().len(), TASKS * 4);
        server.shutdown().await;
        if let Some(dir) = dir {
            std::fs::remove_dir_all(dir).ok();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_name_have_one_winner() {
    let server = fc_local::FcLocal::new().start().await.unwrap();
    let api = client_for(&server);
    let mut joins = Vec::new();
    for _ in 0..TASKS {
        let api = api.clone();
        joins.push(tokio::spawn(async move {
            api.call(
                "POST",
                "/2023-03-30/functions",
                &[],
                Some(json!({"functionName": "race",
                "runtime": "python3.10", "handler": "i.h",
                "code": {"zipFile": EMPTY_ZIP_B64}})),
            )
            .await
        }));
    }
    let mut statuses = Vec::new();
    for join in joins {
        let reply = join.await.unwrap();
        if reply.status != 200 {
            assert_eq!(reply.code(), "FunctionAlreadyExists");
        }
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_partial_updates_of_one_function_are_not_lost() {
    let server = fc_local::FcLocal::new().start().await.unwrap();
    let api = client_for(&server);
    api.create_function("shared").await;
    let changes = [
        ("description", json!("changed")),
        ("timeout", json!(99)),
        ("memorySize", json!(1024)),
        ("instanceConcurrency", json!(7)),
        ("diskSize", json!(10240)),
        ("role", json!("acs:ram::1:role/r")),
        ("internetAccess", json!(false)),
        ("environmentVariables", json!({"K": "v"})),
    ];
    let mut joins = Vec::new();
    for t in 0..TASKS {
        let api = api.clone();
        let (field, value) = changes[t % changes.len()].clone();
        joins.push(tokio::spawn(async move {
            let reply = api
                .call(
                    "PUT",
                    "/2023-03-30/functions/shared",
                    &[],
                    Some(json!({ field: value })),
                )
                .await;
            assert_eq!(reply.status, 200, "{:?}", reply.json());
        }));
    }
    for join in joins {
        join.await.unwrap();
    }
    let f = api
        .call("GET", "/2023-03-30/functions/shared", &[], None)
        .await
        .json();
    for (field, value) in changes {
        assert_eq!(f[field], value, "{field} was lost");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn list_pages_are_whole_while_functions_are_created() {
    let server = fc_local::FcLocal::new().start().await.unwrap();
    let api = client_for(&server);
    let mut joins = Vec::new();
    for t in 0..TASKS {
        let api = api.clone();
        joins.push(tokio::spawn(async move {
            for i in 0..3 {
                api.create_function(&format!("f{t:02}-{i}")).await;
                let page = api
                    .call("GET", "/2023-03-30/functions", &[("limit", "100")], None)
                    .await
                    .json();
                let functions = page["functions"].as_array().unwrap();
                let names: Vec<&str> = functions
                    .iter()
                    .map(|f| f["functionName"].as_str().unwrap())
                    .collect();
                let mut sorted = names.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(names, sorted, "a page is sorted and has no duplicates");
                assert!(
                    names.contains(&format!("f{t:02}-{i}").as_str()),
                    "own write visible"
                );
                assert!(functions.iter().all(|f| f["handler"] == "index.handler"));
            }
        }));
    }
    for join in joins {
        join.await.unwrap();
    }
    let page = api
        .call("GET", "/2023-03-30/functions", &[("limit", "100")], None)
        .await
        .json();
    assert_eq!(page["functions"].as_array().unwrap().len(), TASKS * 3);
}

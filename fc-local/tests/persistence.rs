//! With a data directory, state and code survive a restart.

mod support;

use serde_json::json;
use support::{client_for, temp_dir};

#[tokio::test]
async fn state_survives_restart_with_data_dir() {
    let dir = temp_dir("restart");
    let first = fc_local::FcLocal::new()
        .data_dir(&dir)
        .start()
        .await
        .unwrap();
    let api = client_for(&first);
    let created = api.create_function("keep").await;
    let checksum = created["codeChecksum"].as_str().unwrap().to_owned();
    api.call(
        "POST",
        "/2023-03-30/functions/keep/versions",
        &[],
        Some(json!({"description": "v1"})),
    )
    .await;
    api.call(
        "POST",
        "/2023-03-30/functions/keep/aliases",
        &[],
        Some(json!({"aliasName": "prod", "versionId": "1"})),
    )
    .await;
    first.shutdown().await;
    assert!(dir.join("fc-local.db").is_file());
    assert!(dir.join("code").join(format!("{checksum}.zip")).is_file());

    let second = fc_local::FcLocal::new()
        .data_dir(&dir)
        .start()
        .await
        .unwrap();
    let api = client_for(&second);
    let got = api
        .call("GET", "/2023-03-30/functions/keep", &[], None)
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), created);
    let alias = api
        .call("GET", "/2023-03-30/functions/keep/aliases/prod", &[], None)
        .await;
    assert_eq!(alias.json()["versionId"], "1");
    // The version counter persisted too: the next version is 2.
    let next = api
        .call(
            "POST",
            "/2023-03-30/functions/keep/versions",
            &[],
            Some(json!({})),
        )
        .await;
    assert_eq!(next.json()["versionId"], "2");
    // And the code can still be downloaded.
    let code = api
        .call("GET", "/2023-03-30/functions/keep/code", &[], None)
        .await
        .json();
    assert_eq!(code["checksum"], checksum);
    let bytes = second.store().code(&checksum).await.unwrap().unwrap();
    assert!(bytes.starts_with(b"PK"));
    second.shutdown().await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn memory_mode_starts_empty_each_time() {
    let first = fc_local::FcLocal::new().start().await.unwrap();
    client_for(&first).create_function("temp").await;
    first.shutdown().await;
    let second = fc_local::FcLocal::new().start().await.unwrap();
    let reply = client_for(&second)
        .call("GET", "/2023-03-30/functions/temp", &[], None)
        .await;
    assert_eq!(reply.code(), "FunctionNotFound");
}

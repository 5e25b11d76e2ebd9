//! Every operation of the spec is routed; unknown routes, oversize bodies and non-emulated
//! operations get FC-shaped errors with a request id.

mod support;

use fc_test_support::raw_client::send_raw;
use support::client_for;

/// The spec path with every `{param}` filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { "x1" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_operation_is_emulated_or_answers_501_naming_it() {
    let (server, api) = support::start().await;
    let emulated = fc_local::api::emulated_actions();
    let table: Vec<&str> = fc_models::API
        .operations
        .iter()
        .map(|op| op.action)
        .collect();
    for action in &emulated {
        assert!(
            table.contains(action),
            "emulated_actions() names {action}, which is not in fc_models::API"
        );
    }
    let mut not_implemented = Vec::new();
    for op in fc_models::API.operations {
        let body = if op.method == "GET" || op.method == "DELETE" {
            None
        } else {
            Some(serde_json::json!({}))
        };
        let reply = api.call(op.method, &concrete(op.path), &[], body).await;
        // Routed: an unrouted operation would be a 404 PathNotSupported.
        assert_ne!(
            reply.code(),
            "PathNotSupported",
            "{} is not routed",
            op.action
        );
        assert!(reply.header("x-fc-request-id").is_some(), "{}", op.action);
        if emulated.contains(&op.action) {
            assert_ne!(reply.status, 501, "{} is emulated", op.action);
            assert!(reply.status < 500, "{}: {}", op.action, reply.status);
        } else {
            not_implemented.push(op.action);
            assert_eq!(reply.status, 501, "{}", op.action);
            assert_eq!(reply.code(), "NotImplemented", "{}", op.action);
            let message = reply.json()["Message"].as_str().unwrap().to_owned();
            assert!(message.contains(op.action), "{}: {message}", op.action);
            assert!(reply.json()["RequestId"].is_string());
        }
    }
    // Each operation is either emulated or a 501, never both or neither.
    assert_eq!(
        emulated.len() + not_implemented.len(),
        fc_models::API.operations.len(),
        "emulated: {emulated:?}; answering 501: {not_implemented:?}"
    );
    drop(server);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_fc_shaped_404s() {
    let (_server, api) = support::start().await;
    for (method, path) in [
        ("GET", "/nope"),
        ("PATCH", "/2023-03-30/functions"),
        ("GET", "/2023-03-30/functions/a/b/c/d"),
    ] {
        let reply = api.call(method, path, &[], None).await;
        assert_eq!(reply.status, 404, "{method} {path}");
        assert_eq!(reply.code(), "PathNotSupported");
        assert_eq!(
            reply.header("x-fc-request-id"),
            reply.json()["RequestId"].as_str()
        );
    }
}

#[tokio::test]
async fn request_ids_differ_and_are_on_success_too() {
    let (_server, api) = support::start().await;
    let a = api.call("GET", "/2023-03-30/functions", &[], None).await;
    let b = api.call("GET", "/2023-03-30/functions", &[], None).await;
    assert_eq!(a.status, 200);
    assert_ne!(a.header("x-fc-request-id"), b.header("x-fc-request-id"));
}

#[tokio::test]
async fn oversize_bodies_get_413_entity_too_large() {
    let server = fc_local::FcLocal::new()
        .max_body_bytes(1024)
        .start()
        .await
        .unwrap();
    let api = client_for(&server);
    let big = vec![b' '; 2048];
    // Declared length over the limit: refused before the body is read.
    let reply = api
        .send(&api.prepare("POST", "/2023-03-30/functions", &[], &big))
        .await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (413, "EntityTooLarge")
    );
    assert!(reply.header("x-fc-request-id").is_some());
    // A chunked body without a length is cut off at the limit as well.
    let chunk = "a".repeat(2000);
    let raw = format!(
        "POST /2023-03-30/functions HTTP/1.1\r\nhost: localhost\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    let reply = send_raw(server.addr(), raw.as_bytes()).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (413, "EntityTooLarge")
    );
}

#[tokio::test]
async fn oversize_code_packages_get_413() {
    let server = fc_local::FcLocal::new()
        .max_code_bytes(16)
        .start()
        .await
        .unwrap();
    let api = client_for(&server);
    use base64::Engine;
    let zip = [b"PK\x03\x04".as_slice(), &[0u8; 64]].concat();
    let body = serde_json::json!({"functionName": "big", "runtime": "python3.10", "handler": "i.h",
        "code": {"zipFile": base64::engine::general_purpose::STANDARD.encode(zip)}});
    let reply = api
        .call("POST", "/2023-03-30/functions", &[], Some(body))
        .await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (413, "EntityTooLarge")
    );
}

#[test]
fn default_body_limit_fits_a_100_mib_package() {
    let limit = fc_local::config::MAX_BODY_BYTES;
    assert!(limit > 100 * 1024 * 1024 / 3 * 4);
    assert!(limit < 140 * 1024 * 1024);
}

//! Signature checks over a real socket: good requests pass, tampered ones are rejected.

mod support;

use std::time::{Duration, SystemTime};

use support::{Api, start};

const LIST: &str = "/2023-03-30/functions";

#[tokio::test]
async fn a_correctly_signed_request_passes() {
    let (_server, api) = start().await;
    let reply = api
        .call("GET", LIST, &[("prefix", "a b"), ("limit", "5")], None)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    assert_eq!(reply.json()["functions"], serde_json::json!([]));
}

#[tokio::test]
async fn the_query_may_use_plus_for_spaces() {
    let (_server, api) = start().await;
    let mut prepared = api.prepare("GET", LIST, &[("prefix", "a b")], b"");
    assert_eq!(prepared.query, "prefix=a%20b");
    prepared.query = "prefix=a+b".to_owned();
    assert_eq!(api.send(&prepared).await.status, 200);
}

#[tokio::test]
async fn unsigned_requests_are_denied() {
    let (_server, api) = start().await;
    let unsigned = Api { sign: false, ..api };
    let reply = unsigned.call("GET", LIST, &[], None).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.code(), "AccessDenied");
    assert!(reply.header("x-fc-request-id").is_some());
}

#[tokio::test]
async fn unknown_access_key_is_rejected() {
    let (_server, api) = start().await;
    let stranger = Api {
        key_id: "LTAIsomeoneelse".to_owned(),
        ..api
    };
    let reply = stranger.call("GET", LIST, &[], None).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (403, "InvalidAccessKeyID")
    );
}

#[tokio::test]
async fn wrong_secret_is_a_signature_mismatch() {
    let (_server, api) = start().await;
    let wrong = Api {
        secret: "not-the-secret".to_owned(),
        ..api
    };
    let reply = wrong.call("GET", LIST, &[], None).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (403, "SignatureNotMatch")
    );
}

#[tokio::test]
async fn tampered_path_query_header_and_body_are_rejected() {
    let (_server, api) = start().await;
    let body = br#"{"functionName":"f","runtime":"python3.10","handler":"i.h"}"#;
    let base = api.prepare("POST", LIST, &[("a", "1")], body);

    let mut path = base.clone();
    path.path = "/2023-03-30/functions/f".to_owned();
    let mut query = base.clone();
    query.query = "a=2".to_owned();
    let mut header = base.clone();
    header.set_header("x-acs-version", "2021-04-06");
    let mut missing = base.clone();
    missing.remove_header("x-acs-signature-nonce");
    let mut body_changed = base.clone();
    body_changed.body = br#"{"functionName":"g","runtime":"python3.10","handler":"i.h"}"#.to_vec();
    let mut hash_and_body = body_changed.clone();
    hash_and_body.set_header(
        "x-acs-content-sha256",
        &fc_client::signing::hash_payload(&hash_and_body.body),
    );

    for (label, request) in [
        ("path", path),
        ("query", query),
        ("signed header", header),
        ("missing signed header", missing),
        ("body", body_changed),
        ("body and its hash", hash_and_body),
    ] {
        let reply = api.send(&request).await;
        assert_eq!(reply.status, 403, "{label}: {:?}", reply.json());
        assert_eq!(reply.code(), "SignatureNotMatch", "{label}");
    }
    // The untouched request still goes through (and is refused only for its content).
    assert_eq!(api.send(&base).await.code(), "InvalidArgument");
}

#[tokio::test]
async fn stale_and_future_dates_are_rejected() {
    let (_server, api) = start().await;
    let now = SystemTime::now();
    for when in [
        now - Duration::from_secs(16 * 60),
        now + Duration::from_secs(16 * 60),
    ] {
        let reply = api.send(&api.prepare_at("GET", LIST, &[], b"", when)).await;
        assert_eq!((reply.status, reply.code().as_str()), (403, "AccessDenied"));
        assert!(
            reply.json()["Message"]
                .as_str()
                .unwrap()
                .contains("15 minutes")
        );
    }
    let near = now - Duration::from_secs(10 * 60);
    assert_eq!(
        api.send(&api.prepare_at("GET", LIST, &[], b"", near))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn missing_date_is_a_missing_header() {
    let (_server, api) = start().await;
    let mut request = api.prepare("GET", LIST, &[], b"");
    request.remove_header("x-acs-date");
    let reply = api.send(&request).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (400, "MissingRequiredHeader")
    );
}

#[tokio::test]
async fn no_auth_mode_accepts_unsigned_requests() {
    let server = fc_local::FcLocal::new().auth(false).start().await.unwrap();
    let api = Api {
        sign: false,
        ..support::client_for(&server)
    };
    assert_eq!(api.call("GET", LIST, &[], None).await.status, 200);
}

#[tokio::test]
async fn unsigned_fc_and_acs_headers_on_a_signed_request_are_refused_by_name() {
    let (_server, api) = start().await;
    for (name, value) in [
        ("x-fc-log-type", "Tail"),
        ("x-fc-invocation-type", "Async"),
        ("x-acs-extra", "1"),
    ] {
        let mut request = api.prepare("GET", LIST, &[], b"");
        request.set_header(name, value);
        let reply = api.send(&request).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (403, "SignatureNotMatch"),
            "{name}"
        );
        let message = reply.json()["Message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains(name), "the answer names {name}: {message}");
    }
}

/// Signs only `x-acs-date`: the rest of the request (host, action, body hash) is not covered.
fn date_only(
    request: &mut fc_test_support::raw_client::Prepared,
    signing: &fc_test_support::raw_client::Signing<'_>,
) {
    support::sign_only(request, signing, |name| name == "x-acs-date");
}

#[tokio::test]
async fn a_signature_over_the_date_alone_is_refused() {
    let (server, _api) = start().await;
    let partial = fc_test_support::raw_client::RawClient::new(
        server.addr(),
        server.access_key_id(),
        server.access_key_secret(),
        date_only,
    );
    let reply = partial.call("GET", LIST, &[], None).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (403, "SignatureNotMatch"),
        "{:?}",
        reply.json()
    );
}

#[tokio::test]
async fn a_replayed_request_is_refused_with_signature_nonce_used() {
    let (_server, api) = start().await;
    let list = api.prepare("GET", LIST, &[], b"");
    let first = api.send(&list).await;
    assert_eq!(first.status, 200, "{:?}", first.json());
    let again = api.send(&list).await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (403, "SignatureNonceUsed"),
        "{:?}",
        again.json()
    );

    api.create_function("once").await;
    let delete = api.prepare("DELETE", &format!("{LIST}/once"), &[], b"");
    let deleted = api.send(&delete).await.status;
    assert!(matches!(deleted, 200 | 204), "{deleted}");
    let replayed = api.send(&delete).await;
    assert_eq!(
        replayed.code(),
        "SignatureNonceUsed",
        "not FunctionNotFound: the replay never reached the handler"
    );
}

#[tokio::test]
async fn a_repeated_query_key_is_refused() {
    let (_server, api) = start().await;
    let reply = api
        .call("GET", LIST, &[("prefix", "zzz"), ("prefix", "auth")], None)
        .await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (400, "InvalidArgument"),
        "{:?}",
        reply.json()
    );
    assert!(
        reply.json()["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("prefix")
    );
}

/// Signs as the official Node.js SDK's `@alicloud/openapi-util` does: only `host`,
/// `content-type` and the `x-acs-*` headers, whatever else the request carries.
fn node_style(
    request: &mut fc_test_support::raw_client::Prepared,
    signing: &fc_test_support::raw_client::Signing<'_>,
) {
    support::sign_only(request, signing, |name| {
        name == "host" || name == "content-type" || name.starts_with("x-acs-")
    });
}

#[tokio::test]
async fn the_node_sdks_signature_is_accepted_with_its_unsigned_fc_headers() {
    let (server, _api) = start().await;
    let node = fc_test_support::raw_client::RawClient::new(
        server.addr(),
        server.access_key_id(),
        server.access_key_secret(),
        node_style,
    );
    let request = node.prepare_with_headers(
        "GET",
        LIST,
        &[],
        b"",
        SystemTime::now(),
        &[("x-fc-trace-id", "t-1")],
    );
    let reply = node.send(&request).await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());

    // Its host and x-acs-* headers are signed; one added unsigned is still refused.
    let mut tampered = node.prepare("GET", LIST, &[], b"");
    tampered.set_header("x-acs-extra", "1");
    let reply = node.send(&tampered).await;
    assert_eq!(reply.code(), "SignatureNotMatch");
}

//! Requests leave the client signed: a server holding the secret recomputes the signature of
//! what actually arrived (path, query, signed headers, body) and gets the same value.

use std::time::{Duration, SystemTime};

use fc_client::credentials::Credentials;
use fc_client::signing::{self, CanonicalRequest};
use fc_client::types::{CreateFunctionInput, Tag};
use fc_client::{Client, RetryPolicy};
use fc_test_support::server::{Captured, Reply, TestServer};
use serde_json::json;

const SECRET: &str = "test-secret";

/// Verifies `request` the way a server does; returns the signed header names.
fn verify(request: &Captured, secret: &str) -> Vec<String> {
    let authorization = request
        .header("authorization")
        .expect("authorization header");
    let parsed = signing::parse_authorization(authorization).expect("well-formed authorization");
    let query = signing::decode_query(request.query.as_deref().unwrap_or(""));
    let headers = request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()));
    let signed = signing::select_signed_headers(parsed.signed_headers, headers);
    let hashed = signing::hash_payload(&request.body);
    assert_eq!(
        request.header("x-acs-content-sha256"),
        Some(hashed.as_str()),
        "the body hash header matches the body"
    );
    let canonical = CanonicalRequest::new(
        &request.method,
        &request.path,
        query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        signed,
        &hashed,
    );
    assert!(
        signing::signatures_match(&canonical.signature(secret), parsed.signature),
        "signature of {} {} does not verify; canonical request:\n{canonical}",
        request.method,
        request.path
    );
    parsed.signed_header_names().map(str::to_owned).collect()
}

fn client(server: &TestServer, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(server.url())
        .credentials(credentials)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
}

#[tokio::test]
async fn query_path_and_body_requests_verify_on_the_server() {
    let server = TestServer::always(Reply::json(200, &json!({}))).await;
    let client = client(&server, Credentials::new("test-key", SECRET));

    let mut tag = Tag::default();
    tag.key = Some("env".into());
    tag.value = Some("prod".into());
    client
        .list_functions()
        .prefix("my func-函数")
        .limit(10)
        .next_token("a+b/c=d~e*f!g'h(i)j&k")
        .tags(vec![tag])
        .send()
        .await
        .expect("list");
    client
        .get_layer_version_by_arn()
        .arn("acs:fc:cn-hangzhou:123:layers/my-layer/versions/1")
        .send()
        .await
        .expect("layer by arn");
    let input = CreateFunctionInput::builder()
        .function_name("hello")
        .handler("index.handler")
        .runtime("python3.10")
        .memory_size(512);
    client
        .create_function()
        .body(input)
        .send()
        .await
        .expect("create");

    let requests = server.captured();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        let signed = verify(request, SECRET);
        for required in [
            "host",
            "x-acs-action",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-version",
        ] {
            assert!(
                signed.iter().any(|h| h == required),
                "{required} is signed: {signed:?}"
            );
        }
        assert_eq!(request.header("x-acs-version"), Some("2023-03-30"));
        assert!(request.header("api-version").is_none());
        let date = request.header("x-acs-date").expect("date");
        let sent = fc_client::timestamp::parse_iso8601(date).expect("ISO 8601 date");
        let skew = SystemTime::now().duration_since(sent).unwrap_or_default();
        assert!(skew < Duration::from_secs(60), "x-acs-date is current");
    }
    let actions: Vec<_> = requests
        .iter()
        .map(|r| r.header("x-acs-action").unwrap_or(""))
        .collect();
    assert_eq!(
        actions,
        ["ListFunctions", "GetLayerVersionByArn", "CreateFunction"]
    );
    assert_eq!(
        requests[1].path,
        "/2023-03-30/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fmy-layer%2Fversions%2F1"
    );
    assert!(
        requests[0]
            .query
            .as_deref()
            .unwrap_or("")
            .contains("prefix=my%20func-%E5%87%BD%E6%95%B0")
    );
}

#[tokio::test]
async fn a_wrong_secret_does_not_verify_and_sts_tokens_are_signed() {
    let server = TestServer::always(Reply::json(200, &json!({}))).await;
    let credentials = Credentials::new("sts-key", SECRET).with_security_token("CAIS+token/==");
    client(&server, credentials)
        .get_function()
        .function_name("f")
        .send()
        .await
        .expect("get");
    let request = &server.captured()[0];
    assert_eq!(
        request.header("x-acs-security-token"),
        Some("CAIS+token/==")
    );
    let signed = verify(request, SECRET);
    assert!(signed.iter().any(|h| h == "x-acs-security-token"));

    let result = std::panic::catch_unwind(|| verify(request, "another-secret"));
    assert!(result.is_err(), "a different secret must not verify");
}

#[tokio::test]
async fn unsigned_clients_send_no_authorization() {
    let server = TestServer::always(Reply::json(200, &json!({}))).await;
    let client = Client::builder()
        .endpoint(server.url())
        .unsigned()
        .build()
        .expect("client");
    client
        .get_function()
        .function_name("f")
        .send()
        .await
        .expect("get");
    let request = &server.captured()[0];
    assert!(request.header("authorization").is_none());
    assert_eq!(request.header("x-acs-action"), Some("GetFunction"));
}

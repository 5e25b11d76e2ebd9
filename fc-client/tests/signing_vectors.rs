//! Checks the signer against vectors recorded with the official Python SDK
//! (see `tests/fixtures/README.md`). One test per vector; each compares every
//! intermediate stage so a failure points at the step that diverged.

use std::collections::BTreeMap;

use base64::Engine as _;
use fc_client::signing::{self, CanonicalRequest};
use serde::Deserialize;

const FIXTURE: &str = include_str!("fixtures/signing/acs3-hmac-sha256-vectors.json");

#[derive(Deserialize)]
struct File {
    algorithm: String,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    input: Input,
    expected: Expected,
}

#[derive(Deserialize)]
struct Input {
    access_key_id: String,
    access_key_secret: String,
    method: String,
    pathname: String,
    /// `null` values were dropped by the SDK before signing.
    query: BTreeMap<String, Option<String>>,
    /// Every entry was signed by the SDK.
    headers_before_signing: serde_json::Map<String, serde_json::Value>,
    body_utf8: Option<String>,
    body_base64: String,
}

#[derive(Deserialize)]
struct Expected {
    hashed_payload: String,
    canonical_request: String,
    string_to_sign: String,
    signed_headers: String,
    signature: String,
    authorization: String,
    /// URL the Python SDK would have sent (absent for the low-level vector).
    wire_url_python_sdk: Option<String>,
}

fn load(name: &str) -> Vector {
    let file: File = serde_json::from_str(FIXTURE).expect("fixture parses");
    assert_eq!(file.algorithm, signing::ALGORITHM);
    assert_eq!(file.vectors.len(), 10, "fixture should hold 10 vectors");
    file.vectors
        .into_iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no vector named {name}"))
}

/// Runs one vector through every stage of the signer.
fn check(name: &str) {
    let v = load(name);
    let input = &v.input;
    let exp = &v.expected;

    // Body: base64 when present, otherwise the UTF-8 text (empty for none).
    let body = if input.body_base64.is_empty() {
        input.body_utf8.clone().unwrap_or_default().into_bytes()
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(&input.body_base64)
            .expect("body_base64 is valid base64")
    };
    if let Some(text) = &input.body_utf8 {
        assert_eq!(body, text.as_bytes(), "[{name}] body_utf8 vs body_base64");
    }

    // Stage 1: hashed payload.
    let hashed = signing::hash_payload(&body);
    assert_eq!(hashed, exp.hashed_payload, "[{name}] stage: hashed_payload");

    // The recorded path is already encoded: canonicalising must not alter it.
    assert_eq!(
        signing::canonical_path(&input.pathname),
        input.pathname,
        "[{name}] stage: canonical_path idempotence"
    );

    let query: Vec<(&str, &str)> = input
        .query
        .iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k.as_str(), v)))
        .collect();
    let headers: Vec<(&str, &str)> = input
        .headers_before_signing
        .iter()
        .map(|(k, v)| {
            let v = v
                .as_str()
                .unwrap_or_else(|| panic!("[{name}] header {k} is not a string"));
            (k.as_str(), v)
        })
        .collect();

    let request = CanonicalRequest::new(&input.method, &input.pathname, query, headers, &hashed);

    // Stage 2: canonical request text.
    assert_eq!(
        request.to_string(),
        exp.canonical_request,
        "[{name}] stage: canonical_request"
    );

    // Stage 3: string to sign.
    let string_to_sign = request.string_to_sign();
    assert_eq!(
        string_to_sign, exp.string_to_sign,
        "[{name}] stage: string_to_sign"
    );

    // Stage 4: signed header list.
    let signed_headers = request.signed_headers();
    assert_eq!(
        signed_headers, exp.signed_headers,
        "[{name}] stage: signed_headers"
    );

    // Stage 5: signature.
    let signature = signing::signature(&input.access_key_secret, &string_to_sign);
    assert_eq!(signature, exp.signature, "[{name}] stage: signature");
    assert!(
        signing::signatures_match(&signature, &exp.signature),
        "[{name}] stage: signatures_match"
    );

    // Stage 6: Authorization header, both ways of producing it.
    let auth = signing::authorization(&input.access_key_id, &signed_headers, &signature);
    assert_eq!(auth, exp.authorization, "[{name}] stage: authorization");
    assert_eq!(
        request.authorization(&input.access_key_id, &input.access_key_secret),
        exp.authorization,
        "[{name}] stage: CanonicalRequest::authorization"
    );

    // Stage 7: the verifier's view - parse the recorded header back.
    let parsed = signing::parse_authorization(&exp.authorization)
        .unwrap_or_else(|e| panic!("[{name}] stage: parse_authorization: {e}"));
    assert_eq!(
        parsed.access_key_id, input.access_key_id,
        "[{name}] parse: id"
    );
    assert_eq!(
        parsed.signed_headers, exp.signed_headers,
        "[{name}] parse: signed headers"
    );
    assert_eq!(parsed.signature, exp.signature, "[{name}] parse: signature");

    // Stage 8: the verifier rebuilds the request from what went over the
    // wire (the SDK sends spaces in the query as '+') and the recorded
    // headers, keeping only those the Authorization header names.
    if let Some(url) = &exp.wire_url_python_sdk {
        let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        let path_and_query = &after_scheme[after_scheme.find('/').unwrap_or(after_scheme.len())..];
        let (wire_path, wire_query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let decoded = signing::decode_query(wire_query);
        let all_headers = input
            .headers_before_signing
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)));
        let received = CanonicalRequest::new(
            &input.method,
            wire_path,
            decoded.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            signing::select_signed_headers(parsed.signed_headers, all_headers),
            &hashed,
        );
        assert_eq!(
            received.to_string(),
            exp.canonical_request,
            "[{name}] stage: verifier canonical_request from wire URL"
        );
        assert!(
            signing::signatures_match(
                &received.signature(&input.access_key_secret),
                parsed.signature
            ),
            "[{name}] stage: verifier signature"
        );
    }
}

#[test]
fn list_functions_query_special_chars() {
    check("list_functions_query_special_chars");
}

#[test]
fn list_functions_tags_json_query() {
    check("list_functions_tags_json_query");
}

#[test]
fn get_function_path_qualifier() {
    check("get_function_path_qualifier");
}

#[test]
fn get_function_path_needs_encoding() {
    check("get_function_path_needs_encoding");
}

#[test]
fn create_function_json_body() {
    check("create_function_json_body");
}

#[test]
fn invoke_function_binary_body() {
    check("invoke_function_binary_body");
}

#[test]
fn invoke_function_async_sts() {
    check("invoke_function_async_sts");
}

#[test]
fn delete_function_sts_empty_body() {
    check("delete_function_sts_empty_body");
}

#[test]
fn update_function_account_endpoint() {
    check("update_function_account_endpoint");
}

#[test]
fn lowlevel_get_authorization() {
    check("lowlevel_get_authorization");
}

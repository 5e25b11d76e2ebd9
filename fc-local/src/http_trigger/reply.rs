//! What the caller of an HTTP trigger gets back from the function.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use fc_models::ErrorCode;
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::executor::InvocationOutcome;

/// Response headers a function may not set (runtime.md, the HTTP handler's limits): fc-local
/// drops them, as the service does.
const RESERVED: [&str; 6] = [
    "connection",
    "content-length",
    "date",
    "keep-alive",
    "server",
    "transfer-encoding",
];

fn bad_response(message: impl Into<String>) -> FcError {
    FcError::new(ErrorCode::BadResponse, message)
}

/// A header the function may set: not reserved, not `x-fc-*`.
fn settable(name: &HeaderName) -> bool {
    !RESERVED.contains(&name.as_str()) && !name.as_str().starts_with("x-fc-")
}

/// The function failed (an error it raised or reported, a timeout, a crash): 502 with the
/// error JSON and `x-fc-error-type` (our choice: the service documents this only for
/// InvokeFunction, which answers such failures with 200).
fn failed(outcome: InvocationOutcome) -> FcResult<Response> {
    let error_type = outcome
        .error_type
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default();
    Response::builder()
        .status(StatusCode::BAD_GATEWAY)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-fc-error-type", error_type)
        .body(Body::from(outcome.body))
        .map_err(FcError::internal)
}

/// A built-in runtime's result: an object with a numeric `statusCode` is the HTTP response
/// (`headers`, `body`, `isBase64Encoded`); anything else is a 200 whose body is the result
/// as the runtime serialised it.
pub(super) fn from_event_result(outcome: InvocationOutcome) -> FcResult<Response> {
    if !outcome.is_success() {
        return failed(outcome);
    }
    let parsed: Option<serde_json::Map<String, Value>> = serde_json::from_slice(&outcome.body)
        .ok()
        .filter(|object: &serde_json::Map<String, Value>| object.contains_key("statusCode"));
    let Some(object) = parsed else {
        return Response::builder()
            .status(StatusCode::OK)
            .body(Body::from(outcome.body))
            .map_err(FcError::internal);
    };
    let status = object["statusCode"]
        .as_u64()
        .and_then(|code| u16::try_from(code).ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .filter(|code| code.as_u16() >= 100)
        .ok_or_else(|| {
            bad_response(format!(
                "the function returned statusCode {}, which is not an HTTP status",
                object["statusCode"]
            ))
        })?;
    let mut response = Response::builder().status(status);
    match object.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(headers)) => {
            for (name, value) in headers {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                let name = HeaderName::try_from(name.as_str()).map_err(|_| {
                    bad_response(format!("the function returned a bad header name '{name}'"))
                })?;
                let value = HeaderValue::try_from(text).map_err(|_| {
                    bad_response(format!(
                        "the function returned a bad value for header {name}"
                    ))
                })?;
                if settable(&name) {
                    response = response.header(name, value);
                }
            }
        }
        Some(other) => {
            return Err(bad_response(format!(
                "the function returned headers that are not an object: {other}"
            )));
        }
    }
    let encoded = object
        .get("isBase64Encoded")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let body = match object.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) if encoded => STANDARD.decode(text).map_err(|e| {
            bad_response(format!(
                "the function set isBase64Encoded but its body is not base64: {e}"
            ))
        })?,
        Some(Value::String(text)) => text.clone().into_bytes(),
        Some(other) => other.to_string().into_bytes(),
    };
    response.body(Body::from(body)).map_err(FcError::internal)
}

/// A custom runtime's answer, passed on with its status, its settable headers and its body.
pub(super) fn passed_through(outcome: InvocationOutcome) -> FcResult<Response> {
    if !outcome.is_success() {
        return failed(outcome);
    }
    let status = StatusCode::from_u16(outcome.status)
        .map_err(|_| bad_response(format!("the function answered status {}", outcome.status)))?;
    let mut response = Response::builder().status(status);
    for (name, value) in &outcome.headers {
        if settable(name) {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(outcome.body))
        .map_err(FcError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn outcome(body: &[u8]) -> InvocationOutcome {
        InvocationOutcome {
            status: 200,
            headers: Default::default(),
            body: bytes::Bytes::copy_from_slice(body),
            error_type: None,
            log_tail: None,
            instance_id: "c-1".into(),
            duration: Duration::ZERO,
            max_memory_mb: None,
        }
    }

    async fn body_of(response: Response) -> Vec<u8> {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec()
    }

    #[tokio::test]
    async fn a_status_object_is_the_response() {
        let response = from_event_result(outcome(
            br#"{"statusCode": 201, "headers": {"Content-Type": "application/json", "X-N": 3, "Server": "x", "x-fc-request-id": "forged"}, "body": "{\"ok\":true}"}"#,
        ))
        .unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(response.headers()["x-n"], "3");
        assert!(response.headers().get("server").is_none());
        assert!(response.headers().get("x-fc-request-id").is_none());
        assert_eq!(body_of(response).await, br#"{"ok":true}"#);
    }

    #[tokio::test]
    async fn base64_bodies_are_decoded_and_plain_values_are_200() {
        let response = from_event_result(outcome(
            format!(
                r#"{{"statusCode": 200, "isBase64Encoded": true, "body": "{}"}}"#,
                STANDARD.encode([0u8, 255, 1])
            )
            .as_bytes(),
        ))
        .unwrap();
        assert_eq!(body_of(response).await, [0u8, 255, 1]);
        let plain = from_event_result(outcome(b"hello")).unwrap();
        assert_eq!(plain.status(), 200);
        assert_eq!(body_of(plain).await, b"hello");
        let no_status = from_event_result(outcome(br#"{"body": "x"}"#)).unwrap();
        assert_eq!(body_of(no_status).await, br#"{"body": "x"}"#);
    }

    #[test]
    fn bad_results_are_502_bad_response() {
        for body in [
            &br#"{"statusCode": 1000}"#[..],
            br#"{"statusCode": "200"}"#,
            br#"{"statusCode": 200, "headers": []}"#,
            br#"{"statusCode": 200, "isBase64Encoded": true, "body": "***"}"#,
            br#"{"statusCode": 200, "headers": {"bad name": "x"}}"#,
        ] {
            let error = from_event_result(outcome(body)).unwrap_err();
            assert_eq!(error.code, ErrorCode::BadResponse, "{}", error.message);
        }
    }
}

//! Request ids: one per request, sent back as `x-fc-request-id` on every response.
//!
//! The middleware here is the outermost layer of the router. It also gives every error answer its
//! Function Compute shape: handlers return [`FcError`] (which travels as a response extension) and
//! anything else that failed before reaching a handler (axum's own rejections) is wrapped too, so
//! no response leaves fc-local without `{Code, Message, RequestId}` when its status is 4xx/5xx.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use fc_models::ErrorCode;

use crate::error::FcError;

/// Name of the response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-fc-request-id";

/// The id of the request being served, stored in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// 64 bits that differ between calls and processes (std's randomly keyed SipHash).
fn random_bits(seed: u64) -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(seed);
    hasher.finish()
}

/// A fresh id in the UUID-like layout `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (lowercase hex).
pub fn new_request_id() -> String {
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let high = random_bits(count);
    let low = random_bits(count.rotate_left(32)) ^ count;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

/// Renders an error body as the service does: FC 3.0's `{"Code", "Message", "RequestId"}`, or on
/// the FC 2.0 paths (`fc2` true) FC 2.0's `{"ErrorCode", "ErrorMessage"}` (fc2.md), which the
/// classic SDKs read, with `Code`, `Message` and `RequestId` beside them, which the generated
/// SDKs read (the FC 2.0 spec's `ErrorBody` lists all five).
pub fn error_body(error: &FcError, request_id: &str, fc2: bool) -> Vec<u8> {
    if fc2 {
        let body = serde_json::json!({
            "ErrorCode": error.code.as_str(),
            "ErrorMessage": error.message,
            "Code": error.code.as_str(),
            "Message": error.message,
            "RequestId": request_id,
        });
        return serde_json::to_vec(&body).unwrap_or_default();
    }
    let body = fc_models::ErrorBody {
        code: Some(error.code.as_str().to_owned()),
        message: Some(error.message.clone()),
        request_id: Some(request_id.to_owned()),
    };
    serde_json::to_vec(&body).unwrap_or_default()
}

/// The error to report for a failed response that did not come from fc-local's own code.
fn error_for_foreign_failure(status: StatusCode) -> FcError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => FcError::entity_too_large("the request body is too large"),
        StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_FOUND => FcError::path_not_supported(),
        // Other failures keep the status axum or a layer answered with; the code is the
        // closest of the shared list (our choice).
        s if s.is_client_error() => FcError::with_status(
            s,
            ErrorCode::InvalidArgument,
            "the request could not be parsed",
        ),
        s => FcError::with_status(
            s,
            ErrorCode::InternalServerError,
            "fc-local could not serve the request",
        ),
    }
}

/// Middleware: assigns the request id, stamps `x-fc-request-id` and renders error bodies.
pub async fn layer(mut request: Request, next: Next) -> Response {
    let id = new_request_id();
    request.extensions_mut().insert(RequestId(id.clone()));
    let fc2 = crate::fc2::is_fc2_path(request.uri().path());
    let response = next.run(request).await;
    finish(response, &id, fc2)
}

fn finish(response: Response, id: &str, fc2: bool) -> Response {
    let status = response.status();
    let error = response.extensions().get::<FcError>().cloned();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let error = match error {
        Some(error) => Some(error),
        None if (status.is_client_error() || status.is_server_error()) && !is_json => {
            Some(error_for_foreign_failure(status))
        }
        None => None,
    };
    let mut response = match error {
        Some(error) => {
            // The answer's other headers (`Retry-After`, `WWW-Authenticate`, ...) stay.
            let (mut parts, _) = response.into_parts();
            parts.status = error.status;
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            let body = Body::from(error_body(&error, id, fc2));
            parts.extensions.insert(error);
            Response::from_parts(parts, body)
        }
        None => response,
    };
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_shaped_and_distinct() {
        let a = new_request_id();
        let b = new_request_id();
        assert_ne!(a, b);
        let lengths: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(lengths, vec![8, 4, 4, 4, 12]);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn error_body_has_the_three_fields() {
        let body = error_body(&FcError::function_not_found("f"), "rid", false);
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["Code"], "FunctionNotFound");
        assert_eq!(value["RequestId"], "rid");
        assert!(value["Message"].as_str().unwrap().contains("'f'"));
        let body = error_body(&FcError::function_not_found("f"), "rid", true);
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["ErrorCode"], "FunctionNotFound");
        assert!(value["ErrorMessage"].as_str().unwrap().contains("'f'"));
        assert_eq!(value["Code"], "FunctionNotFound");
        assert_eq!(value["RequestId"], "rid");
    }
}

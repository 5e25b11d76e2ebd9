//! Error answers in one canonical shape.
//!
//! Function Compute answers errors with `{"Code","Message","RequestId"}`, but older services and
//! proxies use `code`/`message`/`requestId` or `errorCode`/`errorMessage`, and a gateway may answer
//! with HTML or nothing at all. progenitor parses error bodies as JSON and, on failure, drops the
//! status and headers. So before progenitor sees an error answer, its body is rewritten into the
//! canonical JSON: known spellings are mapped, a non-JSON body becomes the message (truncated),
//! and the request id falls back to the `x-fc-request-id` header. Status and headers are kept.

use fc_models::ErrorBody;
use serde_json::Value;

use crate::error::REQUEST_ID_HEADER;

/// The longest non-JSON body kept as a message.
const MAX_MESSAGE: usize = 1024;

/// Reads an error answer and returns it with a canonical body.
pub(crate) async fn normalize(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let mut headers = response.headers().clone();
    let bytes = response.bytes().await?;
    let header_id = headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = canonical(&bytes, header_id);
    let json = serde_json::to_vec(&body).unwrap_or_default();
    headers.remove(reqwest::header::CONTENT_LENGTH);
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    let mut rebuilt = http::Response::new(json);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// The canonical error body for `bytes`, whatever their shape.
pub(crate) fn canonical(bytes: &[u8], header_request_id: Option<String>) -> ErrorBody {
    let parsed: Option<serde_json::Map<String, Value>> = serde_json::from_slice(bytes).ok();
    let text = |object: &serde_json::Map<String, Value>, keys: &[&str]| {
        keys.iter().find_map(|key| match object.get(*key) {
            Some(Value::String(s)) => Some(one_line(s)),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    match parsed {
        Some(object) => ErrorBody {
            code: text(&object, &["Code", "code", "errorCode", "ErrorCode"]),
            message: text(
                &object,
                &["Message", "message", "errorMessage", "ErrorMessage"],
            ),
            request_id: text(&object, &["RequestId", "requestId", "request_id"])
                .or(header_request_id),
        },
        None => {
            let body = one_line(&String::from_utf8_lossy(bytes));
            let body = body.trim();
            let message = match body.char_indices().nth(MAX_MESSAGE) {
                Some((cut, _)) => format!("{}…", &body[..cut]),
                None => body.to_owned(),
            };
            ErrorBody {
                code: None,
                message: (!message.is_empty()).then_some(message),
                request_id: header_request_id,
            }
        }
    }
}

/// `text` on one line: control characters (newlines included) become spaces, runs of spaces one,
/// so that an error's `Display` stays one line whatever the server sent.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn messages_are_kept_on_one_line() {
        let json = canonical(br#"{"Code":"X","Message":"first\n\tsecond"}"#, None);
        assert_eq!(json.message.as_deref(), Some("first second"));
        let binary = canonical(b"\x00bad\r\ngateway\x1b[31m", None);
        assert_eq!(binary.message.as_deref(), Some("bad gateway [31m"));
    }

    #[test]
    fn all_spellings_map_to_the_canonical_fields() {
        for body in [
            r#"{"Code":"FunctionNotFound","Message":"gone","RequestId":"r1"}"#,
            r#"{"code":"FunctionNotFound","message":"gone","requestId":"r1"}"#,
            r#"{"errorCode":"FunctionNotFound","errorMessage":"gone","request_id":"r1"}"#,
        ] {
            let parsed = canonical(body.as_bytes(), Some("header".into()));
            assert_eq!(parsed.code.as_deref(), Some("FunctionNotFound"), "{body}");
            assert_eq!(parsed.message.as_deref(), Some("gone"), "{body}");
            assert_eq!(parsed.request_id.as_deref(), Some("r1"), "{body}");
        }
    }

    #[test]
    fn non_json_and_empty_bodies_keep_the_header_request_id() {
        let html = canonical(b"<html>Bad Gateway</html>", Some("h-1".into()));
        assert_eq!(html.code, None);
        assert_eq!(html.message.as_deref(), Some("<html>Bad Gateway</html>"));
        assert_eq!(html.request_id.as_deref(), Some("h-1"));

        let empty = canonical(b"", Some("h-2".into()));
        assert_eq!(empty.message, None);
        assert_eq!(empty.request_id.as_deref(), Some("h-2"));
    }

    #[test]
    fn long_bodies_are_truncated() {
        let long = "x".repeat(5000);
        let parsed = canonical(long.as_bytes(), None);
        assert!(parsed.message.unwrap().chars().count() <= 1025);
    }
}

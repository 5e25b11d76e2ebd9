//! The FC 3.0 HTTP event a built-in runtime's handler receives for a request to its trigger.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::request::Parts;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use fc_client::timestamp::format_iso8601;
use serde_json::{Value, json};

/// What the event is built from.
pub(super) struct Request<'a> {
    pub parts: &'a Parts,
    /// The path below the trigger's URL, still percent-encoded.
    pub raw_path: &'a str,
    pub body: &'a [u8],
    pub request_id: &'a str,
    pub account_id: &'a str,
    pub source_ip: &'a str,
    pub trigger_id: &'a str,
}

/// The event as JSON bytes:
///
/// ```json
/// {"version": "v1", "rawPath": "/api/x%20y", "body": "...", "isBase64Encoded": false,
///  "headers": {"Content-Type": "text/plain"}, "queryParameters": {"a": "1,2"},
///  "requestContext": {"accountId": "...", "domainName": "127.0.0.1:9000",
///    "domainPrefix": "<trigger id>", "http": {"method": "POST", "path": "/api/x y",
///    "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "curl/8"},
///    "requestId": "...", "time": "2026-12-01T18:00:00Z", "timeEpoch": "1796148000000"}}
/// ```
///
/// Repeated headers and query parameters are joined with commas, header names are written
/// with capitalised words, and a body that is not text is base64-encoded ([`is_text`]).
pub(super) fn build(request: &Request<'_>) -> Vec<u8> {
    let parts = request.parts;
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in &parts.headers {
        if name.as_str().starts_with("x-fc-") {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        join_repeated(&mut headers, capitalised(name.as_str()), value);
    }
    let mut query: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in fc_client::signing::decode_query(parts.uri.query().unwrap_or("")) {
        join_repeated(&mut query, name, value);
    }
    let content_type = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let (body, encoded) = match std::str::from_utf8(request.body) {
        Ok(text) if is_text(content_type) => (text.to_owned(), false),
        _ => (STANDARD.encode(request.body), !request.body.is_empty()),
    };
    let now = SystemTime::now();
    let epoch_ms = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let header_text = |name: axum::http::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let event: Value = json!({
        "version": "v1",
        "rawPath": request.raw_path,
        "body": body,
        "isBase64Encoded": encoded,
        "headers": headers,
        "queryParameters": query,
        "requestContext": {
            "accountId": request.account_id,
            "domainName": header_text(axum::http::header::HOST),
            "domainPrefix": request.trigger_id,
            "http": {
                "method": parts.method.as_str(),
                "path": fc_client::signing::decode_path(request.raw_path),
                "protocol": format!("{:?}", parts.version),
                "sourceIp": request.source_ip,
                "userAgent": header_text(axum::http::header::USER_AGENT),
            },
            "requestId": request.request_id,
            "time": format_iso8601(now),
            "timeEpoch": epoch_ms.to_string(),
        }
    });
    serde_json::to_vec(&event).unwrap_or_default()
}

/// Adds `value` under `key`, after a comma when the key is repeated (as the service joins
/// repeated headers and query parameters).
fn join_repeated(map: &mut BTreeMap<String, String>, key: String, value: String) {
    map.entry(key)
        .and_modify(|joined| {
            joined.push(',');
            joined.push_str(&value);
        })
        .or_insert(value);
}

/// `content-type` → `Content-Type`.
fn capitalised(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether a UTF-8 body of this content type goes into the event as text: no content type,
/// `text/*`, and JSON, XML, JavaScript and form types (our choice: the service says only that
/// binary bodies are base64-encoded).
fn is_text(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || ["json", "xml", "javascript", "x-www-form-urlencoded"]
            .iter()
            .any(|kind| essence.contains(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event_of(request: axum::http::Request<()>, body: &[u8]) -> Value {
        let (parts, ()) = request.into_parts();
        let bytes = build(&Request {
            parts: &parts,
            raw_path: "/api/x%20y",
            body,
            request_id: "req-1",
            account_id: "123",
            source_ip: "127.0.0.1",
            trigger_id: "t-1",
        });
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn the_event_carries_the_request() {
        let request = axum::http::Request::post("/__http/f/t/api/x%20y?a=1&a=2&b=x+y")
            .header("host", "127.0.0.1:9000")
            .header("content-type", "application/json")
            .header("x-custom", "1")
            .header("x-custom", "2")
            .header("x-fc-request-id", "forged")
            .header("user-agent", "test/1")
            .body(())
            .unwrap();
        let event = event_of(request, br#"{"k":1}"#);
        assert_eq!(event["version"], "v1");
        assert_eq!(event["rawPath"], "/api/x%20y");
        assert_eq!(event["body"], r#"{"k":1}"#);
        assert_eq!(event["isBase64Encoded"], false);
        assert_eq!(event["headers"]["X-Custom"], "1,2");
        assert_eq!(event["headers"]["Content-Type"], "application/json");
        assert!(event["headers"].get("X-Fc-Request-Id").is_none());
        assert_eq!(event["queryParameters"], json!({"a": "1,2", "b": "x y"}));
        let context = &event["requestContext"];
        assert_eq!(context["http"]["method"], "POST");
        assert_eq!(context["http"]["path"], "/api/x y");
        assert_eq!(context["http"]["protocol"], "HTTP/1.1");
        assert_eq!(context["http"]["userAgent"], "test/1");
        assert_eq!(context["domainName"], "127.0.0.1:9000");
        assert_eq!(context["requestId"], "req-1");
        assert!(
            context["timeEpoch"]
                .as_str()
                .unwrap()
                .parse::<u64>()
                .is_ok()
        );
    }

    #[test]
    fn binary_bodies_are_base64() {
        let request = axum::http::Request::post("/")
            .header("content-type", "application/octet-stream")
            .body(())
            .unwrap();
        let event = event_of(request, &[0, 159, 146, 150]);
        assert_eq!(event["isBase64Encoded"], true);
        assert_eq!(event["body"], STANDARD.encode([0, 159, 146, 150]));
        let not_utf8 = axum::http::Request::post("/").body(()).unwrap();
        assert_eq!(event_of(not_utf8, &[0xff, 0xfe])["isBase64Encoded"], true);
    }
}

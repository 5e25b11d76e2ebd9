//! What every FC 2.0 resource shares: its stored form (the JSON the API shows plus its ETag),
//! conditional writes (`If-Match`), answers with an `ETag`, names with a qualifier, paging.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{FcError, FcResult};
use crate::params::Params;
use crate::store::resources::{self, Kind};

/// A stored FC 2.0 resource: its JSON as the API shows it, and its current ETag.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    /// The resource as GetXxx answers it.
    pub doc: Map<String, Value>,
    /// Changes on every write.
    pub etag: String,
    /// Services only: the id the next published version gets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_version: Option<u64>,
}

impl Stored {
    /// A new resource with a fresh ETag.
    pub fn new(doc: Map<String, Value>) -> Self {
        Stored {
            doc,
            etag: new_etag(),
            next_version: None,
        }
    }

    /// Records a write: a new ETag and `lastModifiedTime`.
    pub fn touch(&mut self) {
        self.etag = new_etag();
        self.doc
            .insert("lastModifiedTime".to_owned(), Value::String(now()));
    }

    /// The answer to a read or write: the JSON with `ETag`.
    pub fn answer(&self) -> Response {
        with_etag(Value::Object(self.doc.clone()), &self.etag)
    }
}

/// A fresh ETag: 32 hex digits.
pub fn new_etag() -> String {
    crate::request_id::new_request_id().replace('-', "")
}

/// The current time, ISO 8601 as the service writes it.
pub fn now() -> String {
    fc_client::timestamp::format_iso8601(std::time::SystemTime::now())
}

/// `json` with `ETag: <etag>`.
pub fn with_etag(json: Value, etag: &str) -> Response {
    let mut response = Json(json).into_response();
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// 412 `PreconditionFailed` when the request's `If-Match` names another ETag than `current`
/// (quotes and a weak `W/` prefix are ignored; `*` matches any).
pub fn check_if_match(headers: &HeaderMap, current: &str, what: &str) -> FcResult<()> {
    let Some(sent) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let sent = sent.to_str().unwrap_or_default().trim();
    let bare = sent.trim_start_matches("W/").trim_matches('"');
    if bare == "*" || bare == current {
        return Ok(());
    }
    Err(FcError::new(
        ErrorCode::PreconditionFailed,
        format!(
            "the {what} being modified has been changed: If-Match is '{sent}', its ETag is now \
             '{current}'"
        ),
    ))
}

/// The service and qualifier of a `{serviceName}` path segment: the classic SDKs write
/// `service.qualifier` (`my-svc.LATEST`, `my-svc.1`, `my-svc.prod`); service names cannot hold
/// a dot, so the first dot splits them. The `qualifier` query value, which the generated SDKs
/// send, applies when the path has none.
///
/// ```
/// use fc_local::fc2::resource::service_and_qualifier;
///
/// assert_eq!(service_and_qualifier("svc.prod", None), ("svc", Some("prod")));
/// assert_eq!(service_and_qualifier("svc", Some("1")), ("svc", Some("1")));
/// assert_eq!(service_and_qualifier("svc", None), ("svc", None));
/// ```
pub fn service_and_qualifier<'a>(
    segment: &'a str,
    query: Option<&'a str>,
) -> (&'a str, Option<&'a str>) {
    match segment.split_once('.') {
        Some((service, qualifier)) if !qualifier.is_empty() => (service, Some(qualifier)),
        Some((service, _)) => (service, query),
        None => (segment, query.filter(|q| !q.is_empty())),
    }
}

/// The FC 3.0 name of function `function` of service `service`: `service$function`, as the
/// FC 3.0 API lists functions of FC 2.0 services.
///
/// ```
/// assert_eq!(fc_local::fc2::resource::fc3_name("svc", "fn"), "svc$fn");
/// ```
pub fn fc3_name(service: &str, function: &str) -> String {
    format!("{service}${function}")
}

/// The stored service `name`, or 404 `ServiceNotFound`.
pub fn require_service(tx: &rusqlite::Transaction<'_>, name: &str) -> FcResult<Stored> {
    resources::get::<Stored>(tx, Kind::Service, "", name)?.ok_or_else(|| {
        FcError::new(
            ErrorCode::ServiceNotFound,
            format!("service '{name}' does not exist"),
        )
    })
}

/// A list answer as FC 2.0 pages it: `limit` (default 20, at most 100), `prefix`, `startKey`
/// (the first name to include), `nextToken` (from the previous page). `items` are (name, JSON)
/// sorted by name; the answer is `{<field>: [...], "nextToken": ...}`.
pub fn list_page(
    params: &Params,
    items: Vec<(String, Value)>,
    field: &str,
) -> FcResult<Json<Value>> {
    let limit = params.limit(
        "limit",
        crate::paging::DEFAULT_PAGE_SIZE,
        crate::paging::MAX_PAGE_SIZE,
    )?;
    let after = crate::paging::decode_token(params.get("nextToken"))?;
    let prefix = params.get("prefix").unwrap_or_default();
    let start = params.get("startKey").unwrap_or_default();
    let kept = items
        .into_iter()
        .filter(|(name, _)| name.starts_with(prefix) && name.as_str() >= start);
    let (page, next) = crate::paging::paginate(kept, after.as_deref(), limit);
    let mut answer = Map::new();
    answer.insert(field.to_owned(), Value::Array(page));
    if let Some(next) = next {
        answer.insert("nextToken".to_owned(), Value::String(next));
    }
    Ok(Json(Value::Object(answer)))
}

/// The FC 3.0 operation `action`, whose checks apply to an FC 2.0 body reshaped for an FC 3.0
/// handler (layers, custom domains).
pub(crate) fn fc3_operation(action: &str) -> FcResult<&'static fc_models::api::Operation> {
    fc_models::API
        .operations
        .iter()
        .find(|op| op.action == action)
        .ok_or_else(|| FcError::internal(format!("the FC 3.0 table has no {action}")))
}

/// The object fields of a request body (`{}` for anything else).
pub fn object(raw: &Value) -> Map<String, Value> {
    raw.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_compares_the_etag() {
        let mut headers = HeaderMap::new();
        assert!(
            check_if_match(&headers, "abc", "service").is_ok(),
            "no If-Match"
        );
        headers.insert(header::IF_MATCH, HeaderValue::from_static("\"abc\""));
        assert!(check_if_match(&headers, "abc", "service").is_ok());
        headers.insert(header::IF_MATCH, HeaderValue::from_static("old"));
        let err = check_if_match(&headers, "abc", "function").unwrap_err();
        assert_eq!(
            (err.code, err.status.as_u16()),
            (ErrorCode::PreconditionFailed, 412)
        );
        assert!(err.message.contains("function"));
        headers.insert(header::IF_MATCH, HeaderValue::from_static("*"));
        assert!(check_if_match(&headers, "abc", "service").is_ok());
    }

    #[test]
    fn pages_follow_limit_prefix_and_start_key() {
        let items = || {
            ["a1", "a2", "a3", "b1"]
                .map(|n| (n.to_owned(), Value::String(n.to_owned())))
                .to_vec()
        };
        let first = list_page(&Params::parse(Some("limit=2&prefix=a")), items(), "x").unwrap();
        assert_eq!(first.0["x"], serde_json::json!(["a1", "a2"]));
        let token = first.0["nextToken"].as_str().unwrap().to_owned();
        let query = format!("limit=2&prefix=a&nextToken={token}");
        let second = list_page(&Params::parse(Some(&query)), items(), "x").unwrap();
        assert_eq!(second.0["x"], serde_json::json!(["a3"]));
        assert!(second.0.get("nextToken").is_none());
        let started = list_page(&Params::parse(Some("startKey=a3")), items(), "x").unwrap();
        assert_eq!(started.0["x"], serde_json::json!(["a3", "b1"]));
    }
}

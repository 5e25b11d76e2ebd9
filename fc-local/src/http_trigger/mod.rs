//! Calling functions through their HTTP triggers, as a local web server.
//!
//! An HTTP trigger `web` of function `hello` is served at
//! `http://<fc-local's host:port>/__http/hello/web/` ([`trigger_url`]), and so is every path
//! below it: the function sees the path after that prefix (`/__http/hello/web/api/x` is
//! `/api/x`), the query, the headers and the body. The trigger's `triggerConfig` decides who
//! may call and how ([`TriggerConfig`]); the trigger's qualifier decides what runs.
//!
//! - Built-in runtimes (Python, Node.js) get the FC 3.0 HTTP event (`event.rs`) and answer with
//!   `statusCode`/`headers`/`body`/`isBase64Encoded` or a plain value (`reply.rs`).
//! - Custom runtimes receive the request itself on their port, and their answer goes back.
//!
//! `fc-local/README.md` ("HTTP triggers") lists each rule with its source.

mod config;
pub mod custom_domain;
mod event;
mod reply;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};
use axum::response::Response;
use fc_models::{ErrorCode, Trigger, TriggerType};

pub use config::{AuthType, TriggerConfig};

use crate::error::{FcError, FcResult};
use crate::executor::{HttpRequest, Invocation, RuntimeKind};
use crate::invoke::{SYNC_PAYLOAD_LIMIT, prepare};
use crate::request_id::RequestId;
use crate::state::AppState;
use crate::store::resources::{self, Kind};

/// Path prefix of HTTP trigger URLs.
pub const PREFIX: &str = "/__http/";

/// Largest request path with its query through an HTTP trigger (limits.md: 4 KB).
const MAX_PATH_AND_QUERY: usize = 4 * 1024;
/// Largest total size of a request's headers through an HTTP trigger (limits.md: 8 KB).
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// Request headers that belong to one connection, not to the request, and are not passed on.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
];

/// The URL fc-local reports (as `httpTrigger.urlInternet` and `urlIntranet`) and serves for
/// the trigger `trigger` of `function`, on the host the API request came to.
///
/// ```
/// assert_eq!(
///     fc_local::http_trigger::trigger_url("127.0.0.1:9000", "hello", "web"),
///     "http://127.0.0.1:9000/__http/hello/web/"
/// );
/// ```
pub fn trigger_url(host: &str, function: &str, trigger: &str) -> String {
    format!("http://{host}{PREFIX}{function}/{trigger}/")
}

/// What a request to a trigger URL names: function, trigger, and the path below them (still
/// percent-encoded, starting with `/`).
#[derive(Debug, PartialEq, Eq)]
struct Target<'a> {
    function: &'a str,
    trigger: &'a str,
    raw_path: &'a str,
}

fn target(path: &str) -> Option<Target<'_>> {
    let rest = path.strip_prefix(PREFIX)?;
    let (function, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let (trigger, _) = rest.split_once('/').unwrap_or((rest, ""));
    if function.is_empty() || trigger.is_empty() {
        return None;
    }
    let below = &path[PREFIX.len() + function.len() + 1 + trigger.len()..];
    Some(Target {
        function,
        trigger,
        raw_path: if below.is_empty() { "/" } else { below },
    })
}

/// What serves one request: the function and qualifier, the path it sees, and the rules.
pub(crate) struct Route {
    /// The function to run.
    pub function: String,
    /// The qualifier to run (`None`: LATEST).
    pub qualifier: Option<String>,
    /// The path the function sees, still percent-encoded, starting with `/`.
    pub raw_path: String,
    /// Who may call, and with which methods.
    pub rules: TriggerConfig,
    /// `requestContext.domainPrefix` of the event.
    pub domain_prefix: String,
    /// An FC 2.0 HTTP trigger: built-in runtimes call the handler with FC 2.0's HTTP signature
    /// ([`Invocation::fc2_http`]).
    pub fc2: bool,
}

/// Any request under [`PREFIX`]: finds the trigger, applies its rules, runs the function and
/// answers with what it returned.
pub async fn serve(State(state): State<AppState>, request: Request) -> FcResult<Response> {
    let (parts, body) = whole(request).await?;
    let path = parts.uri.path().to_owned();
    let target = target(&path).ok_or_else(|| {
        FcError::new(
            ErrorCode::TriggerNotFound,
            format!(
                "'{path}' names no trigger: HTTP trigger URLs are {PREFIX}<function>/<trigger>/"
            ),
        )
    })?;
    let function = target.function.to_owned();
    let trigger_name = target.trigger.to_owned();
    let trigger = state
        .store
        .transact(move |tx, _| {
            resources::get::<Trigger>(tx, Kind::Trigger, &function, &trigger_name)
        })
        .await?
        .filter(|t| t.trigger_type == Some(TriggerType::Http))
        .ok_or_else(|| {
            FcError::new(
                ErrorCode::TriggerNotFound,
                format!(
                    "function '{}' has no HTTP trigger '{}'",
                    target.function, target.trigger
                ),
            )
        })?;
    let config = TriggerConfig::parse(trigger.trigger_config.as_deref().unwrap_or("{}"))?;
    let route = Route {
        function: target.function.to_owned(),
        qualifier: trigger.qualifier.clone(),
        raw_path: target.raw_path.to_owned(),
        rules: config,
        domain_prefix: trigger.trigger_id.clone().unwrap_or_default(),
        fc2: false,
    };
    run(&state, &parts, body, &route).await
}

/// The request's head and body (the gate has buffered it, and refused one over the server's
/// limit).
pub(crate) async fn whole(request: Request) -> FcResult<(Parts, Bytes)> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(FcError::internal)?;
    Ok((parts, body))
}

/// Applies `route`'s rules to the request, runs its function and answers with its result.
pub(crate) async fn run(
    state: &AppState,
    parts: &Parts,
    body: Bytes,
    route: &Route,
) -> FcResult<Response> {
    route.rules.allow_method(&parts.method)?;
    check_size(parts, body.len())?;
    match route.rules.auth_type {
        AuthType::Anonymous => {}
        AuthType::Function => crate::gate::check_trigger_signature(&state.config, parts, &body)
            .map_err(|error| {
                FcError::new(
                    ErrorCode::FCCommonError,
                    format!(
                        "the authType is function: the request must be signed ({})",
                        error.message
                    ),
                )
            })?,
        AuthType::Jwt => {
            return Err(FcError::not_implemented(
                "HTTP triggers and custom domains with authType jwt (use anonymous or function)",
            ));
        }
    }

    let request_id = parts
        .extensions
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_else(crate::request_id::new_request_id);
    let arn = state.function_arn(&route.function);
    let mut prepared = prepare(
        &state.store,
        arn,
        &route.function,
        route.qualifier.as_deref(),
    )
    .await?;
    let bound =
        crate::sessions::route::bind(state, &mut prepared, &parts.headers, &request_id).await?;
    let source_ip = parts
        .extensions
        .get::<ConnectInfo<crate::wire_errors::PeerAddr>>()
        .map(|info| info.0.0.ip().to_string())
        .unwrap_or_else(|| "127.0.0.1".to_owned());
    let custom = RuntimeKind::of(&prepared.spec.runtime).ok() == Some(RuntimeKind::Custom);
    let (payload, http) = if custom {
        (body, Some(forwarded(parts, &route.raw_path)))
    } else {
        let event = event::build(&event::Request {
            parts,
            raw_path: &route.raw_path,
            body: &body,
            request_id: &request_id,
            account_id: &state.config.account_id,
            source_ip: &source_ip,
            trigger_id: &route.domain_prefix,
        });
        (Bytes::from(event), None)
    };
    let invocation = Invocation {
        request_id,
        payload,
        log_tail: false,
        qualifier: Some(prepared.qualifier.clone()),
        retry_count: 0,
        http,
        fc2_http: route.fc2 && !custom,
        session: bound.session.clone(),
    };
    let outcome = state
        .engine
        .executor
        .invoke(&prepared.spec, invocation)
        .await;
    bound.finish(state);
    let outcome = outcome?;
    let mut response = if custom {
        reply::passed_through(outcome)
    } else {
        reply::from_event_result(outcome)
    }?;
    bound.mark(response.headers_mut());
    Ok(response)
}

/// 400 `InvalidArgument` past the service's limits on an HTTP trigger request.
fn check_size(parts: &Parts, body_len: usize) -> FcResult<()> {
    let path_and_query = parts.uri.path_and_query().map_or(0, |p| p.as_str().len());
    if path_and_query > MAX_PATH_AND_QUERY {
        return Err(FcError::invalid_argument(format!(
            "the path with its query is {path_and_query} bytes; the maximum is {MAX_PATH_AND_QUERY}"
        )));
    }
    let headers: usize = parts
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers > MAX_HEADER_BYTES {
        return Err(FcError::invalid_argument(format!(
            "the request headers are {headers} bytes; the maximum is {MAX_HEADER_BYTES}"
        )));
    }
    if body_len > SYNC_PAYLOAD_LIMIT {
        return Err(FcError::invalid_argument(format!(
            "the request body is {body_len} bytes; the maximum is {SYNC_PAYLOAD_LIMIT}"
        )));
    }
    Ok(())
}

/// The request a custom runtime receives: the caller's method, the path below the trigger
/// with the query, and the caller's headers without hop-by-hop ones and without `x-fc-*` ones
/// (the protocol's own `x-fc-*` headers are set by the executor).
fn forwarded(parts: &Parts, raw_path: &str) -> HttpRequest {
    let path_and_query = match parts.uri.query() {
        Some(query) => format!("{raw_path}?{query}"),
        None => raw_path.to_owned(),
    };
    HttpRequest {
        method: parts.method.clone(),
        path_and_query,
        headers: passed_headers(&parts.headers),
    }
}

/// `headers` without hop-by-hop headers and `x-fc-*` headers.
fn passed_headers(headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if !is_hop_by_hop(name) && !name.as_str().starts_with("x-fc-") {
            kept.append(name.clone(), value.clone());
        }
    }
    kept
}

fn is_hop_by_hop(name: &HeaderName) -> bool {
    HOP_BY_HOP.contains(&name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_paths_name_function_trigger_and_the_path_below() {
        let t = target("/__http/hello/web/api/x%20y").unwrap();
        assert_eq!(
            (t.function, t.trigger, t.raw_path),
            ("hello", "web", "/api/x%20y")
        );
        assert_eq!(target("/__http/hello/web/").unwrap().raw_path, "/");
        assert_eq!(target("/__http/hello/web").unwrap().raw_path, "/");
        assert_eq!(target("/__http/hello/"), None);
        assert_eq!(target("/__http/hello"), None);
        assert_eq!(target("/__http/"), None);
    }

    #[test]
    fn passed_headers_drop_hop_by_hop_and_fc_headers_and_keep_repeats() {
        let mut headers = HeaderMap::new();
        headers.insert("connection", "keep-alive".parse().unwrap());
        headers.insert("content-length", "3".parse().unwrap());
        headers.insert("x-fc-request-id", "forged".parse().unwrap());
        headers.append("accept", "a".parse().unwrap());
        headers.append("accept", "b".parse().unwrap());
        let kept = passed_headers(&headers);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept.get_all("accept").iter().count(), 2);
    }
}

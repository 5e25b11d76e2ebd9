//! FC 2.0 HTTP triggers: `/{version}/proxy/{service}[.qualifier]/{function}/{path}` carries any
//! method, query, headers and body to the function (fc2.md); the function's status, headers
//! and body come back. The trigger's `triggerConfig` decides who may call (`authType`, with
//! the classic `FC` signature over the path and query) and which methods; the path's
//! qualifier, else the trigger's, decides what runs.
//!
//! Python functions get FC 2.0's WSGI call (`handler(environ, start_response)`), Node.js ones
//! FC 2.0's `handler(request, response, context)`, custom runtimes the request itself.

use axum::extract::{Request, State};
use axum::response::Response;
use fc_models::ErrorCode;

use super::qualifier::version_of;
use super::resource::{Stored, fc3_name, service_and_qualifier};
use crate::error::{FcError, FcResult};
use crate::http_trigger::{Route, TriggerConfig};
use crate::state::AppState;
use crate::store::resources::{self, Kind};

/// The `proxy/` segment after an FC 2.0 version prefix.
const PROXY: &str = "proxy/";

/// Whether `path` is an FC 2.0 HTTP trigger path (called without signing: the trigger's
/// `authType` decides).
pub fn is_proxy_path(path: &str) -> bool {
    [super::OPEN_PREFIX, super::CLASSIC_PREFIX]
        .iter()
        .any(|prefix| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with(PROXY))
        })
}

/// The service segment, function and path below them (still percent-encoded, from `/`).
fn target(path: &str) -> Option<(&str, &str, &str)> {
    let rest = [super::OPEN_PREFIX, super::CLASSIC_PREFIX]
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix))?
        .strip_prefix(PROXY)?;
    let (service, rest) = rest.split_once('/')?;
    let (function, below) = rest.split_once('/').unwrap_or((rest, ""));
    if service.is_empty() || function.is_empty() {
        return None;
    }
    let below_start = path.len() - below.len();
    let below = if below.is_empty() {
        "/"
    } else {
        &path[below_start - 1..]
    };
    Some((service, function, below))
}

/// Any request under `/{version}/proxy/`.
pub async fn serve(State(state): State<AppState>, request: Request) -> FcResult<Response> {
    let (parts, body) = crate::http_trigger::whole(request).await?;
    let path = parts.uri.path().to_owned();
    let (segment, function, below) = target(&path).ok_or_else(|| {
        FcError::new(
            ErrorCode::TriggerNotFound,
            format!("'{path}' names no function: HTTP trigger paths are /<version>/proxy/<service>/<function>/"),
        )
    })?;
    let (service, asked) = service_and_qualifier(segment, None);
    let (service, function) = (service.to_owned(), function.to_owned());
    let asked = asked.map(str::to_owned);
    let draw = crate::invoke::qualifier::random_draw();
    let lookup = (service.clone(), function.clone());
    let (trigger, version) = state
        .store
        .transact(move |tx, _| {
            let (service, function) = lookup;
            super::functions::require(tx, &service, &function)?;
            let triggers = resources::list::<Stored>(
                tx,
                Kind::ServiceTrigger,
                Some(&format!("{service}/{function}")),
            )?;
            let trigger = triggers
                .into_iter()
                .map(|entry| entry.value.doc)
                .find(|doc| doc.get("triggerType").and_then(|t| t.as_str()) == Some("http"))
                .ok_or_else(|| {
                    FcError::new(
                        ErrorCode::TriggerNotFound,
                        format!("function '{function}' of service '{service}' has no HTTP trigger"),
                    )
                })?;
            let qualifier = asked.or_else(|| {
                let named = trigger.get("qualifier").and_then(|q| q.as_str());
                named.filter(|q| !q.is_empty()).map(str::to_owned)
            });
            let version = version_of(tx, &service, qualifier.as_deref(), Some(draw))?;
            Ok((trigger, version))
        })
        .await?;
    let config = trigger
        .get("triggerConfig")
        .and_then(|c| c.as_str())
        .unwrap_or("{}");
    let route = Route {
        function: fc3_name(&service, &function),
        qualifier: version.map(|id| id.to_string()),
        raw_path: below.to_owned(),
        rules: TriggerConfig::parse(config)?,
        domain_prefix: trigger
            .get("triggerId")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_owned(),
        fc2: true,
    };
    crate::http_trigger::run(&state, &parts, body, &route).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_paths_name_service_function_and_path() {
        assert_eq!(
            target("/2016-08-15/proxy/svc.prod/fn/a/b%20c"),
            Some(("svc.prod", "fn", "/a/b%20c"))
        );
        assert_eq!(target("/2021-04-06/proxy/svc/fn"), Some(("svc", "fn", "/")));
        assert_eq!(
            target("/2021-04-06/proxy/svc/fn/"),
            Some(("svc", "fn", "/"))
        );
        assert_eq!(target("/2021-04-06/proxy/svc"), None);
        assert!(is_proxy_path("/2016-08-15/proxy/s/f/"));
        assert!(!is_proxy_path("/2016-08-15/services"));
    }
}

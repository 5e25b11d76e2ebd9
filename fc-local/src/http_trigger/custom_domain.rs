//! Requests to custom domains: a request whose `Host` names a domain created with
//! CreateCustomDomain, or its local form `<domain>.localhost` (which resolves to the loopback
//! address without any DNS set-up), is routed by the domain's `routeConfig` to a function,
//! which is called as through an HTTP trigger.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fc_models::{CustomDomain, CustomDomainAuthType, ErrorCode, PathConfig};

use super::{AuthType, Route, TriggerConfig, run};
use crate::error::{FcError, FcResult};
use crate::state::AppState;

/// The suffix of a custom domain's local form.
pub const LOCAL_SUFFIX: &str = ".localhost";

/// The custom domain a `Host` header may name: without port, lower case, without the
/// [`LOCAL_SUFFIX`]; `None` for IP addresses and `localhost`, which are fc-local's own.
///
/// ```
/// use fc_local::http_trigger::custom_domain::domain_of;
///
/// assert_eq!(domain_of("api.example.com.localhost:9000").as_deref(), Some("api.example.com"));
/// assert_eq!(domain_of("API.Example.com").as_deref(), Some("api.example.com"));
/// assert_eq!(domain_of("127.0.0.1:9000"), None);
/// assert_eq!(domain_of("[::1]:9000"), None);
/// assert_eq!(domain_of("localhost:9000"), None);
/// ```
pub fn domain_of(host: &str) -> Option<String> {
    let host = host.trim().to_ascii_lowercase();
    if host.starts_with('[') {
        return None; // an IPv6 literal
    }
    let name = host
        .rsplit_once(':')
        .map_or(host.as_str(), |(name, _)| name);
    let name = name.strip_suffix(LOCAL_SUFFIX).unwrap_or(name);
    if name.is_empty() || name == "localhost" || name.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    Some(name.to_owned())
}

/// Runs before the API's signature check: a request that `crate::guard` found to be for a
/// custom domain (it carries the [`CustomDomain`]) is served here; any other goes on to the API.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(domain) = request.extensions().get::<CustomDomain>().cloned() else {
        return next.run(request).await;
    };
    let name = domain.domain_name.clone().unwrap_or_default();
    let (parts, body) = match crate::gate::buffered(&state.config, request).await {
        Ok(buffered) => buffered,
        Err(response) => return response,
    };
    serve(&state, &parts, body, &name, &domain)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn serve(
    state: &AppState,
    parts: &Parts,
    body: Bytes,
    name: &str,
    domain: &CustomDomain,
) -> FcResult<Response> {
    let path = parts.uri.path();
    let routes = domain
        .route_config
        .as_ref()
        .map(|config| config.routes.as_slice())
        .unwrap_or_default();
    let picked = pick(routes, path).ok_or_else(|| {
        FcError::with_status(
            StatusCode::NOT_FOUND,
            ErrorCode::PathNotSupported,
            format!("no route of custom domain '{name}' matches the path '{path}'"),
        )
    })?;
    let auth_type = match domain
        .auth_config
        .as_ref()
        .and_then(|a| a.auth_type.as_ref())
    {
        None | Some(CustomDomainAuthType::Anonymous) => AuthType::Anonymous,
        Some(CustomDomainAuthType::Function) => AuthType::Function,
        Some(_) => AuthType::Jwt,
    };
    let function = picked.function_name.clone().unwrap_or_default();
    let mut qualifier = picked.qualifier.clone().filter(|q| !q.is_empty());
    // An FC 2.0 function (`service$function`): its qualifier names a version or alias of the
    // service, resolved to the version its FC 3.0 twin has.
    let service = function
        .split_once('$')
        .map(|(service, _)| service.to_owned());
    if let Some(service) = &service {
        let (service, asked) = (service.clone(), qualifier.take());
        let draw = crate::invoke::qualifier::random_draw();
        let version = state
            .store
            .transact(move |tx, _| {
                crate::fc2::qualifier::version_of(tx, &service, asked.as_deref(), Some(draw))
            })
            .await?;
        qualifier = version.map(|id| id.to_string());
    }
    let route = Route {
        function,
        qualifier,
        raw_path: path.to_owned(),
        rules: TriggerConfig {
            auth_type,
            methods: picked
                .methods
                .iter()
                .map(|m| m.as_str().to_ascii_uppercase())
                .collect(),
        },
        domain_prefix: name.split('.').next().unwrap_or_default().to_owned(),
        fc2: service.is_some(),
    };
    run(state, parts, body, &route).await
}

/// The route for `path`: an exact `path` first, else the longest `prefix*` that `path`
/// starts with (the service's rule for custom-domain routes).
fn pick<'a>(routes: &'a [PathConfig], path: &str) -> Option<&'a PathConfig> {
    if let Some(exact) = routes.iter().find(|r| r.path.as_deref() == Some(path)) {
        return Some(exact);
    }
    routes
        .iter()
        .filter_map(|route| {
            let prefix = route.path.as_deref()?.strip_suffix('*')?;
            path.starts_with(prefix).then_some((prefix.len(), route))
        })
        .max_by_key(|(length, _)| *length)
        .map(|(_, route)| route)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str, function: &str) -> PathConfig {
        PathConfig {
            path: Some(path.to_owned()),
            function_name: Some(function.to_owned()),
            ..PathConfig::default()
        }
    }

    #[test]
    fn exact_routes_win_then_the_longest_wildcard() {
        let routes = [
            route("/*", "root"),
            route("/api/*", "api"),
            route("/api/users", "users"),
            route("/api/users/*", "user"),
        ];
        let picked = |path| pick(&routes, path).and_then(|r| r.function_name.as_deref());
        assert_eq!(picked("/api/users"), Some("users"));
        assert_eq!(picked("/api/users/7"), Some("user"));
        assert_eq!(picked("/api/other"), Some("api"));
        assert_eq!(picked("/index.html"), Some("root"));
        assert_eq!(
            pick(&routes[2..3], "/api/users/"),
            None,
            "exact means exact"
        );
    }
}

//! Only fc-local's user may drive it: the first check every request passes.
//!
//! - **`Origin`.** A browser sends `Origin` with cross-site requests, even ones it sends without
//!   a preflight (a form's `text/plain` POST). A request whose `Origin` is not a loopback page
//!   (`localhost`, `*.localhost`, a loopback address) or a host allowed with `--allow-host` is
//!   refused, so a web page cannot drive fc-local, `--no-auth` or not.
//! - **`Host`.** DNS rebinding makes a foreign name resolve to 127.0.0.1, so a page's requests
//!   arrive with that name as `Host`. fc-local answers only IP addresses, `localhost` and
//!   `*.localhost`, the custom domains created in it (which route to functions), and hosts
//!   allowed with `--allow-host`; any other `Host` is refused.
//!
//! Both refusals are 403 `AccessDenied` naming the header and the flag.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fc_models::{CustomDomain, ErrorCode};

use crate::error::FcError;
use crate::http_trigger::custom_domain::{LOCAL_SUFFIX, domain_of};
use crate::state::AppState;
use crate::store::resources::{self, Kind};

/// Whether `name` (lower case, without port) is a loopback name: `localhost`, `*.localhost` or
/// a loopback address.
fn is_loopback_name(name: &str) -> bool {
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    name == "localhost"
        || name.ends_with(LOCAL_SUFFIX)
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `host[:port]` lower case, without the port.
fn without_port(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if host.starts_with('[') {
        return host
            .split_once(']')
            .map_or(host.clone(), |(ip, _)| format!("{ip}]"));
    }
    host.rsplit_once(':')
        .map_or(host.clone(), |(name, _)| name.to_owned())
}

/// The host of an `Origin` (`scheme://host[:port]`), lower case, without port.
fn origin_host(origin: &str) -> Option<String> {
    let (_, rest) = origin.split_once("://")?;
    Some(without_port(rest))
}

/// Whether a request with this `Origin` may drive fc-local.
///
/// ```
/// use fc_local::guard::origin_allowed;
///
/// assert!(origin_allowed("http://localhost:3000", &[]));
/// assert!(origin_allowed("http://127.0.0.1:9000", &[]));
/// assert!(origin_allowed("http://console.localhost:9000", &[]));
/// assert!(!origin_allowed("http://evil.example", &[]));
/// assert!(!origin_allowed("http://203.0.113.5", &[]), "a public address is a foreign page");
/// assert!(!origin_allowed("null", &[]));
/// assert!(origin_allowed("https://dev.example.com", &["dev.example.com".to_owned()]));
/// ```
pub fn origin_allowed(origin: &str, allowed_hosts: &[String]) -> bool {
    origin_host(origin).is_some_and(|host| is_loopback_name(&host) || allowed_hosts.contains(&host))
}

fn refused(message: String) -> Response {
    FcError::new(ErrorCode::AccessDenied, message).into_response()
}

/// Refuses requests from foreign pages and foreign host names (see the module docs); a request
/// to a custom domain carries its [`CustomDomain`] on to the custom-domain layer.
pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let allowed = &state.config.allowed_hosts;
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("<not text>");
        if !origin_allowed(origin, allowed) {
            return refused(format!(
                "requests from the web page {origin} are refused: fc-local serves only its user \
                 (allow a page's host with --allow-host)"
            ));
        }
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let Some(name) = domain_of(&host) else {
        return next.run(request).await; // an IP address or localhost
    };
    let lookup = name.clone();
    let found = state
        .store
        .transact(move |tx, _| resources::get::<CustomDomain>(tx, Kind::CustomDomain, "", &lookup))
        .await;
    match found {
        Ok(Some(domain)) => {
            request.extensions_mut().insert(domain);
            next.run(request).await
        }
        Ok(None) if is_loopback_name(&without_port(&host)) || allowed.contains(&name) => {
            next.run(request).await
        }
        Ok(None) => refused(format!(
            "Host '{host}' is not fc-local's: use an IP address or localhost, create the custom \
             domain, or allow the name with --allow-host"
        )),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names() {
        for name in [
            "localhost",
            "a.localhost",
            "127.0.0.1",
            "127.3.4.5",
            "[::1]",
        ] {
            assert!(is_loopback_name(name), "{name}");
        }
        for name in [
            "example.com",
            "10.0.0.1",
            "localhost.example.com",
            "[2001:db8::1]",
        ] {
            assert!(!is_loopback_name(name), "{name}");
        }
        assert_eq!(origin_host("http://[::1]:9000").as_deref(), Some("[::1]"));
        assert_eq!(
            origin_host("https://A.Example:443").as_deref(),
            Some("a.example")
        );
    }
}

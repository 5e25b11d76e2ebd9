//! Who may use the console: the console's own page (same origin) with the printed token, or a
//! signed request (what `fc-local logs` sends), as [`crate::console`] describes.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;

use crate::error::FcError;
use crate::state::AppState;

/// Header that carries the console token (the page sends it on every data request).
pub const TOKEN_HEADER: &str = "x-console-token";

/// Whether `origin` is the console's own: the scheme-less `host[:port]` of `Origin` equals the
/// request's `Host`.
///
/// ```
/// use fc_local::console::access::same_origin;
///
/// assert!(same_origin("http://127.0.0.1:9000", "127.0.0.1:9000"));
/// assert!(same_origin("http://LOCALHOST:9000", "localhost:9000"));
/// assert!(!same_origin("http://localhost:3000", "localhost:9000"), "another local page");
/// assert!(!same_origin("null", "localhost:9000"));
/// ```
pub fn same_origin(origin: &str, host: &str) -> bool {
    origin
        .strip_prefix("http://")
        .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
}

/// The token a request carries: the `x-console-token` header, else the `token` query value.
fn token_of<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Option<&'a str> {
    if let Some(value) = headers.get(TOKEN_HEADER) {
        return value.to_str().ok();
    }
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

fn refused(message: &str) -> Response {
    FcError::new(ErrorCode::AccessDenied, message).into_response()
}

/// Lets a request through when it is the console's own page with the token, or signed.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        if !same_origin(origin, host) {
            return refused(&format!(
                "the console answers only its own page, not one from {origin}"
            ));
        }
    }
    let token = token_of(headers, request.uri().query());
    if token.is_some_and(|sent| fc_client::signing::signatures_match(sent, &state.console_token)) {
        return next.run(request).await;
    }
    let (parts, body) = match crate::gate::buffered(&state.config, request).await {
        Ok(buffered) => buffered,
        Err(response) => return response,
    };
    if crate::gate::check_trigger_signature(&state.config, &parts, &body).is_ok() {
        return next.run(Request::from_parts(parts, Body::from(body))).await;
    }
    refused(
        "the console needs the token of the URL fc-local printed at start (console: ...), or a \
         request signed with the server's keys",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_from_the_header_or_the_query() {
        let mut headers = HeaderMap::new();
        assert_eq!(token_of(&headers, Some("a=1&token=t1")), Some("t1"));
        assert_eq!(token_of(&headers, Some("a=1")), None);
        assert_eq!(token_of(&headers, None), None);
        headers.insert(TOKEN_HEADER, "t2".parse().unwrap());
        assert_eq!(token_of(&headers, Some("token=t1")), Some("t2"));
    }
}

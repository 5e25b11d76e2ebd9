//! The FC 3.0 API on an FC 2.0 function's twin (`service$function`): reads and invocations
//! pass; writes (UpdateFunction, DeleteFunction, versions, aliases, triggers, configs...) are
//! refused with 400, naming the FC 2.0 path to use, so that the two views never drift apart.

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::FcError;

/// The FC 3.0 path prefix of a function's operations.
const FUNCTIONS: &str = "/2023-03-30/functions/";

/// Why FC 3.0 may not make this request, if it may not.
fn refusal(method: &Method, path: &str) -> Option<String> {
    if method == Method::GET || method == Method::HEAD {
        return None;
    }
    let rest = path.strip_prefix(FUNCTIONS)?;
    let (segment, below) = rest.split_once('/').unwrap_or((rest, ""));
    if below == "invocations" {
        return None;
    }
    let name = fc_client::signing::decode_path(segment);
    let (service, function) = name.split_once('$')?;
    Some(format!(
        "function '{name}' is function '{function}' of the FC 2.0 service '{service}': FC 3.0 \
         reads and invokes it, change it through the FC 2.0 API \
         (/2021-04-06/services/{service}/functions/{function})"
    ))
}

/// Middleware on the FC 3.0 routes: 400 `InvalidArgument` for a write to an FC 2.0 twin.
pub async fn guard(request: Request, next: Next) -> Response {
    match refusal(request.method(), request.uri().path()) {
        Some(message) => FcError::invalid_argument(message).into_response(),
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_writes_to_twins_are_refused() {
        let twin = "/2023-03-30/functions/svc$fn";
        assert!(refusal(&Method::GET, twin).is_none());
        assert!(refusal(&Method::POST, &format!("{twin}/invocations")).is_none());
        assert!(
            refusal(&Method::PUT, twin)
                .unwrap()
                .contains("/2021-04-06/services/svc/functions/fn")
        );
        assert!(refusal(&Method::DELETE, "/2023-03-30/functions/svc%24fn").is_some());
        assert!(refusal(&Method::POST, &format!("{twin}/versions")).is_some());
        assert!(refusal(&Method::PUT, "/2023-03-30/functions/plain").is_none());
        assert!(refusal(&Method::POST, "/2023-03-30/functions").is_none());
    }
}

//! The console: a page served by fc-local itself that shows what it runs (functions with their
//! versions, aliases, triggers, instances and async tasks; recent invocations with their log
//! lines; live logs) and invokes functions, plus the JSON endpoints behind it, which
//! `fc-local logs` and `fc-local invocations` ([`client`]) read too.
//!
//! | path | what |
//! |---|---|
//! | `GET /__console/` | the page (static HTML, CSS and JavaScript embedded in the binary) |
//! | `GET /__console/api/overview` | every function with runtime, state, memory, versions, aliases, triggers (HTTP trigger URLs), instances and recent async tasks |
//! | `GET /__console/api/functions/{name}` | a function's configuration as GetFunction shows it, secret-looking environment values masked |
//! | `GET /__console/api/invocations?function=&after=&limit=` | the invocation history, oldest first, each with its log lines |
//! | `GET /__console/api/logs?function=&after=&wait=` | a function's kept log lines numbered above `after`, waiting up to `wait` seconds (at most 20) for new ones |
//! | `POST /__console/api/invoke` | `{"functionName", "qualifier", "payload"}`: runs the function synchronously; answers its status, error type, body and log |
//!
//! Who gets in ([`access`]): the token of the URL fc-local prints at start (`token` query value
//! or `x-console-token` header), or a request signed as API requests are (ACS3 or the classic
//! `FC` scheme; with `--no-auth`, any request, as for the API). Requests with an `Origin` other
//! than the console's own are refused whatever they carry, after the `Host`/`Origin` checks
//! every request passes ([`crate::guard`]).

pub mod access;
pub mod client;
mod data;
mod page;

use axum::Router;
use axum::middleware;
use axum::routing::{get, post};

use crate::state::AppState;

pub use data::is_secret_name;

/// Path prefix of the console and its data endpoints.
pub const PREFIX: &str = "/__console/";

/// The console URL of a server at `endpoint` with `token`.
///
/// ```
/// assert_eq!(
///     fc_local::console::url("http://127.0.0.1:9000", "abc"),
///     "http://127.0.0.1:9000/__console/?token=abc"
/// );
/// ```
pub fn url(endpoint: &str, token: &str) -> String {
    format!("{endpoint}{PREFIX}?token={token}")
}

/// The console's routes, behind [`access::layer`].
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route(PREFIX, get(page::serve))
        .route("/__console/api/overview", get(data::overview))
        .route("/__console/api/functions/{name}", get(data::function))
        .route("/__console/api/invocations", get(data::invocations))
        .route("/__console/api/logs", get(data::logs))
        .route("/__console/api/invoke", post(data::invoke))
        .route(
            crate::faults::admin::PATH,
            get(crate::faults::admin::list)
                .post(crate::faults::admin::add)
                .delete(crate::faults::admin::clear),
        )
        .route_layer(middleware::from_fn_with_state(state, access::layer))
}

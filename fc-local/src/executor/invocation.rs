//! One call of a function and what came back.

use std::time::Duration;

use bytes::Bytes;
use fc_client::FunctionErrorType;

use super::session::SessionRef;

/// A call to run: request id, event and the caller's options.
///
/// ```
/// use fc_local::executor::Invocation;
///
/// let call = Invocation::new("req-1", "hello").with_log_tail(true);
/// assert_eq!(&call.payload[..], b"hello");
/// assert!(call.qualifier.is_none());
/// ```
#[derive(Clone, Debug)]
pub struct Invocation {
    /// The request id (`x-fc-request-id`, `context.request_id`).
    pub request_id: String,
    /// The event, passed to the handler unchanged.
    pub payload: Bytes,
    /// Whether to return the invocation's log tail (`x-fc-log-type: Tail`).
    pub log_tail: bool,
    /// What the caller asked for (`LATEST`, a version or an alias); `None` means `LATEST`.
    /// The version actually run is the spec's `version`.
    pub qualifier: Option<String>,
    /// Retry number of an asynchronous invocation (`x-fc-retry-count`), 0 for the first try.
    pub retry_count: u32,
    /// For a call through an HTTP trigger: the request a custom runtime receives as it is (its
    /// method, path, query and headers, with [`payload`](Self::payload) as body) instead of
    /// `POST /invoke`. Built-in runtimes ignore it: they get the HTTP event as payload.
    pub http: Option<HttpRequest>,
    /// For a call through an FC 2.0 HTTP trigger of a built-in runtime: the payload is the HTTP
    /// event, and the handler has FC 2.0's HTTP signature (Python: WSGI's
    /// `handler(environ, start_response)`; Node.js: `handler(request, response, context)`), not
    /// `handler(event, context)`. The instance is told
    /// with the `x-fc-local-http-contract: fc2` header.
    pub fc2_http: bool,
    /// The session the call belongs to: it runs on the session's instance (started for it if
    /// it has none), never on another; `None` runs on an instance of no session.
    pub session: Option<SessionRef>,
}

/// The HTTP request a custom runtime's server receives for a call through an HTTP trigger.
#[derive(Clone, Debug)]
pub struct HttpRequest {
    /// The request method.
    pub method: axum::http::Method,
    /// The path and query the function sees (below the trigger's URL), starting with `/`.
    pub path_and_query: String,
    /// The caller's headers; the `x-fc-*` headers of the protocol are set over them.
    pub headers: axum::http::HeaderMap,
}

impl Invocation {
    /// A call without log tail, qualifier `LATEST`, first try.
    pub fn new(request_id: impl Into<String>, payload: impl Into<Bytes>) -> Self {
        Invocation {
            request_id: request_id.into(),
            payload: payload.into(),
            log_tail: false,
            qualifier: None,
            retry_count: 0,
            http: None,
            fc2_http: false,
            session: None,
        }
    }

    /// Asks for (or not) the log tail.
    #[must_use]
    pub fn with_log_tail(mut self, log_tail: bool) -> Self {
        self.log_tail = log_tail;
        self
    }

    /// Runs the call on `session`'s instance.
    #[must_use]
    pub fn with_session(mut self, session: SessionRef) -> Self {
        self.session = Some(session);
        self
    }

    /// Records the qualifier the caller used.
    #[must_use]
    pub fn with_qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }
}

/// The result of an invocation that reached the function, successful or not.
#[derive(Clone, Debug, PartialEq)]
pub struct InvocationOutcome {
    /// HTTP status for InvokeFunction: 200, also for function errors (the service reports those
    /// with a 2xx status and `X-Fc-Error-Type`). For an [`HttpRequest`] a custom runtime
    /// answered, its status.
    pub status: u16,
    /// For an [`HttpRequest`] a custom runtime answered, its response headers; else empty.
    pub headers: axum::http::HeaderMap,
    /// The response body: the handler's result, or an error JSON.
    pub body: Bytes,
    /// `X-Fc-Error-Type`: `None` on success, else [`FunctionErrorType::Handled`] (an error the
    /// function reported itself, such as a Node.js `callback(err)`),
    /// [`FunctionErrorType::Unhandled`] (exceptions, crashes, timeouts) or
    /// [`FunctionErrorType::Initialization`] (the initializer failed or timed out).
    pub error_type: Option<FunctionErrorType>,
    /// The last 4 KB (4,096 bytes, cut on a character boundary) of this invocation's output,
    /// if [`Invocation::log_tail`] was set; not yet base64-encoded.
    pub log_tail: Option<String>,
    /// Id of the instance that ran the invocation (`X-Fc-Instance-Id`).
    pub instance_id: String,
    /// Time spent in the handler, from sending the event to the answer (initializer excluded).
    pub duration: Duration,
    /// Peak memory of the instance's main process so far, in MB (`X-Fc-Max-Memory-Usage`);
    /// Linux only, `None` elsewhere or when the process is already gone.
    pub max_memory_mb: Option<f64>,
}

impl InvocationOutcome {
    /// Whether the function succeeded (no error type).
    pub fn is_success(&self) -> bool {
        self.error_type.is_none()
    }
}

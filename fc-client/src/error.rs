//! The one error type callers see.
//!
//! Every `send()` of a generated builder and every hand-written helper fails with
//! [`fc_client::Error`](Error), keeping everything the response said: HTTP status, headers,
//! the FC error code, its message and the request id (from the body or the `x-fc-request-id`
//! header). [`Display`](std::fmt::Display) puts them on one line, and `?` into `anyhow::Error`
//! or `Box<dyn std::error::Error>` keeps that line and can be downcast back:
//!
//! ```text
//! FunctionNotFound: function 'hello' does not exist (status 404, request id 1-64c7-2a5e)
//! ```
//!
//! ```
//! use fc_client::{Error, ErrorCode};
//!
//! fn describe(error: &Error) -> &'static str {
//!     match error.code() {
//!         Some(ErrorCode::FunctionNotFound) => "create it first",
//!         _ if error.is_throttled() => "slow down",
//!         _ if error.is_retryable() => "try again",
//!         _ => "give up",
//!     }
//! }
//!
//! fn after_question_mark(error: Box<dyn std::error::Error>) -> Option<u16> {
//!     error.downcast_ref::<Error>().and_then(Error::status)
//! }
//! # let _ = (describe, after_question_mark);
//! ```

use std::fmt;

use fc_models::{ErrorBody, ErrorCode};
use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;

/// Header carrying the request id on every Function Compute response.
pub const REQUEST_ID_HEADER: &str = "x-fc-request-id";

/// The cause of an [`Error`], as [`std::error::Error::source`] returns it.
type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error from a Function Compute call.
///
/// The underlying failure (a transport error, a JSON error), when there is one, is kept as the
/// error's [`source`](std::error::Error::source) rather than folded into the message.
///
/// It is one pointer wide: the parts live behind a `Box`, so `Result<T, Error>` stays small.
#[derive(Debug)]
pub struct Error(Box<Parts>);

#[derive(Debug)]
struct Parts {
    kind: ErrorKind,
    status: Option<u16>,
    code: Option<ErrorCode>,
    message: String,
    request_id: Option<String>,
    headers: HeaderMap,
    source: Option<Cause>,
}

/// What went wrong, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The service answered with an error status (4xx/5xx).
    Service,
    /// The request never got an answer: connection refused or reset, DNS, TLS.
    Transport,
    /// No answer within the connect, per-attempt or operation timeout.
    Timeout,
    /// The request could not be built: a missing required input or an invalid value.
    InvalidRequest,
    /// The answer did not match the API (unexpected status or undecodable body).
    InvalidResponse,
    /// Credentials could not be found or refreshed.
    Credentials,
}

impl Error {
    /// The broad category of the failure.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The FC error code of a service error.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.0.code.as_ref()
    }

    /// The error message (the service's, or ours for client-side failures).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The request id, from the error body or the `x-fc-request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The headers of the answer (empty when there was none).
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// Whether the resource (function, version, alias, trigger, ...) does not exist: status 404
    /// or a `*NotFound` code.
    pub fn is_not_found(&self) -> bool {
        self.0.status == Some(404) || self.code_ends_with("NotFound")
    }

    /// Whether the resource to create exists already: a `*AlreadyExists` code or status 409.
    pub fn is_already_exists(&self) -> bool {
        self.code_ends_with("AlreadyExists") || self.0.status == Some(409)
    }

    /// Whether the service throttled the call (status 429 or a throttling code).
    pub fn is_throttled(&self) -> bool {
        self.0.status == Some(429) || self.0.code.as_ref().is_some_and(ErrorCode::is_throttling)
    }

    /// Whether the credentials were refused or lack the permission (status 401 or 403), or could
    /// not be had at all.
    pub fn is_access_denied(&self) -> bool {
        matches!(self.0.status, Some(401 | 403)) || self.0.kind == ErrorKind::Credentials
    }

    /// Whether the call ran out of time (a connect, attempt or operation timeout).
    pub fn is_timeout(&self) -> bool {
        self.0.kind == ErrorKind::Timeout
    }

    fn code_ends_with(&self, suffix: &str) -> bool {
        self.0
            .code
            .as_ref()
            .is_some_and(|code| code.as_str().ends_with(suffix))
    }

    /// Whether a conditional write lost: the resource changed since the `ETag` sent in
    /// `If-Match` was read, and the write changed nothing (code `PreconditionFailed`, status 412).
    /// See [`crate::conditional`].
    pub fn is_precondition_failed(&self) -> bool {
        self.0.code == Some(ErrorCode::PreconditionFailed)
    }

    /// Whether trying the same call again may succeed: throttling, 5xx, transport failures and
    /// timeouts. (The client already retried as far as its retry policy allows.)
    pub fn is_retryable(&self) -> bool {
        match self.0.kind {
            ErrorKind::Transport | ErrorKind::Timeout => true,
            ErrorKind::Service => {
                self.0.code.as_ref().is_some_and(ErrorCode::is_throttling)
                    || self.0.status.is_some_and(crate::retry::is_retryable_status)
            }
            _ => false,
        }
    }

    /// An error of `kind` with `message`, for failures detected on this side.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Parts {
            kind,
            status: None,
            code: None,
            message: message.into(),
            request_id: None,
            headers: HeaderMap::new(),
            source: None,
        }))
    }

    /// The same error, caused by `source`.
    fn caused_by(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// A service error from the parts of an error answer.
    pub(crate) fn service(status: u16, body: ErrorBody, headers: HeaderMap) -> Self {
        let request_id = body
            .request_id
            .or_else(|| header_request_id(&headers).map(str::to_owned));
        Error(Box::new(Parts {
            kind: ErrorKind::Service,
            status: Some(status),
            code: body.code.as_deref().map(ErrorCode::from),
            message: body.message.unwrap_or_default(),
            request_id,
            headers,
            source: None,
        }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.0.code, self.0.kind) {
            (Some(code), _) => write!(f, "{code}: ")?,
            (None, ErrorKind::Service) => write!(f, "service error: ")?,
            (None, ErrorKind::Transport) => write!(f, "transport error: ")?,
            (None, ErrorKind::Timeout) => write!(f, "timed out: ")?,
            (None, ErrorKind::InvalidRequest) => write!(f, "invalid request: ")?,
            (None, ErrorKind::InvalidResponse) => write!(f, "invalid response: ")?,
            (None, ErrorKind::Credentials) => write!(f, "credentials error: ")?,
        }
        f.write_str(if self.0.message.is_empty() {
            "(no message)"
        } else {
            &self.0.message
        })?;
        let mut extras = Vec::new();
        if let Some(status) = self.0.status {
            extras.push(format!("status {status}"));
        }
        if let Some(id) = &self.0.request_id {
            extras.push(format!("request id {id}"));
        }
        if !extras.is_empty() {
            write!(f, " ({})", extras.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|cause| cause as &(dyn std::error::Error + 'static))
    }
}

fn header_request_id(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok())
}

/// What every generated `send()` uses to turn progenitor's error into this one.
#[doc(hidden)]
impl From<progenitor_client::Error<ErrorBody>> for Error {
    fn from(error: progenitor_client::Error<ErrorBody>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::ErrorResponse(response) => from_error_response(response),
            P::InvalidRequest(message) => Error::new(ErrorKind::InvalidRequest, message),
            // The request hook reports exactly one kind of failure this way: credentials that
            // could not be had (see `hooks::pre`); progenitor itself never uses `Custom`.
            P::Custom(message) => Error::new(ErrorKind::Credentials, message),
            P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
                from_reqwest(e)
            }
            P::InvalidResponsePayload(body, e) => Error::new(
                ErrorKind::InvalidResponse,
                format!(
                    "the response body does not match the API ({e}); body starts with {:?}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ),
            )
            .caused_by(e),
            P::UnexpectedResponse(response) => {
                let mut error = Error::new(
                    ErrorKind::InvalidResponse,
                    format!("unexpected status {} for this operation", response.status()),
                );
                error.0.status = Some(response.status().as_u16());
                error.0.request_id = header_request_id(response.headers()).map(str::to_owned);
                error.0.headers = response.headers().clone();
                error
            }
        }
    }
}

fn from_error_response(response: ResponseValue<ErrorBody>) -> Error {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_inner();
    Error::service(status, body, headers)
}

/// Classifies a reqwest failure (timeouts and transport failures are distinct kinds), keeping
/// it as the source.
pub(crate) fn from_reqwest(error: reqwest::Error) -> Error {
    // The URL's query may carry anything: it stays out of the message.
    let error = error.without_url();
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else if error.is_builder() {
        ErrorKind::InvalidRequest
    } else if error.is_decode() {
        ErrorKind::InvalidResponse
    } else {
        ErrorKind::Transport
    };
    let mut converted = Error::new(kind, error.to_string());
    converted.0.status = error.status().map(|s| s.as_u16());
    converted.caused_by(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_code_message_status_and_request_id() {
        let body = ErrorBody {
            code: Some("FunctionNotFound".into()),
            message: Some("function 'hello' does not exist".into()),
            request_id: None,
        };
        let error = Error::service(404, body, request_id_headers("1-abc"));
        assert_eq!(
            error.to_string(),
            "FunctionNotFound: function 'hello' does not exist (status 404, request id 1-abc)"
        );
        assert_eq!(error.code(), Some(&ErrorCode::FunctionNotFound));
        assert!(!error.is_retryable());
    }

    #[test]
    fn body_request_id_wins_and_unknown_codes_stay() {
        let body = ErrorBody {
            code: Some("BrandNewCode".into()),
            message: None,
            request_id: Some("from-body".into()),
        };
        let error = Error::service(503, body, request_id_headers("from-header"));
        assert_eq!(error.request_id(), Some("from-body"));
        assert_eq!(
            error.code(),
            Some(&ErrorCode::Unknown("BrandNewCode".into()))
        );
        assert!(error.is_retryable(), "503 is retryable");
        assert_eq!(
            error.to_string(),
            "BrandNewCode: (no message) (status 503, request id from-body)"
        );
    }

    #[test]
    fn the_cause_is_kept_as_the_source() {
        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let error = Error::new(ErrorKind::InvalidResponse, "bad body").caused_by(json);
        let source = std::error::Error::source(&error).expect("a source");
        assert!(source.to_string().contains("EOF"), "{source}");
        assert_eq!(error.to_string(), "invalid response: bad body");
        assert!(std::error::Error::source(&Error::new(ErrorKind::Timeout, "t")).is_none());
    }

    #[test]
    fn throttling_codes_are_retryable_whatever_the_status() {
        let body = ErrorBody {
            code: Some("ResourceExhausted".into()),
            message: Some("slow down".into()),
            request_id: None,
        };
        let error = Error::service(400, body, HeaderMap::new());
        assert!(error.is_retryable());
        assert!(error.is_throttled());
    }

    fn request_id_headers(id: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID_HEADER, id.parse().unwrap());
        headers
    }

    #[test]
    fn the_common_checks_read_code_and_status() {
        let with = |status, code: &str| {
            let body = ErrorBody {
                code: Some(code.into()),
                message: None,
                request_id: None,
            };
            Error::service(status, body, HeaderMap::new())
        };
        assert!(with(404, "AliasNotFound").is_not_found());
        assert!(!with(404, "AliasNotFound").is_already_exists());
        assert!(with(409, "FunctionAlreadyExists").is_already_exists());
        assert!(with(403, "AccessDenied").is_access_denied());
        assert!(!with(400, "InvalidArgument").is_not_found());
        assert!(Error::new(ErrorKind::Timeout, "t").is_timeout());
    }

    #[test]
    fn headers_are_kept_and_the_boxed_error_downcasts() {
        let body = ErrorBody {
            code: Some("FunctionNotFound".into()),
            message: Some("gone".into()),
            request_id: None,
        };
        let error = Error::service(404, body, request_id_headers("1-xyz"));
        assert_eq!(error.headers()[REQUEST_ID_HEADER], "1-xyz");
        let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(error);
        assert_eq!(
            boxed.to_string(),
            "FunctionNotFound: gone (status 404, request id 1-xyz)"
        );
        let back = boxed
            .downcast_ref::<Error>()
            .expect("downcasts to fc_client::Error");
        assert!(back.is_not_found());
    }
}

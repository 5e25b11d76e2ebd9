//! The emulator's error type and its Function Compute-shaped rendering.
//!
//! Every failure becomes a JSON body `{"Code": ..., "Message": ..., "RequestId": ...}` with the
//! status the service uses for that code (see `errors.md` in the shared reference notes). The
//! request id is not known where an error is raised, so [`FcError::into_response`] leaves the body
//! to the request-id middleware ([`crate::request_id`]), which fills it in for every response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A failed request, as the client will see it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct FcError {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// The `Code` field, e.g. `FunctionNotFound`.
    pub code: &'static str,
    /// The `Message` field, in our own words.
    pub message: String,
}

impl FcError {
    /// An error with an explicit status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `InvalidArgument`: a parameter or body field is malformed or out of range.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidArgument", message)
    }

    /// 400 `MissingRequiredHeader`.
    pub fn missing_header(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "MissingRequiredHeader",
            format!("the request lacks the required header {name}"),
        )
    }

    /// 413 `EntityTooLarge`: a body or code package over the size the service accepts.
    pub fn entity_too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "EntityTooLarge", message)
    }

    /// 403 with one of the authentication codes.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    /// 404 with a resource-specific code such as `FunctionNotFound`.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 409 with a conflict code such as `FunctionAlreadyExists`.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 404 `FunctionNotFound` for `name`.
    pub fn function_not_found(name: &str) -> Self {
        Self::not_found(
            "FunctionNotFound",
            format!("function '{name}' does not exist"),
        )
    }

    /// 501 `NotImplemented` for an operation fc-local does not emulate.
    pub fn not_implemented(action: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            format!("fc-local does not emulate the {action} operation yet"),
        )
    }

    /// 500 `InternalServerError`. The cause is logged and, since fc-local is a local tool with
    /// nothing to hide from its user, also sent in the message.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            format!("fc-local hit an internal error: {cause}"),
        )
    }
}

impl From<rusqlite::Error> for FcError {
    fn from(err: rusqlite::Error) -> Self {
        Self::internal(format_args!("sqlite: {err}"))
    }
}

impl From<std::io::Error> for FcError {
    fn from(err: std::io::Error) -> Self {
        Self::internal(format_args!("io: {err}"))
    }
}

impl From<crate::executor::ExecError> for FcError {
    /// The API answer for an invocation the executor could not run, per
    /// [`ExecError::status_and_code`](crate::executor::ExecError::status_and_code); the message
    /// is the executor's.
    fn from(err: crate::executor::ExecError) -> Self {
        let (status, code) = err.status_and_code();
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::new(status, code, err.to_string())
    }
}

impl IntoResponse for FcError {
    /// An empty response with the status, carrying the error as an extension; the request-id
    /// middleware turns it into the JSON body.
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Result type of handlers and store operations.
pub type FcResult<T> = Result<T, FcError>;

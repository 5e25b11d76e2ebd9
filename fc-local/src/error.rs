//! The emulator's error type and its Function Compute-shaped rendering.
//!
//! Every failure becomes a JSON body `{"Code": ..., "Message": ..., "RequestId": ...}`. The code
//! is one of the shared [`ErrorCode`]s and the status is the one that list gives it, unless a
//! caller deliberately answers another ([`FcError::with_status`], each use says why). The request
//! id is not known where an error is raised, so [`FcError::into_response`] leaves the body to the
//! request-id middleware (`request_id::layer`), which fills it in for every response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;

/// A failed request, as the client will see it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct FcError {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// The `Code` field, e.g. [`ErrorCode::FunctionNotFound`].
    pub code: ErrorCode,
    /// The `Message` field, in our own words.
    pub message: String,
}

impl FcError {
    /// An error with `code` and the status the shared list gives it.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::with_status(status, code, message)
    }

    /// An error whose status differs from the one the shared list gives `code`; callers say why.
    pub fn with_status(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `InvalidArgument`: a parameter or body field is malformed or out of range.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }

    /// 400 `MissingRequiredHeader`.
    pub fn missing_header(name: &str) -> Self {
        Self::new(
            ErrorCode::MissingRequiredHeader,
            format!("the request lacks the required header {name}"),
        )
    }

    /// 413 `EntityTooLarge`: a body or code package over the size the service accepts.
    pub fn entity_too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::EntityTooLarge, message)
    }

    /// 404 `FunctionNotFound` for `name`.
    pub fn function_not_found(name: &str) -> Self {
        Self::new(
            ErrorCode::FunctionNotFound,
            format!("function '{name}' does not exist"),
        )
    }

    /// 404 `PathNotSupported`: no operation matches the method and path. The shared list gives
    /// the code 400; fc-local answers 404, as for any unknown route (README, "Unknown path or
    /// method").
    pub fn path_not_supported() -> Self {
        Self::with_status(
            StatusCode::NOT_FOUND,
            ErrorCode::PathNotSupported,
            "no operation of the Function Compute API matches this method and path",
        )
    }

    /// 501 `NotImplemented` for an operation fc-local does not emulate.
    pub fn not_implemented(action: &str) -> Self {
        Self::new(
            ErrorCode::NotImplemented,
            format!("fc-local does not emulate the {action} operation yet"),
        )
    }

    /// 500 `InternalServerError`. The cause is logged and, since fc-local is a local tool with
    /// nothing to hide from its user, also sent in the message.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            ErrorCode::InternalServerError,
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
    /// [`ExecError::code`](crate::executor::ExecError::code); the message is the executor's.
    fn from(err: crate::executor::ExecError) -> Self {
        Self::new(err.code(), err.to_string())
    }
}

impl From<fc_models::rules::Violation> for FcError {
    /// 400 `InvalidArgument` for input that breaks one of the spec's documented limits; the
    /// message is the violation's, which names the field and the rule.
    fn from(violation: fc_models::rules::Violation) -> Self {
        Self::invalid_argument(violation.to_string())
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

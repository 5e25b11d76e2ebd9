//! What can go wrong with an invocation: the call, the function, or decoding its answer.

use std::fmt;

use bytes::Bytes;

use crate::Error;

/// How much of a body error messages quote.
const PREFIX_BYTES: usize = 256;

/// The kind of function failure, from the `x-fc-error-type` header.
///
/// Open: a value this SDK does not know is kept in [`FunctionErrorType::Unknown`].
///
/// ```
/// use fc_client::FunctionErrorType;
///
/// assert_eq!(FunctionErrorType::from("UnhandledInvocationError"), FunctionErrorType::Unhandled);
/// assert_eq!(FunctionErrorType::from("Brand-new").as_str(), "Brand-new");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FunctionErrorType {
    /// `HandledInvocationError`: the function reported an error itself (for example through a
    /// Node.js callback).
    Handled,
    /// `UnhandledInvocationError`: the function raised, crashed or timed out.
    Unhandled,
    /// `InitializationError`: the instance's initializer failed or timed out.
    Initialization,
    /// Any other value, as sent.
    Unknown(String),
}

impl FunctionErrorType {
    /// The value as it appears in `x-fc-error-type`.
    ///
    /// ```
    /// assert_eq!(fc_client::FunctionErrorType::Handled.as_str(), "HandledInvocationError");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Self::Handled => "HandledInvocationError",
            Self::Unhandled => "UnhandledInvocationError",
            Self::Initialization => "InitializationError",
            Self::Unknown(value) => value,
        }
    }
}

impl From<&str> for FunctionErrorType {
    fn from(value: &str) -> Self {
        match value {
            "HandledInvocationError" => Self::Handled,
            "UnhandledInvocationError" => Self::Unhandled,
            "InitializationError" => Self::Initialization,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

impl From<String> for FunctionErrorType {
    fn from(value: String) -> Self {
        match Self::from(value.as_str()) {
            Self::Unknown(_) => Self::Unknown(value),
            known => known,
        }
    }
}

impl fmt::Display for FunctionErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error JSON the runtimes write: `{"errorMessage", "errorType", "stackTrace"}`.
#[derive(Debug, Default)]
struct RuntimeError {
    message: Option<String>,
    error_type: Option<String>,
    /// A list of strings (Node.js), a list of lists (Python) or an object (PHP).
    stack_trace: Option<serde_json::Value>,
}

impl RuntimeError {
    /// Reads what it can from a JSON object body; anything else yields nothing.
    fn parse(body: &[u8]) -> Self {
        let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_slice(body) else {
            return RuntimeError::default();
        };
        let mut text = |name: &str| match fields.remove(name) {
            Some(serde_json::Value::String(value)) => Some(value),
            _ => None,
        };
        RuntimeError {
            message: text("errorMessage"),
            error_type: text("errorType"),
            stack_trace: fields.remove("stackTrace"),
        }
    }
}

/// A function that ran and failed: the answer had a 2xx status and `x-fc-error-type`.
///
/// Distinct from an API [`Error`] (the call was rejected): here the call worked and the
/// function's own code (or its initializer, or its time limit) failed. The message shows the
/// error type, the runtime's `errorType` and `errorMessage` when the body is the runtimes' error
/// JSON (else the start of the body), and the request id:
///
/// ```text
/// UnhandledInvocationError: ZeroDivisionError: division by zero (request id 1-64c7-2a5e)
/// ```
///
/// ```no_run
/// use fc_client::{FunctionErrorType, InvokeError};
///
/// # async fn example(client: fc_client::Client) -> Result<(), InvokeError> {
/// match client.invoke_json::<serde_json::Value>("f", &()).await {
///     Err(InvokeError::Function(failure)) if failure.error_type() == &FunctionErrorType::Unhandled => {
///         eprintln!("{failure}");
///         eprintln!("log tail: {}", failure.log().unwrap_or("(not requested)"));
///     }
///     other => println!("{:?}", other?),
/// }
/// # Ok(())
/// # }
/// ```
pub struct FunctionError {
    inner: Box<Inner>,
}

struct Inner {
    error_type: FunctionErrorType,
    status: u16,
    body: Bytes,
    request_id: Option<String>,
    log: Option<String>,
    details: RuntimeError,
}

impl FunctionError {
    pub(crate) fn new(
        error_type: FunctionErrorType,
        status: u16,
        body: Bytes,
        request_id: Option<String>,
        log: Option<String>,
    ) -> Self {
        let details = RuntimeError::parse(&body);
        FunctionError {
            inner: Box::new(Inner {
                error_type,
                status,
                body,
                request_id,
                log,
                details,
            }),
        }
    }

    /// The kind of failure (`x-fc-error-type`).
    ///
    /// ```
    /// # fn check(failure: &fc_client::FunctionError) {
    /// println!("{}", failure.error_type());
    /// # }
    /// ```
    pub fn error_type(&self) -> &FunctionErrorType {
        &self.inner.error_type
    }

    /// The HTTP status of the answer (2xx).
    ///
    /// ```
    /// # fn check(failure: &fc_client::FunctionError) {
    /// assert!((200..300).contains(&failure.status()));
    /// # }
    /// ```
    pub fn status(&self) -> u16 {
        self.inner.status
    }

    /// The body the function (or its runtime) answered, unchanged.
    ///
    /// ```
    /// # fn check(failure: &fc_client::FunctionError) {
    /// println!("{}", String::from_utf8_lossy(failure.body()));
    /// # }
    /// ```
    pub fn body(&self) -> &Bytes {
        &self.inner.body
    }

    /// The request id of the invocation.
    ///
    /// ```
    /// # fn check(failure: &fc_client::FunctionError) {
    /// println!("{:?}", failure.request_id());
    /// # }
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The decoded log tail, if it was asked for with
    /// [`Invoke::log_tail`](crate::Invoke::log_tail) and could be decoded.
    ///
    /// ```
    /// # fn check(failure: &fc_client::FunctionError) {
    /// println!("{}", failure.log().unwrap_or("(no log)"));
    /// # }
    /// ```
    pub fn log(&self) -> Option<&str> {
        self.inner.log.as_deref()
    }

    /// `errorMessage` from the runtime's error JSON, if the body is that JSON.
    ///
    /// ```
    /// # fn check(failure: &fc_client::FunctionError) {
    /// println!("{}", failure.message().unwrap_or("(no message)"));
    /// # }
    /// ```
    pub fn message(&self) -> Option<&str> {
        self.inner.details.message.as_deref()
    }

    /// `errorType` from the runtime's error JSON (the exception's type, such as
    /// `ZeroDivisionError`), if the body is that JSON.
    ///
    /// ```
    /// # fn check(failure: &fc_client::FunctionError) {
    /// println!("{:?}", failure.exception_type());
    /// # }
    /// ```
    pub fn exception_type(&self) -> Option<&str> {
        self.inner.details.error_type.as_deref()
    }

    /// `stackTrace` from the runtime's error JSON; its shape depends on the runtime.
    ///
    /// ```
    /// # fn check(failure: &fc_client::FunctionError) {
    /// if let Some(trace) = failure.stack_trace() {
    ///     println!("{trace:#}");
    /// }
    /// # }
    /// ```
    pub fn stack_trace(&self) -> Option<&serde_json::Value> {
        self.inner.details.stack_trace.as_ref()
    }

    /// The body, taking it out of the error.
    ///
    /// ```
    /// # fn check(failure: fc_client::FunctionError) {
    /// let body: bytes::Bytes = failure.into_body();
    /// # let _ = body;
    /// # }
    /// ```
    pub fn into_body(self) -> Bytes {
        self.inner.body
    }
}

impl fmt::Debug for FunctionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FunctionError")
            .field("error_type", &self.inner.error_type)
            .field("status", &self.inner.status)
            .field("request_id", &self.inner.request_id)
            .field("message", &self.inner.details.message)
            .field("exception_type", &self.inner.details.error_type)
            .field("body", &body_prefix(&self.inner.body))
            .field("log", &self.inner.log)
            .finish()
    }
}

impl fmt::Display for FunctionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.inner.error_type)?;
        let details = &self.inner.details;
        match (&details.error_type, &details.message) {
            (Some(kind), Some(message)) => write!(f, "{kind}: {message}")?,
            (None, Some(message)) => f.write_str(message)?,
            (Some(kind), None) => f.write_str(kind)?,
            (None, None) if self.inner.body.is_empty() => f.write_str("(no message)")?,
            (None, None) => write!(f, "body {:?}", body_prefix(&self.inner.body))?,
        }
        if let Some(id) = &self.inner.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for FunctionError {}

/// Why an invocation did not produce the value asked for.
///
/// Returned by [`Client::invoke_json`](crate::Client::invoke_json),
/// [`InvokeOutput::into_result`](crate::InvokeOutput::into_result) and
/// [`InvokeOutput::json`](crate::InvokeOutput::json). An API [`Error`] converts into it with `?`.
///
/// ```no_run
/// use fc_client::{ErrorCode, InvokeError};
///
/// # async fn example(client: fc_client::Client) {
/// match client.invoke_json::<u64>("add", &[1, 2]).await {
///     Ok(sum) => println!("{sum}"),
///     Err(InvokeError::Api(e)) if e.code() == Some(&ErrorCode::FunctionNotFound) => {
///         println!("deploy it first")
///     }
///     Err(InvokeError::Function(failure)) => println!("it raised: {failure}"),
///     Err(InvokeError::Decode { message, .. }) => println!("unexpected answer: {message}"),
///     Err(other) => println!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InvokeError {
    /// The call failed: rejected by the service (4xx/5xx), not sent, or cut off.
    #[error(transparent)]
    Api(#[from] Error),
    /// The function ran and failed.
    #[error(transparent)]
    Function(#[from] FunctionError),
    /// The function succeeded but its answer is not the JSON expected.
    #[error(
        "the function's answer is not the JSON expected: {message}; body starts with {body_prefix:?}{}",
        .request_id.as_ref().map(|id| format!(" (request id {id})")).unwrap_or_default()
    )]
    Decode {
        /// What the JSON decoder said.
        message: String,
        /// The first 256 bytes of the body (invalid UTF-8 replaced).
        body_prefix: String,
        /// The request id of the invocation.
        request_id: Option<String>,
    },
}

impl InvokeError {
    /// The request id, whichever way the invocation failed (when the answer had one).
    ///
    /// ```
    /// # fn check(error: &fc_client::InvokeError) {
    /// eprintln!("{error} [{}]", error.request_id().unwrap_or("no request id"));
    /// # }
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        match self {
            InvokeError::Api(error) => error.request_id(),
            InvokeError::Function(failure) => failure.request_id(),
            InvokeError::Decode { request_id, .. } => request_id.as_deref(),
        }
    }
}

/// The start of `body` as text, for messages.
pub(crate) fn body_prefix(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(PREFIX_BYTES)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(body: &str, request_id: Option<&str>) -> FunctionError {
        FunctionError::new(
            FunctionErrorType::Unhandled,
            200,
            Bytes::copy_from_slice(body.as_bytes()),
            request_id.map(str::to_owned),
            None,
        )
    }

    #[test]
    fn message_uses_the_runtime_error_json() {
        let error = failure(
            r#"{"errorMessage":"division by zero","errorType":"ZeroDivisionError","stackTrace":[["File \"/code/index.py\"","line 2"]]}"#,
            Some("1-abc"),
        );
        assert_eq!(
            error.to_string(),
            "UnhandledInvocationError: ZeroDivisionError: division by zero (request id 1-abc)"
        );
        assert_eq!(error.message(), Some("division by zero"));
        assert!(error.stack_trace().is_some_and(serde_json::Value::is_array));
    }

    #[test]
    fn message_falls_back_to_the_body_or_says_there_is_none() {
        assert_eq!(
            failure("Function timed out", None).to_string(),
            "UnhandledInvocationError: body \"Function timed out\""
        );
        assert_eq!(
            failure("", Some("r")).to_string(),
            "UnhandledInvocationError: (no message) (request id r)"
        );
        let long = "x".repeat(1000);
        assert_eq!(failure(&long, None).to_string().len(), PREFIX_BYTES + 33);
    }

    #[test]
    fn a_json_body_of_another_shape_is_not_misread() {
        let error = failure(r#"{"errorMessage": 42}"#, None);
        assert_eq!(error.message(), None);
        let error = failure(r#"["a", "b", null]"#, None);
        assert_eq!(error.message(), None);
        assert_eq!(
            error.to_string(),
            r#"UnhandledInvocationError: body "[\"a\", \"b\", null]""#
        );
    }

    #[test]
    fn error_types_round_trip_and_unknown_ones_are_kept() {
        for value in [
            "HandledInvocationError",
            "UnhandledInvocationError",
            "InitializationError",
        ] {
            let parsed = FunctionErrorType::from(value);
            assert!(!matches!(parsed, FunctionErrorType::Unknown(_)));
            assert_eq!(parsed.as_str(), value);
        }
        assert_eq!(
            FunctionErrorType::from(String::from("Other")),
            FunctionErrorType::Unknown("Other".into())
        );
    }

    #[test]
    fn decode_error_names_the_problem_and_request_id() {
        let error = InvokeError::Decode {
            message: "expected value at line 1 column 1".into(),
            body_prefix: "oops".into(),
            request_id: Some("r-1".into()),
        };
        assert_eq!(
            error.to_string(),
            "the function's answer is not the JSON expected: expected value at line 1 column 1; body starts with \"oops\" (request id r-1)"
        );
        assert_eq!(error.request_id(), Some("r-1"));
    }

    #[test]
    fn errors_stay_small() {
        assert!(std::mem::size_of::<InvokeError>() <= 128);
    }
}

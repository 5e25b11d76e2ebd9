//! Function Compute error codes: the `Code` of an error body, with the HTTP status it comes with.
//!
//! One list serves clients (matching on what the service said) and servers (answering with the
//! status the service uses). Codes and statuses are those the vendor documents (its error-code
//! pages, summarised in the shared `errors.md`); a few that no page lists are marked as fc-local's
//! choice. The enum is open: a code the service adds later arrives as [`ErrorCode::Unknown`].
//!
//! ```
//! use fc_models::ErrorCode;
//!
//! let code = ErrorCode::from("FunctionNotFound");
//! assert_eq!(code, ErrorCode::FunctionNotFound);
//! assert_eq!(code.status(), 404);
//! assert_eq!(code.as_str(), "FunctionNotFound");
//! assert_eq!(ErrorCode::from("BrandNew"), ErrorCode::Unknown("BrandNew".into()));
//! ```

use std::fmt;

/// Declares [`ErrorCode`] from one list: each known code is written once, as its variant (whose
/// name is the code on the wire), its HTTP status and its doc.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $name:ident = $status:literal,)*) => {
        /// A Function Compute error code (the `Code` field of an error body).
        ///
        /// Open: codes the service adds later arrive as [`ErrorCode::Unknown`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $name,)*
            /// Any other code.
            Unknown(String),
        }

        impl ErrorCode {
            /// Every known code, in the order of the list.
            pub const KNOWN: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The code as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$name => stringify!($name),)*
                    Self::Unknown(code) => code,
                }
            }

            /// The HTTP status the service answers this code with (500 for an unknown code).
            pub fn status(&self) -> u16 {
                match self {
                    $(Self::$name => $status,)*
                    Self::Unknown(_) => 500,
                }
            }
        }

        impl From<&str> for ErrorCode {
            fn from(code: &str) -> Self {
                match code {
                    $(stringify!($name) => Self::$name,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
    };
}

error_codes! {
    /// A parameter is missing or invalid.
    InvalidArgument = 400,
    /// A required header is missing.
    MissingRequiredHeader = 400,
    /// The path is not an API path.
    PathNotSupported = 400,
    /// The request body or code package is over the service's size limit (documented with 400
    /// and 413; fc-local answers 413).
    EntityTooLarge = 413,
    /// Instance metrics must be enabled for this configuration.
    InstanceMetricsRequired = 400,
    /// An idempotent retry did not match the first request.
    IdempotentParameterMismatch = 400,
    /// The caller may not perform the action (also: the request's date is too far off).
    AccessDenied = 403,
    /// The request signature does not match.
    SignatureNotMatch = 403,
    /// An HTTP trigger refused the request before the function ran: a method its `methods` do
    /// not list, or an unsigned request to an `authType: function` trigger (the service answers
    /// both with 403 `FCCommonError`).
    FCCommonError = 403,
    /// The access key id is unknown.
    InvalidAccessKeyID = 403,
    /// The security token of temporary credentials is missing or wrong (fc-local's choice: no
    /// vendor page names the code).
    InvalidSecurityToken = 403,
    /// A signed request was sent again: its `x-acs-signature-nonce` was already used within the
    /// date window (the ACS gateway's code for a replay).
    SignatureNonceUsed = 403,
    /// No such function.
    FunctionNotFound = 404,
    /// No such service (FC 2.0; its error-code page).
    ServiceNotFound = 404,
    /// No such alias.
    AliasNotFound = 404,
    /// No such version.
    VersionNotFound = 404,
    /// No such trigger.
    TriggerNotFound = 404,
    /// No such layer.
    LayerNotFound = 404,
    /// No such layer version.
    LayerVersionNotFound = 404,
    /// No such custom domain.
    DomainNameNotFound = 404,
    /// No asynchronous invocation config.
    AsyncConfigNotExists = 404,
    /// No such asynchronous task.
    AsyncTaskNotFound = 404,
    /// No concurrency config.
    ConcurrencyConfigNotFound = 404,
    /// No provision config.
    ProvisionConfigNotFound = 404,
    /// No scaling config.
    ScalingConfigNotFound = 404,
    /// No such VPC binding.
    VpcBindingNotFound = 404,
    /// No such session, or it is no longer active (fc-local's choice of code: the session
    /// references name none).
    SessionNotFound = 404,
    /// No such snapshot for the function, or it expired (the GetSnapshot reference).
    SnapshotNotFound = 404,
    /// A function of that name exists.
    FunctionAlreadyExists = 409,
    /// A service of that name exists (FC 2.0; the status by analogy with
    /// FunctionAlreadyExists: fc-local's choice).
    ServiceAlreadyExists = 409,
    /// An alias of that name exists.
    AliasAlreadyExists = 409,
    /// A trigger of that name exists.
    TriggerAlreadyExists = 409,
    /// A custom domain of that name exists.
    DomainNameAlreadyExists = 409,
    /// An asynchronous task with that id exists (fc-local's choice of code and status).
    AsyncTaskAlreadyExists = 409,
    /// A session of that id is active (fc-local's choice of code and status).
    SessionAlreadyExists = 409,
    /// A session created from the snapshot is still using it (the DeleteSnapshot reference).
    SnapshotInUse = 409,
    /// Another update of the resource is in progress.
    ConcurrentUpdateError = 409,
    /// The EventBridge trigger conflicts with an existing one.
    EventBridgeTriggerConflict = 409,
    /// The function still has versions, aliases or triggers.
    FunctionNotEmpty = 409,
    /// The service still has functions (FC 2.0; the status by analogy with FunctionNotEmpty:
    /// fc-local's choice).
    ServiceNotEmpty = 409,
    /// A precondition (an etag, an enabled invocation) failed.
    PreconditionFailed = 412,
    /// The function's instance exited.
    CAExited = 412,
    /// The function's entry file is missing.
    CAFileNotFound = 412,
    /// The function's entry file may not be executed.
    CAFilePermission = 412,
    /// The asynchronous invocation was stopped.
    AsyncInvocationStopped = 412,
    /// A quota is exhausted; retry later.
    ResourceExhausted = 429,
    /// The client closed the request before the answer.
    ClientClosedRequest = 499,
    /// The service failed.
    InternalServerError = 500,
    /// The operation is not implemented (fc-local answers this for what it does not emulate).
    NotImplemented = 501,
    /// The function's answer could not be relayed.
    BadResponse = 502,
    /// The request was throttled; retry later.
    ResourceThrottled = 503,
}

impl ErrorCode {
    /// Whether the code means "too many requests": a call that failed with it may succeed if
    /// tried again later.
    pub fn is_throttling(&self) -> bool {
        matches!(self, Self::ResourceExhausted | Self::ResourceThrottled)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_known_code_parses_back_with_its_status() {
        assert!(ErrorCode::KNOWN.len() >= 40);
        for code in ErrorCode::KNOWN {
            let parsed = ErrorCode::from(code.as_str());
            assert_eq!(&parsed, code);
            assert!((400..600).contains(&code.status()), "{code}");
        }
        assert_eq!(ErrorCode::TriggerNotFound.status(), 404);
        assert_eq!(ErrorCode::ResourceThrottled.status(), 503);
        assert_eq!(ErrorCode::Unknown("X".into()).status(), 500);
    }

    #[test]
    fn throttling() {
        assert!(ErrorCode::ResourceExhausted.is_throttling());
        assert!(!ErrorCode::FunctionNotFound.is_throttling());
    }
}

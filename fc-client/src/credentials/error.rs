//! The one error type of every credentials provider.

use std::time::Duration;

/// Why a provider produced no credentials.
///
/// Every variant names the provider (`"environment"`, `"oidc"`, `"cli profile"`, `"ini file"`,
/// `"ecs ram role"`, `"credentials uri"`, ...). Messages name the variable, file or field at
/// fault, and never contain a secret, a token or a raw response body.
///
/// Only [`NotFound`](CredentialsError::NotFound) lets a [`CredentialsChain`](super::CredentialsChain)
/// try the next provider; every other variant stops the chain.
///
/// ```
/// use fc_client::credentials::CredentialsError;
///
/// let err = CredentialsError::InvalidConfig {
///     provider: "environment",
///     message: "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not".into(),
/// };
/// assert!(!err.is_not_found());
/// assert!(err.to_string().starts_with("environment credentials: invalid configuration:"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The provider has nothing to offer here (its variables are unset, its file does not
    /// exist, the metadata service is not reachable). A chain moves on to the next provider.
    #[error("{provider} credentials: not found: {reason}")]
    NotFound {
        /// The provider that looked.
        provider: &'static str,
        /// Where it looked and what was missing.
        reason: String,
    },
    /// The provider is configured, but the configuration is wrong or asks for something this
    /// crate does not support yet.
    #[error("{provider} credentials: invalid configuration: {message}")]
    InvalidConfig {
        /// The provider whose configuration is at fault.
        provider: &'static str,
        /// What is wrong, naming the variable, file or field.
        message: String,
    },
    /// The credential service could not be used: transport failure, unexpected status,
    /// malformed response.
    #[error("{provider} credentials: {message}")]
    Provider {
        /// The provider that failed.
        provider: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The credential service answered with a structured error (`Code`, `Message`, `RequestId`).
    #[error(
        "{provider} credentials: service error {code} (HTTP {status}): {message} (request id: {})",
        request_id.as_deref().unwrap_or("none")
    )]
    Service {
        /// The provider that called the service.
        provider: &'static str,
        /// The HTTP status of the answer.
        status: u16,
        /// The service's error code, e.g. `InvalidParameter.OIDCToken`.
        code: String,
        /// The service's message.
        message: String,
        /// The request id the service returned, for support cases.
        request_id: Option<String>,
    },
    /// The provider did not finish in time.
    #[error("{provider} credentials: timed out after {after:?} ({what})")]
    Timeout {
        /// The provider that timed out.
        provider: &'static str,
        /// How long it was given.
        after: Duration,
        /// What it was waiting for.
        what: String,
    },
}

impl CredentialsError {
    /// True for [`NotFound`](CredentialsError::NotFound), the only error a chain skips.
    pub fn is_not_found(&self) -> bool {
        matches!(self, CredentialsError::NotFound { .. })
    }

    /// The provider that reported the error.
    pub fn provider(&self) -> &'static str {
        match self {
            CredentialsError::NotFound { provider, .. }
            | CredentialsError::InvalidConfig { provider, .. }
            | CredentialsError::Provider { provider, .. }
            | CredentialsError::Service { provider, .. }
            | CredentialsError::Timeout { provider, .. } => provider,
        }
    }

    pub(crate) fn not_found(provider: &'static str, reason: impl Into<String>) -> Self {
        CredentialsError::NotFound {
            provider,
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid(provider: &'static str, message: impl Into<String>) -> Self {
        CredentialsError::InvalidConfig {
            provider,
            message: message.into(),
        }
    }

    pub(crate) fn provider_failed(provider: &'static str, message: impl Into<String>) -> Self {
        CredentialsError::Provider {
            provider,
            message: message.into(),
        }
    }
}

//! Settings that one request uses instead of its client's.

use std::time::Duration;

use super::config::ClientConfig;
use crate::RetryPolicy;

/// Timeouts and a retry policy for one request, leaving the client's as they are (what
/// aws-sdk-rust's `customize()` does).
///
/// Every request builder takes them with `.with_overrides(&overrides)`; unset values keep the
/// client's. The connect timeout belongs to the client's connection pool and cannot change per
/// request.
///
/// ```no_run
/// use std::time::Duration;
/// use fc_client::{Client, RequestOverrides, RetryPolicy};
///
/// # async fn example(client: &Client) -> Result<(), fc_client::Error> {
/// // A health check that must answer fast and never waits for a retry.
/// let quick = RequestOverrides::new()
///     .timeout(Duration::from_secs(2))
///     .retry_policy(RetryPolicy::disabled());
/// client
///     .get_function()
///     .function_name("hello")
///     .with_overrides(&quick)
///     .send()
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestOverrides {
    attempt: Option<Duration>,
    operation: Option<Duration>,
    invoke: Option<Duration>,
    retry: Option<RetryPolicy>,
}

impl RequestOverrides {
    /// No overrides: the client's settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// The whole call, retries and backoff included: the operation timeout of a management call
    /// and the invoke timeout of an `InvokeFunction`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.operation = Some(timeout);
        self.invoke = Some(timeout);
        self
    }

    /// One attempt of a management call.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt = Some(timeout);
        self
    }

    /// The retry policy of this request.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

impl ClientConfig {
    /// These settings with `overrides` applied (used by every request builder's
    /// `with_overrides`).
    pub fn with_overrides(&self, overrides: &RequestOverrides) -> ClientConfig {
        let current = &self.settings;
        let mut timeouts = current.timeouts;
        timeouts.attempt = overrides.attempt.unwrap_or(timeouts.attempt);
        timeouts.operation = overrides.operation.unwrap_or(timeouts.operation);
        timeouts.invoke = overrides.invoke.unwrap_or(timeouts.invoke);
        ClientConfig::new(
            current.api,
            current.fc2_base_url.clone(),
            current.credentials.clone(),
            overrides.retry.unwrap_or(current.retry),
            timeouts,
            current.validate_input,
            current.http_timeout,
        )
        .with_headers(&current.headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_values_keep_the_clients() {
        let base = ClientConfig::default();
        let config =
            base.with_overrides(&RequestOverrides::new().attempt_timeout(Duration::from_secs(3)));
        assert_eq!(config.settings.timeouts.attempt, Duration::from_secs(3));
        assert_eq!(
            config.settings.timeouts.operation,
            base.settings.timeouts.operation
        );
        assert_eq!(config.settings.retry, base.settings.retry);
    }

    #[test]
    fn timeout_bounds_management_calls_and_invocations() {
        let config = ClientConfig::default().with_overrides(
            &RequestOverrides::new()
                .timeout(Duration::from_secs(7))
                .retry_policy(RetryPolicy::disabled()),
        );
        assert_eq!(config.settings.timeouts.operation, Duration::from_secs(7));
        assert_eq!(config.settings.timeouts.invoke, Duration::from_secs(7));
        assert_eq!(config.settings.retry.max_attempts(), 1);
    }
}

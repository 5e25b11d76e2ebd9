//! When to try a call again, and how long to wait first (see [`RetryPolicy`]).

use std::time::Duration;

use reqwest::header::HeaderMap;

/// How a client retries failed calls.
///
/// The standard policy makes up to 3 attempts with exponential backoff and full jitter (each
/// wait is uniform between zero and `initial × 2^(attempt-1)`, capped), and honours the server's
/// hint when it sends one (`Retry-After` in seconds, or `x-acs-retry-after` in milliseconds).
///
/// What is retried depends on whether a second attempt could repeat an effect:
///
/// | failure | GET / PUT / DELETE | POST (create, publish, invoke, ...) |
/// |---|---|---|
/// | connection refused / DNS / connect timeout (never reached the server) | retried | retried |
/// | 429, 500, 502, 503, 504 answers; reset or timed out after sending | retried | **not retried** |
/// | any other answer | not retried | not retried |
///
/// POST operations are not idempotent here: a throttled or failed `CreateFunction` may still
/// have created the function, and a timed-out `InvokeFunction` may have run it, so they are
/// retried only when the request provably never reached the server. Retry them yourself when
/// your operation tolerates a repeat.
///
/// ```
/// use std::time::Duration;
/// use fc_client::RetryPolicy;
///
/// let policy = RetryPolicy::standard()
///     .with_max_attempts(5)
///     .with_initial_backoff(Duration::from_millis(50));
/// assert_eq!(policy.max_attempts(), 5);
/// assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryPolicy {
    /// Up to 3 attempts; backoff from 100 ms, capped at 20 s.
    pub fn standard() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
        }
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// Sets the number of attempts, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the backoff ceiling of the first retry; it doubles for each later one.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Caps every wait, the server's hints included.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The number of attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait before attempt `attempt + 1`, given a jitter sample in `[0, 1)` and the
    /// server's hint, if any. A hint replaces the computed backoff (capped at `max_backoff`).
    pub(crate) fn delay(&self, attempt: u32, jitter: f64, hint: Option<Duration>) -> Duration {
        if let Some(hint) = hint {
            return hint.min(self.max_backoff);
        }
        let exponent = attempt.saturating_sub(1).min(31);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        ceiling.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

/// Statuses worth another attempt: throttling and transient server failures.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Whether a request with `method` may be sent twice without risk of a repeated effect.
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    !matches!(*method, reqwest::Method::POST | reqwest::Method::PATCH)
}

/// Whether a transport failure means the request never reached the server.
pub(crate) fn never_sent(error: &reqwest::Error) -> bool {
    error.is_connect()
}

/// The server's wait hint: `x-acs-retry-after` (milliseconds, as the official SDKs read it) or
/// `Retry-After` (seconds).
pub(crate) fn server_hint(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| -> Option<u64> {
        headers
            .get(name)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
    };
    number("x-acs-retry-after")
        .map(Duration::from_millis)
        .or_else(|| number("retry-after").map(Duration::from_secs))
}

/// 64 unpredictable-enough bits from the process's hash randomness, the clock and `salt`: for
/// jitter and signature nonces, never for secrets.
pub(crate) fn seed(salt: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(salt);
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// A small xorshift generator for jitter: no need for cryptographic randomness here.
#[derive(Debug)]
pub(crate) struct Jitter(u64);

impl Jitter {
    /// Seeds from [`seed`].
    pub(crate) fn new() -> Self {
        Jitter(seed(0) | 1)
    }

    /// A sample in `[0, 1)`.
    pub(crate) fn sample(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let policy = RetryPolicy::standard()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(350));
        // With jitter at its top the delay is the ceiling itself.
        let top = 0.999_999;
        assert!(policy.delay(1, top, None) <= Duration::from_millis(100));
        assert!(policy.delay(1, top, None) > Duration::from_millis(99));
        assert!(policy.delay(2, top, None) > Duration::from_millis(199));
        assert!(policy.delay(3, top, None) <= Duration::from_millis(350));
        assert!(policy.delay(40, top, None) <= Duration::from_millis(350));
        assert_eq!(policy.delay(2, 0.0, None), Duration::ZERO);
    }

    #[test]
    fn server_hint_replaces_backoff_but_respects_the_cap() {
        let policy = RetryPolicy::standard().with_max_backoff(Duration::from_secs(2));
        assert_eq!(
            policy.delay(1, 0.5, Some(Duration::from_millis(700))),
            Duration::from_millis(700)
        );
        assert_eq!(
            policy.delay(1, 0.5, Some(Duration::from_secs(60))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn hints_are_read_from_both_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "3".parse().unwrap());
        assert_eq!(server_hint(&headers), Some(Duration::from_secs(3)));
        headers.insert("x-acs-retry-after", "250".parse().unwrap());
        assert_eq!(server_hint(&headers), Some(Duration::from_millis(250)));
        headers.insert("x-acs-retry-after", "soon".parse().unwrap());
        headers.insert("retry-after", "0".parse().unwrap());
        assert_eq!(server_hint(&headers), None);
    }

    #[test]
    fn jitter_stays_in_range() {
        let mut jitter = Jitter::new();
        for _ in 0..10_000 {
            let sample = jitter.sample();
            assert!((0.0..1.0).contains(&sample));
        }
    }

    #[test]
    fn post_is_not_idempotent() {
        assert!(!is_idempotent(&reqwest::Method::POST));
        assert!(is_idempotent(&reqwest::Method::GET));
        assert!(is_idempotent(&reqwest::Method::PUT));
        assert!(is_idempotent(&reqwest::Method::DELETE));
    }
}

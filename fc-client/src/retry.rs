//! When to try a call again, how long to wait first (see [`RetryPolicy`]), and the loop that
//! does it.

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

use crate::backoff::{Backoff, Jitter};

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
    backoff: Backoff,
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
            backoff: Backoff::new(Duration::from_millis(100), Duration::from_secs(20)),
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
        self.backoff = self.backoff.with_initial(backoff);
        self
    }

    /// Caps every wait, the server's hints included.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = self.backoff.with_max(backoff);
        self
    }

    /// The number of attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait before attempt `attempt + 1`, given a jitter sample in `[0, 1)` and the
    /// server's hint, if any. A hint replaces the computed backoff (capped at `max_backoff`).
    pub(crate) fn delay(&self, attempt: u32, jitter: f64, hint: Option<Duration>) -> Duration {
        match hint {
            Some(hint) => hint.min(self.backoff.max()),
            None => self.backoff.delay(attempt, jitter),
        }
    }
}

/// One call's limits: how long each attempt and all of them together may take.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    /// The limit of one attempt.
    pub(crate) attempt: Duration,
    /// The limit of all attempts and the waits between them.
    pub(crate) total: Duration,
    /// The limit the HTTP client puts on every request itself, if any: an attempt limited to
    /// exactly that is sent without a timeout of its own.
    pub(crate) preset: Option<Duration>,
}

/// How a call ended: the last outcome and how many attempts it took.
pub(crate) struct Finished {
    pub(crate) outcome: reqwest::Result<reqwest::Response>,
    pub(crate) attempts: u32,
}

/// Sends `request` with `execute` until an outcome is not worth retrying, the policy's attempts
/// are spent or the next wait would overrun the budget.
///
/// Before every further attempt, `prepare_next` readies the copy (re-signs it with a fresh date
/// and nonce); when it gives none back the outcome in hand is the answer.
pub(crate) async fn send<Execute, Sent, Prepare, Prepared>(
    policy: &RetryPolicy,
    budget: Budget,
    request: reqwest::Request,
    mut execute: Execute,
    mut prepare_next: Prepare,
) -> Finished
where
    Execute: FnMut(reqwest::Request) -> Sent,
    Sent: Future<Output = reqwest::Result<reqwest::Response>>,
    Prepare: FnMut(reqwest::Request) -> Prepared,
    Prepared: Future<Output = Option<reqwest::Request>>,
{
    let deadline = Instant::now() + budget.total;
    let idempotent = is_idempotent(request.method());
    let mut jitter = Jitter::new();
    let mut request = request;
    let mut attempt = 1;
    loop {
        // Keep a copy for another attempt before this one consumes the request.
        let spare = (attempt < policy.max_attempts)
            .then(|| spare_copy(&request))
            .flatten();
        let remaining = deadline.saturating_duration_since(Instant::now());
        let limit = budget.attempt.min(remaining);
        if budget.preset != Some(limit) {
            *request.timeout_mut() = Some(limit);
        }
        let outcome = execute(request).await;

        let hint = outcome.as_ref().ok().and_then(|r| server_hint(r.headers()));
        let delay = policy.delay(attempt, jitter.sample(), hint);
        let next = match spare {
            Some(next)
                if worth_retrying(&outcome, idempotent) && Instant::now() + delay < deadline =>
            {
                next
            }
            _ => {
                return Finished {
                    outcome,
                    attempts: attempt,
                };
            }
        };
        // Ready the next attempt first: if that fails, the answer in hand is the one to return.
        let Some(next) = prepare_next(next).await else {
            return Finished {
                outcome,
                attempts: attempt,
            };
        };
        tracing::warn!(
            attempt,
            delay_ms = delay.as_millis() as u64,
            outcome = %describe(&outcome),
            "retrying"
        );
        drop(outcome);
        tokio::time::sleep(delay).await;
        request = next;
        attempt += 1;
    }
}

/// A copy of `request` for another attempt. A request without a body is copied by hand
/// (method, URL, headers, version), which leaves behind the extensions `Request::try_clone`
/// allocates for: they only hold the attempt's timeout, set anew for every attempt. One with a
/// body is `try_clone`d, which shares the body rather than copying it (`None` for a stream).
fn spare_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    Some(copy)
}

/// Whether `outcome` is worth another attempt of a request that is (or is not) `idempotent`.
fn worth_retrying(outcome: &reqwest::Result<reqwest::Response>, idempotent: bool) -> bool {
    match outcome {
        Ok(response) => idempotent && is_retryable_status(response.status().as_u16()),
        Err(error) => never_sent(error) || (idempotent && !error.is_builder()),
    }
}

/// What went wrong with an attempt, without the URL (its query may carry anything).
fn describe(outcome: &reqwest::Result<reqwest::Response>) -> String {
    let error = match outcome {
        Ok(response) => return format!("status {}", response.status()),
        Err(error) => error,
    };
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "transport error"
    };
    match std::error::Error::source(error) {
        Some(cause) => format!("{what}: {cause}"),
        None => what.to_owned(),
    }
}

/// Statuses worth another attempt: throttling and transient server failures.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Whether a request with `method` may be sent twice without risk of a repeated effect.
fn is_idempotent(method: &reqwest::Method) -> bool {
    !matches!(*method, reqwest::Method::POST | reqwest::Method::PATCH)
}

/// Whether a transport failure means the request never reached the server.
fn never_sent(error: &reqwest::Error) -> bool {
    error.is_connect()
}

/// The server's wait hint: `x-acs-retry-after` (milliseconds, as the official SDKs read it) or
/// `Retry-After` (seconds).
fn server_hint(headers: &HeaderMap) -> Option<Duration> {
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
    fn post_is_not_idempotent() {
        assert!(!is_idempotent(&reqwest::Method::POST));
        assert!(is_idempotent(&reqwest::Method::GET));
        assert!(is_idempotent(&reqwest::Method::PUT));
        assert!(is_idempotent(&reqwest::Method::DELETE));
    }
}

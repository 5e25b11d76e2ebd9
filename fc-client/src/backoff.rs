//! Exponential backoff with full jitter: one implementation for the client's retries, its
//! waiters and fc-local's asynchronous-task retries.
//!
//! The ceiling of the wait before retry `n` (1 for the first) is `initial × 2^(n−1)`, capped at
//! `max`. [`Backoff::delay`] draws the wait uniformly between zero and that ceiling ("full
//! jitter"), which spreads the retries of many clients that failed together;
//! [`Backoff::ceiling`] is the deterministic schedule, for callers that promised one (a waiter's
//! polling interval).
//!
//! ```
//! use std::time::Duration;
//! use fc_client::backoff::{Backoff, Jitter};
//!
//! let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
//! assert_eq!(backoff.ceiling(1), Duration::from_millis(100));
//! assert_eq!(backoff.ceiling(3), Duration::from_millis(400));
//! assert_eq!(backoff.ceiling(10), Duration::from_secs(1));
//!
//! let mut jitter = Jitter::new();
//! let wait = backoff.delay(3, jitter.sample());
//! assert!(wait < Duration::from_millis(400));
//! ```

use std::time::Duration;

/// An exponential schedule: `initial`, doubling per retry, capped at `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
}

impl Backoff {
    /// A schedule starting at `initial` and never above `max`.
    pub const fn new(initial: Duration, max: Duration) -> Self {
        Backoff { initial, max }
    }

    /// The ceiling of the first wait.
    pub fn initial(&self) -> Duration {
        self.initial
    }

    /// The cap of every wait.
    pub fn max(&self) -> Duration {
        self.max
    }

    /// The same schedule with another first ceiling.
    pub fn with_initial(self, initial: Duration) -> Self {
        Backoff { initial, ..self }
    }

    /// The same schedule with another cap.
    pub fn with_max(self, max: Duration) -> Self {
        Backoff { max, ..self }
    }

    /// The ceiling of the wait before retry `retry` (1 for the first; 0 reads as 1):
    /// `initial × 2^(retry−1)`, capped at `max`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        self.initial.saturating_mul(1u32 << exponent).min(self.max)
    }

    /// The wait before retry `retry` with full jitter: `sample` (in `[0, 1)`, see [`Jitter`])
    /// times the [`ceiling`](Self::ceiling).
    pub fn delay(&self, retry: u32, sample: f64) -> Duration {
        self.ceiling(retry).mul_f64(sample.clamp(0.0, 1.0))
    }
}

/// A small xorshift generator of jitter samples: unpredictable enough to spread retries, never
/// for secrets.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    /// A generator seeded from the process's hash randomness and the clock.
    pub fn new() -> Self {
        Jitter(seed(0) | 1)
    }

    /// A sample in `[0, 1)`.
    pub fn sample(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Default for Jitter {
    fn default() -> Self {
        Self::new()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_and_are_capped() {
        let ms = Duration::from_millis;
        let backoff = Backoff::new(ms(100), ms(350));
        let ceilings: Vec<Duration> = (1..=5).map(|n| backoff.ceiling(n)).collect();
        assert_eq!(ceilings, [ms(100), ms(200), ms(350), ms(350), ms(350)]);
        assert_eq!(backoff.ceiling(0), ms(100));
        assert_eq!(backoff.ceiling(u32::MAX), ms(350));
    }

    #[test]
    fn delays_are_jittered_below_the_ceiling() {
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(20));
        assert_eq!(backoff.delay(2, 0.0), Duration::ZERO);
        assert_eq!(backoff.delay(2, 0.5), Duration::from_millis(100));
        assert!(backoff.delay(2, 0.999_999) < Duration::from_millis(200));
        assert_eq!(backoff.delay(1, 7.0), Duration::from_millis(100), "clamped");
    }

    #[test]
    fn huge_values_saturate() {
        let backoff = Backoff::new(Duration::MAX / 2, Duration::MAX);
        assert_eq!(backoff.ceiling(3), Duration::MAX);
    }

    #[test]
    fn jitter_stays_in_range() {
        let mut jitter = Jitter::new();
        for _ in 0..10_000 {
            let sample = jitter.sample();
            assert!((0.0..1.0).contains(&sample));
        }
    }
}

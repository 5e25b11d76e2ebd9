//! Waiting for a function to become usable: poll `GetFunction` until a state is reached.
//!
//! Creating or updating a function returns before Function Compute has finished preparing it
//! (pulling and caching a container image, attaching a VPC, ...). Two waiters cover the common
//! cases:
//!
//! | waiter | done when | fails when | keeps polling on |
//! |---|---|---|---|
//! | [`Client::wait_until_function_active`] | `state` is `Active` | `state` is `Failed` | `Pending`, `Inactive`, no state, any value this SDK does not know |
//! | [`Client::wait_until_update_done`] | `lastUpdateStatus` is `Successful` | `lastUpdateStatus` is `Failed` | `InProgress`, no status, any value this SDK does not know |
//!
//! A value the SDK does not know yet (a state the service adds later) is treated as "not there
//! yet": the waiter polls on and, if the value never turns into a final one, stops at its
//! timeout with [`WaitError::TimedOut`] naming the value last seen.
//!
//! Polls back off exponentially: the first poll goes out at once, the next after
//! [`interval`](FunctionWaiter::interval) (default 1 s), each later wait doubles, up to
//! [`max_interval`](FunctionWaiter::max_interval) (default 10 s). The whole wait is bounded by
//! [`timeout`](FunctionWaiter::timeout) (default 5 minutes): the waiter never sleeps past it and
//! abandons a poll still running when it passes. A `GetFunction` call that fails ends the wait
//! with [`WaitError::Call`]; the client's retry policy has already retried it if it was
//! transient.
//!
//! ```no_run
//! use std::time::Duration;
//! use fc_client::{Client, WaitError};
//!
//! # async fn example(client: Client) -> Result<(), Box<dyn std::error::Error>> {
//! match client
//!     .wait_until_function_active("image-resizer")
//!     .timeout(Duration::from_secs(120))
//!     .wait()
//!     .await
//! {
//!     Ok(function) => println!("ready: {:?}", function.function_arn),
//!     Err(WaitError::Failed { reason, .. }) => println!("will never be ready: {reason:?}"),
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::time::{Duration, Instant};

use crate::backoff::Backoff;
use crate::types::{self, FunctionState, LastUpdateStatus};
use crate::{Client, Error};

/// Wait before the second poll unless [`FunctionWaiter::interval`] says otherwise.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
/// Longest wait between two polls unless [`FunctionWaiter::max_interval`] says otherwise.
pub const DEFAULT_MAX_INTERVAL: Duration = Duration::from_secs(10);
/// How long a waiter keeps trying unless [`FunctionWaiter::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// Shortest wait between polls; shorter intervals are raised to this.
const MIN_INTERVAL: Duration = Duration::from_millis(1);

/// What a [`FunctionWaiter`] waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WaitGoal {
    /// `state == Active`: the function can be invoked.
    FunctionActive,
    /// `lastUpdateStatus == Successful`: the last update has been applied.
    UpdateDone,
}

impl fmt::Display for WaitGoal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WaitGoal::FunctionActive => "become Active",
            WaitGoal::UpdateDone => "finish its update",
        })
    }
}

/// The field a waiter looked at, as one `GetFunction` answer reported it.
///
/// `None` inside means the answer did not carry the field at all.
///
/// ```
/// use fc_client::Observed;
/// use fc_client::types::FunctionState;
///
/// assert_eq!(Observed::State(Some(FunctionState::Pending)).to_string(), "state Pending");
/// assert_eq!(Observed::LastUpdateStatus(None).to_string(), "no lastUpdateStatus");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Observed {
    /// The function's `state` (watched by [`Client::wait_until_function_active`]).
    State(Option<FunctionState>),
    /// The function's `lastUpdateStatus` (watched by [`Client::wait_until_update_done`]).
    LastUpdateStatus(Option<LastUpdateStatus>),
}

impl fmt::Display for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Observed::State(Some(state)) => write!(f, "state {state}"),
            Observed::State(None) => f.write_str("no state"),
            Observed::LastUpdateStatus(Some(status)) => write!(f, "lastUpdateStatus {status}"),
            Observed::LastUpdateStatus(None) => f.write_str("no lastUpdateStatus"),
        }
    }
}

/// Why a wait did not end with the function ready.
///
/// Each variant's message names the function and what happened:
///
/// ```text
/// function 'f' failed to become Active: state Failed (ImagePullFailed: image not found)
/// gave up waiting for function 'f' to become Active after 300.2s and 35 polls; last seen: state Pending
/// GetFunction failed while waiting: FunctionNotFound: function 'f' does not exist (status 404, request id 1-ab)
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The function reached a failure state; polling longer would not help.
    #[error(
        "function '{function_name}' failed to {goal}: {observed}{}",
        describe_reason(.reason_code.as_deref(), .reason.as_deref())
    )]
    Failed {
        /// The function waited on.
        function_name: String,
        /// What the waiter waited for.
        goal: WaitGoal,
        /// The failure state (`state Failed` or `lastUpdateStatus Failed`).
        observed: Observed,
        /// `stateReason` / `lastUpdateStatusReason`: the service's explanation.
        reason: Option<String>,
        /// `stateReasonCode` / `lastUpdateStatusReasonCode`.
        reason_code: Option<String>,
        /// The whole `GetFunction` answer that reported the failure.
        function: Box<types::Function>,
    },
    /// The timeout passed before the function got there.
    #[error(
        "gave up waiting for function '{function_name}' to {goal} after {:.1}s and {polls} polls; last seen: {}",
        .waited.as_secs_f64(),
        describe_last(.last_state.as_ref())
    )]
    TimedOut {
        /// The function waited on.
        function_name: String,
        /// What the waiter waited for.
        goal: WaitGoal,
        /// Time from the start of the wait until it gave up.
        waited: Duration,
        /// `GetFunction` calls made (including one cut short by the deadline).
        polls: u32,
        /// What the last completed poll reported; `None` if no poll completed.
        last_state: Option<Observed>,
    },
    /// A `GetFunction` call failed (after the client's own retries): the function does not
    /// exist, access was denied, the service kept failing, ...
    ///
    /// The inner error keeps the code, message and request id.
    #[error("GetFunction failed while waiting: {0}")]
    Call(Error),
}

impl WaitError {
    /// The API error of a [`WaitError::Call`].
    ///
    /// ```
    /// # fn check(error: &fc_client::WaitError) {
    /// if let Some(api) = error.api_error() {
    ///     println!("code {:?}, request id {:?}", api.code(), api.request_id());
    /// }
    /// # }
    /// ```
    pub fn api_error(&self) -> Option<&Error> {
        match self {
            WaitError::Call(error) => Some(error),
            _ => None,
        }
    }
}

fn describe_reason(code: Option<&str>, reason: Option<&str>) -> String {
    match (code, reason) {
        (Some(code), Some(reason)) => format!(" ({code}: {reason})"),
        (Some(only), None) | (None, Some(only)) => format!(" ({only})"),
        (None, None) => " (no reason given)".to_owned(),
    }
}

fn describe_last(last: Option<&Observed>) -> String {
    last.map_or_else(|| "no poll completed".to_owned(), Observed::to_string)
}

/// A configured wait on one function; start it with [`wait`](FunctionWaiter::wait).
///
/// Made by [`Client::wait_until_function_active`] and [`Client::wait_until_update_done`]; see
/// the [module documentation](self) for the rules. Setters can be called in any order.
#[derive(Debug, Clone)]
#[must_use = "a waiter does nothing until `.wait().await`"]
pub struct FunctionWaiter<'a> {
    client: &'a Client,
    function_name: String,
    qualifier: Option<String>,
    goal: WaitGoal,
    interval: Duration,
    max_interval: Duration,
    timeout: Duration,
}

impl Client {
    /// Waits until the function's `state` is `Active`, polling `GetFunction`.
    ///
    /// Succeeds with the function as last read; fails with [`WaitError::Failed`] if the state
    /// becomes `Failed`. See [`FunctionWaiter`] for the settings and the
    /// [module documentation](crate::waiter) for what counts as "not yet".
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::WaitError> {
    /// let function = client.wait_until_function_active("hello").wait().await?;
    /// assert_eq!(function.state, Some(fc_client::types::FunctionState::Active));
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_until_function_active(
        &self,
        function_name: impl Into<String>,
    ) -> FunctionWaiter<'_> {
        FunctionWaiter::new(self, function_name.into(), WaitGoal::FunctionActive)
    }

    /// Waits until the function's `lastUpdateStatus` is `Successful`, polling `GetFunction`.
    ///
    /// Call it after `UpdateFunction`; fails with [`WaitError::Failed`] if the update failed.
    ///
    /// ```no_run
    /// use std::time::Duration;
    ///
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::WaitError> {
    /// client
    ///     .wait_until_update_done("hello")
    ///     .interval(Duration::from_millis(500))
    ///     .max_interval(Duration::from_secs(5))
    ///     .timeout(Duration::from_secs(60))
    ///     .wait()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_until_update_done(&self, function_name: impl Into<String>) -> FunctionWaiter<'_> {
        FunctionWaiter::new(self, function_name.into(), WaitGoal::UpdateDone)
    }
}

/// What one poll means for the wait.
enum Verdict {
    Done,
    Failed {
        observed: Observed,
        reason: Option<String>,
        reason_code: Option<String>,
    },
    NotYet(Observed),
}

impl WaitGoal {
    fn judge(self, function: &types::Function) -> Verdict {
        match self {
            WaitGoal::FunctionActive => match &function.state {
                Some(FunctionState::Active) => Verdict::Done,
                Some(FunctionState::Failed) => Verdict::Failed {
                    observed: Observed::State(Some(FunctionState::Failed)),
                    reason: function.state_reason.clone(),
                    reason_code: function.state_reason_code.clone(),
                },
                other => Verdict::NotYet(Observed::State(other.clone())),
            },
            WaitGoal::UpdateDone => match &function.last_update_status {
                Some(LastUpdateStatus::Successful) => Verdict::Done,
                Some(LastUpdateStatus::Failed) => Verdict::Failed {
                    observed: Observed::LastUpdateStatus(Some(LastUpdateStatus::Failed)),
                    reason: function.last_update_status_reason.clone(),
                    reason_code: function.last_update_status_reason_code.clone(),
                },
                other => Verdict::NotYet(Observed::LastUpdateStatus(other.clone())),
            },
        }
    }
}

impl<'a> FunctionWaiter<'a> {
    fn new(client: &'a Client, function_name: String, goal: WaitGoal) -> Self {
        FunctionWaiter {
            client,
            function_name,
            qualifier: None,
            goal,
            interval: DEFAULT_INTERVAL,
            max_interval: DEFAULT_MAX_INTERVAL,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Polls this version or alias instead of `LATEST`.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::WaitError> {
    /// client.wait_until_function_active("hello").qualifier("prod").wait().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// The wait before the second poll (default [`DEFAULT_INTERVAL`], 1 s); each later wait
    /// doubles until [`max_interval`](Self::max_interval). Values under 1 ms are raised to 1 ms.
    ///
    /// ```
    /// # fn example(client: &fc_client::Client) {
    /// let waiter = client
    ///     .wait_until_function_active("hello")
    ///     .interval(std::time::Duration::from_millis(200));
    /// # let _ = waiter;
    /// # }
    /// ```
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The longest wait between two polls (default [`DEFAULT_MAX_INTERVAL`], 10 s). A value
    /// below [`interval`](Self::interval) is raised to it, so the waits are then constant.
    ///
    /// ```
    /// # fn example(client: &fc_client::Client) {
    /// let waiter = client
    ///     .wait_until_update_done("hello")
    ///     .max_interval(std::time::Duration::from_secs(30));
    /// # let _ = waiter;
    /// # }
    /// ```
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// How long to keep trying, from the call to [`wait`](Self::wait) (default
    /// [`DEFAULT_TIMEOUT`], 5 minutes). A zero timeout still makes one poll if it can finish in
    /// no time, which in practice means the wait times out at once.
    ///
    /// ```
    /// # fn example(client: &fc_client::Client) {
    /// let waiter = client
    ///     .wait_until_function_active("hello")
    ///     .timeout(std::time::Duration::from_secs(15 * 60));
    /// # let _ = waiter;
    /// # }
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Polls until the goal is reached, it can no longer be, or the timeout passes.
    ///
    /// Returns the function as the last poll read it.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::WaitError> {
    /// let function = client.wait_until_update_done("hello").wait().await?;
    /// println!("{:?}", function.last_update_status);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait(self) -> Result<types::Function, WaitError> {
        let started = Instant::now();
        let deadline = tokio::time::Instant::from_std(started) + self.timeout;
        let schedule = schedule(self.interval, self.max_interval);
        let mut polls = 0u32;
        let mut last_state = None;
        loop {
            polls = polls.saturating_add(1);
            let function = match tokio::time::timeout_at(deadline, self.poll()).await {
                Ok(Ok(function)) => function,
                Ok(Err(error)) => {
                    return Err(WaitError::Call(error));
                }
                Err(_elapsed) => return Err(self.timed_out(started, polls, last_state)),
            };
            match self.goal.judge(&function) {
                Verdict::Done => {
                    tracing::debug!(function = %self.function_name, polls, "wait finished");
                    return Ok(function);
                }
                Verdict::Failed {
                    observed,
                    reason,
                    reason_code,
                } => {
                    return Err(WaitError::Failed {
                        function_name: self.function_name,
                        goal: self.goal,
                        observed,
                        reason,
                        reason_code,
                        function: Box::new(function),
                    });
                }
                Verdict::NotYet(observed) => {
                    let delay = schedule.ceiling(polls);
                    tracing::debug!(
                        function = %self.function_name,
                        polls,
                        observed = %observed,
                        delay_ms = delay.as_millis() as u64,
                        "not there yet"
                    );
                    last_state = Some(observed);
                    // Sleeping past the deadline only to give up afterwards helps nobody.
                    if tokio::time::Instant::now() + delay >= deadline {
                        return Err(self.timed_out(started, polls, last_state));
                    }
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn poll(&self) -> Result<types::Function, Error> {
        let mut request = self
            .client
            .get_function()
            .function_name(&self.function_name);
        if let Some(qualifier) = &self.qualifier {
            request = request.qualifier(qualifier);
        }
        Ok(request.send().await?.into_inner())
    }

    fn timed_out(self, started: Instant, polls: u32, last_state: Option<Observed>) -> WaitError {
        WaitError::TimedOut {
            function_name: self.function_name,
            goal: self.goal,
            waited: started.elapsed(),
            polls,
            last_state,
        }
    }
}

/// The polling schedule: `first`, `2·first`, `4·first`, ... capped at `max` (never below
/// `first`, never zero), as [`Backoff::ceiling`]s. Waiters poll on the schedule itself, without
/// jitter: the interval is a promise to the caller.
fn schedule(first: Duration, max: Duration) -> Backoff {
    let first = first.max(MIN_INTERVAL);
    Backoff::new(first, max.max(first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delays(first: Duration, max: Duration, n: u32) -> Vec<Duration> {
        let schedule = schedule(first, max);
        (1..=n).map(|poll| schedule.ceiling(poll)).collect()
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let s = Duration::from_secs;
        assert_eq!(
            delays(s(1), s(10), 6),
            [s(1), s(2), s(4), s(8), s(10), s(10)]
        );
    }

    #[test]
    fn backoff_cap_below_first_interval_means_constant_waits() {
        let ms = Duration::from_millis;
        assert_eq!(delays(ms(300), ms(100), 3), [ms(300); 3]);
    }

    #[test]
    fn backoff_never_waits_zero() {
        assert_eq!(delays(Duration::ZERO, Duration::ZERO, 2), [MIN_INTERVAL; 2]);
    }

    #[test]
    fn backoff_survives_huge_values() {
        assert_eq!(
            delays(Duration::MAX / 2, Duration::MAX, 3)[2],
            Duration::MAX
        );
    }

    fn function(state: Option<&str>, update: Option<&str>) -> types::Function {
        let mut value = serde_json::json!({"functionName": "f"});
        if let Some(state) = state {
            value["state"] = state.into();
            value["stateReason"] = "why".into();
        }
        if let Some(update) = update {
            value["lastUpdateStatus"] = update.into();
        }
        serde_json::from_value(value).expect("function json")
    }

    #[test]
    fn unknown_and_missing_values_mean_not_yet() {
        for state in [None, Some("Pending"), Some("Inactive"), Some("Warming")] {
            assert!(
                matches!(
                    WaitGoal::FunctionActive.judge(&function(state, None)),
                    Verdict::NotYet(_)
                ),
                "{state:?}"
            );
        }
        for status in [None, Some("InProgress"), Some("Rolling")] {
            assert!(
                matches!(
                    WaitGoal::UpdateDone.judge(&function(None, status)),
                    Verdict::NotYet(_)
                ),
                "{status:?}"
            );
        }
    }

    #[test]
    fn each_goal_looks_at_its_own_field() {
        let active_but_updating = function(Some("Active"), Some("InProgress"));
        assert!(matches!(
            WaitGoal::FunctionActive.judge(&active_but_updating),
            Verdict::Done
        ));
        assert!(matches!(
            WaitGoal::UpdateDone.judge(&active_but_updating),
            Verdict::NotYet(Observed::LastUpdateStatus(Some(
                LastUpdateStatus::InProgress
            )))
        ));
        match WaitGoal::FunctionActive.judge(&function(Some("Failed"), None)) {
            Verdict::Failed { reason, .. } => assert_eq!(reason.as_deref(), Some("why")),
            _ => panic!("Failed state must fail the wait"),
        }
    }

    #[test]
    fn messages_name_function_state_and_reason() {
        let failed = WaitError::Failed {
            function_name: "f".into(),
            goal: WaitGoal::FunctionActive,
            observed: Observed::State(Some(FunctionState::Failed)),
            reason: Some("image not found".into()),
            reason_code: Some("ImagePullFailed".into()),
            function: Box::new(function(Some("Failed"), None)),
        };
        assert_eq!(
            failed.to_string(),
            "function 'f' failed to become Active: state Failed (ImagePullFailed: image not found)"
        );
        let timed_out = WaitError::TimedOut {
            function_name: "f".into(),
            goal: WaitGoal::UpdateDone,
            waited: Duration::from_millis(1500),
            polls: 3,
            last_state: None,
        };
        assert_eq!(
            timed_out.to_string(),
            "gave up waiting for function 'f' to finish its update after 1.5s and 3 polls; last seen: no poll completed"
        );
    }
}

//! Running one asynchronous task: attempts, retries with a growing pause, the event age
//! limit, and the task's status after each step.

use std::time::{Duration, Instant};

use bytes::Bytes;
use fc_client::backoff::{Backoff, Jitter};
use fc_models::{AsyncTask, AsyncTaskStatus};

use super::Context;
use super::record::{self, now_ms, transition};
use crate::executor::{Invocation, InvocationOutcome};
use crate::invoke::Prepared;

/// Longest `returnPayload` kept (limits.md l.103: 1 MB).
pub const RETURN_PAYLOAD_LIMIT: usize = 1024 * 1024;

/// The pauses between attempts: full jitter below a ceiling of 200 ms that doubles for each
/// further retry, up to 10 s (our choice; the service documents none).
pub const RETRY_BACKOFF: Backoff =
    Backoff::new(Duration::from_millis(200), Duration::from_secs(10));

/// How a function's async invoke config shapes its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Retries after a failed attempt (`maxAsyncRetryAttempts`, default 3).
    pub max_retries: u32,
    /// A task not started (or retried) within this time of being accepted expires
    /// (`maxAsyncEventAgeInSeconds`, default 86400).
    pub max_event_age: Duration,
}

impl Default for Policy {
    /// The service's defaults (runtime.md §5): 3 retries, 86,400 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            max_event_age: Duration::from_secs(86_400),
        }
    }
}

/// One accepted task, ready to run.
#[derive(Debug)]
pub struct Job {
    /// The store, executor and registry it works with.
    pub context: Context,
    /// What to run.
    pub prepared: Prepared,
    /// The event.
    pub payload: Bytes,
    /// The InvokeFunction request id, which every attempt keeps.
    pub request_id: String,
    /// The task id.
    pub task_id: String,
    /// Retries and event age.
    pub policy: Policy,
    /// When the task was accepted.
    pub accepted: Instant,
}

/// What one attempt ended with.
enum Attempt {
    Succeeded(InvocationOutcome),
    Failed {
        message: String,
        outcome: Option<InvocationOutcome>,
    },
}

/// Runs the job to its end, recording every transition, then leaves the registry.
pub async fn run(job: Job) {
    let function = job.prepared.spec.name.clone();
    drive(&job).await;
    job.context.registry.finish(&function, &job.task_id);
}

async fn drive(job: &Job) {
    let mut retry = 0u32;
    let mut jitter = Jitter::new();
    loop {
        if job.accepted.elapsed() > job.policy.max_event_age {
            let detail = format!(
                "not run within maxAsyncEventAgeInSeconds ({} s)",
                job.policy.max_event_age.as_secs()
            );
            finish(job, AsyncTaskStatus::Expired, Some(detail), |_| {}).await;
            return;
        }
        let started = record_step(job, move |task| {
            task.already_retried_times = Some(i64::from(retry));
            task.started_time.get_or_insert_with(now_ms);
            transition(
                task,
                AsyncTaskStatus::Running,
                Some(format!("attempt {}", retry + 1)),
            );
        })
        .await;
        if !started {
            return;
        }
        match attempt(job, retry).await {
            Attempt::Succeeded(outcome) => {
                finish(job, AsyncTaskStatus::Succeeded, None, move |task| {
                    fill_outcome(task, &outcome);
                })
                .await;
                return;
            }
            Attempt::Failed { message, outcome } => {
                let fill = move |task: &mut AsyncTask| {
                    if let Some(outcome) = &outcome {
                        fill_outcome(task, outcome);
                    }
                    task.task_error_message = Some(message.clone());
                };
                if retry >= job.policy.max_retries {
                    finish(job, AsyncTaskStatus::Failed, None, fill).await;
                    return;
                }
                retry += 1;
                let pause = RETRY_BACKOFF.delay(retry, jitter.sample());
                let going_on = record_step(job, move |task| {
                    fill(task);
                    let detail = format!("retry {retry} in {} ms", pause.as_millis());
                    transition(task, AsyncTaskStatus::Retrying, Some(detail));
                })
                .await;
                if !going_on {
                    return;
                }
                tokio::time::sleep(pause).await;
            }
        }
    }
}

async fn attempt(job: &Job, retry: u32) -> Attempt {
    let invocation = Invocation {
        request_id: job.request_id.clone(),
        payload: job.payload.clone(),
        log_tail: false,
        qualifier: Some(job.prepared.qualifier.clone()),
        retry_count: retry,
        http: None,
        fc2_http: false,
        session: None,
    };
    match job
        .context
        .executor
        .invoke(&job.prepared.spec, invocation)
        .await
    {
        Ok(outcome) => match outcome.error_type.clone() {
            None => Attempt::Succeeded(outcome),
            Some(error_type) => Attempt::Failed {
                message: error_type.as_str().to_owned(),
                outcome: Some(outcome),
            },
        },
        Err(error) => Attempt::Failed {
            message: format!("{}: {error}", error.code()),
            outcome: None,
        },
    }
}

/// Result fields of a finished attempt.
fn fill_outcome(task: &mut AsyncTask, outcome: &InvocationOutcome) {
    task.instance_id = Some(outcome.instance_id.clone());
    task.duration_ms = Some(i64::try_from(outcome.duration.as_millis()).unwrap_or(i64::MAX));
    task.return_payload = Some(truncate(&outcome.body, RETURN_PAYLOAD_LIMIT));
}

/// The body as text (invalid UTF-8 replaced), at most `limit` bytes, cut on a character.
fn truncate(body: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= limit {
        return text.into_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Records the final status; nothing happens if the task was stopped or deleted meanwhile.
async fn finish(
    job: &Job,
    status: AsyncTaskStatus,
    detail: Option<String>,
    fill: impl FnOnce(&mut AsyncTask) + Send + 'static,
) {
    record_step(job, move |task| {
        fill(task);
        task.end_time = Some(now_ms());
        transition(task, status, detail);
    })
    .await;
}

/// Applies a change to the stored task; false when the task has ended (stopped) or is gone.
async fn record_step(job: &Job, change: impl FnOnce(&mut AsyncTask) + Send + 'static) -> bool {
    let function = &job.prepared.spec.name;
    match record::update(&job.context.store, function, &job.task_id, change).await {
        Ok(updated) => updated.is_some(),
        Err(error) => {
            tracing::error!(%function, task = %job.task_id, %error, "cannot record the task's progress");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_ceilings_double_and_are_capped() {
        assert_eq!(RETRY_BACKOFF.ceiling(1), Duration::from_millis(200));
        assert_eq!(RETRY_BACKOFF.ceiling(2), Duration::from_millis(400));
        assert_eq!(RETRY_BACKOFF.ceiling(3), Duration::from_millis(800));
        assert_eq!(RETRY_BACKOFF.ceiling(40), Duration::from_secs(10));
        let mut jitter = Jitter::new();
        for retry in 1..8 {
            assert!(RETRY_BACKOFF.delay(retry, jitter.sample()) <= RETRY_BACKOFF.ceiling(retry));
        }
    }

    #[test]
    fn payloads_are_cut_on_characters() {
        assert_eq!(truncate(b"hello", 10), "hello");
        assert_eq!(truncate("héllo".as_bytes(), 2), "h");
        assert_eq!(truncate(&[0xff, b'a'], 10), "\u{fffd}a");
    }
}

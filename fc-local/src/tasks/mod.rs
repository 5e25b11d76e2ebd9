//! Asynchronous invocations as tasks: accepted with `202`, stored, run in the background with
//! retries, and readable and stoppable through GetAsyncTask, ListAsyncTasks and
//! StopAsyncTask.
//!
//! Every asynchronous invocation is a task, whether or not the function's async invoke config
//! turns task mode (`asyncTask`) on. States: `Enqueued` → `Running` → `Succeeded` or, after a
//! failed attempt, `Retrying` → `Running` ... → `Failed`; `Stopped` when stopped, `Expired` when
//! not run within `maxAsyncEventAgeInSeconds`, `Invalid` when an earlier fc-local run stopped
//! before the task ended.

pub mod record;
pub mod registry;
pub mod run;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fc_models::{AsyncConfig, AsyncTask, AsyncTaskStatus, ErrorCode};

pub use registry::Registry;
pub use run::Policy;

use crate::error::{FcError, FcResult};
use crate::executor::Executor;
use crate::invoke::Prepared;
use crate::store::Store;
use crate::store::resources::{self, Kind};
use record::{TaskRecord, now_ms, transition};

/// What the tasks of one server work with: the store that keeps them, the executor that runs
/// their invocations and the registry of those running. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Context {
    /// Where tasks (and the functions' async invoke configs) are stored.
    pub store: Store,
    /// Runs the tasks' invocations.
    pub executor: Executor,
    /// The tasks running in this process.
    pub registry: Arc<Registry>,
}

/// Accepts an asynchronous invocation: stores the task (`Enqueued`) and starts it in the
/// background. The task id is `task_id` or, when none is given, the request id. A function
/// that already has a task with that id gives 409 `AsyncTaskAlreadyExists`.
pub async fn enqueue(
    context: &Context,
    prepared: Prepared,
    payload: Bytes,
    request_id: &str,
    task_id: Option<String>,
) -> FcResult<String> {
    let function = prepared.spec.name.clone();
    let task_id = task_id.unwrap_or_else(|| request_id.to_owned());
    let policy = policy(&context.store, &function, &prepared.qualifier).await?;
    let mut task = AsyncTask {
        task_id: Some(task_id.clone()),
        request_id: Some(request_id.to_owned()),
        function_arn: Some(prepared.function_arn.clone()),
        qualifier: Some(prepared.qualifier.clone()),
        already_retried_times: Some(0),
        task_payload: Some(String::from_utf8_lossy(&payload).into_owned()),
        ..AsyncTask::default()
    };
    transition(&mut task, AsyncTaskStatus::Enqueued, None);
    let record = TaskRecord {
        run_id: context.registry.run_id().to_owned(),
        enqueued_ms: now_ms(),
        task,
    };
    let job = run::Job {
        context: context.clone(),
        prepared,
        payload,
        request_id: request_id.to_owned(),
        task_id: task_id.clone(),
        policy,
        accepted: Instant::now(),
    };
    // The task waits for `go` so that it is registered and stored before it runs.
    let (go, wait) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        if wait.await.is_ok() {
            run::run(job).await;
        }
    });
    let registry = &context.registry;
    if !registry.register(&function, &task_id, handle.abort_handle()) {
        handle.abort();
        return Err(already_exists(&function, &task_id));
    }
    if let Err(error) = record::insert(&context.store, &function, record).await {
        registry.finish(&function, &task_id);
        handle.abort();
        return Err(error);
    }
    let _ = go.send(());
    Ok(task_id)
}

fn already_exists(function: &str, task_id: &str) -> FcError {
    FcError::new(
        ErrorCode::AsyncTaskAlreadyExists,
        format!("function '{function}' already has a running asynchronous task '{task_id}'"),
    )
}

/// The retry and age settings from the async invoke config of `qualifier` (the service's
/// defaults when it has none).
async fn policy(store: &Store, function: &str, qualifier: &str) -> FcResult<Policy> {
    let function = function.to_owned();
    let qualifier = qualifier.to_owned();
    let config: Option<AsyncConfig> = store
        .transact(move |tx, _| resources::get(tx, Kind::AsyncInvokeConfig, &function, &qualifier))
        .await?;
    let defaults = Policy::default();
    let Some(config) = config else {
        return Ok(defaults);
    };
    Ok(Policy {
        max_retries: config
            .max_async_retry_attempts
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(defaults.max_retries),
        max_event_age: config
            .max_async_event_age_in_seconds
            .and_then(|s| u64::try_from(s).ok())
            .map_or(defaults.max_event_age, Duration::from_secs),
    })
}

/// Stops a task that has not ended: its invocation is cancelled (which kills the instance it
/// ran on) and it becomes `Stopped`. An ended task gives 412: `AsyncInvocationStopped` if it
/// was stopped already, `PreconditionFailed` otherwise.
pub async fn stop(context: &Context, function: &str, task_id: &str) -> FcResult<()> {
    let run_id = context.registry.run_id();
    let current = record::get(&context.store, run_id, function, task_id).await?;
    check_not_ended(function, task_id, &current)?;
    context.registry.abort(function, task_id);
    let stopped = record::update(&context.store, function, task_id, |task| {
        task.end_time = Some(now_ms());
        transition(
            task,
            AsyncTaskStatus::Stopped,
            Some("stopped by StopAsyncTask".into()),
        );
    })
    .await?;
    if stopped.is_some() {
        return Ok(());
    }
    // It ended between the read and the update.
    let current = record::get(&context.store, run_id, function, task_id).await?;
    check_not_ended(function, task_id, &current)
}

fn check_not_ended(function: &str, task_id: &str, task: &AsyncTask) -> FcResult<()> {
    if !record::is_final(task.status.as_ref()) {
        return Ok(());
    }
    let status = task
        .status
        .as_ref()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let code = if task.status == Some(AsyncTaskStatus::Stopped) {
        ErrorCode::AsyncInvocationStopped
    } else {
        ErrorCode::PreconditionFailed
    };
    Err(FcError::new(
        code,
        format!(
            "asynchronous task '{task_id}' of function '{function}' has already ended ({status}) \
             and cannot be stopped"
        ),
    ))
}

//! Tasks as stored: the API's [`AsyncTask`] plus what fc-local needs to list and age them,
//! kept in the `resources` table (kind `async-task`, scope = function, name = task id) so
//! finished tasks survive a restart.

use std::time::{SystemTime, UNIX_EPOCH};

use fc_models::{AsyncTask, AsyncTaskEvent, AsyncTaskStatus, ErrorCode};
use serde::{Deserialize, Serialize};

use crate::error::{FcError, FcResult};
use crate::store::Store;
use crate::store::functions;
use crate::store::resources::{self, Kind};

/// `taskErrorMessage` of a task an earlier fc-local run left unfinished.
pub const ABANDONED: &str = "fc-local stopped before this task finished";

/// One stored task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// The server run that accepted the task ([`super::Registry::run_id`]).
    pub run_id: String,
    /// When it was accepted, Unix ms.
    pub enqueued_ms: i64,
    /// The task as the API shows it.
    pub task: AsyncTask,
}

impl TaskRecord {
    /// The task as it is to be reported now: a task an earlier run accepted and never
    /// finished shows as `Invalid`.
    pub fn view(mut self, current_run: &str) -> AsyncTask {
        if self.run_id != current_run && !is_final(self.task.status.as_ref()) {
            self.task.status = Some(AsyncTaskStatus::Invalid);
            self.task.task_error_message = Some(ABANDONED.to_owned());
        }
        self.task
    }
}

/// Whether a task in `status` has ended (it can no longer change).
pub fn is_final(status: Option<&AsyncTaskStatus>) -> bool {
    matches!(
        status,
        Some(
            AsyncTaskStatus::Succeeded
                | AsyncTaskStatus::Failed
                | AsyncTaskStatus::Stopped
                | AsyncTaskStatus::Expired
                | AsyncTaskStatus::Invalid
        )
    )
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// Moves `task` to `status` and appends the matching event.
pub fn transition(task: &mut AsyncTask, status: AsyncTaskStatus, detail: Option<String>) {
    let event_id = i64::try_from(task.events.len()).unwrap_or(i64::MAX) + 1;
    task.events.push(AsyncTaskEvent {
        event_id: Some(event_id),
        status: Some(status.clone()),
        timestamp: Some(now_ms()),
        event_detail: detail,
    });
    task.status = Some(status);
}

/// 404 for a task id the function does not have.
pub fn not_found(function: &str, task_id: &str) -> FcError {
    FcError::new(
        ErrorCode::AsyncTaskNotFound,
        format!("function '{function}' has no asynchronous task '{task_id}'"),
    )
}

/// Stores a new task; 409 `AsyncTaskAlreadyExists` if the function has one with that id.
pub async fn insert(store: &Store, function: &str, record: TaskRecord) -> FcResult<()> {
    let function = function.to_owned();
    store
        .transact(move |tx, _| {
            let id = record.task.task_id.clone().unwrap_or_default();
            if resources::put(tx, Kind::AsyncTask, &function, &id, &record, true)? {
                Ok(())
            } else {
                Err(FcError::new(
                    ErrorCode::AsyncTaskAlreadyExists,
                    format!(
                        "function '{function}' already has an asynchronous task '{id}'; use \
                         another x-fc-async-task-id"
                    ),
                ))
            }
        })
        .await
}

/// Applies `change` to a stored task that has not ended; returns the task after the change,
/// or `None` if it is gone (function deleted) or had already ended (then nothing is written).
pub async fn update(
    store: &Store,
    function: &str,
    task_id: &str,
    change: impl FnOnce(&mut AsyncTask) + Send + 'static,
) -> FcResult<Option<AsyncTask>> {
    let function = function.to_owned();
    let task_id = task_id.to_owned();
    store
        .transact(move |tx, _| {
            let Some(mut record) =
                resources::get::<TaskRecord>(tx, Kind::AsyncTask, &function, &task_id)?
            else {
                return Ok(None);
            };
            if is_final(record.task.status.as_ref()) {
                return Ok(None);
            }
            change(&mut record.task);
            resources::put(tx, Kind::AsyncTask, &function, &task_id, &record, false)?;
            Ok(Some(record.task))
        })
        .await
}

/// The stored task, as reported now to the server run `run_id`
/// ([`Registry::run_id`](super::Registry::run_id)); 404 `FunctionNotFound` or
/// `AsyncTaskNotFound`.
pub async fn get(
    store: &Store,
    run_id: &str,
    function: &str,
    task_id: &str,
) -> FcResult<AsyncTask> {
    let function = function.to_owned();
    let task_id = task_id.to_owned();
    let run_id = run_id.to_owned();
    store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            resources::get::<TaskRecord>(tx, Kind::AsyncTask, &function, &task_id)?
                .map(|record| record.view(&run_id))
                .ok_or_else(|| not_found(&function, &task_id))
        })
        .await
}

/// Every stored task of an existing function.
pub async fn list(store: &Store, function: &str) -> FcResult<Vec<TaskRecord>> {
    let function = function.to_owned();
    store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            let entries = resources::list::<TaskRecord>(tx, Kind::AsyncTask, Some(&function))?;
            Ok(entries.into_iter().map(|entry| entry.value).collect())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_number_their_events() {
        let mut task = AsyncTask::default();
        transition(&mut task, AsyncTaskStatus::Enqueued, None);
        transition(
            &mut task,
            AsyncTaskStatus::Running,
            Some("attempt 1".into()),
        );
        assert_eq!(task.status, Some(AsyncTaskStatus::Running));
        let ids: Vec<i64> = task.events.iter().filter_map(|e| e.event_id).collect();
        assert_eq!(ids, [1, 2]);
        assert!(task.events.iter().all(|e| e.timestamp.is_some()));
    }

    #[test]
    fn unfinished_tasks_of_an_earlier_run_are_invalid() {
        let mut task = AsyncTask::default();
        transition(&mut task, AsyncTaskStatus::Running, None);
        let record = TaskRecord {
            run_id: "old".into(),
            enqueued_ms: 1,
            task,
        };
        assert_eq!(
            record.clone().view("old").status,
            Some(AsyncTaskStatus::Running)
        );
        let seen = record.clone().view("new");
        assert_eq!(seen.status, Some(AsyncTaskStatus::Invalid));
        assert_eq!(seen.task_error_message.as_deref(), Some(ABANDONED));
        let mut done = record;
        transition(&mut done.task, AsyncTaskStatus::Succeeded, None);
        assert_eq!(done.view("new").status, Some(AsyncTaskStatus::Succeeded));
    }
}

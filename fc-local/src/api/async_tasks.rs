//! GetAsyncTask, ListAsyncTasks and StopAsyncTask over the tasks of `crate::tasks`.
//!
//! Task ids are unique per function, so the `qualifier` parameter of GetAsyncTask and
//! StopAsyncTask is not needed to find a task and is ignored; ListAsyncTasks uses it as a
//! filter.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fc_models::{AsyncTask, AsyncTaskStatus, ListAsyncTaskOutput, SortOrder};
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::extract::FcQuery;
use crate::paging::{DEFAULT_PAGE_SIZE, decode_token, paginate};
use crate::params::Params;
use crate::shape::list_json;
use crate::state::AppState;
use crate::tasks::{self, record};

/// `GET /2023-03-30/functions/{functionName}/async-tasks/{taskId}`
pub async fn get(
    State(state): State<AppState>,
    Path((function, task_id)): Path<(String, String)>,
) -> FcResult<Json<AsyncTask>> {
    let run_id = state.engine.tasks.run_id();
    Ok(Json(
        record::get(&state.store, run_id, &function, &task_id).await?,
    ))
}

/// `PUT /2023-03-30/functions/{functionName}/async-tasks/{taskId}/stop`
pub async fn stop(
    State(state): State<AppState>,
    Path((function, task_id)): Path<(String, String)>,
) -> FcResult<StatusCode> {
    tasks::stop(&state.tasks(), &function, &task_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The filters and order of a ListAsyncTasks call.
#[derive(Debug, Default)]
struct Filter {
    prefix: Option<String>,
    qualifier: Option<String>,
    status: Option<AsyncTaskStatus>,
    started_from: Option<i64>,
    started_before: Option<i64>,
    ascending: bool,
    include_payload: bool,
}

impl Filter {
    /// The filters of `params`, whose `status` and `sortOrderByTime` the query checks have
    /// limited to the spec's values.
    fn parse(params: &Params) -> FcResult<Self> {
        Ok(Self {
            prefix: params.get("prefix").map(str::to_owned),
            qualifier: params.get("qualifier").map(str::to_owned),
            status: params.get("status").map(AsyncTaskStatus::from),
            started_from: millis(params, "startedTimeBegin")?,
            started_before: millis(params, "startedTimeEnd")?,
            ascending: params.get("sortOrderByTime").map(SortOrder::from) == Some(SortOrder::Asc),
            include_payload: boolean(params, "includePayload")?,
        })
    }

    /// Whether `task` (accepted at `enqueued_ms`) passes. A task that has not started yet is
    /// compared by the time it was accepted.
    fn keeps(&self, task: &AsyncTask, enqueued_ms: i64) -> bool {
        let started = task.started_time.unwrap_or(enqueued_ms);
        let id = task.task_id.as_deref().unwrap_or("");
        self.prefix.as_deref().is_none_or(|p| id.starts_with(p))
            && self
                .qualifier
                .as_deref()
                .is_none_or(|q| task.qualifier.as_deref() == Some(q))
            && self
                .status
                .as_ref()
                .is_none_or(|s| task.status.as_ref() == Some(s))
            && self.started_from.is_none_or(|from| started >= from)
            && self.started_before.is_none_or(|end| started < end)
    }

    /// The paging key: acceptance time in the requested order, then task id.
    fn key(&self, enqueued_ms: i64, task_id: &str) -> String {
        let time = u64::try_from(enqueued_ms).unwrap_or(0);
        let ordered = if self.ascending {
            time
        } else {
            u64::MAX - time
        };
        format!("{ordered:020}\u{0}{task_id}")
    }
}

fn millis(params: &Params, name: &str) -> FcResult<Option<i64>> {
    params
        .get(name)
        .map(|text| {
            text.parse::<i64>().map_err(|_| {
                FcError::invalid_argument(format!(
                    "{name} must be a time in Unix milliseconds, got '{text}'"
                ))
            })
        })
        .transpose()
}

fn boolean(params: &Params, name: &str) -> FcResult<bool> {
    match params.get(name) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(FcError::invalid_argument(format!(
            "{name} must be true or false, got '{other}'"
        ))),
    }
}

/// `GET /2023-03-30/functions/{functionName}/async-tasks`: newest first unless
/// `sortOrderByTime=asc`; filters `prefix`, `qualifier`, `status`, `startedTimeBegin`/`End`;
/// `limit` (default 20) and `nextToken`; `taskPayload` only with `includePayload=true`.
pub async fn list(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let limit = params.count("limit")?.unwrap_or(DEFAULT_PAGE_SIZE);
    let after = decode_token(params.get("nextToken"))?;
    let filter = Filter::parse(&params)?;
    let run_id = state.engine.tasks.run_id().to_owned();
    let mut records = record::list(&state.store, &function).await?;
    let mut keyed: Vec<(String, AsyncTask)> = records
        .drain(..)
        .filter_map(|stored| {
            let enqueued = stored.enqueued_ms;
            let mut task = stored.view(&run_id);
            if !filter.keeps(&task, enqueued) {
                return None;
            }
            if !filter.include_payload {
                task.task_payload = None;
            }
            let key = filter.key(enqueued, task.task_id.as_deref().unwrap_or(""));
            Some((key, task))
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let (tasks, next_token) = paginate(keyed, after.as_deref(), limit);
    list_json(&ListAsyncTaskOutput { next_token, tasks }, "tasks")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_and_keys() {
        let params = Params::parse(Some(
            "prefix=job&status=Succeeded&startedTimeBegin=10&startedTimeEnd=20&sortOrderByTime=asc",
        ));
        let filter = Filter::parse(&params).unwrap();
        assert!(filter.ascending);
        let task = AsyncTask {
            task_id: Some("job-1".into()),
            status: Some(AsyncTaskStatus::Succeeded),
            started_time: Some(15),
            ..AsyncTask::default()
        };
        assert!(filter.keeps(&task, 1));
        let late = AsyncTask {
            started_time: Some(20),
            ..task.clone()
        };
        assert!(!filter.keeps(&late, 1));
        assert!(filter.key(1, "a") < filter.key(2, "a"));
        let newest_first = Filter::default();
        assert!(newest_first.key(2, "a") < newest_first.key(1, "a"));
    }

    #[test]
    fn bad_parameters_are_named() {
        let op = fc_models::API.by_action("ListAsyncTasks").unwrap();
        for (query, name) in [
            ("status=Sleeping", "status"),
            ("sortOrderByTime=up", "sortOrderByTime"),
            ("startedTimeBegin=soon", "startedTimeBegin"),
            ("includePayload=yes", "includePayload"),
        ] {
            // The query checks, then the filters, as a request meets them.
            let err = FcQuery::checked(op, Some(query))
                .and_then(|FcQuery(params)| Filter::parse(&params))
                .unwrap_err();
            assert!(err.message.contains(name), "{query}: {}", err.message);
        }
    }
}

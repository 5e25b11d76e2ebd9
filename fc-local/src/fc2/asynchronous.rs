//! FC 2.0's asynchronous side: stateful async invocations
//! (`/services/{s}/functions/{f}/stateful-async-invocations[/{invocationId}]`) and the async
//! invoke configs (`.../async-invoke-config[s]`).
//!
//! An FC 2.0 asynchronous invocation is a task of the function's FC 3.0 twin, so one engine runs,
//! retries and stops both; its id is the `x-fc-stateful-async-invocation-id` the caller chose,
//! else the request id. A config is stored as the twin's FC 3.0 async invoke config of the same
//! qualifier, so the task retries as it says.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;
use serde_json::{Map, Value, json};

use super::resource::{fc3_name, list_page};
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::state::AppState;
use crate::store::resources::{self, Kind};

/// The FC 2.0 view of an FC 3.0 task of `service`'s `function`.
fn invocation(service: &str, function: &str, task: &fc_models::AsyncTask) -> FcResult<Value> {
    let Value::Object(mut fields) = serde_json::to_value(task).map_err(FcError::internal)? else {
        return Err(FcError::internal("a task is not a JSON object"));
    };
    let renamed = [
        ("taskId", "invocationId"),
        ("taskErrorMessage", "invocationErrorMessage"),
        ("taskPayload", "invocationPayload"),
    ];
    for (from, to) in renamed {
        if let Some(value) = fields.remove(from) {
            fields.insert(to.to_owned(), value);
        }
    }
    fields.remove("functionArn");
    fields.insert("serviceName".to_owned(), json!(service));
    fields.insert("functionName".to_owned(), json!(function));
    Ok(Value::Object(fields))
}

/// `GET .../stateful-async-invocations/{invocationId}`
pub async fn get(
    State(state): State<AppState>,
    Path((service, function, id)): Path<(String, String, String)>,
) -> FcResult<Json<Value>> {
    let twin = fc3_name(&service, &function);
    let run_id = state.engine.tasks.run_id().to_owned();
    let task = crate::tasks::record::get(&state.store, &run_id, &twin, &id).await?;
    Ok(Json(invocation(&service, &function, &task)?))
}

/// `PUT .../stateful-async-invocations/{invocationId}`: stops it (412 once it has ended).
pub async fn stop(
    State(state): State<AppState>,
    Path((service, function, id)): Path<(String, String, String)>,
) -> FcResult<Response> {
    let twin = fc3_name(&service, &function);
    crate::tasks::stop(&state.tasks(), &twin, &id).await?;
    Ok(StatusCode::OK.into_response())
}

/// `GET .../stateful-async-invocations`: newest first unless `sortOrderByTime=asc`, filtered by
/// `status`, `invocationIdPrefix`, `startedTimeBegin`/`startedTimeEnd` (Unix ms) and
/// `qualifier`; `includePayload=true` keeps the event.
pub async fn list(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let twin = fc3_name(&service, &function);
    let run_id = state.engine.tasks.run_id().to_owned();
    let mut records = crate::tasks::record::list(&state.store, &twin).await?;
    let ascending = params.get("sortOrderByTime") == Some("asc");
    records.sort_by_key(|record| record.enqueued_ms);
    if !ascending {
        records.reverse();
    }
    let bound = |name: &str| params.get(name).and_then(|v| v.parse::<i64>().ok());
    let (begin, end) = (bound("startedTimeBegin"), bound("startedTimeEnd"));
    let prefix = params.get("invocationIdPrefix").unwrap_or_default();
    let with_payload = params.get("includePayload") == Some("true");
    let mut items = Vec::new();
    for (position, record) in records.into_iter().enumerate() {
        let mut task = record.view(&run_id);
        let started = task.started_time.unwrap_or_default();
        let keep = task
            .task_id
            .as_deref()
            .unwrap_or_default()
            .starts_with(prefix)
            && params.get("status").is_none_or(|s| {
                task.status
                    .as_ref()
                    .is_some_and(|status| status.as_str() == s)
            })
            && params
                .get("qualifier")
                .is_none_or(|q| task.qualifier.as_deref() == Some(q))
            && begin.is_none_or(|b| started >= b)
            && end.is_none_or(|e| started <= e);
        if keep {
            if !with_payload {
                task.task_payload = None;
            }
            // Keys keep the order chosen above through the name-sorted pager.
            items.push((
                format!("{position:010}"),
                invocation(&service, &function, &task)?,
            ));
        }
    }
    list_page(&params, items, "invocations")
}

/// `PUT .../async-invoke-config?qualifier=`: stored as the FC 3.0 twin's config of that qualifier.
pub async fn put_config(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
    FcJson(_, raw): FcJson<Value>,
) -> FcResult<Json<Value>> {
    let qualifier = params.get("qualifier").unwrap_or("LATEST").to_owned();
    let mut fields = super::resource::object(&raw);
    if let Some(stateful) = fields.remove("statefulInvocation") {
        fields.insert("asyncTask".to_owned(), stateful);
    }
    let time = super::resource::now();
    fields.insert("lastModifiedTime".to_owned(), json!(time));
    let twin = fc3_name(&service, &function);
    let stored = state
        .store
        .transact(move |tx, _| {
            super::functions::require(tx, &service, &function)?;
            let previous: Option<Map<String, Value>> =
                resources::get(tx, Kind::AsyncInvokeConfig, &twin, &qualifier)?;
            let created = previous
                .and_then(|p| p.get("createdTime").cloned())
                .unwrap_or(json!(time));
            fields.insert("createdTime".to_owned(), created);
            // Checked against FC 3.0's shape, which the task engine reads.
            serde_json::from_value::<fc_models::AsyncConfig>(Value::Object(fields.clone()))
                .map_err(|e| FcError::invalid_argument(format!("async invoke config: {e}")))?;
            resources::put(
                tx,
                Kind::AsyncInvokeConfig,
                &twin,
                &qualifier,
                &fields,
                false,
            )?;
            Ok(config_view(&service, &function, &qualifier, fields))
        })
        .await?;
    Ok(Json(stored))
}

/// The FC 2.0 view of a stored config.
fn config_view(
    service: &str,
    function: &str,
    qualifier: &str,
    mut fields: Map<String, Value>,
) -> Value {
    if let Some(stateful) = fields.remove("asyncTask") {
        fields.insert("statefulInvocation".to_owned(), stateful);
    }
    fields.insert("service".to_owned(), json!(service));
    fields.insert("function".to_owned(), json!(function));
    fields.insert("qualifier".to_owned(), json!(qualifier));
    Value::Object(fields)
}

fn config_missing(service: &str, function: &str, qualifier: &str) -> FcError {
    FcError::new(
        ErrorCode::AsyncConfigNotExists,
        format!(
            "function '{function}' of service '{service}' has no async invoke config for qualifier {qualifier}"
        ),
    )
}

/// `GET .../async-invoke-config?qualifier=`
pub async fn get_config(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let qualifier = params.get("qualifier").unwrap_or("LATEST").to_owned();
    let twin = fc3_name(&service, &function);
    let view = state
        .store
        .transact(move |tx, _| {
            super::functions::require(tx, &service, &function)?;
            let fields: Map<String, Value> =
                resources::get(tx, Kind::AsyncInvokeConfig, &twin, &qualifier)?
                    .ok_or_else(|| config_missing(&service, &function, &qualifier))?;
            Ok(config_view(&service, &function, &qualifier, fields))
        })
        .await?;
    Ok(Json(view))
}

/// `DELETE .../async-invoke-config?qualifier=`
pub async fn delete_config(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<Response> {
    let qualifier = params.get("qualifier").unwrap_or("LATEST").to_owned();
    let twin = fc3_name(&service, &function);
    state
        .store
        .transact(move |tx, _| {
            super::functions::require(tx, &service, &function)?;
            if !resources::delete(tx, Kind::AsyncInvokeConfig, &twin, &qualifier)? {
                return Err(config_missing(&service, &function, &qualifier));
            }
            Ok(StatusCode::NO_CONTENT.into_response())
        })
        .await
}

/// `GET .../async-invoke-configs`
pub async fn list_configs(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let twin = fc3_name(&service, &function);
    let (service_name, function_name) = (service.clone(), function.clone());
    let entries = state
        .store
        .transact(move |tx, _| {
            super::functions::require(tx, &service_name, &function_name)?;
            resources::list::<Map<String, Value>>(tx, Kind::AsyncInvokeConfig, Some(&twin))
        })
        .await?;
    let items = entries
        .into_iter()
        .map(|entry| {
            let view = config_view(&service, &function, &entry.name, entry.value);
            (entry.name, view)
        })
        .collect();
    list_page(&params, items, "configs")
}

/// `GET /stateful-async-invocation-functions`: the FC 2.0 functions (and qualifiers) whose async
/// invoke config turns stateful invocations on.
pub async fn list_functions(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let entries = state
        .store
        .transact(|tx, _| resources::list::<Map<String, Value>>(tx, Kind::AsyncInvokeConfig, None))
        .await?;
    let items = entries
        .into_iter()
        .filter(|entry| entry.value.get("asyncTask") == Some(&json!(true)))
        .filter_map(|entry| {
            let (service, function) = entry.scope.split_once('$')?;
            let item = json!({
                "serviceName": service,
                "functionName": function,
                "qualifier": entry.name,
            });
            Some((format!("{}/{}", entry.scope, entry.name), item))
        })
        .collect();
    list_page(&params, items, "data")
}

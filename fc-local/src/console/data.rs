//! The console's JSON endpoints (listed in [`super`]).

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use fc_models::{Function, Trigger, TriggerType};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{FcError, FcResult};
use crate::executor::{Invocation, LogRecord};
use crate::params::Params;
use crate::request_id::RequestId;
use crate::state::AppState;
use crate::store::resources::{self, Kind};
use crate::store::{aliases, functions, versions};

/// Async tasks shown per function in the overview (the newest).
const TASKS_SHOWN: usize = 20;
/// Longest `wait` of the logs endpoint, in seconds.
const MAX_WAIT_SECS: u64 = 20;
/// Invocations answered when `limit` is not given (the newest).
const DEFAULT_INVOCATIONS: usize = 100;
/// Words that mark an environment variable's value as a secret to mask (upper case).
const SECRET_WORDS: [&str; 8] = [
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "TOKEN",
    "CREDENTIAL",
    "PRIVATE",
    "ACCESS_KEY",
    "API_KEY",
];
/// What a masked value shows.
const MASK: &str = "********";

/// Whether the environment variable `name` holds a secret by its name.
///
/// ```
/// # use fc_local::console::is_secret_name;
/// assert!(is_secret_name("DB_PASSWORD"));
/// assert!(is_secret_name("stripe_api_key"));
/// assert!(!is_secret_name("LOG_LEVEL"));
/// ```
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|word| upper.contains(word))
}

fn host(headers: &HeaderMap) -> &str {
    headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1")
}

/// `GET /__console/api/overview`
pub(super) async fn overview(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> FcResult<Json<Value>> {
    let stored = state
        .store
        .transact(|tx, _| {
            let mut out = Vec::new();
            for function in functions::list(tx, None, None)? {
                let name = function.function_name.clone().unwrap_or_default();
                let versions: Vec<String> = versions::list(tx, &name)?
                    .iter()
                    .map(|row| row.id.to_string())
                    .collect();
                let aliases = aliases::list(tx, &name)?;
                let triggers = resources::list::<Trigger>(tx, Kind::Trigger, Some(&name))?;
                out.push((function, versions, aliases, triggers));
            }
            Ok(out)
        })
        .await?;
    let host = host(&headers);
    let executor = &state.engine.executor;
    let mut listed = Vec::new();
    for (function, versions, aliases, triggers) in stored {
        let name = function.function_name.clone().unwrap_or_default();
        let triggers: Vec<Value> = triggers
            .into_iter()
            .map(|entry| {
                let trigger = entry.value;
                let is_http = trigger.trigger_type == Some(TriggerType::Http);
                json!({
                    "triggerName": entry.name,
                    "triggerType": trigger.trigger_type,
                    "qualifier": trigger.qualifier,
                    "url": is_http.then(|| crate::http_trigger::trigger_url(host, &name, &entry.name)),
                })
            })
            .collect();
        let aliases: Vec<Value> = aliases
            .into_iter()
            .map(|alias| {
                json!({
                    "aliasName": alias.alias_name,
                    "versionId": alias.version_id,
                    "additionalVersionWeight": alias.additional_version_weight,
                })
            })
            .collect();
        let instances: Vec<Value> = executor
            .instances(&name)
            .into_iter()
            .map(|instance| {
                json!({
                    "instanceId": instance.instance_id,
                    "version": instance.version,
                    "inFlight": instance.in_flight,
                    "idleMs": u64::try_from(instance.idle_for.as_millis()).unwrap_or(u64::MAX),
                })
            })
            .collect();
        let mut tasks = crate::tasks::record::list(&state.store, &name).await?;
        tasks.sort_by_key(|record| std::cmp::Reverse(record.enqueued_ms));
        let run_id = state.engine.tasks.run_id().to_owned();
        let tasks: Vec<Value> = tasks
            .into_iter()
            .take(TASKS_SHOWN)
            .map(|record| {
                let task = record.view(&run_id);
                json!({
                    "taskId": task.task_id,
                    "status": task.status,
                    "qualifier": task.qualifier,
                    "startedTime": task.started_time,
                    "endTime": task.end_time,
                    "taskErrorMessage": task.task_error_message,
                })
            })
            .collect();
        // An FC 2.0 function runs as `service$function`: the page groups it under its service.
        let service = name.split_once('$').map(|(service, _)| service);
        listed.push(json!({
            "functionName": name,
            "service": service,
            "runtime": function.runtime,
            "handler": function.handler,
            "state": function.state,
            "memorySize": function.memory_size,
            "timeout": function.timeout,
            "description": function.description,
            "lastModifiedTime": function.last_modified_time,
            "versions": versions,
            "aliases": aliases,
            "triggers": triggers,
            "instances": instances,
            "asyncTasks": tasks,
        }));
    }
    Ok(Json(json!({
        "endpoint": format!("http://{host}"),
        "region": state.config.region,
        "accountId": state.config.account_id,
        "functions": listed,
    })))
}

/// `GET /__console/api/functions/{name}`: GetFunction's shape, secrets masked.
pub(super) async fn function(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> FcResult<Json<Function>> {
    let lookup = name.clone();
    let mut function = state
        .store
        .transact(move |tx, _| functions::get(tx, &lookup))
        .await?
        .ok_or_else(|| FcError::function_not_found(&name))?
        .function;
    for (key, value) in function.environment_variables.iter_mut() {
        if is_secret_name(key) {
            MASK.clone_into(value);
        }
    }
    Ok(Json(function))
}

/// `GET /__console/api/invocations`
pub(super) async fn invocations(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> FcResult<Json<Value>> {
    let query = Params::parse(query.as_deref());
    let after = query.count("after")?.unwrap_or(0) as u64;
    let limit = query.count("limit")?.unwrap_or(DEFAULT_INVOCATIONS);
    let executor = &state.engine.executor;
    let records = executor.invocations(query.get("function"), after);
    let skip = records.len().saturating_sub(limit);
    let listed: Vec<Value> = records
        .into_iter()
        .skip(skip)
        .map(|record| {
            let log: Vec<String> = executor
                .logs(&record.function_name)
                .into_iter()
                .filter(|line| line.request_id.as_deref() == Some(record.request_id.as_str()))
                .map(|line| line.line)
                .collect();
            let mut value = json!(record);
            value["log"] = json!(log);
            value
        })
        .collect();
    Ok(Json(json!({ "invocations": listed })))
}

fn log_line(record: &LogRecord) -> Value {
    json!({
        "seq": record.seq,
        "timeMs": crate::executor::millis_since_epoch(record.time),
        "instanceId": record.instance_id,
        "requestId": record.request_id,
        "line": record.line,
    })
}

/// `GET /__console/api/logs`: lines above `after`; with `wait`, holds the answer until a line
/// arrives or `wait` seconds pass.
pub(super) async fn logs(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> FcResult<Json<Value>> {
    let query = Params::parse(query.as_deref());
    let function = query
        .get("function")
        .ok_or_else(|| FcError::invalid_argument("query parameter function is required"))?;
    let after = query.count("after")?.unwrap_or(0) as u64;
    let wait = (query.count("wait")?.unwrap_or(0) as u64).min(MAX_WAIT_SECS);
    let executor = &state.engine.executor;
    let deadline = Instant::now() + Duration::from_secs(wait);
    let mut lines = executor.logs_after(function, after);
    while lines.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        lines = executor.logs_after(function, after);
    }
    let next = lines.last().map_or(after, |line| line.seq);
    Ok(Json(json!({
        "lines": lines.iter().map(log_line).collect::<Vec<_>>(),
        "next": next,
    })))
}

/// Body of the invoke endpoint.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct InvokeRequest {
    function_name: String,
    qualifier: Option<String>,
    #[serde(default)]
    payload: String,
}

/// `POST /__console/api/invoke`: a synchronous invocation with its log.
pub(super) async fn invoke(
    State(state): State<AppState>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
    Json(request): Json<InvokeRequest>,
) -> FcResult<Json<Value>> {
    let name = request.function_name;
    let qualifier = request.qualifier.filter(|q| !q.is_empty());
    let arn = state.function_arn(&name);
    let prepared = crate::invoke::prepare(&state.store, arn, &name, qualifier.as_deref()).await?;
    let invocation = Invocation::new(request_id.clone(), request.payload)
        .with_log_tail(true)
        .with_qualifier(prepared.qualifier.clone());
    let outcome = state
        .engine
        .executor
        .invoke(&prepared.spec, invocation)
        .await?;
    Ok(Json(json!({
        "requestId": request_id,
        "statusCode": outcome.status,
        "errorType": outcome.error_type.as_ref().map(|kind| kind.as_str()),
        "body": String::from_utf8_lossy(&outcome.body),
        "log": outcome.log_tail,
        "durationMs": u64::try_from(outcome.duration.as_millis()).unwrap_or(u64::MAX),
        "instanceId": outcome.instance_id,
    })))
}

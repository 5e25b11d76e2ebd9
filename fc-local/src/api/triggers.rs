//! Trigger operations: CreateTrigger, GetTrigger, UpdateTrigger, ListTriggers, DeleteTrigger.
//!
//! Triggers are stored and validated. An HTTP trigger reports a URL under `/__http/` on
//! fc-local's own host, which `crate::http_trigger` serves; other trigger types are not
//! connected to event sources.

use std::time::SystemTime;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use fc_client::timestamp::format_iso8601;
use fc_models::{
    CreateTriggerInput, ErrorCode, HttpTrigger, ListTriggersOutput, Trigger, TriggerType,
    UpdateTriggerInput,
};
use rusqlite::Transaction;
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_token, paginate};
use crate::shape::list_json;
use crate::state::AppState;
use crate::store::functions;
use crate::store::resources::{self, Kind};
use crate::validate;

/// Triggers per function (limits.md §6).
const MAX_TRIGGERS: u64 = 50;

fn not_found(function: &str, name: &str) -> FcError {
    FcError::new(
        ErrorCode::TriggerNotFound,
        format!("trigger '{name}' of function '{function}' does not exist"),
    )
}

/// The qualifier must be LATEST, an existing version or an existing alias.
fn check_qualifier(
    tx: &Transaction<'_>,
    function: &str,
    qualifier: Option<&str>,
) -> FcResult<String> {
    let qualifier = qualifier.filter(|q| !q.is_empty()).unwrap_or("LATEST");
    functions::resolve(tx, function, Some(qualifier))?;
    Ok(qualifier.to_owned())
}

/// At most one HTTP trigger per function qualifier (limits.md §4).
fn check_single_http(tx: &Transaction<'_>, function: &str, trigger: &Trigger) -> FcResult<()> {
    if trigger.trigger_type != Some(TriggerType::Http) {
        return Ok(());
    }
    let others: Vec<resources::Entry<Trigger>> =
        resources::list(tx, Kind::Trigger, Some(function))?;
    let clash = others.iter().find(|e| {
        e.value.trigger_type == Some(TriggerType::Http)
            && e.value.qualifier == trigger.qualifier
            && e.value.trigger_name != trigger.trigger_name
    });
    match clash {
        Some(other) => Err(FcError::new(
            ErrorCode::TriggerAlreadyExists,
            format!(
                "qualifier {} of function '{function}' already has the HTTP trigger '{}'",
                trigger.qualifier.as_deref().unwrap_or("LATEST"),
                other.name
            ),
        )),
        None => Ok(()),
    }
}

fn http_urls(headers: &HeaderMap, function: &str, trigger: &str) -> HttpTrigger {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let url = crate::http_trigger::trigger_url(host, function, trigger);
    HttpTrigger {
        url_internet: Some(url.clone()),
        url_intranet: Some(url),
    }
}

/// `POST /2023-03-30/functions/{functionName}/triggers`
pub async fn create(
    State(state): State<AppState>,
    Path(function): Path<String>,
    headers: HeaderMap,
    FcJson(input, _): FcJson<CreateTriggerInput>,
) -> FcResult<Json<Trigger>> {
    validate::trigger_config(&input.trigger_type, &input.trigger_config)?;
    let arn = state.function_arn(&function);
    let http = (input.trigger_type == TriggerType::Http)
        .then(|| http_urls(&headers, &function, &input.trigger_name));
    let trigger = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            let qualifier = check_qualifier(tx, &function, input.qualifier.as_deref())?;
            if resources::count(tx, Kind::Trigger, &function)? >= MAX_TRIGGERS {
                return Err(FcError::invalid_argument(format!(
                    "function '{function}' already has {MAX_TRIGGERS} triggers, the maximum"
                )));
            }
            let now = format_iso8601(SystemTime::now());
            let trigger = Trigger {
                created_time: Some(now.clone()),
                description: input.description,
                http_trigger: http,
                invocation_role: input.invocation_role,
                last_modified_time: Some(now),
                qualifier: Some(qualifier),
                source_arn: input.source_arn,
                status: Some("Ready".to_owned()),
                target_arn: Some(arn),
                trigger_config: Some(input.trigger_config),
                trigger_id: Some(crate::request_id::new_request_id()),
                trigger_name: Some(input.trigger_name.clone()),
                trigger_type: Some(input.trigger_type),
            };
            check_single_http(tx, &function, &trigger)?;
            if !resources::put(
                tx,
                Kind::Trigger,
                &function,
                &input.trigger_name,
                &trigger,
                true,
            )? {
                return Err(FcError::new(
                    ErrorCode::TriggerAlreadyExists,
                    format!(
                        "trigger '{}' of function '{function}' already exists",
                        input.trigger_name
                    ),
                ));
            }
            Ok(trigger)
        })
        .await?;
    Ok(Json(trigger))
}

/// `GET /2023-03-30/functions/{functionName}/triggers/{triggerName}`
pub async fn get(
    State(state): State<AppState>,
    Path((function, name)): Path<(String, String)>,
) -> FcResult<Json<Trigger>> {
    let trigger = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            resources::get(tx, Kind::Trigger, &function, &name)?
                .ok_or_else(|| not_found(&function, &name))
        })
        .await?;
    Ok(Json(trigger))
}

/// `PUT /2023-03-30/functions/{functionName}/triggers/{triggerName}`: only given fields change.
pub async fn update(
    State(state): State<AppState>,
    Path((function, name)): Path<(String, String)>,
    FcJson(input, _): FcJson<UpdateTriggerInput>,
) -> FcResult<Json<Trigger>> {
    let trigger = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            let mut trigger: Trigger = resources::get(tx, Kind::Trigger, &function, &name)?
                .ok_or_else(|| not_found(&function, &name))?;
            if let Some(config) = input.trigger_config {
                let kind = trigger.trigger_type.clone().unwrap_or(TriggerType::Http);
                validate::trigger_config(&kind, &config)?;
                trigger.trigger_config = Some(config);
            }
            if let Some(qualifier) = input.qualifier {
                trigger.qualifier = Some(check_qualifier(tx, &function, Some(&qualifier))?);
            }
            if input.description.is_some() {
                trigger.description = input.description;
            }
            if input.invocation_role.is_some() {
                trigger.invocation_role = input.invocation_role;
            }
            check_single_http(tx, &function, &trigger)?;
            trigger.last_modified_time = Some(format_iso8601(SystemTime::now()));
            resources::put(tx, Kind::Trigger, &function, &name, &trigger, false)?;
            Ok(trigger)
        })
        .await?;
    Ok(Json(trigger))
}

/// `GET /2023-03-30/functions/{functionName}/triggers`: by name, with prefix and paging.
pub async fn list(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let limit = params.limit("limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = decode_token(params.get("nextToken"))?;
    let prefix = params.get("prefix").unwrap_or("").to_owned();
    let entries: Vec<resources::Entry<Trigger>> = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            resources::list(tx, Kind::Trigger, Some(&function))
        })
        .await?;
    let items = entries
        .into_iter()
        .filter(|e| e.name.starts_with(&prefix))
        .map(|e| (e.name, e.value));
    let (triggers, next_token) = paginate(items, after.as_deref(), limit);
    list_json(
        &ListTriggersOutput {
            next_token,
            triggers,
        },
        "triggers",
    )
}

/// `DELETE /2023-03-30/functions/{functionName}/triggers/{triggerName}`
pub async fn delete(
    State(state): State<AppState>,
    Path((function, name)): Path<(String, String)>,
) -> FcResult<StatusCode> {
    state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            if !resources::delete(tx, Kind::Trigger, &function, &name)? {
                return Err(not_found(&function, &name));
            }
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

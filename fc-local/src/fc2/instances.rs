//! ListInstances (the running instances of a function) and GetAccountSettings.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::resource::{fc3_name, service_and_qualifier};
use crate::error::FcResult;
use crate::extract::FcQuery;
use crate::state::AppState;

/// `GET /services/{serviceName}/functions/{functionName}/instances`: the instances running the
/// function (all versions, or those of `qualifier`'s version), optionally only `instanceIds`.
pub async fn list(
    State(state): State<AppState>,
    Path((segment, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let (service, qualifier) = service_and_qualifier(&segment, params.get("qualifier"));
    let (service, qualifier) = (service.to_owned(), qualifier.map(str::to_owned));
    let twin = fc3_name(&service, &function);
    let version = state
        .store
        .transact(move |tx, _| {
            super::functions::require(tx, &service, &function)?;
            super::qualifier::version_of(tx, &service, qualifier.as_deref(), None)
        })
        .await?;
    let wanted: Vec<&str> = params
        .get("instanceIds")
        .map(|ids| ids.split(',').collect())
        .unwrap_or_default();
    let label = version.map_or_else(|| "LATEST".to_owned(), |id| id.to_string());
    let asked_version = params.get("qualifier").is_some();
    let limit = params.limit(
        "limit",
        crate::paging::MAX_PAGE_SIZE,
        crate::paging::MAX_PAGE_SIZE,
    )?;
    let instances: Vec<Value> = state
        .engine
        .executor
        .instances(&twin)
        .into_iter()
        .filter(|i| !asked_version || i.version == label)
        .filter(|i| wanted.is_empty() || wanted.contains(&i.instance_id.as_str()))
        .take(limit)
        .map(|i| json!({"instanceId": i.instance_id, "versionId": i.version}))
        .collect();
    Ok(Json(json!({ "instances": instances })))
}

/// `GET /account-settings`: the zones of fc-local's region (one, local).
pub async fn account_settings(State(state): State<AppState>) -> Json<Value> {
    let zone = format!("{}-local", state.config.region);
    Json(json!({ "availableAZs": [zone] }))
}

//! ListInstances: `GET /2023-03-30/functions/{functionName}/instances`, the function's running
//! instances as the executor knows them.

use axum::extract::{Path, State};
use axum::{Extension, Json};
use fc_models::{InstanceInfo, InstanceStatus, ListInstancesOutput};
use serde_json::Value;

use crate::error::FcResult;
use crate::extract::FcQuery;
use crate::invoke::qualifier::LATEST;
use crate::request_id::RequestId;
use crate::shape::list_json;
use crate::state::AppState;
use crate::store::functions;

/// Most instances one answer lists (the FC 2.0 operation's range, limits.md l.159).
const MAX_LIMIT: usize = 1000;

/// Lists the running instances: all versions, or only the version `qualifier` resolves to (an
/// alias resolves to its main version). Filters `instanceIds` and `instanceStatus` (JSON
/// arrays) and `limit` (1–1000) apply; the time range and `startKey` are accepted and ignored.
/// Every instance is `Running`; `versionId` is `"0"` for LATEST, as the spec writes it.
pub async fn list(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FcQuery(params): FcQuery,
    Extension(RequestId(request_id)): Extension<RequestId>,
) -> FcResult<Json<Value>> {
    let limit = params.limit("limit", MAX_LIMIT, MAX_LIMIT)?;
    let ids: Option<Vec<String>> = params.json("instanceIds")?;
    // The query checks allow only the spec's InstanceStatus values.
    let statuses: Option<Vec<String>> = params.json("instanceStatus")?;
    let owned_name = name.clone();
    let qualifier = params.get("qualifier").map(str::to_owned);
    let version = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &owned_name)?;
            qualifier
                .map(|q| functions::resolve(tx, &owned_name, Some(&q)))
                .transpose()
        })
        .await?
        .map(|(_, version)| version.map_or_else(|| LATEST.to_owned(), |v| v.to_string()));
    let running_wanted = statuses
        .as_ref()
        .is_none_or(|s| s.iter().any(|status| status == "Running"));
    let instances: Vec<InstanceInfo> = state
        .engine
        .executor
        .instances(&name)
        .into_iter()
        .filter(|_| running_wanted)
        .filter(|info| version.as_ref().is_none_or(|v| &info.version == v))
        .filter(|info| {
            ids.as_ref()
                .is_none_or(|ids| ids.contains(&info.instance_id))
        })
        .take(limit)
        .map(|info| InstanceInfo {
            instance_id: Some(info.instance_id),
            version_id: Some(if info.version == LATEST {
                "0".to_owned()
            } else {
                info.version.clone()
            }),
            qualifier: Some(info.version),
            status: Some(InstanceStatus::Running),
            ..InstanceInfo::default()
        })
        .collect();
    list_json(
        &ListInstancesOutput {
            instances,
            request_id: Some(request_id),
        },
        "instances",
    )
}

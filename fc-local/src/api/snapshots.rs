//! Snapshot operations: CreateSnapshot, GetSnapshot, ListSnapshots, DeleteSnapshot
//! (`crate::sessions::snapshots` keeps them and says how they behave).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fc_models::{CreateSnapshotInput, ListSnapshotsOutput, Snapshot};
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::invoke::qualifier::LATEST;
use crate::paging::requested_page;
use crate::sessions::snapshots::Filter;
use crate::shape::list_json;
use crate::state::AppState;

/// `POST /2023-03-30/functions/{functionName}/snapshots`
pub async fn create(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
    FcJson(input, _): FcJson<CreateSnapshotInput>,
) -> FcResult<Json<Snapshot>> {
    let session = input
        .session_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| FcError::invalid_argument("sessionId is required"))?;
    let qualifier = params.get("qualifier").unwrap_or(LATEST).to_owned();
    let prepared = super::sessions::session_spec(&state, &function, &qualifier, &session).await?;
    let snapshot = state
        .engine
        .sessions
        .snapshot(
            &function,
            &qualifier,
            &session,
            input.description,
            &prepared.spec,
        )
        .await?;
    Ok(Json(snapshot))
}

/// `GET /2023-03-30/functions/{functionName}/snapshots/{snapshotId}`
pub async fn get(
    State(state): State<AppState>,
    Path((function, id)): Path<(String, String)>,
) -> FcResult<Json<Snapshot>> {
    Ok(Json(state.engine.sessions.get_snapshot(&function, &id)?))
}

/// `GET /2023-03-30/snapshots`: newest first; `functionName`, `sessionId` (with
/// `functionName`) and `qualifier` filter.
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let all = state.engine.sessions.list_snapshots(&Filter {
        function: params.get("functionName"),
        session: params.get("sessionId"),
        qualifier: params.get("qualifier"),
    })?;
    let (snapshots, next_token) = requested_page(&params, all)?;
    list_json(
        &ListSnapshotsOutput {
            snapshots,
            next_token,
        },
        "snapshots",
    )
}

/// `DELETE /2023-03-30/functions/{functionName}/snapshots/{snapshotId}`
pub async fn delete(
    State(state): State<AppState>,
    Path((function, id)): Path<(String, String)>,
) -> FcResult<StatusCode> {
    state.engine.sessions.delete_snapshot(&function, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

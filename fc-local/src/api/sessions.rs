//! Session operations: CreateSession, GetSession, UpdateSession, DeleteSession, ListSessions,
//! PauseSession, ResumeSession (`crate::sessions` keeps them and says how they behave).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use fc_models::{CreateSessionInput, ListSessionsOutput, Session, UpdateSessionInput};
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::invoke::qualifier::LATEST;
use crate::invoke::{Prepared, prepare};
use crate::paging::requested_page;
use crate::request_id::RequestId;
use crate::sessions::NewSession;
use crate::sessions::affinity::{self, Affinity, AffinityType};
use crate::shape::list_json;
use crate::state::AppState;

/// The qualifier a session operation names (`LATEST` when it names none).
fn qualifier(params: &crate::params::Params) -> String {
    params.get("qualifier").unwrap_or(LATEST).to_owned()
}

/// 404 `FunctionNotFound` unless `function` exists.
async fn require_function(state: &AppState, function: &str) -> FcResult<()> {
    let name = function.to_owned();
    state
        .store
        .transact(move |tx, _| crate::store::functions::require(tx, &name).map(drop))
        .await
}

/// The function at `qualifier`, with the session API's affinity (HEADER_FIELD or
/// GENERATED_COOKIE; 400 for any other, the CreateSession reference).
async fn resolved(
    state: &AppState,
    function: &str,
    qualifier: Option<&str>,
) -> FcResult<(Prepared, Affinity)> {
    let prepared = prepare(
        &state.store,
        state.function_arn(function),
        function,
        qualifier,
    )
    .await?;
    let affinity = prepared
        .affinity
        .clone()
        .filter(Affinity::has_session_api)
        .ok_or_else(|| {
            FcError::invalid_argument(format!(
                "function '{function}' has no HEADER_FIELD or GENERATED_COOKIE sessionAffinity: \
                 the session operations apply to those only"
            ))
        })?;
    Ok((prepared, affinity))
}

/// `POST /2023-03-30/functions/{functionName}/sessions`
pub async fn create(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
    Extension(RequestId(request_id)): Extension<RequestId>,
    FcJson(input, _): FcJson<CreateSessionInput>,
) -> FcResult<Json<Session>> {
    let (prepared, affinity) = resolved(&state, &function, params.get("qualifier")).await?;
    let id = match input.session_id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) if affinity.kind != AffinityType::HeaderField => {
            return Err(FcError::invalid_argument(format!(
                "sessionId {id:?}: only HEADER_FIELD affinity takes a session id of the \
                 caller's; function '{function}' has {}",
                affinity.kind.as_str()
            )));
        }
        Some(id) => {
            affinity::check_session_id("sessionId", id)?;
            id.to_owned()
        }
        None => affinity::new_session_id(),
    };
    let session = state
        .engine
        .sessions
        .create(NewSession {
            function: &function,
            qualifier: &prepared.qualifier,
            spec: &prepared.spec,
            affinity: &affinity,
            input,
            id,
            request_id: &request_id,
        })
        .await?;
    Ok(Json(session))
}

/// `GET /2023-03-30/functions/{functionName}/sessions/{sessionId}`
pub async fn get(
    State(state): State<AppState>,
    Path((function, id)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Session>> {
    require_function(&state, &function).await?;
    let session = state
        .engine
        .sessions
        .get(&function, &qualifier(&params), &id)?;
    Ok(Json(session))
}

/// `PUT /2023-03-30/functions/{functionName}/sessions/{sessionId}`
pub async fn update(
    State(state): State<AppState>,
    Path((function, id)): Path<(String, String)>,
    FcQuery(params): FcQuery,
    FcJson(input, _): FcJson<UpdateSessionInput>,
) -> FcResult<Json<Session>> {
    require_function(&state, &function).await?;
    let sessions = &state.engine.sessions;
    let session = sessions.update(&function, &qualifier(&params), &id, input)?;
    Ok(Json(session))
}

/// `DELETE /2023-03-30/functions/{functionName}/sessions/{sessionId}`
pub async fn delete(
    State(state): State<AppState>,
    Path((function, id)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<StatusCode> {
    require_function(&state, &function).await?;
    state
        .engine
        .sessions
        .delete(&function, &qualifier(&params), &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /2023-03-30/functions/{functionName}/sessions`: oldest first; `qualifier`,
/// `sessionStatus` and `sessionId` filter (a missing qualifier lists every qualifier's).
pub async fn list(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    require_function(&state, &function).await?;
    let all = state.engine.sessions.list(
        &function,
        params.get("qualifier"),
        params.get("sessionStatus"),
        params.get("sessionId"),
    );
    let (sessions, next_token) = requested_page(&params, all)?;
    list_json(
        &ListSessionsOutput {
            sessions,
            next_token,
        },
        "sessions",
    )
}

/// `PUT /2023-03-30/functions/{functionName}/sessions/{sessionId}/pause`
pub async fn pause(
    State(state): State<AppState>,
    Path((function, id)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Session>> {
    let files_only = flag(&params, "fileSystemOnly")?;
    require_function(&state, &function).await?;
    let sessions = &state.engine.sessions;
    let session = sessions.pause(&function, &qualifier(&params), &id, files_only)?;
    Ok(Json(session))
}

/// `PUT /2023-03-30/functions/{functionName}/sessions/{sessionId}/resume`: `fileSystemOnly`
/// is read and checked; what is resumed is what was paused.
pub async fn resume(
    State(state): State<AppState>,
    Path((function, id)): Path<(String, String)>,
    FcQuery(params): FcQuery,
    Extension(RequestId(request_id)): Extension<RequestId>,
) -> FcResult<Json<Session>> {
    flag(&params, "fileSystemOnly")?;
    let qualifier = qualifier(&params);
    let prepared = session_spec(&state, &function, &qualifier, &id).await?;
    let session = state
        .engine
        .sessions
        .resume(&function, &qualifier, &id, &prepared.spec, &request_id)
        .await?;
    Ok(Json(session))
}

/// What the live session `id` runs: its function at the version its qualifier resolved to
/// when it was created (404 `SessionNotFound` for no such session).
pub(crate) async fn session_spec(
    state: &AppState,
    function: &str,
    qualifier: &str,
    id: &str,
) -> FcResult<Prepared> {
    let version = state.engine.sessions.version(function, qualifier, id)?;
    prepare(
        &state.store,
        state.function_arn(function),
        function,
        Some(&version),
    )
    .await
}

/// A boolean query parameter: `true` or `false` in any case (the Python SDK sends `True`).
fn flag(params: &crate::params::Params, name: &str) -> FcResult<bool> {
    match params.get(name) {
        None => Ok(false),
        Some(text) if text.eq_ignore_ascii_case("true") => Ok(true),
        Some(text) if text.eq_ignore_ascii_case("false") => Ok(false),
        Some(text) => Err(FcError::invalid_argument(format!(
            "{name} must be true or false, got {text:?}"
        ))),
    }
}

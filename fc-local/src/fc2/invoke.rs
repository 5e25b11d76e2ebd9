//! InvokeFunction: `POST /services/{serviceName}[.qualifier]/functions/{functionName}/invocations`.
//! An asynchronous call's id is its `x-fc-stateful-async-invocation-id` (else the request id),
//! answered in that header.
//!
//! The qualifier (`LATEST`, a service version, a service alias drawn by its weights) picks the
//! version; the function's FC 3.0 twin at that version runs, through the same path as FC 3.0's
//! InvokeFunction (sync with log tail and error type, or async as a task).

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::qualifier::version_of;
use super::resource::{fc3_name, require_service, service_and_qualifier};
use crate::error::FcResult;
use crate::extract::{FcHeaders, FcQuery};
use crate::invoke::headers::ASYNC_TASK_ID;
use crate::request_id::RequestId;
use crate::state::AppState;

/// The id an FC 2.0 caller gives its asynchronous invocation, and the answer's header naming it.
const STATEFUL_ID: &str = "x-fc-stateful-async-invocation-id";

/// `POST /services/{serviceName}[.qualifier]/functions/{functionName}/invocations`
pub async fn invoke(
    State(state): State<AppState>,
    Path((segment, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
    Extension(RequestId(request_id)): Extension<RequestId>,
    FcHeaders(headers): FcHeaders,
    body: Bytes,
) -> FcResult<Response> {
    let mut asked = crate::api::invoke::asked(&headers, body.len())?;
    if let Some(id) = headers.get(STATEFUL_ID).and_then(|v| v.to_str().ok()) {
        asked.task_id = Some(id.to_owned());
    }
    let (service, qualifier) = service_and_qualifier(&segment, params.get("qualifier"));
    let (service, qualifier) = (service.to_owned(), qualifier.map(str::to_owned));
    let twin = fc3_name(&service, &function);
    let draw = crate::invoke::qualifier::random_draw();
    let version = state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            super::functions::require(tx, &service, &function)?;
            version_of(tx, &service, qualifier.as_deref(), Some(draw))
        })
        .await?;
    let label = version.map(|id| id.to_string());
    let arn = state.function_arn(&twin);
    let prepared = crate::invoke::prepare(&state.store, arn, &twin, label.as_deref()).await?;
    let mut response =
        crate::api::invoke::run(&state, prepared, asked, &headers, body, request_id).await?;
    // FC 2.0 names the task of an asynchronous call in its own header.
    if let Some(id) = response.headers().get(ASYNC_TASK_ID).cloned() {
        response.headers_mut().insert(STATEFUL_ID, id);
    }
    Ok(response)
}

//! InvokeFunction: `POST /services/{serviceName}[.qualifier]/functions/{functionName}/invocations`.
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
use crate::request_id::RequestId;
use crate::state::AppState;

/// `POST /services/{serviceName}[.qualifier]/functions/{functionName}/invocations`
pub async fn invoke(
    State(state): State<AppState>,
    Path((segment, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
    Extension(RequestId(request_id)): Extension<RequestId>,
    FcHeaders(headers): FcHeaders,
    body: Bytes,
) -> FcResult<Response> {
    let asked = crate::api::invoke::asked(&headers, body.len())?;
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
    crate::api::invoke::run(&state, prepared, asked, body, request_id).await
}

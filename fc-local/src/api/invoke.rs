//! InvokeFunction: `POST /2023-03-30/functions/{functionName}/invocations`.
//!
//! The body is the event, passed on unchanged. A synchronous call runs the function and
//! answers with its result and the `x-fc-*` headers the service sends; an asynchronous one
//! answers `202` with `x-fc-async-task-id` and runs as a task (`crate::tasks`).

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{FcError, FcResult};
use crate::executor::{Invocation, InvocationOutcome};
use crate::extract::{FcHeaders, FcQuery};
use crate::invoke::{ASYNC_PAYLOAD_LIMIT, InvokeHeaders, Prepared, SYNC_PAYLOAD_LIMIT, prepare};
use crate::request_id::RequestId;
use crate::state::AppState;

/// The content type of every invocation answer.
const OCTET_STREAM: &str = "application/octet-stream";

/// `POST /2023-03-30/functions/{functionName}/invocations`
pub async fn invoke(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FcQuery(params): FcQuery,
    Extension(RequestId(request_id)): Extension<RequestId>,
    FcHeaders(headers): FcHeaders,
    body: Bytes,
) -> FcResult<Response> {
    let asked = asked(&headers, body.len())?;
    let arn = state.function_arn(&name);
    let prepared = prepare(&state.store, arn, &name, params.get("qualifier")).await?;
    run(&state, prepared, asked, &headers, body, request_id).await
}

/// What the request's headers ask for (sync or async, log tail, task id), with the payload
/// size checked against the invocation type's limit.
pub(crate) fn asked(headers: &axum::http::HeaderMap, len: usize) -> FcResult<InvokeHeaders> {
    let asked = InvokeHeaders::parse(headers)?;
    check_payload_size(len, asked.asynchronous)?;
    Ok(asked)
}

/// Runs a prepared invocation as `asked`: a task answered `202` for an asynchronous call, else
/// the function's answer with the service's `x-fc-*` headers, in the session the request's
/// `headers` name (asynchronous calls have no sessions: the session-affinity restrictions
/// page). FC 2.0's InvokeFunction shares it.
pub(crate) async fn run(
    state: &AppState,
    mut prepared: Prepared,
    asked: InvokeHeaders,
    headers: &axum::http::HeaderMap,
    body: Bytes,
    request_id: String,
) -> FcResult<Response> {
    if asked.asynchronous {
        let task_id =
            crate::tasks::enqueue(&state.tasks(), prepared, body, &request_id, asked.task_id)
                .await?;
        return accepted(&task_id);
    }
    let bound = crate::sessions::route::bind(state, &mut prepared, headers, &request_id).await?;
    let invocation = Invocation {
        request_id,
        payload: body,
        log_tail: asked.log_tail,
        qualifier: Some(prepared.qualifier.clone()),
        retry_count: 0,
        http: None,
        fc2_http: false,
        session: bound.session.clone(),
    };
    let outcome = state
        .engine
        .executor
        .invoke(&prepared.spec, invocation)
        .await;
    bound.finish(state);
    let mut response = answer(&prepared, outcome?)?;
    bound.mark(response.headers_mut());
    Ok(response)
}

/// 413 `EntityTooLarge` above 32 MB (synchronous) or 128 KB (asynchronous).
fn check_payload_size(len: usize, asynchronous: bool) -> FcResult<()> {
    let (limit, kind) = if asynchronous {
        (ASYNC_PAYLOAD_LIMIT, "an asynchronous")
    } else {
        (SYNC_PAYLOAD_LIMIT, "a synchronous")
    };
    if len > limit {
        return Err(FcError::entity_too_large(format!(
            "the payload of {kind} invocation is {len} bytes; the maximum is {limit} bytes"
        )));
    }
    Ok(())
}

/// `202` with the task id and an empty body.
fn accepted(task_id: &str) -> FcResult<Response> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::ACCEPTED;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(OCTET_STREAM));
    headers.insert(crate::invoke::headers::ASYNC_TASK_ID, value(task_id)?);
    Ok(response)
}

/// The synchronous answer: the function's status and body, and the `x-fc-*` headers.
fn answer(prepared: &Prepared, outcome: InvocationOutcome) -> FcResult<Response> {
    let status = StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::OK);
    let mut response = Response::new(Body::from(outcome.body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(OCTET_STREAM));
    if let Some(error_type) = &outcome.error_type {
        headers.insert("x-fc-error-type", value(error_type.as_str())?);
    }
    if let Some(tail) = &outcome.log_tail {
        headers.insert("x-fc-log-result", value(&STANDARD.encode(tail))?);
    }
    headers.insert("x-fc-instance-id", value(&outcome.instance_id)?);
    headers.insert(
        "x-fc-invocation-duration",
        value(&outcome.duration.as_millis().to_string())?,
    );
    if let Some(memory) = outcome.max_memory_mb {
        headers.insert("x-fc-max-memory-usage", value(&format!("{memory:.2}"))?);
    }
    headers.insert("x-fc-code-checksum", value(&prepared.spec.code_checksum)?);
    headers.insert(
        "x-fc-invocation-code-version",
        value(&prepared.spec.version)?,
    );
    headers.insert(
        "x-fc-invocation-service-version",
        value(&prepared.qualifier)?,
    );
    Ok(response)
}

fn value(text: &str) -> FcResult<HeaderValue> {
    HeaderValue::from_str(text)
        .map_err(|_| FcError::internal(format!("'{text}' cannot be sent as a header value")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_limits_depend_on_the_invocation_type() {
        assert!(check_payload_size(ASYNC_PAYLOAD_LIMIT, true).is_ok());
        let err = check_payload_size(ASYNC_PAYLOAD_LIMIT + 1, true).unwrap_err();
        assert_eq!(err.code, fc_models::ErrorCode::EntityTooLarge);
        assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(check_payload_size(ASYNC_PAYLOAD_LIMIT + 1, false).is_ok());
        assert!(check_payload_size(SYNC_PAYLOAD_LIMIT + 1, false).is_err());
    }
}

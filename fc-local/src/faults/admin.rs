//! The admin endpoint of the fault rules, `/__console/api/faults` (mounted with the console, whose
//! access rules it shares): `GET` lists the rules with their counters, `POST` adds one (a
//! [`FaultRule`] as JSON), `DELETE` removes all.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::FaultRule;
use crate::error::{FcError, FcResult};
use crate::state::AppState;

/// The path of the endpoint.
pub const PATH: &str = "/__console/api/faults";

/// `GET`: `{"faults": [rule + matched + injected, ...], "injected": total}`.
pub async fn list(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "faults": state.faults.rules(),
        "injected": state.faults.injected(),
    }))
}

/// `POST`: adds the rule in the body; 400 naming the field when it is refused.
pub async fn add(
    State(state): State<AppState>,
    body: Bytes,
) -> FcResult<(StatusCode, Json<Value>)> {
    let rule: FaultRule = serde_json::from_slice(&body)
        .map_err(|e| FcError::invalid_argument(format!("fault rule: {e}")))?;
    let shown = rule.to_string();
    state
        .faults
        .add(rule)
        .map_err(|e| FcError::invalid_argument(e.to_string()))?;
    Ok((StatusCode::CREATED, Json(json!({ "added": shown }))))
}

/// `DELETE`: removes every rule.
pub async fn clear(State(state): State<AppState>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

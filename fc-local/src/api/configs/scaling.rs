//! PutScalingConfig, GetScalingConfig, DeleteScalingConfig, ListScalingConfigs.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use fc_models::{ListScalingConfigsOutput, PutScalingConfigInput, ScalingConfigStatus};
use serde_json::{Value, json};

use super::{fetch, missing, page, qualified_arn, qualifier_of, remove, store};
use crate::error::{FcError, FcResult};
use crate::params::{Params, json_body, list_json, reshape};
use crate::state::AppState;
use crate::store::resources::Kind;

/// `PUT /2023-03-30/functions/{functionName}/scaling-config`: minInstances are reached at once.
pub async fn put(
    State(state): State<AppState>,
    Path(function): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> FcResult<Json<ScalingConfigStatus>> {
    let (input, _): (PutScalingConfigInput, Value) = json_body(&body)?;
    if input.min_instances.is_some_and(|n| n < 0) {
        return Err(FcError::invalid_argument(
            "minInstances must not be negative",
        ));
    }
    let qualifier = qualifier_of(&Params::parse(query.as_deref()));
    let arn = qualified_arn(&state, &function, &qualifier);
    let config = store(&state, Kind::ScalingConfig, function, qualifier, move |_: Option<ScalingConfigStatus>| {
        let instances = input.min_instances.unwrap_or(0);
        reshape(
            &input,
            json!({"functionArn": arn, "currentInstances": instances, "targetInstances": instances}),
        )
    })
    .await?;
    Ok(Json(config))
}

fn scaling_missing(function: &str, qualifier: &str) -> FcError {
    missing(
        "ScalingConfigNotFound",
        "scaling config",
        function,
        qualifier,
    )
}

/// `GET /2023-03-30/functions/{functionName}/scaling-config`
pub async fn get(
    State(state): State<AppState>,
    Path(function): Path<String>,
    RawQuery(query): RawQuery,
) -> FcResult<Json<ScalingConfigStatus>> {
    let qualifier = qualifier_of(&Params::parse(query.as_deref()));
    let not_found = scaling_missing(&function, &qualifier);
    Ok(Json(
        fetch(&state, Kind::ScalingConfig, function, qualifier, not_found).await?,
    ))
}

/// `DELETE /2023-03-30/functions/{functionName}/scaling-config`
pub async fn delete(
    State(state): State<AppState>,
    Path(function): Path<String>,
    RawQuery(query): RawQuery,
) -> FcResult<StatusCode> {
    let qualifier = qualifier_of(&Params::parse(query.as_deref()));
    let not_found = scaling_missing(&function, &qualifier);
    remove(&state, Kind::ScalingConfig, function, qualifier, not_found).await
}

/// `GET /2023-03-30/scaling-configs`
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> FcResult<Json<Value>> {
    let (scaling_configs, next_token) = page(&state, Kind::ScalingConfig, query.as_deref()).await?;
    list_json(
        &ListScalingConfigsOutput {
            next_token,
            scaling_configs,
        },
        "scalingConfigs",
    )
}

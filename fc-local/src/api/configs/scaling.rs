//! PutScalingConfig, GetScalingConfig, DeleteScalingConfig, ListScalingConfigs.

use axum::Json;
use axum::extract::{Path, State};
use fc_models::{ErrorCode, ListScalingConfigsOutput, PutScalingConfigInput, ScalingConfigStatus};
use serde_json::{Value, json};

use super::{page, qualified_arn, qualifier_of, store};
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::shape::{list_json, reshape};
use crate::state::AppState;
use crate::store::resources::Kind;

/// The scaling config of a function, for the shared Get and Delete handlers.
pub struct ScalingConfigs;

impl super::ConfigKind for ScalingConfigs {
    const KIND: Kind = Kind::ScalingConfig;
    const MISSING_CODE: ErrorCode = ErrorCode::ScalingConfigNotFound;
    const NOUN: &'static str = "scaling config";
    const PER_QUALIFIER: bool = true;
    type Config = ScalingConfigStatus;
}

/// `PUT /2023-03-30/functions/{functionName}/scaling-config`: minInstances are reached at once.
pub async fn put(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
    FcJson(input, _): FcJson<PutScalingConfigInput>,
) -> FcResult<Json<ScalingConfigStatus>> {
    // Not negative (README "Scaling config" row: our choice; the spec gives no bounds).
    if input.min_instances.is_some_and(|n| n < 0) {
        return Err(FcError::invalid_argument(
            "minInstances must not be negative",
        ));
    }
    let qualifier = qualifier_of(&params);
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

/// `GET /2023-03-30/scaling-configs`
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let (scaling_configs, next_token) = page(&state, Kind::ScalingConfig, &params).await?;
    list_json(
        &ListScalingConfigsOutput {
            next_token,
            scaling_configs,
        },
        "scalingConfigs",
    )
}

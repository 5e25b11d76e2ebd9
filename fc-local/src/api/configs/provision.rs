//! PutProvisionConfig, GetProvisionConfig, DeleteProvisionConfig, ListProvisionConfigs.

use axum::Json;
use axum::extract::{Path, State};
use fc_models::{ErrorCode, ListProvisionConfigsOutput, ProvisionConfig, PutProvisionConfigInput};
use serde_json::{Value, json};

use super::{page, qualified_arn, qualifier_of, store};
use crate::error::FcResult;
use crate::extract::{FcJson, FcQuery};
use crate::shape::{list_json, reshape};
use crate::state::AppState;
use crate::store::resources::Kind;
use crate::validate;

/// The provision config of a function, for the shared Get and Delete handlers.
pub struct ProvisionConfigs;

impl super::ConfigKind for ProvisionConfigs {
    const KIND: Kind = Kind::ProvisionConfig;
    const MISSING_CODE: ErrorCode = ErrorCode::ProvisionConfigNotFound;
    const NOUN: &'static str = "provision config";
    const PER_QUALIFIER: bool = true;
    type Config = ProvisionConfig;
}

/// `PUT /2023-03-30/functions/{functionName}/provision-config`: the target (`defaultTarget`, or
/// the deprecated `target`) is reached at once.
pub async fn put(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
    FcJson(input, _): FcJson<PutProvisionConfigInput>,
) -> FcResult<Json<ProvisionConfig>> {
    // The deprecated `target` takes the checks the spec gives `defaultTarget` (README
    // "Provision config" row: our choice; the spec does not bound `target`).
    if let Some(target) = input.target {
        validate::checks_of(
            "PutProvisionConfig",
            &["defaultTarget"],
            "body field target",
            &json!(target),
        )?;
    }
    // `target` is the deprecated spelling of `defaultTarget`; the newer field wins.
    let target = input.default_target.or(input.target).unwrap_or(0);
    let qualifier = qualifier_of(&params);
    let arn = qualified_arn(&state, &function, &qualifier);
    let config = store(
        &state,
        Kind::ProvisionConfig,
        function,
        qualifier,
        move |_: Option<ProvisionConfig>| {
            reshape(
                &input,
                json!({"functionArn": arn, "current": target, "defaultTarget": target, "target": target}),
            )
        },
    )
    .await?;
    Ok(Json(config))
}

/// `GET /2023-03-30/provision-configs`
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let (provision_configs, next_token) = page(&state, Kind::ProvisionConfig, &params).await?;
    list_json(
        &ListProvisionConfigsOutput {
            next_token,
            provision_configs,
        },
        "provisionConfigs",
    )
}

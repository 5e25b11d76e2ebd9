//! PutProvisionConfig, GetProvisionConfig, DeleteProvisionConfig, ListProvisionConfigs.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use fc_models::{ListProvisionConfigsOutput, ProvisionConfig, PutProvisionConfigInput};
use serde_json::{Value, json};

use super::{fetch, missing, page, qualified_arn, qualifier_of, remove, store};
use crate::enums;
use crate::error::{FcError, FcResult};
use crate::params::{Params, json_body, list_json, reshape};
use crate::state::AppState;
use crate::store::resources::Kind;
use crate::validate;

/// `PUT /2023-03-30/functions/{functionName}/provision-config`: the target is reached at once.
pub async fn put(
    State(state): State<AppState>,
    Path(function): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> FcResult<Json<ProvisionConfig>> {
    let (input, raw): (PutProvisionConfigInput, Value) = json_body(&body)?;
    enums::check_body(&raw, enums::PROVISION_FIELDS)?;
    validate::in_range("target", Some(input.target), 0, 10_000)?;
    validate::in_range("defaultTarget", input.default_target, 0, 10_000)?;
    let qualifier = qualifier_of(&Params::parse(query.as_deref()));
    let arn = qualified_arn(&state, &function, &qualifier);
    let config = store(
        &state,
        Kind::ProvisionConfig,
        function,
        qualifier,
        move |_: Option<ProvisionConfig>| {
            reshape(&input, json!({"functionArn": arn, "current": input.target}))
        },
    )
    .await?;
    Ok(Json(config))
}

fn provision_missing(function: &str, qualifier: &str) -> FcError {
    missing(
        "ProvisionConfigNotFound",
        "provision config",
        function,
        qualifier,
    )
}

/// `GET /2023-03-30/functions/{functionName}/provision-config`
pub async fn get(
    State(state): State<AppState>,
    Path(function): Path<String>,
    RawQuery(query): RawQuery,
) -> FcResult<Json<ProvisionConfig>> {
    let qualifier = qualifier_of(&Params::parse(query.as_deref()));
    let not_found = provision_missing(&function, &qualifier);
    Ok(Json(
        fetch(
            &state,
            Kind::ProvisionConfig,
            function,
            qualifier,
            not_found,
        )
        .await?,
    ))
}

/// `DELETE /2023-03-30/functions/{functionName}/provision-config`
pub async fn delete(
    State(state): State<AppState>,
    Path(function): Path<String>,
    RawQuery(query): RawQuery,
) -> FcResult<StatusCode> {
    let qualifier = qualifier_of(&Params::parse(query.as_deref()));
    let not_found = provision_missing(&function, &qualifier);
    remove(
        &state,
        Kind::ProvisionConfig,
        function,
        qualifier,
        not_found,
    )
    .await
}

/// `GET /2023-03-30/provision-configs`
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> FcResult<Json<Value>> {
    let (provision_configs, next_token) =
        page(&state, Kind::ProvisionConfig, query.as_deref()).await?;
    list_json(
        &ListProvisionConfigsOutput {
            next_token,
            provision_configs,
        },
        "provisionConfigs",
    )
}

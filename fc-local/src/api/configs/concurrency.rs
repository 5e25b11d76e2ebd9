//! PutConcurrencyConfig, GetConcurrencyConfig, DeleteConcurrencyConfig, ListConcurrencyConfigs.

use axum::Json;
use axum::extract::{Path, State};
use fc_models::{ConcurrencyConfig, ErrorCode, ListConcurrencyConfigsOutput, PutConcurrencyInput};
use serde_json::Value;

use super::{page, store};
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::shape::list_json;
use crate::state::AppState;
use crate::store::resources::Kind;

/// The concurrency config of a function, for the shared Get and Delete handlers.
pub struct ConcurrencyConfigs;

impl super::ConfigKind for ConcurrencyConfigs {
    const KIND: Kind = Kind::ConcurrencyConfig;
    const MISSING_CODE: ErrorCode = ErrorCode::ConcurrencyConfigNotFound;
    const NOUN: &'static str = "concurrency config";
    const PER_QUALIFIER: bool = false;
    type Config = ConcurrencyConfig;
}

/// `PUT /2023-03-30/functions/{functionName}/concurrency`
pub async fn put(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcJson(input, _): FcJson<PutConcurrencyInput>,
) -> FcResult<Json<ConcurrencyConfig>> {
    // Not negative (README "Concurrency config" row: our choice; the spec gives no bounds).
    if input.reserved_concurrency < 0 {
        return Err(FcError::invalid_argument(format!(
            "reservedConcurrency must not be negative, got {}",
            input.reserved_concurrency
        )));
    }
    let arn = state.function_arn(&function);
    let config = store(
        &state,
        Kind::ConcurrencyConfig,
        function,
        String::new(),
        move |_: Option<ConcurrencyConfig>| {
            Ok(ConcurrencyConfig {
                function_arn: Some(arn),
                reserved_concurrency: Some(input.reserved_concurrency),
            })
        },
    )
    .await?;
    Ok(Json(config))
}

/// `GET /2023-03-30/concurrency-configs`
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let (configs, next_token) = page(&state, Kind::ConcurrencyConfig, &params).await?;
    list_json(
        &ListConcurrencyConfigsOutput {
            configs,
            next_token,
        },
        "configs",
    )
}

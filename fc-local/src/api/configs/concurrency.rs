//! PutConcurrencyConfig, GetConcurrencyConfig, DeleteConcurrencyConfig, ListConcurrencyConfigs.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use fc_models::{ConcurrencyConfig, ListConcurrencyConfigsOutput, PutConcurrencyInput};
use serde_json::Value;

use super::{fetch, page, remove, store};
use crate::error::{FcError, FcResult};
use crate::params::{json_body, list_json};
use crate::state::AppState;
use crate::store::resources::Kind;

/// `PUT /2023-03-30/functions/{functionName}/concurrency`
pub async fn put(
    State(state): State<AppState>,
    Path(function): Path<String>,
    body: Bytes,
) -> FcResult<Json<ConcurrencyConfig>> {
    let (input, _): (PutConcurrencyInput, Value) = json_body(&body)?;
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

fn concurrency_missing(function: &str) -> FcError {
    FcError::not_found(
        "ConcurrencyConfigNotFound",
        format!("function '{function}' has no concurrency config"),
    )
}

/// `GET /2023-03-30/functions/{functionName}/concurrency`
pub async fn get(
    State(state): State<AppState>,
    Path(function): Path<String>,
) -> FcResult<Json<ConcurrencyConfig>> {
    let not_found = concurrency_missing(&function);
    Ok(Json(
        fetch(
            &state,
            Kind::ConcurrencyConfig,
            function,
            String::new(),
            not_found,
        )
        .await?,
    ))
}

/// `DELETE /2023-03-30/functions/{functionName}/concurrency`
pub async fn delete(
    State(state): State<AppState>,
    Path(function): Path<String>,
) -> FcResult<StatusCode> {
    let not_found = concurrency_missing(&function);
    remove(
        &state,
        Kind::ConcurrencyConfig,
        function,
        String::new(),
        not_found,
    )
    .await
}

/// `GET /2023-03-30/concurrency-configs`
pub async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> FcResult<Json<Value>> {
    let (configs, next_token) = page(&state, Kind::ConcurrencyConfig, query.as_deref()).await?;
    list_json(
        &ListConcurrencyConfigsOutput {
            configs,
            next_token,
        },
        "configs",
    )
}

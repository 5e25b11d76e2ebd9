//! PutAsyncInvokeConfig, GetAsyncInvokeConfig, DeleteAsyncInvokeConfig, ListAsyncInvokeConfigs.

use std::time::SystemTime;

use axum::Json;
use axum::extract::{Path, State};
use fc_client::timestamp::format_iso8601;
use fc_models::{AsyncConfig, ErrorCode, ListAsyncInvokeConfigOutput, PutAsyncInvokeConfigInput};
use serde_json::{Value, json};

use super::{page, qualified_arn, qualifier_of, store};
use crate::error::FcResult;
use crate::extract::{FcJson, FcQuery};
use crate::shape::{list_json, reshape};
use crate::state::AppState;
use crate::store::resources::Kind;

/// The async invoke config of a function, for the shared Get and Delete handlers.
pub struct AsyncInvokeConfigs;

impl super::ConfigKind for AsyncInvokeConfigs {
    const KIND: Kind = Kind::AsyncInvokeConfig;
    const MISSING_CODE: ErrorCode = ErrorCode::AsyncConfigNotExists;
    const NOUN: &'static str = "async invoke config";
    const PER_QUALIFIER: bool = true;
    type Config = AsyncConfig;
}

/// `PUT /2023-03-30/functions/{functionName}/async-invoke-config`
pub async fn put(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
    FcJson(input, _): FcJson<PutAsyncInvokeConfigInput>,
) -> FcResult<Json<AsyncConfig>> {
    let qualifier = qualifier_of(&params);
    let arn = qualified_arn(&state, &function, &qualifier);
    let config = store(
        &state,
        Kind::AsyncInvokeConfig,
        function,
        qualifier,
        move |previous: Option<AsyncConfig>| {
            let now = format_iso8601(SystemTime::now());
            let created = previous
                .and_then(|p| p.created_time)
                .unwrap_or_else(|| now.clone());
            reshape(
                &input,
                json!({"functionArn": arn, "createdTime": created, "lastModifiedTime": now}),
            )
        },
    )
    .await?;
    Ok(Json(config))
}

/// `GET /2023-03-30/async-invoke-configs`
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let (configs, next_token) = page(&state, Kind::AsyncInvokeConfig, &params).await?;
    list_json(
        &ListAsyncInvokeConfigOutput {
            configs,
            next_token,
        },
        "configs",
    )
}

//! FC 2.0 layers: `/layers[/{layerName}/versions[/{version}]]` and `/layers/{layerName}/acl`.
//!
//! FC 2.0 and FC 3.0 share one layer store (the ARNs are the same,
//! `acs:fc:<region>:<account>:layers/<name>/versions/<n>`), so a layer published through
//! either API serves functions of both. The FC 3.0 handlers do the work; the bodies are
//! reshaped: FC 2.0 sends the package as `Code` and shows `arn`, `arnV2`, `codesize` and an
//! integer `acl`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::state::AppState;

/// An FC 3.0 layer as FC 2.0 shows it.
fn shown(layer: &impl serde::Serialize) -> FcResult<Value> {
    let mut value = serde_json::to_value(layer).map_err(FcError::internal)?;
    if let Some(fields) = value.as_object_mut() {
        if let Some(arn) = fields.remove("layerVersionArn") {
            fields.insert("arn".to_owned(), arn.clone());
            fields.insert("arnV2".to_owned(), arn);
        }
        if let Some(size) = fields.get("codeSize").cloned() {
            fields.insert("codesize".to_owned(), size);
        }
        if let Some(acl) = fields.get("acl").and_then(Value::as_str) {
            let acl = acl.parse::<i64>().unwrap_or_default();
            fields.insert("acl".to_owned(), json!(acl));
        }
    }
    Ok(value)
}

/// Each layer of an FC 3.0 list answer's `layers`, as FC 2.0 shows it.
fn shown_list(mut answer: Value) -> FcResult<Json<Value>> {
    if let Some(Value::Array(layers)) = answer.get_mut("layers") {
        for layer in layers.iter_mut() {
            *layer = shown(layer)?;
        }
    }
    Ok(Json(answer))
}

/// `POST /layers/{layerName}/versions`
pub async fn create_version(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> FcResult<Json<Value>> {
    let mut raw: Value = serde_json::from_slice(&body)
        .map_err(|e| FcError::invalid_argument(format!("the body is not JSON: {e}")))?;
    if let Some(fields) = raw.as_object_mut()
        && let Some(code) = fields.remove("Code")
    {
        fields.insert("code".to_owned(), code);
    }
    let bytes = serde_json::to_vec(&raw).map_err(FcError::internal)?;
    let input = FcJson::checked(
        super::resource::fc3_operation("CreateLayerVersion")?,
        &headers,
        &bytes,
    )?;
    let created =
        crate::api::layers::create_version(State(state), Path(layer), headers, input).await?;
    Ok(Json(shown(&created.0)?))
}

/// `GET /layers/{layerName}/versions/{version}`
pub async fn get_version(
    state: State<AppState>,
    names: Path<(String, String)>,
    headers: HeaderMap,
) -> FcResult<Json<Value>> {
    let found = crate::api::layers::get_version(state, names, headers).await?;
    Ok(Json(shown(&found.0)?))
}

/// `DELETE /layers/{layerName}/versions/{version}`
pub async fn delete_version(
    state: State<AppState>,
    names: Path<(String, String)>,
) -> FcResult<StatusCode> {
    crate::api::layers::delete_version(state, names).await
}

/// `GET /layers/{layerName}/versions` (`startVersion`, `limit`)
pub async fn list_versions(
    state: State<AppState>,
    layer: Path<String>,
    params: FcQuery,
    headers: HeaderMap,
) -> FcResult<Json<Value>> {
    let answer = crate::api::layers::list_versions(state, layer, params, headers).await?;
    shown_list(answer.0)
}

/// `GET /layers` (`prefix`, `nextToken`, `limit`, `public`, `official`)
pub async fn list_layers(
    state: State<AppState>,
    params: FcQuery,
    headers: HeaderMap,
) -> FcResult<Json<Value>> {
    let answer = crate::api::layers::list_layers(state, params, headers).await?;
    shown_list(answer.0)
}

/// `PUT /layers/{layerName}/acl?public=true|false`
pub async fn put_acl(
    state: State<AppState>,
    layer: Path<String>,
    params: FcQuery,
) -> FcResult<StatusCode> {
    crate::api::layers::put_acl(state, layer, params).await
}

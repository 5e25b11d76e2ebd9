//! Layer operations: CreateLayerVersion, GetLayerVersion, GetLayerVersionByArn,
//! DeleteLayerVersion, ListLayerVersions, ListLayers and PutLayerACL.
//!
//! Layer versions are numbered per layer from 1 and never reused; their code is stored by
//! checksum like function code, and `code.location` is a time-limited fc-local download link.

use std::time::SystemTime;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use fc_client::timestamp::format_iso8601;
use fc_models::{
    CreateLayerVersionInput, ErrorCode, Layer, LayerAcl, ListLayerVersionOutput, ListLayersOutput,
    OutputCodeLocation,
};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::code_link;
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_token, paginate};
use crate::shape::list_json;
use crate::state::AppState;
use crate::store::layers::version_key;
use crate::store::resources::{self, Kind};
use crate::validate;

/// Per-layer bookkeeping: the next version number and the layer's ACL.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct LayerMeta {
    next_version: u32,
    public: bool,
}

fn version_not_found(layer: &str, version: &str) -> FcError {
    FcError::new(
        ErrorCode::LayerVersionNotFound,
        format!("version {version} of layer '{layer}' does not exist"),
    )
}

fn layer_arn(state: &AppState, layer: &str, version: u32) -> String {
    format!(
        "acs:fc:{}:{}:layers/{layer}/versions/{version}",
        state.config.region, state.config.account_id
    )
}

/// The stored layer with its ACL and a fresh download link.
fn present(state: &AppState, headers: &HeaderMap, mut layer: Layer, meta: &LayerMeta) -> Layer {
    layer.acl = Some(if meta.public {
        LayerAcl::V1
    } else {
        LayerAcl::V0
    });
    if let Some(checksum) = &layer.code_checksum {
        layer.code = Some(OutputCodeLocation {
            location: Some(code_link::url(state, headers, checksum)),
            repository_type: Some("OSS".to_owned()),
        });
    }
    layer
}

fn meta(tx: &Transaction<'_>, layer: &str) -> FcResult<Option<LayerMeta>> {
    resources::get(tx, Kind::Layer, "", layer)
}

/// `POST /2023-03-30/layers/{layerName}/versions`
pub async fn create_version(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    headers: HeaderMap,
    FcJson(input, _): FcJson<CreateLayerVersionInput>,
) -> FcResult<Json<Layer>> {
    validate::like_function_name("layerName", &layer)?;
    let package = input
        .code
        .as_ref()
        .map(|c| validate::code(c, state.config.max_code_bytes))
        .transpose()?
        .flatten()
        .ok_or_else(|| {
            FcError::invalid_argument(
                "code is required: send the layer's ZIP package in code.zipFile",
            )
        })?;
    let region_state = state.clone();
    let (stored, meta) = state
        .store
        .transact(move |tx, code| {
            let mut meta = meta(tx, &layer)?.unwrap_or(LayerMeta {
                next_version: 1,
                public: false,
            });
            let version = meta.next_version;
            meta.next_version += 1;
            let stored = Layer {
                acl: None,
                code: None,
                code_checksum: Some(package.checksum.clone()),
                code_size: i64::try_from(package.bytes.len()).ok(),
                compatible_runtime: input.compatible_runtime,
                create_time: Some(format_iso8601(SystemTime::now())),
                description: input.description,
                layer_name: Some(layer.clone()),
                layer_version_arn: Some(layer_arn(&region_state, &layer, version)),
                license: input.license,
                version: i32::try_from(version).ok(),
            };
            resources::put(tx, Kind::Layer, "", &layer, &meta, false)?;
            resources::put(
                tx,
                Kind::LayerVersion,
                &layer,
                &version_key(version),
                &stored,
                false,
            )?;
            code.put(tx, &package.checksum, &package.bytes)?;
            Ok((stored, meta))
        })
        .await?;
    Ok(Json(present(&state, &headers, stored, &meta)))
}

async fn fetch(state: &AppState, layer: String, version: String) -> FcResult<(Layer, LayerMeta)> {
    state
        .store
        .transact(move |tx, _| {
            let number: u32 = version
                .parse()
                .map_err(|_| version_not_found(&layer, &version))?;
            let found: Option<Layer> =
                resources::get(tx, Kind::LayerVersion, &layer, &version_key(number))?;
            let found = found.ok_or_else(|| version_not_found(&layer, &version))?;
            Ok((found, meta(tx, &layer)?.unwrap_or_default()))
        })
        .await
}

/// `GET /2023-03-30/layers/{layerName}/versions/{version}`
pub async fn get_version(
    State(state): State<AppState>,
    Path((layer, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> FcResult<Json<Layer>> {
    let (found, meta) = fetch(&state, layer, version).await?;
    Ok(Json(present(&state, &headers, found, &meta)))
}

/// `GET /2023-03-30/layerarn/{arn}`: the ARN `acs:fc:<region>:<account>:layers/<name>/versions/<n>`.
pub async fn get_version_by_arn(
    State(state): State<AppState>,
    Path(arn): Path<String>,
    headers: HeaderMap,
) -> FcResult<Json<Layer>> {
    validate::layer_arn(&arn)?;
    let resource = arn.rsplit(':').next().unwrap_or_default();
    let mut parts = resource.split('/');
    let (Some(_), Some(layer), Some(_), Some(version)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(FcError::invalid_argument(format!(
            "'{arn}' is not a layer version ARN"
        )));
    };
    let (found, meta) = fetch(&state, layer.to_owned(), version.to_owned()).await?;
    if found.layer_version_arn.as_deref() != Some(arn.as_str()) {
        return Err(version_not_found(layer, version));
    }
    Ok(Json(present(&state, &headers, found, &meta)))
}

/// `DELETE /2023-03-30/layers/{layerName}/versions/{version}`
pub async fn delete_version(
    State(state): State<AppState>,
    Path((layer, version)): Path<(String, String)>,
) -> FcResult<StatusCode> {
    state
        .store
        .transact(move |tx, _| {
            let number: u32 = version
                .parse()
                .map_err(|_| version_not_found(&layer, &version))?;
            if resources::delete(tx, Kind::LayerVersion, &layer, &version_key(number))? {
                Ok(StatusCode::NO_CONTENT)
            } else {
                Err(version_not_found(&layer, &version))
            }
        })
        .await
}

/// `GET /2023-03-30/layers/{layerName}/versions`: ascending from `startVersion`; `nextVersion`
/// is where the next page starts.
pub async fn list_versions(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    FcQuery(params): FcQuery,
    headers: HeaderMap,
) -> FcResult<Json<Value>> {
    let limit = params.limit("limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let start: u32 = match params.get("startVersion") {
        None => 1,
        Some(text) => text.parse().map_err(|_| {
            FcError::invalid_argument(format!(
                "startVersion must be a version number, got '{text}'"
            ))
        })?,
    };
    let (entries, meta) = state
        .store
        .transact(move |tx, _| {
            let entries: Vec<resources::Entry<Layer>> =
                resources::list(tx, Kind::LayerVersion, Some(&layer))?;
            Ok((entries, meta(tx, &layer)?.unwrap_or_default()))
        })
        .await?;
    let mut versions: Vec<Layer> = entries
        .into_iter()
        .map(|e| e.value)
        .filter(|l| l.version.and_then(|v| u32::try_from(v).ok()).unwrap_or(0) >= start)
        .take(limit + 1)
        .collect();
    let next_version = if versions.len() > limit {
        versions.pop().and_then(|l| l.version)
    } else {
        None
    };
    let layers = versions
        .into_iter()
        .map(|l| present(&state, &headers, l, &meta))
        .collect();
    list_json(
        &ListLayerVersionOutput {
            layers,
            next_version,
        },
        "layers",
    )
}

/// `GET /2023-03-30/layers`: the newest version of each layer, by name, with prefix and paging;
/// `public=true` keeps only public layers, `official=true` finds none (fc-local has no
/// official layers).
pub async fn list_layers(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
    headers: HeaderMap,
) -> FcResult<Json<Value>> {
    let limit = params.limit("limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = decode_token(params.get("nextToken"))?;
    let prefix = params.get("prefix").unwrap_or("").to_owned();
    let only_public = params
        .get("public")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let official = params
        .get("official")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let entries = state
        .store
        .transact(|tx, _| {
            let metas: Vec<resources::Entry<LayerMeta>> =
                resources::list(tx, Kind::Layer, Some(""))?;
            let mut newest = Vec::new();
            for entry in metas {
                let versions: Vec<resources::Entry<Layer>> =
                    resources::list(tx, Kind::LayerVersion, Some(&entry.name))?;
                if let Some(last) = versions.into_iter().last() {
                    newest.push((entry.name, last.value, entry.value));
                }
            }
            Ok(newest)
        })
        .await?;
    let items = entries
        .into_iter()
        .filter(|(name, _, meta)| {
            name.starts_with(&prefix) && (!only_public || meta.public) && !official
        })
        .map(|(name, layer, meta)| (name, present(&state, &headers, layer, &meta)));
    let (layers, next_token) = paginate(items, after.as_deref(), limit);
    list_json(&ListLayersOutput { layers, next_token }, "layers")
}

/// `PUT /2023-03-30/layers/{layerName}/acl?acl=0|1` (or `public=true|false`).
pub async fn put_acl(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<StatusCode> {
    // The query checks allow only "0" and "1" for `acl`; `public` is fc-local's alternative.
    let public = match (params.get("acl"), params.get("public")) {
        (Some(acl), _) => LayerAcl::from(acl) == LayerAcl::V1,
        (None, Some(p)) if p.eq_ignore_ascii_case("true") => true,
        (None, Some(p)) if p.eq_ignore_ascii_case("false") => false,
        (None, Some(other)) => {
            return Err(FcError::invalid_argument(format!(
                "public must be true or false, got '{other}'"
            )));
        }
        (None, None) => {
            return Err(FcError::invalid_argument(
                "give acl (0 or 1) or public (true or false)",
            ));
        }
    };
    state
        .store
        .transact(move |tx, _| {
            let mut meta = meta(tx, &layer)?.ok_or_else(|| {
                FcError::new(
                    ErrorCode::LayerNotFound,
                    format!("layer '{layer}' does not exist"),
                )
            })?;
            meta.public = public;
            resources::put(tx, Kind::Layer, "", &layer, &meta, false)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

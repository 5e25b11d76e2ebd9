//! Per-function configurations: async invoke, concurrency, provision and scaling configs
//! (Put/Get/Delete/List for each, one module each). They are stored and reported; fc-local does
//! not act on them. This module holds what the four have in common.
//!
//! Async, provision and scaling configs are kept per qualifier (`LATEST` when none is given);
//! the concurrency config is one per function. Their `functionArn` is the function's ARN, with
//! `:<qualifier>` appended for a qualifier other than `LATEST`.

pub mod async_invoke;
pub mod concurrency;
pub mod provision;
pub mod scaling;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fc_models::ErrorCode;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{FcError, FcResult};
use crate::extract::FcQuery;
use crate::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_token, paginate};
use crate::params::Params;
use crate::state::AppState;
use crate::store::functions;
use crate::store::resources::{self, Kind};

/// The `qualifier` query parameter, `LATEST` when absent.
pub(super) fn qualifier_of(params: &Params) -> String {
    params.get("qualifier").unwrap_or("LATEST").to_owned()
}

/// The function ARN, with `:<qualifier>` unless the qualifier is LATEST.
pub(super) fn qualified_arn(state: &AppState, function: &str, qualifier: &str) -> String {
    let arn = state.function_arn(function);
    if qualifier == "LATEST" || qualifier.is_empty() {
        arn
    } else {
        format!("{arn}:{qualifier}")
    }
}

/// The 404 for a config `what` that `function` lacks at `qualifier`.
fn missing(code: ErrorCode, what: &str, function: &str, qualifier: &str) -> FcError {
    FcError::new(
        code,
        format!("function '{function}' has no {what} for qualifier {qualifier}"),
    )
}

/// What differs between the per-function config kinds, for the shared Get and Delete handlers.
pub trait ConfigKind: Send + Sync + 'static {
    /// Where configs of this kind are stored.
    const KIND: Kind;
    /// The error code when a function has no such config.
    const MISSING_CODE: ErrorCode;
    /// What the config is called in messages.
    const NOUN: &'static str;
    /// Kept per qualifier (`LATEST` by default); otherwise one per function.
    const PER_QUALIFIER: bool;
    /// The stored and returned shape.
    type Config: Serialize + DeserializeOwned + Send + 'static;
}

/// The storage scope (the qualifier, or none) of a request, and its 404.
fn scope<K: ConfigKind>(function: &str, params: &Params) -> (String, FcError) {
    if K::PER_QUALIFIER {
        let qualifier = qualifier_of(params);
        let not_found = missing(K::MISSING_CODE, K::NOUN, function, &qualifier);
        (qualifier, not_found)
    } else {
        let message = format!("function '{function}' has no {}", K::NOUN);
        (String::new(), FcError::new(K::MISSING_CODE, message))
    }
}

/// `GET /2023-03-30/functions/{functionName}/<config>`: the config, or 404.
pub async fn get_config<K: ConfigKind>(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<K::Config>> {
    let (qualifier, not_found) = scope::<K>(&function, &params);
    Ok(Json(
        fetch(&state, K::KIND, function, qualifier, not_found).await?,
    ))
}

/// `DELETE /2023-03-30/functions/{functionName}/<config>`: 204, or 404.
pub async fn delete_config<K: ConfigKind>(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<StatusCode> {
    let (qualifier, not_found) = scope::<K>(&function, &params);
    remove(&state, K::KIND, function, qualifier, not_found).await
}

/// Stores `value` for `(function, qualifier)` after checking both exist.
pub(super) async fn store<T: Serialize + DeserializeOwned + Send + 'static>(
    state: &AppState,
    kind: Kind,
    function: String,
    qualifier: String,
    make: impl FnOnce(Option<T>) -> FcResult<T> + Send + 'static,
) -> FcResult<T> {
    state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            if !qualifier.is_empty() {
                functions::resolve(tx, &function, Some(&qualifier))?;
            }
            let previous = resources::get(tx, kind, &function, &qualifier)?;
            let value = make(previous)?;
            resources::put(tx, kind, &function, &qualifier, &value, false)?;
            Ok(value)
        })
        .await
}

/// The config of `(function, qualifier)`, or `not_found`.
async fn fetch<T: DeserializeOwned + Send + 'static>(
    state: &AppState,
    kind: Kind,
    function: String,
    qualifier: String,
    not_found: FcError,
) -> FcResult<T> {
    state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            resources::get(tx, kind, &function, &qualifier)?.ok_or(not_found)
        })
        .await
}

/// Deletes the config of `(function, qualifier)`: 204, or `not_found`.
async fn remove(
    state: &AppState,
    kind: Kind,
    function: String,
    qualifier: String,
    not_found: FcError,
) -> FcResult<StatusCode> {
    state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            if resources::delete(tx, kind, &function, &qualifier)? {
                Ok(StatusCode::NO_CONTENT)
            } else {
                Err(not_found)
            }
        })
        .await
}

/// One page of configs of `kind`, optionally for one function, ordered by function then
/// qualifier.
pub(super) async fn page<T: DeserializeOwned + Send + 'static>(
    state: &AppState,
    kind: Kind,
    params: &Params,
) -> FcResult<(Vec<T>, Option<String>)> {
    let limit = params.limit("limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = decode_token(params.get("nextToken"))?;
    let function = params.get("functionName").map(str::to_owned);
    let entries: Vec<resources::Entry<T>> = state
        .store
        .transact(move |tx, _| resources::list(tx, kind, function.as_deref()))
        .await?;
    let items = entries
        .into_iter()
        .map(|e| (format!("{}\u{0}{}", e.scope, e.name), e.value));
    Ok(paginate(items, after.as_deref(), limit))
}

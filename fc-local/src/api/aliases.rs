//! Alias operations: CreateAlias, GetAlias, UpdateAlias, ListAliases, DeleteAlias.

use std::collections::BTreeMap;
use std::time::SystemTime;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fc_client::timestamp::format_iso8601;
use fc_models::{Alias, CreateAliasInput, ErrorCode, ListAliasesOutput, UpdateAliasInput};
use rusqlite::Transaction;
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_token, encode_token};
use crate::shape::list_json;
use crate::state::AppState;
use crate::store::{aliases, functions, versions};
use crate::validate;

fn alias_not_found(function: &str, alias: &str) -> FcError {
    FcError::new(
        ErrorCode::AliasNotFound,
        format!("alias '{alias}' of function '{function}' does not exist"),
    )
}

/// The alias must point at existing versions, with extra weights in [0, 1] summing to ≤ 1.
fn check_targets(
    tx: &Transaction<'_>,
    function: &str,
    version_id: &str,
    weights: &BTreeMap<String, f64>,
) -> FcResult<()> {
    let exists = |id: &str| -> FcResult<bool> {
        Ok(match id.parse::<u64>() {
            Ok(n) => versions::snapshot(tx, function, n)?.is_some(),
            Err(_) => false,
        })
    };
    if !exists(version_id)? {
        return Err(FcError::new(
            ErrorCode::VersionNotFound,
            format!("versionId '{version_id}' of function '{function}' does not exist"),
        ));
    }
    let mut total = 0.0;
    for (id, weight) in weights {
        if id == version_id {
            return Err(FcError::invalid_argument(format!(
                "additionalVersionWeight must not name the main version {id}"
            )));
        }
        if !exists(id)? {
            return Err(FcError::new(
                ErrorCode::VersionNotFound,
                format!("additionalVersionWeight names version '{id}', which does not exist"),
            ));
        }
        if !(0.0..=1.0).contains(weight) {
            return Err(FcError::invalid_argument(format!(
                "additionalVersionWeight of version {id} must be between 0 and 1, got {weight}"
            )));
        }
        total += weight;
    }
    if total > 1.0 + 1e-9 {
        return Err(FcError::invalid_argument(
            "the weights in additionalVersionWeight add up to more than 1",
        ));
    }
    Ok(())
}

/// `POST /2023-03-30/functions/{functionName}/aliases`
pub async fn create(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcJson(input, _): FcJson<CreateAliasInput>,
) -> FcResult<Json<Alias>> {
    validate::alias_name(&input.alias_name)?;
    let alias = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            check_targets(
                tx,
                &function,
                &input.version_id,
                &input.additional_version_weight,
            )?;
            let now = format_iso8601(SystemTime::now());
            let alias = Alias {
                additional_version_weight: input.additional_version_weight,
                alias_name: Some(input.alias_name.clone()),
                created_time: Some(now.clone()),
                description: input.description,
                last_modified_time: Some(now),
                version_id: Some(input.version_id),
            };
            if !aliases::put(tx, &function, &input.alias_name, &alias, true)? {
                return Err(FcError::new(
                    ErrorCode::AliasAlreadyExists,
                    format!(
                        "alias '{}' of function '{function}' already exists",
                        input.alias_name
                    ),
                ));
            }
            Ok(alias)
        })
        .await?;
    Ok(Json(alias))
}

/// `GET /2023-03-30/functions/{functionName}/aliases/{aliasName}`
pub async fn get(
    State(state): State<AppState>,
    Path((function, name)): Path<(String, String)>,
) -> FcResult<Json<Alias>> {
    let alias = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            aliases::get(tx, &function, &name)?.ok_or_else(|| alias_not_found(&function, &name))
        })
        .await?;
    Ok(Json(alias))
}

/// `PUT /2023-03-30/functions/{functionName}/aliases/{aliasName}`: only given fields change.
pub async fn update(
    State(state): State<AppState>,
    Path((function, name)): Path<(String, String)>,
    FcJson(input, raw): FcJson<UpdateAliasInput>,
) -> FcResult<Json<Alias>> {
    let weights_given = raw
        .get("additionalVersionWeight")
        .is_some_and(|v| !v.is_null());
    let alias = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            let mut alias = aliases::get(tx, &function, &name)?
                .ok_or_else(|| alias_not_found(&function, &name))?;
            if let Some(version) = input.version_id {
                alias.version_id = Some(version);
            }
            if input.description.is_some() {
                alias.description = input.description;
            }
            if weights_given {
                alias.additional_version_weight = input.additional_version_weight;
            }
            let main = alias.version_id.clone().unwrap_or_default();
            check_targets(tx, &function, &main, &alias.additional_version_weight)?;
            alias.last_modified_time = Some(format_iso8601(SystemTime::now()));
            aliases::put(tx, &function, &name, &alias, false)?;
            Ok(alias)
        })
        .await?;
    Ok(Json(alias))
}

/// `GET /2023-03-30/functions/{functionName}/aliases`: by name, with prefix and paging.
pub async fn list(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let limit = params.limit("limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = decode_token(params.get("nextToken"))?;
    let prefix = params.get("prefix").unwrap_or("").to_owned();
    let all = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            aliases::list(tx, &function)
        })
        .await?;
    let mut page: Vec<Alias> = all
        .into_iter()
        .filter(|a| {
            let name = a.alias_name.as_deref().unwrap_or("");
            name.starts_with(&prefix) && after.as_deref().is_none_or(|after| name > after)
        })
        .take(limit + 1)
        .collect();
    let next_token = if page.len() > limit {
        page.truncate(limit);
        page.last()
            .and_then(|a| a.alias_name.as_deref())
            .map(encode_token)
    } else {
        None
    };
    list_json(
        &ListAliasesOutput {
            aliases: page,
            next_token,
        },
        "aliases",
    )
}

/// `DELETE /2023-03-30/functions/{functionName}/aliases/{aliasName}`
pub async fn delete(
    State(state): State<AppState>,
    Path((function, name)): Path<(String, String)>,
) -> FcResult<StatusCode> {
    state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            if !aliases::delete(tx, &function, &name)? {
                return Err(alias_not_found(&function, &name));
            }
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

//! Version operations: PublishFunctionVersion, ListFunctionVersions, DeleteFunctionVersion.

use std::time::SystemTime;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fc_client::timestamp::format_iso8601;
use fc_models::{ErrorCode, ListVersionsOutput, PublishVersionInput, QualifierDirection, Version};
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::shape::list_json;
use crate::state::AppState;
use crate::store::versions::VersionRow;
use crate::store::{aliases, functions, versions};

fn version_not_found(name: &str, id: &str) -> FcError {
    FcError::new(
        ErrorCode::VersionNotFound,
        format!("version '{id}' of function '{name}' does not exist"),
    )
}

/// `POST /2023-03-30/functions/{functionName}/versions`: snapshots the current configuration
/// and code under the next id (1, 2, ...; ids of deleted versions are not reused).
pub async fn publish(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FcJson(input, _): FcJson<PublishVersionInput>,
) -> FcResult<Json<Version>> {
    let row = state
        .store
        .transact(move |tx, _| {
            let snapshot = functions::require(tx, &name)?.function;
            let id = functions::take_version_id(tx, &name)?;
            let row = VersionRow {
                id,
                description: input.description,
                created_time: format_iso8601(SystemTime::now()),
            };
            versions::insert(tx, &name, &row, &snapshot)?;
            Ok(row)
        })
        .await?;
    Ok(Json(row.to_api()))
}

/// `GET /2023-03-30/functions/{functionName}/versions`: newest first unless
/// `direction=FORWARD`; the token is the id of the last version served.
pub async fn list(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let limit = params.limit("limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    // The query checks allow only the spec's values.
    let direction = params
        .get("direction")
        .map_or(QualifierDirection::Backward, QualifierDirection::from);
    let after = params
        .get("nextToken")
        .map(|t| {
            t.parse::<u64>()
                .map_err(|_| FcError::invalid_argument(format!("nextToken '{t}' is not valid")))
        })
        .transpose()?;
    let mut rows = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &name)?;
            versions::list(tx, &name)
        })
        .await?;
    let forward = direction == QualifierDirection::Forward;
    if !forward {
        rows.reverse();
    }
    let mut page: Vec<VersionRow> = rows
        .into_iter()
        .filter(|r| match after {
            None => true,
            Some(a) if forward => r.id > a,
            Some(a) => r.id < a,
        })
        .take(limit + 1)
        .collect();
    let next_token = if page.len() > limit {
        page.truncate(limit);
        page.last().map(|r| r.id.to_string())
    } else {
        None
    };
    list_json(
        &ListVersionsOutput {
            direction: Some(direction),
            next_token,
            versions: page.iter().map(VersionRow::to_api).collect(),
        },
        "versions",
    )
}

/// `DELETE /2023-03-30/functions/{functionName}/versions/{versionId}`: refused while an alias
/// routes traffic to the version.
pub async fn delete(
    State(state): State<AppState>,
    Path((name, version_id)): Path<(String, String)>,
) -> FcResult<StatusCode> {
    state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &name)?;
            let id = version_id
                .parse::<u64>()
                .map_err(|_| version_not_found(&name, &version_id))?;
            if let Some(alias) = aliases::referencing(tx, &name, &id.to_string())? {
                return Err(FcError::new(ErrorCode::PreconditionFailed,
                    format!("version {id} of function '{name}' is used by alias '{alias}'; change or delete the alias first"),
                ));
            }
            if !versions::delete(tx, &name, id)? {
                return Err(version_not_found(&name, &version_id));
            }
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

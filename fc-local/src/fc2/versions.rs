//! Service versions and aliases: `/services/{serviceName}/versions[/{versionId}]` and
//! `/services/{serviceName}/aliases[/{aliasName}]`.
//!
//! Publishing snapshots the service and every function in it; each function's FC 3.0 twin gets
//! a version of the same id, so invoking `service.1/function` runs what version 1 published.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;
use fc_models::fc2::{CreateAliasInput, PublishServiceVersionInput, UpdateAliasInput};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::resource::{
    Stored, check_if_match, fc3_name, list_page, now, object, require_service, with_etag,
};
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::state::AppState;
use crate::store::resources::{self, Kind};
use crate::store::{VersionRow, functions, versions};

/// A published version: what ListServiceVersions shows, and the functions as they were.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Published {
    /// `versionId`, `description`, `createdTime`, `lastModifiedTime`.
    pub version: Map<String, Value>,
    /// Each function of the service at publication, as GetFunction showed it.
    pub functions: BTreeMap<String, Map<String, Value>>,
}

/// The stored key of version `id` (ordered as numbers).
fn key(id: u64) -> String {
    format!("{id:020}")
}

/// Version `id` of `service`, or 404 `VersionNotFound`.
pub fn require(tx: &Transaction<'_>, service: &str, id: u64) -> FcResult<Published> {
    resources::get::<Published>(tx, Kind::ServiceVersion, service, &key(id))?.ok_or_else(|| {
        FcError::new(
            ErrorCode::VersionNotFound,
            format!("version {id} of service '{service}' does not exist"),
        )
    })
}

/// `POST /services/{serviceName}/versions` (`If-Match`: the service's ETag).
pub async fn publish(
    State(state): State<AppState>,
    Path(service): Path<String>,
    headers: HeaderMap,
    FcJson(input, _): FcJson<PublishServiceVersionInput>,
) -> FcResult<Response> {
    state
        .store
        .transact(move |tx, _| {
            let mut stored = require_service(tx, &service)?;
            check_if_match(&headers, &stored.etag, "service")?;
            let id = stored.next_version.unwrap_or(1);
            stored.next_version = Some(id + 1);
            resources::put(tx, Kind::Service, "", &service, &stored, false)?;
            let time = now();
            let mut version = Map::new();
            version.insert("versionId".to_owned(), json!(id.to_string()));
            version.insert(
                "description".to_owned(),
                json!(input.description.unwrap_or_default()),
            );
            version.insert("createdTime".to_owned(), json!(time));
            version.insert("lastModifiedTime".to_owned(), json!(time));
            let mut snapshot = BTreeMap::new();
            for entry in resources::list::<Stored>(tx, Kind::ServiceFunction, Some(&service))? {
                let twin = fc3_name(&service, &entry.name);
                if let Some(row) = functions::get(tx, &twin)? {
                    let row_version = VersionRow {
                        id,
                        description: None,
                        created_time: time.clone(),
                    };
                    versions::insert(tx, &twin, &row_version, &row.function)?;
                }
                snapshot.insert(entry.name, entry.value.doc);
            }
            let published = Published {
                version: version.clone(),
                functions: snapshot,
            };
            resources::put(
                tx,
                Kind::ServiceVersion,
                &service,
                &key(id),
                &published,
                false,
            )?;
            Ok(with_etag(Value::Object(version), &stored.etag))
        })
        .await
}

/// `GET /services/{serviceName}/versions`: newest first unless `direction=FORWARD`.
pub async fn list(
    State(state): State<AppState>,
    Path(service): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<axum::Json<Value>> {
    let forward = params.get("direction") == Some("FORWARD");
    let published = state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            resources::list::<Published>(tx, Kind::ServiceVersion, Some(&service))
        })
        .await?;
    let mut items: Vec<(String, Value)> = published
        .into_iter()
        .map(|entry| {
            let id: u64 = entry.name.parse().unwrap_or_default();
            let order = if forward { id } else { u64::MAX - id };
            (key(order), Value::Object(entry.value.version))
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let mut answer = list_page(&params, items, "versions")?;
    answer.0["direction"] = json!(if forward { "FORWARD" } else { "BACKWARD" });
    Ok(answer)
}

/// `DELETE /services/{serviceName}/versions/{versionId}`: refused while an alias points to it.
pub async fn delete(
    State(state): State<AppState>,
    Path((service, version)): Path<(String, String)>,
) -> FcResult<Response> {
    let id: u64 = version.parse().map_err(|_| {
        FcError::invalid_argument(format!(
            "versionId must be a version number, got '{version}'"
        ))
    })?;
    state
        .store
        .transact(move |tx, _| {
            let published = require(tx, &service, id)?;
            let aliases = resources::list::<Stored>(tx, Kind::ServiceAlias, Some(&service))?;
            if let Some(alias) = aliases
                .iter()
                .find(|alias| alias.value.doc.get("versionId") == Some(&json!(id.to_string())))
            {
                return Err(FcError::invalid_argument(format!(
                    "version {id} of service '{service}' is used by alias '{}'",
                    alias.name
                )));
            }
            for function in published.functions.keys() {
                versions::delete(tx, &fc3_name(&service, function), id)?;
            }
            resources::delete(tx, Kind::ServiceVersion, &service, &key(id))?;
            Ok(StatusCode::NO_CONTENT.into_response())
        })
        .await
}

fn alias_not_found(service: &str, name: &str) -> FcError {
    FcError::new(
        ErrorCode::AliasNotFound,
        format!("alias '{name}' of service '{service}' does not exist"),
    )
}

fn require_alias(tx: &Transaction<'_>, service: &str, name: &str) -> FcResult<Stored> {
    resources::get::<Stored>(tx, Kind::ServiceAlias, service, name)?
        .ok_or_else(|| alias_not_found(service, name))
}

/// The versions an alias body names (`versionId` and the keys of `additionalVersionWeight`)
/// must be published.
fn check_versions(tx: &Transaction<'_>, service: &str, doc: &Map<String, Value>) -> FcResult<()> {
    let main = doc
        .get("versionId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let extra = doc
        .get("additionalVersionWeight")
        .and_then(Value::as_object)
        .map(|weights| weights.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    for version in main.into_iter().chain(extra) {
        let id: u64 = version.parse().map_err(|_| {
            FcError::invalid_argument(format!(
                "versionId must be a version number, got '{version}'"
            ))
        })?;
        require(tx, service, id)?;
    }
    Ok(())
}

/// `POST /services/{serviceName}/aliases`
pub async fn create_alias(
    State(state): State<AppState>,
    Path(service): Path<String>,
    FcJson(input, raw): FcJson<CreateAliasInput>,
) -> FcResult<Response> {
    let name = input.alias_name.clone();
    crate::validate::alias_name(&name)?;
    let mut doc = object(&raw);
    let time = now();
    doc.insert("createdTime".to_owned(), json!(time));
    doc.insert("lastModifiedTime".to_owned(), json!(time));
    let stored = Stored::new(doc);
    state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            check_versions(tx, &service, &stored.doc)?;
            if !resources::put(tx, Kind::ServiceAlias, &service, &name, &stored, true)? {
                return Err(FcError::new(
                    ErrorCode::AliasAlreadyExists,
                    format!("alias '{name}' of service '{service}' already exists"),
                ));
            }
            Ok(stored.answer())
        })
        .await
}

/// `GET /services/{serviceName}/aliases/{aliasName}`
pub async fn get_alias(
    State(state): State<AppState>,
    Path((service, name)): Path<(String, String)>,
) -> FcResult<Response> {
    state
        .store
        .transact(move |tx, _| Ok(require_alias(tx, &service, &name)?.answer()))
        .await
}

/// `PUT /services/{serviceName}/aliases/{aliasName}`
pub async fn update_alias(
    State(state): State<AppState>,
    Path((service, name)): Path<(String, String)>,
    headers: HeaderMap,
    FcJson(_, raw): FcJson<UpdateAliasInput>,
) -> FcResult<Response> {
    state
        .store
        .transact(move |tx, _| {
            let mut stored = require_alias(tx, &service, &name)?;
            check_if_match(&headers, &stored.etag, "alias")?;
            stored.doc.extend(object(&raw));
            check_versions(tx, &service, &stored.doc)?;
            stored.touch();
            resources::put(tx, Kind::ServiceAlias, &service, &name, &stored, false)?;
            Ok(stored.answer())
        })
        .await
}

/// `DELETE /services/{serviceName}/aliases/{aliasName}`
pub async fn delete_alias(
    State(state): State<AppState>,
    Path((service, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> FcResult<Response> {
    state
        .store
        .transact(move |tx, _| {
            let stored = require_alias(tx, &service, &name)?;
            check_if_match(&headers, &stored.etag, "alias")?;
            resources::delete(tx, Kind::ServiceAlias, &service, &name)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        })
        .await
}

/// `GET /services/{serviceName}/aliases`
pub async fn list_aliases(
    State(state): State<AppState>,
    Path(service): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<axum::Json<Value>> {
    let aliases = state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            resources::list::<Stored>(tx, Kind::ServiceAlias, Some(&service))
        })
        .await?;
    let items = aliases
        .into_iter()
        .map(|entry| (entry.name, Value::Object(entry.value.doc)))
        .collect();
    list_page(&params, items, "aliases")
}

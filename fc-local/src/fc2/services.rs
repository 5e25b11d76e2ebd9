//! Services: `/services[/{serviceName}]`. A service holds functions (which cannot outlive it),
//! its versions and aliases; its role is what its functions run with.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;
use fc_models::fc2::{CreateServiceInput, UpdateServiceInput};
use serde_json::Value;

use super::resource::{Stored, check_if_match, list_page, now, object, require_service};
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::state::AppState;
use crate::store::resources::{self, Kind};

/// `POST /services`
pub async fn create(
    State(state): State<AppState>,
    FcJson(input, raw): FcJson<CreateServiceInput>,
) -> FcResult<Response> {
    let name = input.service_name.clone();
    let mut doc = object(&raw);
    let time = now();
    doc.insert(
        "serviceId".to_owned(),
        Value::String(crate::request_id::new_request_id()),
    );
    doc.insert("createdTime".to_owned(), Value::String(time.clone()));
    doc.insert("lastModifiedTime".to_owned(), Value::String(time));
    let mut stored = Stored::new(doc);
    stored.next_version = Some(1);
    state
        .store
        .transact(move |tx, _| {
            if !resources::put(tx, Kind::Service, "", &name, &stored, true)? {
                return Err(FcError::new(
                    ErrorCode::ServiceAlreadyExists,
                    format!("service '{name}' already exists"),
                ));
            }
            Ok(stored.answer())
        })
        .await
}

/// `GET /services/{serviceName}` (a qualifier is accepted; the service's current
/// configuration is answered).
pub async fn get(State(state): State<AppState>, Path(segment): Path<String>) -> FcResult<Response> {
    let (name, _) = super::resource::service_and_qualifier(&segment, None);
    let name = name.to_owned();
    state
        .store
        .transact(move |tx, _| Ok(require_service(tx, &name)?.answer()))
        .await
}

/// `PUT /services/{serviceName}`: the fields sent replace the stored ones; the FC 3.0 twins of
/// its functions take the new role.
pub async fn update(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    FcJson(_, raw): FcJson<UpdateServiceInput>,
) -> FcResult<Response> {
    state
        .store
        .transact(move |tx, _| {
            let mut stored = require_service(tx, &name)?;
            check_if_match(&headers, &stored.etag, "service")?;
            stored.doc.extend(object(&raw));
            stored.touch();
            resources::put(tx, Kind::Service, "", &name, &stored, false)?;
            super::functions::refresh_twins(tx, &stored, &name)?;
            Ok(stored.answer())
        })
        .await
}

/// `DELETE /services/{serviceName}`: 409 `ServiceNotEmpty` while it has functions; its
/// versions, aliases, VPC bindings and tags go with it.
pub async fn delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> FcResult<Response> {
    let arn = format!(
        "acs:fc:{}:{}:services/{name}",
        state.config.region, state.config.account_id
    );
    state
        .store
        .transact(move |tx, _| {
            let stored = require_service(tx, &name)?;
            check_if_match(&headers, &stored.etag, "service")?;
            if resources::count(tx, Kind::ServiceFunction, &name)? > 0 {
                return Err(FcError::new(
                    ErrorCode::ServiceNotEmpty,
                    format!("service '{name}' still has functions: delete them first"),
                ));
            }
            for kind in [
                Kind::ServiceVersion,
                Kind::ServiceAlias,
                Kind::ServiceVpcBinding,
            ] {
                resources::delete_scope(tx, kind, &name)?;
            }
            resources::delete(tx, Kind::ServiceTags, "", &arn)?;
            resources::delete(tx, Kind::Service, "", &name)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        })
        .await
}

/// `GET /services`
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<axum::Json<Value>> {
    let services = state
        .store
        .transact(|tx, _| resources::list::<Stored>(tx, Kind::Service, Some("")))
        .await?;
    let items = services
        .into_iter()
        .map(|entry| (entry.name, Value::Object(entry.value.doc)))
        .collect();
    list_page(&params, items, "services")
}

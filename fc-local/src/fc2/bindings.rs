//! VPC bindings of a service: `/services/{serviceName}/bindings[/{vpcId}]`. Stored and listed;
//! fc-local's functions reach the network of the machine either way.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fc_models::ErrorCode;
use fc_models::fc2::CreateVpcBindingInput;
use serde_json::{Value, json};

use super::resource::require_service;
use crate::error::{FcError, FcResult};
use crate::extract::FcJson;
use crate::state::AppState;
use crate::store::resources::{self, Kind};

/// `POST /services/{serviceName}/bindings`
pub async fn create(
    State(state): State<AppState>,
    Path(service): Path<String>,
    FcJson(input, _): FcJson<CreateVpcBindingInput>,
) -> FcResult<StatusCode> {
    let vpc = input
        .vpc_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| FcError::invalid_argument("vpcId is required"))?;
    state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            resources::put(
                tx,
                Kind::ServiceVpcBinding,
                &service,
                &vpc,
                &json!({}),
                false,
            )?;
            Ok(StatusCode::OK)
        })
        .await
}

/// `GET /services/{serviceName}/bindings`
pub async fn list(
    State(state): State<AppState>,
    Path(service): Path<String>,
) -> FcResult<Json<Value>> {
    let ids = state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            let entries = resources::list::<Value>(tx, Kind::ServiceVpcBinding, Some(&service))?;
            Ok(entries
                .into_iter()
                .map(|entry| entry.name)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(json!({ "vpcIds": ids })))
}

/// `DELETE /services/{serviceName}/bindings/{vpcId}`
pub async fn delete(
    State(state): State<AppState>,
    Path((service, vpc)): Path<(String, String)>,
) -> FcResult<StatusCode> {
    state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            if !resources::delete(tx, Kind::ServiceVpcBinding, &service, &vpc)? {
                return Err(FcError::new(
                    ErrorCode::VpcBindingNotFound,
                    format!("service '{service}' has no binding to VPC '{vpc}'"),
                ));
            }
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

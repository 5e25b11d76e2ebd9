//! Account-level and networking operations: DescribeRegions and the VPC bindings of a function
//! (CreateVpcBinding, ListVpcBindings, DeleteVpcBinding). Bindings are stored only.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fc_models::{
    CreateVpcBindingInput, DescribeRegionsOutput, DescribeRegionsOutputRegions,
    DescribeRegionsOutputRegionsRegion, ErrorCode, ListVpcBindingsOutput,
};
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::shape::list_json;
use crate::state::AppState;
use crate::store::functions;
use crate::store::resources::{self, Kind};
use crate::validate;

/// `GET /2023-03-30/regions`: the one region this instance emulates (`AcceptLanguage` is checked
/// by the spec's query checks, and has nothing to translate).
pub async fn describe_regions(
    State(state): State<AppState>,
    FcQuery(_): FcQuery,
) -> FcResult<Json<DescribeRegionsOutput>> {
    let region = state.config.region.clone();
    Ok(Json(DescribeRegionsOutput {
        regions: Some(DescribeRegionsOutputRegions {
            region: vec![DescribeRegionsOutputRegionsRegion {
                local_name: Some(region.clone()),
                region_id: Some(region),
            }],
        }),
    }))
}

/// `POST /2023-03-30/functions/{functionName}/vpc-bindings`: binding twice is harmless.
pub async fn create_vpc_binding(
    State(state): State<AppState>,
    Path(function): Path<String>,
    FcJson(input, _): FcJson<CreateVpcBindingInput>,
) -> FcResult<StatusCode> {
    // CreateVpcBinding's checks give `vpcId` only its minimum length; it takes the length limit
    // of the VPC ids in function configurations (limits.md l.50).
    validate::checks_of(
        "CreateFunction",
        &["vpcConfig", "vpcId"],
        "body field vpcId",
        &input.vpc_id.as_str().into(),
    )?;
    state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            resources::put(
                tx,
                Kind::VpcBinding,
                &function,
                &input.vpc_id,
                &input.vpc_id,
                false,
            )?;
            Ok(StatusCode::OK)
        })
        .await
}

/// `GET /2023-03-30/functions/{functionName}/vpc-bindings`
pub async fn list_vpc_bindings(
    State(state): State<AppState>,
    Path(function): Path<String>,
) -> FcResult<Json<Value>> {
    let entries: Vec<resources::Entry<String>> = state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            resources::list(tx, Kind::VpcBinding, Some(&function))
        })
        .await?;
    let vpc_ids = entries.into_iter().map(|e| e.value).collect();
    list_json(&ListVpcBindingsOutput { vpc_ids }, "vpcIds")
}

/// `DELETE /2023-03-30/functions/{functionName}/vpc-bindings/{vpcId}`
pub async fn delete_vpc_binding(
    State(state): State<AppState>,
    Path((function, vpc_id)): Path<(String, String)>,
) -> FcResult<StatusCode> {
    state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &function)?;
            if resources::delete(tx, Kind::VpcBinding, &function, &vpc_id)? {
                Ok(StatusCode::NO_CONTENT)
            } else {
                Err(FcError::new(
                    ErrorCode::VpcBindingNotFound,
                    format!("function '{function}' is not bound to VPC '{vpc_id}'"),
                ))
            }
        })
        .await
}

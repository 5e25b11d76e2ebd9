//! ChangeResourceGroup: moving a function to another resource group.
//!
//! fc-local's choices (the API reference names the fields, not the values): `ResourceType` is
//! `function` or `ALIYUN::FC::FUNCTION` (any case), the only kind of resource fc-local keeps in
//! groups; `ResourceId` is the function's name or ARN; the move shows at once in the function's
//! `resourceGroupId` and in ListFunctions' `resourceGroupId` filter. A function that was never
//! put in a group is in none (`OldResourceGroupId` absent). The official SDK sends the fields
//! capitalised (`ResourceId`), the vendor's metadata names them in camel case (`resourceId`):
//! both are read.

use axum::Json;
use axum::extract::State;
use fc_models::{ChangeResourceGroupInput, ChangeResourceGroupOutput};

use crate::error::{FcError, FcResult};
use crate::extract::FcJson;
use crate::state::AppState;
use crate::store::functions;

/// The resource types ChangeResourceGroup moves.
const FUNCTION_TYPES: [&str; 2] = ["function", "ALIYUN::FC::FUNCTION"];

/// `PUT /2023-03-30/resource-groups`.
pub async fn change(
    State(state): State<AppState>,
    FcJson(input, raw): FcJson<ChangeResourceGroupInput>,
) -> FcResult<Json<ChangeResourceGroupOutput>> {
    let camel = |key: &str| raw.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let kind = input
        .resource_type
        .or_else(|| camel("resourceType"))
        .unwrap_or_default();
    let kind = kind.as_str();
    if !FUNCTION_TYPES.iter().any(|t| t.eq_ignore_ascii_case(kind)) {
        return Err(FcError::invalid_argument(format!(
            "ResourceType {kind:?} is not one fc-local moves; use one of {FUNCTION_TYPES:?}"
        )));
    }
    let group = input
        .new_resource_group_id
        .or_else(|| camel("newResourceGroupId"))
        .filter(|g| !g.trim().is_empty())
        .ok_or_else(|| FcError::invalid_argument("NewResourceGroupId is required"))?;
    let resource = input
        .resource_id
        .or_else(|| camel("resourceId"))
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| FcError::invalid_argument("ResourceId is required"))?;
    let prefix = state.function_arn("");
    let name = resource
        .strip_prefix(&prefix)
        .unwrap_or(&resource)
        .to_owned();
    if name.contains('$') {
        return Err(FcError::invalid_argument(format!(
            "ResourceId {resource:?} is an FC 2.0 function; its service is what holds it"
        )));
    }
    let moved = group.clone();
    let old = state
        .store
        .transact(move |tx, _| {
            let mut function = functions::require(tx, &name)?.function;
            let old = function.resource_group_id.replace(moved);
            functions::replace(tx, &name, &function)?;
            Ok(old)
        })
        .await?;
    Ok(Json(ChangeResourceGroupOutput {
        new_resource_group_id: Some(group),
        old_resource_group_id: old,
        resource_id: Some(resource),
    }))
}

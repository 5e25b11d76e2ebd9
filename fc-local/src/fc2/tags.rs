//! FC 2.0 tags: `/tag` (TagResource, UntagResource, GetResourceTags) and `/tags`
//! (ListTaggedResources). FC 2.0 tags services, named by their ARN
//! (`acs:fc:<region>:<account>:services/<name>`); tagging a service that does not exist is 404.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fc_models::ErrorCode;
use fc_models::fc2::{TagResourceInput, UntagResourceInput};
use serde_json::{Map, Value, json};

use super::resource::{list_page, require_service};
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::state::AppState;
use crate::store::resources::{self, Kind};

/// The service an ARN of this server names, or 400/404.
fn service_of(state: &AppState, arn: &str) -> FcResult<String> {
    let prefix = format!(
        "acs:fc:{}:{}:services/",
        state.config.region, state.config.account_id
    );
    arn.strip_prefix(&prefix)
        .filter(|name| !name.is_empty() && !name.contains('/'))
        .map(str::to_owned)
        .ok_or_else(|| {
            FcError::invalid_argument(format!(
                "resourceArn '{arn}' is not a service of this account and region ({prefix}<name>)"
            ))
        })
}

/// Changes the tags of the service `arn` names with `edit` (400 if it returns an error).
async fn edit_tags(
    state: &AppState,
    arn: String,
    edit: impl FnOnce(&mut Map<String, Value>) -> FcResult<()> + Send + 'static,
) -> FcResult<StatusCode> {
    let service = service_of(state, &arn)?;
    state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            let mut tags: Map<String, Value> =
                resources::get(tx, Kind::ServiceTags, "", &arn)?.unwrap_or_default();
            edit(&mut tags)?;
            resources::put(tx, Kind::ServiceTags, "", &arn, &tags, false)?;
            Ok(StatusCode::OK)
        })
        .await
}

/// `POST /tag`: adds or replaces the tags given.
pub async fn tag(
    State(state): State<AppState>,
    FcJson(input, _): FcJson<TagResourceInput>,
) -> FcResult<StatusCode> {
    edit_tags(&state, input.resource_arn, move |tags| {
        for (key, value) in input.tags {
            tags.insert(key, json!(value));
        }
        Ok(())
    })
    .await
}

/// `PUT /tag`: removes `tagKeys`, or every tag with `all`.
pub async fn untag(
    State(state): State<AppState>,
    FcJson(input, _): FcJson<UntagResourceInput>,
) -> FcResult<StatusCode> {
    edit_tags(&state, input.resource_arn, move |tags| {
        if input.all == Some(true) {
            tags.clear();
        } else if input.tag_keys.is_empty() {
            return Err(FcError::invalid_argument(
                "give tagKeys, or all: true to remove every tag",
            ));
        }
        for key in &input.tag_keys {
            tags.remove(key);
        }
        Ok(())
    })
    .await
}

/// `GET /tag?resourceArn=`
pub async fn get(State(state): State<AppState>, FcQuery(params): FcQuery) -> FcResult<Json<Value>> {
    let arn = params
        .get("resourceArn")
        .ok_or_else(|| FcError::new(ErrorCode::InvalidArgument, "resourceArn is required"))?
        .to_owned();
    let service = service_of(&state, &arn)?;
    state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            let tags: Map<String, Value> =
                resources::get(tx, Kind::ServiceTags, "", &arn)?.unwrap_or_default();
            Ok(Json(json!({"resourceArn": arn, "tags": tags})))
        })
        .await
}

/// `GET /tags`: every tagged service.
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let entries = state
        .store
        .transact(|tx, _| resources::list::<Map<String, Value>>(tx, Kind::ServiceTags, Some("")))
        .await?;
    let items = entries
        .into_iter()
        .filter(|entry| !entry.value.is_empty())
        .map(|entry| {
            let item = json!({"resourceArn": entry.name, "tags": entry.value});
            (entry.name, item)
        })
        .collect();
    list_page(&params, items, "resources")
}

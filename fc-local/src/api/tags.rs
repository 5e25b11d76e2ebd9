//! Tag operations (`/2023-03-30/tags-v2`): TagResources, UntagResources, ListTagResources.
//!
//! Functions are the taggable resource: `ResourceType` is `function` (any case) or
//! `ALIYUN::FC::FUNCTION`, and `ResourceId` is a function name or ARN. The tags live in the
//! function's own `tags`, so GetFunction and the ListFunctions tag filter see them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use fc_models::{ListTagResourcesOutput, Tag, TagResource, TagResourcesInput};
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_token, paginate};
use crate::shape::list_json;
use crate::state::AppState;
use crate::store::functions;
use crate::validate;

fn check_type(resource_type: Option<&str>) -> FcResult<()> {
    match resource_type {
        Some(t) if t.eq_ignore_ascii_case("function") || t == "ALIYUN::FC::FUNCTION" => Ok(()),
        Some(other) => Err(FcError::invalid_argument(format!(
            "ResourceType '{other}' is not supported by fc-local; use function"
        ))),
        None => Err(FcError::invalid_argument("ResourceType is required")),
    }
}

/// The function name in a resource id (a name, or an ARN ending in `functions/<name>`).
fn function_name(resource_id: &str) -> &str {
    resource_id
        .rsplit_once(":functions/")
        .map_or(resource_id, |(_, name)| name)
}

/// `POST /2023-03-30/tags-v2`: adds tags, replacing the values of keys already present.
pub async fn tag(
    State(state): State<AppState>,
    FcJson(input, _): FcJson<TagResourcesInput>,
) -> FcResult<StatusCode> {
    check_type(Some(input.resource_type.as_deref().unwrap_or("function")))?;
    if input.resource_id.is_empty() || input.tag.is_empty() {
        return Err(FcError::invalid_argument(
            "ResourceId and Tag must not be empty",
        ));
    }
    validate::tag_list(&input.tag)?;
    state
        .store
        .transact(move |tx, _| {
            for id in &input.resource_id {
                let name = function_name(id);
                let mut function = functions::require(tx, name)?.function;
                for tag in &input.tag {
                    function.tags.retain(|t| t.key != tag.key);
                    function.tags.push(tag.clone());
                }
                validate::tag_list(&function.tags)?;
                functions::replace(tx, name, &function)?;
            }
            Ok(StatusCode::OK)
        })
        .await
}

/// `DELETE /2023-03-30/tags-v2`: removes the keys in `TagKey`, or every tag with `All=true`.
pub async fn untag(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<StatusCode> {
    check_type(params.get("ResourceType"))?;
    let ids: Vec<String> = params
        .json("ResourceId")?
        .ok_or_else(|| FcError::invalid_argument("ResourceId is required"))?;
    let keys: Vec<String> = params.json("TagKey")?.unwrap_or_default();
    let all = params
        .get("All")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if keys.is_empty() && !all {
        return Err(FcError::invalid_argument("give TagKey or All=true"));
    }
    state
        .store
        .transact(move |tx, _| {
            for id in &ids {
                let name = function_name(id);
                let mut function = functions::require(tx, name)?.function;
                function
                    .tags
                    .retain(|t| !all && !keys.iter().any(|k| Some(k) == t.key.as_ref()));
                functions::replace(tx, name, &function)?;
            }
            Ok(StatusCode::OK)
        })
        .await
}

/// `GET /2023-03-30/tags-v2`: one entry per (function, tag), filtered by `ResourceId` and `Tag`.
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    check_type(params.get("ResourceType"))?;
    let limit = params.limit("Limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = decode_token(params.get("NextToken"))?;
    let ids: Option<Vec<String>> = params.json("ResourceId")?;
    let wanted: Vec<Tag> = params.json("Tag")?.unwrap_or_default();
    let all = state
        .store
        .transact(|tx, _| functions::list(tx, None, None))
        .await?;
    let mut items = Vec::new();
    for function in all {
        let Some(name) = function.function_name.clone() else {
            continue;
        };
        if ids
            .as_ref()
            .is_some_and(|ids| !ids.iter().any(|id| function_name(id) == name))
        {
            continue;
        }
        let matches = wanted.iter().all(|w| {
            function
                .tags
                .iter()
                .any(|t| t.key == w.key && (w.value.is_none() || t.value == w.value))
        });
        if !matches {
            continue;
        }
        let arn = state.function_arn(&name);
        for tag in &function.tags {
            let key = tag.key.clone().unwrap_or_default();
            items.push((
                format!("{name}\u{0}{key}"),
                TagResource {
                    resource_id: Some(arn.clone()),
                    resource_type: Some("function".to_owned()),
                    tag_key: Some(key),
                    tag_value: tag.value.clone(),
                },
            ));
        }
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let (tag_resources, next_token) = paginate(items, after.as_deref(), limit);
    list_json(
        &ListTagResourcesOutput {
            next_token,
            request_id: None,
            tag_resources,
        },
        "TagResources",
    )
}

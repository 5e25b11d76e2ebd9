//! Function operations: CreateFunction, GetFunction, UpdateFunction, DeleteFunction,
//! ListFunctions, GetFunctionCode, DisableFunctionInvocation and EnableFunctionInvocation.

use std::time::SystemTime;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use fc_client::timestamp::format_iso8601;
use fc_models::{
    CreateFunctionInput, DisableFunctionInvocationInput, DisableFunctionInvocationResponseBody,
    EnableFunctionInvocationResponseBody, ErrorCode, Function, FunctionLayer, FunctionRestriction,
    FunctionState, LastUpdateStatus, ListFunctionsOutput, OutputFuncCode, Runtime, Tag,
    UpdateFunctionInput,
};
use serde_json::Value;

use super::code_link;
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::paging::{DEFAULT_PAGE_SIZE, decode_token, encode_token};
use crate::shape::list_json;
use crate::state::AppState;
use crate::store::resources::{self, Kind};
use crate::store::{aliases, functions, versions};
use crate::validate::{self, CodePackage};

/// Fields of a request body that are not copied into the stored configuration as they are.
const DERIVED_FIELDS: [&str; 4] = ["code", "layers", "tags", "functionName"];

fn now() -> String {
    format_iso8601(SystemTime::now())
}

/// The body fields that become configuration, in the response shape.
fn config_fields<T: serde::Serialize>(input: &T) -> FcResult<serde_json::Map<String, Value>> {
    let mut value = serde_json::to_value(input).map_err(FcError::internal)?;
    let map = value
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    Ok(map
        .into_iter()
        .filter(|(k, v)| !DERIVED_FIELDS.contains(&k.as_str()) && !v.is_null())
        .collect())
}

/// Every layer must exist (404 `LayerNotFound` / `LayerVersionNotFound` otherwise); each
/// gets its code size, as the service reports it.
fn resolve_layers(tx: &rusqlite::Transaction<'_>, layers: &mut [FunctionLayer]) -> FcResult<()> {
    for layer in layers {
        let arn = layer.arn.as_deref().unwrap_or_default();
        let stored = crate::store::layers::by_arn(tx, arn)?;
        layer.size = stored.code_size;
    }
    Ok(())
}

fn to_function(map: serde_json::Map<String, Value>) -> FcResult<Function> {
    serde_json::from_value(Value::Object(map))
        .map_err(|e| FcError::invalid_argument(format!("invalid function configuration: {e}")))
}

fn layers(arns: &[String]) -> FcResult<Vec<FunctionLayer>> {
    arns.iter()
        .map(|arn| {
            validate::layer_arn(arn)?;
            Ok(FunctionLayer {
                arn: Some(arn.clone()),
                size: None,
            })
        })
        .collect()
}

fn decode_code(
    state: &AppState,
    code: Option<&fc_models::InputCodeLocation>,
) -> FcResult<Option<CodePackage>> {
    code.map(|c| validate::code(c, state.config.max_code_bytes))
        .transpose()
        .map(Option::flatten)
}

fn set_code(function: &mut Function, package: Option<&CodePackage>) {
    if let Some(package) = package {
        function.code_checksum = Some(package.checksum.clone());
        function.code_size = i64::try_from(package.bytes.len()).ok();
        if let Some(dir) = package.directory() {
            eprintln!(
                "fc-local: function '{}' runs from the directory {dir} (live code: edits apply on the next invocation)",
                function.function_name.as_deref().unwrap_or_default()
            );
        }
    }
}

/// Code and container image are alternatives: exactly one fits the runtime.
fn check_code_kind(function: &Function) -> FcResult<()> {
    let container = function.runtime == Some(Runtime::CustomContainer);
    if container && function.custom_container_config.is_none() {
        return Err(FcError::invalid_argument(
            "customContainerConfig is required for the custom-container runtime",
        ));
    }
    if !container && function.code_checksum.is_none() {
        return Err(FcError::invalid_argument(
            "code is required: send the function's ZIP package in code.zipFile",
        ));
    }
    Ok(())
}

/// `POST /2023-03-30/functions`
pub async fn create(
    State(state): State<AppState>,
    FcJson(input, _): FcJson<CreateFunctionInput>,
) -> FcResult<Json<Function>> {
    let name = input.function_name.clone();
    let package = decode_code(&state, input.code.as_ref())?;
    if package.is_some() && input.runtime == Runtime::CustomContainer {
        return Err(FcError::invalid_argument(
            "code cannot be combined with the custom-container runtime; use customContainerConfig",
        ));
    }
    let mut function = to_function(config_fields(&input)?)?;
    function.function_name = Some(name.clone());
    function.layers = layers(&input.layers)?;
    function.tags = input.tags.clone();
    if function.memory_size.is_none() && function.cpu.is_none() {
        function.memory_size = Some(512);
    }
    function.timeout.get_or_insert(3);
    function.disk_size.get_or_insert(512);
    function.instance_concurrency.get_or_insert(1);
    function.internet_access.get_or_insert(true);
    set_code(&mut function, package.as_ref());
    let created = now();
    function.created_time = Some(created.clone());
    function.last_modified_time = Some(created);
    function.function_arn = Some(state.function_arn(&name));
    function.function_id = Some(crate::request_id::new_request_id());
    function.state = Some(FunctionState::Active);
    function.last_update_status = Some(LastUpdateStatus::Successful);
    check_code_kind(&function)?;
    validate::function(&function)?;

    let stored = state
        .store
        .transact(move |tx, code| {
            resolve_layers(tx, &mut function.layers)?;
            functions::insert(tx, &name, &function)?;
            if let Some(package) = package.as_ref().filter(|p| p.directory().is_none()) {
                code.put(tx, &package.checksum, &package.bytes)?;
            }
            Ok(function)
        })
        .await?;
    Ok(Json(stored))
}

/// `GET /2023-03-30/functions/{functionName}`
pub async fn get(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Function>> {
    let (function, _) = state
        .store
        .resolve_function(&name, params.get("qualifier"))
        .await?;
    Ok(Json(function))
}

/// `PUT /2023-03-30/functions/{functionName}`: only the fields present change.
pub async fn update(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FcJson(input, raw): FcJson<UpdateFunctionInput>,
) -> FcResult<Json<Function>> {
    let package = decode_code(&state, input.code.as_ref())?;
    let patch = config_fields(&input)?;
    let new_layers = raw
        .get("layers")
        .is_some_and(|v| !v.is_null())
        .then(|| layers(&input.layers))
        .transpose()?;
    let updated = state
        .store
        .transact(move |tx, code| {
            let row = functions::require(tx, &name)?;
            let mut current = match serde_json::to_value(&row.function) {
                Ok(Value::Object(map)) => map,
                _ => return Err(FcError::internal("stored function is not an object")),
            };
            current.extend(patch);
            let mut function = to_function(current)?;
            if let Some(mut new_layers) = new_layers {
                resolve_layers(tx, &mut new_layers)?;
                function.layers = new_layers;
            }
            set_code(&mut function, package.as_ref());
            if package.is_some() && function.runtime == Some(Runtime::CustomContainer) {
                return Err(FcError::invalid_argument(
                    "code cannot be combined with the custom-container runtime",
                ));
            }
            function.last_modified_time = Some(now());
            check_code_kind(&function)?;
            validate::function(&function)?;
            functions::replace(tx, &name, &function)?;
            if let Some(package) = package.as_ref().filter(|p| p.directory().is_none()) {
                code.put(tx, &package.checksum, &package.bytes)?;
            }
            Ok(function)
        })
        .await?;
    Ok(Json(updated))
}

/// `DELETE /2023-03-30/functions/{functionName}`: refused while versions, aliases or triggers
/// exist; the function's async, concurrency, provision and scaling configs, VPC bindings and
/// asynchronous tasks go with it. Its running tasks are stopped and its instances discarded.
pub async fn delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> FcResult<StatusCode> {
    let deleted = name.clone();
    state
        .store
        .transact(move |tx, _| {
            functions::require(tx, &name)?;
            let version_count = versions::count(tx, &name)?;
            let alias_count = aliases::list(tx, &name)?.len();
            let trigger_count = resources::count(tx, Kind::Trigger, &name)?;
            if version_count > 0 || alias_count > 0 || trigger_count > 0 {
                return Err(FcError::new(ErrorCode::FunctionNotEmpty,
                    format!(
                        "function '{name}' still has {version_count} version(s), {alias_count} alias(es) \
                         and {trigger_count} trigger(s); delete them first"
                    ),
                ));
            }
            for kind in Kind::FUNCTION_CONFIGS {
                resources::delete_scope(tx, kind, &name)?;
            }
            functions::delete(tx, &name)
        })
        .await?;
    state.engine.tasks.abort_function(&deleted);
    state.engine.sessions.discard_function(&deleted);
    state.engine.executor.discard_function(&deleted);
    Ok(StatusCode::NO_CONTENT)
}

fn matches_tags(function: &Function, wanted: &[Tag]) -> bool {
    wanted.iter().all(|tag| {
        function
            .tags
            .iter()
            .any(|t| t.key == tag.key && (tag.value.is_none() || t.value == tag.value))
    })
}

/// `GET /2023-03-30/functions`: prefix, runtime and tag filters, paged by name (`limit`,
/// `fcVersion`, `gpuType` and `runtime` are checked by the spec's query checks).
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let limit = params.count("limit")?.unwrap_or(DEFAULT_PAGE_SIZE);
    let after = decode_token(params.get("nextToken"))?;
    let prefix = params.get("prefix").map(str::to_owned);
    let runtime = params.get("runtime").map(Runtime::from);
    let group = params.get("resourceGroupId").map(str::to_owned);
    let tags: Vec<Tag> = params.json("tags")?.unwrap_or_default();
    let all = state
        .store
        .transact(move |tx, _| functions::list(tx, after.as_deref(), prefix.as_deref()))
        .await?;
    let mut page: Vec<Function> = all
        .into_iter()
        .filter(|f| runtime.is_none() || f.runtime == runtime)
        .filter(|f| group.is_none() || f.resource_group_id == group)
        .filter(|f| matches_tags(f, &tags))
        .take(limit + 1)
        .collect();
    let next_token = if page.len() > limit {
        page.truncate(limit);
        page.last()
            .and_then(|f| f.function_name.as_deref())
            .map(encode_token)
    } else {
        None
    };
    list_json(
        &ListFunctionsOutput {
            functions: page,
            next_token,
        },
        "functions",
    )
}

/// `GET /2023-03-30/functions/{functionName}/code`: a time-limited download link.
pub async fn get_code(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FcQuery(params): FcQuery,
    headers: HeaderMap,
) -> FcResult<Json<OutputFuncCode>> {
    let (function, _) = state
        .store
        .resolve_function(&name, params.get("qualifier"))
        .await?;
    let Some(checksum) = function.code_checksum else {
        return Err(FcError::new(
            ErrorCode::FunctionNotFound,
            format!("function '{name}' has no code package (it runs a container image)"),
        ));
    };
    let url = code_link::url(&state, &headers, &checksum);
    Ok(Json(OutputFuncCode {
        checksum: Some(checksum),
        url: Some(url),
    }))
}

async fn set_restriction(
    state: &AppState,
    name: String,
    restriction: FunctionRestriction,
) -> FcResult<()> {
    state
        .store
        .transact(move |tx, _| {
            let mut function = functions::require(tx, &name)?.function;
            function.invocation_restriction = Some(restriction);
            functions::replace(tx, &name, &function)
        })
        .await
}

/// `POST /2023-03-30/functions/{functionName}/invoke/disable`
pub async fn disable(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FcJson(input, _): FcJson<DisableFunctionInvocationInput>,
) -> FcResult<Json<DisableFunctionInvocationResponseBody>> {
    let restriction = FunctionRestriction {
        disable: Some(true),
        last_modified_time: Some(now()),
        reason: input.reason,
    };
    set_restriction(&state, name, restriction).await?;
    Ok(Json(DisableFunctionInvocationResponseBody {
        success: Some(true),
    }))
}

/// `POST /2023-03-30/functions/{functionName}/invoke/enable`
pub async fn enable(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> FcResult<Json<EnableFunctionInvocationResponseBody>> {
    let restriction = FunctionRestriction {
        disable: Some(false),
        last_modified_time: Some(now()),
        reason: None,
    };
    set_restriction(&state, name, restriction).await?;
    Ok(Json(EnableFunctionInvocationResponseBody {
        success: Some(true),
    }))
}

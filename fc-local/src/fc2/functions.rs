//! Functions of a service: `/services/{serviceName}/functions[/{functionName}]`.
//!
//! Each function is stored twice in one transaction: as FC 2.0 shows it (with its ETag), and
//! as the FC 3.0 function `service$function` ([`fc3_function`]) that invocation, the FC 3.0
//! API and the console use.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;
use fc_models::fc2::{CreateFunctionInput, UpdateFunctionInput};
use rusqlite::Transaction;
use serde_json::{Map, Value, json};

use super::qualifier::version_of;
use super::resource::{
    Stored, check_if_match, fc3_name, list_page, now, object, require_service,
    service_and_qualifier,
};
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::state::AppState;
use crate::store::resources::{self, Kind};
use crate::store::{functions, versions};
use crate::validate::{self, CodePackage};

/// Fields of an FC 2.0 function that the FC 3.0 function of the same code carries unchanged.
const SHARED_FIELDS: [&str; 16] = [
    "functionId",
    "description",
    "runtime",
    "handler",
    "memorySize",
    "timeout",
    "environmentVariables",
    "codeChecksum",
    "codeSize",
    "caPort",
    "customRuntimeConfig",
    "customContainerConfig",
    "instanceConcurrency",
    "cpu",
    "diskSize",
    "createdTime",
];

/// The FC 3.0 function for the FC 2.0 function `doc` of `service`, named `name`: the shared
/// fields, the `initializer` as `instanceLifecycleConfig.initializer`, the layer ARNs, and the
/// service's `role` (FC 3.0 configures roles per function).
pub fn fc3_function(
    name: &str,
    service: &Map<String, Value>,
    doc: &Map<String, Value>,
) -> FcResult<fc_models::Function> {
    let mut map = Map::new();
    for field in SHARED_FIELDS {
        if let Some(value) = doc.get(field) {
            map.insert(field.to_owned(), value.clone());
        }
    }
    map.insert("functionName".to_owned(), json!(name));
    map.insert("state".to_owned(), json!("Active"));
    if let Some(time) = doc.get("lastModifiedTime") {
        map.insert("lastModifiedTime".to_owned(), time.clone());
    }
    if let Some(handler) = doc.get("initializer").and_then(Value::as_str)
        && !handler.is_empty()
    {
        let timeout = doc
            .get("initializationTimeout")
            .cloned()
            .unwrap_or(json!(3));
        map.insert(
            "instanceLifecycleConfig".to_owned(),
            json!({"initializer": {"handler": handler, "timeout": timeout}}),
        );
    }
    if let Some(Value::Array(arns)) = doc.get("layers") {
        let layers: Vec<Value> = arns.iter().map(|arn| json!({"arn": arn})).collect();
        map.insert("layers".to_owned(), Value::Array(layers));
    }
    if let Some(role) = service.get("role") {
        map.insert("role".to_owned(), role.clone());
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|e| FcError::invalid_argument(format!("invalid function configuration: {e}")))
}

/// The code package of a request body's `code`, checked as FC 3.0's is.
fn code_package(state: &AppState, raw: &Value) -> FcResult<Option<CodePackage>> {
    let Some(code) = raw.get("code") else {
        return Ok(None);
    };
    let location: fc_models::InputCodeLocation = serde_json::from_value(code.clone())
        .map_err(|e| FcError::invalid_argument(format!("code: {e}")))?;
    validate::code(&location, state.config.max_code_bytes)
}

/// The configuration fields of a create or update body: without `code`, with the
/// `InstanceConcurrency` spelling UpdateFunction sends (fc2.md) as `instanceConcurrency`.
fn config_fields(raw: &Value) -> Map<String, Value> {
    let mut fields = object(raw);
    fields.remove("code");
    if let Some(value) = fields.remove("InstanceConcurrency") {
        fields.insert("instanceConcurrency".to_owned(), value);
    }
    fields
}

fn set_code(doc: &mut Map<String, Value>, package: &CodePackage) {
    doc.insert("codeChecksum".to_owned(), json!(package.checksum));
    doc.insert("codeSize".to_owned(), json!(package.bytes.len()));
}

fn not_found(service: &str, name: &str) -> FcError {
    FcError::new(
        ErrorCode::FunctionNotFound,
        format!("function '{name}' of service '{service}' does not exist"),
    )
}

/// The stored function, or 404 `FunctionNotFound`.
pub fn require(tx: &Transaction<'_>, service: &str, name: &str) -> FcResult<Stored> {
    resources::get::<Stored>(tx, Kind::ServiceFunction, service, name)?
        .ok_or_else(|| not_found(service, name))
}

/// Stores `stored` and its FC 3.0 twin.
fn save(
    tx: &Transaction<'_>,
    service: &Stored,
    service_name: &str,
    name: &str,
    stored: &Stored,
) -> FcResult<()> {
    resources::put(tx, Kind::ServiceFunction, service_name, name, stored, false)?;
    let twin_name = fc3_name(service_name, name);
    let twin = fc3_function(&twin_name, &service.doc, &stored.doc)?;
    if functions::get(tx, &twin_name)?.is_some() {
        functions::replace(tx, &twin_name, &twin)
    } else {
        functions::insert(tx, &twin_name, &twin)
    }
}

/// Rewrites the FC 3.0 twins of every function of `service` (after an UpdateService: they
/// carry its role).
pub(super) fn refresh_twins(
    tx: &Transaction<'_>,
    service: &Stored,
    service_name: &str,
) -> FcResult<()> {
    for entry in resources::list::<Stored>(tx, Kind::ServiceFunction, Some(service_name))? {
        let twin_name = fc3_name(service_name, &entry.name);
        let twin = fc3_function(&twin_name, &service.doc, &entry.value.doc)?;
        functions::replace(tx, &twin_name, &twin)?;
    }
    Ok(())
}

/// `POST /services/{serviceName}/functions`
pub async fn create(
    State(state): State<AppState>,
    Path(service_name): Path<String>,
    FcJson(input, raw): FcJson<CreateFunctionInput>,
) -> FcResult<Response> {
    let package = code_package(&state, &raw)?.ok_or_else(|| {
        FcError::invalid_argument(
            "code is required: send the function's ZIP package in code.zipFile",
        )
    })?;
    let name = input.function_name.clone();
    let mut doc = config_fields(&raw);
    let time = now();
    doc.insert(
        "functionId".to_owned(),
        json!(crate::request_id::new_request_id()),
    );
    doc.insert("createdTime".to_owned(), json!(time));
    doc.insert("lastModifiedTime".to_owned(), json!(time));
    doc.entry("memorySize").or_insert(json!(128));
    doc.entry("timeout").or_insert(json!(3));
    set_code(&mut doc, &package);
    let stored = Stored::new(doc);
    state
        .store
        .transact(move |tx, code| {
            let service = require_service(tx, &service_name)?;
            if resources::get::<Stored>(tx, Kind::ServiceFunction, &service_name, &name)?.is_some()
            {
                return Err(FcError::new(
                    ErrorCode::FunctionAlreadyExists,
                    format!("function '{name}' of service '{service_name}' already exists"),
                ));
            }
            code.put(tx, &package.checksum, &package.bytes)?;
            save(tx, &service, &service_name, &name, &stored)?;
            Ok(stored.answer())
        })
        .await
}

/// `GET /services/{serviceName}[.qualifier]/functions/{functionName}`: LATEST, or the function
/// as a version or alias of the service published it.
pub async fn get(
    State(state): State<AppState>,
    Path((segment, name)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<Response> {
    let (service, qualifier) = service_and_qualifier(&segment, params.get("qualifier"));
    let (service, qualifier) = (service.to_owned(), qualifier.map(str::to_owned));
    state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            match version_of(tx, &service, qualifier.as_deref(), None)? {
                None => Ok(require(tx, &service, &name)?.answer()),
                Some(version) => {
                    let published = super::versions::require(tx, &service, version)?;
                    let doc = published.functions.get(&name).cloned();
                    let doc = doc.ok_or_else(|| not_found(&service, &name))?;
                    Ok(axum::Json(doc).into_response())
                }
            }
        })
        .await
}

/// `PUT /services/{serviceName}/functions/{functionName}`: a partial merge (omitted fields keep
/// their value; `environmentVariables` given replaces the whole map).
pub async fn update(
    State(state): State<AppState>,
    Path((service_name, name)): Path<(String, String)>,
    headers: HeaderMap,
    FcJson(_, raw): FcJson<UpdateFunctionInput>,
) -> FcResult<Response> {
    let package = code_package(&state, &raw)?;
    state
        .store
        .transact(move |tx, code| {
            let service = require_service(tx, &service_name)?;
            let mut stored = require(tx, &service_name, &name)?;
            check_if_match(&headers, &stored.etag, "function")?;
            stored.doc.extend(config_fields(&raw));
            if let Some(package) = &package {
                code.put(tx, &package.checksum, &package.bytes)?;
                set_code(&mut stored.doc, package);
            }
            stored.touch();
            save(tx, &service, &service_name, &name, &stored)?;
            Ok(stored.answer())
        })
        .await
}

/// `DELETE /services/{serviceName}/functions/{functionName}`: with its triggers and configs,
/// its FC 3.0 twin with the twin's versions, configs and tasks; its running tasks and its
/// instances are stopped.
pub async fn delete(
    State(state): State<AppState>,
    Path((service_name, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> FcResult<Response> {
    let twin = fc3_name(&service_name, &name);
    let twin_in_tx = twin.clone();
    state
        .store
        .transact(move |tx, _| {
            let stored = require(tx, &service_name, &name)?;
            check_if_match(&headers, &stored.etag, "function")?;
            let scope = format!("{service_name}/{name}");
            for kind in [
                Kind::ServiceTrigger,
                Kind::ServiceProvisionConfig,
                Kind::ServiceOnDemandConfig,
            ] {
                resources::delete_scope(tx, kind, &scope)?;
            }
            for kind in Kind::FUNCTION_CONFIGS {
                resources::delete_scope(tx, kind, &twin_in_tx)?;
            }
            resources::delete(tx, Kind::ServiceFunction, &service_name, &name)?;
            for version in versions::list(tx, &twin_in_tx)? {
                versions::delete(tx, &twin_in_tx, version.id)?;
            }
            functions::delete(tx, &twin_in_tx)
        })
        .await?;
    state.engine.tasks.abort_function(&twin);
    state.engine.executor.discard_function(&twin);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /services/{serviceName}[.qualifier]/functions`
pub async fn list(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    FcQuery(params): FcQuery,
) -> FcResult<axum::Json<Value>> {
    let (service, qualifier) = service_and_qualifier(&segment, params.get("qualifier"));
    let (service, qualifier) = (service.to_owned(), qualifier.map(str::to_owned));
    let items = state
        .store
        .transact(move |tx, _| {
            require_service(tx, &service)?;
            Ok(
                match version_of(tx, &service, qualifier.as_deref(), None)? {
                    None => resources::list::<Stored>(tx, Kind::ServiceFunction, Some(&service))?
                        .into_iter()
                        .map(|entry| (entry.name, Value::Object(entry.value.doc)))
                        .collect(),
                    Some(version) => super::versions::require(tx, &service, version)?
                        .functions
                        .into_iter()
                        .map(|(name, doc)| (name, Value::Object(doc)))
                        .collect(),
                },
            )
        })
        .await?;
    list_page(&params, items, "functions")
}

/// `GET /services/{serviceName}[.qualifier]/functions/{functionName}/code`
pub async fn get_code(
    State(state): State<AppState>,
    Path((segment, name)): Path<(String, String)>,
    FcQuery(params): FcQuery,
    headers: HeaderMap,
) -> FcResult<axum::Json<Value>> {
    let (service, qualifier) = service_and_qualifier(&segment, params.get("qualifier"));
    let (service, qualifier) = (service.to_owned(), qualifier.map(str::to_owned));
    let twin = fc3_name(&service, &name);
    let version = state
        .store
        .transact(move |tx, _| {
            require(tx, &service, &name)?;
            version_of(tx, &service, qualifier.as_deref(), None)
        })
        .await?;
    let label = version.map(|v| v.to_string());
    let (function, _) = state
        .store
        .resolve_function(&twin, label.as_deref())
        .await?;
    let checksum = function.code_checksum.unwrap_or_default();
    let url = crate::api::code_link::url(&state, &headers, &checksum);
    Ok(axum::Json(json!({"checksum": checksum, "url": url})))
}

//! FC 2.0 custom domains: `/custom-domains[/{domainName}]`.
//!
//! One store and one router serve the custom domains of both APIs: an FC 2.0 route's
//! `serviceName` and `functionName` are kept as FC 3.0's `functionName` `service$function` (the
//! function's FC 3.0 name), so FC 3.0's handlers and its `Host` routing do the work, and a
//! request to the domain reaches the FC 2.0 function with FC 2.0's HTTP contract. Bodies are
//! reshaped both ways. Create, Get and Update answer an `ETag`: the CRC-64 of the domain as
//! stored, so it changes whenever the domain does (fc2.md).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::resource::fc3_name;
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::state::AppState;

/// The routes of a domain body, each `serviceName` + `functionName` joined as FC 3.0 names the
/// function.
fn joined(body: &[u8]) -> FcResult<Vec<u8>> {
    let mut raw: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(body)
            .map_err(|e| FcError::invalid_argument(format!("the body is not JSON: {e}")))?
    };
    if let Some(Value::Array(routes)) = raw.pointer_mut("/routeConfig/routes") {
        for route in routes.iter_mut().filter_map(Value::as_object_mut) {
            let service = route.remove("serviceName");
            let service = service.as_ref().and_then(Value::as_str).unwrap_or_default();
            let function = route
                .get("functionName")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if service.is_empty() {
                return Err(FcError::invalid_argument(
                    "routeConfig.routes[].serviceName is required",
                ));
            }
            let name = fc3_name(service, function);
            route.insert("functionName".to_owned(), json!(name));
        }
    }
    serde_json::to_vec(&raw).map_err(FcError::internal)
}

/// A stored domain as FC 2.0 shows it: routes split back into `serviceName` and
/// `functionName`, `apiVersion` the path's.
fn split(domain: &impl serde::Serialize, uri: &Uri) -> FcResult<Value> {
    let mut value = serde_json::to_value(domain).map_err(FcError::internal)?;
    if let Some(Value::Array(routes)) = value.pointer_mut("/routeConfig/routes") {
        for route in routes.iter_mut().filter_map(Value::as_object_mut) {
            let name = route
                .get("functionName")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Some((service, function)) = name.split_once('$') {
                let (service, function) = (json!(service), json!(function));
                route.insert("serviceName".to_owned(), service);
                route.insert("functionName".to_owned(), function);
            }
        }
    }
    let version = uri.path().split('/').nth(1).unwrap_or("2021-04-06");
    value["apiVersion"] = json!(version);
    Ok(value)
}

/// The domain's FC 2.0 answer with its ETag.
fn answer(domain: &impl serde::Serialize, uri: &Uri) -> FcResult<Response> {
    let stored = serde_json::to_vec(domain).map_err(FcError::internal)?;
    let etag = crate::store::code::crc64(&stored);
    Ok(super::resource::with_etag(split(domain, uri)?, &etag))
}

/// An FC 2.0 domain body as the FC 3.0 operation `action` takes it, checked as that operation's.
fn fc3_input<T: serde::de::DeserializeOwned>(
    action: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> FcResult<FcJson<T>> {
    let bytes = joined(body)?;
    FcJson::checked(super::resource::fc3_operation(action)?, headers, &bytes)
}

/// `POST /custom-domains`
pub async fn create(
    state: State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> FcResult<Response> {
    let input = fc3_input("CreateCustomDomain", &headers, &body)?;
    let created = crate::api::custom_domains::create(state, input).await?;
    answer(&created.0, &uri)
}

/// `GET /custom-domains/{domainName}`
pub async fn get(state: State<AppState>, name: Path<String>, uri: Uri) -> FcResult<Response> {
    let found = crate::api::custom_domains::get(state, name).await?;
    answer(&found.0, &uri)
}

/// `PUT /custom-domains/{domainName}`
pub async fn update(
    state: State<AppState>,
    name: Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> FcResult<Response> {
    let input = fc3_input("UpdateCustomDomain", &headers, &body)?;
    let updated = crate::api::custom_domains::update(state, name, input).await?;
    answer(&updated.0, &uri)
}

/// `DELETE /custom-domains/{domainName}`
pub async fn delete(state: State<AppState>, name: Path<String>) -> FcResult<StatusCode> {
    crate::api::custom_domains::delete(state, name).await
}

/// `GET /custom-domains` (`prefix`, `nextToken`, `limit`)
pub async fn list(state: State<AppState>, params: FcQuery, uri: Uri) -> FcResult<Json<Value>> {
    let mut answer = crate::api::custom_domains::list(state, params).await?.0;
    if let Some(Value::Array(domains)) = answer.get_mut("customDomains") {
        for domain in domains.iter_mut() {
            *domain = split(domain, &uri)?;
        }
    }
    Ok(Json(answer))
}

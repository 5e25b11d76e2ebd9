//! Custom domain operations: Create, Get, Update, List and Delete. Domains and their routes are
//! stored and validated; fc-local does not serve traffic for them.

use std::time::SystemTime;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fc_client::timestamp::format_iso8601;
use fc_models::{
    CreateCustomDomainInput, CustomDomain, CustomDomainProtocol, ErrorCode, ListCustomDomainOutput,
    RouteConfigInput, UpdateCustomDomainInput,
};
use serde_json::{Map, Value, json};

use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_token, paginate};
use crate::shape::{list_json, reshape};
use crate::state::AppState;
use crate::store::resources::{self, Kind};
use crate::validate;

fn not_found(name: &str) -> FcError {
    FcError::new(
        ErrorCode::DomainNameNotFound,
        format!("custom domain '{name}' does not exist"),
    )
}

/// Dotted labels of letters, digits, `-` and `*` (our choice; the length is the spec's check).
fn check_domain_name(name: &str) -> FcResult<()> {
    let valid = name.split('.').count() >= 2
        && name.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '*')
        });
    if valid {
        Ok(())
    } else {
        Err(FcError::invalid_argument(format!(
            "domainName '{name}' is not a valid domain name"
        )))
    }
}

/// The HTTPS protocols need a certificate (our choice: a cross-field rule).
fn check_protocol(protocol: Option<&CustomDomainProtocol>, has_cert: bool) -> FcResult<()> {
    match protocol {
        Some(CustomDomainProtocol::Https | CustomDomainProtocol::HttpHttps) if !has_cert => Err(
            FcError::invalid_argument("certConfig is required when protocol includes HTTPS"),
        ),
        _ => Ok(()),
    }
}

/// Route paths start with `/` and route function names follow the function-name rule, or are
/// `service$function` with both parts following it: an FC 2.0 function as FC 3.0 names it
/// (our choice; the spec's checks bound the path's length and the methods).
fn check_routes(routes: Option<&RouteConfigInput>) -> FcResult<()> {
    for (i, route) in routes
        .map(|r| r.routes.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if !route.path.starts_with('/') {
            return Err(FcError::invalid_argument(format!(
                "routeConfig.routes[{i}].path must start with '/'"
            )));
        }
        let field = format!("routeConfig.routes[{i}].functionName");
        for part in route.function_name.splitn(2, '$') {
            validate::like_function_name(&field, part)?;
        }
    }
    Ok(())
}

/// The stored shape: the private key is never echoed back.
fn without_private_key(mut fields: Map<String, Value>) -> Map<String, Value> {
    if let Some(Value::Object(cert)) = fields.get_mut("certConfig") {
        cert.remove("privateKey");
    }
    fields
}

/// `POST /2023-03-30/custom-domains`
pub async fn create(
    State(state): State<AppState>,
    FcJson(input, _): FcJson<CreateCustomDomainInput>,
) -> FcResult<Json<CustomDomain>> {
    check_domain_name(&input.domain_name)?;
    check_protocol(input.protocol.as_ref(), input.cert_config.is_some())?;
    check_routes(input.route_config.as_ref())?;
    let now = format_iso8601(SystemTime::now());
    let mut extra = json!({
        "accountId": state.config.account_id,
        "apiVersion": "2023-03-30",
        "createdTime": now,
        "lastModifiedTime": now,
    });
    if input.protocol.is_none() {
        extra["protocol"] = json!("HTTP");
    }
    let fields: Value = reshape(&input, extra)?;
    let domain: CustomDomain = match fields {
        Value::Object(map) => reshape(&without_private_key(map), Value::Null)?,
        _ => return Err(FcError::internal("custom domain is not an object")),
    };
    let name = input.domain_name.clone();
    let stored = state
        .store
        .transact(move |tx, _| {
            if !resources::put(tx, Kind::CustomDomain, "", &name, &domain, true)? {
                return Err(FcError::new(
                    ErrorCode::DomainNameAlreadyExists,
                    format!("custom domain '{name}' already exists"),
                ));
            }
            Ok(domain)
        })
        .await?;
    Ok(Json(stored))
}

/// `GET /2023-03-30/custom-domains/{domainName}`
pub async fn get(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> FcResult<Json<CustomDomain>> {
    let domain = state
        .store
        .transact(move |tx, _| {
            resources::get(tx, Kind::CustomDomain, "", &name)?.ok_or_else(|| not_found(&name))
        })
        .await?;
    Ok(Json(domain))
}

/// `PUT /2023-03-30/custom-domains/{domainName}`: only the given fields change.
pub async fn update(
    State(state): State<AppState>,
    Path(name): Path<String>,
    FcJson(input, _): FcJson<UpdateCustomDomainInput>,
) -> FcResult<Json<CustomDomain>> {
    check_routes(input.route_config.as_ref())?;
    let patch = match serde_json::to_value(&input) {
        Ok(Value::Object(map)) => without_private_key(map),
        _ => Map::new(),
    };
    let protocol = input.protocol.clone();
    let has_cert = input.cert_config.is_some();
    let domain = state
        .store
        .transact(move |tx, _| {
            let current: CustomDomain = resources::get(tx, Kind::CustomDomain, "", &name)?
                .ok_or_else(|| not_found(&name))?;
            let cert_known = has_cert || current.cert_config.is_some();
            check_protocol(protocol.as_ref(), cert_known)?;
            let mut fields = match serde_json::to_value(&current) {
                Ok(Value::Object(map)) => map,
                _ => return Err(FcError::internal("stored custom domain is not an object")),
            };
            fields.extend(patch);
            fields.insert(
                "lastModifiedTime".to_owned(),
                Value::String(format_iso8601(SystemTime::now())),
            );
            let domain: CustomDomain = reshape(&fields, Value::Null)?;
            resources::put(tx, Kind::CustomDomain, "", &name, &domain, false)?;
            Ok(domain)
        })
        .await?;
    Ok(Json(domain))
}

/// `GET /2023-03-30/custom-domains`: by name, with prefix and paging.
pub async fn list(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let limit = params.limit("limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = decode_token(params.get("nextToken"))?;
    let prefix = params.get("prefix").unwrap_or("").to_owned();
    let entries: Vec<resources::Entry<CustomDomain>> = state
        .store
        .transact(|tx, _| resources::list(tx, Kind::CustomDomain, Some("")))
        .await?;
    let items = entries
        .into_iter()
        .filter(|e| e.name.starts_with(&prefix))
        .map(|e| (e.name, e.value));
    let (custom_domains, next_token) = paginate(items, after.as_deref(), limit);
    list_json(
        &ListCustomDomainOutput {
            custom_domains,
            next_token,
        },
        "customDomains",
    )
}

/// `DELETE /2023-03-30/custom-domains/{domainName}`
pub async fn delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> FcResult<StatusCode> {
    state
        .store
        .transact(move |tx, _| {
            if resources::delete(tx, Kind::CustomDomain, "", &name)? {
                Ok(StatusCode::NO_CONTENT)
            } else {
                Err(not_found(&name))
            }
        })
        .await
}

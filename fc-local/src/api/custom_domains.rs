//! Custom domain operations: Create, Get, Update, List and Delete. Domains and their routes are
//! stored and validated; fc-local does not serve traffic for them.

use std::time::SystemTime;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use fc_client::timestamp::format_iso8601;
use fc_models::{
    CertConfigInput, CreateCustomDomainInput, CustomDomain, CustomDomainProtocol, ErrorCode,
    HttpMethod, ListCustomDomainOutput, RouteConfigInput, UpdateCustomDomainInput,
};
use serde_json::{Map, Value, json};

use crate::enums;
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::paging::{decode_token, paginate};
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

fn check_domain_name(name: &str) -> FcResult<()> {
    let valid = !name.is_empty()
        && name.len() <= 256
        && name.split('.').count() >= 2
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

fn check_protocol(
    protocol: Option<&CustomDomainProtocol>,
    cert: Option<&CertConfigInput>,
) -> FcResult<()> {
    match protocol {
        Some(CustomDomainProtocol::Unknown(other)) => Err(FcError::invalid_argument(format!(
            "protocol '{other}' is not supported; use one of {}",
            CustomDomainProtocol::VALUES.join(", ")
        ))),
        Some(CustomDomainProtocol::Https | CustomDomainProtocol::HttpHttps) if cert.is_none() => {
            Err(FcError::invalid_argument(
                "certConfig is required when protocol includes HTTPS",
            ))
        }
        _ => Ok(()),
    }
}

fn check_cert(cert: Option<&CertConfigInput>) -> FcResult<()> {
    if let Some(cert) = cert {
        validate::len_between("certConfig.certName", Some(&cert.cert_name), 1, 128)?;
        validate::max_len("certConfig.certificate", Some(&cert.certificate), 20_480)?;
        validate::max_len("certConfig.privateKey", Some(&cert.private_key), 4096)?;
    }
    Ok(())
}

fn check_routes(routes: Option<&RouteConfigInput>) -> FcResult<()> {
    for (i, route) in routes
        .map(|r| r.routes.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        validate::max_len(
            &format!("routeConfig.routes[{i}].path"),
            Some(&route.path),
            2048,
        )?;
        if !route.path.starts_with('/') {
            return Err(FcError::invalid_argument(format!(
                "routeConfig.routes[{i}].path must start with '/'"
            )));
        }
        validate::function_name(&route.function_name)?;
        if let Some(HttpMethod::Unknown(other)) = route
            .methods
            .iter()
            .find(|m| matches!(m, HttpMethod::Unknown(_)))
        {
            return Err(FcError::invalid_argument(format!(
                "routeConfig.routes[{i}].methods: '{other}' is not an HTTP method"
            )));
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
    FcJson(input, raw): FcJson<CreateCustomDomainInput>,
) -> FcResult<Json<CustomDomain>> {
    enums::check_body(&raw, enums::CUSTOM_DOMAIN_FIELDS)?;
    check_domain_name(&input.domain_name)?;
    check_protocol(input.protocol.as_ref(), input.cert_config.as_ref())?;
    check_cert(input.cert_config.as_ref())?;
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
    FcJson(input, raw): FcJson<UpdateCustomDomainInput>,
) -> FcResult<Json<CustomDomain>> {
    enums::check_body(&raw, enums::CUSTOM_DOMAIN_FIELDS)?;
    check_cert(input.cert_config.as_ref())?;
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
            let placeholder = CertConfigInput {
                cert_name: String::new(),
                certificate: String::new(),
                private_key: String::new(),
            };
            check_protocol(protocol.as_ref(), cert_known.then_some(&placeholder))?;
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
    let limit = params.limit("limit", 20, 100)?;
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

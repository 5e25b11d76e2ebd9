//! Provision and on-demand configs of FC 2.0 functions, per qualifier: stored and answered as
//! the service shapes them (`resource` names the function, a provision config's `current` is
//! its `target` at once, as fc-local's FC 3.0 provision configs are). fc-local starts instances
//! on demand either way: neither config pre-starts or caps them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;
use serde_json::{Value, json};

use super::resource::{Stored, check_if_match, list_page, object};
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::params::Params;
use crate::state::AppState;
use crate::store::resources::{self, Kind};

/// Which config a handler serves.
pub trait Sort: Send + Sync + 'static {
    /// The config.
    const CONFIG: Config;
}

/// Provision configs.
pub struct Provision;
/// On-demand configs.
pub struct OnDemand;

impl Sort for Provision {
    const CONFIG: Config = Config::Provision;
}

impl Sort for OnDemand {
    const CONFIG: Config = Config::OnDemand;
}

/// The two configs.
#[derive(Clone, Copy)]
pub enum Config {
    /// `provision-config`.
    Provision,
    /// `on-demand-config`.
    OnDemand,
}

impl Config {
    fn kind(self) -> Kind {
        match self {
            Config::Provision => Kind::ServiceProvisionConfig,
            Config::OnDemand => Kind::ServiceOnDemandConfig,
        }
    }

    fn missing(self, service: &str, function: &str, qualifier: &str) -> FcError {
        let (code, noun) = match self {
            Config::Provision => (ErrorCode::ProvisionConfigNotFound, "provision config"),
            // No page names this code: our choice, after ProvisionConfigNotFound.
            Config::OnDemand => (
                ErrorCode::from("OnDemandConfigNotFound"),
                "on-demand config",
            ),
        };
        FcError::with_status(
            StatusCode::NOT_FOUND,
            code,
            format!(
                "function '{function}' of service '{service}' has no {noun} for qualifier {qualifier}"
            ),
        )
    }

    /// The `resource` the service names the config's function with.
    fn resource(self, account: &str, service: &str, qualifier: &str, function: &str) -> String {
        match self {
            Config::Provision => format!("{account}#{service}#{qualifier}#{function}"),
            Config::OnDemand => format!("services/{service}.{qualifier}/functions/{function}"),
        }
    }
}

fn qualifier(params: &Params) -> String {
    params.get("qualifier").unwrap_or("LATEST").to_owned()
}

/// `PUT .../provision-config` and `PUT .../on-demand-config` (`If-Match` once it exists).
pub async fn put<C: Sort>(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
    headers: HeaderMap,
    FcJson(_, raw): FcJson<Value>,
) -> FcResult<Json<Value>> {
    let config = C::CONFIG;
    let qualifier = qualifier(&params);
    let mut doc = object(&raw);
    let resource = config.resource(&state.config.account_id, &service, &qualifier, &function);
    doc.insert("resource".to_owned(), json!(resource));
    if let Config::Provision = config {
        let target = doc.get("target").cloned().unwrap_or(json!(0));
        doc.insert("current".to_owned(), target);
    }
    let scope = format!("{service}/{function}");
    state
        .store
        .transact(move |tx, _| {
            super::functions::require(tx, &service, &function)?;
            if let Some(current) = resources::get::<Stored>(tx, config.kind(), &scope, &qualifier)?
            {
                check_if_match(&headers, &current.etag, "config")?;
            }
            let stored = Stored::new(doc);
            resources::put(tx, config.kind(), &scope, &qualifier, &stored, false)?;
            Ok(Json(Value::Object(stored.doc)))
        })
        .await
}

/// `GET .../provision-config` and `GET .../on-demand-config`
pub async fn get<C: Sort>(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let config = C::CONFIG;
    let qualifier = qualifier(&params);
    state
        .store
        .transact(move |tx, _| {
            super::functions::require(tx, &service, &function)?;
            let scope = format!("{service}/{function}");
            let stored = resources::get::<Stored>(tx, config.kind(), &scope, &qualifier)?
                .ok_or_else(|| config.missing(&service, &function, &qualifier))?;
            Ok(Json(Value::Object(stored.doc)))
        })
        .await
}

/// Every stored config of `config`'s kind whose service and qualifier match the filters.
async fn all(
    state: &AppState,
    config: Config,
    service: Option<String>,
    qualifier: Option<String>,
) -> FcResult<Vec<(String, Value)>> {
    let entries = state
        .store
        .transact(move |tx, _| resources::list::<Stored>(tx, config.kind(), None))
        .await?;
    Ok(entries
        .into_iter()
        .filter(|entry| {
            let owner = entry.scope.split('/').next().unwrap_or_default();
            service.as_deref().is_none_or(|s| s == owner)
                && qualifier.as_deref().is_none_or(|q| q == entry.name)
        })
        .map(|entry| {
            let resource = entry.value.doc.get("resource").and_then(Value::as_str);
            (
                resource.unwrap_or_default().to_owned(),
                Value::Object(entry.value.doc),
            )
        })
        .collect())
}

/// `GET /provision-configs` (`serviceName`, `qualifier` filters)
pub async fn list_provision(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let service = params.get("serviceName").map(str::to_owned);
    let qualifier = params.get("qualifier").map(str::to_owned);
    let items = all(&state, Config::Provision, service, qualifier).await?;
    list_page(&params, items, "provisionConfigs")
}

/// `DELETE .../on-demand-config` (`If-Match`)
pub async fn delete_on_demand(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    FcQuery(params): FcQuery,
    headers: HeaderMap,
) -> FcResult<Response> {
    let qualifier = qualifier(&params);
    state
        .store
        .transact(move |tx, _| {
            let scope = format!("{service}/{function}");
            let kind = Config::OnDemand.kind();
            let stored = resources::get::<Stored>(tx, kind, &scope, &qualifier)?
                .ok_or_else(|| Config::OnDemand.missing(&service, &function, &qualifier))?;
            check_if_match(&headers, &stored.etag, "config")?;
            resources::delete(tx, kind, &scope, &qualifier)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        })
        .await
}

/// `GET /on-demand-configs` (`prefix`, `startKey` on the `resource`)
pub async fn list_on_demand(
    State(state): State<AppState>,
    FcQuery(params): FcQuery,
) -> FcResult<Json<Value>> {
    let items = all(&state, Config::OnDemand, None, None).await?;
    list_page(&params, items, "configs")
}

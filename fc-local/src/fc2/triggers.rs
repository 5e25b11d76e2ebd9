//! Triggers of a function: `/services/{s}/functions/{f}/triggers[/{triggerName}]`.
//!
//! The 2021-04-06 API carries `triggerConfig` as a JSON string, the 2016-08-15 API (the classic
//! SDKs) as a JSON object: both are accepted, stored as the string, and answered in the form of
//! the path's API version. HTTP triggers report the URL fc-local serves them at
//! (`/{version}/proxy/{service}/{function}/`).

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;
use fc_models::api::Operation;
use fc_models::fc2::{CreateTriggerInput, UpdateTriggerInput};
use serde_json::{Map, Value, json};

use super::resource::{Stored, check_if_match, list_page, now, with_etag};
use crate::error::{FcError, FcResult};
use crate::extract::{FcJson, FcQuery};
use crate::state::AppState;
use crate::store::resources::{self, Kind};

/// The body with an object `triggerConfig` turned into its JSON string, checked against the
/// operation as an FC 2.0 body.
fn normalized<T: serde::de::DeserializeOwned>(
    operation: &Operation,
    headers: &HeaderMap,
    body: &[u8],
) -> FcResult<(T, Map<String, Value>)> {
    let mut raw: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(body)
            .map_err(|e| FcError::invalid_argument(format!("the body is not JSON: {e}")))?
    };
    if let Some(config) = raw.get_mut("triggerConfig")
        && config.is_object()
    {
        *config = Value::String(config.to_string());
    }
    let bytes = serde_json::to_vec(&raw).map_err(FcError::internal)?;
    let FcJson(typed, raw) = FcJson::<T>::checked(operation, headers, &bytes)?;
    Ok((typed, super::resource::object(&raw)))
}

/// The trigger as the path's API version shows it: `triggerConfig` an object on `/2016-08-15`.
fn shown(doc: &Map<String, Value>, uri: &axum::http::Uri) -> Value {
    let mut doc = doc.clone();
    if uri.path().starts_with(super::CLASSIC_PREFIX)
        && let Some(Value::String(text)) = doc.get("triggerConfig")
        && let Ok(object) = serde_json::from_str::<Value>(text)
    {
        doc.insert("triggerConfig".to_owned(), object);
    }
    Value::Object(doc)
}

fn scope(service: &str, function: &str) -> String {
    format!("{service}/{function}")
}

fn require(
    tx: &rusqlite::Transaction<'_>,
    service: &str,
    function: &str,
    name: &str,
) -> FcResult<Stored> {
    resources::get::<Stored>(tx, Kind::ServiceTrigger, &scope(service, function), name)?.ok_or_else(
        || {
            FcError::new(
                ErrorCode::TriggerNotFound,
                format!("trigger '{name}' of function '{function}' of service '{service}' does not exist"),
            )
        },
    )
}

/// `POST .../triggers`
pub async fn create(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    Extension(operation): Extension<&'static Operation>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> FcResult<Response> {
    let (input, mut doc) = normalized::<CreateTriggerInput>(operation, &headers, &body)?;
    crate::validate::trigger_config(
        &fc_models::TriggerType::from(input.trigger_type.as_str()),
        &input.trigger_config,
    )?;
    let name = input.trigger_name.clone();
    let time = now();
    doc.insert(
        "triggerId".to_owned(),
        json!(crate::request_id::new_request_id()),
    );
    doc.insert("createdTime".to_owned(), json!(time));
    doc.insert("lastModifiedTime".to_owned(), json!(time));
    if input.trigger_type.as_str() == "http" {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("127.0.0.1");
        let version = uri.path().split('/').nth(1).unwrap_or("2021-04-06");
        let url = format!("http://{host}/{version}/proxy/{service}/{function}/");
        doc.insert("urlInternet".to_owned(), json!(url));
        doc.insert("urlIntranet".to_owned(), json!(url));
    }
    let stored = Stored::new(doc);
    state
        .store
        .transact(move |tx, _| {
            super::functions::require(tx, &service, &function)?;
            if !resources::put(
                tx,
                Kind::ServiceTrigger,
                &scope(&service, &function),
                &name,
                &stored,
                true,
            )? {
                return Err(FcError::new(
                    ErrorCode::TriggerAlreadyExists,
                    format!("trigger '{name}' of function '{function}' already exists"),
                ));
            }
            Ok(with_etag(shown(&stored.doc, &uri), &stored.etag))
        })
        .await
}

/// `GET .../triggers/{triggerName}`
pub async fn get(
    State(state): State<AppState>,
    Path((service, function, name)): Path<(String, String, String)>,
    uri: axum::http::Uri,
) -> FcResult<Response> {
    state
        .store
        .transact(move |tx, _| {
            let stored = require(tx, &service, &function, &name)?;
            Ok(with_etag(shown(&stored.doc, &uri), &stored.etag))
        })
        .await
}

/// `PUT .../triggers/{triggerName}`
pub async fn update(
    State(state): State<AppState>,
    Path((service, function, name)): Path<(String, String, String)>,
    Extension(operation): Extension<&'static Operation>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> FcResult<Response> {
    let (_, fields) = normalized::<UpdateTriggerInput>(operation, &headers, &body)?;
    state
        .store
        .transact(move |tx, _| {
            let mut stored = require(tx, &service, &function, &name)?;
            check_if_match(&headers, &stored.etag, "trigger")?;
            stored.doc.extend(fields);
            stored.touch();
            resources::put(
                tx,
                Kind::ServiceTrigger,
                &scope(&service, &function),
                &name,
                &stored,
                false,
            )?;
            Ok(with_etag(shown(&stored.doc, &uri), &stored.etag))
        })
        .await
}

/// `DELETE .../triggers/{triggerName}`
pub async fn delete(
    State(state): State<AppState>,
    Path((service, function, name)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> FcResult<Response> {
    state
        .store
        .transact(move |tx, _| {
            let stored = require(tx, &service, &function, &name)?;
            check_if_match(&headers, &stored.etag, "trigger")?;
            resources::delete(tx, Kind::ServiceTrigger, &scope(&service, &function), &name)?;
            Ok(StatusCode::NO_CONTENT.into_response())
        })
        .await
}

/// `GET .../triggers`
pub async fn list(
    State(state): State<AppState>,
    Path((service, function)): Path<(String, String)>,
    uri: axum::http::Uri,
    FcQuery(params): FcQuery,
) -> FcResult<axum::Json<Value>> {
    let triggers = state
        .store
        .transact(move |tx, _| {
            super::functions::require(tx, &service, &function)?;
            resources::list::<Stored>(tx, Kind::ServiceTrigger, Some(&scope(&service, &function)))
        })
        .await?;
    let items = triggers
        .into_iter()
        .map(|entry| (entry.name, shown(&entry.value.doc, &uri)))
        .collect();
    list_page(&params, items, "triggers")
}

//! Typed extractors for the API handlers: the JSON body ([`FcJson`]), the query ([`FcQuery`]) and
//! the headers ([`FcHeaders`]) of a request, each checked against the spec's documented limits
//! and enum values before a handler sees it.
//!
//! The checks are those of the request's operation (`fc_models::api::Operation::checks`,
//! generated from the spec), applied with [`rules::validate_known`]: a broken one is 400
//! `InvalidArgument` with the violation's text, which names the field and the rule. The router
//! puts the operation into the request extensions of every emulated route, as an
//! `&'static Operation`. A rejection is an [`FcError`], so it gets the Function Compute error
//! body like any other failure.
//!
//! An empty query value or header counts as absent, as everywhere else in fc-local.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use fc_models::api::Operation;
use fc_models::rules::{self, Input};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::params::Params;

/// A JSON request body parsed into `T`, with the raw JSON for handlers that need to know which
/// fields were sent. An empty body reads as `{}`; a body that is not a JSON object, or does not
/// fit `T`, is 400 `InvalidArgument` naming the field. The operation's body and header checks
/// have passed.
#[derive(Debug, Clone)]
pub struct FcJson<T>(
    /// The body as the API type.
    pub T,
    /// The body as sent.
    pub Value,
);

/// The decoded query parameters, after the operation's query checks.
#[derive(Debug, Clone)]
pub struct FcQuery(
    /// The parameters.
    pub Params,
);

/// The request headers, after the operation's header checks (for operations whose body is not
/// JSON, such as InvokeFunction; [`FcJson`] checks the headers too).
#[derive(Debug, Clone)]
pub struct FcHeaders(
    /// The headers.
    pub HeaderMap,
);

impl<T: DeserializeOwned> FcJson<T> {
    /// Parses `body` and applies `operation`'s body and header checks.
    pub fn checked(operation: &Operation, headers: &HeaderMap, body: &[u8]) -> FcResult<Self> {
        let (typed, raw) = decode(body)?;
        let lookup = |name: &str| header(headers, name);
        let input = Input {
            header: Some(&lookup),
            body: Some(&raw),
            ..Input::default()
        };
        rules::validate_known(operation.checks, &input)?;
        Ok(Self(typed, raw))
    }
}

impl FcQuery {
    /// Decodes the raw query string and applies `operation`'s query checks.
    pub fn checked(operation: &Operation, raw: Option<&str>) -> FcResult<Self> {
        let params = Params::parse(raw);
        let given: Vec<(String, String)> = params.given().cloned().collect();
        let input = Input {
            query: &given,
            ..Input::default()
        };
        rules::validate_known(operation.checks, &input)?;
        Ok(Self(params))
    }
}

impl FcHeaders {
    /// Applies `operation`'s header checks to `headers`.
    pub fn checked(operation: &Operation, headers: HeaderMap) -> FcResult<Self> {
        let lookup = |name: &str| header(&headers, name);
        let input = Input {
            header: Some(&lookup),
            ..Input::default()
        };
        rules::validate_known(operation.checks, &input)?;
        Ok(Self(headers))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FcJson<T> {
    type Rejection = FcError;

    async fn from_request(request: Request, _state: &S) -> FcResult<Self> {
        let operation = operation(request.extensions())?;
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.map_err(|e| {
            FcError::invalid_argument(format!("the request body is unreadable: {e}"))
        })?;
        Self::checked(operation, &parts.headers, &bytes)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FcQuery {
    type Rejection = FcError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> FcResult<Self> {
        Self::checked(operation(&parts.extensions)?, parts.uri.query())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FcHeaders {
    type Rejection = FcError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> FcResult<Self> {
        Self::checked(operation(&parts.extensions)?, parts.headers.clone())
    }
}

/// The operation the router recorded for the request's route.
fn operation(extensions: &Extensions) -> FcResult<&'static Operation> {
    extensions
        .get::<&'static Operation>()
        .copied()
        .ok_or_else(|| FcError::internal("the route does not name its API operation"))
}

/// A header as the checks see it: trimmed text, absent when empty or not visible ASCII (the
/// handler that reads it reports the latter).
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// Parses a JSON body into `T`; an empty body reads as `{}`. Errors name the field.
fn decode<T: DeserializeOwned>(body: &[u8]) -> FcResult<(T, Value)> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    // Through serde_path_to_error even here: a number out of range (`"cpu": 1e400`) fails while
    // the document is read, and the answer must still name the field.
    let mut reader = serde_json::Deserializer::from_slice(text);
    let raw: Value = serde_path_to_error::deserialize(&mut reader)
        .map_err(|e| naming_the_field(e, "the request body is not valid JSON"))?;
    reader.end().map_err(|e| {
        FcError::invalid_argument(format!("the request body is not valid JSON: {e}"))
    })?;
    if !raw.is_object() {
        return Err(FcError::invalid_argument(
            "the request body must be a JSON object",
        ));
    }
    let typed = serde_path_to_error::deserialize(&raw)
        .map_err(|e| naming_the_field(e, "invalid request body"))?;
    Ok((typed, raw))
}

/// 400 `InvalidArgument` naming the field where decoding failed, or `whole` for the document.
fn naming_the_field(error: serde_path_to_error::Error<serde_json::Error>, whole: &str) -> FcError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if path == "." {
        FcError::invalid_argument(format!("{whole}: {inner}"))
    } else {
        FcError::invalid_argument(format!("invalid value for field '{path}': {inner}"))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, StatusCode};
    use fc_models::{CreateAliasInput, CreateFunctionInput, ErrorCode, PublishVersionInput};

    use super::*;

    fn op(action: &str) -> &'static Operation {
        fc_models::API.by_action(action).expect("operation")
    }

    fn body<T: DeserializeOwned>(action: &str, json: &str) -> FcResult<FcJson<T>> {
        FcJson::checked(op(action), &HeaderMap::new(), json.as_bytes())
    }

    const FUNCTION: &str = r#""functionName":"f","runtime":"python3.10","handler":"i.h""#;

    #[test]
    fn a_number_out_of_range_names_its_field() {
        let json = format!(r#"{{{FUNCTION},"cpu":1e400}}"#);
        let err = body::<CreateFunctionInput>("CreateFunction", &json).unwrap_err();
        assert!(err.message.contains("'cpu'"), "{}", err.message);
        let nested = format!(r#"{{{FUNCTION},"vpcConfig":{{"vSwitchIds":[1e999]}}}}"#);
        let err = body::<CreateFunctionInput>("CreateFunction", &nested).unwrap_err();
        assert!(
            err.message.contains("vpcConfig.vSwitchIds[0]"),
            "{}",
            err.message
        );
        let trailing = body::<CreateFunctionInput>("CreateFunction", &format!("{{{FUNCTION}}} x"));
        assert!(trailing.unwrap_err().message.contains("not valid JSON"));
    }

    #[test]
    fn a_bad_body_names_the_field() {
        let err = body::<CreateAliasInput>("CreateAlias", r#"{"aliasName":"a","versionId":5}"#)
            .unwrap_err();
        assert!(err.message.contains("versionId"), "{}", err.message);
        let err = body::<CreateAliasInput>("CreateAlias", "{nope").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument);
        let err = body::<CreateAliasInput>("CreateAlias", "[]").unwrap_err();
        assert!(err.message.contains("JSON object"), "{}", err.message);
        let FcJson(input, raw) = body::<PublishVersionInput>("PublishFunctionVersion", "").unwrap();
        assert_eq!((input.description, raw), (None, serde_json::json!({})));
    }

    #[test]
    fn the_operation_s_body_checks_apply() {
        let err = body::<CreateFunctionInput>(
            "CreateFunction",
            &format!(r#"{{{FUNCTION},"memorySize":200}}"#),
        )
        .unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            err.message,
            "body field memorySize is 200; it must be a multiple of 64"
        );
        let err = body::<CreateFunctionInput>(
            "CreateFunction",
            &format!(r#"{{{FUNCTION},"runtime":"cobol"}}"#),
        )
        .unwrap_err();
        assert!(
            err.message
                .starts_with("body field runtime \"cobol\" is not supported"),
            "{}",
            err.message
        );
        let routes = r#"{"domainName":"a.example.com","routeConfig":{"routes":[
            {"path":"/a","functionName":"f","methods":["GET"]},
            {"path":"/b","functionName":"f","methods":["FETCH"]}]}}"#;
        let err =
            body::<fc_models::CreateCustomDomainInput>("CreateCustomDomain", routes).unwrap_err();
        assert!(
            err.message.contains("routeConfig.routes[1].methods[0]"),
            "{}",
            err.message
        );
        assert!(body::<CreateFunctionInput>("CreateFunction", &format!("{{{FUNCTION}}}")).is_ok());
    }

    #[test]
    fn a_query_limit_is_refused() {
        let list = op("ListFunctions");
        let err = FcQuery::checked(list, Some("limit=101")).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument);
        assert_eq!(
            err.message,
            "query parameter limit is 101; the maximum is 100"
        );
        let err = FcQuery::checked(list, Some("runtime=cobol")).unwrap_err();
        assert!(err.message.contains("runtime"), "{}", err.message);
        let FcQuery(params) = FcQuery::checked(list, Some("limit=100&runtime=")).unwrap();
        assert_eq!(params.get("limit"), Some("100"));
        assert_eq!(
            params.get("runtime"),
            None,
            "an empty value counts as absent"
        );
    }

    #[test]
    fn header_checks_name_the_header() {
        let invoke = op("InvokeFunction");
        let mut headers = HeaderMap::new();
        headers.insert("x-fc-invocation-type", HeaderValue::from_static("Later"));
        let err = FcHeaders::checked(invoke, headers.clone()).unwrap_err();
        assert!(
            err.message.contains("header x-fc-invocation-type"),
            "{}",
            err.message
        );
        headers.insert("x-fc-invocation-type", HeaderValue::from_static(" "));
        assert!(
            FcHeaders::checked(invoke, headers).is_ok(),
            "blank is absent"
        );
    }

    #[tokio::test]
    async fn extractors_need_the_route_s_operation() {
        let request = Request::new(axum::body::Body::from("{}"));
        let err = FcJson::<PublishVersionInput>::from_request(request, &())
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InternalServerError);
        let mut request = Request::new(axum::body::Body::from(r#"{"description":5}"#));
        request
            .extensions_mut()
            .insert(op("PublishFunctionVersion"));
        let err = FcJson::<PublishVersionInput>::from_request(request, &())
            .await
            .unwrap_err();
        assert!(err.message.contains("description"), "{}", err.message);
        let (mut parts, ()) = Request::new(()).into_parts();
        parts.uri = "/?limit=0".parse().unwrap();
        parts.extensions.insert(op("ListAsyncTasks"));
        let err = FcQuery::from_request_parts(&mut parts, &())
            .await
            .unwrap_err();
        assert!(err.message.contains("limit"), "{}", err.message);
    }
}

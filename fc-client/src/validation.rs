//! Checks a request against the limits the API documents, before it is signed and sent.
//!
//! The rules and the checking live in [`fc_models::rules`], generated from the spec into each
//! operation's row of the API table; this module only shows them the request: its decoded query,
//! its headers and its JSON body. A request that breaks one fails at once with
//! [`ErrorKind::InvalidRequest`](crate::ErrorKind) and a message naming the field and the rule,
//! e.g. `body field memorySize is 0; the minimum is 64`. The service stays the final judge: a
//! request that passes may still be refused for reasons no table can know.

use fc_models::api::Operation;
use fc_models::rules::{self, Input, Location, Violation};
use serde_json::Value;

use crate::signing;

/// Checks `request` (of the operation `operation`); the error names the field and the rule.
pub(crate) fn validate(operation: &Operation, request: &reqwest::Request) -> Result<(), Violation> {
    if operation.checks.is_empty() {
        return Ok(());
    }
    let query = signing::decode_query(request.url().query().unwrap_or(""));
    let body: Option<Value> = operation
        .checks
        .iter()
        .any(|check| check.location == Location::Body)
        .then(|| request.body().and_then(|b| b.as_bytes()))
        .flatten()
        .and_then(|bytes| serde_json::from_slice(bytes).ok());
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let input = Input {
        query: &query,
        header: Some(&header),
        body: body.as_ref(),
    };
    rules::validate(operation.checks, &input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str, body: Option<&str>) -> reqwest::Request {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            format!("http://h/x?{query}").parse().expect("url"),
        );
        if let Some(body) = body {
            *request.body_mut() = Some(body.to_owned().into());
        }
        request
    }

    fn check(op: &str, query: &str, body: Option<&str>) -> Result<(), String> {
        let operation = fc_models::API.operation(op).expect("operation");
        validate(operation, &request(query, body)).map_err(|e| e.to_string())
    }

    #[test]
    fn the_body_query_and_headers_of_a_request_are_checked() {
        let low = r#"{"functionName":"ok","memorySize":0}"#;
        assert_eq!(
            check("create_function", "", Some(low)),
            Err("body field memorySize is 0; the minimum is 64".into())
        );
        assert_eq!(
            check("list_functions", "limit=101", None),
            Err("query parameter limit is 101; the maximum is 100".into())
        );
        assert_eq!(check("list_functions", "limit=100", None), Ok(()));

        let mut invoke = request("", None);
        invoke
            .headers_mut()
            .insert("x-fc-async-task-id", "1bad".parse().expect("header"));
        let operation = fc_models::API.operation("invoke_function").expect("op");
        let error = validate(operation, &invoke).unwrap_err();
        assert_eq!(error.field, "header x-fc-async-task-id");
    }

    #[test]
    fn a_body_that_is_not_json_is_left_to_the_service() {
        assert_eq!(check("create_function", "", Some("not json")), Ok(()));
        assert_eq!(check("get_function", "", None), Ok(()));
    }
}

//! The request headers of InvokeFunction: `x-fc-invocation-type`, `x-fc-log-type` and
//! `x-fc-async-task-id`, checked against the values the spec allows.

use axum::http::HeaderMap;

use crate::error::{FcError, FcResult};

/// `Sync` (the default) or `Async`.
pub const INVOCATION_TYPE: &str = "x-fc-invocation-type";
/// `None` (the default) or `Tail`.
pub const LOG_TYPE: &str = "x-fc-log-type";
/// Caller-chosen id of an asynchronous task.
pub const ASYNC_TASK_ID: &str = "x-fc-async-task-id";

/// Longest task id the service accepts (limits.md l.136).
const MAX_TASK_ID_LEN: usize = 128;

/// What the caller asked for in the headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvokeHeaders {
    /// `x-fc-invocation-type: Async`.
    pub asynchronous: bool,
    /// `x-fc-log-type: Tail`.
    pub log_tail: bool,
    /// `x-fc-async-task-id`, if given (only used by asynchronous calls).
    pub task_id: Option<String>,
}

impl InvokeHeaders {
    /// Reads the headers; a value outside the spec's list is 400 `InvalidArgument` naming the
    /// header and the accepted values.
    ///
    /// ```
    /// use axum::http::HeaderMap;
    /// use fc_local::invoke::InvokeHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-fc-invocation-type", "Async".parse().unwrap());
    /// assert!(InvokeHeaders::parse(&headers).unwrap().asynchronous);
    /// headers.insert("x-fc-invocation-type", "Later".parse().unwrap());
    /// assert!(InvokeHeaders::parse(&headers).is_err());
    /// ```
    pub fn parse(headers: &HeaderMap) -> FcResult<Self> {
        let asynchronous = match text(headers, INVOCATION_TYPE)? {
            None | Some("Sync") => false,
            Some("Async") => true,
            Some(other) => return Err(bad_value(INVOCATION_TYPE, other, "Sync or Async")),
        };
        let log_tail = match text(headers, LOG_TYPE)? {
            None | Some("None") => false,
            Some("Tail") => true,
            Some(other) => return Err(bad_value(LOG_TYPE, other, "None or Tail")),
        };
        let task_id = text(headers, ASYNC_TASK_ID)?.map(str::to_owned);
        if let Some(id) = &task_id {
            check_task_id(id)?;
        }
        Ok(Self {
            asynchronous,
            log_tail,
            task_id,
        })
    }
}

/// A header's value, `None` when absent or empty; 400 when it is not visible ASCII.
fn text<'a>(headers: &'a HeaderMap, name: &str) -> FcResult<Option<&'a str>> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .map(|v| Some(v.trim()).filter(|v| !v.is_empty()))
            .map_err(|_| FcError::invalid_argument(format!("header {name} is not valid text"))),
    }
}

fn bad_value(header: &str, value: &str, accepted: &str) -> FcError {
    FcError::invalid_argument(format!("header {header} must be {accepted}, got '{value}'"))
}

/// Letters, digits, `_` and `-`, starting with a letter or `_`, at most 128 characters.
fn check_task_id(id: &str) -> FcResult<()> {
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if id.len() > MAX_TASK_ID_LEN || !first_ok || !rest_ok {
        return Err(FcError::invalid_argument(format!(
            "header {ASYNC_TASK_ID} '{id}' is not a valid task id: use at most \
             {MAX_TASK_ID_LEN} letters, digits, '_' and '-', starting with a letter or '_'"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&'static str, &'static str)]) -> FcResult<InvokeHeaders> {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().unwrap());
        }
        InvokeHeaders::parse(&headers)
    }

    #[test]
    fn defaults_and_accepted_values() {
        assert_eq!(parse(&[]).unwrap(), InvokeHeaders::default());
        let all = parse(&[
            (INVOCATION_TYPE, "Async"),
            (LOG_TYPE, "Tail"),
            (ASYNC_TASK_ID, "_job-1"),
        ])
        .unwrap();
        assert!(all.asynchronous && all.log_tail);
        assert_eq!(all.task_id.as_deref(), Some("_job-1"));
        assert!(
            !parse(&[(INVOCATION_TYPE, "Sync"), (LOG_TYPE, "None")])
                .unwrap()
                .asynchronous
        );
    }

    #[test]
    fn bad_values_name_the_header() {
        let err = parse(&[(INVOCATION_TYPE, "sometimes")]).unwrap_err();
        assert!(err.message.contains(INVOCATION_TYPE), "{}", err.message);
        let err = parse(&[(LOG_TYPE, "Head")]).unwrap_err();
        assert!(err.message.contains(LOG_TYPE), "{}", err.message);
        for id in ["1abc", "-x", "a b", "a.b"] {
            let err = parse(&[(ASYNC_TASK_ID, id)]);
            assert!(err.is_err(), "{id}");
        }
        let long: &'static str = Box::leak("a".repeat(129).into_boxed_str());
        assert!(parse(&[(ASYNC_TASK_ID, long)]).is_err());
    }
}

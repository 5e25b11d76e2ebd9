//! The request headers of InvokeFunction: `x-fc-invocation-type`, `x-fc-log-type` and
//! `x-fc-async-task-id`. The operation's header checks (from the spec, applied by the
//! `FcHeaders` extractor) have limited them to the values the spec allows.

use axum::http::HeaderMap;
use fc_models::{InvocationType, LogType};

use crate::error::{FcError, FcResult};

/// `Sync` (the default) or `Async`.
pub const INVOCATION_TYPE: &str = "x-fc-invocation-type";
/// `None` (the default) or `Tail`.
pub const LOG_TYPE: &str = "x-fc-log-type";
/// Caller-chosen id of an asynchronous task.
pub const ASYNC_TASK_ID: &str = "x-fc-async-task-id";

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
    /// Reads the headers, which the operation's header checks have passed: anything but `Async`
    /// is synchronous, anything but `Tail` is without log tail.
    ///
    /// ```
    /// use axum::http::HeaderMap;
    /// use fc_local::invoke::InvokeHeaders;
    ///
    /// let mut headers = HeaderMap::new();
    /// assert!(!InvokeHeaders::parse(&headers).unwrap().asynchronous);
    /// headers.insert("x-fc-invocation-type", "Async".parse().unwrap());
    /// assert!(InvokeHeaders::parse(&headers).unwrap().asynchronous);
    /// ```
    pub fn parse(headers: &HeaderMap) -> FcResult<Self> {
        Ok(Self {
            asynchronous: text(headers, INVOCATION_TYPE)?.map(InvocationType::from)
                == Some(InvocationType::Async),
            log_tail: text(headers, LOG_TYPE)?.map(LogType::from) == Some(LogType::Tail),
            task_id: text(headers, ASYNC_TASK_ID)?.map(str::to_owned),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::FcHeaders;

    /// The headers after InvokeFunction's header checks, as a request meets them.
    fn parse(pairs: &[(&'static str, &'static str)]) -> FcResult<InvokeHeaders> {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().unwrap());
        }
        let op = fc_models::API.by_action("InvokeFunction").unwrap();
        let FcHeaders(headers) = FcHeaders::checked(op, headers)?;
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

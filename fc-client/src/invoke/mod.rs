//! Invoking functions: a builder over `InvokeFunction`, a typed answer, and function errors
//! told apart from API errors.
//!
//! `InvokeFunction` reports two kinds of failure differently:
//!
//! - the **call** failed (no such function, access denied, throttled, service error): a 4xx/5xx
//!   answer, which [`Invoke::send`] returns as the API [`Error`];
//! - the **function** failed (it raised, timed out, its initializer failed): a 2xx answer with the
//!   `x-fc-error-type` header and the runtime's error JSON as the body. [`Invoke::send`] returns
//!   it as a normal [`InvokeOutput`] whose [`function_error`](InvokeOutput::function_error) is
//!   set; [`InvokeOutput::into_result`] (and [`Client::invoke_json`]) turn it into
//!   [`InvokeError::Function`].
//!
//! ```no_run
//! use fc_client::{Client, InvokeError};
//!
//! # async fn example(client: Client) -> Result<(), InvokeError> {
//! // Raw bytes in, the answer with its headers and log tail out.
//! let output = client
//!     .invoke("resize")
//!     .qualifier("prod")
//!     .payload(&b"{\"width\": 64}"[..])
//!     .log_tail()
//!     .send()
//!     .await?;
//! println!("request {:?}, log:\n{}", output.request_id(), output.log().unwrap_or(""));
//! let answer = output.into_result().await?.bytes().await?;
//!
//! // Queue an event and come back later.
//! let queued = client.invoke("resize").asynchronous().async_task_id("job-42").send().await?;
//! println!("task {:?} (status {})", queued.async_task_id(), queued.status());
//! # let _ = answer;
//! # Ok(())
//! # }
//! ```
//!
//! Invocations are `POST` requests: once one has reached the service the client does not retry
//! it (the function may already have run), whatever its retry policy says.

mod error;
mod output;

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use progenitor_client::ClientInfo;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;

#[cfg(feature = "fc2")]
use crate::fc2;
use crate::types::{InvocationType, LogType};
use crate::{Client, Error, ErrorKind, RequestOverrides};

pub use error::{FunctionError, FunctionErrorType, InvokeError};
pub use output::{InvokeBody, InvokeOutput};

/// Header naming the kind of function error (absent when the function succeeded).
pub const ERROR_TYPE_HEADER: &str = "x-fc-error-type";
/// Header with the base64 of the last 4 KB of the invocation's log (with `x-fc-log-type: Tail`).
pub const LOG_RESULT_HEADER: &str = "x-fc-log-result";
/// Header carrying the task id of an asynchronous invocation, in the request and the answer.
pub const ASYNC_TASK_ID_HEADER: &str = "x-fc-async-task-id";
/// FC 2.0's name for the task id of an asynchronous invocation, in the request and the answer.
pub const STATEFUL_ASYNC_INVOCATION_ID_HEADER: &str = "x-fc-stateful-async-invocation-id";

/// A configured invocation; send it with [`send`](Invoke::send).
///
/// Made by [`Client::invoke`]. Defaults: an empty payload, the `LATEST` version, a synchronous
/// call (`x-fc-invocation-type: Sync` is sent explicitly) and no log tail. The builder is cheap
/// to clone (the payload is shared), so one can be kept and sent again.
#[derive(Clone)]
#[must_use = "an invocation does nothing until `.send().await`"]
pub struct Invoke<'a> {
    target: Target<'a>,
    function_name: String,
    qualifier: Option<String>,
    /// `Err` holds why `.json(..)` could not serialize the payload; reported by `send`.
    payload: Result<Bytes, String>,
    invocation_type: InvocationType,
    async_task_id: Option<String>,
    log_type: Option<LogType>,
    overrides: Option<RequestOverrides>,
    /// Added headers; `Err` holds why one could not be (reported by `send`).
    headers: Result<HeaderMap, String>,
}

/// The API version an invocation goes to; FC 2.0 functions live in a service.
#[derive(Clone)]
enum Target<'a> {
    Fc3(Cow<'a, Client>),
    #[cfg(feature = "fc2")]
    Fc2 {
        client: Cow<'a, fc2::Client>,
        service_name: String,
    },
}

impl Target<'_> {
    /// The target with `headers` added to its requests (itself when there are none).
    fn with_headers(self, headers: &HeaderMap) -> Self {
        if headers.is_empty() {
            return self;
        }
        match self {
            Target::Fc3(client) => {
                let inner = client.inner().with_headers(headers);
                let owned =
                    Client::new_with_client(client.baseurl(), client.client().clone(), inner);
                Target::Fc3(Cow::Owned(owned))
            }
            #[cfg(feature = "fc2")]
            Target::Fc2 {
                client,
                service_name,
            } => {
                let inner = client.inner().with_headers(headers);
                let owned =
                    fc2::Client::new_with_client(client.baseurl(), client.client().clone(), inner);
                Target::Fc2 {
                    client: Cow::Owned(owned),
                    service_name,
                }
            }
        }
    }
}

impl fmt::Debug for Invoke<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The payload can be megabytes: show its size only.
        let payload = match &self.payload {
            Ok(bytes) => format!("{} bytes", bytes.len()),
            Err(reason) => format!("not serializable: {reason}"),
        };
        let service_name: Option<&String> = match &self.target {
            Target::Fc3(_) => None,
            #[cfg(feature = "fc2")]
            Target::Fc2 { service_name, .. } => Some(service_name),
        };
        let header_names: Vec<&str> = match &self.headers {
            Ok(headers) => headers.keys().map(|name| name.as_str()).collect(),
            Err(_) => Vec::new(),
        };
        f.debug_struct("Invoke")
            .field("service_name", &service_name)
            .field("function_name", &self.function_name)
            .field("qualifier", &self.qualifier)
            .field("payload", &payload)
            .field("invocation_type", &self.invocation_type)
            .field("async_task_id", &self.async_task_id)
            .field("log_type", &self.log_type)
            // Names only: a value can be a secret (a session cookie).
            .field("headers", &header_names)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts an invocation of `function_name`.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::InvokeError> {
    /// let text = client
    ///     .invoke("echo")
    ///     .payload("hello")
    ///     .send()
    ///     .await?
    ///     .into_result()
    ///     .await?
    ///     .text()
    ///     .await?;
    /// assert_eq!(text, "hello");
    /// # Ok(())
    /// # }
    /// ```
    pub fn invoke(&self, function_name: impl Into<String>) -> Invoke<'_> {
        Invoke::new(Target::Fc3(Cow::Borrowed(self)), function_name.into())
    }

    /// Invokes `function_name` synchronously with `payload` as JSON and decodes its JSON answer.
    ///
    /// A function that raised comes back as [`InvokeError::Function`], a rejected call as
    /// [`InvokeError::Api`], an answer that is not the JSON `Out` expects as
    /// [`InvokeError::Decode`]. For a qualifier or the log tail, use the builder:
    /// `client.invoke(name).qualifier("prod").json(&payload).send().await?.into_result().await?.json().await`.
    ///
    /// ```no_run
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize)]
    /// struct Order { id: u64 }
    /// #[derive(Deserialize)]
    /// struct Receipt { total_cents: u64 }
    ///
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::InvokeError> {
    /// let receipt: Receipt = client.invoke_json("checkout", &Order { id: 7 }).await?;
    /// println!("{}", receipt.total_cents);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn invoke_json<Out: DeserializeOwned>(
        &self,
        function_name: impl Into<String>,
        payload: &(impl Serialize + ?Sized),
    ) -> Result<Out, InvokeError> {
        self.invoke(function_name).call_json(payload).await
    }
}

#[cfg(feature = "fc2")]
impl fc2::Client {
    /// Starts an invocation of the FC 2.0 function `function_name` of the service
    /// `service_name`; the builder is the same as FC 3.0's ([`Client::invoke`]). An
    /// [`async_task_id`](Invoke::async_task_id) becomes FC 2.0's stateful async invocation id.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::fc2::Client) -> Result<(), fc_client::InvokeError> {
    /// let output = client
    ///     .invoke("demoService", "demoFunction")
    ///     .qualifier("prod")
    ///     .payload("hello")
    ///     .log_tail()
    ///     .send()
    ///     .await?;
    /// println!("log:\n{}", output.log().unwrap_or(""));
    /// let answer = output.into_result().await?.text().await?;
    /// # let _ = answer;
    /// # Ok(())
    /// # }
    /// ```
    pub fn invoke(
        &self,
        service_name: impl Into<String>,
        function_name: impl Into<String>,
    ) -> Invoke<'_> {
        let target = Target::Fc2 {
            client: Cow::Borrowed(self),
            service_name: service_name.into(),
        };
        Invoke::new(target, function_name.into())
    }

    /// Invokes an FC 2.0 function synchronously with `payload` as JSON and decodes its JSON
    /// answer, as [`Client::invoke_json`] does for FC 3.0.
    pub async fn invoke_json<Out: DeserializeOwned>(
        &self,
        service_name: impl Into<String>,
        function_name: impl Into<String>,
        payload: &(impl Serialize + ?Sized),
    ) -> Result<Out, InvokeError> {
        self.invoke(service_name, function_name)
            .call_json(payload)
            .await
    }
}

impl<'a> Invoke<'a> {
    fn new(target: Target<'a>, function_name: String) -> Self {
        Invoke {
            target,
            function_name,
            qualifier: None,
            payload: Ok(Bytes::new()),
            invocation_type: InvocationType::Sync,
            async_task_id: None,
            log_type: None,
            overrides: None,
            headers: Ok(HeaderMap::new()),
        }
    }

    /// Sends `payload` as JSON, synchronously, and decodes the function's JSON answer.
    async fn call_json<Out: DeserializeOwned>(
        self,
        payload: &(impl Serialize + ?Sized),
    ) -> Result<Out, InvokeError> {
        self.json(payload)
            .send()
            .await?
            .into_result()
            .await?
            .json()
            .await
    }
}

impl Invoke<'_> {
    /// This invocation with a client of its own (clients are cheap to clone), so that it and
    /// its future are `'static`: it can be spawned, stored or returned from a function.
    ///
    /// ```no_run
    /// # async fn example(client: &fc_client::Client) {
    /// let job = client.invoke("report").payload("nightly").owned();
    /// let handle = tokio::spawn(job.send());
    /// # let _ = handle;
    /// # }
    /// ```
    pub fn owned(self) -> Invoke<'static> {
        let target = match self.target {
            Target::Fc3(client) => Target::Fc3(Cow::Owned(client.into_owned())),
            #[cfg(feature = "fc2")]
            Target::Fc2 {
                client,
                service_name,
            } => Target::Fc2 {
                client: Cow::Owned(client.into_owned()),
                service_name,
            },
        };
        Invoke {
            target,
            function_name: self.function_name,
            qualifier: self.qualifier,
            payload: self.payload,
            invocation_type: self.invocation_type,
            async_task_id: self.async_task_id,
            log_type: self.log_type,
            overrides: self.overrides,
            headers: self.headers,
        }
    }

    /// This invocation with its own timeout or retry policy; the client's stay as they are.
    /// See [`RequestOverrides`].
    pub fn with_overrides(mut self, overrides: &RequestOverrides) -> Self {
        self.overrides = Some(*overrides);
        self
    }

    /// The event passed to the function, unchanged (replaces any earlier payload).
    ///
    /// Takes anything [`Bytes`] can be made from: `Vec<u8>`, `String`, `&'static str`,
    /// `&'static [u8]` or `Bytes` itself.
    ///
    /// The payload is held in memory, not streamed: an ACS3 signature covers the SHA-256 of the
    /// whole body (`x-acs-content-sha256`), so it is hashed once before sending — one pass over
    /// the bytes, about 2 ms per 2 MB on a current x86 core, and no copy (the same `Bytes` is hashed and sent).
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let image: Vec<u8> = std::fs::read("cat.png").unwrap_or_default();
    /// client.invoke("thumbnail").payload(image).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn payload(mut self, payload: impl Into<Bytes>) -> Self {
        self.payload = Ok(payload.into());
        self
    }

    /// Serializes `value` as JSON for the payload (replaces any earlier payload).
    ///
    /// If serialization fails, [`send`](Self::send) returns an [`Error`] of kind
    /// [`ErrorKind::InvalidRequest`] saying why, and nothing is sent.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// client
    ///     .invoke("greet")
    ///     .json(&serde_json::json!({"name": "Ada"}))
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.payload = serde_json::to_vec(value)
            .map(Bytes::from)
            .map_err(|e| e.to_string());
        self
    }

    /// Invokes this version or alias instead of `LATEST`.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// client.invoke("greet").qualifier("3").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// Queues the event instead of waiting for the function (`x-fc-invocation-type: Async`).
    ///
    /// The service answers `202 Accepted` at once with an empty body; the task id is in
    /// [`InvokeOutput::async_task_id`]. Async payloads are limited to 128 KB.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let queued = client.invoke("report").asynchronous().send().await?;
    /// assert_eq!(queued.status(), 202);
    /// # Ok(())
    /// # }
    /// ```
    pub fn asynchronous(mut self) -> Self {
        self.invocation_type = InvocationType::Async;
        self
    }

    /// Names the task of an asynchronous invocation (`x-fc-async-task-id`), so that it can be
    /// looked up or stopped later. Only meaningful with [`asynchronous`](Self::asynchronous) on a
    /// function whose async config has task mode on; the service checks the format (letters,
    /// digits, `_` and `-`, not starting with a digit or `-`, at most 128 characters).
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// client.invoke("report").asynchronous().async_task_id("nightly-2026-11-23").send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn async_task_id(mut self, task_id: impl Into<String>) -> Self {
        self.async_task_id = Some(task_id.into());
        self
    }

    /// Adds a header to the request (signed with it): what a function's session affinity reads,
    /// say, the header its `affinityHeaderFieldName` names (HEADER_FIELD) or the
    /// `Cookie: x-fc-cookie-session-id=...` the service set (GENERATED_COOKIE). A repeated name
    /// adds another value. A name or value that is not a valid header makes
    /// [`send`](Self::send) fail with [`ErrorKind::InvalidRequest`], sending nothing.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let first = client.invoke("chat").header("x-chat-session", "user-42").send().await?;
    /// let again = client.invoke("chat").header("x-chat-session", "user-42").send().await?;
    /// assert_eq!(first.instance_id(), again.instance_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let parsed = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("{name:?} is not a valid header name"))
            .and_then(
                |parsed| match reqwest::header::HeaderValue::from_str(value) {
                    Ok(value) => Ok((parsed, value)),
                    Err(_) => Err(format!(
                        "the value of header {name} is not a valid header value"
                    )),
                },
            );
        self.headers = match (self.headers, parsed) {
            (Ok(mut headers), Ok((name, value))) => {
                headers.append(name, value);
                Ok(headers)
            }
            (Err(reason), _) | (_, Err(reason)) => Err(reason),
        };
        self
    }

    /// Asks for the end of the invocation's log (`x-fc-log-type: Tail`); read it with
    /// [`InvokeOutput::log`].
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let output = client.invoke("greet").log_tail().send().await?;
    /// println!("{}", output.log().unwrap_or("(no log)"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn log_tail(mut self) -> Self {
        self.log_type = Some(LogType::Tail);
        self
    }

    /// Sends the invocation.
    ///
    /// `Ok` for every 2xx answer, including a function that failed (see
    /// [`InvokeOutput::function_error`] and [`InvokeOutput::into_result`]); `Err` when the call
    /// itself failed or could not be made.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let output = client.invoke("greet").payload("hi").send().await?;
    /// if let Some(kind) = output.function_error() {
    ///     eprintln!("the function failed: {kind}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(self) -> Result<InvokeOutput, Error> {
        let payload = self.payload.map_err(|reason| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("the payload could not be serialized as JSON: {reason}"),
            )
        })?;
        let headers = self
            .headers
            .map_err(|reason| Error::new(ErrorKind::InvalidRequest, reason))?;
        let Invoke {
            target,
            function_name,
            qualifier,
            invocation_type,
            async_task_id,
            log_type,
            overrides,
            ..
        } = self;
        let target = target.with_headers(&headers);
        // Both APIs take the same inputs under the same names, but the task id (FC 2.0 calls it
        // the stateful async invocation id).
        macro_rules! common {
            ($request:expr) => {{
                let mut request = $request
                    .function_name(function_name)
                    .x_fc_invocation_type(invocation_type)
                    .body(payload);
                if let Some(qualifier) = qualifier {
                    request = request.qualifier(qualifier);
                }
                if let Some(log_type) = log_type {
                    request = request.x_fc_log_type(log_type);
                }
                if let Some(overrides) = &overrides {
                    request = request.with_overrides(overrides);
                }
                request
            }};
        }
        let response = match target {
            Target::Fc3(client) => {
                let mut request = common!(client.invoke_function());
                if let Some(task_id) = async_task_id {
                    request = request.x_fc_async_task_id(task_id);
                }
                request.send().await?
            }
            #[cfg(feature = "fc2")]
            Target::Fc2 {
                client,
                service_name,
            } => {
                let mut request = common!(client.invoke_function().service_name(service_name));
                if let Some(task_id) = async_task_id {
                    request = request.x_fc_stateful_async_invocation_id(task_id);
                }
                request.send().await?
            }
        };
        Ok(InvokeOutput::from_response(response))
    }
}

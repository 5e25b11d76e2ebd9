//! Async client for the Alibaba Cloud Function Compute 3.0 API (version 2023-03-30).
//!
//! The client, its request builders and the request/response types (re-exported from
//! [`fc-models`](fc_models) as [`types`]) are generated from `spec/fc-2023-03-30.yaml`; the
//! runtime around them is written by hand, one concern per module:
//!
//! | concern | where |
//! |---|---|
//! | building a client: region, endpoint, credentials, retries, timeouts | [`Client::builder`], [`ClientBuilder`] |
//! | region → endpoint | [`endpoint`] |
//! | credentials and the default provider chain | [`credentials`] |
//! | ACS3-HMAC-SHA256 canonicalisation, signatures and the verifier's side | [`signing`] |
//! | errors: code, message, request id, retryability | [`Error`] |
//! | input checks from the spec's documented limits, before sending | `validation`, [`fc_models::rules`] |
//! | retries: when, how often, the loop | [`RetryPolicy`], `retry` |
//! | exponential backoff with full jitter (retries, waiters, fc-local's task retries) | [`backoff`] |
//! | signing an outgoing request (the `x-acs-*` headers and `Authorization`) | `sign` |
//! | each operation's action name, method, path, paging shape and input checks | [`fc_models::API`] |
//! | streams over paginated list operations (`.pages()`, `.into_stream()`) | [`pagination`] |
//! | packaging function code, CRC-64 checksums | [`code`] |
//! | invoking functions: sync/async, log tail, function errors, JSON in and out | [`Client::invoke`], [`Client::invoke_json`], [`invoke`] |
//! | waiting for a function to become Active or finish an update | [`Client::wait_until_function_active`], [`Client::wait_until_update_done`], [`waiter`] |
//!
//! Every operation is a method returning a builder; required inputs are checked when the request
//! is sent. `send()` returns a [`ResponseValue`] (the body plus status and headers) or an
//! [`Error`]:
//!
//! ```no_run
//! use fc_client::Client;
//! use fc_client::credentials::Credentials;
//!
//! # async fn example() -> Result<(), fc_client::Error> {
//! let client = Client::builder()
//!     .region("cn-hangzhou")
//!     .credentials(Credentials::new("LTAI...", "secret"))
//!     .build()
//!     .expect("valid configuration");
//!
//! let page = client.list_functions().prefix("hello-").limit(10).send().await?;
//! for function in &page.functions {
//!     println!("{:?} ({:?})", function.function_name, function.runtime);
//! }
//!
//! match client.get_function().function_name("missing").send().await {
//!     Err(e) if e.is_not_found() => println!("{e}"), // FunctionNotFound: ... (status 404, request id ...)
//!     Err(e) => return Err(e),
//!     Ok(found) => println!("{:?}", found.state),
//! }
//! # Ok(())
//! # }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod backoff;
mod client;
pub mod code;
pub mod conditional;
pub mod credentials;
pub mod endpoint;
mod error;
mod error_body;
pub mod fc2;
#[rustfmt::skip]
mod generated;
#[rustfmt::skip]
mod generated_pagination;
mod hooks;
pub mod invoke;
pub mod pagination;
mod retry;
mod sign;
pub mod signing;
pub mod timestamp;
mod validation;
pub mod waiter;

pub use client::{
    ClientBuilder, ClientConfig, ConfigError, RequestOverrides, Timeouts, install_crypto_provider,
};
pub use error::{Error, ErrorKind, REQUEST_ID_HEADER};
pub use fc_models::ErrorCode;
pub use generated::*;
pub use invoke::{FunctionError, FunctionErrorType, Invoke, InvokeBody, InvokeError, InvokeOutput};
pub use retry::RetryPolicy;
pub use waiter::{FunctionWaiter, Observed, WaitError, WaitGoal};

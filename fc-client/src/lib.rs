#![doc = include_str!("../README.md")]
//!
//! ## Where each part lives
//!
//! The client, its request builders and the request/response types (re-exported from
//! `fc-models` as [`types`]) are generated from `spec/fc-2023-03-30.yaml` (FC 2.0's, in [`fc2`],
//! from `spec/fc-open-2021-04-06.yaml`); the runtime around them is written by hand, one concern
//! per module:
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
//! | one request's own timeouts and retry policy | [`RequestOverrides`] |
//! | tracing: the `fc.call` span and its events | `hooks`, `retry` (see "Tracing" above) |
//! | exponential backoff with full jitter (retries, waiters, fc-local's task retries) | [`backoff`] |
//! | signing an outgoing request (the `x-acs-*` headers and `Authorization`) | `sign` |
//! | each operation's action name, method, path, paging shape and input checks | [`fc_models::API`] |
//! | streams over paginated list operations (`.pages()`, `.into_stream()`) | [`pagination`] |
//! | packaging function code, CRC-64 checksums | [`code`] |
//! | invoking functions: sync/async, log tail, function errors, JSON in and out | [`Client::invoke`], [`Client::invoke_json`], [`invoke`] |
//! | waiting for a function to become Active or finish an update | [`Client::wait_until_function_active`], [`Client::wait_until_update_done`], [`waiter`] |
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod backoff;
mod client;
pub mod code;
#[cfg(feature = "fc2")]
#[cfg_attr(docsrs, doc(cfg(feature = "fc2")))]
pub mod conditional;
pub mod credentials;
mod decode;
pub mod endpoint;
mod error;
mod error_body;
mod hooks;
pub mod invoke;
pub mod pagination;
mod path;
mod retry;
pub mod signing;
pub mod timestamp;
mod validation;
pub mod waiter;

// Last, so that the `Client` pages list the hand-written helpers (declared above) before the
// generated operations: rustdoc shows a type's methods in the order of their modules.
#[cfg(feature = "fc2")]
#[cfg_attr(docsrs, doc(cfg(feature = "fc2")))]
pub mod fc2;
#[rustfmt::skip]
mod generated;
#[rustfmt::skip]
mod generated_pagination;

pub use client::{
    ClientBuilder, ClientConfig, ConfigError, RequestOverrides, Timeouts, install_crypto_provider,
};
pub use error::{Error, ErrorKind, REQUEST_ID_HEADER};
/// The models crate under its own name, so that the paths rustc prints in its messages
/// (`fc_client::fc_models::Tag`: it names an indirect dependency through the crate that brings
/// it) can be imported as written; the documented path is [`types`].
#[doc(hidden)]
pub use fc_models;
pub use fc_models::ErrorCode;
pub use generated::*;
pub use invoke::{FunctionError, FunctionErrorType, Invoke, InvokeBody, InvokeError, InvokeOutput};
pub use retry::RetryPolicy;
pub use waiter::{FunctionWaiter, Observed, WaitError, WaitGoal};

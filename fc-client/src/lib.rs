//! Async client for the Alibaba Cloud Function Compute 3.0 API (version 2023-03-30).
//!
//! The client, its request builders and the request/response types (re-exported from
//! [`fc-models`](fc_models) as [`types`]) are generated from `spec/fc-2023-03-30.yaml`; the
//! runtime around them is written by hand, one concern per module:
//!
//! - [`signing`]: ACS3-HMAC-SHA256 canonicalisation and signatures (shared with fc-local);
//! - [`operation`]: the table of every operation's action name, method, path and paging shape;
//! - the request hook (`hooks`), which puts every request into its canonical wire form.
//!
//! Each operation is a method returning a builder; required inputs are checked when the request
//! is sent, and every call returns a [`ResponseValue`] with the status and headers.
//!
//! ```no_run
//! # async fn example() -> Result<(), fc_client::Error<fc_client::types::ErrorBody>> {
//! use fc_client::{Client, Runtime};
//!
//! let client = Client::new("http://127.0.0.1:9000", Runtime::default());
//! let page = client.list_functions().prefix("hello-").limit(10).send().await?;
//! for function in &page.functions {
//!     println!("{:?}", function.function_name);
//! }
//! # Ok(())
//! # }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod code;
mod config;
pub mod credentials;
pub mod endpoint;
mod error;
mod error_body;
mod generated;
mod generated_operations;
mod hooks;
pub mod operation;
mod request_signer;
mod retry;
mod runtime;
pub mod signing;
pub mod timestamp;

pub use config::{ClientBuilder, ConfigError};
pub use error::{Error, ErrorCode, ErrorKind, REQUEST_ID_HEADER};
pub use generated::*;
pub use retry::RetryPolicy;
pub use runtime::{Runtime, Timeouts};

/// The error type of a generated builder's `send()`; `?` converts it into [`Error`].
pub type SendError = progenitor_client::Error<fc_models::ErrorBody>;

//! The FC 2.0 client (API version 2021-04-06): services, functions, triggers, aliases and service
//! versions, custom domains, layers, the per-function configurations and invocation.
//!
//! One runtime serves both API versions: this [`Client`] signs (ACS3 with
//! `x-acs-version: 2021-04-06`), resolves endpoints, retries, times out, validates input, traces
//! and reports errors exactly as FC 3.0's [`crate::Client`]; only the operations differ. Its
//! request and response types are [`types`] (`fc_models::fc2`).
//!
//! FC 2.0 is served from the account endpoint `https://{accountId}.{region}.fc.aliyuncs.com`.
//! Build a client with [`ClientBuilder::build_fc2`](crate::ClientBuilder::build_fc2), or make one
//! from an FC 3.0 client, sharing its connection pool and credentials, with
//! [`crate::Client::fc2`]:
//!
//! ```no_run
//! use fc_client::conditional::ResponseETag;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let fc3 = fc_client::Client::builder().region("cn-hangzhou").account_id("1234567890").build()?;
//! let fc2 = fc3.fc2()?;
//! let function = fc2
//!     .get_function()
//!     .service_name("demoService")
//!     .function_name("demoFunction")
//!     .send()
//!     .await?;
//! println!("{:?} (etag {:?})", function.runtime, function.etag());
//! # Ok(())
//! # }
//! ```
//!
//! Conditional writes ([`crate::conditional`]): answers that carry an `ETag` expose it with
//! `.etag()`, operations that take `If-Match` have `.if_match(..)`, and
//! [`Client::modify_function`] / [`Client::modify_service`] run an optimistic
//! read-modify-write. List operations that page have `.pages()` and `.into_stream()`.

mod modify;
// After the hand-written helpers: the `Client` page lists methods in module order.
#[rustfmt::skip]
mod generated;
#[rustfmt::skip]
mod generated_pagination;

pub use generated::*;
pub use modify::{FunctionKey, Modify, ModifyTarget, ServiceKey};

use crate::{ClientBuilder, ConfigError};

impl Client {
    /// Starts building an FC 2.0 client; finish with
    /// [`build_fc2`](ClientBuilder::build_fc2).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// An FC 2.0 client configured from the environment, as [`crate::Client::from_env`] reads it
    /// (`ALIBABA_CLOUD_ACCOUNT_ID` is needed unless an endpoint is given).
    pub fn from_env() -> Result<Client, ConfigError> {
        crate::Client::from_env()?.fc2()
    }
}

impl crate::Client {
    /// An FC 2.0 client with this client's settings (credentials, retries, timeouts, input
    /// validation) and its connection pool. It talks to this client's custom endpoint if one was
    /// given, else to the account endpoint, so the account id must be known.
    pub fn fc2(&self) -> Result<Client, ConfigError> {
        use progenitor_client::ClientInfo;
        let config = self.inner().for_api(&fc_models::fc2::API);
        let base_url = config
            .settings
            .fc2_base_url
            .clone()
            .ok_or(ConfigError::MissingAccountId)?;
        Ok(Client::new_with_client(
            &base_url,
            self.client().clone(),
            config,
        ))
    }
}

//! Building a [`Client`](crate::Client) and the settings it carries.
//!
//! - `builder`: [`ClientBuilder`] (region, endpoint, credentials, retries, timeouts) and the
//!   one-time TLS set-up;
//! - `config`: [`ClientConfig`], the per-client settings the request hooks read, and
//!   [`Timeouts`];
//! - `overrides`: [`RequestOverrides`], one request's own timeouts and retry policy.

mod builder;
mod config;
mod overrides;

pub use builder::{ClientBuilder, ConfigError, install_crypto_provider};
pub use config::{ClientConfig, Timeouts};
pub use overrides::RequestOverrides;

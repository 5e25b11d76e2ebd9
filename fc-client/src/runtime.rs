//! The state every [`Client`](crate::Client) carries besides its HTTP client.

/// Per-client settings used by the request hooks.
///
/// Generated clients take one as their last constructor argument:
/// `Client::new(base_url, Runtime::default())`.
#[derive(Clone, Debug, Default)]
pub struct Runtime {}

//! Shared state of the HTTP handlers.

use std::sync::Arc;

use crate::config::Config;
use crate::store::Store;

/// What every handler can reach: the configuration, the store and the key for code links.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The instance's configuration.
    pub config: Arc<Config>,
    /// Persistent state.
    pub store: Store,
    /// Key that signs the code download links of GetFunctionCode (random per process).
    pub link_key: Arc<str>,
}

impl AppState {
    /// State over an opened store.
    pub fn new(config: Config, store: Store) -> Self {
        let link_key = format!(
            "{}{}",
            crate::request_id::new_request_id(),
            crate::request_id::new_request_id()
        );
        Self {
            config: Arc::new(config),
            store,
            link_key: link_key.into(),
        }
    }

    /// `acs:fc:<region>:<account>:functions/<name>`.
    pub fn function_arn(&self, name: &str) -> String {
        format!(
            "acs:fc:{}:{}:functions/{name}",
            self.config.region, self.config.account_id
        )
    }
}

//! Shared state of the HTTP handlers.

use std::sync::Arc;

use crate::config::Config;
use crate::engine::Engine;
use crate::executor::ExecError;
use crate::faults::Faults;
use crate::store::Store;
use crate::tasks;

/// What every handler can reach: the configuration, the store, the engine that runs functions
/// and the key for code links.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The instance's configuration.
    pub config: Arc<Config>,
    /// Persistent state.
    pub store: Store,
    /// The executor and the asynchronous tasks (one per server).
    pub engine: Arc<Engine>,
    /// Key that signs the code download links of GetFunctionCode (random per process).
    pub link_key: Arc<str>,
    /// The token of the console URL (random per process; `crate::console`).
    pub console_token: Arc<str>,
    /// The fault rules (`crate::faults`): the configuration's, added when the server starts, and
    /// those added since.
    pub faults: Faults,
}

impl AppState {
    /// State over an opened store, with a new [`Engine`]. Call it inside a Tokio runtime.
    /// Fails only if the executor's HTTP client cannot be built.
    pub fn new(config: Config, store: Store) -> Result<Self, ExecError> {
        let secret = || {
            format!(
                "{}{}",
                crate::request_id::new_request_id(),
                crate::request_id::new_request_id()
            )
        };
        let link_key = secret();
        let console_token: String = secret().chars().filter(|c| *c != '-').collect();
        let engine = Engine::new(&config)?;

        Ok(Self {
            config: Arc::new(config),
            store,
            engine: Arc::new(engine),
            link_key: link_key.into(),
            console_token: console_token.into(),
            faults: Faults::default(),
        })
    }

    /// What the asynchronous tasks work with: the store, the executor and the task registry.
    pub fn tasks(&self) -> tasks::Context {
        tasks::Context {
            store: self.store.clone(),
            executor: self.engine.executor.clone(),
            registry: Arc::clone(&self.engine.tasks),
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

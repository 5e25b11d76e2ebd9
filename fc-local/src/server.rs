//! Starting and stopping an emulator instance.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::executor::{ExecError, Executor};
use crate::state::AppState;
use crate::store::{OpenError, Store};

/// Builder for an emulator instance. Defaults: `127.0.0.1`, an ephemeral port, the test keys
/// of [`crate::config`], in-memory state, signatures checked.
#[derive(Debug, Clone)]
pub struct FcLocal {
    config: Config,
    host: IpAddr,
    port: u16,
}

impl Default for FcLocal {
    fn default() -> Self {
        Self::new()
    }
}

/// Why an instance could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] OpenError),
    /// The executor that runs functions could not be created.
    #[error("cannot create the function executor: {0}")]
    Executor(#[from] ExecError),
    /// A fault rule was refused.
    #[error(transparent)]
    Fault(#[from] crate::faults::FaultRuleError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

impl FcLocal {
    /// A builder with the defaults.
    pub fn new() -> Self {
        Self {
            config: Config::default(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
        }
    }

    /// The key pair clients must sign with.
    pub fn access_key(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config.access_key_id = id.into();
        self.config.access_key_secret = secret.into();
        self
    }

    /// The region used in ARNs.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = region.into();
        self
    }

    /// The account id used in ARNs.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.config.account_id = account_id.into();
        self
    }

    /// Persists state under `dir` (`fc-local.db` and `code/`) instead of memory.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.data_dir = Some(dir.into());
        self
    }

    /// Turns signature checks on (the default) or off.
    pub fn auth(mut self, enabled: bool) -> Self {
        self.config.auth = enabled;
        self
    }

    /// The address to listen on.
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// The port to listen on; 0 picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The largest request body accepted (413 above it).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.config.max_body_bytes = bytes;
        self
    }

    /// The largest decoded code package accepted (413 above it).
    pub fn max_code_bytes(mut self, bytes: usize) -> Self {
        self.config.max_code_bytes = bytes;
        self
    }

    /// Accepts `name` in `Host` and `Origin` headers (fc-local answers only IP addresses,
    /// `localhost`, `*.localhost` and its custom domains otherwise: see [`crate::guard`]).
    pub fn allow_host(mut self, name: impl Into<String>) -> Self {
        self.config
            .allowed_hosts
            .push(name.into().to_ascii_lowercase());
        self
    }

    /// The Python 3 interpreter for `python3*` runtimes (default `python3` from `PATH`).
    pub fn python(mut self, interpreter: impl Into<PathBuf>) -> Self {
        self.config.python = interpreter.into();
        self
    }

    /// Log lines kept per function name, also after the function is deleted (default
    /// [`DEFAULT_LOG_LINES`](crate::executor::DEFAULT_LOG_LINES); at least 1).
    pub fn log_lines(mut self, lines: usize) -> Self {
        self.config.log_lines_per_function = lines.max(1);
        self
    }

    /// Invocations kept in the history the console and `fc-local invocations` show, all
    /// functions together (default
    /// [`DEFAULT_INVOCATION_HISTORY`](crate::executor::DEFAULT_INVOCATION_HISTORY); at least 1).
    pub fn invocation_history(mut self, invocations: usize) -> Self {
        self.config.invocation_history = invocations.max(1);
        self
    }

    /// The Node.js interpreter for `nodejs*` runtimes (default `node` from `PATH`).
    pub fn node(mut self, interpreter: impl Into<PathBuf>) -> Self {
        self.config.node = interpreter.into();
        self
    }

    /// Adds a fault rule (see [`crate::faults`]): some calls of one action fail, wait or lose
    /// their connection, to test retries and error handling. A rule that does not hold is
    /// refused by [`start`](Self::start), naming its field.
    pub fn fault(mut self, rule: crate::faults::FaultRule) -> Self {
        self.config.faults.push(rule);
        self
    }

    /// The configuration this builder holds.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Opens the store, binds the address and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<FcLocalHandle, StartError> {
        let store = Store::open(self.config.data_dir.as_deref())?;
        let addr = SocketAddr::new(self.host, self.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let state = AppState::new(self.config.clone(), store.clone())?;
        for rule in &self.config.faults {
            state.faults.add(rule.clone())?;
        }
        let timers = crate::timer::spawn(state.clone());
        let app = crate::api::router(state.clone());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let stopped = async move {
                let _ = stop_rx.await;
            };
            let app = app.into_make_service_with_connect_info::<crate::wire_errors::PeerAddr>();
            let listener = crate::wire_errors::FcListener(listener);
            if let Err(err) = axum::serve(listener, app)
                .with_graceful_shutdown(stopped)
                .await
            {
                tracing::error!(%err, "fc-local server stopped with an error");
            }
        });
        Ok(FcLocalHandle {
            addr: local,
            config: self.config,
            store,
            state,
            stop: Some(stop_tx),
            task: Some(task),
            timers,
        })
    }
}

/// A running instance. Dropping it stops the server and the functions' instances;
/// [`FcLocalHandle::shutdown`] also waits until the server has stopped.
#[derive(Debug)]
pub struct FcLocalHandle {
    addr: SocketAddr,
    config: Config,
    store: Store,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    timers: JoinHandle<()>,
}

impl FcLocalHandle {
    /// `http://HOST:PORT`, the endpoint to give clients.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The access key id clients must sign with.
    pub fn access_key_id(&self) -> &str {
        &self.config.access_key_id
    }

    /// The access key secret clients must sign with.
    pub fn access_key_secret(&self) -> &str {
        &self.config.access_key_secret
    }

    /// The region used in ARNs.
    pub fn region(&self) -> &str {
        &self.config.region
    }

    /// The account id used in ARNs.
    pub fn account_id(&self) -> &str {
        &self.config.account_id
    }

    /// The instance's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The instance's store (for in-process tools such as an invocation engine).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The functions (LATEST) that run from a local directory (live code), with the directory.
    pub async fn live_code_functions(
        &self,
    ) -> Result<Vec<(String, String)>, crate::error::FcError> {
        self.store
            .transact(|tx, _| {
                let functions = crate::store::functions::list(tx, None, None)?;
                Ok(functions
                    .into_iter()
                    .filter_map(|function| {
                        let dir = function
                            .code_checksum
                            .as_deref()?
                            .strip_prefix(crate::validate::DIRECTORY_CHECKSUM_PREFIX)?
                            .to_owned();
                        Some((function.function_name.unwrap_or_default(), dir))
                    })
                    .collect())
            })
            .await
    }

    /// A client of this instance, signed with its keys: what a test of one's own code needs.
    /// Fails only if the region set with [`FcLocal::region`] is not one a client accepts.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = fc_local::FcLocal::new().start().await?;
    /// let functions = server.client()?.list_functions().send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> Result<fc_client::Client, fc_client::ConfigError> {
        fc_client::Client::builder()
            .endpoint(self.endpoint())
            .region(self.region())
            .credentials(fc_client::credentials::Credentials::new(
                self.access_key_id(),
                self.access_key_secret(),
            ))
            .build()
    }

    /// The console's URL, with its token: `http://HOST:PORT/__console/?token=...`. Anyone
    /// with it can read logs and invoke functions, so it is printed, never logged.
    pub fn console_url(&self) -> String {
        crate::console::url(&self.endpoint(), &self.state.console_token)
    }

    /// An FC 2.0 client of this instance (`/2021-04-06`, ACS3), signed with its keys.
    /// Fails only if the region set with [`FcLocal::region`] is not one a client accepts.
    pub fn fc2_client(&self) -> Result<fc_client::fc2::Client, fc_client::ConfigError> {
        fc_client::Client::builder()
            .endpoint(self.endpoint())
            .region(self.region())
            .account_id(self.account_id())
            .credentials(fc_client::credentials::Credentials::new(
                self.access_key_id(),
                self.access_key_secret(),
            ))
            .build_fc2()
    }

    /// The fault rules of this instance (see [`crate::faults`]): add and remove rules while it
    /// runs, read how many calls they took.
    pub fn faults(&self) -> &crate::faults::Faults {
        &self.state.faults
    }

    /// The executor that runs this instance's functions: [`Executor::logs`] gives the output
    /// kept per function, [`Executor::instances`] the running instances.
    pub fn executor(&self) -> &Executor {
        &self.state.engine.executor
    }

    /// Stops accepting connections, stops every function instance and asynchronous task (so
    /// invocations still running end at once, as crashed), lets open requests finish and
    /// waits for the server. The executor's work directory is removed.
    pub async fn shutdown(mut self) {
        self.timers.abort();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.state.engine.shutdown();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FcLocalHandle {
    fn drop(&mut self) {
        self.timers.abort();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.state.engine.shutdown();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

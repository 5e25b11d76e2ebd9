//! Runs functions as local child processes, the way Function Compute runs them in instances.
//!
//! Every instance is a process serving the custom-runtime HTTP protocol on a local port:
//! `POST /initialize` once (if the function has an initializer), then `POST /invoke` with the
//! event as body and the `x-fc-*` headers. For `custom*` runtimes the process is the function's
//! own `customRuntimeConfig.command`; for `python3*` and `nodejs*` it is a bootstrap script of
//! fc-local's (`shims/`) that loads the handler and calls it. `EXECUTION.md` in the crate lists
//! every behaviour and where it comes from.
//!
//! ```no_run
//! use fc_local::executor::{Executor, ExecutorConfig, FunctionSpec, Invocation};
//!
//! # async fn run(zip: Vec<u8>) -> Result<(), fc_local::executor::ExecError> {
//! let executor = Executor::new(ExecutorConfig::new("/tmp/fc-local"))?;
//! let spec = FunctionSpec::new("hello", "python3.10", "index.handler", zip);
//! let outcome = executor
//!     .invoke(&spec, Invocation::new("req-1", "{}").with_log_tail(true))
//!     .await?;
//! println!("{:?} {:?}", outcome.body, outcome.log_tail);
//! executor.shutdown();
//! # Ok(())
//! # }
//! ```

mod config;
mod error;
mod history;
mod instance;
mod invocation;
mod layers;
mod logs;
mod pool;
mod protocol;
mod ring;
mod run;
mod session;
mod spec;
mod unpack;

pub use unpack::directory_fingerprint;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

pub use config::{
    DEFAULT_INVOCATION_HISTORY, DEFAULT_LOG_LINES, DEFAULT_MAX_INSTANCES, DEFAULT_STARTUP_TIMEOUT,
    ExecutorConfig, FunctionCredentials,
};
pub use error::ExecError;
pub use history::{InvocationRecord, InvocationStatus};
pub use invocation::{HttpRequest, Invocation, InvocationOutcome};
pub use logs::{LOG_TAIL_BYTES, LogRecord, log_tail};
pub use pool::InstanceInfo;
pub use session::SessionRef;
pub use spec::{
    CustomRuntimeSpec, DEFAULT_IDLE_TIMEOUT, DEFAULT_TIMEOUT, FunctionSpec, InitializerSpec,
    LayerCode, RuntimeKind, SUPPORTED_RUNTIMES,
};

use history::History;
pub(crate) use history::millis_since_epoch;
use logs::{FunctionLogs, lock};
use pool::Pool;
use session::Signal;

/// How often the background task looks for idle instances.
const REAP_INTERVAL: Duration = Duration::from_millis(500);

/// Runs functions in local instances. Cheap to clone (clones share the instances).
///
/// Create it inside a Tokio runtime to get the background task that stops idle instances;
/// without one, idle instances are stopped on the next [`invoke`](Executor::invoke) or
/// [`reap_idle`](Executor::reap_idle). Dropping the last clone stops every instance.
#[derive(Clone, Debug)]
pub struct Executor {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: ExecutorConfig,
    client: reqwest::Client,
    pools: Mutex<HashMap<(String, String), Arc<Pool>>>,
    logs: Mutex<HashMap<String, Arc<FunctionLogs>>>,
    history: History,
    shut_down: AtomicBool,
    reaper: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// Numbers instance ids across every executor of the process.
static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

impl Executor {
    /// An executor with `config`. Fails only if the HTTP client cannot be built.
    pub fn new(config: ExecutorConfig) -> Result<Executor, ExecError> {
        // reqwest is built with rustls but without a crypto provider of its own, even though
        // instances are reached over plain HTTP.
        fc_client::install_crypto_provider();
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|error| ExecError::Io {
                path: config.work_dir.clone(),
                source: std::io::Error::other(format!("cannot build the HTTP client: {error}")),
            })?;
        let history = History::new(config.invocation_history);
        let inner = Arc::new(Inner {
            config,
            history,
            client,
            pools: Mutex::new(HashMap::new()),
            logs: Mutex::new(HashMap::new()),
            shut_down: AtomicBool::new(false),
            reaper: Mutex::new(None),
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let weak = Arc::downgrade(&inner);
            *lock(&inner.reaper) = Some(runtime.spawn(reap_forever(weak)));
        }
        Ok(Executor { inner })
    }

    /// The configuration.
    pub fn config(&self) -> &ExecutorConfig {
        &self.inner.config
    }

    /// Runs one invocation of `spec` and waits for its outcome.
    ///
    /// Reuses a warm instance of the same (name, version, checksum, settings) with a free slot,
    /// else starts one (unpacking the code first if needed, then running the initializer), up
    /// to [`ExecutorConfig::max_instances_per_function`]; beyond that waits for a free slot.
    /// Errors of the function's code come back as an outcome with `error_type`; `Err` means no
    /// instance could run it. Cancelling the returned future stops the instance it runs on.
    pub async fn invoke(
        &self,
        spec: &FunctionSpec,
        invocation: Invocation,
    ) -> Result<InvocationOutcome, ExecError> {
        let started = history::Started::now(&invocation);
        let result = run::invoke(self, spec, invocation).await;
        self.inner.history.record(spec, started, &result);
        result
    }

    /// The log lines kept for a function name (all versions and instances), oldest first.
    pub fn logs(&self, function_name: &str) -> Vec<LogRecord> {
        self.logs_after(function_name, 0)
    }

    /// The kept log lines of a function name whose [`LogRecord::seq`] is above `after`, oldest
    /// first: what `fc-local logs NAME --follow` asks for again and again.
    pub fn logs_after(&self, function_name: &str, after: u64) -> Vec<LogRecord> {
        lock(&self.inner.logs)
            .get(function_name)
            .map(|logs| logs.after(after, |_| true))
            .unwrap_or_default()
    }

    /// The kept invocations of `function_name` (of every function when `None`) whose
    /// [`InvocationRecord::seq`] is above `after`, oldest first. The history holds the last
    /// [`ExecutorConfig::invocation_history`] invocations, also of deleted functions.
    pub fn invocations(&self, function_name: Option<&str>, after: u64) -> Vec<InvocationRecord> {
        self.inner.history.records(function_name, after)
    }

    /// The running instances of a function (all versions).
    pub fn instances(&self, function_name: &str) -> Vec<InstanceInfo> {
        self.pools_where(|name, _| name == function_name)
            .iter()
            .flat_map(|pool| pool.info())
            .collect()
    }

    /// Stops instances idle longer than their function's `idle_timeout`, and idle ones whose
    /// process exited; returns how many were stopped. The background task calls this every
    /// half second.
    pub fn reap_idle(&self) -> usize {
        self.inner.reap()
    }

    /// Stops the instances of a function (all versions): idle ones now, busy ones when their
    /// invocation ends. For DeleteFunction; the function's kept logs stay readable with
    /// [`logs`](Executor::logs) (a test that deleted its function can still look at them).
    pub fn discard_function(&self, function_name: &str) {
        let removed: Vec<Arc<Pool>> = {
            let mut pools = lock(&self.inner.pools);
            let keys: Vec<(String, String)> = pools
                .keys()
                .filter(|(name, _)| name == function_name)
                .cloned()
                .collect();
            keys.iter().filter_map(|key| pools.remove(key)).collect()
        };
        for pool in removed {
            pool.retire();
        }
    }

    /// Starts (and initializes) the instance of `session` for `spec` if it has none; its id.
    /// `Ok(Err(outcome))` if the initializer failed: the outcome says how (an invocation with
    /// `request_id` ran it), and the session has no instance.
    pub async fn open_session(
        &self,
        spec: &FunctionSpec,
        session: SessionRef,
        request_id: &str,
    ) -> Result<Result<String, InvocationOutcome>, ExecError> {
        let invocation = Invocation::new(request_id, bytes::Bytes::new()).with_session(session);
        match run::lease(self, spec, &invocation).await? {
            run::Leased::Ready(_, lease) => {
                let id = lease.instance.id.clone();
                lease.release(true);
                Ok(Ok(id))
            }
            run::Leased::Failed(outcome) => Ok(Err(*outcome)),
        }
    }

    /// The id of the running instance bound to the session `key` of `function_name`, if any
    /// (`None` once it exited or was stopped).
    pub fn session_instance(&self, function_name: &str, key: &str) -> Option<String> {
        self.pools_where(|name, _| name == function_name)
            .iter()
            .find_map(|pool| pool.session_instance(key))
    }

    /// Stops every process of the session's instance where it is (`SIGSTOP` to its process
    /// group): it keeps its memory and answers nothing until [`resume_session`](Self::resume_session).
    /// Whether the session has an instance.
    pub fn pause_session(&self, function_name: &str, key: &str) -> bool {
        self.signal_session(function_name, key, Signal::Stop)
    }

    /// Lets a paused session's instance go on (`SIGCONT`); whether the session has an instance.
    pub fn resume_session(&self, function_name: &str, key: &str) -> bool {
        self.signal_session(function_name, key, Signal::Continue)
    }

    /// Unbinds the session's instance and stops it (at once if idle, else when its invocation
    /// ends).
    pub fn end_session(&self, function_name: &str, key: &str) {
        for pool in self.pools_where(|name, _| name == function_name) {
            pool.end_session(key);
        }
    }

    fn signal_session(&self, function_name: &str, key: &str, signal: Signal) -> bool {
        let pools = self.pools_where(|name, _| name == function_name);
        pools.iter().any(|pool| pool.signal_session(key, signal))
    }

    /// Stops every instance (running invocations end as crashed) and refuses further
    /// invocations with [`ExecError::ShutDown`].
    pub fn shutdown(&self) {
        self.inner.shut_down.store(true, Ordering::SeqCst);
        if let Some(reaper) = lock(&self.inner.reaper).take() {
            reaper.abort();
        }
        let pools: Vec<Arc<Pool>> = lock(&self.inner.pools).drain().map(|(_, p)| p).collect();
        for pool in pools {
            pool.stop_all();
        }
    }

    fn is_shut_down(&self) -> bool {
        self.inner.shut_down.load(Ordering::SeqCst)
    }

    fn pools_where(&self, keep: impl Fn(&str, &str) -> bool) -> Vec<Arc<Pool>> {
        lock(&self.inner.pools)
            .iter()
            .filter(|((name, version), _)| keep(name, version))
            .map(|(_, pool)| Arc::clone(pool))
            .collect()
    }

    /// The pool running `spec`; a pool for the same (name, version) with other code or
    /// settings is retired and replaced.
    fn pool_for(&self, spec: &FunctionSpec, kind: RuntimeKind) -> Arc<Pool> {
        let key = (spec.name.clone(), spec.version.clone());
        let mut pools = lock(&self.inner.pools);
        if let Some(pool) = pools.get(&key)
            && pool.spec.same_instances(spec)
        {
            return Arc::clone(pool);
        }
        let pool = Arc::new(Pool::new(Arc::new(spec.clone()), kind));
        let replaced = pools.insert(key, Arc::clone(&pool));
        drop(pools);
        if let Some(replaced) = replaced {
            tracing::debug!(function = %spec.name, version = %spec.version, "code or settings changed; old instances retire");
            replaced.retire();
        }
        pool
    }

    /// The kept log of a function name, created on first use.
    fn function_logs(&self, function_name: &str) -> Arc<FunctionLogs> {
        let capacity = self.inner.config.log_lines_per_function;
        Arc::clone(
            lock(&self.inner.logs)
                .entry(function_name.to_owned())
                .or_insert_with(|| Arc::new(FunctionLogs::new(capacity))),
        )
    }

    /// A new instance id, `c-<start time>-<number>` like the service's `c-624fd56e-...`.
    fn new_instance_id() -> String {
        let number = NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed);
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or_default();
        format!("c-{:08x}-{number:06}", seconds & 0xffff_ffff)
    }
}

impl Inner {
    fn reap(&self) -> usize {
        let pools: Vec<Arc<Pool>> = lock(&self.pools).values().cloned().collect();
        pools.iter().map(|pool| pool.reap()).sum()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(reaper) = lock(&self.reaper).take() {
            reaper.abort();
        }
        for (_, pool) in lock(&self.pools).drain() {
            pool.stop_all();
        }
    }
}

/// Stops idle instances every [`REAP_INTERVAL`] until the executor is dropped.
async fn reap_forever(inner: Weak<Inner>) {
    loop {
        tokio::time::sleep(REAP_INTERVAL).await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        inner.reap();
    }
}

//! What runs functions behind the API: one [`Executor`] per server, its work directory, and the
//! asynchronous tasks in flight.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::Config;
use crate::executor::{ExecError, Executor, ExecutorConfig, FunctionCredentials};
use crate::tasks::Registry;

/// Numbers the work directories of the servers of one process.
static NEXT_WORK_DIR: AtomicU64 = AtomicU64::new(1);

/// The executor, the async tasks and the directory functions are unpacked into.
///
/// Functions get the server's region, account id and access key pair (in their context, the
/// `x-fc-access-key-*` headers and the `ALIBABA_CLOUD_*` variables). The work directory is
/// `<temp dir>/fc-local-<pid>-<n>`; [`Engine::shutdown`] (and dropping the engine) stops every
/// instance and task and removes it.
#[derive(Debug)]
pub struct Engine {
    /// Runs the functions.
    pub executor: Executor,
    /// Asynchronous tasks running in this process.
    pub tasks: Arc<Registry>,
    work_dir: WorkDir,
}

impl Engine {
    /// An engine for a server with `config`. Must be called inside a Tokio runtime for idle
    /// instances to be stopped in the background.
    pub fn new(config: &Config) -> Result<Self, ExecError> {
        let number = NEXT_WORK_DIR.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("fc-local-{}-{number}", std::process::id()));
        let mut executor_config = ExecutorConfig::new(&dir);
        executor_config.region = config.region.clone();
        executor_config.account_id = config.account_id.clone();
        executor_config.python = config.python.clone();
        executor_config.node = config.node.clone();
        executor_config.log_lines_per_function = config.log_lines_per_function;
        executor_config.invocation_history = config.invocation_history;
        // Functions get temporary credentials, as a function's role gives them on the service.
        executor_config.credentials = Some(FunctionCredentials {
            access_key_id: config.issued.access_key_id.clone(),
            access_key_secret: config.issued.access_key_secret.clone(),
            security_token: Some(config.issued.security_token.clone()),
        });
        Ok(Self {
            executor: Executor::new(executor_config)?,
            tasks: Arc::new(Registry::new()),
            work_dir: WorkDir(dir),
        })
    }

    /// Where code packages are unpacked.
    pub fn work_dir(&self) -> &Path {
        &self.work_dir.0
    }

    /// Stops the running tasks and every instance (running invocations end as crashed),
    /// refuses further invocations, and removes the work directory.
    pub fn shutdown(&self) {
        self.tasks.abort_all();
        self.executor.shutdown();
        self.work_dir.remove();
    }
}

/// The work directory, removed when dropped.
#[derive(Debug)]
struct WorkDir(PathBuf);

impl WorkDir {
    fn remove(&self) {
        if let Err(err) = std::fs::remove_dir_all(&self.0)
            && err.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(dir = %self.0.display(), %err, "cannot remove the work directory");
        }
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        self.remove();
    }
}

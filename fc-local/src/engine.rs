//! What runs functions behind the API: one [`Executor`] per server, its work directory, and the
//! asynchronous tasks in flight.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::Config;
use crate::executor::{ExecError, Executor, ExecutorConfig, FunctionCredentials};
use crate::sessions::Sessions;
use crate::tasks::Registry;

/// Numbers the work directories of the servers of one process.
static NEXT_WORK_DIR: AtomicU64 = AtomicU64::new(1);

/// The executor, the async tasks and the directory functions are unpacked into.
///
/// Functions get the server's region, account id and access key pair (in their context, the
/// `x-fc-access-key-*` headers and the `ALIBABA_CLOUD_*` variables). The work directory is
/// `<temp dir>/fc-local-<pid>-<n>-<random>`, created new (never one that exists, so nothing
/// planted there in advance is used) and private (mode 0700); the work directories that
/// servers killed before they could clean up left behind (their process is gone, the owner is
/// the same user) are removed when it is created. [`Engine::shutdown`] (and dropping the
/// engine) stops every instance and task and removes it.
#[derive(Debug)]
pub struct Engine {
    /// Runs the functions.
    pub executor: Executor,
    /// Asynchronous tasks running in this process.
    pub tasks: Arc<Registry>,
    /// The sessions of functions with session affinity, and their snapshots.
    pub sessions: Arc<Sessions>,
    sweeper: Option<tokio::task::JoinHandle<()>>,
    work_dir: WorkDir,
}

impl Engine {
    /// An engine for a server with `config`. Must be called inside a Tokio runtime for idle
    /// instances to be stopped in the background.
    pub fn new(config: &Config) -> Result<Self, ExecError> {
        let work_dir = WorkDir::create(&std::env::temp_dir())?;
        let dir = work_dir.0.clone();
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
        let executor = Executor::new(executor_config)?;
        let sessions = Arc::new(Sessions::new(dir.join("sessions"), executor.clone()));
        let sweeper = tokio::runtime::Handle::try_current()
            .ok()
            .map(|runtime| runtime.spawn(sweep_forever(Arc::downgrade(&sessions))));
        Ok(Self {
            executor,
            tasks: Arc::new(Registry::new()),
            sessions,
            sweeper,
            work_dir,
        })
    }

    /// Where code packages are unpacked.
    pub fn work_dir(&self) -> &Path {
        &self.work_dir.0
    }

    /// Stops the running tasks and every instance (running invocations end as crashed),
    /// refuses further invocations, and removes the work directory.
    pub fn shutdown(&self) {
        if let Some(sweeper) = &self.sweeper {
            sweeper.abort();
        }
        self.tasks.abort_all();
        self.executor.shutdown();
        self.work_dir.remove();
    }
}

/// How often the sessions' clocks are looked at without a request.
const SWEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// Ends the sessions whose time is up every [`SWEEP_INTERVAL`], until the engine is gone.
async fn sweep_forever(sessions: std::sync::Weak<Sessions>) {
    loop {
        tokio::time::sleep(SWEEP_INTERVAL).await;
        let Some(sessions) = sessions.upgrade() else {
            return;
        };
        sessions.sweep();
    }
}

/// The work directory, removed when dropped.
#[derive(Debug)]
struct WorkDir(PathBuf);

impl WorkDir {
    /// A new private directory under `temp`, after sweeping the stale ones there.
    fn create(temp: &Path) -> Result<Self, ExecError> {
        let number = NEXT_WORK_DIR.fetch_add(1, Ordering::Relaxed);
        let random = crate::request_id::new_request_id().replace('-', "");
        let dir = temp.join(format!(
            "fc-local-{}-{number}-{}",
            std::process::id(),
            &random[..16]
        ));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        // `create`, not `create_all`: an existing path (a directory, a planted symlink) fails.
        builder.create(&dir).map_err(|source| ExecError::Io {
            path: dir.clone(),
            source,
        })?;
        sweep_stale(temp, &dir);
        Ok(WorkDir(dir))
    }

    fn remove(&self) {
        if let Err(err) = std::fs::remove_dir_all(&self.0)
            && err.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(dir = %self.0.display(), %err, "cannot remove the work directory");
        }
    }
}

/// Removes the work directories under `temp` whose server process no longer runs and whose
/// owner is the owner of `ours` (a directory, not a symlink, named `fc-local-<pid>-<n>[-...]`).
fn sweep_stale(temp: &Path, ours: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    let owner = |path: &Path| {
        std::fs::symlink_metadata(path)
            .ok()
            .filter(|m| m.is_dir())
            .map(|m| {
                #[cfg(unix)]
                {
                    std::os::unix::fs::MetadataExt::uid(&m)
                }
                #[cfg(not(unix))]
                {
                    let _ = m;
                    0
                }
            })
    };
    let Some(our_owner) = owner(ours) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(server_pid) else {
            continue;
        };
        if pid == std::process::id() || process_runs(pid) || owner(&path) != Some(our_owner) {
            continue;
        }
        match std::fs::remove_dir_all(&path) {
            Ok(()) => {
                tracing::info!(dir = %path.display(), "removed the work directory of a server that is gone")
            }
            Err(err) => {
                tracing::debug!(dir = %path.display(), %err, "cannot remove a stale work directory")
            }
        }
    }
}

/// The server pid in a work directory name `fc-local-<pid>-<n>` or `fc-local-<pid>-<n>-<random>`.
fn server_pid(name: &str) -> Option<u32> {
    let mut parts = name.strip_prefix("fc-local-")?.splitn(3, '-');
    let pid = parts.next()?.parse().ok()?;
    let number = parts.next()?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then_some(pid)
}

/// Whether a process `pid` runs (`kill -0`, which only asks).
fn process_runs(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        self.remove();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_dir_names_give_their_server_pid() {
        assert_eq!(server_pid("fc-local-123-4-0a1b2c3d4e5f6a7b"), Some(123));
        assert_eq!(server_pid("fc-local-123-4"), Some(123));
        assert_eq!(server_pid("fc-local-orphan-1-2"), None);
        assert_eq!(server_pid("fc-local-123-x"), None);
        assert_eq!(server_pid("other-123-4"), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_work_dir_is_new_private_and_stale_ones_are_swept() {
        use std::os::unix::fs::PermissionsExt;
        let temp = std::env::temp_dir().join(format!("fc-local-sweep-test-{}", std::process::id()));
        std::fs::create_dir_all(&temp).unwrap();
        // A server that is gone (no process has pid u32::MAX - 1) left its directory.
        let stale = temp.join(format!("fc-local-{}-1-deadbeef", u32::MAX - 1));
        std::fs::create_dir_all(stale.join("code")).unwrap();
        // A live server's directory stays (ours, by pid).
        let live = temp.join(format!("fc-local-{}-999", std::process::id()));
        std::fs::create_dir_all(&live).unwrap();

        let work = WorkDir::create(&temp).unwrap();
        let mode = std::fs::metadata(&work.0).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert!(!stale.exists(), "the stale directory was swept");
        assert!(live.exists(), "a running server's directory is kept");
        drop(work);
        std::fs::remove_dir_all(&temp).unwrap();
    }
}

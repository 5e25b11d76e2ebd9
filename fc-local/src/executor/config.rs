//! Settings shared by every function an [`Executor`](super::Executor) runs.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Default cap on instances per (function, version): [`ExecutorConfig::max_instances_per_function`].
pub const DEFAULT_MAX_INSTANCES: usize = 4;

/// Default time an instance gets to listen on its port: [`ExecutorConfig::startup_timeout`].
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Default number of log lines kept per function: [`ExecutorConfig::log_lines_per_function`].
pub const DEFAULT_LOG_LINES: usize = 5_000;

/// Default number of invocations kept in the history: [`ExecutorConfig::invocation_history`].
pub const DEFAULT_INVOCATION_HISTORY: usize = 1_000;

/// How the executor runs functions: where it unpacks code, how many instances it starts, what
/// the functions see as region, account and credentials, and which interpreters it uses.
///
/// ```
/// use fc_local::executor::ExecutorConfig;
///
/// let config = ExecutorConfig::new("/tmp/fc-local-work");
/// assert_eq!(config.max_instances_per_function, 4);
/// assert_eq!(config.python.to_str(), Some("python3"));
/// ```
#[derive(Clone, Debug)]
pub struct ExecutorConfig {
    /// Directory for unpacked code and bootstrap scripts: `<work_dir>/<function>/<version>-<checksum>/`.
    pub work_dir: PathBuf,
    /// Most instances started for one (function, version) at a time; more concurrent calls wait
    /// for a free instance. At least 1.
    pub max_instances_per_function: usize,
    /// Region given to functions (`context.region`, `FC_REGION`, `x-fc-region`).
    pub region: String,
    /// Account id given to functions (`context.account_id`, `FC_ACCOUNT_ID`, `x-fc-account-id`).
    pub account_id: String,
    /// FunctionCredentials put in the context, the `x-fc-access-key-*` headers and the
    /// `ALIBABA_CLOUD_*` variables; `None` leaves them empty.
    pub credentials: Option<FunctionCredentials>,
    /// Python 3 interpreter for `python3*` runtimes (looked up in `PATH` if bare).
    pub python: PathBuf,
    /// Node.js interpreter for `nodejs*` runtimes (looked up in `PATH` if bare).
    pub node: PathBuf,
    /// How long a new instance may take to accept connections on its port.
    pub startup_timeout: Duration,
    /// Cap on the uncompressed size of a code package.
    pub max_code_size: u64,
    /// Log lines kept per function name for [`Executor::logs`](super::Executor::logs).
    pub log_lines_per_function: usize,
    /// Invocations kept for [`Executor::invocations`](super::Executor::invocations), all
    /// functions together, oldest dropped first.
    pub invocation_history: usize,
}

impl ExecutorConfig {
    /// Defaults: 4 instances per function, region `cn-hangzhou`, account `1234567890123456`,
    /// no credentials, `python3` and `node` from `PATH`, 30 s startup timeout, the code-size cap
    /// of [`fc_client::code::DEFAULT_MAX_UNCOMPRESSED`], 5,000 log lines per function, 1,000
    /// invocations in the history.
    pub fn new(work_dir: impl Into<PathBuf>) -> Self {
        ExecutorConfig {
            work_dir: work_dir.into(),
            max_instances_per_function: DEFAULT_MAX_INSTANCES,
            region: "cn-hangzhou".to_owned(),
            account_id: "1234567890123456".to_owned(),
            credentials: None,
            python: PathBuf::from("python3"),
            node: PathBuf::from("node"),
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
            max_code_size: crate::config::MAX_UNPACKED_CODE_BYTES,
            log_lines_per_function: DEFAULT_LOG_LINES,
            invocation_history: DEFAULT_INVOCATION_HISTORY,
        }
    }
}

/// FunctionCredentials handed to functions (the service gives them the function role's STS token).
#[derive(Clone, PartialEq, Eq)]
pub struct FunctionCredentials {
    /// `access_key_id` / `ALIBABA_CLOUD_ACCESS_KEY_ID`.
    pub access_key_id: String,
    /// `access_key_secret` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET`.
    pub access_key_secret: String,
    /// `security_token` / `ALIBABA_CLOUD_SECURITY_TOKEN`, if any.
    pub security_token: Option<String>,
}

impl fmt::Debug for FunctionCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FunctionCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

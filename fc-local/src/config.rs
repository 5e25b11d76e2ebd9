//! Settings of one emulator instance.

use std::fmt;
use std::path::PathBuf;

use crate::sts::IssuedCredentials;

/// Access key id used when none is configured. Test credentials only: they grant nothing
/// anywhere but in fc-local.
pub const DEFAULT_ACCESS_KEY_ID: &str = "LTAIfclocaltestkey";
/// Access key secret used when none is configured (see [`DEFAULT_ACCESS_KEY_ID`]).
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "fc-local-test-secret";
/// Region reported in ARNs when none is configured.
pub const DEFAULT_REGION: &str = "cn-hangzhou";
/// Account id reported in ARNs when none is configured.
pub const DEFAULT_ACCOUNT_ID: &str = "1234567890123456";

/// Largest code package accepted in `code.zipFile`, decoded: 100 MiB (limits.md §3).
pub const MAX_CODE_BYTES: usize = 100 * 1024 * 1024;
/// Largest code package once unpacked, as its entries declare it: 512 MiB (fc-local's choice:
/// the service documents no unpacked limit; its instances' disk is 512 MB by default). A package
/// declaring more is refused at CreateFunction/UpdateFunction/CreateLayerVersion before anything
/// is inflated, and unpacking never writes more than the entries declared.
pub const MAX_UNPACKED_CODE_BYTES: u64 = 512 * 1024 * 1024;
/// Largest request body: a JSON document carrying a base64 package of [`MAX_CODE_BYTES`]
/// (4 characters per 3 bytes) plus 1 MiB for the rest of the configuration.
pub const MAX_BODY_BYTES: usize = MAX_CODE_BYTES.div_ceil(3) * 4 + 1024 * 1024;
/// Largest clock difference accepted in `x-acs-date`, in seconds.
pub const MAX_CLOCK_SKEW_SECS: u64 = 15 * 60;
/// How long a code download link from GetFunctionCode stays valid, in seconds.
pub const CODE_URL_TTL_SECS: u64 = 30 * 60;

/// Everything that configures an emulator instance.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// The access key id clients must sign with.
    pub access_key_id: String,
    /// The matching secret.
    pub access_key_secret: String,
    /// Region used in ARNs.
    pub region: String,
    /// Account id used in ARNs.
    pub account_id: String,
    /// Whether signatures are checked (`--no-auth` turns this off).
    pub auth: bool,
    /// Where state is persisted; `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    /// Request bodies above this many bytes get `413 EntityTooLarge`.
    pub max_body_bytes: usize,
    /// Decoded code packages above this many bytes get `413 EntityTooLarge`.
    pub max_code_bytes: usize,
    /// The temporary credentials handed to functions, also accepted with their token.
    pub issued: IssuedCredentials,
    /// The Python 3 interpreter for `python3*` runtimes (`python3` from `PATH` by default).
    pub python: PathBuf,
    /// The Node.js interpreter for `nodejs*` runtimes (`node` from `PATH` by default).
    pub node: PathBuf,
    /// Host names (lower case) accepted in `Host` and `Origin` besides IP addresses,
    /// `localhost`, `*.localhost` and the custom domains (`crate::guard`).
    pub allowed_hosts: Vec<String>,
    /// Log lines kept per function name, also after the function is deleted (`--log-lines`).
    pub log_lines_per_function: usize,
    /// Invocations kept in the history the console shows (`--history`).
    pub invocation_history: usize,
    /// Fault rules in force from the start (`--fault`; `crate::faults`).
    pub faults: Vec<crate::faults::FaultRule>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field("region", &self.region)
            .field("account_id", &self.account_id)
            .field("auth", &self.auth)
            .field("data_dir", &self.data_dir)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_code_bytes", &self.max_code_bytes)
            .field("issued", &self.issued)
            .field("python", &self.python)
            .field("node", &self.node)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("log_lines_per_function", &self.log_lines_per_function)
            .field("invocation_history", &self.invocation_history)
            .field("faults", &self.faults)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            access_key_id: DEFAULT_ACCESS_KEY_ID.to_owned(),
            access_key_secret: DEFAULT_ACCESS_KEY_SECRET.to_owned(),
            region: DEFAULT_REGION.to_owned(),
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            auth: true,
            data_dir: None,
            max_body_bytes: MAX_BODY_BYTES,
            max_code_bytes: MAX_CODE_BYTES,
            issued: IssuedCredentials::issue(),
            python: PathBuf::from("python3"),
            node: PathBuf::from("node"),
            allowed_hosts: Vec::new(),
            log_lines_per_function: crate::executor::DEFAULT_LOG_LINES,
            invocation_history: crate::executor::DEFAULT_INVOCATION_HISTORY,
            faults: Vec::new(),
        }
    }
}

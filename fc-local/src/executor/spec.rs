//! What the executor needs to know about a function: code, runtime, handler and limits.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;

use super::error::ExecError;

/// The runtimes fc-local runs, for error messages.
pub const SUPPORTED_RUNTIMES: &str = "python3.x (python3, python3.9, python3.10, python3.12...), nodejs* (nodejs14, nodejs16, \
     nodejs18, nodejs20...), custom, custom.debian10, custom.debian11, custom.debian12";

/// Default function timeout (the service's default for CreateFunction).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// Default time an idle instance is kept warm.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// How an instance of a runtime is started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuntimeKind {
    /// `python3*`: fc-local's Python bootstrap calls `module.function(event, context)`.
    Python,
    /// `nodejs*`: fc-local's Node.js bootstrap calls `exports.function(event, context[, callback])`.
    Node,
    /// `custom*`: the function's own `customRuntimeConfig.command`, spoken to over HTTP.
    Custom,
}

impl RuntimeKind {
    /// Classifies a runtime name, or says it is not supported (naming the supported ones).
    ///
    /// ```
    /// use fc_local::executor::RuntimeKind;
    ///
    /// assert_eq!(RuntimeKind::of("python3.10").ok(), Some(RuntimeKind::Python));
    /// assert_eq!(RuntimeKind::of("nodejs20").ok(), Some(RuntimeKind::Node));
    /// assert_eq!(RuntimeKind::of("custom.debian10").ok(), Some(RuntimeKind::Custom));
    /// assert!(RuntimeKind::of("java11").is_err());
    /// ```
    pub fn of(runtime: &str) -> Result<RuntimeKind, ExecError> {
        let kind = if runtime.starts_with("python3") {
            Some(RuntimeKind::Python)
        } else if runtime.starts_with("nodejs") {
            Some(RuntimeKind::Node)
        } else if runtime == "custom" || runtime.starts_with("custom.debian") {
            Some(RuntimeKind::Custom)
        } else {
            None
        };
        kind.ok_or_else(|| ExecError::UnsupportedRuntime {
            runtime: runtime.to_owned(),
            supported: SUPPORTED_RUNTIMES,
        })
    }
}

/// One version of a function as the executor runs it.
///
/// Instances are shared by invocations with the same `name`, `version` and `code_checksum`
/// and the same settings; a spec that differs in any of them (new code, new environment...)
/// gets new instances and the old ones are stopped.
///
/// ```
/// use fc_local::executor::FunctionSpec;
///
/// let spec = FunctionSpec::new("hello", "python3.10", "index.handler", Vec::new());
/// assert_eq!(spec.version, "LATEST");
/// assert_eq!(spec.memory_mb, 128);
/// assert_eq!(spec.instance_concurrency, 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSpec {
    /// Function name.
    pub name: String,
    /// `LATEST` or a published version id.
    pub version: String,
    /// Checksum of `code_zip` (the API's CRC-64 string); new code means new instances.
    pub code_checksum: String,
    /// The code package (a ZIP).
    pub code_zip: Bytes,
    /// A directory to run from instead of unpacking `code_zip` (live code): include a
    /// fingerprint of its files in `code_checksum`, so that an edit means new instances.
    pub code_dir: Option<std::path::PathBuf>,
    /// Runtime name, e.g. `python3.10`, `nodejs20`, `custom.debian10`.
    pub runtime: String,
    /// Handler, `file.function` for Python and Node.js (passed along for custom runtimes).
    pub handler: String,
    /// Memory size in MB (reported to the function; not enforced).
    pub memory_mb: u32,
    /// Longest an invocation may run; the instance is killed when it is exceeded.
    pub timeout: Duration,
    /// The function's environment variables.
    pub env: BTreeMap<String, String>,
    /// `instanceLifecycleConfig.initializer`, run once per instance.
    pub initializer: Option<InitializerSpec>,
    /// Invocations one instance runs at a time (`instanceConcurrency`, at least 1).
    pub instance_concurrency: u32,
    /// An instance idle this long is stopped.
    pub idle_timeout: Duration,
    /// `customRuntimeConfig` for `custom*` runtimes.
    pub custom_runtime: Option<CustomRuntimeSpec>,
    /// The function's layers, in its `layers` order: unpacked into the instance's `/opt`, where
    /// the first layer's file wins over a later layer's file of the same path.
    pub layers: Vec<LayerCode>,
}

/// One layer version's code, as a function uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerCode {
    /// The layer version's ARN.
    pub arn: String,
    /// Checksum of `zip`: the unpacked layer is shared by every function using it.
    pub checksum: String,
    /// The layer's code package (a ZIP).
    pub zip: Bytes,
}

impl FunctionSpec {
    /// A spec with defaults: version `LATEST`, checksum computed from `code_zip`, 128 MB,
    /// 3 s timeout, no variables, no initializer, concurrency 1, 300 s idle timeout.
    pub fn new(
        name: impl Into<String>,
        runtime: impl Into<String>,
        handler: impl Into<String>,
        code_zip: impl Into<Bytes>,
    ) -> Self {
        let code_zip = code_zip.into();
        FunctionSpec {
            name: name.into(),
            version: "LATEST".to_owned(),
            code_checksum: fc_client::code::checksum_string(&code_zip),
            code_zip,
            code_dir: None,
            runtime: runtime.into(),
            handler: handler.into(),
            memory_mb: 128,
            timeout: DEFAULT_TIMEOUT,
            env: BTreeMap::new(),
            initializer: None,
            instance_concurrency: 1,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            custom_runtime: None,
            layers: Vec::new(),
        }
    }

    /// Checks the spec can be run and returns how its instances start.
    pub(crate) fn validate(&self) -> Result<RuntimeKind, ExecError> {
        let invalid = |reason: &str| ExecError::InvalidSpec {
            function: self.name.clone(),
            reason: reason.to_owned(),
        };
        let kind = RuntimeKind::of(&self.runtime)?;
        if self.name.is_empty() {
            return Err(invalid("the function name is empty"));
        }
        if self.timeout.is_zero() {
            return Err(invalid("the timeout is zero"));
        }
        if kind != RuntimeKind::Custom && !self.handler.contains('.') {
            return Err(invalid(&format!(
                "handler {:?} is not of the form file.function",
                self.handler
            )));
        }
        if let Some(init) = &self.initializer {
            if init.timeout.is_zero() {
                return Err(invalid("the initializer timeout is zero"));
            }
            if kind != RuntimeKind::Custom && !init.handler.contains('.') {
                return Err(invalid(&format!(
                    "initializer {:?} is not of the form file.function",
                    init.handler
                )));
            }
        }
        Ok(kind)
    }

    /// Whether `other` can share instances with `self` (everything equal but possibly the
    /// code bytes, which the checksum stands for).
    pub(crate) fn same_instances(&self, other: &FunctionSpec) -> bool {
        self.name == other.name
            && self.version == other.version
            && self.code_checksum == other.code_checksum
            && self.runtime == other.runtime
            && self.handler == other.handler
            && self.memory_mb == other.memory_mb
            && self.timeout == other.timeout
            && self.env == other.env
            && self.initializer == other.initializer
            && self.instance_concurrency == other.instance_concurrency
            && self.idle_timeout == other.idle_timeout
            && self.custom_runtime == other.custom_runtime
            && self.layers.len() == other.layers.len()
            && self
                .layers
                .iter()
                .zip(&other.layers)
                .all(|(a, b)| a.arn == b.arn && a.checksum == b.checksum)
    }
}

/// `instanceLifecycleConfig.initializer`: a hook run once on each new instance before its first
/// invocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitializerSpec {
    /// `file.function` for Python and Node.js; custom runtimes get `POST /initialize`.
    pub handler: String,
    /// Longest the initializer may run.
    pub timeout: Duration,
}

/// `customRuntimeConfig`: how a custom runtime's server is started.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomRuntimeSpec {
    /// Program and leading arguments; empty means `/code/bootstrap`. A leading `/code/` in
    /// the command or arguments is mapped to the unpacked code directory; a relative path with
    /// a `/` is resolved against the code directory.
    pub command: Vec<String>,
    /// Further arguments.
    pub args: Vec<String>,
    /// The port configured for the function (default 9000). fc-local starts several instances
    /// on one machine, so each gets its own port in `FC_CUSTOM_LISTEN_PORT` and
    /// `FC_SERVER_PORT`; the server must listen there.
    pub port: Option<u16>,
}

//! Failures of the emulator itself (as opposed to errors of the function's code, which are
//! reported inside an [`InvocationOutcome`](super::InvocationOutcome)).

use std::path::PathBuf;
use std::time::Duration;

use fc_client::code::{ExtractError, ZipReadError};
use fc_models::ErrorCode;

/// Why the executor could not run an invocation at all.
///
/// Errors raised by the user's code (exceptions, crashes, timeouts, failed initializers) are not
/// `ExecError`s: they come back as an [`InvocationOutcome`](super::InvocationOutcome) with an
/// `error_type`, as the service reports them. An `ExecError` means the emulator could not get an
/// instance to run the code on; the HTTP layer turns it into an API error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// The function's runtime is one fc-local cannot run.
    #[error("runtime {runtime:?} is not supported by fc-local; supported runtimes: {supported}")]
    UnsupportedRuntime {
        /// The runtime named by the function.
        runtime: String,
        /// A readable list of the runtimes fc-local runs.
        supported: &'static str,
    },
    /// The function specification cannot be run as given (empty handler, zero timeout...).
    #[error("function {function}: {reason}")]
    InvalidSpec {
        /// The function name.
        function: String,
        /// What is wrong.
        reason: String,
    },
    /// The code package is not a readable ZIP (or inflates past the configured cap).
    #[error("cannot read the code package of function {function}: {source}")]
    CodeRead {
        /// The function name.
        function: String,
        /// The reader's error.
        source: ZipReadError,
    },
    /// The code package could not be written to the work directory.
    #[error("cannot unpack the code of function {function} into {}: {source}", dir.display())]
    CodeExtract {
        /// The function name.
        function: String,
        /// Where the code was being unpacked.
        dir: PathBuf,
        /// The extraction error.
        source: ExtractError,
    },
    /// A file or directory of the work directory could not be prepared.
    #[error("cannot prepare {}: {source}", path.display())]
    Io {
        /// The path being written.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The interpreter a runtime needs (python3, node) cannot be started.
    #[error(
        "{} is needed to run {runtime} functions but cannot be started: {source} \
         (set it with fc-local --python / --node, FcLocal::python / FcLocal::node, or ExecutorConfig::python / ExecutorConfig::node)",
        program.display()
    )]
    InterpreterMissing {
        /// The interpreter program.
        program: PathBuf,
        /// The function's runtime.
        runtime: String,
        /// Why spawning failed.
        source: std::io::Error,
    },
    /// The start command of an instance could not be spawned.
    #[error("cannot start instance of function {function} with command {command:?}: {source}")]
    SpawnFailed {
        /// The function name.
        function: String,
        /// The program that was to be started.
        command: String,
        /// Why spawning failed.
        source: std::io::Error,
    },
    /// The instance process exited before it listened on its port.
    #[error(
        "instance {instance_id} of function {function} exited ({status}) before listening on \
         port {port}; last output:\n{output}"
    )]
    InstanceExited {
        /// The function name.
        function: String,
        /// The instance id.
        instance_id: String,
        /// The port it was told to listen on.
        port: u16,
        /// The exit status, as text.
        status: String,
        /// The last lines the process printed.
        output: String,
    },
    /// The instance did not accept connections on its port in time.
    #[error(
        "instance {instance_id} of function {function} did not listen on port {port} within \
         {waited:?} (a custom runtime must listen on the port given in FC_CUSTOM_LISTEN_PORT / \
         FC_SERVER_PORT); last output:\n{output}"
    )]
    StartTimeout {
        /// The function name.
        function: String,
        /// The instance id.
        instance_id: String,
        /// The port it was told to listen on.
        port: u16,
        /// How long the executor waited.
        waited: Duration,
        /// The last lines the process printed.
        output: String,
    },
    /// No free local TCP port could be reserved for a new instance.
    #[error("cannot find a free local port for a new instance: {0}")]
    NoPort(std::io::Error),
    /// [`Executor::shutdown`](super::Executor::shutdown) was called.
    #[error("the executor is shut down")]
    ShutDown,
}

impl ExecError {
    /// The FC error `Code` the API should answer with (see `errors.md`), whose status is the
    /// one the shared list gives it: a bad package or spec is the caller's (400
    /// `InvalidArgument`); a start command that is missing, not executable, or exits is 412
    /// `CAFileNotFound` / `CAFilePermission` / `CAExited`; a server that never listens is 412
    /// `PreconditionFailed`; shutdown is 503 `ResourceThrottled`; everything else (missing
    /// interpreter, disk, ports) is 500 `InternalServerError`. The mapping of start failures is
    /// a choice: the service's exact codes for them are not documented.
    ///
    /// ```
    /// use fc_local::executor::ExecError;
    /// use fc_models::ErrorCode;
    ///
    /// assert_eq!(ExecError::ShutDown.code(), ErrorCode::ResourceThrottled);
    /// assert_eq!(ExecError::ShutDown.code().status(), 503);
    /// ```
    pub fn code(&self) -> ErrorCode {
        use std::io::ErrorKind;
        match self {
            ExecError::UnsupportedRuntime { .. }
            | ExecError::InvalidSpec { .. }
            | ExecError::CodeRead { .. }
            | ExecError::CodeExtract { .. } => ErrorCode::InvalidArgument,
            ExecError::SpawnFailed { source, .. } if source.kind() == ErrorKind::NotFound => {
                ErrorCode::CAFileNotFound
            }
            ExecError::SpawnFailed { source, .. }
                if source.kind() == ErrorKind::PermissionDenied =>
            {
                ErrorCode::CAFilePermission
            }
            ExecError::InstanceExited { .. } => ErrorCode::CAExited,
            ExecError::StartTimeout { .. } => ErrorCode::PreconditionFailed,
            ExecError::ShutDown => ErrorCode::ResourceThrottled,
            ExecError::InterpreterMissing { .. }
            | ExecError::SpawnFailed { .. }
            | ExecError::Io { .. }
            | ExecError::NoPort(_) => ErrorCode::InternalServerError,
        }
    }
}

//! One function instance: a child process serving the custom-runtime HTTP protocol on a local
//! port, its output pipe, and how it is stopped.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::HeaderMap;

use super::config::ExecutorConfig;
use super::error::ExecError;
use super::logs::{FunctionLogs, InstanceLog, lock};
use super::protocol::instance_env;
use super::session::Signal;
#[cfg(unix)]
use super::session::signal_group;
use super::spec::{FunctionSpec, RuntimeKind};
use super::unpack::PreparedCode;

/// What starting an instance needs.
pub(crate) struct Launch<'a> {
    pub(crate) config: &'a ExecutorConfig,
    pub(crate) spec: &'a FunctionSpec,
    pub(crate) kind: RuntimeKind,
    pub(crate) code: &'a PreparedCode,
    pub(crate) instance_id: String,
    pub(crate) function_logs: Arc<FunctionLogs>,
    /// The session's directory, the instance's `TMPDIR` (`None`: the instance shares fc-local's).
    pub(crate) tmp_dir: Option<&'a std::path::Path>,
}

/// A running instance.
#[derive(Debug)]
pub(crate) struct Instance {
    /// Instance id (`FC_INSTANCE_ID`, `X-Fc-Instance-Id`).
    pub(crate) id: String,
    /// The local port it serves on.
    pub(crate) port: u16,
    /// Its output.
    pub(crate) log: Arc<InstanceLog>,
    pid: Option<u32>,
    child: Mutex<tokio::process::Child>,
    killed: AtomicBool,
}

/// An instance's HTTP answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// Why an instance gave no HTTP answer.
#[derive(Debug)]
pub(crate) enum PostError {
    /// No answer within the time allowed.
    TimedOut,
    /// The connection failed or closed before a full answer.
    Broken(String),
}

impl Instance {
    /// Starts the process and waits until it accepts connections on its port.
    pub(crate) async fn start(launch: Launch<'_>) -> Result<Instance, ExecError> {
        let Launch {
            config,
            spec,
            kind,
            code,
            instance_id,
            function_logs,
            tmp_dir,
        } = launch;
        let port = free_port().map_err(ExecError::NoPort)?;
        let (program, args) = command_line(config, spec, kind, code);
        let mut env = instance_env(config, spec, kind, code, &instance_id, port);
        if let Some(dir) = tmp_dir {
            for name in ["TMPDIR", "TMP", "TEMP"] {
                env.set.insert(name.to_owned(), dir.display().to_string());
            }
        }
        let pipe_error = |source| ExecError::Io {
            path: PathBuf::from("<output pipe>"),
            source,
        };
        let (reader, writer) = std::io::pipe().map_err(pipe_error)?;
        let writer_too = writer.try_clone().map_err(pipe_error)?;

        let missing = |source: std::io::Error| match kind {
            RuntimeKind::Python | RuntimeKind::Node
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                ExecError::InterpreterMissing {
                    program: program.clone(),
                    runtime: spec.runtime.clone(),
                    source,
                }
            }
            _ => ExecError::SpawnFailed {
                function: spec.name.clone(),
                command: program.display().to_string(),
                source,
            },
        };
        let mut command = watched(&find_program(&program, &code.code_dir).map_err(missing)?);
        command
            .args(&args)
            .current_dir(&code.code_dir)
            .stdout(writer)
            .stderr(writer_too)
            .kill_on_drop(true);
        for name in env.remove {
            command.env_remove(name);
        }
        command.envs(&env.set);
        #[cfg(unix)]
        command.process_group(0);
        let spawned = command.spawn();
        // The command holds the pipe's write ends; only the child may keep them open, so that
        // the reader sees end of file when the instance exits.
        drop(command);
        let child = spawned.map_err(|source| ExecError::SpawnFailed {
            function: spec.name.clone(),
            command: program.display().to_string(),
            source,
        })?;
        let log = InstanceLog::new(instance_id.clone(), function_logs);
        log.spawn_reader(reader);
        let instance = Instance {
            id: instance_id,
            port,
            log,
            pid: child.id(),
            child: Mutex::new(child),
            killed: AtomicBool::new(false),
        };
        tracing::debug!(function = %spec.name, instance = %instance.id, port, "instance started");
        instance
            .wait_ready(&spec.name, config.startup_timeout)
            .await?;
        Ok(instance)
    }

    /// Polls the port until it accepts a connection, the process exits, or time runs out.
    async fn wait_ready(&self, function: &str, timeout: Duration) -> Result<(), ExecError> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.exit_status() {
                self.kill();
                self.log.wait_closed(Duration::from_millis(500)).await;
                return Err(ExecError::InstanceExited {
                    function: function.to_owned(),
                    instance_id: self.id.clone(),
                    port: self.port,
                    status: status.to_string(),
                    output: self.log.recent_output(),
                });
            }
            let connect = tokio::net::TcpStream::connect(("127.0.0.1", self.port));
            if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_millis(250), connect).await {
                return Ok(());
            }
            if started.elapsed() >= timeout {
                self.kill();
                self.log.wait_closed(Duration::from_millis(500)).await;
                return Err(ExecError::StartTimeout {
                    function: function.to_owned(),
                    instance_id: self.id.clone(),
                    port: self.port,
                    waited: timeout,
                    output: self.log.recent_output(),
                });
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Sends `POST path` and reads the whole answer within `timeout`.
    pub(crate) async fn post(
        &self,
        client: &reqwest::Client,
        path: &str,
        headers: HeaderMap,
        body: Bytes,
        timeout: Duration,
    ) -> Result<Answer, PostError> {
        self.send(client, reqwest::Method::POST, path, headers, body, timeout)
            .await
    }

    /// Sends `method path_and_query` and reads the whole answer within `timeout`.
    pub(crate) async fn send(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
        path_and_query: &str,
        headers: HeaderMap,
        body: Bytes,
        timeout: Duration,
    ) -> Result<Answer, PostError> {
        let url = format!("http://127.0.0.1:{}{path_and_query}", self.port);
        let exchange = async {
            let response = client
                .request(method, url)
                .headers(headers)
                .body(body)
                .send()
                .await
                .map_err(|error| PostError::Broken(error.to_string()))?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response
                .bytes()
                .await
                .map_err(|error| PostError::Broken(error.to_string()))?;
            Ok(Answer {
                status,
                headers,
                body,
            })
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(answer) => answer,
            Err(_) => Err(PostError::TimedOut),
        }
    }

    /// The exit status, if the process has exited.
    pub(crate) fn exit_status(&self) -> Option<ExitStatus> {
        lock(&self.child).try_wait().ok().flatten()
    }

    /// Waits up to `max` for the process to exit; its status if it did.
    pub(crate) async fn exited_within(&self, max: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.exit_status() {
                return Some(status);
            }
            if started.elapsed() >= max {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Peak resident memory of the instance's main process so far, in MB (Linux: `VmHWM` in
    /// `/proc/<pid>/status`; `None` elsewhere or once the process is gone).
    pub(crate) fn peak_memory_mb(&self) -> Option<f64> {
        if self.killed.load(Ordering::SeqCst) {
            return None;
        }
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid?)).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        let kilobytes: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kilobytes / 1024.0)
    }

    /// Stops (`Signal::Stop`) or continues (`Signal::Continue`) every process of the instance.
    pub(crate) fn signal(&self, signal: Signal) {
        if self.killed.load(Ordering::SeqCst) {
            return;
        }
        #[cfg(unix)]
        if let Some(pid) = self.pid {
            signal_group(pid, signal);
        }
    }

    /// Kills the process and everything it started (its process group). Idempotent.
    pub(crate) fn kill(&self) {
        if self.killed.swap(true, Ordering::SeqCst) {
            return;
        }
        tracing::debug!(instance = %self.id, "stopping instance");
        #[cfg(unix)]
        if let Some(pid) = self.pid {
            signal_group(pid, Signal::Kill);
        }
        let _ = lock(&self.child).start_kill();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The watchdog every instance runs beside it (on Unix): the program is started by `/bin/sh`,
/// which first forks a subshell that reads the instance's stdin (as fd 3: a shell gives a
/// background list `/dev/null` for its fd 0), a pipe whose only writer is this process, then
/// execs the program with stdin from `/dev/null` and fd 3 closed. When fc-local exits by any
/// means, `kill -9` included, the kernel closes the pipe, the subshell reads end of file and
/// kills the instance's process group (itself included), so no instance outlives its server.
#[cfg(unix)]
const WATCHDOG: &str = "exec 3<&0; ( while read -r _ <&3; do :; done; kill -KILL 0 ) & exec \"$0\" \"$@\" </dev/null 3<&-";

/// The command that starts `program` under the watchdog (its arguments follow).
fn watched(program: &std::path::Path) -> tokio::process::Command {
    #[cfg(unix)]
    {
        let mut command = tokio::process::Command::new("/bin/sh");
        command
            .arg("-c")
            .arg(WATCHDOG)
            .arg(program)
            .stdin(Stdio::piped());
        command
    }
    #[cfg(not(unix))]
    {
        let mut command = tokio::process::Command::new(program);
        command.stdin(Stdio::null());
        command
    }
}

/// `program` as it will be run: a path (relative ones from `dir`, where the instance starts),
/// or a name found on `PATH`; `NotFound` when there is no such file, `PermissionDenied` when it
/// may not be executed (the shell would only say so in the instance's output).
fn find_program(program: &std::path::Path, dir: &std::path::Path) -> std::io::Result<PathBuf> {
    let not_found = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such program");
    let found = if program.components().count() > 1 || program.is_absolute() {
        Some(dir.join(program)).filter(|path| path.is_file())
    } else {
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    };
    let found = found.ok_or_else(not_found)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&found)?.permissions().mode();
        if mode & 0o111 == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the program is not executable",
            ));
        }
    }
    Ok(found)
}

/// A port no one listens on right now (bound and released; another program could take it in
/// between, which the readiness check then reports).
fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

/// The program and arguments of an instance.
fn command_line(
    config: &ExecutorConfig,
    spec: &FunctionSpec,
    kind: RuntimeKind,
    code: &PreparedCode,
) -> (PathBuf, Vec<OsString>) {
    let bootstrap = || {
        code.bootstrap
            .clone()
            .map(PathBuf::into_os_string)
            .unwrap_or_default()
    };
    match kind {
        RuntimeKind::Python => (config.python.clone(), vec!["-u".into(), bootstrap()]),
        RuntimeKind::Node => (config.node.clone(), vec![bootstrap()]),
        RuntimeKind::Custom => {
            let custom = spec.custom_runtime.clone().unwrap_or_default();
            let mut words = custom
                .command
                .iter()
                .chain(custom.args.iter())
                .map(|word| code.map_path(word));
            let program = match words.next() {
                Some(program) => {
                    let path = PathBuf::from(&program);
                    if path.is_relative() && program.to_string_lossy().contains('/') {
                        code.code_dir.join(path)
                    } else {
                        path
                    }
                }
                None => code.code_dir.join("bootstrap"),
            };
            (program, words.collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn code_and_layer_paths_are_mapped() {
        let mut code = PreparedCode {
            root: PathBuf::from("/work/f"),
            code_dir: PathBuf::from("/work/f/code"),
            bootstrap: None,
            opt_dir: None,
        };
        assert_eq!(code.map_path("/code/bootstrap"), "/work/f/code/bootstrap");
        assert_eq!(code.map_path("/code"), "/work/f/code");
        assert_eq!(code.map_path("/codex"), "/codex");
        assert_eq!(code.map_path("python3"), "python3");
        assert_eq!(code.map_path("/opt/bin/tool"), "/opt/bin/tool", "no layers");
        code.opt_dir = Some(PathBuf::from("/work/f/opt"));
        assert_eq!(code.map_path("/opt/bin/tool"), "/work/f/opt/bin/tool");
        assert_eq!(code.map_path("/opt/"), "/work/f/opt");
        assert_eq!(code.map_path("/options"), "/options");
    }

    #[test]
    fn custom_commands_resolve_against_the_code() {
        let config = ExecutorConfig::new("/tmp/w");
        let mut spec = FunctionSpec::new("f", "custom", "h", Vec::new());
        let code = PreparedCode {
            root: PathBuf::from("/w"),
            code_dir: PathBuf::from("/w/code"),
            bootstrap: None,
            opt_dir: None,
        };
        let (program, args) = command_line(&config, &spec, RuntimeKind::Custom, &code);
        assert_eq!(program, Path::new("/w/code/bootstrap"));
        assert!(args.is_empty());
        spec.custom_runtime = Some(super::super::spec::CustomRuntimeSpec {
            command: vec!["./run.sh".into(), "/code/app.py".into()],
            args: vec!["--fast".into()],
            port: None,
        });
        let (program, args) = command_line(&config, &spec, RuntimeKind::Custom, &code);
        assert_eq!(program, Path::new("/w/code/./run.sh"));
        assert_eq!(
            args,
            vec![OsString::from("/w/code/app.py"), "--fast".into()]
        );
    }
}

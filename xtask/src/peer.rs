//! Peer conformance suites: clients we did not write, run against the `fc-local` binary.
//!
//! 1. A Python virtual environment at `target/peer-venv` (created with `python3 -m venv` when
//!    missing) gets the pinned official SDK and schemathesis; the install is skipped when the
//!    marker file there already lists exactly the pinned packages.
//! 2. `cargo build --workspace --bins --examples`, then `target/debug/fc-local --port 0 ...`; the
//!    endpoint is read from the `endpoint: ` line it prints.
//! 3. `fc-local/tests/peer/official_sdk_scenario.py` runs against a signing instance.
//! 4. The scenarios of the other official SDKs: `fc2_open_sdk_scenario.py`
//!    (`alibabacloud-fc-open20210406`, ACS3, `/2021-04-06`), `fc2_classic_sdk_scenario.py`
//!    (`aliyun-fc2`, the classic signature, `/2016-08-15`, an HTTP trigger),
//!    `fc3_sessions_scenario.py` (the FC 3.0 SDK on sessions, pause/resume and snapshots),
//!    `node/fc2_node_scenario.js` (npm `@alicloud/fc2`) and `node/fc3_node_scenario.js` (npm
//!    `@alicloud/fc20230330`, FC 3.0, whose signer leaves `x-fc-*` headers unsigned), the npm
//!    packages installed with `npm install` into `target/peer-node` from `node/package.json`.
//! 5. `fc-local/tests/peer/console_browser.py` loads fc-local's console in headless Chromium
//!    (Debian's `chromium`, installed with `apt-get` when missing) after the SDK created and
//!    invoked a function, and drives an invocation from the page; its screenshot is saved as
//!    `target/console.png`.
//! 6. schemathesis runs the operations fc-local emulates (the others answer 501 by design), as
//!    fc-local's `emulated_operations` example prints them, less
//!    [`EXCLUDED_OPERATIONS`], each selected with `--include-operation-id`, against a `--no-auth`
//!    instance holding fixtures (see
//!    `fc-local/tests/peer/schemathesis.toml`), with the checks `not_a_server_error` and
//!    `response_schema_conformance`.
//!
//! Each instance is stopped with SIGTERM (killed if it does not exit). The error names every
//! suite that failed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::workspace_root;

/// The packages the suites need, pinned.
const PINNED: [&str; 5] = [
    "alibabacloud-fc20230330==4.8.3",
    "alibabacloud-fc-open20210406==2.0.12",
    "aliyun-fc2==2.5.2",
    "schemathesis==4.32.5",
    "websocket-client==1.9.2",
];
/// Keys the scenario's instance is started with.
pub(crate) const ACCESS_KEY_ID: &str = "LTAIpeersuite";
pub(crate) const ACCESS_KEY_SECRET: &str = "peer-suite-secret";
/// Fixture names; they must match `fc-local/tests/peer/schemathesis.toml`.
const FIXTURE_FUNCTION: &str = "st-fixture";
const FIXTURE_LAYER: &str = "st-layer";
const FIXTURE_DOMAIN: &str = "st.example.com";
const FIXTURE_TASK: &str = "st-task";
/// Emulated operations schemathesis leaves out: `InvokeFunction`'s random events would run the
/// fixture's code, which is an empty package (the `invoke_*` tests and the SDK scenario cover it).
const EXCLUDED_OPERATIONS: [&str; 1] = ["InvokeFunction"];
/// Examples per operation and phase; the whole run takes about a minute on 2 cores.
const MAX_EXAMPLES: &str = "50";
/// A fixed seed keeps schemathesis runs reproducible.
const SEED: &str = "20230330";

pub(crate) fn run() -> Result<(), String> {
    let root = workspace_root();
    let target = crate::target_dir();
    let venv = target.join("peer-venv");
    prepare_venv(&venv)?;

    crate::build_binaries()?;
    let binary = target.join("debug").join("fc-local");

    let mut failed = Vec::new();
    if let Err(e) = sdk_scenario(&root, &venv, &binary) {
        eprintln!("{e}");
        failed.push("official SDK scenario");
    }
    for (name, outcome) in other_sdk_scenarios(&root, &venv, &binary, &target.join("peer-node")) {
        if let Err(e) = outcome {
            eprintln!("{e}");
            failed.push(name);
        }
    }
    if let Err(e) = chromium().and_then(|chromium| {
        console_browser(
            &root,
            &venv,
            &binary,
            &chromium,
            &target.join("console.png"),
        )
    }) {
        eprintln!("{e}");
        failed.push("console browser tests");
    }
    if let Err(e) = emulated_operations(&target.join("debug/examples/emulated_operations"), &root)
        .and_then(|operations| schemathesis(&root, &venv, &binary, &operations))
    {
        eprintln!("{e}");
        failed.push("schemathesis");
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("peer suites failed: {}", failed.join(", ")))
    }
}

pub(crate) fn bin(venv: &Path, name: &str) -> PathBuf {
    venv.join("bin").join(name)
}

/// Creates the venv if needed and installs the pinned packages unless the marker says so.
pub(crate) fn prepare_venv(venv: &Path) -> Result<(), String> {
    if !bin(venv, "python").exists() {
        println!("==> python3 -m venv {}", venv.display());
        run_command(Command::new("python3").arg("-m").arg("venv").arg(venv))?;
    }
    let marker = venv.join("fc-rs-pinned.txt");
    let wanted = PINNED.join("\n");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    println!("==> pip install {}", PINNED.join(" "));
    run_command(
        Command::new(bin(venv, "python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(PINNED),
    )?;
    std::fs::write(&marker, wanted).map_err(|e| format!("cannot write {}: {e}", marker.display()))
}

pub(crate) fn run_command(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// An instance that checks signatures with the suite's keys.
pub(crate) fn signing_server(binary: &Path) -> Result<Server, String> {
    let keys = [
        "--access-key-id",
        ACCESS_KEY_ID,
        "--access-key-secret",
        ACCESS_KEY_SECRET,
    ];
    Server::start(binary, &keys)
}

/// `python fc-local/tests/peer/<script> --endpoint ... --access-key-id ... --access-key-secret ...`.
fn peer_script(root: &Path, venv: &Path, script: &str, server: &Server) -> Command {
    let mut command = Command::new(bin(venv, "python"));
    command
        .arg(root.join("fc-local/tests/peer").join(script))
        .args(["--endpoint", &server.endpoint])
        .args(["--access-key-id", ACCESS_KEY_ID])
        .args(["--access-key-secret", ACCESS_KEY_SECRET]);
    command
}

fn sdk_scenario(root: &Path, venv: &Path, binary: &Path) -> Result<(), String> {
    let server = signing_server(binary)?;
    println!("==> official SDK scenario against {}", server.endpoint);
    run_command(&mut peer_script(
        root,
        venv,
        "official_sdk_scenario.py",
        &server,
    ))
    .map_err(|e| format!("official SDK scenario: {e}"))
}

/// The scenarios of the official SDKs other than the FC 3.0 Python one (FC 2.0 in Python and
/// Node.js, FC 3.0 in Node.js), each against its own signing instance.
fn other_sdk_scenarios(
    root: &Path,
    venv: &Path,
    binary: &Path,
    node_dir: &Path,
) -> Vec<(&'static str, Result<(), String>)> {
    let python = |script: &'static str| {
        let server = signing_server(binary)?;
        println!("==> {script} against {}", server.endpoint);
        run_command(&mut peer_script(root, venv, script, &server))
            .map_err(|e| format!("{script}: {e}"))
    };
    let node = |script: &'static str| {
        prepare_node(root, node_dir)?;
        let server = signing_server(binary)?;
        println!("==> node/{script} against {}", server.endpoint);
        run_command(
            Command::new("node")
                .arg(root.join("fc-local/tests/peer/node").join(script))
                .args(["--endpoint", &server.endpoint])
                .args(["--access-key-id", ACCESS_KEY_ID])
                .args(["--access-key-secret", ACCESS_KEY_SECRET])
                .env("NODE_PATH", node_dir.join("node_modules")),
        )
        .map_err(|e| format!("{script}: {e}"))
    };
    vec![
        (
            "FC 2.0 open SDK scenario",
            python("fc2_open_sdk_scenario.py"),
        ),
        (
            "FC 2.0 classic SDK scenario",
            python("fc2_classic_sdk_scenario.py"),
        ),
        (
            "FC 3.0 sessions scenario",
            python("fc3_sessions_scenario.py"),
        ),
        ("FC 2.0 Node.js scenario", node("fc2_node_scenario.js")),
        ("FC 3.0 Node.js scenario", node("fc3_node_scenario.js")),
    ]
}

/// Installs `fc-local/tests/peer/node/package.json`'s pinned packages into `dir` unless its
/// copy there is already the same.
pub(crate) fn prepare_node(root: &Path, dir: &Path) -> Result<(), String> {
    let wanted = std::fs::read_to_string(root.join("fc-local/tests/peer/node/package.json"))
        .map_err(|e| format!("cannot read the Node.js peer package.json: {e}"))?;
    // Written after a successful install only, so that a failed one is tried again.
    let marker = dir.join("fc-rs-installed.json");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let write = |path: PathBuf| {
        std::fs::write(&path, &wanted).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(dir.join("package.json"))?;
    println!("==> npm install (in {})", dir.display());
    run_command(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent"])
            .current_dir(dir),
    )?;
    write(marker)
}

/// Chromium from `PATH`, installed from Debian's packages (`apt-get install chromium`) when
/// missing.
fn chromium() -> Result<PathBuf, String> {
    let find = || {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
                .find(|candidate| candidate.is_file())
        })
    };
    if let Some(found) = find() {
        return Ok(found);
    }
    println!("==> apt-get install chromium (for the console browser tests)");
    run_command(Command::new("apt-get").args(["update", "-qq"]))?;
    run_command(Command::new("apt-get").args([
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "chromium",
    ]))?;
    find().ok_or_else(|| "chromium is not on PATH after installing it".to_owned())
}

fn console_browser(
    root: &Path,
    venv: &Path,
    binary: &Path,
    chromium: &Path,
    screenshot: &Path,
) -> Result<(), String> {
    let server = signing_server(binary)?;
    println!("==> console browser tests against {}", server.endpoint);
    // The console URL carries its token: handed over in a file, never on a printed command line.
    let url_file = screenshot.with_file_name("console-url.txt");
    std::fs::write(&url_file, &server.console_url)
        .map_err(|e| format!("cannot write {}: {e}", url_file.display()))?;
    let ran = run_command(
        peer_script(root, venv, "console_browser.py", &server)
            .arg("--console-url-file")
            .arg(&url_file)
            .arg("--chromium")
            .arg(chromium)
            .arg("--screenshot")
            .arg(screenshot),
    );
    let _ = std::fs::remove_file(&url_file);
    ran.map_err(|e| format!("console browser tests: {e}"))
}

/// The operationIds schemathesis runs: what fc-local's `emulated_operations` example prints,
/// less [`EXCLUDED_OPERATIONS`].
fn emulated_operations(example: &Path, root: &Path) -> Result<Vec<String>, String> {
    println!("==> {}", example.display());
    let mut command = Command::new(example);
    command.current_dir(root).stderr(Stdio::inherit());
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{shown} failed ({})", output.status));
    }
    let stdout = String::from_utf8(output.stdout)
        .map_err(|e| format!("{shown} printed something that is not UTF-8: {e}"))?;
    let emulated: Vec<&str> = stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for excluded in EXCLUDED_OPERATIONS {
        if !emulated.contains(&excluded) {
            return Err(format!(
                "{excluded} is excluded from schemathesis but is not emulated; update EXCLUDED_OPERATIONS"
            ));
        }
    }
    let selected: Vec<String> = emulated
        .iter()
        .filter(|id| !EXCLUDED_OPERATIONS.contains(id))
        .map(|id| (*id).to_owned())
        .collect();
    if selected.is_empty() {
        // With no --include-operation-id, schemathesis would run every operation.
        return Err(format!("{shown} printed no operation"));
    }
    println!(
        "    {} emulated operations, {} for schemathesis (excluded: {})",
        emulated.len(),
        selected.len(),
        EXCLUDED_OPERATIONS.join(", ")
    );
    Ok(selected)
}

fn schemathesis(
    root: &Path,
    venv: &Path,
    binary: &Path,
    operations: &[String],
) -> Result<(), String> {
    let server = Server::start(binary, &["--no-auth"])?;
    create_fixture(&server.addr)?;
    println!("==> schemathesis against {}", server.endpoint);
    let mut command = Command::new(bin(venv, "schemathesis"));
    command
        .arg("--config-file")
        .arg(root.join("fc-local/tests/peer/schemathesis.toml"))
        .arg("run")
        .arg(root.join("spec/fc-2023-03-30.yaml"))
        .args(["--url", &server.endpoint])
        .args(["--checks", "not_a_server_error,response_schema_conformance"]);
    for operation in operations {
        command.args(["--include-operation-id", operation]);
    }
    command
        .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
        .args(["--generation-database", "none"])
        .current_dir(venv);
    run_command(&mut command).map_err(|e| format!("schemathesis: {e}"))
}

/// POSTs a JSON body without signing (the instance runs with `--no-auth`).
fn post(addr: &str, path: &str, body: &str) -> Result<(), String> {
    post_with(addr, path, "", body, "200")
}

/// POSTs `body` with the extra header lines `headers` (each ending in `\r\n`) and checks that
/// the status is `expected`.
fn post_with(
    addr: &str,
    path: &str,
    headers: &str,
    body: &str,
    expected: &str,
) -> Result<(), String> {
    let mut stream =
        TcpStream::connect(addr).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n{headers}\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("cannot send to {addr}: {e}"))?;
    let mut reply = String::new();
    stream
        .read_to_string(&mut reply)
        .map_err(|e| format!("cannot read from {addr}: {e}"))?;
    if reply.starts_with(&format!("HTTP/1.1 {expected}")) {
        Ok(())
    } else {
        Err(format!("fixture request POST {path} failed: {reply}"))
    }
}

/// The fixtures: a function with version 1, alias `live` and the asynchronous task
/// `st-task` (which fails: the package is empty), a layer version, a custom domain.
fn create_fixture(addr: &str) -> Result<(), String> {
    // An empty ZIP archive, base64.
    let zip = "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==";
    let function = format!(
        r#"{{"functionName":"{FIXTURE_FUNCTION}","runtime":"python3.10","handler":"index.handler","code":{{"zipFile":"{zip}"}},"tags":[{{"Key":"suite","Value":"schemathesis"}}],"environmentVariables":{{"MODE":"test"}}}}"#
    );
    post(addr, "/2023-03-30/functions", &function)?;
    let base = format!("/2023-03-30/functions/{FIXTURE_FUNCTION}");
    post(
        addr,
        &format!("{base}/versions"),
        r#"{"description":"fixture"}"#,
    )?;
    post(
        addr,
        &format!("{base}/aliases"),
        r#"{"aliasName":"live","versionId":"1"}"#,
    )?;
    post_with(
        addr,
        &format!("{base}/invocations"),
        &format!("x-fc-invocation-type: Async\r\nx-fc-async-task-id: {FIXTURE_TASK}\r\n"),
        "{}",
        "202",
    )?;
    post(
        addr,
        &format!("/2023-03-30/layers/{FIXTURE_LAYER}/versions"),
        &format!(r#"{{"code":{{"zipFile":"{zip}"}},"compatibleRuntime":["python3.10"]}}"#),
    )?;
    post(
        addr,
        "/2023-03-30/custom-domains",
        &format!(r#"{{"domainName":"{FIXTURE_DOMAIN}"}}"#),
    )
}

/// A running `fc-local` process, stopped on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) endpoint: String,
    console_url: String,
    addr: String,
}

impl Server {
    fn start(binary: &Path, extra: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| "fc-local has no stdout".to_owned())?;
        let mut lines = BufReader::new(stdout).lines();
        let (mut endpoint, mut console_url) = (None, String::new());
        for line in lines.by_ref() {
            let line = line.map_err(|e| format!("cannot read fc-local's output: {e}"))?;
            if let Some(found) = line.strip_prefix("console: ") {
                // The token is a credential: not printed.
                println!(
                    "    console: {}",
                    found.split('?').next().unwrap_or_default()
                );
                console_url = found.trim().to_owned();
                break;
            }
            println!("    {line}");
            if let Some(found) = line.strip_prefix("endpoint: ") {
                endpoint = Some(found.trim().to_owned());
            }
        }
        // Keep draining the output so that fc-local never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
        let Some(endpoint) = endpoint else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("fc-local exited without printing its endpoint".to_owned());
        };
        let addr = endpoint.trim_start_matches("http://").to_owned();
        Ok(Self {
            child,
            endpoint,
            console_url,
            addr,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

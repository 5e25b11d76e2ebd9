//! `cargo xtask bench`: the peer benchmark, in one run on this machine.
//!
//! 1. Builds (release) the static responder (`fc-test-support`'s `static-responder`, answering
//!    every request with the recorded 4.7 KB GetFunction body), fc-local, and fc-client's `load`
//!    bench; installs the official SDKs under `target/` as the peer suites do.
//! 2. Against the responder, at 1 and 16 calls in flight for [`SECONDS`] each (after a warm-up
//!    second): fc-client's `get_function`, a bare `reqwest` client with fc-client's signer (the
//!    floor a signed client can reach), the official Python SDK (threads, and asyncio) and the
//!    official Node.js SDK.
//! 3. Against fc-local (release, signatures checked): fc-client's GetFunction and a warm
//!    InvokeFunction of a Python function.
//! 4. fc-client's `allocations` bench (signing, a whole GetFunction, decoding).
//!
//! It prints one table (calls/s, p50, p99, and fc-client's throughput as a multiple of each
//! peer's) with the machine it ran on, and writes it to `target/bench/last-run.md`, the table the
//! README shows. `--build` measures the build cost instead (see [`build_cost`]).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::peer::{self, ACCESS_KEY_ID, ACCESS_KEY_SECRET};
use crate::workspace_root;

/// Measured seconds of each run.
const SECONDS: &str = "3";
/// Runs of each cell; the table shows the median by calls/s. The clients take turns, round
/// after round, so that a slow spell of the machine does not land on one of them.
const ROUNDS: usize = 3;
/// The in-flight counts measured.
const IN_FLIGHT: [usize; 2] = [1, 16];

/// One measured run.
#[derive(Debug, Clone, Copy, Default)]
struct Load {
    calls_per_s: f64,
    p50_us: u64,
    p99_us: u64,
}

/// A client measured at each of [`IN_FLIGHT`].
struct Row {
    name: &'static str,
    loads: Vec<Load>,
}

pub(crate) fn run(build: bool) -> Result<(), String> {
    if build {
        return build_cost();
    }
    let root = workspace_root();
    let target = crate::target_dir();
    let out = target.join("bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("==> cargo build --release (static responder, fc-local, the load bench)");
    peer::run_command(Command::new(&cargo).current_dir(&root).args([
        "build",
        "--release",
        "-p",
        "fc-test-support",
        "--bin",
        "static-responder",
        "-p",
        "fc-local",
        "--bin",
        "fc-local",
    ]))?;
    peer::run_command(Command::new(&cargo).current_dir(&root).args([
        "bench",
        "-p",
        "fc-client",
        "--bench",
        "load",
        "--no-run",
    ]))?;
    let venv = target.join("peer-venv");
    peer::prepare_venv(&venv)?;
    let node_dir = target.join("peer-node");
    peer::prepare_node(&root, &node_dir)?;

    let body = out.join("get-function.json");
    let fixture =
        std::fs::read_to_string(root.join("fc-models/tests/fixtures/responses/GetFunction.json"))
            .map_err(|e| format!("cannot read the GetFunction fixture: {e}"))?;
    let recorded: serde_json::Value =
        serde_json::from_str(&fixture).map_err(|e| format!("the GetFunction fixture: {e}"))?;
    let compact = serde_json::to_vec(&recorded["body"]).map_err(|e| e.to_string())?;
    std::fs::write(&body, &compact).map_err(|e| format!("cannot write {}: {e}", body.display()))?;

    let responder = Responder::start(&target.join("release/static-responder"), &body)?;
    println!(
        "==> static responder at {} ({} byte answer)",
        responder.url,
        compact.len()
    );
    let load = |extra: &[String]| load_bench(&cargo, &root, extra);
    let (root_ref, venv_ref) = (&root, &venv);
    let python = |mode: &'static str| {
        move |url: &str, in_flight: usize| {
            let script = root_ref.join("fc-local/tests/peer/bench_fc3_python.py");
            let mut command = Command::new(peer::bin(venv_ref, "python"));
            command
                .arg(script)
                .args(["--mode", mode])
                .args(keys(url, in_flight));
            measured(&mut command)
        }
    };
    let node = |url: &str, in_flight: usize| {
        let mut command = Command::new("node");
        command
            .arg(root.join("fc-local/tests/peer/node/bench_fc3_node.js"))
            .args(keys(url, in_flight))
            .env("NODE_PATH", node_dir.join("node_modules"));
        measured(&mut command)
    };
    type Runner<'a> = Box<dyn Fn(&str, usize) -> Result<Load, String> + 'a>;
    let clients: Vec<(&'static str, Runner<'_>)> = vec![
        (
            "fc-client `get_function` (typed answer)",
            Box::new(|url: &str, n: usize| load(&client_args("fc-client", "get-function", url, n))),
        ),
        (
            "bare reqwest + fc-client's signer (`serde_json::Value`)",
            Box::new(|url: &str, n: usize| {
                load(&client_args("reqwest-signed", "get-function", url, n))
            }),
        ),
        ("official Python SDK, threads", Box::new(python("sync"))),
        ("official Python SDK, asyncio", Box::new(python("asyncio"))),
        ("official Node.js SDK", Box::new(node)),
    ];
    let mut runs: Vec<Vec<Vec<Load>>> = vec![vec![Vec::new(); IN_FLIGHT.len()]; clients.len()];
    for round in 1..=ROUNDS {
        for ((name, runner), cells) in clients.iter().zip(&mut runs) {
            for (in_flight, cell) in IN_FLIGHT.into_iter().zip(cells.iter_mut()) {
                println!("==> round {round}/{ROUNDS}: {name}, {in_flight} in flight");
                cell.push(runner(&responder.url, in_flight)?);
            }
        }
    }
    let rows: Vec<Row> = clients
        .iter()
        .zip(runs)
        .map(|((name, _), cells)| Row {
            name,
            loads: cells.into_iter().map(median).collect(),
        })
        .collect();
    drop(responder);

    let binary = target.join("release/fc-local");
    let server = peer::signing_server(&binary)?;
    let mut local = Vec::new();
    for (name, op) in [
        (
            "fc-local: warm InvokeFunction (Python), via fc-client",
            "invoke",
        ),
        ("fc-local: GetFunction, via fc-client", "get-function"),
    ] {
        let mut loads = Vec::new();
        for in_flight in IN_FLIGHT {
            println!("==> {name}, {in_flight} in flight");
            loads.push(load(&client_args(
                "fc-client",
                op,
                &server.endpoint,
                in_flight,
            ))?);
        }
        local.push(Row { name, loads });
    }
    drop(server);

    println!("==> cargo bench -p fc-client --bench allocations");
    let allocations = output(Command::new(&cargo).current_dir(&root).args([
        "bench",
        "-p",
        "fc-client",
        "--bench",
        "allocations",
        "--quiet",
    ]))?;

    let report = report(&rows, &local, &allocations, compact.len());
    println!("\n{report}");
    let saved = out.join("last-run.md");
    std::fs::write(&saved, &report)
        .map_err(|e| format!("cannot write {}: {e}", saved.display()))?;
    println!("(saved as {})", saved.display());
    Ok(())
}

/// The run with the median calls/s.
fn median(mut runs: Vec<Load>) -> Load {
    runs.sort_by(|a, b| a.calls_per_s.total_cmp(&b.calls_per_s));
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

fn keys(url: &str, in_flight: usize) -> Vec<String> {
    [
        "--endpoint",
        url,
        "--access-key-id",
        ACCESS_KEY_ID,
        "--access-key-secret",
        ACCESS_KEY_SECRET,
        "--in-flight",
        &in_flight.to_string(),
        "--seconds",
        SECONDS,
    ]
    .map(str::to_owned)
    .to_vec()
}

fn client_args(client: &str, op: &str, url: &str, in_flight: usize) -> Vec<String> {
    let mut args: Vec<String> = ["--client", client, "--op", op, "--url", url]
        .map(str::to_owned)
        .to_vec();
    args.extend(keys(url, in_flight).into_iter().skip(2));
    args
}

/// `cargo bench -p fc-client --bench load -- ARGS`, measured.
fn load_bench(cargo: &str, root: &Path, extra: &[String]) -> Result<Load, String> {
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args([
            "bench",
            "--quiet",
            "-p",
            "fc-client",
            "--bench",
            "load",
            "--",
        ])
        .args(extra);
    measured(&mut command)
}

/// Runs a load driver and reads its `RESULT calls=N seconds=S p50_us=P p99_us=Q` line.
fn measured(command: &mut Command) -> Result<Load, String> {
    let text = output(command)?;
    let line = text
        .lines()
        .rev()
        .find(|line| line.starts_with("RESULT "))
        .ok_or_else(|| format!("no RESULT line from {command:?}:\n{text}"))?;
    let field = |name: &str| -> Result<f64, String> {
        line.split_whitespace()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("{line:?} has no {name}"))
    };
    let calls = field("calls")?;
    let seconds = field("seconds")?;
    Ok(Load {
        calls_per_s: calls / seconds,
        p50_us: field("p50_us")? as u64,
        p99_us: field("p99_us")? as u64,
    })
}

fn output(command: &mut Command) -> Result<String, String> {
    let shown = format!("{command:?}");
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{shown} failed ({})", output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The static responder, stopped when dropped.
struct Responder {
    child: Child,
    url: String,
}

impl Responder {
    fn start(binary: &Path, body: &Path) -> Result<Self, String> {
        let mut child = Command::new(binary)
            .arg("--body-file")
            .arg(body)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("the responder has no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the responder's output: {e}"))?;
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("unexpected responder output {line:?}"))?
            .to_owned();
        Ok(Responder { child, url })
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The markdown table of a run.
fn report(rows: &[Row], local: &[Row], allocations: &str, body_len: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Machine: {}", machine());
    let _ = writeln!(
        out,
        "\nGetFunction against a local static responder ({body_len}-byte recorded answer); the median of {ROUNDS} runs of {SECONDS} s per cell (fc-local's rows: one run):\n"
    );
    let _ = writeln!(
        out,
        "| client | 1 in flight: calls/s | p50 | p99 | 16 in flight: calls/s | p50 | p99 | fc-client is (1 / 16) |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    let ours = rows
        .first()
        .map(|row| row.loads.clone())
        .unwrap_or_default();
    for row in rows.iter().chain(local) {
        let mut line = format!("| {} |", row.name);
        for load in &row.loads {
            let _ = write!(
                line,
                " {:.0} | {} µs | {} µs |",
                load.calls_per_s, load.p50_us, load.p99_us
            );
        }
        let ratio = |i: usize| {
            let theirs = row.loads.get(i).map_or(0.0, |l| l.calls_per_s);
            let mine = ours.get(i).map_or(0.0, |l| l.calls_per_s);
            if theirs > 0.0 { mine / theirs } else { 0.0 }
        };
        if local.iter().any(|l| l.name == row.name) || std::ptr::eq(row, &rows[0]) {
            line.push_str(" — |");
        } else {
            let _ = write!(line, " {:.2}x / {:.2}x |", ratio(0), ratio(1));
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "\nfc-client's `allocations` bench:\n\n```text\n{}```",
        allocations
    );
    out
}

/// CPU model, cores, memory and rustc, as this machine reports them.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split(':').nth(1))
        .map_or("unknown CPU".to_owned(), |m| m.trim().to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or("? GiB".to_owned(), |kb| format!("{} GiB", kb / 1024 / 1024));
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{model}, {cores} cores, {memory}; {rustc}")
}

/// Clean builds of each program in `cargo xtask bench --build`; the table shows the median user
/// CPU of each, the builds taking turns round after round as the load runs do.
const BUILD_ROUNDS: usize = 3;

/// One clean release build: user, system and wall seconds, and the crates compiled.
#[derive(Debug, Clone, Copy)]
struct Build {
    user: f64,
    system: f64,
    wall: f64,
    crates: usize,
}

/// `cargo xtask bench --build`: clean release builds, back to back and [`BUILD_ROUNDS`] times in
/// turn, of a program using fc-client (default features, the minimal set, then with `fc2`) and
/// one using `aws-sdk-lambda` + `aws-config`, each in a target directory of its own under
/// `target/bench-build/`; prints the median user CPU seconds (bash's `time`) with the spread of
/// the rounds, and the crates compiled.
fn build_cost() -> Result<(), String> {
    let root = workspace_root();
    let dir = crate::target_dir().join("bench-build");
    let client = root.join("fc-client");
    let path = format!("{:?}", client.display().to_string());
    let projects: [(&str, String); 3] = [
        (
            "fc-client, default features (FC 3.0; the minimal set)",
            format!("fc-client = {{ path = {path} }}"),
        ),
        (
            "fc-client, features = [\"fc2\"] (FC 3.0 and FC 2.0)",
            format!("fc-client = {{ path = {path}, features = [\"fc2\"] }}"),
        ),
        (
            "aws-sdk-lambda 1 + aws-config 1",
            "aws-sdk-lambda = \"1\"\naws-config = \"1\"".to_owned(),
        ),
    ];
    let mut builds: Vec<Vec<Build>> = vec![Vec::new(); projects.len()];
    for (index, (name, dependencies)) in projects.iter().enumerate() {
        let project = dir.join(format!("project-{index}"));
        std::fs::create_dir_all(project.join("src"))
            .map_err(|e| format!("cannot create {}: {e}", project.display()))?;
        let manifest = format!(
            "[package]\nname = \"build-cost-{index}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{dependencies}\n\n[workspace]\n"
        );
        write(&project.join("Cargo.toml"), &manifest)?;
        write(&project.join("src/main.rs"), "fn main() {}\n")?;
        println!("==> cargo fetch ({name})");
        peer::run_command(Command::new("cargo").arg("fetch").current_dir(&project))?;
    }
    for round in 1..=BUILD_ROUNDS {
        for (index, (name, _)) in projects.iter().enumerate() {
            let project = dir.join(format!("project-{index}"));
            println!("==> cargo build --release ({name}), round {round} of {BUILD_ROUNDS}");
            builds[index].push(clean_build(&project, name)?);
        }
    }
    let medians: Vec<Build> = builds.iter().map(|runs| median_build(runs)).collect();
    let aws = medians.last().map_or(0.0, |b| b.user);
    let mut out = format!(
        "Machine: {}\n\nThe median of {BUILD_ROUNDS} clean builds of each, taking turns:\n\n| build (release, clean) | user CPU | rounds | system | wall | crates compiled | user CPU vs aws |\n|---|---|---|---|---|---|---|\n",
        machine()
    );
    for (((name, _), median), runs) in projects.iter().zip(&medians).zip(&builds) {
        let low = runs.iter().map(|b| b.user).fold(f64::INFINITY, f64::min);
        let high = runs.iter().map(|b| b.user).fold(0.0, f64::max);
        let _ = writeln!(
            out,
            "| {name} | {:.0} s | {low:.0}–{high:.0} s | {:.0} s | {:.0} s | {} | {:.3}x |",
            median.user,
            median.system,
            median.wall,
            median.crates,
            if aws > 0.0 { median.user / aws } else { 0.0 }
        );
    }
    println!("\n{out}");
    let saved = dir.join("last-run.md");
    write(&saved, &out)?;
    println!("(saved as {})", saved.display());
    Ok(())
}

/// A clean release build of `project` (its target directory removed first), timed.
fn clean_build(project: &Path, name: &str) -> Result<Build, String> {
    let _ = std::fs::remove_dir_all(project.join("target"));
    // The project's own target directory, whatever the caller's environment says: a shared one
    // would make every build after the first a partial one.
    let timed = Command::new("bash")
        .arg("-c")
        .arg("TIMEFORMAT='%U %S %R'; time cargo build --release --offline 2>build.log")
        .current_dir(project)
        .env("CARGO_TARGET_DIR", project.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_INCREMENTAL")
        .output()
        .map_err(|e| format!("cannot run the build of {name}: {e}"))?;
    if !timed.status.success() {
        return Err(format!(
            "the build of {name} failed; see {}",
            project.join("build.log").display()
        ));
    }
    let times = String::from_utf8_lossy(&timed.stderr);
    let mut fields = times
        .split_whitespace()
        .filter_map(|f| f.parse::<f64>().ok());
    let mut next = || fields.next().unwrap_or(0.0);
    let (user, system, wall) = (next(), next(), next());
    let log = std::fs::read_to_string(project.join("build.log")).unwrap_or_default();
    let crates = log
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    Ok(Build {
        user,
        system,
        wall,
        crates,
    })
}

/// The build of median user CPU among `runs` (not empty).
fn median_build(runs: &[Build]) -> Build {
    let mut sorted = runs.to_vec();
    sorted.sort_by(|a, b| a.user.total_cmp(&b.user));
    sorted[sorted.len() / 2]
}

fn write(path: &PathBuf, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

//! `fc-local`: runs the Function Compute emulator until SIGINT or SIGTERM; `fc-local logs` and
//! `fc-local invocations` read a running one's logs and invocation history ([`terminal`]).
//!
//! ```text
//! fc-local --port PORT --access-key-id ID --access-key-secret SECRET [--data-dir DIR] [--no-auth] [--host 127.0.0.1]
//! fc-local logs NAME [--follow] --endpoint URL
//! ```
//!
//! Every flag is optional: without them fc-local listens on 127.0.0.1 on a free port with the
//! built-in test keys and keeps its state in memory.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use fc_local::FcLocal;

mod terminal;

const USAGE: &str = "\
usage: fc-local [--port PORT] [--access-key-id ID --access-key-secret SECRET | --access-key-secret-file FILE]
                [--data-dir DIR] [--no-auth] [--host ADDRESS] [--allow-host NAME]...
                [--python PATH] [--node PATH] [--log-lines N] [--history N] [--fault RULE]...
       fc-local logs NAME [--follow] | fc-local invocations [NAME]   (see fc-local logs --help)

  --port PORT                port to listen on (default 0: pick a free one)
  --host ADDRESS             address to listen on (default 127.0.0.1)
  --access-key-id ID         access key id clients sign with (default: built-in test key)
  --access-key-secret SECRET its secret (default: built-in test secret); visible to every
                             local process, so prefer one of the next two
  --access-key-secret-file FILE
                             read the secret from FILE (its first line)
                             (or set FC_LOCAL_ACCESS_KEY_SECRET in the environment)
  --data-dir DIR             keep state in DIR/fc-local.db and DIR/code/ (default: memory)
  --no-auth                  accept requests without checking signatures
  --allow-host NAME          also answer Host and Origin NAME (repeatable; always answered:
                             IP addresses, localhost, *.localhost, created custom domains)
  --python PATH              Python 3 interpreter for python3* runtimes (default: python3)
  --node PATH                Node.js interpreter for nodejs* runtimes (default: node)
  --log-lines N              log lines kept per function, also after it is deleted
                             (default: 5000)
  --history N                invocations kept for the console and `fc-local invocations`
                             (default: 1000)
  --fault RULE               fail some calls on purpose, to test retries (repeatable; off by
                             default): ACTION:key=value,... with ACTION an API action or *,
                             and status=N, code=C, retry-after=S, delay-ms=N, drop (before
                             the call is handled), drop-after (after: its answer is lost),
                             times=N (the next N calls), percent=P (an even P % share);
                             e.g. GetFunction:status=503,times=2  InvokeFunction:delay-ms=3000
                             *:status=429,percent=20,retry-after=1  CreateFunction:drop,times=1
                             (rules can also be listed, added and removed at /__console/api/faults)
  --help                     print this message";

/// The parsed command line.
#[derive(Debug, Default, PartialEq)]
struct Args {
    port: Option<u16>,
    host: Option<IpAddr>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    access_key_secret_file: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    python: Option<PathBuf>,
    node: Option<PathBuf>,
    allowed_hosts: Vec<String>,
    log_lines: Option<usize>,
    history: Option<usize>,
    faults: Vec<fc_local::faults::FaultRule>,
    no_auth: bool,
    help: bool,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--port" => {
                let v = value("--port")?;
                parsed.port = Some(v.parse().map_err(|_| format!("invalid port '{v}'"))?);
            }
            "--host" => {
                let v = value("--host")?;
                parsed.host = Some(v.parse().map_err(|_| format!("invalid address '{v}'"))?);
            }
            "--access-key-id" => parsed.access_key_id = Some(value("--access-key-id")?),
            "--access-key-secret" => {
                parsed.access_key_secret = Some(value("--access-key-secret")?);
            }
            "--access-key-secret-file" => {
                parsed.access_key_secret_file =
                    Some(PathBuf::from(value("--access-key-secret-file")?));
            }
            "--data-dir" => parsed.data_dir = Some(PathBuf::from(value("--data-dir")?)),
            "--python" => parsed.python = Some(PathBuf::from(value("--python")?)),
            "--allow-host" => parsed.allowed_hosts.push(value("--allow-host")?),
            "--node" => parsed.node = Some(PathBuf::from(value("--node")?)),
            "--log-lines" => parsed.log_lines = Some(count("--log-lines", &value("--log-lines")?)?),
            "--history" => parsed.history = Some(count("--history", &value("--history")?)?),
            "--fault" => parsed.faults.push(
                value("--fault")?
                    .parse()
                    .map_err(|e| format!("--fault: {e}"))?,
            ),
            "--no-auth" if inline.is_none() => parsed.no_auth = true,
            "--help" | "-h" if inline.is_none() => parsed.help = true,
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    if parsed.access_key_secret.is_some() && parsed.access_key_secret_file.is_some() {
        return Err("give --access-key-secret or --access-key-secret-file, not both".to_owned());
    }
    Ok(parsed)
}

/// A count of at least 1.
fn count(flag: &str, text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "{flag} must be a whole number above 0, not '{text}'"
        )),
    }
}

/// The environment variable the secret may come from instead of the command line.
const SECRET_VARIABLE: &str = "FC_LOCAL_ACCESS_KEY_SECRET";

/// Where the secret comes from, first found: `--access-key-secret`, the first line of
/// `--access-key-secret-file`, [`SECRET_VARIABLE`] (`env` reads it). An id without a secret, or
/// a secret without an id, is an error.
fn resolve_secret(args: &mut Args, env: impl Fn(&str) -> Option<String>) -> Result<(), String> {
    if let Some(file) = &args.access_key_secret_file {
        let text = std::fs::read_to_string(file).map_err(|e| {
            format!(
                "cannot read --access-key-secret-file {}: {e}",
                file.display()
            )
        })?;
        let secret = text.lines().next().unwrap_or_default().trim().to_owned();
        if secret.is_empty() {
            return Err(format!(
                "--access-key-secret-file {} is empty",
                file.display()
            ));
        }
        args.access_key_secret = Some(secret);
    }
    if args.access_key_secret.is_none() && args.access_key_id.is_some() {
        args.access_key_secret = env(SECRET_VARIABLE).filter(|s| !s.is_empty());
    }
    if args.access_key_id.is_some() != args.access_key_secret.is_some() {
        return Err(format!(
            "--access-key-id needs a secret (--access-key-secret, --access-key-secret-file or \
             {SECRET_VARIABLE}), and a secret needs --access-key-id"
        ));
    }
    Ok(())
}

fn builder(args: &Args) -> FcLocal {
    let mut server = FcLocal::new()
        .port(args.port.unwrap_or(0))
        .auth(!args.no_auth);
    if let Some(host) = args.host {
        server = server.host(host);
    }
    if let (Some(id), Some(secret)) = (&args.access_key_id, &args.access_key_secret) {
        server = server.access_key(id.clone(), secret.clone());
    }
    if let Some(dir) = &args.data_dir {
        server = server.data_dir(dir.clone());
    }
    if let Some(python) = &args.python {
        server = server.python(python.clone());
    }
    for name in &args.allowed_hosts {
        server = server.allow_host(name.clone());
    }
    if let Some(node) = &args.node {
        server = server.node(node.clone());
    }
    if let Some(lines) = args.log_lines {
        server = server.log_lines(lines);
    }
    if let Some(history) = args.history {
        server = server.invocation_history(history);
    }
    for rule in &args.faults {
        server = server.fault(rule.clone());
    }
    server
}

/// SIGINT and SIGTERM, registered before the server starts so that a signal arriving right
/// after the banner is never lost to the default action.
struct StopSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn register() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    async fn wait(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => {}
                _ = self.interrupt.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut words = std::env::args().skip(1).peekable();
    if let Some(verb) = words.next_if(|word| word == "logs" || word == "invocations") {
        let words: Vec<String> = words.collect();
        if words.iter().any(|word| word == "--help" || word == "-h") {
            println!("{}", terminal::USAGE);
            return ExitCode::SUCCESS;
        }
        return match terminal::parse(&verb, words) {
            Ok(command) => terminal::run(command).await,
            Err(message) => {
                eprintln!("fc-local: {message}\n{}", terminal::USAGE);
                ExitCode::from(2)
            }
        };
    }
    let parsed = parse_args(std::env::args().skip(1)).and_then(|mut args| {
        resolve_secret(&mut args, |name| std::env::var(name).ok())?;
        Ok(args)
    });
    let args = match parsed {
        Ok(args) => args,
        Err(message) => {
            eprintln!("fc-local: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let mut signals = match StopSignals::register() {
        Ok(signals) => signals,
        Err(err) => {
            eprintln!("fc-local: cannot listen for signals: {err}");
            return ExitCode::FAILURE;
        }
    };
    let server = match builder(&args).start().await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("fc-local: {err}");
            return ExitCode::FAILURE;
        }
    };
    let storage = match &server.config().data_dir {
        Some(dir) => dir.join("fc-local.db").display().to_string(),
        None => "memory (lost on exit)".to_owned(),
    };
    println!("fc-local is listening");
    println!("endpoint: {}", server.endpoint());
    println!("console: {}", server.console_url());
    println!("access key id: {}", server.access_key_id());
    println!("access key secret: {}", server.access_key_secret());
    println!("region: {}", server.region());
    println!("account id: {}", server.account_id());
    println!(
        "signatures: {}",
        if server.config().auth {
            "checked"
        } else {
            "not checked (--no-auth)"
        }
    );
    println!("storage: {storage}");
    for active in server.faults().rules() {
        println!("fault: {} (calls fail on purpose)", active.rule);
    }
    let exposed = !server.addr().ip().is_loopback();
    let default_keys = server.access_key_id() == fc_local::config::DEFAULT_ACCESS_KEY_ID;
    if exposed && (!server.config().auth || default_keys) {
        println!(
            "warning: listening on {} beyond this machine with {}: anyone who reaches it can run \
             code; bind 127.0.0.1 or set your own keys",
            server.addr(),
            if server.config().auth {
                "the built-in test keys"
            } else {
                "--no-auth"
            }
        );
    }
    for (function, dir) in server.live_code_functions().await.unwrap_or_default() {
        println!("live code: function '{function}' runs from {dir}");
    }
    println!(
        "HTTP triggers: {}/__http/<function>/<trigger>/",
        server.endpoint()
    );
    println!("press Ctrl-C to stop");
    signals.wait().await;
    println!("fc-local: stopping");
    server.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse_args(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn full_command_line() {
        let parsed = args(&[
            "--port",
            "9000",
            "--access-key-id",
            "id",
            "--access-key-secret=s",
            "--data-dir",
            "/tmp/x",
            "--no-auth",
            "--host",
            "0.0.0.0",
            "--python",
            "/opt/py/bin/python3",
            "--node=/opt/node/bin/node",
            "--allow-host",
            "dev.example.com",
            "--allow-host=other.example",
            "--log-lines",
            "100",
            "--history=7",
        ])
        .unwrap();
        assert_eq!(parsed.allowed_hosts, ["dev.example.com", "other.example"]);
        assert_eq!((parsed.log_lines, parsed.history), (Some(100), Some(7)));
        assert_eq!(parsed.python, Some(PathBuf::from("/opt/py/bin/python3")));
        assert_eq!(parsed.node, Some(PathBuf::from("/opt/node/bin/node")));
        assert_eq!(parsed.port, Some(9000));
        assert_eq!(parsed.access_key_id.as_deref(), Some("id"));
        assert_eq!(parsed.access_key_secret.as_deref(), Some("s"));
        assert_eq!(parsed.data_dir, Some(PathBuf::from("/tmp/x")));
        assert!(parsed.no_auth);
        assert_eq!(parsed.host, Some("0.0.0.0".parse().unwrap()));
        assert_eq!(args(&[]).unwrap(), Args::default());
    }

    #[test]
    fn the_secret_comes_from_a_file_or_the_environment() {
        let dir = std::env::temp_dir().join(format!("fc-local-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, "from-file\n").unwrap();
        let mut parsed = args(&[
            "--access-key-id",
            "id",
            "--access-key-secret-file",
            file.to_str().unwrap(),
        ])
        .unwrap();
        resolve_secret(&mut parsed, |_| Some("from-env".into())).unwrap();
        assert_eq!(parsed.access_key_secret.as_deref(), Some("from-file"));

        let mut parsed = args(&["--access-key-id", "id"]).unwrap();
        resolve_secret(&mut parsed, |name| {
            (name == "FC_LOCAL_ACCESS_KEY_SECRET").then(|| "from-env".to_owned())
        })
        .unwrap();
        assert_eq!(parsed.access_key_secret.as_deref(), Some("from-env"));

        std::fs::write(&file, "\n").unwrap();
        let mut parsed = args(&[
            "--access-key-id",
            "id",
            "--access-key-secret-file",
            file.to_str().unwrap(),
        ])
        .unwrap();
        assert!(
            resolve_secret(&mut parsed, |_| None)
                .unwrap_err()
                .contains("empty")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_command_lines() {
        assert!(args(&["--port"]).is_err());
        assert!(args(&["--port", "x"]).is_err());
        assert!(args(&["--port", "70000"]).is_err());
        assert!(args(&["--bogus"]).is_err());
        let no_secret = |list: &[&str]| {
            let mut parsed = args(list).unwrap();
            resolve_secret(&mut parsed, |_| None)
        };
        assert!(no_secret(&["--access-key-id", "a"]).is_err());
        assert!(no_secret(&["--access-key-secret", "s"]).is_err());
        assert!(args(&["--access-key-secret", "s", "--access-key-secret-file", "f"]).is_err());
        assert!(args(&["--host", "nowhere"]).is_err());
        assert!(args(&["--no-auth=1"]).is_err());
        assert!(args(&["--python"]).is_err());
        assert!(args(&["--history", "0"]).is_err());
        let faulty = args(&[
            "--fault",
            "GetFunction:status=503,times=2",
            "--fault=*:drop,percent=10",
        ])
        .unwrap();
        assert_eq!(faulty.faults.len(), 2);
        assert_eq!(faulty.faults[0].code.as_deref(), Some("ServiceUnavailable"));
        let refused = args(&["--fault", "GetFunction:status=200"]).unwrap_err();
        assert!(
            refused.contains("--fault") && refused.contains("status"),
            "{refused}"
        );
        assert!(args(&["--log-lines", "x"]).is_err());
    }
}

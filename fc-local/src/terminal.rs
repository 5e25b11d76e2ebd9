//! `fc-local logs` and `fc-local invocations`: read a running server's logs and invocation
//! history from a terminal (through [`fc_local::console::client`]).

use std::process::ExitCode;

use fc_local::console::client::{ConsoleClient, ConsoleError, ListedInvocation};
use fc_local::executor::InvocationStatus;

pub const USAGE: &str = "\
usage: fc-local logs NAME [--follow] [connection]
       fc-local invocations [NAME] [connection]

  logs NAME            print the log lines fc-local keeps for function NAME (also after it
                       was deleted); --follow (-f) keeps printing new lines until Ctrl-C
  invocations [NAME]   print the invocation history (of NAME, or of every function), each
                       invocation with its log lines

connection (flags, else the environment, else fc-local's defaults):
  --endpoint URL             ALIBABA_CLOUD_FC_ENDPOINT (required)
  --access-key-id ID         ALIBABA_CLOUD_ACCESS_KEY_ID (default: the built-in test key)
  --access-key-secret SECRET ALIBABA_CLOUD_ACCESS_KEY_SECRET (default: the built-in test secret)
  --token TOKEN              the token of the console URL, instead of the keys";

/// A parsed `logs` or `invocations` command line.
#[derive(Debug, Default, PartialEq)]
pub struct Command {
    /// `logs` or `invocations`.
    pub verb: String,
    /// The function name.
    pub function: Option<String>,
    /// `--follow`.
    pub follow: bool,
    endpoint: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    token: Option<String>,
}

/// Parses the arguments after the verb.
pub fn parse(verb: &str, args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut command = Command {
        verb: verb.to_owned(),
        ..Command::default()
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--endpoint" => command.endpoint = Some(value("--endpoint")?),
            "--access-key-id" => command.access_key_id = Some(value("--access-key-id")?),
            "--access-key-secret" => {
                command.access_key_secret = Some(value("--access-key-secret")?);
            }
            "--token" => command.token = Some(value("--token")?),
            "--follow" | "-f" if verb == "logs" && inline.is_none() => command.follow = true,
            name if !name.starts_with('-') && command.function.is_none() => {
                command.function = Some(name.to_owned());
            }
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    if verb == "logs" && command.function.is_none() {
        return Err("logs needs a function name".to_owned());
    }
    Ok(command)
}

impl Command {
    /// The client, from the flags, else the environment (`env`), else the defaults.
    pub fn client(&self, env: impl Fn(&str) -> Option<String>) -> Result<ConsoleClient, String> {
        let endpoint = self
            .endpoint
            .clone()
            .or_else(|| env("ALIBABA_CLOUD_FC_ENDPOINT"))
            .ok_or("give --endpoint URL (or set ALIBABA_CLOUD_FC_ENDPOINT): the endpoint: line fc-local printed")?;
        let client = match &self.token {
            Some(token) => ConsoleClient::with_token(endpoint, token),
            None => {
                let id = self
                    .access_key_id
                    .clone()
                    .or_else(|| env("ALIBABA_CLOUD_ACCESS_KEY_ID"));
                let secret = self
                    .access_key_secret
                    .clone()
                    .or_else(|| env("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));
                ConsoleClient::with_keys(
                    endpoint,
                    id.unwrap_or_else(|| fc_local::config::DEFAULT_ACCESS_KEY_ID.to_owned()),
                    secret
                        .unwrap_or_else(|| fc_local::config::DEFAULT_ACCESS_KEY_SECRET.to_owned()),
                )
            }
        };
        client.map_err(|error| error.to_string())
    }
}

/// Runs the command, printing to standard output.
pub async fn run(command: Command) -> ExitCode {
    let client = match command.client(|name| std::env::var(name).ok()) {
        Ok(client) => client,
        Err(message) => {
            eprintln!("fc-local: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match command.verb.as_str() {
        "logs" => {
            let name = command.function.as_deref().unwrap_or_default();
            logs(&client, name, command.follow).await
        }
        _ => invocations(&client, command.function.as_deref()).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fc-local: {error}");
            ExitCode::FAILURE
        }
    }
}

fn time(ms: u64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    fc_client::timestamp::format_iso8601(time)
}

async fn logs(client: &ConsoleClient, name: &str, follow: bool) -> Result<(), ConsoleError> {
    let mut after = 0;
    loop {
        let page = client
            .logs(name, after, if follow { 10 } else { 0 })
            .await?;
        for line in &page.lines {
            println!("{} {} {}", time(line.time_ms), line.instance_id, line.line);
        }
        after = page.next;
        if !follow {
            return Ok(());
        }
    }
}

fn status(invocation: &ListedInvocation) -> String {
    match &invocation.record.status {
        InvocationStatus::Succeeded => format!("{} ok", invocation.record.status_code),
        InvocationStatus::FunctionError { error_type } => error_type.clone(),
        InvocationStatus::NotRun { message } => format!("not run: {message}"),
    }
}

async fn invocations(client: &ConsoleClient, name: Option<&str>) -> Result<(), ConsoleError> {
    for invocation in client.invocations(name).await? {
        let record = &invocation.record;
        println!(
            "{} {} {} version {} {} ms {} {}",
            time(record.started_ms),
            record.function_name,
            record.qualifier.as_deref().unwrap_or("LATEST"),
            record.version,
            record.duration_ms,
            status(&invocation),
            record.request_id,
        );
        for line in &invocation.log {
            println!("    {line}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(verb: &str, list: &[&str]) -> Result<Command, String> {
        parse(verb, list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn command_lines() {
        let command = args("logs", &["hello", "-f", "--endpoint=http://127.0.0.1:9"]).unwrap();
        assert_eq!(command.function.as_deref(), Some("hello"));
        assert!(command.follow);
        assert_eq!(command.endpoint.as_deref(), Some("http://127.0.0.1:9"));
        assert!(args("logs", &[]).is_err(), "logs needs a name");
        assert!(args("invocations", &["--follow"]).is_err());
        assert!(args("invocations", &["a", "b"]).is_err());
        assert_eq!(args("invocations", &[]).unwrap().function, None);
        let no_endpoint = args("invocations", &[]).unwrap().client(|_| None);
        assert!(no_endpoint.unwrap_err().contains("--endpoint"));
        let from_env = args("invocations", &[]).unwrap().client(|name| {
            (name == "ALIBABA_CLOUD_FC_ENDPOINT").then(|| "http://127.0.0.1:9".to_owned())
        });
        assert!(from_env.is_ok());
    }
}

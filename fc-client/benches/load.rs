//! Load of calls from Rust, for `cargo xtask bench` (run through `cargo bench -p fc-client
//! --bench load -- ARGS`): `--in-flight` tasks call in a loop for `--seconds` after a warm-up
//! second, and the last line is `RESULT calls=N seconds=S p50_us=P p99_us=Q`.
//!
//! - `--client fc-client`: `Client::get_function` (typed answer), or with `--op invoke` a warm
//!   `InvokeFunction` of the function `bench` (which `--op invoke` creates first: a Python
//!   handler answering `ok`);
//! - `--client reqwest-signed`: the floor a signed client can reach: a bare pooled `reqwest`
//!   client, each request signed with `fc_client::signing::sign_request`, the answer decoded as
//!   a `serde_json::Value`.
//!
//! `--url`, `--access-key-id` and `--access-key-secret` name the server and its keys.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use fc_client::Client;
use fc_client::code::{CodePackage, ZipEntry};
use fc_client::credentials::Credentials;
use fc_client::signing::{Nonce, Target, sign_request};
use fc_client::types::CreateFunctionInput;

const FUNCTION: &str = "bench";
const WARM_UP: Duration = Duration::from_secs(1);

struct Options {
    client: String,
    op: String,
    url: String,
    key_id: String,
    key_secret: String,
    in_flight: usize,
    seconds: f64,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        client: "fc-client".into(),
        op: "get-function".into(),
        url: String::new(),
        key_id: "bench-key".into(),
        key_secret: "bench-secret".into(),
        in_flight: 1,
        seconds: 5.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--client" => options.client = value()?,
            "--op" => options.op = value()?,
            "--url" => options.url = value()?,
            "--access-key-id" => options.key_id = value()?,
            "--access-key-secret" => options.key_secret = value()?,
            "--in-flight" => options.in_flight = value()?.parse().map_err(|e| format!("{e}"))?,
            "--seconds" => options.seconds = value()?.parse().map_err(|e| format!("{e}"))?,
            // What `cargo bench` adds.
            "--bench" => {}
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.url.is_empty() {
        return Err("--url is required".into());
    }
    Ok(options)
}

/// One kind of call, made again and again.
#[derive(Clone)]
enum Caller {
    GetFunction(Client),
    Invoke(Client),
    Signed(reqwest::Client, reqwest::Url, Arc<Credentials>),
}

impl Caller {
    async fn call(&self) {
        match self {
            Caller::GetFunction(client) => {
                let function = client
                    .get_function()
                    .function_name(FUNCTION)
                    .send()
                    .await
                    .expect("GetFunction");
                std::hint::black_box(function.into_inner());
            }
            Caller::Invoke(client) => {
                let output = client
                    .invoke(FUNCTION)
                    .payload("{}")
                    .send()
                    .await
                    .expect("invoke");
                let body = output.into_result().await.expect("the function answers");
                std::hint::black_box(body.bytes().await.expect("body"));
            }
            Caller::Signed(http, url, credentials) => {
                let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
                request.headers_mut().insert(
                    reqwest::header::ACCEPT,
                    reqwest::header::HeaderValue::from_static("application/json"),
                );
                let target = Target {
                    action: "GetFunction",
                    version: "2023-03-30",
                };
                sign_request(
                    &mut request,
                    target,
                    Some(credentials),
                    SystemTime::now(),
                    &Nonce::new(),
                )
                .expect("signed");
                let response = http.execute(request).await.expect("GetFunction");
                let bytes = response.bytes().await.expect("body");
                let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
                std::hint::black_box(value);
            }
        }
    }
}

async fn caller(options: &Options) -> Result<Caller, String> {
    let credentials = Credentials::new(&options.key_id, &options.key_secret);
    if options.client == "reqwest-signed" {
        fc_client::install_crypto_provider();
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| e.to_string())?;
        let url = format!("{}/2023-03-30/functions/{FUNCTION}", options.url)
            .parse()
            .map_err(|e| format!("{e}"))?;
        return Ok(Caller::Signed(http, url, Arc::new(credentials)));
    }
    let client = Client::builder()
        .endpoint(&options.url)
        .credentials(credentials)
        .build()
        .map_err(|e| e.to_string())?;
    if options.op == "invoke" {
        create_function(&client).await?;
        return Ok(Caller::Invoke(client));
    }
    Ok(Caller::GetFunction(client))
}

/// The Python function `bench` answering `ok`, unless it exists.
async fn create_function(client: &Client) -> Result<(), String> {
    if client
        .get_function()
        .function_name(FUNCTION)
        .send()
        .await
        .is_ok()
    {
        return Ok(());
    }
    let code = CodePackage::from_entries([ZipEntry::file(
        "index.py",
        b"def handler(event, context):\n    return 'ok'\n".to_vec(),
        0o644,
    )])
    .and_then(|package| package.into_input())
    .map_err(|e| e.to_string())?;
    let input: CreateFunctionInput = CreateFunctionInput::builder()
        .function_name(FUNCTION)
        .runtime("python3.10")
        .handler("index.handler")
        .memory_size(128)
        .timeout(10)
        .code(code)
        .try_into()
        .map_err(|e| format!("{e}"))?;
    client
        .create_function()
        .body(input)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let line = runtime.block_on(async {
        let caller = match caller(&options).await {
            Ok(caller) => caller,
            Err(message) => {
                eprintln!("{message}");
                std::process::exit(1);
            }
        };
        let measured_from = Instant::now() + WARM_UP;
        let end = measured_from + Duration::from_secs_f64(options.seconds);
        let tasks: Vec<_> = (0..options.in_flight)
            .map(|_| {
                let caller = caller.clone();
                tokio::spawn(async move {
                    let mut kept = Vec::new();
                    loop {
                        let began = Instant::now();
                        if began >= end {
                            return kept;
                        }
                        caller.call().await;
                        if began >= measured_from {
                            kept.push(began.elapsed());
                        }
                    }
                })
            })
            .collect();
        let mut latencies = Vec::new();
        for task in tasks {
            latencies.extend(task.await.expect("task"));
        }
        latencies.sort();
        let pick = |q: f64| {
            latencies
                .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
                .map_or(0, |d| d.as_micros())
        };
        format!(
            "RESULT calls={} seconds={:.3} p50_us={} p99_us={}",
            latencies.len(),
            options.seconds,
            pick(0.50),
            pick(0.99)
        )
    });
    println!("{line}");
}

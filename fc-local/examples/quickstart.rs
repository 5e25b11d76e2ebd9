//! The fc-rs quickstart: deploy two functions, call them, version them, list them, serve a web
//! function at its HTTP trigger's URL, clean up.
//!
//! ```sh
//! cargo run --example quickstart            # against an embedded fc-local, no account needed
//! cargo run --example quickstart -- --cloud # against Function Compute itself
//! ```
//!
//! With `--cloud` the same steps run against the real service, configured from the environment:
//! `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (or any other source of the
//! default credential chain), `ALIBABA_CLOUD_REGION_ID` and `ALIBABA_CLOUD_ACCOUNT_ID`.

use std::error::Error;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use fc_client::Client;
use fc_client::code::CodePackage;
use fc_client::credentials::Credentials;
use fc_client::types::{
    AsyncTaskStatus, CreateAliasInput, CreateFunctionInput, CreateTriggerInput,
    PublishVersionInput, TriggerType,
};
use fc_local::FcLocal;
use futures::TryStreamExt;
use serde_json::json;

/// One of the sample functions under `fc-local/examples/`.
struct Sample {
    name: &'static str,
    dir: &'static str,
    runtime: &'static str,
}

const SAMPLES: [Sample; 3] = [
    Sample {
        name: "quickstart-python",
        dir: "hello-python",
        runtime: "python3.10",
    },
    Sample {
        name: "quickstart-node",
        dir: "hello-node",
        runtime: "nodejs20",
    },
    Sample {
        name: "quickstart-web",
        dir: "hello-web",
        runtime: "python3.10",
    },
];

/// The web sample, called through its HTTP trigger rather than with InvokeFunction.
const WEB: &str = "quickstart-web";
/// Its HTTP trigger.
const WEB_TRIGGER: &str = "web";

const ALIAS: &str = "live";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nquickstart failed: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Prints one step of progress.
fn step(what: &str, detail: impl std::fmt::Display) {
    println!("==> {what:<34} {detail}");
}

async fn run() -> Result<(), Box<dyn Error>> {
    let cloud = std::env::args().any(|arg| arg == "--cloud");
    // Keep the emulator alive for the whole run; it stops when dropped.
    let (client, _emulator) = if cloud {
        step("using Function Compute", "configured from the environment");
        (Client::from_env()?, None)
    } else {
        let server = FcLocal::new().start().await?;
        step("started fc-local", server.endpoint());
        let client = Client::builder()
            .endpoint(server.endpoint())
            .region(server.region())
            .credentials(Credentials::new(
                server.access_key_id(),
                server.access_key_secret(),
            ))
            .build()?;
        (client, Some(server))
    };

    let result = deploy_and_call(&client, cloud).await;
    clean_up(&client).await;
    result
}

async fn deploy_and_call(client: &Client, cloud: bool) -> Result<(), Box<dyn Error>> {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for sample in &SAMPLES {
        let package = CodePackage::from_dir(examples.join(sample.dir))?;
        step(
            &format!("packaged {}", sample.dir),
            format!("{} bytes, CRC-64 {}", package.len(), package.checksum()),
        );
        let input = CreateFunctionInput::builder()
            .function_name(sample.name)
            .runtime(sample.runtime)
            .handler("index.handler")
            .memory_size(128)
            .timeout(10)
            .code(package.into_input()?);
        client.create_function().body(input).send().await?;
        let function = client
            .wait_until_function_active(sample.name)
            .wait()
            .await?;
        step(
            &format!("created {}", sample.name),
            format!("{:?}", function.state.unwrap_or_else(|| "?".into())),
        );
    }

    for sample in SAMPLES.iter().filter(|s| s.name != WEB) {
        let output = client
            .invoke(sample.name)
            .json(&json!({ "name": "fc-rs" }))
            .log_tail()
            .send()
            .await?
            .into_result()
            .await?;
        let log = output.log().unwrap_or_default().trim().to_owned();
        let body = output.text().await?;
        step(&format!("invoked {}", sample.name), body);
        for line in log.lines().filter(|line| !line.trim().is_empty()) {
            println!("      log | {line}");
        }
    }

    let python = SAMPLES[0].name;
    let queued = client
        .invoke(python)
        .json(&json!({ "name": "async caller" }))
        .asynchronous()
        .send()
        .await?;
    let task_id = queued.async_task_id().unwrap_or_default().to_owned();
    let status = wait_for_task(client, python, &task_id).await?;
    step("async invocation", format!("task {task_id}: {status}"));

    let version = client
        .publish_function_version()
        .function_name(python)
        .body(PublishVersionInput::builder().description("quickstart".to_owned()))
        .send()
        .await?
        .into_inner()
        .version_id
        .unwrap_or_default();
    step("published version", &version);
    client
        .create_alias()
        .function_name(python)
        .body(
            CreateAliasInput::builder()
                .alias_name(ALIAS)
                .version_id(version.clone()),
        )
        .send()
        .await?;
    let via_alias = client
        .invoke(python)
        .qualifier(ALIAS)
        .json(&json!({"name": "alias"}))
        .send()
        .await?;
    step(
        &format!("alias {ALIAS} -> version {version}"),
        via_alias.text().await?,
    );

    let names: Vec<String> = client
        .list_functions()
        .prefix("quickstart-")
        .limit(1)
        .into_stream()
        .map_ok(|function| function.function_name.unwrap_or_default())
        .try_collect()
        .await?;
    step("listed functions (1 per page)", names.join(", "));

    serve_web_function(client, cloud).await
}

/// Gives the web sample an HTTP trigger and calls it at the URL the service reports.
async fn serve_web_function(client: &Client, cloud: bool) -> Result<(), Box<dyn Error>> {
    let trigger = client
        .create_trigger()
        .function_name(WEB)
        .body(
            CreateTriggerInput::builder()
                .trigger_name(WEB_TRIGGER)
                .trigger_type(TriggerType::Http)
                .trigger_config(json!({"authType": "anonymous", "methods": ["GET"]}).to_string()),
        )
        .send()
        .await?
        .into_inner();
    let url = trigger
        .http_trigger
        .and_then(|urls| urls.url_internet)
        .ok_or("the HTTP trigger reports no URL")?;
    step("HTTP trigger URL", &url);
    // fc-local is on this machine: never send its requests through a proxy.
    let web = if cloud {
        reqwest::Client::new()
    } else {
        reqwest::Client::builder().no_proxy().build()?
    };
    let response = web.get(format!("{url}greet?name=browser")).send().await?;
    let status = response.status();
    let body = response.text().await?;
    step("GET <url>/greet?name=browser", format!("{status} {body}"));
    if !status.is_success() {
        return Err(format!("the web function answered {status}").into());
    }
    Ok(())
}

/// Polls the asynchronous task until it finishes (at most 60 s).
async fn wait_for_task(
    client: &Client,
    function: &str,
    task_id: &str,
) -> Result<String, Box<dyn Error>> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let task = client
            .get_async_task()
            .function_name(function)
            .task_id(task_id)
            .send()
            .await?
            .into_inner();
        match task.status {
            Some(AsyncTaskStatus::Succeeded) => return Ok("Succeeded".into()),
            Some(
                status @ (AsyncTaskStatus::Failed
                | AsyncTaskStatus::Stopped
                | AsyncTaskStatus::Expired),
            ) => {
                return Err(format!("task {task_id} ended {status}").into());
            }
            _ if Instant::now() > deadline => {
                return Err(format!("task {task_id} did not finish in 60 s").into());
            }
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Deletes what the quickstart created; reports but does not stop on failures.
async fn clean_up(client: &Client) {
    let python = SAMPLES[0].name;
    let mut problems = Vec::new();
    if let Err(e) = client
        .delete_trigger()
        .function_name(WEB)
        .trigger_name(WEB_TRIGGER)
        .send()
        .await
    {
        problems.push(e);
    }
    if let Err(e) = client
        .delete_alias()
        .function_name(python)
        .alias_name(ALIAS)
        .send()
        .await
    {
        problems.push(e);
    }
    if let Ok(versions) = client
        .list_function_versions()
        .function_name(python)
        .into_stream()
        .try_collect::<Vec<_>>()
        .await
    {
        for version in versions.into_iter().filter_map(|v| v.version_id) {
            if let Err(e) = client
                .delete_function_version()
                .function_name(python)
                .version_id(version)
                .send()
                .await
            {
                problems.push(e);
            }
        }
    }
    for sample in &SAMPLES {
        if let Err(e) = client
            .delete_function()
            .function_name(sample.name)
            .send()
            .await
        {
            problems.push(e);
        }
    }
    let not_found = |e: &fc_client::Error| e.status() == Some(404);
    let real: Vec<_> = problems.iter().filter(|e| !not_found(e)).collect();
    if real.is_empty() {
        step(
            "cleaned up",
            "functions, trigger, version and alias deleted",
        );
    } else {
        for problem in real {
            eprintln!("    cleanup: {problem}");
        }
    }
}

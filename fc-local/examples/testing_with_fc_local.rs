//! Test your own code against fc-local: an embedded server, a client that is ready to use, and
//! failures on purpose to see your retry handling work. In a test suite, the body of `main` is a
//! `#[tokio::test]`.

use fc_client::code::{CodePackage, ZipEntry};
use fc_client::types::CreateFunctionInput;
use fc_client::{Client, RetryPolicy};
use fc_local::FcLocal;
use fc_local::faults::FaultRule;

/// The code under test: it reads a function's memory size.
async fn memory_of(client: &Client, name: &str) -> anyhow::Result<i32> {
    let function = client.get_function().function_name(name).send().await?;
    Ok(function.memory_size.unwrap_or_default())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // The next two GetFunction calls fail with 503, as the service does under load.
    let server = FcLocal::new()
        .fault(FaultRule::error("GetFunction", 503, "ServiceUnavailable").times(2))
        .start()
        .await?;
    let client = server.client()?;

    let source = "def handler(event, context):\n    return 'ok'\n";
    let code = CodePackage::from_entries([ZipEntry::file("index.py", source.into(), 0o644)])?;
    client
        .create_function()
        .body(
            CreateFunctionInput::builder()
                .function_name("under-test")
                .runtime("python3.10")
                .handler("index.handler")
                .memory_size(512)
                .code(code.into_input()?),
        )
        .send()
        .await?;

    // The client's standard retry policy gets through both failures.
    assert_eq!(memory_of(&client, "under-test").await?, 512);
    assert_eq!(server.faults().injected(), 2);

    // Without retries, the code under test sees the throttling error, on one line.
    server
        .faults()
        .add(FaultRule::error("GetFunction", 429, "ResourceThrottled").times(1))?;
    let no_retries = Client::builder()
        .endpoint(server.endpoint())
        .credentials(fc_client::credentials::Credentials::new(
            server.access_key_id(),
            server.access_key_secret(),
        ))
        .retry_policy(RetryPolicy::disabled())
        .build()?;
    let error = memory_of(&no_retries, "under-test").await.unwrap_err();
    println!("{error}");
    let api = error
        .downcast_ref::<fc_client::Error>()
        .expect("an fc_client::Error");
    assert!(api.is_throttled());

    // What the function printed stays readable, also after it is deleted.
    client.invoke("under-test").send().await?;
    println!("{} log lines", server.executor().logs("under-test").len());
    server.shutdown().await;
    Ok(())
}

//! Deploy a function from a directory and wait until it is active.

use std::path::Path;

use fc_client::Client;
use fc_client::code::CodePackage;
use fc_client::types::CreateFunctionInput;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::from_env()?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/functions/hello");
    let code = CodePackage::from_dir(dir)?.into_input()?;

    client
        .create_function()
        .body(
            CreateFunctionInput::builder()
                .function_name("tasks-hello")
                .runtime("python3.10")
                .handler("index.handler")
                .memory_size(128)
                .timeout(10)
                .environment_variables([("GREETING", "hello")])
                .code(code),
        )
        .send()
        .await?;

    let function = client
        .wait_until_function_active("tasks-hello")
        .wait()
        .await?;
    println!("{:?} is {:?}", function.function_name, function.state);
    Ok(())
}

//! Change a function's configuration and wait until the update is done.

use fc_client::Client;
use fc_client::types::UpdateFunctionInput;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::from_env()?;

    client
        .update_function()
        .function_name("tasks-hello")
        .body(
            UpdateFunctionInput::builder()
                .memory_size(256)
                .environment_variables([("GREETING", "bonjour")]),
        )
        .send()
        .await?;
    let function = client.wait_until_update_done("tasks-hello").wait().await?;
    println!(
        "{} MB, update {:?}",
        function.memory_size.unwrap_or_default(),
        function.last_update_status
    );

    let answer: serde_json::Value = client
        .invoke_json("tasks-hello", &serde_json::json!({ "name": "Ada" }))
        .await?;
    println!("{answer}");
    Ok(())
}

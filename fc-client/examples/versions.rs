//! Publish a version, point an alias at it, invoke through the alias.

use fc_client::Client;
use fc_client::types::{CreateAliasInput, PublishVersionInput};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::from_env()?;

    let version = client
        .publish_function_version()
        .function_name("tasks-hello")
        .body(PublishVersionInput::builder().description("first release"))
        .send()
        .await?
        .into_inner();
    let version_id = version.version_id.unwrap_or_default();

    client
        .create_alias()
        .function_name("tasks-hello")
        .body(
            CreateAliasInput::builder()
                .alias_name("prod")
                .version_id(version_id.as_str()),
        )
        .send()
        .await?;

    let output = client
        .invoke("tasks-hello")
        .qualifier("prod")
        .send()
        .await?;
    let version = output.code_version().unwrap_or("?").to_owned();
    println!(
        "prod runs version {version} and says {}",
        output.text().await?
    );
    Ok(())
}

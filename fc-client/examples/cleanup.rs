//! Delete a function the way the service accepts it: triggers, aliases and versions first.

use fc_client::Client;
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::from_env()?;
    let name = "tasks-hello";

    let triggers: Vec<_> = client
        .list_triggers()
        .function_name(name)
        .into_stream()
        .try_collect()
        .await?;
    for trigger in triggers {
        let trigger_name = trigger.trigger_name.unwrap_or_default();
        client
            .delete_trigger()
            .function_name(name)
            .trigger_name(trigger_name)
            .send()
            .await?;
    }
    let aliases: Vec<_> = client
        .list_aliases()
        .function_name(name)
        .into_stream()
        .try_collect()
        .await?;
    for alias in aliases {
        let alias_name = alias.alias_name.unwrap_or_default();
        client
            .delete_alias()
            .function_name(name)
            .alias_name(alias_name)
            .send()
            .await?;
    }
    let versions: Vec<_> = client
        .list_function_versions()
        .function_name(name)
        .into_stream()
        .try_collect()
        .await?;
    for version in versions {
        let version_id = version.version_id.unwrap_or_default();
        client
            .delete_function_version()
            .function_name(name)
            .version_id(version_id)
            .send()
            .await?;
    }
    client.delete_function().function_name(name).send().await?;

    match client.get_function().function_name(name).send().await {
        Err(error) if error.is_not_found() => println!("{name} is gone"),
        Err(error) => return Err(error.into()),
        Ok(_) => anyhow::bail!("{name} is still there"),
    }
    Ok(())
}

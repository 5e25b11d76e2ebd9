//! List every function, page after page, as one stream.

use fc_client::Client;
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::from_env()?;

    let mut functions = client.list_functions().prefix("tasks-").into_stream();
    while let Some(function) = functions.try_next().await? {
        println!("{:?} ({:?})", function.function_name, function.runtime);
    }

    // Or collect them; `.owned()` makes the stream 'static, to return it or spawn it.
    let names: Vec<String> = client
        .list_functions()
        .owned()
        .into_stream()
        .map_ok(|function| function.function_name.unwrap_or_default())
        .try_collect()
        .await?;
    println!("{} functions", names.len());
    Ok(())
}

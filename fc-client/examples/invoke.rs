//! Invoke a function with JSON and read the end of its log.

use fc_client::Client;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Greet<'a> {
    name: &'a str,
}

#[derive(Deserialize)]
struct Greeting {
    message: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::from_env()?;

    // JSON in, JSON out.
    let greeting: Greeting = client
        .invoke_json("tasks-hello", &Greet { name: "Ada" })
        .await?;
    println!("{}", greeting.message);

    // The builder, for the log tail (and qualifiers, async calls, task ids).
    let output = client
        .invoke("tasks-hello")
        .json(&Greet { name: "Grace" })
        .log_tail()
        .send()
        .await?;
    println!("log:\n{}", output.log().unwrap_or("(none)"));
    let greeting: Greeting = output.into_result().await?.json().await?;
    println!("{}", greeting.message);
    Ok(())
}

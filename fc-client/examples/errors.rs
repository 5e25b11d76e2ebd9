//! Tell the API's errors (the call failed) from the function's (it ran and raised).

use fc_client::{Client, InvokeError};

/// Any function returning `anyhow::Result` (or `Box<dyn Error>`) takes `?` on `send()`.
async fn memory_of(client: &Client, name: &str) -> anyhow::Result<i32> {
    let function = client.get_function().function_name(name).send().await?;
    Ok(function.memory_size.unwrap_or_default())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = Client::from_env()?;

    // An API error prints on one line: code, message, status and request id; it downcasts back.
    let error = memory_of(&client, "no-such-function").await.unwrap_err();
    println!("{error}");
    let api = error
        .downcast_ref::<fc_client::Error>()
        .expect("an fc_client::Error");
    assert!(api.is_not_found());
    assert!(error.to_string().starts_with("FunctionNotFound: "));

    // An invocation fails in one of three ways.
    let payload = serde_json::json!({ "fail": true });
    match client
        .invoke_json::<serde_json::Value>("tasks-hello", &payload)
        .await
    {
        Ok(answer) => println!("answered {answer}"),
        Err(InvokeError::Function(failed)) => {
            println!("the function raised: {}", failed.message().unwrap_or("?"));
        }
        Err(InvokeError::Api(error)) if error.is_throttled() => println!("throttled: {error}"),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

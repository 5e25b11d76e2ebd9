//! What testing one's own code against fc-local needs: a ready client from the handle, the
//! interpreters set on the builder, the logs of a deleted function.

mod client;

use client::{invoke_text, python};
use fc_local::FcLocal;

#[tokio::test]
async fn the_handle_gives_a_signed_client_and_logs_outlive_delete_function() {
    let server = FcLocal::new().start().await.expect("start");
    let client = server.client().expect("client");
    python(
        &client,
        "kit",
        10,
        "def handler(event, context):\n    print('kit ran')\n    return 'ok'\n",
    )
    .await;
    assert_eq!(invoke_text(&client, "kit", "{}".into()).await, "ok");
    client
        .delete_function()
        .function_name("kit")
        .send()
        .await
        .expect("delete");
    let logs = server.executor().logs("kit");
    assert!(
        logs.iter().any(|record| record.line.contains("kit ran")),
        "{logs:?}"
    );
}

#[tokio::test]
async fn the_interpreters_are_set_on_the_builder() {
    let server = FcLocal::new()
        .python("/no/such/python3")
        .start()
        .await
        .expect("start");
    let client = server.client().expect("client");
    python(
        &client,
        "kit-py",
        10,
        "def handler(event, context):\n    return 'ok'\n",
    )
    .await;
    let error = client
        .invoke("kit-py")
        .payload("{}")
        .send()
        .await
        .expect_err("the interpreter does not exist");
    let text = error.to_string();
    assert!(
        text.contains("/no/such/python3") && text.contains("--python"),
        "{text}"
    );
}

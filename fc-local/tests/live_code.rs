//! Live code: a function whose code location names a local directory (fc-local only) runs from
//! it, and an edit takes effect on the next invocation without a redeploy.

mod client;
mod support;

use client::{code_of, create, invoke_text, start};
use fc_client::types::{CreateFunctionInput, InputCodeLocation};

fn directory_code(dir: &std::path::Path) -> InputCodeLocation {
    let mut code = InputCodeLocation::default();
    code.oss_bucket_name = Some("fc-local-dir".to_owned());
    code.oss_object_name = Some(dir.display().to_string());
    code
}

#[tokio::test]
async fn an_edit_takes_effect_on_the_next_invocation() {
    let (server, client) = start().await;
    let dir = support::temp_dir("live-code");
    std::fs::write(
        dir.join("index.py"),
        "def handler(event, context):\n    return 'version one'\n",
    )
    .unwrap();
    create(
        &client,
        CreateFunctionInput::builder()
            .function_name("live")
            .runtime("python3.10")
            .handler("index.handler")
            .code(directory_code(&dir)),
    )
    .await;
    assert_eq!(
        invoke_text(&client, "live", "{}".into()).await,
        "version one"
    );
    let first_instance = server.executor().instances("live");
    assert_eq!(first_instance.len(), 1);

    std::fs::write(
        dir.join("index.py"),
        "def handler(event, context):\n    return 'version two, edited'\n",
    )
    .unwrap();
    assert_eq!(
        invoke_text(&client, "live", "{}".into()).await,
        "version two, edited"
    );
    let live = server.live_code_functions().await.expect("list");
    let canonical = dir.canonicalize().unwrap().display().to_string();
    assert_eq!(live, vec![("live".to_owned(), canonical)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_directory_that_does_not_exist_is_refused() {
    let (_server, client) = start().await;
    let input: CreateFunctionInput = CreateFunctionInput::builder()
        .function_name("nowhere")
        .runtime("python3.10")
        .handler("index.handler")
        .code(directory_code(std::path::Path::new(
            "/no/such/dir/fc-local",
        )))
        .try_into()
        .expect("input");
    let error = client
        .create_function()
        .body(input)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&error), "InvalidArgument");
    assert!(error.to_string().contains("is not a directory"), "{error}");
}

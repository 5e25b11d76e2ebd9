//! Functions using layers, through fc-client: the layer's files appear where the service puts
//! them (`/opt`), on the runtime's search path, in the function's layer order.

mod client;

use client::{code, code_of, create, function, invoke_text, start};
use fc_client::Client;
use fc_client::types::{CreateFunctionInput, CreateLayerVersionInput};
use serde_json::Value;

/// Publishes a layer version with `files` and returns its ARN.
async fn layer(client: &Client, name: &str, files: &[(&str, &str)]) -> String {
    let input: CreateLayerVersionInput = CreateLayerVersionInput::builder()
        .code(code(files))
        .compatible_runtime(["python3.10", "nodejs20"])
        .try_into()
        .expect("layer input");
    client
        .create_layer_version()
        .layer_name(name)
        .body(input)
        .send()
        .await
        .expect("create layer version")
        .into_inner()
        .layer_version_arn
        .expect("a layer version ARN")
}

async fn invoke_json(client: &Client, name: &str) -> Value {
    serde_json::from_str(&invoke_text(client, name, "{}".into()).await).expect("json")
}

#[tokio::test]
async fn a_python_function_imports_from_its_layers_in_order() {
    let (_server, client) = start().await;
    let first = layer(
        &client,
        "py-libs",
        &[
            (
                "python/greeting.py",
                "WORD = 'hello from the first layer'\n",
            ),
            ("python/shared.py", "WHO = 'first'\n"),
            ("bin/layer-tool", "#!/bin/sh\necho tool\n"),
        ],
    )
    .await;
    let second = layer(
        &client,
        "py-more",
        &[
            ("python/shared.py", "WHO = 'second'\n"),
            ("python/lib/python3.10/site-packages/extra.py", "X = 42\n"),
        ],
    )
    .await;
    let source = r#"
import json, os
import greeting, shared, extra

def handler(event, context):
    return json.dumps({"word": greeting.WORD, "who": shared.WHO, "extra": extra.X,
                       "tool_on_path": any(p.endswith("/opt/bin") and os.path.exists(p + "/layer-tool")
                                           for p in os.environ["PATH"].split(":"))})
"#;
    create(
        &client,
        function("py-layered", "python3.10", 10, &[("index.py", source)])
            .layers(vec![first, second]),
    )
    .await;
    let body = invoke_json(&client, "py-layered").await;
    assert_eq!(body["word"], "hello from the first layer");
    assert_eq!(body["who"], "first", "the first layer wins: {body}");
    assert_eq!(body["extra"], 42);
    assert_eq!(body["tool_on_path"], true, "/opt/bin is on PATH: {body}");
}

#[tokio::test]
async fn a_node_function_requires_a_module_from_its_layer() {
    let (_server, client) = start().await;
    let arn = layer(
        &client,
        "node-libs",
        &[(
            "nodejs/node_modules/greeter/index.js",
            "exports.greet = (who) => 'hi ' + who + ' from a layer';\n",
        )],
    )
    .await;
    let source = r#"
const greeter = require("greeter");
exports.handler = async () => JSON.stringify({ text: greeter.greet("ada") });
"#;
    create(
        &client,
        function("node-layered", "nodejs20", 10, &[("index.js", source)]).layers(vec![arn]),
    )
    .await;
    let body = invoke_json(&client, "node-layered").await;
    assert_eq!(body["text"], "hi ada from a layer");
}

#[tokio::test]
async fn layers_that_do_not_exist_fail_create_function() {
    let (server, client) = start().await;
    let arn = |name: &str, version: u32| {
        format!(
            "acs:fc:{}:{}:layers/{name}/versions/{version}",
            server.region(),
            server.config().account_id
        )
    };
    let create_with = |layers: Vec<String>| {
        let input: CreateFunctionInput = function(
            "py-missing",
            "python3.10",
            10,
            &[("index.py", "def handler(e, c):\n    return 'x'\n")],
        )
        .layers(layers)
        .try_into()
        .expect("input");
        client.create_function().body(input).send()
    };
    let error = create_with(vec![arn("nowhere", 1)]).await.unwrap_err();
    let error = error;
    assert_eq!(code_of(&error), "LayerNotFound", "{error}");
    assert_eq!(error.status(), Some(404));

    layer(&client, "only-one", &[("python/x.py", "")]).await;
    let error = create_with(vec![arn("only-one", 2)]).await.unwrap_err();
    let error = error;
    assert_eq!(code_of(&error), "LayerVersionNotFound", "{error}");

    let created = create_with(vec![arn("only-one", 1)])
        .await
        .expect("an existing layer")
        .into_inner();
    assert_eq!(created.layers.len(), 1);
    assert!(
        created.layers[0].size.is_some_and(|size| size > 0),
        "{created:?}"
    );
}

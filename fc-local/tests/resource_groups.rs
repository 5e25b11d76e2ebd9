//! ChangeResourceGroup moves a function to another group, by name or by ARN; the move shows in
//! GetFunction and in ListFunctions' `resourceGroupId` filter.

mod client;
mod support;

use client::{python, start};
use fc_client::types::ChangeResourceGroupInput;

const SOURCE: &str = "def handler(event, context):\n    return 'ok'\n";

#[tokio::test]
async fn a_function_moves_between_resource_groups() {
    let (server, client) = start().await;
    python(&client, "grouped", 10, SOURCE).await;

    let moved = client
        .change_resource_group()
        .body(
            ChangeResourceGroupInput::builder()
                .resource_type("function")
                .resource_id("grouped")
                .new_resource_group_id("rg-blue"),
        )
        .send()
        .await
        .expect("move");
    assert_eq!(moved.new_resource_group_id.as_deref(), Some("rg-blue"));
    assert_eq!(moved.old_resource_group_id, None, "it was in no group");
    let function = client
        .get_function()
        .function_name("grouped")
        .send()
        .await
        .expect("get");
    assert_eq!(function.resource_group_id.as_deref(), Some("rg-blue"));

    let arn = format!(
        "acs:fc:{}:{}:functions/grouped",
        server.region(),
        server.account_id()
    );
    let again = client
        .change_resource_group()
        .body(
            ChangeResourceGroupInput::builder()
                .resource_type("ALIYUN::FC::FUNCTION")
                .resource_id(arn.as_str())
                .new_resource_group_id("rg-green"),
        )
        .send()
        .await
        .expect("move by ARN");
    assert_eq!(again.old_resource_group_id.as_deref(), Some("rg-blue"));
    let in_green = client
        .list_functions()
        .resource_group_id("rg-green")
        .send()
        .await
        .expect("list");
    assert_eq!(in_green.functions.len(), 1);
    let in_blue = client
        .list_functions()
        .resource_group_id("rg-blue")
        .send()
        .await
        .expect("list");
    assert!(in_blue.functions.is_empty());

    let wrong_type = client
        .change_resource_group()
        .body(
            ChangeResourceGroupInput::builder()
                .resource_type("ALIYUN::FC::LAYER")
                .resource_id("grouped")
                .new_resource_group_id("rg-x"),
        )
        .send()
        .await
        .expect_err("not a function");
    assert_eq!(wrong_type.status(), Some(400));
    assert!(
        wrong_type.message().contains("ResourceType"),
        "{wrong_type}"
    );
    let missing = client
        .change_resource_group()
        .body(
            ChangeResourceGroupInput::builder()
                .resource_type("function")
                .resource_id("nowhere")
                .new_resource_group_id("rg-x"),
        )
        .send()
        .await
        .expect_err("no such function");
    assert!(missing.is_not_found(), "{missing}");
}

#[tokio::test]
async fn the_camel_case_field_names_of_the_vendor_metadata_are_read_too() {
    let (server, client) = start().await;
    python(&client, "camel", 10, SOURCE).await;
    let api = support::client_for(&server);
    let reply = api
        .call(
            "PUT",
            "/2023-03-30/resource-groups",
            &[],
            Some(serde_json::json!({
                "resourceType": "function",
                "resourceId": "camel",
                "newResourceGroupId": "rg-camel",
            })),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    assert_eq!(reply.json()["NewResourceGroupId"], "rg-camel");
    let function = client
        .get_function()
        .function_name("camel")
        .send()
        .await
        .expect("get");
    assert_eq!(function.resource_group_id.as_deref(), Some("rg-camel"));
}

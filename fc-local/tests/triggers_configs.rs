//! Triggers and the per-function configs (async invoke, concurrency, provision, scaling).

mod support;

use fc_test_support::raw_client::{Response, send_raw};
use serde_json::{Value, json};
use support::{Api, start};

const F: &str = "/2023-03-30/functions/tf";

async fn trigger(api: &Api, name: &str, kind: &str, config: Value) -> Response {
    api.call(
        "POST",
        &format!("{F}/triggers"),
        &[],
        Some(json!({
            "triggerName": name, "triggerType": kind, "triggerConfig": config.to_string(),
        })),
    )
    .await
}

#[tokio::test]
async fn trigger_lifecycle_http_url_and_rules() {
    let (server, api) = start().await;
    api.create_function("tf").await;
    let http = trigger(
        &api,
        "web",
        "http",
        json!({"authType": "anonymous", "methods": ["GET", "POST"]}),
    )
    .await;
    assert_eq!(http.status, 200, "{:?}", http.json());
    let body = http.json();
    assert_eq!(body["qualifier"], "LATEST");
    let url = body["httpTrigger"]["urlInternet"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("http://{}/__http/tf/web", server.addr())),
        "{url}"
    );
    assert!(
        body["targetArn"]
            .as_str()
            .unwrap()
            .ends_with(":functions/tf")
    );

    // The URL is served (tests/http_triggers.rs calls functions through it): a method the
    // trigger does not list is refused in FC's shape, with a request id.
    let path = url.trim_start_matches(&format!("http://{}", server.addr()));
    let raw = format!("DELETE {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n");
    let reply = send_raw(server.addr(), raw.as_bytes()).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (403, "FCCommonError")
    );
    assert!(reply.header("x-fc-request-id").is_some());

    let cases = [
        (
            trigger(&api, "web", "timer", json!({"cronExpression": "@every 1m"})).await,
            409,
            "TriggerAlreadyExists",
        ),
        (
            trigger(&api, "web2", "http", json!({})).await,
            409,
            "TriggerAlreadyExists",
        ),
        (
            trigger(&api, "1bad", "timer", json!({})).await,
            400,
            "InvalidArgument",
        ),
        (
            trigger(
                &api,
                "t",
                "timer",
                json!({"cronExpression": "0 0 25 * * *"}),
            )
            .await,
            400,
            "InvalidArgument",
        ),
        (
            trigger(&api, "t", "carrier-pigeon", json!({})).await,
            400,
            "InvalidArgument",
        ),
        (
            trigger(&api, "t", "http", json!({"methods": ["FETCH"]})).await,
            400,
            "InvalidArgument",
        ),
        (
            trigger(&api, "t", "http", json!({"authType": "magic"})).await,
            400,
            "InvalidArgument",
        ),
    ];
    for (i, (reply, status, code)) in cases.into_iter().enumerate() {
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (status, code),
            "case {i}: {:?}",
            reply.json()
        );
    }
    let not_json = api
        .call(
            "POST",
            &format!("{F}/triggers"),
            &[],
            Some(json!({
        "triggerName": "t", "triggerType": "timer", "triggerConfig": "not json"})),
        )
        .await;
    assert!(
        not_json.json()["Message"]
            .as_str()
            .unwrap()
            .contains("triggerConfig")
    );
    let bad_qualifier = api
        .call(
            "POST",
            &format!("{F}/triggers"),
            &[],
            Some(json!({
        "triggerName": "t", "triggerType": "timer",
        "triggerConfig": r#"{"cronExpression": "@every 1m"}"#, "qualifier": "9"})),
        )
        .await;
    assert_eq!(bad_qualifier.code(), "VersionNotFound");

    let timer = trigger(
        &api,
        "tick",
        "timer",
        json!({"cronExpression": "@every 1m", "enable": true}),
    )
    .await;
    assert_eq!(timer.status, 200);
    let updated = api
        .call(
            "PUT",
            &format!("{F}/triggers/tick"),
            &[],
            Some(json!({"description": "every minute"})),
        )
        .await;
    assert_eq!(updated.json()["description"], "every minute");
    assert_eq!(updated.json()["triggerType"], "timer");

    let page = api
        .call("GET", &format!("{F}/triggers"), &[("limit", "1")], None)
        .await
        .json();
    assert_eq!(page["triggers"][0]["triggerName"], "tick");
    let token = page["nextToken"].as_str().unwrap();
    let rest = api
        .call(
            "GET",
            &format!("{F}/triggers"),
            &[("limit", "1"), ("nextToken", token)],
            None,
        )
        .await
        .json();
    assert_eq!(rest["triggers"][0]["triggerName"], "web");
    assert!(rest.get("nextToken").is_none());

    // A function with triggers cannot be deleted.
    let refused = api.call("DELETE", F, &[], None).await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (409, "FunctionNotEmpty")
    );
    for name in ["web", "tick"] {
        assert_eq!(
            api.call("DELETE", &format!("{F}/triggers/{name}"), &[], None)
                .await
                .status,
            204
        );
    }
    let gone = api
        .call("GET", &format!("{F}/triggers/web"), &[], None)
        .await;
    assert_eq!(
        (gone.status, gone.code().as_str()),
        (404, "TriggerNotFound")
    );
    assert_eq!(api.call("DELETE", F, &[], None).await.status, 204);
}

#[tokio::test]
async fn async_invoke_config_per_qualifier() {
    let (_server, api) = start().await;
    api.create_function("tf").await;
    let path = format!("{F}/async-invoke-config");
    let missing = api.call("GET", &path, &[], None).await;
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (404, "AsyncConfigNotExists")
    );
    let put = api
        .call("PUT", &path, &[], Some(json!({"maxAsyncRetryAttempts": 2, "maxAsyncEventAgeInSeconds": 600,
            "destinationConfig": {"onFailure": {"destination": "acs:mns:cn-hangzhou:1:/queues/q/messages"}}})))
        .await;
    assert_eq!(put.status, 200, "{:?}", put.json());
    assert!(put.json()["createdTime"].is_string());
    let got = api.call("GET", &path, &[], None).await.json();
    assert_eq!(got["maxAsyncRetryAttempts"], 2);
    assert_eq!(
        got["destinationConfig"]["onFailure"]["destination"],
        "acs:mns:cn-hangzhou:1:/queues/q/messages"
    );
    for body in [
        json!({"maxAsyncRetryAttempts": 9}),
        json!({"maxAsyncEventAgeInSeconds": 0}),
    ] {
        assert_eq!(api.call("PUT", &path, &[], Some(body)).await.status, 400);
    }
    let unknown_alias = api
        .call("PUT", &path, &[("qualifier", "prod")], Some(json!({})))
        .await;
    assert_eq!(unknown_alias.code(), "AliasNotFound");
    api.call("POST", &format!("{F}/versions"), &[], Some(json!({})))
        .await;
    let v1 = api
        .call(
            "PUT",
            &path,
            &[("qualifier", "1")],
            Some(json!({"maxAsyncRetryAttempts": 0})),
        )
        .await;
    assert!(
        v1.json()["functionArn"]
            .as_str()
            .unwrap()
            .ends_with(":functions/tf:1")
    );
    let listed = api
        .call(
            "GET",
            "/2023-03-30/async-invoke-configs",
            &[("functionName", "tf")],
            None,
        )
        .await
        .json();
    assert_eq!(listed["configs"].as_array().unwrap().len(), 2);
    assert_eq!(api.call("DELETE", &path, &[], None).await.status, 204);
    assert_eq!(
        api.call("DELETE", &path, &[], None).await.code(),
        "AsyncConfigNotExists"
    );
}

#[tokio::test]
async fn concurrency_provision_and_scaling_configs() {
    let (_server, api) = start().await;
    api.create_function("tf").await;
    api.create_function("other").await;

    let c = api
        .call(
            "PUT",
            &format!("{F}/concurrency"),
            &[],
            Some(json!({"reservedConcurrency": 5})),
        )
        .await;
    assert_eq!(c.json()["reservedConcurrency"], 5);
    assert_eq!(
        api.call(
            "PUT",
            &format!("{F}/concurrency"),
            &[],
            Some(json!({"reservedConcurrency": -1}))
        )
        .await
        .status,
        400
    );
    assert_eq!(
        api.call("PUT", &format!("{F}/concurrency"), &[], Some(json!({})))
            .await
            .status,
        400
    );
    api.call(
        "PUT",
        "/2023-03-30/functions/other/concurrency",
        &[],
        Some(json!({"reservedConcurrency": 1})),
    )
    .await;
    let page = api
        .call(
            "GET",
            "/2023-03-30/concurrency-configs",
            &[("limit", "1")],
            None,
        )
        .await
        .json();
    assert_eq!(page["configs"].as_array().unwrap().len(), 1);
    assert!(
        page["configs"][0]["functionArn"]
            .as_str()
            .unwrap()
            .ends_with("functions/other")
    );
    let token = page["nextToken"].as_str().unwrap();
    let second = api
        .call(
            "GET",
            "/2023-03-30/concurrency-configs",
            &[("limit", "1"), ("nextToken", token)],
            None,
        )
        .await
        .json();
    assert!(
        second["configs"][0]["functionArn"]
            .as_str()
            .unwrap()
            .ends_with("functions/tf")
    );
    assert_eq!(
        api.call("GET", "/2023-03-30/functions/none/concurrency", &[], None)
            .await
            .code(),
        "FunctionNotFound"
    );

    let p = api
        .call(
            "PUT",
            &format!("{F}/provision-config"),
            &[],
            Some(json!({"target": 3, "alwaysAllocateCPU": true})),
        )
        .await;
    assert_eq!(p.status, 200, "{:?}", p.json());
    assert_eq!(
        (p.json()["target"].clone(), p.json()["current"].clone()),
        (json!(3), json!(3))
    );
    assert_eq!(
        api.call(
            "PUT",
            &format!("{F}/provision-config"),
            &[],
            Some(json!({"target": 10001}))
        )
        .await
        .status,
        400
    );
    let listed = api
        .call("GET", "/2023-03-30/provision-configs", &[], None)
        .await
        .json();
    assert_eq!(listed["provisionConfigs"].as_array().unwrap().len(), 1);

    let s = api
        .call(
            "PUT",
            &format!("{F}/scaling-config"),
            &[],
            Some(json!({"minInstances": 2})),
        )
        .await;
    assert_eq!(s.json()["currentInstances"], 2);
    let listed = api
        .call("GET", "/2023-03-30/scaling-configs", &[], None)
        .await
        .json();
    assert_eq!(listed["scalingConfigs"].as_array().unwrap().len(), 1);

    // The configs go away with the function.
    assert_eq!(api.call("DELETE", F, &[], None).await.status, 204);
    api.create_function("tf").await;
    assert_eq!(
        api.call("GET", &format!("{F}/provision-config"), &[], None)
            .await
            .code(),
        "ProvisionConfigNotFound"
    );
    assert_eq!(
        api.call("GET", &format!("{F}/scaling-config"), &[], None)
            .await
            .code(),
        "ScalingConfigNotFound"
    );
    assert_eq!(
        api.call("GET", &format!("{F}/concurrency"), &[], None)
            .await
            .code(),
        "ConcurrencyConfigNotFound"
    );
}

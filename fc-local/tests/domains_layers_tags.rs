//! Custom domains, layers and tags.

mod support;

use fc_test_support::raw_client::{EMPTY_ZIP_B64, send_raw};
use serde_json::json;
use support::start;

const DOMAINS: &str = "/2023-03-30/custom-domains";

#[tokio::test]
async fn custom_domain_lifecycle() {
    let (server, api) = start().await;
    let body = json!({"domainName": "api.example.com", "routeConfig": {"routes": [
        {"path": "/login/*", "functionName": "login", "methods": ["GET", "POST"]}]}});
    let created = api.call("POST", DOMAINS, &[], Some(body.clone())).await;
    assert_eq!(created.status, 200, "{:?}", created.json());
    assert_eq!(created.json()["protocol"], "HTTP");
    assert_eq!(created.json()["accountId"], server.account_id());
    let dup = api.call("POST", DOMAINS, &[], Some(body)).await;
    assert_eq!(
        (dup.status, dup.code().as_str()),
        (409, "DomainNameAlreadyExists")
    );
    for bad in [
        json!({"domainName": "no_dots"}),
        json!({"domainName": "a.example.com", "protocol": "GOPHER"}),
        json!({"domainName": "a.example.com", "protocol": "HTTPS"}),
        json!({"domainName": "a.example.com", "routeConfig": {"routes": [{"path": "x", "functionName": "f"}]}}),
    ] {
        assert_eq!(
            api.call("POST", DOMAINS, &[], Some(bad.clone()))
                .await
                .status,
            400,
            "{bad}"
        );
    }
    let https = api
        .call("POST", DOMAINS, &[], Some(json!({"domainName": "secure.example.com", "protocol": "HTTP,HTTPS",
            "certConfig": {"certName": "c", "certificate": "-----BEGIN CERTIFICATE-----", "privateKey": "secret"}})))
        .await;
    assert_eq!(https.status, 200, "{:?}", https.json());
    assert!(
        https.json()["certConfig"].get("privateKey").is_none(),
        "the private key is not echoed"
    );

    let updated = api
        .call(
            "PUT",
            &format!("{DOMAINS}/api.example.com"),
            &[],
            Some(json!({"protocol": "HTTP"})),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(
        updated.json()["routeConfig"]["routes"][0]["path"],
        "/login/*"
    );
    let page = api
        .call("GET", DOMAINS, &[("limit", "1")], None)
        .await
        .json();
    assert_eq!(page["customDomains"][0]["domainName"], "api.example.com");
    assert!(page["nextToken"].is_string());
    assert_eq!(
        api.call("DELETE", &format!("{DOMAINS}/api.example.com"), &[], None)
            .await
            .status,
        204
    );
    let gone = api
        .call("GET", &format!("{DOMAINS}/api.example.com"), &[], None)
        .await;
    assert_eq!(
        (gone.status, gone.code().as_str()),
        (404, "DomainNameNotFound")
    );
}

#[tokio::test]
async fn layer_versions_acl_and_arn_lookup() {
    let (server, api) = start().await;
    let path = "/2023-03-30/layers/libs/versions";
    let body = json!({"code": {"zipFile": EMPTY_ZIP_B64}, "compatibleRuntime": ["python3.10"], "description": "d"});
    let v1 = api.call("POST", path, &[], Some(body.clone())).await;
    assert_eq!(v1.status, 200, "{:?}", v1.json());
    let v1 = v1.json();
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["acl"], "0");
    let arn = v1["layerVersionArn"].as_str().unwrap().to_owned();
    assert_eq!(
        arn,
        format!(
            "acs:fc:{}:{}:layers/libs/versions/1",
            server.region(),
            server.account_id()
        )
    );
    let location = v1["code"]["location"].as_str().unwrap();
    let link = location.trim_start_matches(&format!("http://{}", server.addr()));
    let zip = send_raw(
        server.addr(),
        format!("GET {link} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(zip.status, 200);
    assert!(zip.body.starts_with(b"PK"));

    assert_eq!(
        api.call("POST", path, &[], Some(body.clone())).await.json()["version"],
        2
    );
    assert_eq!(
        api.call("POST", path, &[], Some(json!({}))).await.status,
        400
    );
    assert_eq!(
        api.call(
            "POST",
            path,
            &[],
            Some(json!({"code": {"zipFile": EMPTY_ZIP_B64},
        "compatibleRuntime": ["cobol"]}))
        )
        .await
        .status,
        400
    );

    let by_arn = api
        .call(
            "GET",
            &format!(
                "/2023-03-30/layerarn/{}",
                fc_client::signing::percent_encode(&arn)
            ),
            &[],
            None,
        )
        .await;
    assert_eq!(by_arn.status, 200, "{:?}", by_arn.json());
    assert_eq!(by_arn.json()["version"], 1);

    let first = api.call("GET", path, &[("limit", "1")], None).await.json();
    assert_eq!(first["layers"].as_array().unwrap().len(), 1);
    assert_eq!(first["nextVersion"], 2);
    let second = api
        .call("GET", path, &[("limit", "1"), ("startVersion", "2")], None)
        .await
        .json();
    assert_eq!(second["layers"][0]["version"], 2);
    assert!(second.get("nextVersion").is_none());

    assert_eq!(
        api.call("PUT", "/2023-03-30/layers/libs/acl", &[("acl", "1")], None)
            .await
            .status,
        204
    );
    let public = api
        .call("GET", "/2023-03-30/layers", &[("public", "true")], None)
        .await
        .json();
    assert_eq!(
        public["layers"][0]["version"], 2,
        "the newest version is listed"
    );
    assert_eq!(public["layers"][0]["acl"], "1");
    let official = api
        .call("GET", "/2023-03-30/layers", &[("official", "true")], None)
        .await
        .json();
    assert_eq!(official["layers"], json!([]));
    assert_eq!(
        api.call("PUT", "/2023-03-30/layers/none/acl", &[("acl", "1")], None)
            .await
            .code(),
        "LayerNotFound"
    );

    assert_eq!(
        api.call("DELETE", &format!("{path}/1"), &[], None)
            .await
            .status,
        204
    );
    let gone = api.call("GET", &format!("{path}/1"), &[], None).await;
    assert_eq!(
        (gone.status, gone.code().as_str()),
        (404, "LayerVersionNotFound")
    );
    assert_eq!(
        api.call("POST", path, &[], Some(body)).await.json()["version"],
        3,
        "numbers are not reused"
    );
}

#[tokio::test]
async fn tags_on_functions() {
    let (server, api) = start().await;
    api.create_function("a").await;
    api.create_function("b").await;
    let arn_a = format!(
        "acs:fc:{}:{}:functions/a",
        server.region(),
        server.account_id()
    );
    let tagged = api
        .call("POST", "/2023-03-30/tags-v2", &[], Some(json!({"ResourceType": "function",
            "ResourceId": [arn_a, "b"], "Tag": [{"Key": "team", "Value": "x"}, {"Key": "env", "Value": "dev"}]})))
        .await;
    assert_eq!(tagged.status, 200, "{:?}", tagged.json());
    let f = api
        .call("GET", "/2023-03-30/functions/a", &[], None)
        .await
        .json();
    assert_eq!(f["tags"].as_array().unwrap().len(), 2);

    let listed = api
        .call(
            "GET",
            "/2023-03-30/tags-v2",
            &[("ResourceType", "function"), ("Limit", "3")],
            None,
        )
        .await
        .json();
    assert_eq!(listed["TagResources"].as_array().unwrap().len(), 3);
    let token = listed["NextToken"].as_str().unwrap();
    let rest = api
        .call(
            "GET",
            "/2023-03-30/tags-v2",
            &[("ResourceType", "function"), ("NextToken", token)],
            None,
        )
        .await
        .json();
    assert_eq!(rest["TagResources"].as_array().unwrap().len(), 1);

    let untag = api
        .call(
            "DELETE",
            "/2023-03-30/tags-v2",
            &[
                ("ResourceType", "function"),
                ("ResourceId", r#"["a"]"#),
                ("TagKey", r#"["team"]"#),
            ],
            None,
        )
        .await;
    assert_eq!(untag.status, 200);
    let only_env = api
        .call(
            "GET",
            "/2023-03-30/tags-v2",
            &[("ResourceType", "function"), ("ResourceId", r#"["a"]"#)],
            None,
        )
        .await
        .json();
    assert_eq!(only_env["TagResources"][0]["TagKey"], "env");
    let by_tag = api
        .call(
            "GET",
            "/2023-03-30/functions",
            &[("tags", r#"[{"Key":"team","Value":"x"}]"#)],
            None,
        )
        .await
        .json();
    assert_eq!(by_tag["functions"].as_array().unwrap().len(), 1);

    for bad in [
        json!({"ResourceType": "queue", "ResourceId": ["a"], "Tag": [{"Key": "k", "Value": "v"}]}),
        json!({"ResourceType": "function", "ResourceId": ["a"], "Tag": [{"Key": "aliyun:x", "Value": "v"}]}),
    ] {
        assert_eq!(
            api.call("POST", "/2023-03-30/tags-v2", &[], Some(bad))
                .await
                .status,
            400
        );
    }
    let missing = api
        .call(
            "POST",
            "/2023-03-30/tags-v2",
            &[],
            Some(json!({"ResourceType": "function",
            "ResourceId": ["zzz"], "Tag": [{"Key": "k", "Value": "v"}]})),
        )
        .await;
    assert_eq!(missing.code(), "FunctionNotFound");
}

#[tokio::test]
async fn regions_and_vpc_bindings() {
    let (server, api) = start().await;
    let regions = api
        .call(
            "GET",
            "/2023-03-30/regions",
            &[("AcceptLanguage", "en-US")],
            None,
        )
        .await;
    assert_eq!(
        regions.json()["Regions"]["Region"][0]["RegionId"],
        server.region()
    );
    assert_eq!(
        api.call(
            "GET",
            "/2023-03-30/regions",
            &[("AcceptLanguage", "xx")],
            None
        )
        .await
        .status,
        400
    );

    api.create_function("net").await;
    let path = "/2023-03-30/functions/net/vpc-bindings";
    assert_eq!(
        api.call("GET", path, &[], None).await.json()["vpcIds"],
        json!([])
    );
    for _ in 0..2 {
        let reply = api
            .call("POST", path, &[], Some(json!({"vpcId": "vpc-1"})))
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.json());
    }
    assert_eq!(
        api.call("GET", path, &[], None).await.json()["vpcIds"],
        json!(["vpc-1"])
    );
    assert_eq!(
        api.call("DELETE", &format!("{path}/vpc-1"), &[], None)
            .await
            .status,
        204
    );
    let gone = api
        .call("DELETE", &format!("{path}/vpc-1"), &[], None)
        .await;
    assert_eq!(
        (gone.status, gone.code().as_str()),
        (404, "VpcBindingNotFound")
    );
    assert_eq!(
        api.call(
            "POST",
            "/2023-03-30/functions/none/vpc-bindings",
            &[],
            Some(json!({"vpcId": "v"}))
        )
        .await
        .code(),
        "FunctionNotFound"
    );
}

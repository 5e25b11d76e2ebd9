//! Versions and aliases: numbering, snapshots, paging, references between them.

mod support;

use serde_json::{Value, json};
use support::{Api, start};

const F: &str = "/2023-03-30/functions/vf";

async fn publish(api: &Api, description: &str) -> Value {
    let reply = api
        .call(
            "POST",
            &format!("{F}/versions"),
            &[],
            Some(json!({"description": description})),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    reply.json()
}

fn ids(page: &Value) -> Vec<String> {
    page["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["versionId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn versions_are_numbered_snapshotted_and_never_reused() {
    let (_server, api) = start().await;
    api.create_function("vf").await;
    assert_eq!(publish(&api, "first").await["versionId"], "1");
    api.call("PUT", F, &[], Some(json!({"timeout": 42}))).await;
    let second = publish(&api, "second").await;
    assert_eq!(second["versionId"], "2");
    assert_eq!(second["description"], "second");

    let v1 = api.call("GET", F, &[("qualifier", "1")], None).await.json();
    let v2 = api.call("GET", F, &[("qualifier", "2")], None).await.json();
    assert_eq!(
        (v1["timeout"].clone(), v2["timeout"].clone()),
        (json!(3), json!(42))
    );
    // A later update leaves published versions alone.
    api.call("PUT", F, &[], Some(json!({"timeout": 7}))).await;
    assert_eq!(
        api.call("GET", F, &[("qualifier", "2")], None).await.json()["timeout"],
        42
    );
    assert_eq!(
        api.call("GET", F, &[("qualifier", "LATEST")], None)
            .await
            .json()["timeout"],
        7
    );
    let missing = api.call("GET", F, &[("qualifier", "9")], None).await;
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (404, "VersionNotFound")
    );

    let deleted = api
        .call("DELETE", &format!("{F}/versions/2"), &[], None)
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(publish(&api, "third").await["versionId"], "3");
    let gone = api
        .call("DELETE", &format!("{F}/versions/2"), &[], None)
        .await;
    assert_eq!(
        (gone.status, gone.code().as_str()),
        (404, "VersionNotFound")
    );
    let junk = api
        .call("DELETE", &format!("{F}/versions/abc"), &[], None)
        .await;
    assert_eq!(junk.code(), "VersionNotFound");
}

#[tokio::test]
async fn list_versions_both_directions_with_paging() {
    let (_server, api) = start().await;
    api.create_function("vf").await;
    for i in 0..5 {
        publish(&api, &format!("v{i}")).await;
    }
    let all = api
        .call("GET", &format!("{F}/versions"), &[], None)
        .await
        .json();
    assert_eq!(ids(&all), ["5", "4", "3", "2", "1"]);
    assert_eq!(all["direction"], "BACKWARD");

    let mut seen = Vec::new();
    let mut token = None::<String>;
    loop {
        let mut query = vec![("direction", "FORWARD"), ("limit", "2")];
        if let Some(t) = &token {
            query.push(("nextToken", t));
        }
        let page = api
            .call("GET", &format!("{F}/versions"), &query, None)
            .await
            .json();
        seen.extend(ids(&page));
        match page["nextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["1", "2", "3", "4", "5"]);
    let bad = api
        .call(
            "GET",
            &format!("{F}/versions"),
            &[("direction", "SIDEWAYS")],
            None,
        )
        .await;
    assert_eq!(bad.status, 400);
    let none = api
        .call("GET", "/2023-03-30/functions/nope/versions", &[], None)
        .await;
    assert_eq!(none.code(), "FunctionNotFound");
}

#[tokio::test]
async fn alias_lifecycle_and_rules() {
    let (_server, api) = start().await;
    api.create_function("vf").await;
    publish(&api, "one").await;
    publish(&api, "two").await;
    let aliases = format!("{F}/aliases");

    let created = api
        .call(
            "POST",
            &aliases,
            &[],
            Some(json!({"aliasName": "prod", "versionId": "1",
            "description": "live", "additionalVersionWeight": {"2": 0.1}})),
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.json());
    assert_eq!(created.json()["additionalVersionWeight"]["2"], 0.1);
    let dup = api
        .call(
            "POST",
            &aliases,
            &[],
            Some(json!({"aliasName": "prod", "versionId": "1"})),
        )
        .await;
    assert_eq!(
        (dup.status, dup.code().as_str()),
        (409, "AliasAlreadyExists")
    );

    for (body, status) in [
        (json!({"aliasName": "x", "versionId": "7"}), 404),
        (
            json!({"aliasName": "x", "versionId": "1", "additionalVersionWeight": {"2": 1.5}}),
            400,
        ),
        (
            json!({"aliasName": "x", "versionId": "1", "additionalVersionWeight": {"1": 0.5}}),
            400,
        ),
        (
            json!({"aliasName": "x", "versionId": "1", "additionalVersionWeight": {"9": 0.5}}),
            404,
        ),
        (json!({"aliasName": "LATEST", "versionId": "1"}), 400),
        (json!({"aliasName": "9lives", "versionId": "1"}), 400),
    ] {
        let reply = api.call("POST", &aliases, &[], Some(body.clone())).await;
        assert_eq!(reply.status, status, "{body}: {:?}", reply.json());
    }

    // Both versions are referenced (main and weighted), so neither can be deleted.
    for v in ["1", "2"] {
        let reply = api
            .call("DELETE", &format!("{F}/versions/{v}"), &[], None)
            .await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (412, "PreconditionFailed")
        );
    }
    // Qualifier resolution through the alias.
    let via_alias = api.call("GET", F, &[("qualifier", "prod")], None).await;
    assert_eq!(via_alias.status, 200);
    let unknown = api.call("GET", F, &[("qualifier", "nope")], None).await;
    assert_eq!(unknown.code(), "AliasNotFound");

    let updated = api
        .call(
            "PUT",
            &format!("{aliases}/prod"),
            &[],
            Some(json!({"versionId": "2",
            "additionalVersionWeight": {}})),
        )
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.json());
    let got = api
        .call("GET", &format!("{aliases}/prod"), &[], None)
        .await
        .json();
    assert_eq!(got["versionId"], "2");
    assert_eq!(got["description"], "live");
    assert!(got.get("additionalVersionWeight").is_none());
    assert_eq!(
        api.call("DELETE", &format!("{F}/versions/1"), &[], None)
            .await
            .status,
        204
    );

    // DeleteFunction is refused while versions or aliases exist.
    let not_empty = api.call("DELETE", F, &[], None).await;
    assert_eq!(
        (not_empty.status, not_empty.code().as_str()),
        (409, "FunctionNotEmpty")
    );

    let deleted = api
        .call("DELETE", &format!("{aliases}/prod"), &[], None)
        .await;
    assert_eq!(deleted.status, 204);
    let missing = api.call("GET", &format!("{aliases}/prod"), &[], None).await;
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (404, "AliasNotFound")
    );
    assert_eq!(
        api.call("DELETE", &format!("{F}/versions/2"), &[], None)
            .await
            .status,
        204
    );
    assert_eq!(api.call("DELETE", F, &[], None).await.status, 204);
}

#[tokio::test]
async fn list_aliases_pages_by_name() {
    let (_server, api) = start().await;
    api.create_function("vf").await;
    publish(&api, "one").await;
    for name in ["c", "a", "b", "beta"] {
        let reply = api
            .call(
                "POST",
                &format!("{F}/aliases"),
                &[],
                Some(json!({"aliasName": name, "versionId": "1"})),
            )
            .await;
        assert_eq!(reply.status, 200);
    }
    let first = api
        .call("GET", &format!("{F}/aliases"), &[("limit", "3")], None)
        .await
        .json();
    let names = |v: &Value| -> Vec<String> {
        v["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["aliasName"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&first), ["a", "b", "beta"]);
    let token = first["nextToken"].as_str().unwrap().to_owned();
    let second = api
        .call(
            "GET",
            &format!("{F}/aliases"),
            &[("limit", "3"), ("nextToken", &token)],
            None,
        )
        .await
        .json();
    assert_eq!(names(&second), ["c"]);
    assert!(second.get("nextToken").is_none());
    let prefixed = api
        .call("GET", &format!("{F}/aliases"), &[("prefix", "b")], None)
        .await
        .json();
    assert_eq!(names(&prefixed), ["b", "beta"]);
}

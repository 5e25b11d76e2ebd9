//! Function operations over a real socket: shapes, validation, paging, partial update, code.

mod support;

use fc_test_support::raw_client::{EMPTY_ZIP_B64, send_raw};
use serde_json::json;
use support::start;

const FUNCTIONS: &str = "/2023-03-30/functions";

/// A one-file package holding `payload` (fc-local checks a package's structure on upload).
fn zip_with(payload: &[u8]) -> Vec<u8> {
    fc_client::code::zip_entries(vec![fc_client::code::ZipEntry::file(
        "index.py",
        payload.to_vec(),
        0o644,
    )])
    .expect("a package")
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn crc64(bytes: &[u8]) -> String {
    crc::Crc::<u64>::new(&crc::CRC_64_XZ)
        .checksum(bytes)
        .to_string()
}

#[tokio::test]
async fn create_then_get_reports_state_arn_code_and_defaults() {
    let (server, api) = start().await;
    let zip = zip_with(b"hello");
    let reply = api
        .call(
            "POST",
            FUNCTIONS,
            &[],
            Some(json!({
                "functionName": "hello",
                "runtime": "python3.10",
                "handler": "index.handler",
                "code": {"zipFile": b64(&zip), "checksum": crc64(&zip)},
                "environmentVariables": {"GREETING": "hi"},
            })),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    let created = reply.json();
    assert_eq!(created["codeChecksum"], crc64(&zip));
    assert_eq!(created["codeSize"], zip.len());

    let got = api
        .call("GET", &format!("{FUNCTIONS}/hello"), &[], None)
        .await;
    assert_eq!(got.status, 200);
    let f = got.json();
    assert_eq!(f["state"], "Active");
    assert_eq!(f["lastUpdateStatus"], "Successful");
    assert_eq!(
        f["functionArn"],
        format!(
            "acs:fc:{}:{}:functions/hello",
            server.region(),
            server.account_id()
        )
    );
    assert_eq!(f["memorySize"], 512);
    assert_eq!(f["timeout"], 3);
    assert_eq!(f["diskSize"], 512);
    assert_eq!(f["environmentVariables"]["GREETING"], "hi");
    assert!(fc_client::timestamp::parse_iso8601(f["createdTime"].as_str().unwrap()).is_some());
    // The body parses as the spec's Function.
    let typed: fc_models::Function = serde_json::from_value(f).unwrap();
    assert_eq!(typed.function_name.as_deref(), Some("hello"));
}

#[tokio::test]
async fn duplicate_and_missing_functions() {
    let (_server, api) = start().await;
    api.create_function("dup").await;
    let again = api
        .call(
            "POST",
            FUNCTIONS,
            &[],
            Some(
                json!({"functionName": "dup", "runtime": "python3.10", "handler": "i.h",
                        "code": {"zipFile": EMPTY_ZIP_B64}}),
            ),
        )
        .await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (409, "FunctionAlreadyExists")
    );
    let missing = api
        .call("GET", &format!("{FUNCTIONS}/nope"), &[], None)
        .await;
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (404, "FunctionNotFound")
    );
    assert_eq!(
        missing.json()["RequestId"],
        missing.header("x-fc-request-id").unwrap()
    );
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let (_server, api) = start().await;
    let base = json!({"functionName": "v", "runtime": "python3.10", "handler": "i.h",
                      "code": {"zipFile": EMPTY_ZIP_B64}});
    let cases = [
        (json!({"functionName": "1bad"}), "functionName"),
        (json!({"functionName": "a".repeat(129)}), "functionName"),
        (json!({"runtime": "cobol"}), "runtime"),
        (json!({"handler": ""}), "handler"),
        (json!({"memorySize": 100}), "memorySize"),
        (json!({"memorySize": 200}), "memorySize"),
        (json!({"cpu": 0.33, "memorySize": 1024}), "cpu"),
        (json!({"cpu": 4, "memorySize": 1024}), "cpu"),
        (json!({"diskSize": 2048}), "diskSize"),
        (json!({"memorySize": 65536}), "memorySize"),
        (json!({"timeout": -1}), "timeout"),
        (json!({"timeout": 86401}), "timeout"),
        (json!({"instanceConcurrency": -1}), "instanceConcurrency"),
        (json!({"memorySize": "big"}), "memorySize"),
        (json!({"code": {"zipFile": "%%%"}}), "code.zipFile"),
        (
            json!({"code": {"zipFile": b64(b"not a zip")}}),
            "code.zipFile",
        ),
        (
            json!({"code": {"zipFile": EMPTY_ZIP_B64, "checksum": "1"}}),
            "code.checksum",
        ),
        (
            json!({"code": {"ossBucketName": "bkt", "ossObjectName": "o.zip"}}),
            "ossBucketName",
        ),
        (json!({"code": null}), "code"),
        (
            json!({"environmentVariables": {"FC_X": "1"}}),
            "environmentVariables",
        ),
        (json!({"layers": ["not-an-arn"]}), "layers"),
    ];
    for (patch, field) in cases {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let reply = api.call("POST", FUNCTIONS, &[], Some(body.clone())).await;
        assert_eq!(reply.status, 400, "{body}: {:?}", reply.json());
        assert_eq!(reply.code(), "InvalidArgument", "{body}");
        let message = reply.json()["Message"].as_str().unwrap().to_owned();
        assert!(message.contains(field), "{field} not in '{message}'");
    }
    let bad_json = api
        .send(&api.prepare("POST", FUNCTIONS, &[], b"{\"functionName\":"))
        .await;
    assert_eq!(
        (bad_json.status, bad_json.code().as_str()),
        (400, "InvalidArgument")
    );
    let missing = api
        .call("POST", FUNCTIONS, &[], Some(json!({"functionName": "x"})))
        .await;
    assert!(
        missing.json()["Message"]
            .as_str()
            .unwrap()
            .contains("handler")
    );
}

#[tokio::test]
async fn custom_container_needs_an_image_not_code() {
    let (_server, api) = start().await;
    let with_code = api
        .call(
            "POST",
            FUNCTIONS,
            &[],
            Some(json!({"functionName": "c", "runtime": "custom-container",
            "handler": "h", "code": {"zipFile": EMPTY_ZIP_B64}})),
        )
        .await;
    assert_eq!(with_code.status, 400);
    let ok = api
        .call(
            "POST",
            FUNCTIONS,
            &[],
            Some(json!({"functionName": "c", "runtime": "custom-container",
            "handler": "h", "customContainerConfig": {"image": "registry/x:1", "port": 9000}})),
        )
        .await;
    assert_eq!(ok.status, 200, "{:?}", ok.json());
    let code = api
        .call("GET", &format!("{FUNCTIONS}/c/code"), &[], None)
        .await;
    assert_eq!(code.status, 404);
}

#[tokio::test]
async fn list_pages_with_prefix_limit_and_token() {
    let (_server, api) = start().await;
    for name in ["b-2", "a-1", "b-1", "b-3", "c-1"] {
        api.create_function(name).await;
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut query = vec![("prefix", "b-"), ("limit", "2")];
        if let Some(t) = &token {
            query.push(("nextToken", t.as_str()));
        }
        let page = api.call("GET", FUNCTIONS, &query, None).await.json();
        let names: Vec<String> = page["functions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["functionName"].as_str().unwrap().to_owned())
            .collect();
        assert!(names.len() <= 2);
        seen.extend(names);
        match page["nextToken"].as_str() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    assert_eq!(seen, ["b-1", "b-2", "b-3"]);
    for bad in ["0", "101", "x"] {
        let reply = api.call("GET", FUNCTIONS, &[("limit", bad)], None).await;
        assert_eq!(reply.status, 400, "limit={bad}");
    }
    let bad_token = api
        .call("GET", FUNCTIONS, &[("nextToken", "***")], None)
        .await;
    assert_eq!(bad_token.status, 400);
    let default_page = api.call("GET", FUNCTIONS, &[], None).await.json();
    assert_eq!(default_page["functions"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn list_filters_by_tags_and_runtime() {
    let (_server, api) = start().await;
    for (name, runtime, env) in [("t1", "python3.10", "prod"), ("t2", "nodejs18", "dev")] {
        let reply = api
            .call(
                "POST",
                FUNCTIONS,
                &[],
                Some(json!({"functionName": name, "runtime": runtime,
                "handler": "i.h", "code": {"zipFile": EMPTY_ZIP_B64},
                "tags": [{"Key": "env", "Value": env}]})),
            )
            .await;
        assert_eq!(reply.status, 200);
    }
    let names = |v: serde_json::Value| -> Vec<String> {
        v["functions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["functionName"].as_str().unwrap().to_owned())
            .collect()
    };
    let tagged = api
        .call(
            "GET",
            FUNCTIONS,
            &[("tags", r#"[{"Key":"env","Value":"dev"}]"#)],
            None,
        )
        .await;
    assert_eq!(names(tagged.json()), ["t2"]);
    let by_runtime = api
        .call("GET", FUNCTIONS, &[("runtime", "python3.10")], None)
        .await;
    assert_eq!(names(by_runtime.json()), ["t1"]);
}

#[tokio::test]
async fn update_changes_only_given_fields_and_replaces_code() {
    let (_server, api) = start().await;
    api.create_function("u").await;
    let path = format!("{FUNCTIONS}/u");
    let zip = zip_with(b"v2");
    let reply = api
        .call(
            "PUT",
            &path,
            &[],
            Some(json!({"description": "new", "timeout": 60,
            "code": {"zipFile": b64(&zip)}})),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.json());
    let f = api.call("GET", &path, &[], None).await.json();
    assert_eq!(f["description"], "new");
    assert_eq!(f["timeout"], 60);
    assert_eq!(f["handler"], "index.handler");
    assert_eq!(f["runtime"], "python3.10");
    assert_eq!(f["codeChecksum"], crc64(&zip));
    let invalid = api
        .call("PUT", &path, &[], Some(json!({"memorySize": 127})))
        .await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        api.call("GET", &path, &[], None).await.json()["memorySize"],
        512
    );
    let missing = api
        .call("PUT", &format!("{FUNCTIONS}/none"), &[], Some(json!({})))
        .await;
    assert_eq!(missing.code(), "FunctionNotFound");
}

#[tokio::test]
async fn code_link_downloads_without_credentials_and_rejects_forgeries() {
    let (server, api) = start().await;
    let zip = zip_with(b"payload");
    let reply = api
        .call(
            "POST",
            FUNCTIONS,
            &[],
            Some(json!({"functionName": "dl", "runtime": "go1",
            "handler": "main", "code": {"zipFile": b64(&zip)}})),
        )
        .await;
    assert_eq!(reply.status, 200);
    let code = api
        .call("GET", &format!("{FUNCTIONS}/dl/code"), &[], None)
        .await
        .json();
    assert_eq!(code["checksum"], crc64(&zip));
    let url = code["url"].as_str().unwrap();
    let prefix = format!("http://{}", server.addr());
    let path = url.strip_prefix(&prefix).expect("link on our host");
    let get = |p: String| {
        let addr = server.addr();
        async move {
            send_raw(
                addr,
                format!("GET {p} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .await
        }
    };
    let downloaded = get(path.to_owned()).await;
    assert_eq!(downloaded.status, 200);
    assert_eq!(downloaded.body, zip);
    assert_eq!(downloaded.header("content-type"), Some("application/zip"));
    let mut forged = path.to_owned();
    forged.pop();
    forged.push(if path.ends_with('0') { '1' } else { '0' });
    let denied = get(forged).await;
    assert_eq!(
        (denied.status, denied.code().as_str()),
        (403, "AccessDenied")
    );
    let extended = get(path.replacen(".1", ".9", 1)).await;
    assert_eq!(extended.status, 403);
}

#[tokio::test]
async fn disable_and_enable_invocation_are_visible() {
    let (_server, api) = start().await;
    api.create_function("d").await;
    let reply = api
        .call(
            "POST",
            &format!("{FUNCTIONS}/d/invoke/disable"),
            &[],
            Some(json!({"reason": "incident"})),
        )
        .await;
    assert_eq!(reply.json()["success"], true);
    let f = api
        .call("GET", &format!("{FUNCTIONS}/d"), &[], None)
        .await
        .json();
    assert_eq!(f["invocationRestriction"]["disable"], true);
    assert_eq!(f["invocationRestriction"]["reason"], "incident");
    let reply = api
        .call("POST", &format!("{FUNCTIONS}/d/invoke/enable"), &[], None)
        .await;
    assert_eq!(reply.json()["success"], true);
    let f = api
        .call("GET", &format!("{FUNCTIONS}/d"), &[], None)
        .await
        .json();
    assert_eq!(f["invocationRestriction"]["disable"], false);
    let missing = api
        .call("POST", &format!("{FUNCTIONS}/zz/invoke/enable"), &[], None)
        .await;
    assert_eq!(missing.code(), "FunctionNotFound");
}

#[tokio::test]
async fn delete_function() {
    let (_server, api) = start().await;
    api.create_function("gone").await;
    let reply = api
        .call("DELETE", &format!("{FUNCTIONS}/gone"), &[], None)
        .await;
    assert_eq!(reply.status, 204);
    assert!(reply.body.is_empty());
    assert!(reply.header("x-fc-request-id").is_some());
    let again = api
        .call("DELETE", &format!("{FUNCTIONS}/gone"), &[], None)
        .await;
    assert_eq!(again.code(), "FunctionNotFound");
}

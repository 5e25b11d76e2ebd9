//! FC 2.0 on fc-local through fc-client's FC 2.0 client: services and functions with ETags and
//! `If-Match`, partial updates, paging, versions and aliases running their published code, the
//! FC 3.0 view of FC 2.0 functions, the classic paths and signature, FC 2.0 error bodies.

mod client;

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use fc_client::conditional::ResponseETag;
use fc_client::fc2::types::{
    Code, CreateAliasInput, CreateFunctionInput, CreateServiceInput, PublishServiceVersionInput,
    UpdateFunctionInput, UpdateServiceInput,
};
use fc_client::{ErrorCode, FunctionErrorType};
use fc_local::{FcLocal, FcLocalHandle};
use serde_json::Value;

/// A Python function answering `text` and printing `printed`; fails when the event is `fail`.
fn code(text: &str) -> Code {
    let source = format!(
        "def handler(event, context):\n    print('printed {text}')\n    if event == b'fail':\n        raise ValueError('asked to fail')\n    return '{text}'\n"
    );
    zip_code("index.py", &source)
}

/// A code package of one file.
fn zip_code(path: &str, source: &str) -> Code {
    let file = fc_client::code::ZipEntry::file(path, source.as_bytes().to_vec(), 0o644);
    let package = fc_client::code::CodePackage::from_entries([file]).expect("zip");
    Code::builder()
        .zip_file(STANDARD.encode(package.zip_bytes()))
        .try_into()
        .expect("code")
}

async fn start() -> (FcLocalHandle, fc_client::fc2::Client) {
    let server = FcLocal::new().start().await.expect("start");
    let client = server.fc2_client().expect("fc2 client");
    (server, client)
}

async fn create_service(client: &fc_client::fc2::Client, name: &str) {
    client
        .create_service()
        .body(
            CreateServiceInput::builder()
                .service_name(name)
                .description("first".to_owned()),
        )
        .send()
        .await
        .expect("create service");
}

async fn create_function(client: &fc_client::fc2::Client, service: &str, name: &str, text: &str) {
    let input = CreateFunctionInput::builder()
        .function_name(name)
        .runtime(fc_client::fc2::types::Runtime::from("python3.10"))
        .handler("index.handler")
        .memory_size(128)
        .timeout(10)
        .environment_variables(BTreeMap::from([("STAGE".to_owned(), "one".to_owned())]))
        .code(code(text));
    client
        .create_function()
        .service_name(service)
        .body(input)
        .send()
        .await
        .expect("create function");
}

async fn invoke(client: &fc_client::fc2::Client, service: &str, qualifier: Option<&str>) -> String {
    let mut call = client.invoke(service, "fn");
    if let Some(qualifier) = qualifier {
        call = call.qualifier(qualifier);
    }
    call.payload("ping")
        .send()
        .await
        .expect("invoke")
        .text()
        .await
        .expect("text")
}

#[tokio::test]
async fn services_and_functions_carry_etags_and_refuse_stale_writes() {
    let (server, client) = start().await;
    create_service(&client, "svc").await;
    let again = client
        .create_service()
        .body(CreateServiceInput::builder().service_name("svc"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(again.code(), Some(&ErrorCode::ServiceAlreadyExists));

    let service = client
        .get_service()
        .service_name("svc")
        .send()
        .await
        .unwrap();
    let tag = service.etag().expect("GetService carries an ETag");
    let updated = client
        .update_service()
        .service_name("svc")
        .if_match(tag.clone())
        .body(UpdateServiceInput::builder().description("second".to_owned()))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.description.as_deref(), Some("second"));
    assert_ne!(
        updated.etag(),
        Some(tag.clone()),
        "a write changes the ETag"
    );
    let stale = client
        .update_service()
        .service_name("svc")
        .if_match(tag)
        .body(UpdateServiceInput::builder().description("third".to_owned()))
        .send()
        .await
        .unwrap_err();
    assert!(stale.is_precondition_failed(), "{stale}");
    assert_eq!(stale.status(), Some(412));
    let kept = client
        .get_service()
        .service_name("svc")
        .send()
        .await
        .unwrap();
    assert_eq!(
        kept.description.as_deref(),
        Some("second"),
        "nothing changed"
    );

    create_function(&client, "svc", "fn", "v1").await;
    let read = client
        .get_function()
        .service_name("svc")
        .function_name("fn")
        .send()
        .await
        .unwrap();
    let tag = read.etag().expect("GetFunction carries an ETag");
    assert_eq!(read.memory_size, Some(128));
    let merged = client
        .update_function()
        .service_name("svc")
        .function_name("fn")
        .if_match(tag.clone())
        .body(UpdateFunctionInput::builder().description("merged".to_owned()))
        .send()
        .await
        .unwrap();
    assert_eq!(merged.description.as_deref(), Some("merged"));
    assert_eq!(merged.memory_size, Some(128), "UpdateFunction merges");
    assert_eq!(
        merged
            .environment_variables
            .get("STAGE")
            .map(String::as_str),
        Some("one")
    );
    let lost = client
        .update_function()
        .service_name("svc")
        .function_name("fn")
        .if_match(tag)
        .body(UpdateFunctionInput::builder().memory_size(1024))
        .send()
        .await
        .unwrap_err();
    assert!(lost.is_precondition_failed());

    // Two writers with the same ETag: exactly one wins.
    let current = client
        .get_function()
        .service_name("svc")
        .function_name("fn")
        .send()
        .await
        .unwrap()
        .etag()
        .unwrap();
    let write = |memory: i32| {
        client
            .update_function()
            .service_name("svc")
            .function_name("fn")
            .if_match(current.clone())
            .body(UpdateFunctionInput::builder().memory_size(memory))
            .send()
    };
    let (first, second) = tokio::join!(write(256), write(512));
    assert_eq!(first.is_ok() as u8 + second.is_ok() as u8, 1, "one winner");

    let modified = client
        .modify_function("svc", "fn")
        .apply(|_| UpdateFunctionInput::builder().timeout(20))
        .await
        .expect("read-modify-write");
    assert_eq!(modified.timeout, Some(20));

    let not_empty = client
        .delete_service()
        .service_name("svc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(not_empty.code(), Some(&ErrorCode::ServiceNotEmpty));
    let missing = client
        .get_function()
        .service_name("svc")
        .function_name("absent")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some(&ErrorCode::FunctionNotFound));
    assert!(missing.request_id().is_some(), "x-fc-request-id");
    client
        .delete_function()
        .service_name("svc")
        .function_name("fn")
        .send()
        .await
        .unwrap();
    client
        .delete_service()
        .service_name("svc")
        .send()
        .await
        .unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn lists_page_one_at_a_time() {
    let (server, client) = start().await;
    create_service(&client, "paged").await;
    for name in ["a", "b", "c"] {
        create_function(&client, "paged", name, name).await;
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut call = client.list_functions().service_name("paged").limit(1);
        if let Some(token) = &token {
            call = call.next_token(token.clone());
        }
        let page = call.send().await.unwrap().into_inner();
        assert_eq!(page.functions.len(), 1);
        seen.extend(page.functions.into_iter().filter_map(|f| f.function_name));
        match page.next_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["a", "b", "c"]);
    let services = client.list_services().prefix("pag").send().await.unwrap();
    assert_eq!(services.services.len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn versions_and_aliases_run_the_published_code() {
    let (server, client) = start().await;
    create_service(&client, "rel").await;
    create_function(&client, "rel", "fn", "v1").await;
    let version = client
        .publish_service_version()
        .service_name("rel")
        .body(PublishServiceVersionInput::builder().description("first".to_owned()))
        .send()
        .await
        .unwrap();
    assert_eq!(version.version_id.as_deref(), Some("1"));
    client
        .update_function()
        .service_name("rel")
        .function_name("fn")
        .body(UpdateFunctionInput::builder().code(code("v2")))
        .send()
        .await
        .unwrap();
    client
        .create_alias()
        .service_name("rel")
        .body(
            CreateAliasInput::builder()
                .alias_name("prod")
                .version_id("1"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(invoke(&client, "rel", None).await, "v2");
    assert_eq!(invoke(&client, "rel", Some("LATEST")).await, "v2");
    assert_eq!(invoke(&client, "rel", Some("1")).await, "v1");
    assert_eq!(invoke(&client, "rel", Some("prod")).await, "v1");
    let missing = client
        .invoke("rel", "fn")
        .qualifier("9")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some(&ErrorCode::VersionNotFound));

    let tailed = client
        .invoke("rel", "fn")
        .payload("fail")
        .log_tail()
        .send()
        .await
        .unwrap();
    assert_eq!(tailed.function_error(), Some(&FunctionErrorType::Unhandled));
    assert!(tailed.log().unwrap_or_default().contains("printed v2"));

    let versions = client
        .list_service_versions()
        .service_name("rel")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions.len(), 1);
    let at_one = client
        .get_function()
        .service_name("rel")
        .function_name("fn")
        .qualifier("1")
        .send()
        .await
        .unwrap();
    assert_ne!(
        at_one.code_checksum,
        client
            .get_function()
            .service_name("rel")
            .function_name("fn")
            .send()
            .await
            .unwrap()
            .code_checksum,
        "version 1 keeps its code"
    );

    // The FC 3.0 API lists the function as service$function and runs it.
    let fc3 = server.client().unwrap();
    let listed = fc3.list_functions().send().await.unwrap().into_inner();
    let names: Vec<String> = listed
        .functions
        .into_iter()
        .filter_map(|f| f.function_name)
        .collect();
    assert_eq!(names, ["rel$fn"]);
    let through_fc3 = fc3
        .get_function()
        .function_name("rel$fn")
        .send()
        .await
        .unwrap();
    assert_eq!(through_fc3.handler.as_deref(), Some("index.handler"));
    let ran = fc3.invoke("rel$fn").qualifier("1").send().await.unwrap();
    assert_eq!(
        ran.text().await.unwrap(),
        "v1",
        "FC 3.0 runs the published version"
    );
    client
        .update_service()
        .service_name("rel")
        .body(UpdateServiceInput::builder().role("acs:ram::1:role/fc".to_owned()))
        .send()
        .await
        .unwrap();
    let twin = fc3
        .get_function()
        .function_name("rel$fn")
        .send()
        .await
        .unwrap();
    assert_eq!(
        twin.role.as_deref(),
        Some("acs:ram::1:role/fc"),
        "the twin runs with the service's role"
    );
    let write = fc3
        .delete_function()
        .function_name("rel$fn")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        write.status(),
        Some(400),
        "FC 3.0 does not change an FC 2.0 function"
    );
    assert!(
        write
            .to_string()
            .contains("/2021-04-06/services/rel/functions/fn"),
        "{write}"
    );
    let history = server.executor().invocations(Some("rel$fn"), 0);
    assert_eq!(
        history.len(),
        6,
        "every invocation, FC 2.0's and FC 3.0's, is in the console's history"
    );
    let in_use = client
        .delete_service_version()
        .service_name("rel")
        .version_id("1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(in_use.status(), Some(400), "an alias points to it");
    server.shutdown().await;
}

#[tokio::test]
async fn classic_paths_signatures_and_error_bodies() {
    use fc_client::signing::classic;
    let (server, client) = start().await;
    create_service(&client, "old").await;
    create_function(&client, "old", "fn", "v1").await;
    client
        .publish_service_version()
        .service_name("old")
        .body(PublishServiceVersionInput::builder())
        .send()
        .await
        .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let call = |secret: &str, method: &str, path: &str, body: &'static str| {
        let date = fc_client::timestamp::format_http_date(std::time::SystemTime::now());
        let text = classic::string_to_sign(method, "", "", &date, [], path, None);
        let authorization =
            classic::authorization(server.access_key_id(), &classic::signature(secret, &text));
        http.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", server.endpoint()),
        )
        .header("date", date)
        .header("authorization", authorization)
        .body(body)
        .send()
    };
    let secret = server.access_key_secret().to_owned();
    let invoked = call(
        &secret,
        "POST",
        "/2016-08-15/services/old.1/functions/fn/invocations",
        "x",
    )
    .await
    .unwrap();
    assert_eq!(invoked.status(), 200);
    assert_eq!(invoked.text().await.unwrap(), "v1");
    let got = call(&secret, "GET", "/2016-08-15/services/old/functions/fn", "")
        .await
        .unwrap();
    assert!(got.headers().contains_key("etag"));

    // A request signed for one method, path or x-fc-* header value, sent with another, is refused.
    let date = fc_client::timestamp::format_http_date(std::time::SystemTime::now());
    let text = classic::string_to_sign(
        "GET",
        "",
        "",
        &date,
        [("x-fc-trace", "1")],
        "/2016-08-15/services/old",
        None,
    );
    let signed =
        classic::authorization(server.access_key_id(), &classic::signature(&secret, &text));
    for (method, path, trace) in [
        ("GET", "/2016-08-15/services/old", "1"),
        ("DELETE", "/2016-08-15/services/old", "1"),
        ("GET", "/2016-08-15/services/other", "1"),
        ("GET", "/2016-08-15/services/old", "2"),
    ] {
        let sent = http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", server.endpoint()),
            )
            .header("date", &date)
            .header("x-fc-trace", trace)
            .header("authorization", &signed)
            .send()
            .await
            .unwrap();
        let expected = if (method, path, trace) == ("GET", "/2016-08-15/services/old", "1") {
            200
        } else {
            403
        };
        assert_eq!(
            sent.status(),
            expected,
            "{method} {path} x-fc-trace {trace}"
        );
    }
    let forged = call("wrong", "GET", "/2016-08-15/services/old", "")
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(forged.headers().contains_key("x-fc-request-id"));
    let body: Value = forged.json().await.unwrap();
    assert_eq!(body["ErrorCode"], "SignatureNotMatch", "{body}");
    assert_eq!(body["Code"], "SignatureNotMatch", "both spellings: {body}");

    let gpu = call(&secret, "POST", "/2021-04-06/gpuInstances", "{}")
        .await
        .unwrap();
    assert_eq!(gpu.status(), 501);
    let body: Value = gpu.json().await.unwrap();
    assert_eq!(body["ErrorCode"], "NotImplemented");
    assert!(
        body["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("ClaimGPUInstance")
    );
    server.shutdown().await;
}

/// A WSGI function: echoes what it saw.
const WSGI_PY: &str = r#"
import json

def handler(environ, start_response):
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(size).decode()
    start_response("201 Created", [("Content-Type", "application/json"), ("X-Served", "wsgi")])
    return [json.dumps({
        "method": environ["REQUEST_METHOD"],
        "path": environ["PATH_INFO"],
        "query": environ["QUERY_STRING"],
        "body": body,
        "header": environ.get("HTTP_X_TEST"),
    }).encode()]
"#;

#[tokio::test]
async fn http_triggers_serve_wsgi_functions_under_proxy_paths() {
    use fc_client::fc2::types::{CreateTriggerInput, TriggerType};
    let (server, client) = start().await;
    create_service(&client, "web").await;
    let wsgi_code = zip_code("index.py", WSGI_PY);
    for (name, auth) in [("open", "anonymous"), ("private", "function")] {
        client
            .create_function()
            .service_name("web")
            .body(
                CreateFunctionInput::builder()
                    .function_name(name)
                    .runtime(fc_client::fc2::types::Runtime::from("python3.10"))
                    .handler("index.handler")
                    .code(wsgi_code.clone()),
            )
            .send()
            .await
            .unwrap();
        let config = format!(r#"{{"authType":"{auth}","methods":["GET","POST"]}}"#);
        let trigger = client
            .create_trigger()
            .service_name("web")
            .function_name(name)
            .body(
                CreateTriggerInput::builder()
                    .trigger_name("http")
                    .trigger_type(TriggerType::from("http"))
                    .trigger_config(config),
            )
            .send()
            .await
            .unwrap();
        let url = trigger.url_internet.clone().unwrap_or_default();
        assert!(
            url.ends_with(&format!("/2021-04-06/proxy/web/{name}/")),
            "{url}"
        );
    }
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let base = format!("{}/2016-08-15/proxy/web", server.endpoint());
    let answer = http
        .post(format!("{base}/open/items/a%20b?x=1"))
        .header("x-test", "seen")
        .body("posted")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 201);
    assert_eq!(answer.headers()["x-served"], "wsgi");
    let echo: Value = answer.json().await.unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["path"], "/items/a b");
    assert_eq!(echo["query"], "x=1");
    assert_eq!(echo["body"], "posted");
    assert_eq!(echo["header"], "seen");

    let refused = http.delete(format!("{base}/open/")).send().await.unwrap();
    assert_eq!(refused.status(), 403, "a method the trigger does not list");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["ErrorCode"], "FCCommonError");
    let unsigned = http.get(format!("{base}/private/")).send().await.unwrap();
    assert_eq!(
        unsigned.status(),
        403,
        "authType function needs a signature"
    );
    let missing = http.get(format!("{base}/absent/")).send().await.unwrap();
    assert_eq!(missing.status(), 404);

    // An FC 2.0 custom domain routes to the WSGI function too.
    use fc_client::fc2::types::{CreateCustomDomainInput, PathConfig, RouteConfig};
    let route = PathConfig::builder()
        .path("/*")
        .service_name("web")
        .function_name("open");
    let domain = client
        .create_custom_domain()
        .body(
            CreateCustomDomainInput::builder()
                .domain_name("shop.example.com")
                .route_config(RouteConfig::builder().routes([route])),
        )
        .send()
        .await
        .unwrap();
    assert!(
        domain.etag().is_some(),
        "CreateCustomDomain answers an ETag"
    );
    let routes = domain.into_inner().route_config.unwrap().routes;
    assert_eq!(
        routes[0].service_name.as_deref(),
        Some("web"),
        "FC 2.0's shape"
    );
    assert_eq!(routes[0].function_name.as_deref(), Some("open"));
    let by_host = http
        .post(format!("{}/cart?id=7", server.endpoint()))
        .header("host", "shop.example.com")
        .body("item")
        .send()
        .await
        .unwrap();
    assert_eq!(by_host.status(), 201);
    let echo: Value = by_host.json().await.unwrap();
    assert_eq!(
        (echo["path"].as_str(), echo["body"].as_str()),
        (Some("/cart"), Some("item"))
    );
    server.shutdown().await;
}

/// FC 2.0's Node.js HTTP handler: (request, response, context).
const NODE_HTTP_JS: &str = r#"
exports.handler = (req, resp, context) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    resp.setStatusCode(202);
    resp.setHeader('x-node', context.service.name);
    resp.send(JSON.stringify({ method: req.method, path: req.path, queries: req.queries,
                               body: Buffer.concat(chunks).toString(), header: req.headers['x-test'] }));
  });
};
"#;

#[tokio::test]
async fn node_http_functions_get_request_and_response_objects() {
    use fc_client::fc2::types::{CreateTriggerInput, Runtime, TriggerType};
    let (server, client) = start().await;
    create_service(&client, "nodeweb").await;
    let code = zip_code("index.js", NODE_HTTP_JS);
    client
        .create_function()
        .service_name("nodeweb")
        .body(
            CreateFunctionInput::builder()
                .function_name("fn")
                .runtime(Runtime::from("nodejs18"))
                .handler("index.handler")
                .code(code),
        )
        .send()
        .await
        .unwrap();
    client
        .create_trigger()
        .service_name("nodeweb")
        .function_name("fn")
        .body(
            CreateTriggerInput::builder()
                .trigger_name("http")
                .trigger_type(TriggerType::from("http"))
                .trigger_config(r#"{"authType":"anonymous","methods":["POST"]}"#.to_owned()),
        )
        .send()
        .await
        .unwrap();
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!(
            "{}/2016-08-15/proxy/nodeweb/fn/a/b?k=v",
            server.endpoint()
        ))
        .header("x-test", "seen")
        .body("sent")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    assert_eq!(answer.headers()["x-node"], "nodeweb");
    let echo: Value = answer.json().await.unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["path"], "/a/b");
    assert_eq!(echo["queries"]["k"], "v");
    assert_eq!(echo["body"], "sent");
    assert_eq!(echo["header"], "seen");
    server.shutdown().await;
}

#[tokio::test]
async fn functions_see_their_service_and_the_console_groups_them() {
    let (server, client) = start().await;
    create_service(&client, "ctx").await;
    let source = "import os\ndef handler(event, context):\n    return '%s/%s/%s' % (context.service.name, context.function.name, os.environ['FC_SERVICE_NAME'])\n";
    let code = zip_code("index.py", source);
    client
        .create_function()
        .service_name("ctx")
        .body(
            CreateFunctionInput::builder()
                .function_name("fn")
                .runtime(fc_client::fc2::types::Runtime::from("python3.10"))
                .handler("index.handler")
                .code(code),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(invoke(&client, "ctx", None).await, "ctx/fn/ctx");

    let url = server.console_url();
    let (_, token) = url.split_once("token=").unwrap();
    let overview: Value = reqwest::Client::new()
        .get(format!("{}/__console/api/overview", server.endpoint()))
        .header("x-console-token", token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(overview["functions"][0]["functionName"], "ctx$fn");
    assert_eq!(overview["functions"][0]["service"], "ctx");
    server.shutdown().await;
}

#[tokio::test]
async fn async_invocations_follow_their_config_and_are_listed() {
    use fc_client::fc2::types::PutFunctionAsyncInvokeConfigInput;
    let (server, client) = start().await;
    create_service(&client, "bg").await;
    create_function(&client, "bg", "fn", "v1").await;
    let config = client
        .put_function_async_invoke_config()
        .service_name("bg")
        .function_name("fn")
        .body(
            PutFunctionAsyncInvokeConfigInput::builder()
                .max_async_retry_attempts(0)
                .stateful_invocation(true),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(config.max_async_retry_attempts, Some(0));
    assert_eq!(config.stateful_invocation, Some(true));
    assert_eq!(config.service.as_deref(), Some("bg"));

    let queued = client
        .invoke("bg", "fn")
        .payload("fail")
        .asynchronous()
        .async_task_id("job-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (queued.status(), queued.async_task_id()),
        (202, Some("job-1"))
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let done = loop {
        let seen = client
            .get_stateful_async_invocation()
            .service_name("bg")
            .function_name("fn")
            .invocation_id("job-1")
            .send()
            .await
            .unwrap()
            .into_inner();
        if seen.status.as_deref() == Some("Failed") {
            break seen;
        }
        assert!(std::time::Instant::now() < deadline, "{seen:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(
        done.already_retried_times,
        Some(0),
        "maxAsyncRetryAttempts 0"
    );
    assert_eq!(done.service_name.as_deref(), Some("bg"));
    let listed = client
        .list_stateful_async_invocations()
        .service_name("bg")
        .function_name("fn")
        .status("Failed")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.invocations.len(), 1);

    let instances = client
        .list_instances()
        .service_name("bg")
        .function_name("fn")
        .send()
        .await
        .unwrap();
    assert_eq!(instances.instances.len(), 1, "the instance that ran it");
    let zones = client.get_account_settings().send().await.unwrap();
    assert!(!zones.available_a_zs.is_empty());
    client
        .delete_function_async_invoke_config()
        .service_name("bg")
        .function_name("fn")
        .send()
        .await
        .unwrap();
    let gone = client
        .get_function_async_invoke_config()
        .service_name("bg")
        .function_name("fn")
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Some(&ErrorCode::AsyncConfigNotExists));
    server.shutdown().await;
}

#[tokio::test]
async fn provision_and_on_demand_configs_are_kept_per_qualifier() {
    use fc_client::fc2::types::{PutFunctionOnDemandConfigInput, PutProvisionConfigInput};
    let (server, client) = start().await;
    create_service(&client, "cap").await;
    create_function(&client, "cap", "fn", "v1").await;
    let provision = client
        .put_provision_config()
        .service_name("cap")
        .function_name("fn")
        .qualifier("LATEST")
        .body(PutProvisionConfigInput::builder().target(2))
        .send()
        .await
        .unwrap();
    assert_eq!((provision.target, provision.current), (Some(2), Some(2)));
    assert_eq!(
        provision.resource.as_deref(),
        Some("1234567890123456#cap#LATEST#fn")
    );
    let listed = client
        .list_provision_configs()
        .service_name("cap")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.provision_configs.len(), 1);
    let elsewhere = client
        .list_provision_configs()
        .service_name("other")
        .send()
        .await
        .unwrap();
    assert!(elsewhere.provision_configs.is_empty());

    let on_demand = client
        .put_function_on_demand_config()
        .service_name("cap")
        .function_name("fn")
        .qualifier("LATEST")
        .body(PutFunctionOnDemandConfigInput::builder().maximum_instance_count(3))
        .send()
        .await
        .unwrap();
    assert_eq!(on_demand.maximum_instance_count, Some(3));
    assert_eq!(
        on_demand.resource.as_deref(),
        Some("services/cap.LATEST/functions/fn")
    );
    client
        .delete_function_on_demand_config()
        .service_name("cap")
        .function_name("fn")
        .qualifier("LATEST")
        .send()
        .await
        .unwrap();
    let gone = client
        .get_function_on_demand_config()
        .service_name("cap")
        .function_name("fn")
        .qualifier("LATEST")
        .send()
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(404));
    client
        .delete_function()
        .service_name("cap")
        .function_name("fn")
        .send()
        .await
        .unwrap();
    let after = client.list_provision_configs().send().await.unwrap();
    assert!(
        after.provision_configs.is_empty(),
        "configs go with their function"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn layers_tags_and_vpc_bindings() {
    use fc_client::fc2::types::{
        CreateLayerVersionInput, CreateVpcBindingInput, Runtime, TagResourceInput,
        UntagResourceInput,
    };
    let (server, client) = start().await;
    create_service(&client, "lay").await;
    let layer_code = zip_code("python/greeting.py", "TEXT = 'from a layer'\n");
    let layer = client
        .create_layer_version()
        .layer_name("greet")
        .body(
            CreateLayerVersionInput::builder()
                .code(layer_code)
                .compatible_runtime(vec![Runtime::from("python3.10")]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let arn = layer.arn.clone().expect("FC 2.0 shows the ARN as arn");
    assert_eq!(layer.arn_v2.as_ref(), Some(&arn));
    assert_eq!(layer.version, Some(1));
    assert_eq!(layer.acl, Some(0));
    assert_eq!(layer.codesize, layer.code_size);

    let source = "import greeting\ndef handler(event, context):\n    return greeting.TEXT\n";
    let code = zip_code("index.py", source);
    client
        .create_function()
        .service_name("lay")
        .body(
            CreateFunctionInput::builder()
                .function_name("fn")
                .runtime(Runtime::from("python3.10"))
                .handler("index.handler")
                .layers(vec![arn.clone()])
                .code(code),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(invoke(&client, "lay", None).await, "from a layer");
    let fc3_view = server.client().unwrap().list_layers().send().await.unwrap();
    assert_eq!(fc3_view.layers.len(), 1, "one layer store for both APIs");
    let versions = client
        .list_layer_versions()
        .layer_name("greet")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.layers[0].arn.as_ref(), Some(&arn));

    let service_arn = format!(
        "acs:fc:{}:{}:services/lay",
        server.region(),
        server.account_id()
    );
    client
        .tag_resource()
        .body(
            TagResourceInput::builder()
                .resource_arn(service_arn.clone())
                .tags(BTreeMap::from([("team".to_owned(), "a".to_owned())])),
        )
        .send()
        .await
        .unwrap();
    let tags = client
        .get_resource_tags()
        .resource_arn(service_arn.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags.get("team").map(String::as_str), Some("a"));
    let tagged = client.list_tagged_resources().send().await.unwrap();
    assert_eq!(tagged.resources.len(), 1);
    client
        .untag_resource()
        .body(
            UntagResourceInput::builder()
                .resource_arn(service_arn.clone())
                .all(true),
        )
        .send()
        .await
        .unwrap();
    assert!(
        client
            .list_tagged_resources()
            .send()
            .await
            .unwrap()
            .resources
            .is_empty()
    );
    let absent = format!(
        "acs:fc:{}:{}:services/none",
        server.region(),
        server.account_id()
    );
    let refused = client
        .get_resource_tags()
        .resource_arn(absent)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some(&ErrorCode::ServiceNotFound));

    client
        .create_vpc_binding()
        .service_name("lay")
        .body(CreateVpcBindingInput::builder().vpc_id("vpc-1".to_owned()))
        .send()
        .await
        .unwrap();
    let bound = client
        .list_vpc_bindings()
        .service_name("lay")
        .send()
        .await
        .unwrap();
    assert_eq!(bound.vpc_ids, ["vpc-1"]);
    client
        .delete_vpc_binding()
        .service_name("lay")
        .vpc_id("vpc-1")
        .send()
        .await
        .unwrap();
    let missing = client
        .delete_vpc_binding()
        .service_name("lay")
        .vpc_id("vpc-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some(&ErrorCode::VpcBindingNotFound));
    server.shutdown().await;
}

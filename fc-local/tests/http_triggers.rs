//! Functions called through their HTTP triggers: created with fc-client, then called with a
//! plain HTTP client (reqwest) at the URL fc-local reported in `httpTrigger.urlInternet`.

mod client;
mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use client::{create, function, start, trigger};
use fc_client::Client;
use fc_client::types::TriggerType;
use serde_json::{Value, json};

/// A Python web function: answers 201 with a JSON echo of the event, and echoes binary bodies.
const WEB_PY: &str = r#"
import base64, json

def handler(event, context):
    e = json.loads(event)
    if e["rawPath"] == "/binary":
        return {"statusCode": 200, "headers": {"Content-Type": "application/octet-stream"},
                "isBase64Encoded": True, "body": e["body"]}
    if e["rawPath"] == "/fail":
        raise ValueError("no such page")
    if e["rawPath"] == "/plain":
        return "just text"
    return {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json", "X-Served-By": context.function.name},
        "body": json.dumps({
            "method": e["requestContext"]["http"]["method"],
            "rawPath": e["rawPath"],
            "path": e["requestContext"]["http"]["path"],
            "query": e["queryParameters"],
            "header": e["headers"].get("X-Test"),
            "body": e["body"],
            "isBase64Encoded": e["isBase64Encoded"],
            "requestId": e["requestContext"]["requestId"],
        }),
    }
"#;

/// Creates an HTTP trigger and returns the URL fc-local reported for it.
async fn http_trigger(client: &Client, function: &str, config: Value) -> String {
    let urls = trigger(client, function, "web", TriggerType::Http, config)
        .await
        .http_trigger
        .expect("an HTTP trigger reports its URLs");
    assert_eq!(urls.url_internet, urls.url_intranet);
    urls.url_internet.expect("urlInternet")
}

fn web() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client")
}

#[tokio::test]
async fn a_python_web_function_answers_with_status_headers_and_json() {
    let (_server, client) = start().await;
    create(
        &client,
        function("py-web", "python3.10", 10, &[("index.py", WEB_PY)]),
    )
    .await;
    let url = http_trigger(
        &client,
        "py-web",
        json!({"authType": "anonymous", "methods": ["GET", "POST"]}),
    )
    .await;
    assert!(url.ends_with("/__http/py-web/web/"), "{url}");

    let response = web()
        .post(format!("{url}api/items%20x?tag=a&tag=b&q=x+y"))
        .header("x-test", "yes")
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .expect("call the trigger");
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["x-served-by"], "py-web");
    let request_id = response.headers()["x-fc-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let echo: Value = response.json().await.expect("json");
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["rawPath"], "/api/items%20x");
    assert_eq!(echo["path"], "/api/items x");
    assert_eq!(echo["query"], json!({"tag": "a,b", "q": "x y"}));
    assert_eq!(echo["header"], "yes");
    assert_eq!(echo["body"], "hello");
    assert_eq!(echo["isBase64Encoded"], false);
    assert_eq!(echo["requestId"], request_id.as_str());

    // Binary bodies survive both ways.
    let bytes: Vec<u8> = (0..=255u8).rev().collect();
    let response = web()
        .post(format!("{url}binary"))
        .header("content-type", "application/octet-stream")
        .body(bytes.clone())
        .send()
        .await
        .expect("binary call");
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().to_vec(), bytes);

    // A plain value is a 200 with the value as body.
    let plain = web().get(format!("{url}plain")).send().await.unwrap();
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.text().await.unwrap(), "just text");

    // A raised error is a 502 with the error type and the function's error JSON.
    let failed = web().get(format!("{url}fail")).send().await.unwrap();
    assert_eq!(failed.status(), 502);
    assert_eq!(
        failed.headers()["x-fc-error-type"],
        "UnhandledInvocationError"
    );
    let error: Value = failed.json().await.unwrap();
    assert!(
        error["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("no such page")),
        "{error}"
    );

    // A method the trigger does not list is refused before the function runs.
    let refused = web().delete(format!("{url}api")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["Code"], "FCCommonError", "{body}");
    assert!(
        body["Message"].as_str().unwrap().contains("DELETE"),
        "{body}"
    );
}

#[tokio::test]
async fn a_function_auth_trigger_refuses_unsigned_requests_and_serves_signed_ones() {
    let (server, client) = start().await;
    let source = r#"
def handler(event, context):
    return {"statusCode": 200, "body": "signed ok"}
"#;
    create(
        &client,
        function("py-private", "python3.10", 10, &[("index.py", source)]),
    )
    .await;
    let url = http_trigger(&client, "py-private", json!({"authType": "function"})).await;

    let unsigned = web().get(format!("{url}data")).send().await.unwrap();
    assert_eq!(unsigned.status(), 403);
    let body: Value = unsigned.json().await.unwrap();
    assert_eq!(body["Code"], "FCCommonError", "{body}");

    let signed = support::client_for(&server)
        .call("GET", "/__http/py-private/web/data", &[("x", "1")], None)
        .await;
    let text = String::from_utf8_lossy(&signed.body);
    assert_eq!(signed.status, 200, "{text}");
    assert_eq!(text, "signed ok");

    // The classic FC scheme, as FC 2.0 SDKs sign HTTP trigger calls.
    use fc_client::signing::classic;
    let date = fc_client::timestamp::format_http_date(std::time::SystemTime::now());
    let queries = [("x".to_owned(), "1".to_owned())];
    let text = classic::string_to_sign(
        "GET",
        "",
        "",
        &date,
        [],
        "/__http/py-private/web/data",
        Some(&queries),
    );
    let good = classic::authorization(
        server.access_key_id(),
        &classic::signature(server.access_key_secret(), &text),
    );
    let bad = classic::authorization(
        server.access_key_id(),
        &classic::signature("not-the-secret", &text),
    );
    for (authorization, status) in [(good, 200), (bad, 403)] {
        let reply = web()
            .get(format!("{url}data?x=1"))
            .header("date", &date)
            .header("authorization", authorization)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), status);
    }
}

#[tokio::test]
async fn a_node_function_answers_through_its_trigger() {
    let (_server, client) = start().await;
    let source = r#"
exports.handler = async (event, context) => {
  const e = JSON.parse(event.toString());
  return { statusCode: 202, headers: { "x-method": e.requestContext.http.method }, body: e.rawPath };
};
"#;
    create(
        &client,
        function("node-web", "nodejs20", 10, &[("index.js", source)]),
    )
    .await;
    let url = http_trigger(&client, "node-web", json!({"authType": "anonymous"})).await;
    let response = web().put(format!("{url}a/b")).send().await.unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(response.headers()["x-method"], "PUT");
    assert_eq!(response.text().await.unwrap(), "/a/b");
}

#[tokio::test]
async fn a_custom_runtime_web_server_receives_the_request_itself() {
    let (_server, client) = start().await;
    let bootstrap = r#"#!/usr/bin/env python3
import base64, json, os
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        reply = json.dumps({
            "method": self.command,
            "path": self.path,
            "header": self.headers.get("x-test"),
            "function": self.headers.get("x-fc-function-name"),
            "body": base64.b64encode(body).decode(),
        }).encode()
        self.send_response(203)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Custom", "from-server")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PATCH = answer

HTTPServer(("127.0.0.1", int(os.environ["FC_CUSTOM_LISTEN_PORT"])), Handler).serve_forever()
"#;
    create(
        &client,
        function(
            "custom-web",
            "custom.debian10",
            10,
            &[("bootstrap", bootstrap)],
        ),
    )
    .await;
    let url = http_trigger(&client, "custom-web", json!({"authType": "anonymous"})).await;
    let body = [0u8, 1, 2, 254, 255];
    let response = web()
        .patch(format!("{url}items/7?full=1"))
        .header("x-test", "t")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 203);
    assert_eq!(response.headers()["x-custom"], "from-server");
    let echo: Value = response.json().await.unwrap();
    assert_eq!(echo["method"], "PATCH");
    assert_eq!(echo["path"], "/items/7?full=1");
    assert_eq!(echo["header"], "t");
    assert_eq!(echo["function"], "custom-web");
    assert_eq!(echo["body"], STANDARD.encode(body));
}

#[tokio::test]
async fn unknown_triggers_are_404_and_oversized_requests_400() {
    let (server, client) = start().await;
    create(
        &client,
        function("py-small", "python3.10", 10, &[("index.py", WEB_PY)]),
    )
    .await;
    let url = http_trigger(&client, "py-small", json!({"authType": "anonymous"})).await;
    let missing = web()
        .get(format!("{}/__http/py-small/nope/", server.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["Code"], "TriggerNotFound");

    let long = web()
        .get(format!("{url}{}", "a".repeat(5000)))
        .send()
        .await
        .unwrap();
    assert_eq!(long.status(), 400);
    let body: Value = long.json().await.unwrap();
    assert_eq!(body["Code"], "InvalidArgument");
    assert!(body["Message"].as_str().unwrap().contains("4096"), "{body}");
}

#[tokio::test]
async fn a_custom_domain_routes_by_host_and_path() {
    use fc_client::types::{
        CreateCustomDomainInput, CustomDomainProtocol, PathConfigInput, RouteConfigInput,
    };
    let (server, client) = start().await;
    let source = r#"
def handler(event, context):
    import json
    e = json.loads(event)
    return {"statusCode": 200, "body": context.function.name + " " + e["rawPath"]}
"#;
    for name in ["site-api", "site-root"] {
        create(
            &client,
            function(name, "python3.10", 10, &[("index.py", source)]),
        )
        .await;
    }
    let route = |path: &str, function: &str| -> PathConfigInput {
        PathConfigInput::builder()
            .path(path)
            .function_name(function)
            .try_into()
            .expect("route")
    };
    let input: CreateCustomDomainInput = CreateCustomDomainInput::builder()
        .domain_name("shop.example.com")
        .protocol(CustomDomainProtocol::Http)
        .route_config(
            RouteConfigInput::try_from(
                RouteConfigInput::builder()
                    .routes(vec![route("/api/*", "site-api"), route("/*", "site-root")]),
            )
            .expect("routes"),
        )
        .try_into()
        .expect("domain input");
    client
        .create_custom_domain()
        .body(input)
        .send()
        .await
        .expect("create custom domain");

    let call = |host: &str, path: &str| {
        web()
            .get(format!("{}{path}", server.endpoint()))
            .header("host", host)
            .send()
    };
    let api = call("shop.example.com", "/api/cart").await.unwrap();
    assert_eq!(api.status(), 200);
    assert_eq!(api.text().await.unwrap(), "site-api /api/cart");
    let local_form = format!("shop.example.com.localhost:{}", server.addr().port());
    let root = call(&local_form, "/index.html").await.unwrap();
    assert_eq!(root.text().await.unwrap(), "site-root /index.html");
    // Any other host is fc-local's API, signature required.
    let other = call("other.example.com", "/api/cart").await.unwrap();
    assert_ne!(other.status(), 200);
}

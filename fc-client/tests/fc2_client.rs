//! The FC 2.0 client on the shared runtime: endpoints, signing with the 2021-04-06 version,
//! numbered query lists, paging, invocation and FC 2.0 error bodies, against a scripted server.

use fc_client::credentials::Credentials;
use fc_client::{Client, ConfigError, ErrorCode, FunctionErrorType, RetryPolicy};
use fc_test_support::server::{Reply, TestServer};
use futures::TryStreamExt;
use serde_json::json;

fn fc2_client(server: &TestServer) -> fc_client::fc2::Client {
    Client::builder()
        .endpoint(server.url())
        .credentials(Credentials::new("test-key", "test-secret"))
        .retry_policy(RetryPolicy::disabled())
        .build_fc2()
        .expect("client")
}

#[test]
fn the_account_endpoint_is_required_and_resolved() {
    use progenitor_client::ClientInfo;
    let error = Client::builder()
        .region("cn-hangzhou")
        .unsigned()
        .build_fc2()
        .unwrap_err();
    assert!(matches!(error, ConfigError::MissingAccountId), "{error}");
    assert!(error.to_string().contains("account"), "{error}");

    let fc2 = Client::builder()
        .region("cn-shanghai")
        .account_id("1234567890")
        .unsigned()
        .build_fc2()
        .unwrap();
    assert_eq!(
        fc2.baseurl(),
        "https://1234567890.cn-shanghai.fc.aliyuncs.com"
    );
    let internal = Client::builder()
        .region("cn-shanghai")
        .account_id("1234567890")
        .internal_endpoint(true)
        .unsigned()
        .build()
        .unwrap()
        .fc2()
        .unwrap();
    assert_eq!(
        internal.baseurl(),
        "https://1234567890.cn-shanghai-internal.fc.aliyuncs.com"
    );
    // The 3.0 client of the same builder keeps its own endpoint.
    let fc3 = Client::builder()
        .region("cn-shanghai")
        .unsigned()
        .build()
        .unwrap();
    assert_eq!(fc3.baseurl(), "https://fcv3.cn-shanghai.aliyuncs.com");
    assert!(matches!(fc3.fc2(), Err(ConfigError::MissingAccountId)));
}

#[tokio::test]
async fn requests_are_signed_for_the_2021_04_06_api() {
    let server = TestServer::always(
        Reply::json(200, &json!({"serviceName": "svc"})).with_header("etag", "e1"),
    )
    .await;
    let fc3 = Client::builder()
        .endpoint(server.url())
        .credentials(Credentials::new("test-key", "test-secret"))
        .build()
        .unwrap();
    let service = fc3
        .fc2()
        .unwrap()
        .get_service()
        .service_name("svc")
        .qualifier("prod")
        .send()
        .await
        .unwrap();
    assert_eq!(service.service_name.as_deref(), Some("svc"));
    let sent = &server.captured()[0];
    assert_eq!(sent.path, "/2021-04-06/services/svc");
    assert_eq!(sent.query.as_deref(), Some("qualifier=prod"));
    assert_eq!(sent.header("x-acs-version"), Some("2021-04-06"));
    assert_eq!(sent.header("x-acs-action"), Some("GetService"));
    assert!(sent.header("api-version").is_none());
    let authorization = sent.header("authorization").expect("signed");
    assert!(
        authorization.starts_with("ACS3-HMAC-SHA256 Credential=test-key,"),
        "{authorization}"
    );
}

#[tokio::test]
async fn a_list_of_instance_ids_goes_out_as_numbered_keys() {
    let server = TestServer::always(Reply::json(200, &json!({"instances": []}))).await;
    fc2_client(&server)
        .list_instances()
        .service_name("svc")
        .function_name("fn")
        .instance_ids(vec!["c-2".to_owned(), "a-1".to_owned(), "b 3".to_owned()])
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.captured()[0].query.as_deref(),
        Some("instanceIds.1=c-2&instanceIds.2=a-1&instanceIds.3=b%203&limit=10")
    );
}

#[tokio::test]
async fn list_operations_page_with_next_token() {
    let server = TestServer::start(|request, _| {
        let query = request.query.clone().unwrap_or_default();
        let page = if query.contains("nextToken=t2") {
            json!({"services": [{"serviceName": "c"}]})
        } else {
            json!({"services": [{"serviceName": "a"}, {"serviceName": "b"}], "nextToken": "t2"})
        };
        Reply::json(200, &page)
    })
    .await;
    let names: Vec<String> = fc2_client(&server)
        .list_services()
        .limit(2)
        .into_stream()
        .map_ok(|service| service.service_name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c"]);
    let captured = server.captured();
    assert_eq!(captured.len(), 2);
    assert_eq!(captured[1].query.as_deref(), Some("limit=2&nextToken=t2"));
}

#[tokio::test]
async fn layer_versions_page_with_a_numeric_start_version() {
    let server = TestServer::start(|request, _| {
        let query = request.query.clone().unwrap_or_default();
        let page = if query.contains("startVersion=3") {
            json!({"layers": [{"version": 3}]})
        } else {
            json!({"layers": [{"version": 1}, {"version": 2}], "nextVersion": 3})
        };
        Reply::json(200, &page)
    })
    .await;
    let versions: Vec<i32> = fc2_client(&server)
        .list_layer_versions()
        .layer_name("lib")
        .into_stream()
        .map_ok(|layer| layer.version.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(versions, [1, 2, 3]);
}

#[tokio::test]
async fn fc2_error_bodies_become_typed_errors() {
    let server = TestServer::always(
        Reply::json(
            404,
            &json!({"ErrorCode": "ServiceNotFound", "ErrorMessage": "service 'svc' does not exist"}),
        )
        .with_header("x-fc-request-id", "req-404"),
    )
    .await;
    let error = fc2_client(&server)
        .get_service()
        .service_name("svc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::ServiceNotFound));
    assert_eq!(ErrorCode::ServiceNotFound.status(), 404);
    assert_eq!(error.message(), "service 'svc' does not exist");
    assert_eq!(error.request_id(), Some("req-404"));
    assert_eq!(error.status(), Some(404));
    assert_eq!(
        error.to_string(),
        "ServiceNotFound: service 'svc' does not exist (status 404, request id req-404)"
    );
}

#[tokio::test]
async fn invoke_names_the_service_and_reads_log_and_function_errors() {
    let server = TestServer::always(
        Reply::Respond {
            status: 200,
            headers: vec![
                ("x-fc-request-id".into(), "req-1".into()),
                ("x-fc-log-result".into(), "aGVsbG8gbG9n".into()),
            ],
            body: br#"{"errorMessage":"boom","errorType":"ValueError"}"#.to_vec(),
        }
        .with_header("x-fc-error-type", "UnhandledInvocationError"),
    )
    .await;
    let output = fc2_client(&server)
        .invoke("svc", "fn")
        .qualifier("prod")
        .payload("ping")
        .log_tail()
        .send()
        .await
        .unwrap();
    assert_eq!(output.log(), Some("hello log"));
    assert_eq!(output.function_error(), Some(&FunctionErrorType::Unhandled));
    let sent = &server.captured()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(
        sent.path,
        "/2021-04-06/services/svc/functions/fn/invocations"
    );
    assert_eq!(sent.query.as_deref(), Some("qualifier=prod"));
    assert_eq!(sent.header("x-fc-invocation-type"), Some("Sync"));
    assert_eq!(sent.header("x-fc-log-type"), Some("Tail"));
    assert_eq!(sent.header("x-acs-action"), Some("InvokeFunction"));
    assert_eq!(sent.body, b"ping");
}

#[tokio::test]
async fn an_async_invocation_carries_the_stateful_invocation_id() {
    let server = TestServer::always(
        Reply::empty(202)
            .with_header("x-fc-request-id", "req-2")
            .with_header("x-fc-stateful-async-invocation-id", "job-7"),
    )
    .await;
    let queued = fc2_client(&server)
        .invoke("svc", "fn")
        .asynchronous()
        .async_task_id("job-7")
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), 202);
    assert_eq!(queued.async_task_id(), Some("job-7"));
    let sent = &server.captured()[0];
    assert_eq!(sent.header("x-fc-invocation-type"), Some("Async"));
    assert_eq!(
        sent.header("x-fc-stateful-async-invocation-id"),
        Some("job-7")
    );
    assert!(sent.header("x-fc-async-task-id").is_none());
}

//! Paging streams against a local server that serves a listing of any size page by page.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fc_client::{Client, ErrorKind, RetryPolicy, signing};
use fc_test_support::server::{Captured, Reply, TestServer};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(server.url())
        .unsigned()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
}

fn query(request: &Captured, name: &str) -> Option<String> {
    signing::decode_query(request.query.as_deref().unwrap_or(""))
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A server listing `total` functions, `limit` per page; the token is the next offset.
async fn listing(total: usize, served: Arc<AtomicUsize>) -> TestServer {
    TestServer::start(move |request, _| {
        served.fetch_add(1, Ordering::SeqCst);
        let limit: usize = query(request, "limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(20);
        let start: usize = query(request, "nextToken")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let end = (start + limit).min(total);
        let functions: Vec<Value> = (start..end)
            .map(|i| json!({"functionName": format!("fn-{i:05}")}))
            .collect();
        let mut page = json!({ "functions": functions });
        if end < total {
            page["nextToken"] = json!(end.to_string());
        }
        Reply::json(200, &page)
    })
    .await
}

async fn list_names(total: usize, limit: i32) -> (Vec<String>, Vec<Captured>) {
    let served = Arc::new(AtomicUsize::new(0));
    let server = listing(total, served).await;
    let names = client(&server)
        .list_functions()
        .limit(limit)
        .prefix("fn-")
        .into_stream()
        .map_ok(|f| f.function_name.unwrap_or_default())
        .try_collect()
        .await
        .expect("listing succeeds");
    (names, server.captured())
}

#[tokio::test]
async fn an_empty_listing_yields_nothing_after_one_request() {
    let (names, requests) = list_names(0, 10).await;
    assert!(names.is_empty());
    assert_eq!(requests.len(), 1);
}

#[tokio::test]
async fn one_item_and_exactly_one_page() {
    let (names, requests) = list_names(1, 10).await;
    assert_eq!(names, ["fn-00000"]);
    assert_eq!(requests.len(), 1);

    let (names, requests) = list_names(10, 10).await;
    assert_eq!(names.len(), 10);
    assert_eq!(
        requests.len(),
        1,
        "a full last page without a token ends the listing"
    );
}

#[tokio::test]
async fn ten_thousand_items_stream_one_page_at_a_time() {
    let served = Arc::new(AtomicUsize::new(0));
    let server = listing(10_000, served.clone()).await;
    let client = client(&server);
    let mut stream = client
        .list_functions()
        .limit(100)
        .prefix("fn-")
        .into_stream();
    let mut count = 0;
    while let Some(function) = stream.try_next().await.expect("page") {
        assert_eq!(function.function_name, Some(format!("fn-{count:05}")));
        // No page is fetched ahead: holding item `count` means exactly the pages up to it
        // have been requested, so at most one page is in memory.
        assert_eq!(
            served.load(Ordering::SeqCst),
            count / 100 + 1,
            "at item {count}"
        );
        count += 1;
    }
    assert_eq!(count, 10_000);
    let requests = server.captured();
    assert_eq!(requests.len(), 100);
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(
            query(request, "limit").as_deref(),
            Some("100"),
            "page {i} keeps the page size"
        );
        assert_eq!(
            query(request, "prefix").as_deref(),
            Some("fn-"),
            "page {i} keeps the filter"
        );
        let expected_token = (i > 0).then(|| (i * 100).to_string());
        assert_eq!(query(request, "nextToken"), expected_token, "page {i}");
    }
}

#[tokio::test]
async fn nothing_is_sent_until_the_stream_is_polled() {
    let served = Arc::new(AtomicUsize::new(0));
    let server = listing(5, served.clone()).await;
    let client = client(&server);
    let stream = client.list_functions().into_stream();
    tokio::task::yield_now().await;
    assert_eq!(served.load(Ordering::SeqCst), 0);
    drop(stream);
    assert!(server.captured().is_empty());
}

#[tokio::test]
async fn a_repeated_token_ends_the_stream_with_an_error() {
    let server = TestServer::always(Reply::json(
        200,
        &json!({"functions": [{"functionName": "f"}], "nextToken": "same"}),
    ))
    .await;
    let client = client(&server);
    let results: Vec<_> = client.list_functions().into_stream().collect().await;
    assert_eq!(results.len(), 3, "two pages of one item, then the error");
    assert!(results[..2].iter().all(Result::is_ok));
    let error = results[2].as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert!(error.message().contains("\"same\""), "{error}");
    assert_eq!(server.captured().len(), 2, "never loops");
}

#[tokio::test]
async fn an_error_mid_listing_is_yielded_once_and_ends_the_stream() {
    let server = TestServer::start(|_, index| match index {
        0 => Reply::json(
            200,
            &json!({"functions": [{"functionName": "a"}], "nextToken": "p2"}),
        ),
        _ => Reply::json(404, &json!({"Code": "FunctionNotFound", "Message": "gone"}))
            .with_header("x-fc-request-id", "r-2"),
    })
    .await;
    let client = client(&server);
    let results: Vec<_> = client.list_functions().into_stream().collect().await;
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[0].as_ref().unwrap().function_name.as_deref(),
        Some("a")
    );
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.request_id(), Some("r-2"));
    assert_eq!(server.captured().len(), 2);
}

#[tokio::test]
async fn an_empty_token_ends_the_listing() {
    let server = TestServer::always(Reply::json(
        200,
        &json!({"functions": [{"functionName": "a"}], "nextToken": ""}),
    ))
    .await;
    let pages: Vec<_> = client(&server)
        .list_functions()
        .pages()
        .try_collect()
        .await
        .expect("one page");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].functions.len(), 1);
}

#[tokio::test]
async fn layer_versions_page_with_an_integer_start_version() {
    let server = TestServer::start(
        |request, _| match query(request, "startVersion").as_deref() {
            None => Reply::json(200, &json!({"layers": [{"version": 1}], "nextVersion": 2})),
            Some("2") => Reply::json(200, &json!({"layers": [{"version": 2}]})),
            Some(other) => Reply::json(400, &json!({"Code": "InvalidArgument", "Message": other})),
        },
    )
    .await;
    let versions: Vec<_> = client(&server)
        .list_layer_versions()
        .layer_name("my-layer")
        .into_stream()
        .map_ok(|layer| layer.version)
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(versions, [Some(1), Some(2)]);
}

#[tokio::test]
async fn tag_resources_page_with_capitalised_names() {
    let server = TestServer::start(|request, _| match query(request, "NextToken").as_deref() {
        None => Reply::json(
            200,
            &json!({"TagResources": [{"ResourceId": "a"}], "NextToken": "t2"}),
        ),
        Some(_) => Reply::json(200, &json!({"TagResources": [{"ResourceId": "b"}]})),
    })
    .await;
    let ids: Vec<_> = client(&server)
        .list_tag_resources()
        .resource_type("function")
        .limit(1)
        .into_stream()
        .map_ok(|tag| tag.resource_id)
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(ids, [Some("a".to_owned()), Some("b".to_owned())]);
    let requests = server.captured();
    assert_eq!(query(&requests[1], "Limit").as_deref(), Some("1"));
    assert_eq!(query(&requests[1], "NextToken").as_deref(), Some("t2"));
}

/// A paging stream that owns its client: it outlives the `Client` it came from.
fn every_name(
    client: &Client,
) -> impl futures::Stream<Item = Result<String, fc_client::Error>> + Send + 'static {
    client
        .list_functions()
        .limit(3)
        .owned()
        .into_stream()
        .map_ok(|f| f.function_name.unwrap_or_default())
}

#[tokio::test]
async fn owned_streams_and_invocations_can_be_returned_and_spawned() {
    let served = Arc::new(AtomicUsize::new(0));
    let server = listing(7, served.clone()).await;
    let stream = {
        let client = client(&server);
        every_name(&client)
        // `client` is dropped here; the stream keeps a clone.
    };
    let names: Vec<String> = tokio::spawn(stream.try_collect())
        .await
        .expect("the task ran")
        .expect("every page");
    assert_eq!(names.len(), 7);
    assert_eq!(
        served.load(Ordering::SeqCst),
        3,
        "three pages of at most three"
    );

    let invocation = client(&server).invoke("anything").payload("x").owned();
    let answered = tokio::spawn(invocation.send()).await.expect("the task ran");
    assert!(
        answered.is_ok(),
        "the listing server answers 200 to anything: {answered:?}"
    );
}

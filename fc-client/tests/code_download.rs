//! `CodeExt::download_function_code` against a scripted local server that plays both the FC API
//! (GetFunctionCode) and the storage behind the pre-signed URL it returns.

use fc_client::code::{CodeError, CodeExt, CodePackage, ZipEntry, crc64_xz};
use fc_test_support::server::{Captured, Reply, TestServer};

const CODE_PATH: &str = "/2023-03-30/functions/hello/code";
const DOWNLOAD_PATH: &str = "/storage/hello/code.zip";

fn package() -> CodePackage {
    CodePackage::from_entries(vec![
        ZipEntry::file("bootstrap", b"#!/bin/sh\nexec ./server\n".to_vec(), 0o755),
        ZipEntry::file("server", b"binary".repeat(100), 0o755),
    ])
    .unwrap()
}

/// The GetFunctionCode answer: a pre-signed URL pointing back at this server.
fn code_location(request: &Captured, checksum: &str) -> Reply {
    let host = request.header("host").unwrap_or("127.0.0.1");
    Reply::json(
        200,
        &serde_json::json!({
            "url": format!("http://{host}{DOWNLOAD_PATH}?Expires=1700000000&Signature=s3cr3t"),
            "checksum": checksum,
        }),
    )
}

fn zip_reply(zip: &[u8]) -> Reply {
    Reply::Respond {
        status: 200,
        headers: vec![("content-type".into(), "application/zip".into())],
        body: zip.to_vec(),
    }
}

/// A server that announces `checksum` and then serves `download`.
async fn server(checksum: String, download: Reply) -> TestServer {
    TestServer::start(move |request, _| match request.path.as_str() {
        CODE_PATH => code_location(request, &checksum),
        DOWNLOAD_PATH => download.clone(),
        _ => Reply::json(404, &serde_json::json!({"Code": "NotFound"})),
    })
    .await
}

fn client(server: &TestServer) -> fc_client::Client {
    fc_client::Client::new(server.url(), fc_client::ClientConfig::default())
}

#[tokio::test]
async fn downloads_and_verifies_the_package() {
    let package = package();
    let server = server(package.checksum(), zip_reply(package.zip_bytes())).await;
    let code = client(&server)
        .download_function_code("hello", Some("prod"))
        .await
        .unwrap();
    assert_eq!(code.bytes().as_ref(), package.zip_bytes());
    assert_eq!(code.checksum(), package.checksum());
    assert_eq!(code.crc64(), crc64_xz(package.zip_bytes()));
    let archive = code.read_zip(1 << 20).unwrap();
    assert_eq!(archive.get("bootstrap").unwrap().mode, 0o755);

    let captured = server.captured();
    assert_eq!(captured.len(), 2);
    assert_eq!(captured[0].method, "GET");
    assert_eq!(captured[0].path, CODE_PATH);
    assert_eq!(captured[0].query.as_deref(), Some("qualifier=prod"));
    let download = &captured[1];
    assert_eq!(
        (download.method.as_str(), download.path.as_str()),
        ("GET", DOWNLOAD_PATH)
    );
    assert_eq!(
        download.query.as_deref(),
        Some("Expires=1700000000&Signature=s3cr3t"),
        "the pre-signed query is sent as given"
    );
    for name in download.headers.keys() {
        assert!(
            name != "authorization" && !name.starts_with("x-acs-"),
            "the download must carry no API credentials, found header {name}"
        );
    }
}

#[tokio::test]
async fn no_qualifier_sends_no_qualifier() {
    let package = package();
    let server = server(package.checksum(), zip_reply(package.zip_bytes())).await;
    client(&server)
        .download_function_code("hello", None)
        .await
        .unwrap();
    assert_eq!(server.captured()[0].query, None);
}

#[tokio::test]
async fn checksum_mismatch_names_both_values() {
    let package = package();
    let server = server("12345".to_owned(), zip_reply(package.zip_bytes())).await;
    let error = client(&server)
        .download_function_code("hello", None)
        .await
        .unwrap_err();
    let message = error.to_string();
    match error {
        CodeError::ChecksumMismatch { expected, actual } => {
            assert_eq!(expected, "12345");
            assert_eq!(actual, package.checksum());
        }
        other => panic!("expected ChecksumMismatch, got {other:?}"),
    }
    assert!(
        message.contains("12345") && message.contains(&package.checksum()),
        "{message}"
    );
}

#[tokio::test]
async fn download_404_is_an_error_without_the_signature() {
    let package = package();
    let server = server(package.checksum(), Reply::empty(404)).await;
    let error = client(&server)
        .download_function_code("hello", None)
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(&error, CodeError::DownloadStatus { status: 404, url } if url.ends_with(DOWNLOAD_PATH)),
        "{error:?}"
    );
    assert!(message.contains("404"), "{message}");
    assert!(
        !message.contains("s3cr3t"),
        "the signature leaked: {message}"
    );
}

#[tokio::test]
async fn api_error_is_reported_as_such() {
    let server = TestServer::always(Reply::json(
        404,
        &serde_json::json!({"Code": "FunctionNotFound", "Message": "no such function"}),
    ))
    .await;
    let error = client(&server)
        .download_function_code("missing", None)
        .await
        .unwrap_err();
    assert!(matches!(error, CodeError::Api(_)), "{error:?}");
    assert_eq!(server.captured().len(), 1, "nothing is downloaded");
}

#[tokio::test]
async fn missing_or_malformed_fields_are_typed_errors() {
    let no_url = TestServer::always(Reply::json(200, &serde_json::json!({"checksum": "1"}))).await;
    let error = client(&no_url)
        .download_function_code("hello", None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, CodeError::MissingField { field: "url" }),
        "{error:?}"
    );

    let no_checksum = TestServer::always(Reply::json(
        200,
        &serde_json::json!({"url": "http://127.0.0.1:9/x"}),
    ))
    .await;
    let error = client(&no_checksum)
        .download_function_code("hello", None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, CodeError::MissingField { field: "checksum" }),
        "{error:?}"
    );

    let bad_checksum = server("0x1f".to_owned(), Reply::empty(200)).await;
    let error = client(&bad_checksum)
        .download_function_code("hello", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, CodeError::InvalidChecksum { value } if value == "0x1f"),
        "{error:?}"
    );
    assert_eq!(bad_checksum.captured().len(), 1, "nothing is downloaded");

    let bad_url = TestServer::always(Reply::json(
        200,
        &serde_json::json!({"url": "not a url", "checksum": "1"}),
    ))
    .await;
    let error = client(&bad_url)
        .download_function_code("hello", None)
        .await
        .unwrap_err();
    assert!(matches!(error, CodeError::InvalidUrl { .. }), "{error:?}");
}

#[tokio::test]
async fn a_download_that_is_not_a_zip_is_reported_when_read() {
    let body = b"<html>maintenance</html>".to_vec();
    let server = server(crc64_xz(&body).to_string(), zip_reply(&body)).await;
    let code = client(&server)
        .download_function_code("hello", None)
        .await
        .unwrap();
    assert!(code.read_zip(1 << 20).is_err());
}

#[tokio::test]
async fn credentials_sign_the_api_call_but_never_reach_the_download() {
    let package = package();
    let server = server(package.checksum(), zip_reply(package.zip_bytes())).await;
    let client = fc_client::Client::builder()
        .endpoint(server.url())
        .credentials(fc_client::credentials::Credentials::new(
            "LTAI-test-key",
            "test-secret",
        ))
        .build()
        .unwrap();
    client.download_function_code("hello", None).await.unwrap();
    let captured = server.captured();
    assert_eq!(captured.len(), 2);
    assert!(
        captured[0].header("authorization").is_some(),
        "the API call is signed"
    );
    let download = &captured[1];
    for (name, value) in &download.headers {
        assert!(
            name != "authorization" && !name.starts_with("x-acs-"),
            "the download must carry no API credentials, found header {name}"
        );
        assert!(!value.contains("LTAI-test-key"), "{name}: {value}");
    }
}

#[tokio::test]
async fn a_stalled_download_gives_up_at_the_operation_timeout() {
    let package = package();
    let stalled = Reply::Delay(
        std::time::Duration::from_secs(30),
        Box::new(zip_reply(package.zip_bytes())),
    );
    let server = server(package.checksum(), stalled).await;
    let client = fc_client::Client::builder()
        .endpoint(server.url())
        .unsigned()
        .operation_timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client
        .download_function_code("hello", None)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    match &error {
        CodeError::Download { url, source } => {
            assert!(source.is_timeout(), "{source}");
            assert!(url.ends_with(DOWNLOAD_PATH), "{url}");
        }
        other => panic!("expected a download timeout, got {other:?}"),
    }
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
}

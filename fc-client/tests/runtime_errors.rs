//! What a failed call's `Error` says: credential failures are their own kind, and a transport
//! failure keeps its cause as the error's source.

use fc_client::credentials::{CredentialsError, ProvideCredentials};
use fc_client::{Client, ErrorKind, RetryPolicy};
use futures::future::BoxFuture;

/// A provider whose credentials cannot be had.
#[derive(Debug)]
struct Unavailable;

impl ProvideCredentials for Unavailable {
    fn provide_credentials(
        &self,
    ) -> BoxFuture<'_, Result<fc_client::credentials::Credentials, CredentialsError>> {
        Box::pin(async {
            Err(CredentialsError::NotFound {
                provider: "test",
                reason: "no key in this test".into(),
            })
        })
    }
}

/// A client for an address on which nothing listens (a port that was just bound and
/// released), without retries.
fn builder_for_closed_port(builder: fc_client::ClientBuilder) -> Client {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    builder
        .endpoint(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
}

/// The error of a GetFunction that cannot succeed.
async fn failed_get(client: Client) -> fc_client::Error {
    client
        .get_function()
        .function_name("f")
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn credentials_that_cannot_be_had_are_a_credentials_error() {
    let builder = Client::builder().credentials(Unavailable);
    let error = failed_get(builder_for_closed_port(builder)).await;
    assert_eq!(error.kind(), ErrorKind::Credentials, "{error}");
    assert!(error.message().contains("no key in this test"), "{error}");
    assert!(error.status().is_none());
}

#[tokio::test]
async fn a_refused_connection_keeps_its_cause_as_the_source() {
    let error = failed_get(builder_for_closed_port(Client::builder().unsigned())).await;
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    let source = std::error::Error::source(&error).expect("the transport error is the source");
    let reqwest_error = source
        .downcast_ref::<reqwest::Error>()
        .expect("a reqwest error");
    assert!(reqwest_error.is_connect(), "{reqwest_error:?}");
}

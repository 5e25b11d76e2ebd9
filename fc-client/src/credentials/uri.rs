//! Credentials from a URL that serves them (`ALIBABA_CLOUD_CREDENTIALS_URI`).

use std::time::Duration;

use futures::future::BoxFuture;

use super::http::{self, Failure, Request, Timeouts};
use super::session::parse_flat;
use super::{Credentials, CredentialsError, Env, ProvideCredentials};

const PROVIDER: &str = "credentials uri";
const URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

/// Fetches temporary credentials with a `GET` of the URL in `ALIBABA_CLOUD_CREDENTIALS_URI`
/// (or given to [`with_uri`](Self::with_uri)), e.g. a sidecar that hands out credentials.
///
/// The answer must be HTTP 200 with `{"Code": "Success", "AccessKeyId", "AccessKeySecret",
/// "SecurityToken", "Expiration"}`. The variable unset:
/// [`NotFound`](CredentialsError::NotFound); any failure of the service is an error that stops
/// a chain. Timeouts: 5 s to connect, 10 s to answer.
///
/// ```
/// use fc_client::credentials::{Env, UriProvider};
///
/// let env = Env::from_map([("ALIBABA_CLOUD_CREDENTIALS_URI", "http://127.0.0.1:9999/creds")]);
/// assert_eq!(UriProvider::new(env).uri(), Some("http://127.0.0.1:9999/creds"));
/// ```
#[derive(Clone)]
pub struct UriProvider {
    uri: Option<String>,
    timeouts: Timeouts,
}

impl UriProvider {
    /// A provider reading `ALIBABA_CLOUD_CREDENTIALS_URI` from `env`.
    pub fn new(env: Env) -> Self {
        UriProvider {
            uri: env.var(URI),
            timeouts: Timeouts {
                connect: Duration::from_secs(5),
                read: Duration::from_secs(10),
            },
        }
    }

    /// Uses this URL, whatever the environment says.
    pub fn with_uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into()).filter(|uri| !uri.is_empty());
        self
    }

    /// The URL credentials are fetched from, if configured.
    pub fn uri(&self) -> Option<&str> {
        self.uri.as_deref()
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let Some(uri) = &self.uri else {
            return Err(CredentialsError::not_found(
                PROVIDER,
                format!("{URI} is not set"),
            ));
        };
        let shown = without_query(uri);
        let request = Request::new("GET", uri.clone()).header("accept", "application/json");
        let response = http::send(request, self.timeouts)
            .await
            .map_err(|failure| {
                let what = format!("GET {shown}: {}", failure.describe(self.timeouts));
                match failure {
                    Failure::BadUrl(_) => {
                        CredentialsError::invalid(PROVIDER, format!("{URI}: {what}"))
                    }
                    Failure::ConnectTimeout | Failure::ReadTimeout => CredentialsError::Timeout {
                        provider: PROVIDER,
                        after: self.timeouts.connect + self.timeouts.read,
                        what,
                    },
                    _ => CredentialsError::provider_failed(PROVIDER, what),
                }
            })?;
        if response.status != 200 {
            return Err(CredentialsError::provider_failed(
                PROVIDER,
                format!("GET {shown} answered HTTP {}", response.status),
            ));
        }
        parse_flat(PROVIDER, &response.body)
    }
}

/// Shows the URL without its query string, which may hold an access token.
impl std::fmt::Debug for UriProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UriProvider")
            .field("uri", &self.uri.as_deref().map(without_query))
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

impl ProvideCredentials for UriProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// The URL without its query, which may carry an access token of the credential service.
fn without_query(uri: &str) -> &str {
    uri.split_once('?').map_or(uri, |(base, _)| base)
}

//! The state every [`Client`](crate::Client) carries besides its HTTP client.

use std::sync::Arc;
use std::time::Duration;

use crate::RetryPolicy;
use crate::credentials::ProvideCredentials;

/// Per-client settings used by the request hooks: credentials, retries and timeouts.
///
/// Build clients with [`Client::builder`](crate::Client::builder) rather than by hand. The
/// default configuration sends **unsigned** requests (for an fc-local started with `--no-auth` or a
/// test server): `Client::new(url, ClientConfig::default())`.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub(crate) settings: Arc<Settings>,
}

#[derive(Debug)]
pub(crate) struct Settings {
    /// The API version the client speaks: action names, methods, paging and input checks.
    pub(crate) api: &'static fc_models::api::Api,
    /// The base URL an FC 2.0 client made from this configuration uses: the custom endpoint, or
    /// the account endpoint; `None` when neither is known (no account id).
    pub(crate) fc2_base_url: Option<String>,
    /// `None` sends requests unsigned.
    pub(crate) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeouts: Timeouts,
    /// Check inputs against the spec's documented limits before sending.
    pub(crate) validate_input: bool,
    /// Headers added to every request before it is signed (an invocation's
    /// [`header`](crate::Invoke::header)s).
    pub(crate) headers: reqwest::header::HeaderMap,
    /// The timeout the HTTP client applies to every request of its own accord (the attempt
    /// timeout, when fc-client built that client): an attempt with exactly that limit needs
    /// none of its own, which reqwest would keep in an extension it allocates per request.
    pub(crate) http_timeout: Option<Duration>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        crate::install_crypto_provider();
        ClientConfig::new(
            &fc_models::API,
            None,
            None,
            RetryPolicy::standard(),
            Timeouts::default(),
            true,
            None,
        )
    }
}

impl ClientConfig {
    pub(crate) fn new(
        api: &'static fc_models::api::Api,
        fc2_base_url: Option<String>,
        credentials: Option<Arc<dyn ProvideCredentials>>,
        retry: RetryPolicy,
        timeouts: Timeouts,
        validate_input: bool,
        http_timeout: Option<Duration>,
    ) -> Self {
        ClientConfig {
            settings: Arc::new(Settings {
                api,
                fc2_base_url,
                credentials,
                retry,
                timeouts,
                validate_input,
                headers: reqwest::header::HeaderMap::new(),
                http_timeout,
            }),
        }
    }

    /// These settings with `headers` added to every request (signed with it).
    pub(crate) fn with_headers(&self, headers: &reqwest::header::HeaderMap) -> ClientConfig {
        let current = &self.settings;
        let mut merged = current.headers.clone();
        merged.extend(headers.clone());
        ClientConfig {
            settings: Arc::new(Settings {
                api: current.api,
                fc2_base_url: current.fc2_base_url.clone(),
                credentials: current.credentials.clone(),
                retry: current.retry,
                timeouts: current.timeouts,
                validate_input: current.validate_input,
                headers: merged,
                http_timeout: current.http_timeout,
            }),
        }
    }
}

impl ClientConfig {
    /// The same settings (credentials, retries, timeouts) for the API version `api`.
    #[cfg(feature = "fc2")]
    pub(crate) fn for_api(&self, api: &'static fc_models::api::Api) -> Self {
        let settings = &self.settings;
        ClientConfig::new(
            api,
            settings.fc2_base_url.clone(),
            settings.credentials.clone(),
            settings.retry,
            settings.timeouts,
            settings.validate_input,
            settings.http_timeout,
        )
    }
}

/// How long a call may take.
///
/// - `connect`: establishing a connection (the client's setting, for every attempt);
/// - `attempt`: one attempt of a management call, from sending to the end of the answer;
/// - `operation`: a management call with all its retries and backoff waits;
/// - `invoke`: one `InvokeFunction` call, attempts included. A synchronous invocation lasts as
///   long as the function runs (up to 86,400 s), so its default is that plus a minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connection establishment.
    pub connect: Duration,
    /// One attempt of a management call.
    pub attempt: Duration,
    /// A management call including retries.
    pub operation: Duration,
    /// An `InvokeFunction` call including retries.
    pub invoke: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(60),
            operation: Duration::from_secs(300),
            invoke: Duration::from_secs(86_400 + 60),
        }
    }
}

impl Timeouts {
    /// `(per attempt, whole call)` for the ACS action `action`.
    pub(crate) fn for_action(&self, action: &str) -> (Duration, Duration) {
        if action == "InvokeFunction" {
            (self.invoke, self.invoke)
        } else {
            (self.attempt, self.operation)
        }
    }
}

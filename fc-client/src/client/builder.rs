//! Building a [`Client`]: region and endpoint, credentials, retries, timeouts, user agent.

use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{DefaultCredentialsChain, ProvideCredentials};
use crate::endpoint::{self, EndpointError};
use crate::{Client, ClientConfig, RetryPolicy, Timeouts};

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Neither a region nor an endpoint was given.
    #[error(
        "no region: call .region(..), set ALIBABA_CLOUD_REGION_ID or FC_REGION, or give an endpoint"
    )]
    MissingRegion,
    /// An FC 2.0 client needs the account endpoint: no account id and no endpoint were given.
    #[error(
        "FC 2.0 is served from the account endpoint: call .account_id(..), set ALIBABA_CLOUD_ACCOUNT_ID, or give an endpoint"
    )]
    MissingAccountId,
    /// The region or account id cannot form an endpoint.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The endpoint override is not an http(s) URL.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint {
        /// The value given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The user agent suffix is not a valid header value.
    #[error("invalid user agent suffix {0:?}: only visible ASCII and spaces are allowed")]
    InvalidUserAgent(String),
    /// The HTTP client could not be created.
    #[error("cannot create the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// How a built client signs its requests.
#[derive(Debug, Default)]
enum Signing {
    /// With credentials from the default provider chain.
    #[default]
    DefaultChain,
    /// With credentials from this provider.
    With(Arc<dyn ProvideCredentials>),
    /// Not at all.
    Unsigned,
}

/// Builds a [`Client`]; start with [`Client::builder`].
///
/// Three ways to get a client:
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use fc_client::Client;
/// use fc_client::credentials::Credentials;
///
/// // 1. Explicit: region, credentials and settings in code.
/// let client = Client::builder()
///     .region("cn-hangzhou")
///     .credentials(Credentials::new("LTAI...", "secret"))
///     .operation_timeout(Duration::from_secs(30))
///     .build()?;
///
/// // 2. From the environment: ALIBABA_CLOUD_REGION_ID (or FC_REGION), ALIBABA_CLOUD_ACCOUNT_ID,
/// //    and credentials from the default chain (environment, RRSA, CLI profile, ...).
/// let client = Client::from_env()?;
///
/// // 3. Against fc-local (or any endpoint): give the URL and the emulator's keys.
/// let client = Client::builder()
///     .endpoint("http://127.0.0.1:9000")
///     .credentials(Credentials::new("fc-local-key", "fc-local-secret"))
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    region: Option<String>,
    account_id: Option<String>,
    internal: bool,
    endpoint: Option<String>,
    signing: Signing,
    retry: RetryPolicy,
    timeouts: Timeouts,
    user_agent_suffix: Option<String>,
    skip_validation: bool,
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: region from `ALIBABA_CLOUD_REGION_ID` (or
    /// `FC_REGION`), account id from `ALIBABA_CLOUD_ACCOUNT_ID` (selects the account endpoint),
    /// an endpoint that overrides both from `ALIBABA_CLOUD_FC_ENDPOINT` (e.g. fc-local's
    /// `http://127.0.0.1:9000`), credentials from the default chain.
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_lookup(|name| std::env::var(name).ok()).build()
    }
}

/// The environment variable [`Client::from_env`] takes an endpoint from.
const ENDPOINT_VARIABLE: &str = "ALIBABA_CLOUD_FC_ENDPOINT";

impl ClientBuilder {
    /// A builder with the region and account id found by `var` (empty values count as unset).
    fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| var(name).filter(|v| !v.is_empty());
        let mut builder = Client::builder();
        if let Some(region) = var("ALIBABA_CLOUD_REGION_ID").or_else(|| var("FC_REGION")) {
            builder = builder.region(region);
        }
        if let Some(account) = var("ALIBABA_CLOUD_ACCOUNT_ID") {
            builder = builder.account_id(account);
        }
        if let Some(endpoint) = var(ENDPOINT_VARIABLE) {
            builder = builder.endpoint(endpoint);
        }
        builder
    }

    /// The region, e.g. `cn-hangzhou`; selects the endpoint unless one is given.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The account id: use the account endpoint `<account>.<region>.fc.aliyuncs.com`.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Use the `-internal` account endpoint (reachable from inside Alibaba Cloud).
    pub fn internal_endpoint(mut self, internal: bool) -> Self {
        self.internal = internal;
        self
    }

    /// Send requests to this base URL instead of the region's endpoint (fc-local, a proxy).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Sign requests with credentials from `provider` (default: the default chain).
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.signing = Signing::With(Arc::new(provider));
        self
    }

    /// Send requests unsigned (only an emulator started with `--no-auth` accepts them).
    pub fn unsigned(mut self) -> Self {
        self.signing = Signing::Unsigned;
        self
    }

    /// How failed calls are retried (default: [`RetryPolicy::standard`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets all timeouts at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Connection establishment timeout (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// Timeout of one attempt of a management call (default 60 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.attempt = timeout;
        self
    }

    /// Timeout of a management call with its retries (default 300 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.operation = timeout;
        self
    }

    /// Timeout of an `InvokeFunction` call (default 86,460 s: the longest function plus a minute).
    pub fn invoke_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.invoke = timeout;
        self
    }

    /// Whether inputs are checked against the API's documented limits before sending (default
    /// `true`). Turn it off when the service accepts values this release's limits do not.
    pub fn validate_input(mut self, validate: bool) -> Self {
        self.skip_validation = !validate;
        self
    }

    /// Appended to the `User-Agent` header, e.g. `my-app/1.2`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Builds an FC 2.0 (API 2021-04-06) client with these settings; the same as
    /// `self.build()?.fc2()`. FC 2.0 is served from the account endpoint, so give
    /// [`account_id`](Self::account_id) (with a region) or an [`endpoint`](Self::endpoint).
    ///
    /// ```no_run
    /// let client = fc_client::fc2::Client::builder()
    ///     .region("cn-hangzhou")
    ///     .account_id("1234567890")
    ///     .build_fc2()?;
    /// # Ok::<(), fc_client::ConfigError>(())
    /// ```
    #[cfg(feature = "fc2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "fc2")))]
    pub fn build_fc2(self) -> Result<crate::fc2::Client, ConfigError> {
        self.build()?.fc2()
    }

    /// Builds the client: one pooled HTTP client, shared by every call.
    pub fn build(self) -> Result<Client, ConfigError> {
        let base_url = match (&self.endpoint, &self.region) {
            (Some(endpoint), _) => check_endpoint(endpoint)?,
            (None, Some(region)) => {
                endpoint::resolve(region, self.account_id.as_deref(), self.internal)?
            }
            (None, None) => return Err(ConfigError::MissingRegion),
        };
        let mut user_agent = format!(
            "fc-rs/{} ({}; {}) rust",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        if let Some(suffix) = &self.user_agent_suffix {
            if suffix.chars().any(|c| !(c == ' ' || c.is_ascii_graphic())) {
                return Err(ConfigError::InvalidUserAgent(suffix.clone()));
            }
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        install_crypto_provider();
        // The API never redirects, and retries are fc-client's own (`crate::retry`): reqwest's
        // layers for both would only cost every call its allocations. The attempt timeout is the
        // client's, so that most attempts need no timeout of their own.
        let http = reqwest::Client::builder()
            .connect_timeout(self.timeouts.connect)
            .timeout(self.timeouts.attempt)
            .user_agent(user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .build()?;
        let credentials = match self.signing {
            Signing::Unsigned => None,
            Signing::With(provider) => Some(provider),
            Signing::DefaultChain => Some(Arc::new(DefaultCredentialsChain::from_env()) as Arc<_>),
        };
        let fc2_base_url = match (&self.endpoint, &self.region, &self.account_id) {
            (Some(_), _, _) => Some(base_url.clone()),
            (None, Some(region), Some(account)) => {
                Some(endpoint::resolve(region, Some(account), self.internal)?)
            }
            _ => None,
        };
        let config = ClientConfig::new(
            &fc_models::API,
            fc2_base_url,
            credentials,
            self.retry,
            self.timeouts,
            !self.skip_validation,
            Some(self.timeouts.attempt),
        );
        Ok(Client::new_with_client(&base_url, http, config))
    }
}

fn check_endpoint(endpoint: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidEndpoint {
        endpoint: endpoint.to_owned(),
        reason: reason.to_owned(),
    };
    let url = reqwest::Url::parse(endpoint).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    Ok(endpoint.trim_end_matches('/').to_owned())
}

/// Makes ring the process's rustls crypto provider, unless one is installed already.
///
/// fc-client builds reqwest with rustls but without aws-lc (a C build), so a reqwest client
/// finds its provider in the process default, and building one panics without it. Every
/// [`Client`] calls this itself; call it before building a `reqwest::Client` of your own in a
/// program that installs no provider.
///
/// ```
/// fc_client::install_crypto_provider();
/// let http = reqwest::Client::builder().build().expect("a provider is installed");
/// # drop(http);
/// ```
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another installer is fine: a provider is installed either way.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;

    #[test]
    fn region_or_endpoint_is_required() {
        let error = Client::builder().unsigned().build().unwrap_err();
        assert!(matches!(error, ConfigError::MissingRegion), "{error}");
    }

    #[test]
    fn endpoint_override_wins_and_is_validated() {
        let client = Client::builder()
            .region("cn-hangzhou")
            .endpoint("http://127.0.0.1:9000/")
            .credentials(Credentials::new("id", "secret"))
            .build()
            .unwrap();
        assert_eq!(
            progenitor_client::ClientInfo::baseurl(&client),
            "http://127.0.0.1:9000"
        );
        for bad in ["ftp://x", "not a url", "http://h/?q=1"] {
            let error = Client::builder()
                .endpoint(bad)
                .unsigned()
                .build()
                .unwrap_err();
            assert!(
                matches!(error, ConfigError::InvalidEndpoint { .. }),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn region_selects_the_endpoint() {
        let client = Client::builder()
            .region("cn-shanghai")
            .account_id("1234")
            .unsigned()
            .build()
            .unwrap();
        assert_eq!(
            progenitor_client::ClientInfo::baseurl(&client),
            "https://1234.cn-shanghai.fc.aliyuncs.com"
        );
        let error = Client::builder()
            .region("CN")
            .unsigned()
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("invalid region"), "{error}");
    }

    #[test]
    fn environment_lookup_order() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let builder = ClientBuilder::from_lookup(vars(&[
            ("ALIBABA_CLOUD_REGION_ID", "cn-beijing"),
            ("FC_REGION", "cn-shanghai"),
        ]));
        assert_eq!(builder.region.as_deref(), Some("cn-beijing"));
        let builder = ClientBuilder::from_lookup(vars(&[
            ("ALIBABA_CLOUD_REGION_ID", ""),
            ("FC_REGION", "cn-shanghai"),
            ("ALIBABA_CLOUD_ACCOUNT_ID", "123"),
        ]));
        assert_eq!(builder.region.as_deref(), Some("cn-shanghai"));
        assert_eq!(builder.account_id.as_deref(), Some("123"));
        let local = ClientBuilder::from_lookup(vars(&[(
            "ALIBABA_CLOUD_FC_ENDPOINT",
            "http://127.0.0.1:9000",
        )]))
        .unsigned()
        .build()
        .expect("an endpoint needs no region");
        assert_eq!(
            progenitor_client::ClientInfo::baseurl(&local),
            "http://127.0.0.1:9000"
        );
        let empty = ClientBuilder::from_lookup(vars(&[]))
            .unsigned()
            .build()
            .unwrap_err();
        assert!(matches!(empty, ConfigError::MissingRegion));
    }

    #[test]
    fn user_agent_suffix_is_checked() {
        let error = Client::builder()
            .region("cn-hangzhou")
            .user_agent_suffix("bad\nvalue")
            .unsigned()
            .build()
            .unwrap_err();
        assert!(matches!(error, ConfigError::InvalidUserAgent(_)));
    }
}

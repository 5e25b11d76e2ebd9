//! Credentials of the RAM role attached to an ECS instance, from its metadata service.

use std::time::Duration;

use futures::future::BoxFuture;

use super::http::{self, Failure, Request, Response, Timeouts};
use super::session::parse_flat;
use super::{Credentials, CredentialsError, Env, ProvideCredentials};
use crate::signing::percent_encode;

const PROVIDER: &str = "ecs ram role";
const DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
const ROLE_NAME: &str = "ALIBABA_CLOUD_ECS_METADATA";
const IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";

/// The metadata service every ECS instance can reach.
const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";
const TOKEN_PATH: &str = "/latest/api/token";
const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
/// Lifetime asked for the metadata token: 6 hours, the longest the service grants.
const TOKEN_TTL_SECONDS: u32 = 21_600;

/// Fetches the instance RAM role's STS credentials from the ECS metadata service
/// (`http://100.100.100.200`), in IMDSv2 (hardened) mode:
///
/// 1. `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds` gives a token;
/// 2. the role name is the configured one (`ALIBABA_CLOUD_ECS_METADATA` or
///    [`with_role_name`](Self::with_role_name)), else the answer of
///    `GET /latest/meta-data/ram/security-credentials/`;
/// 3. `GET /latest/meta-data/ram/security-credentials/<role>`, each `GET` carrying the token in
///    `X-aliyun-ecs-metadata-token`, answers `{"Code": "Success", "AccessKeyId", ...}`.
///
/// When the token request fails with an HTTP error, the provider carries on without a token
/// (IMDSv1), unless `ALIBABA_CLOUD_IMDSV1_DISABLED=true`.
///
/// Connect and read timeouts are 1 s each.
///
/// # When it reports `NotFound`
///
/// Off ECS, nothing answers at 100.100.100.200: the connection is refused or never completes.
/// Because that is how every laptop and CI runner looks, a metadata service that cannot be
/// reached, or that does not answer the first request within the timeouts, makes this provider
/// report [`NotFound`](CredentialsError::NotFound), and the default chain moves on after at
/// most about two seconds. So does `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true` (no request is
/// made at all), and an instance without a RAM role (HTTP 404 on the role listing). Once the
/// service has answered, later failures are real errors: a timeout is
/// [`Timeout`](CredentialsError::Timeout), a bad answer is [`Provider`](CredentialsError::Provider).
///
/// ```
/// use fc_client::credentials::{EcsRamRoleProvider, Env};
///
/// let provider = EcsRamRoleProvider::new(Env::from_map([("ALIBABA_CLOUD_ECS_METADATA", "fc-role")]))
///     .with_endpoint("http://127.0.0.1:8080");
/// assert_eq!(provider.role_name(), Some("fc-role"));
/// ```
#[derive(Debug, Clone)]
pub struct EcsRamRoleProvider {
    disabled: bool,
    imds_v1_disabled: bool,
    role_name: Option<String>,
    endpoint: String,
    timeouts: Timeouts,
}

impl EcsRamRoleProvider {
    /// A provider configured from `env`: `ALIBABA_CLOUD_ECS_METADATA_DISABLED`,
    /// `ALIBABA_CLOUD_ECS_METADATA` (role name) and `ALIBABA_CLOUD_IMDSV1_DISABLED`.
    pub fn new(env: Env) -> Self {
        EcsRamRoleProvider {
            disabled: env.flag(DISABLED),
            imds_v1_disabled: env.flag(IMDSV1_DISABLED),
            role_name: env.var(ROLE_NAME),
            endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            timeouts: Timeouts {
                connect: Duration::from_secs(1),
                read: Duration::from_secs(1),
            },
        }
    }

    /// Uses this role instead of asking the metadata service which one is attached.
    pub fn with_role_name(mut self, role_name: impl Into<String>) -> Self {
        self.role_name = Some(role_name.into()).filter(|name| !name.is_empty());
        self
    }

    /// Talks to this base URL instead of `http://100.100.100.200` (tests, proxies).
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into().trim_end_matches('/').to_owned();
        self
    }

    /// Changes the connect and read timeouts (1 s each by default).
    pub fn with_timeouts(mut self, connect: Duration, read: Duration) -> Self {
        self.timeouts = Timeouts { connect, read };
        self
    }

    /// The configured role name, if any.
    pub fn role_name(&self) -> Option<&str> {
        self.role_name.as_deref()
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        if self.disabled {
            return Err(CredentialsError::not_found(
                PROVIDER,
                format!("{DISABLED} is true"),
            ));
        }
        let mut call = Calls {
            provider: self,
            answered: false,
        };
        let token = call.token().await?;
        let role = match &self.role_name {
            Some(role) => role.clone(),
            None => call.role_name(token.as_deref()).await?,
        };
        let path = format!("{CREDENTIALS_PATH}{}", percent_encode(&role));
        let response = call.get(&path, token.as_deref()).await?;
        match response.status {
            200 => parse_flat(PROVIDER, &response.body),
            status => Err(CredentialsError::provider_failed(
                PROVIDER,
                format!(
                    "the metadata service answered HTTP {status} for the credentials of role {role:?}"
                ),
            )),
        }
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// One round of calls; remembers whether the service has answered yet.
struct Calls<'a> {
    provider: &'a EcsRamRoleProvider,
    answered: bool,
}

impl Calls<'_> {
    async fn send(&mut self, request: Request) -> Result<Response, CredentialsError> {
        let timeouts = self.provider.timeouts;
        match http::send(request, timeouts).await {
            Ok(response) => {
                self.answered = true;
                Ok(response)
            }
            Err(failure) => Err(self.failure(&failure)),
        }
    }

    fn failure(&self, failure: &Failure) -> CredentialsError {
        let timeouts = self.provider.timeouts;
        let endpoint = &self.provider.endpoint;
        let silent = failure.is_unreachable() || *failure == Failure::ReadTimeout;
        if silent && !self.answered {
            return CredentialsError::not_found(
                PROVIDER,
                format!(
                    "no metadata service at {endpoint} ({}); not an ECS instance?",
                    failure.describe(timeouts)
                ),
            );
        }
        let what = format!(
            "metadata service at {endpoint}: {}",
            failure.describe(timeouts)
        );
        match failure {
            Failure::ConnectTimeout | Failure::ReadTimeout => CredentialsError::Timeout {
                provider: PROVIDER,
                after: timeouts.connect + timeouts.read,
                what,
            },
            _ => CredentialsError::provider_failed(PROVIDER, what),
        }
    }

    /// The IMDSv2 token, or `None` to fall back to IMDSv1.
    async fn token(&mut self) -> Result<Option<String>, CredentialsError> {
        let url = format!("{}{TOKEN_PATH}", self.provider.endpoint);
        let request =
            Request::new("PUT", url).header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS.to_string());
        let response = self.send(request).await?;
        let token = String::from_utf8(response.body).unwrap_or_default();
        let token = token.trim();
        if response.status == 200 && !token.is_empty() {
            return Ok(Some(token.to_owned()));
        }
        if self.provider.imds_v1_disabled {
            return Err(CredentialsError::provider_failed(
                PROVIDER,
                format!(
                    "the metadata token request answered HTTP {} and {IMDSV1_DISABLED} forbids going on without one",
                    response.status
                ),
            ));
        }
        tracing::debug!(
            status = response.status,
            "no ECS metadata token; using IMDSv1"
        );
        Ok(None)
    }

    async fn get(&mut self, path: &str, token: Option<&str>) -> Result<Response, CredentialsError> {
        let mut request = Request::new("GET", format!("{}{path}", self.provider.endpoint));
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token);
        }
        self.send(request).await
    }

    async fn role_name(&mut self, token: Option<&str>) -> Result<String, CredentialsError> {
        let response = self.get(CREDENTIALS_PATH, token).await?;
        match response.status {
            200 => {}
            404 => {
                return Err(CredentialsError::not_found(
                    PROVIDER,
                    "the metadata service lists no RAM role for this instance (HTTP 404)",
                ));
            }
            status => {
                return Err(CredentialsError::provider_failed(
                    PROVIDER,
                    format!("listing the instance's RAM role answered HTTP {status}"),
                ));
            }
        }
        let text = String::from_utf8(response.body).unwrap_or_default();
        match text.lines().map(str::trim).find(|line| !line.is_empty()) {
            Some(role) => Ok(role.to_owned()),
            None => Err(CredentialsError::not_found(
                PROVIDER,
                "the metadata service lists no RAM role for this instance",
            )),
        }
    }
}

//! RRSA: exchanging an OIDC token for STS credentials with `AssumeRoleWithOIDC`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;

use super::http::{self, Request, Timeouts};
use super::os::{FileRead, read_config_file};
use super::session::{parse_sts, service_error};
use super::{Credentials, CredentialsError, Env, ProvideCredentials};
use crate::signing::percent_encode;
use crate::timestamp::format_iso8601;

const PROVIDER: &str = "oidc";
const TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
const ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
const OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
const SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
const STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
const VPC_ENDPOINT: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";

/// Default lifetime asked of STS, and the smallest it accepts.
const DEFAULT_DURATION_SECONDS: u32 = 3600;
const MIN_DURATION_SECONDS: u32 = 900;

/// Exchanges the OIDC token of an RRSA-enabled workload (ACK pods, FC functions) for STS
/// credentials of a RAM role, with STS `AssumeRoleWithOIDC`.
///
/// Configuration comes from the environment ([`OidcProvider::new`]):
///
/// | variable | meaning |
/// |---|---|
/// | `ALIBABA_CLOUD_OIDC_TOKEN_FILE` | file holding the OIDC token, re-read on every call (it rotates) |
/// | `ALIBABA_CLOUD_ROLE_ARN` | the RAM role to assume |
/// | `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` | the OIDC identity provider registered in RAM |
/// | `ALIBABA_CLOUD_ROLE_SESSION_NAME` | optional; defaults to `fc-rs-<unix time>` |
/// | `ALIBABA_CLOUD_STS_REGION` | optional; use `sts.<region>.aliyuncs.com` instead of `sts.aliyuncs.com` |
/// | `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` | optional; `true` uses `sts-vpc.<region>.aliyuncs.com` |
///
/// Neither the token file nor the provider ARN set: [`NotFound`](CredentialsError::NotFound).
/// One of the three required variables set without the others:
/// [`InvalidConfig`](CredentialsError::InvalidConfig) naming the missing ones.
///
/// The call is anonymous (the OIDC token is the proof): a `POST` to the STS endpoint with
/// `Action`, `Format`, `Version` and `Timestamp` in the query and `RoleArn`, `OIDCProviderArn`,
/// `OIDCToken`, `RoleSessionName` and `DurationSeconds` in a form body. STS errors become
/// [`CredentialsError::Service`] with their `Code` and `RequestId`.
///
/// STS is reached over HTTPS, which needs a rustls crypto provider installed by the program.
///
/// ```
/// use fc_client::credentials::{Env, OidcProvider};
///
/// let env = Env::from_map([
///     ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/var/run/secrets/tokens/oidc-token"),
///     ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::123456789012:role/fc-deployer"),
///     ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "acs:ram::123456789012:oidc-provider/ack-rrsa"),
///     ("ALIBABA_CLOUD_STS_REGION", "cn-hangzhou"),
/// ]);
/// let provider = OidcProvider::new(env);
/// assert_eq!(provider.endpoint(), "https://sts.cn-hangzhou.aliyuncs.com");
/// ```
#[derive(Debug, Clone)]
pub struct OidcProvider {
    settings: Result<Settings, CredentialsError>,
    endpoint: String,
    timeouts: Timeouts,
}

#[derive(Debug, Clone)]
struct Settings {
    role_arn: String,
    oidc_provider_arn: String,
    token_file: PathBuf,
    session_name: String,
    duration_seconds: u32,
    policy: Option<String>,
}

impl OidcProvider {
    /// A provider configured from the `ALIBABA_CLOUD_*` variables of `env` (see the table).
    pub fn new(env: Env) -> Self {
        OidcProvider {
            settings: settings_from_env(&env),
            endpoint: endpoint_from_env(&env),
            timeouts: default_timeouts(),
        }
    }

    /// A provider with explicit settings; the STS endpoint still follows
    /// `ALIBABA_CLOUD_STS_REGION` and `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` in `env`.
    pub fn with_settings(
        env: &Env,
        role_arn: impl Into<String>,
        oidc_provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> Self {
        OidcProvider {
            settings: Ok(Settings {
                role_arn: role_arn.into(),
                oidc_provider_arn: oidc_provider_arn.into(),
                token_file: token_file.into(),
                session_name: env.var(SESSION_NAME).unwrap_or_else(default_session_name),
                duration_seconds: DEFAULT_DURATION_SECONDS,
                policy: None,
            }),
            endpoint: endpoint_from_env(env),
            timeouts: default_timeouts(),
        }
    }

    /// Sends the request to `endpoint` instead, e.g. `http://127.0.0.1:8080` in tests or a
    /// private STS endpoint. A bare host name means HTTPS.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        self.endpoint = if endpoint.contains("://") {
            endpoint.trim_end_matches('/').to_owned()
        } else {
            format!("https://{}", endpoint.trim_end_matches('/'))
        };
        self
    }

    /// Names the role session (shown in ActionTrail); by default `fc-rs-<unix time>`.
    pub fn with_session_name(mut self, name: impl Into<String>) -> Self {
        if let Ok(settings) = &mut self.settings {
            settings.session_name = name.into();
        }
        self
    }

    /// Asks STS for credentials valid this long (at least 900 s; default 3600 s).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        if seconds < MIN_DURATION_SECONDS {
            self.settings = Err(CredentialsError::invalid(
                PROVIDER,
                format!(
                    "DurationSeconds is {seconds}, but STS needs at least {MIN_DURATION_SECONDS}"
                ),
            ));
        } else if let Ok(settings) = &mut self.settings {
            settings.duration_seconds = seconds;
        }
        self
    }

    /// Narrows the role's permissions with an inline policy (JSON).
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        if let Ok(settings) = &mut self.settings {
            settings.policy = Some(policy.into());
        }
        self
    }

    /// The STS endpoint requests go to, with its scheme.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let settings = self.settings.as_ref().map_err(Clone::clone)?;
        let token = read_token(&settings.token_file)?;
        let query = [
            ("Action", "AssumeRoleWithOIDC".to_owned()),
            ("Format", "JSON".to_owned()),
            ("Version", "2015-04-01".to_owned()),
            ("Timestamp", format_iso8601(SystemTime::now())),
        ];
        let mut form = vec![
            ("RoleArn", settings.role_arn.clone()),
            ("OIDCProviderArn", settings.oidc_provider_arn.clone()),
            ("OIDCToken", token),
            ("RoleSessionName", settings.session_name.clone()),
            ("DurationSeconds", settings.duration_seconds.to_string()),
        ];
        if let Some(policy) = &settings.policy {
            form.push(("Policy", policy.clone()));
        }
        let url = format!("{}/?{}", self.endpoint, encode_pairs(&query));
        let request = Request::new("POST", url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(encode_pairs(&form));
        let response = http::send(request, self.timeouts)
            .await
            .map_err(|failure| {
                let what = format!(
                    "calling STS at {}: {}",
                    self.endpoint,
                    failure.describe(self.timeouts)
                );
                match failure {
                    http::Failure::ConnectTimeout | http::Failure::ReadTimeout => {
                        CredentialsError::Timeout {
                            provider: PROVIDER,
                            after: self.timeouts.connect + self.timeouts.read,
                            what,
                        }
                    }
                    _ => CredentialsError::provider_failed(PROVIDER, what),
                }
            })?;
        if response.status != 200 {
            return Err(service_error(
                PROVIDER,
                "STS AssumeRoleWithOIDC",
                response.status,
                &response.body,
            ));
        }
        parse_sts(PROVIDER, &response.body)
    }
}

impl ProvideCredentials for OidcProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

fn default_timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        read: Duration::from_secs(10),
    }
}

fn default_session_name() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    format!("fc-rs-{now}")
}

fn settings_from_env(env: &Env) -> Result<Settings, CredentialsError> {
    let token_file = env.var(TOKEN_FILE);
    let oidc_provider_arn = env.var(OIDC_PROVIDER_ARN);
    if token_file.is_none() && oidc_provider_arn.is_none() {
        return Err(CredentialsError::not_found(
            PROVIDER,
            format!("{TOKEN_FILE} and {OIDC_PROVIDER_ARN} are not set"),
        ));
    }
    let role_arn = env.var(ROLE_ARN);
    let missing: Vec<&str> = [
        (TOKEN_FILE, token_file.is_none()),
        (ROLE_ARN, role_arn.is_none()),
        (OIDC_PROVIDER_ARN, oidc_provider_arn.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    match (token_file, role_arn, oidc_provider_arn) {
        (Some(token_file), Some(role_arn), Some(oidc_provider_arn)) => Ok(Settings {
            role_arn,
            oidc_provider_arn,
            token_file: PathBuf::from(token_file),
            session_name: env.var(SESSION_NAME).unwrap_or_else(default_session_name),
            duration_seconds: DEFAULT_DURATION_SECONDS,
            policy: None,
        }),
        _ => Err(CredentialsError::invalid(
            PROVIDER,
            format!("RRSA is partly configured: {} not set", missing.join(", ")),
        )),
    }
}

fn endpoint_from_env(env: &Env) -> String {
    match env.var(STS_REGION) {
        Some(region) => {
            let prefix = if env.flag(VPC_ENDPOINT) {
                "sts-vpc"
            } else {
                "sts"
            };
            format!("https://{prefix}.{}.aliyuncs.com", region.trim())
        }
        None => "https://sts.aliyuncs.com".to_owned(),
    }
}

fn read_token(path: &std::path::Path) -> Result<String, CredentialsError> {
    let token = match read_config_file(path) {
        Ok(FileRead::Text(text)) => text.trim().to_owned(),
        Ok(FileRead::Missing) => {
            return Err(CredentialsError::invalid(
                PROVIDER,
                format!("the OIDC token file {} does not exist", path.display()),
            ));
        }
        Err(why) => {
            return Err(CredentialsError::invalid(
                PROVIDER,
                format!("the OIDC token file: {why}"),
            ));
        }
    };
    if token.is_empty() {
        return Err(CredentialsError::invalid(
            PROVIDER,
            format!("the OIDC token file {} is empty", path.display()),
        ));
    }
    Ok(token)
}

/// `k1=v1&k2=v2`, both sides percent-encoded.
fn encode_pairs(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

//! Credentials from a profile of the aliyun CLI (`~/.aliyun/config.json`).

use std::path::{Path, PathBuf};

use futures::future::BoxFuture;
use serde::Deserialize;

use super::os::{FileRead, read_config_file};
use super::session::json_problem;
use super::{
    Credentials, CredentialsError, EcsRamRoleProvider, Env, OidcProvider, ProvideCredentials,
    UriProvider,
};

const PROVIDER: &str = "cli profile";
const PROFILE_VAR: &str = "ALIBABA_CLOUD_PROFILE";
const DISABLED_VAR: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
const CONFIG_FILE: &str = ".aliyun/config.json";

/// Reads a profile of the aliyun CLI's `~/.aliyun/config.json`:
///
/// ```json
/// {
///   "current": "default",
///   "profiles": [
///     {"name": "default", "mode": "AK", "access_key_id": "LTAI...", "access_key_secret": "..."},
///     {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "fc-deployer"}
///   ]
/// }
/// ```
///
/// The profile is `ALIBABA_CLOUD_PROFILE`, else the file's `current`. Modes:
///
/// | `mode` | fields | credentials |
/// |---|---|---|
/// | `AK` | `access_key_id`, `access_key_secret` | that key pair |
/// | `StsToken` | the same plus `sts_token` | those STS credentials (no known expiry) |
/// | `EcsRamRole` | `ram_role_name` (optional) | from [`EcsRamRoleProvider`] |
/// | `OIDC` | `ram_role_arn`, `oidc_provider_arn`, `oidc_token_file`, `ram_session_name` (optional) | from [`OidcProvider`] |
/// | `CredentialsURI` | `credentials_uri` | from [`UriProvider`] |
///
/// Any other mode (`RamRoleArn`, `ChainableRamRoleArn`, `RsaKeyPair`, `External`, `CloudSSO`,
/// `OAuth`, ...) is [`InvalidConfig`](CredentialsError::InvalidConfig) naming the mode.
/// [`NotFound`](CredentialsError::NotFound) when the file does not exist, when the profile is
/// not in it (`ALIBABA_CLOUD_PROFILE` may name a section of `credentials.ini` instead), or when
/// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`.
#[derive(Debug, Clone)]
pub struct CliProfileProvider {
    env: Env,
    ecs_endpoint: Option<String>,
    sts_endpoint: Option<String>,
}

/// The parts of `config.json` used here. No `Debug`: it holds secrets.
#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    profiles: Vec<Profile>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Profile {
    name: Option<String>,
    mode: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    sts_token: Option<String>,
    ram_role_name: Option<String>,
    ram_role_arn: Option<String>,
    ram_session_name: Option<String>,
    role_session_name: Option<String>,
    oidc_provider_arn: Option<String>,
    oidc_token_file: Option<String>,
    credentials_uri: Option<String>,
}

impl CliProfileProvider {
    /// A provider finding the home directory and profile through `env`.
    pub fn new(env: Env) -> Self {
        CliProfileProvider {
            env,
            ecs_endpoint: None,
            sts_endpoint: None,
        }
    }

    /// Sends `EcsRamRole` profiles to this metadata service instead of 100.100.100.200.
    pub fn with_ecs_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.ecs_endpoint = Some(endpoint.into());
        self
    }

    /// Sends `OIDC` profiles to this STS endpoint.
    pub fn with_sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(endpoint.into());
        self
    }

    /// The configuration file read, if there is a home directory.
    pub fn path(&self) -> Option<PathBuf> {
        self.env.in_home(CONFIG_FILE)
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let inner = self.resolve()?;
        inner.provide_credentials().await
    }

    fn resolve(&self) -> Result<Box<dyn ProvideCredentials>, CredentialsError> {
        if self.env.flag(DISABLED_VAR) {
            return Err(CredentialsError::not_found(
                PROVIDER,
                format!("{DISABLED_VAR} is true"),
            ));
        }
        let Some(path) = self.path() else {
            return Err(CredentialsError::not_found(
                PROVIDER,
                "there is no home directory",
            ));
        };
        let text = match read_config_file(&path) {
            Ok(FileRead::Text(text)) => text,
            Ok(FileRead::Missing) => {
                return Err(CredentialsError::not_found(
                    PROVIDER,
                    format!("{} does not exist", path.display()),
                ));
            }
            Err(why) => return Err(CredentialsError::invalid(PROVIDER, why)),
        };
        let config: Config = serde_json::from_str(&text).map_err(|err| {
            CredentialsError::invalid(
                PROVIDER,
                format!(
                    "{} is not a valid aliyun CLI configuration ({})",
                    path.display(),
                    json_problem(&err)
                ),
            )
        })?;
        let name = match self.env.var(PROFILE_VAR) {
            Some(name) => name,
            None => config
                .current
                .clone()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    CredentialsError::not_found(
                        PROVIDER,
                        format!(
                            "{PROFILE_VAR} is not set and {} has no \"current\" profile",
                            path.display()
                        ),
                    )
                })?,
        };
        let Some(profile) = config
            .profiles
            .iter()
            .find(|p| p.name.as_deref() == Some(&name))
        else {
            return Err(CredentialsError::not_found(
                PROVIDER,
                format!("{} has no profile named {name:?}", path.display()),
            ));
        };
        self.provider_for(profile, &name, &path)
    }

    fn provider_for(
        &self,
        profile: &Profile,
        name: &str,
        path: &Path,
    ) -> Result<Box<dyn ProvideCredentials>, CredentialsError> {
        let field = |value: &Option<String>, field: &str| {
            value.clone().filter(|v| !v.is_empty()).ok_or_else(|| {
                CredentialsError::invalid(
                    PROVIDER,
                    format!("profile {name:?} in {} has no {field}", path.display()),
                )
            })
        };
        let mode = field(&profile.mode, "mode")?;
        match mode.as_str() {
            "AK" => Ok(Box::new(Credentials::new(
                field(&profile.access_key_id, "access_key_id")?,
                field(&profile.access_key_secret, "access_key_secret")?,
            ))),
            "StsToken" => Ok(Box::new(
                Credentials::new(
                    field(&profile.access_key_id, "access_key_id")?,
                    field(&profile.access_key_secret, "access_key_secret")?,
                )
                .with_security_token(field(&profile.sts_token, "sts_token")?),
            )),
            "EcsRamRole" => {
                let mut ecs = EcsRamRoleProvider::new(self.env.clone());
                if let Some(role) = profile.ram_role_name.clone().filter(|r| !r.is_empty()) {
                    ecs = ecs.with_role_name(role);
                }
                if let Some(endpoint) = &self.ecs_endpoint {
                    ecs = ecs.with_endpoint(endpoint.clone());
                }
                Ok(Box::new(ecs))
            }
            "OIDC" => {
                let mut oidc = OidcProvider::with_settings(
                    &self.env,
                    field(&profile.ram_role_arn, "ram_role_arn")?,
                    field(&profile.oidc_provider_arn, "oidc_provider_arn")?,
                    field(&profile.oidc_token_file, "oidc_token_file")?,
                );
                let session = profile
                    .ram_session_name
                    .clone()
                    .or_else(|| profile.role_session_name.clone());
                if let Some(session) = session.filter(|s| !s.is_empty()) {
                    oidc = oidc.with_session_name(session);
                }
                if let Some(endpoint) = &self.sts_endpoint {
                    oidc = oidc.with_endpoint(endpoint.clone());
                }
                Ok(Box::new(oidc))
            }
            "CredentialsURI" => Ok(Box::new(
                UriProvider::new(self.env.clone())
                    .with_uri(field(&profile.credentials_uri, "credentials_uri")?),
            )),
            other => Err(CredentialsError::invalid(
                PROVIDER,
                format!(
                    "profile {name:?} in {} uses mode {other:?}, which fc-rs does not support yet \
                     (supported: AK, StsToken, EcsRamRole, OIDC, CredentialsURI)",
                    path.display()
                ),
            )),
        }
    }
}

impl ProvideCredentials for CliProfileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

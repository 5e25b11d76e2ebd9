//! Credentials from a section of `~/.alibabacloud/credentials.ini`.

use std::path::{Path, PathBuf};

use futures::future::BoxFuture;

use super::ini::IniFile;
use super::os::{FileRead, read_config_file};
use super::{
    Credentials, CredentialsError, EcsRamRoleProvider, Env, OidcProvider, ProvideCredentials,
};

const PROVIDER: &str = "ini file";
const FILE_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
const PROFILE_VAR: &str = "ALIBABA_CLOUD_PROFILE";
const DEFAULT_FILE: &str = ".alibabacloud/credentials.ini";

/// Reads one section of the credentials file shared by Alibaba Cloud's SDKs.
///
/// The file is `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials.ini`; the
/// section is `ALIBABA_CLOUD_PROFILE`, else `default`. Its `type` decides the rest:
///
/// | `type` | keys | credentials |
/// |---|---|---|
/// | `access_key` | `access_key_id`, `access_key_secret` | that key pair |
/// | `ecs_ram_role` | `role_name` (optional) | from [`EcsRamRoleProvider`] |
/// | `oidc_role_arn` | `role_arn`, `oidc_provider_arn`, `oidc_token_file_path`, `role_session_name` (optional) | from [`OidcProvider`] |
///
/// Other types (`ram_role_arn`, `rsa_key_pair`, ...) are reported as
/// [`InvalidConfig`](CredentialsError::InvalidConfig) naming the type. The default file or the
/// section absent: [`NotFound`](CredentialsError::NotFound). A file named by
/// `ALIBABA_CLOUD_CREDENTIALS_FILE` that does not exist, or a malformed file:
/// `InvalidConfig` naming the file (and the line).
///
/// ```text
/// [default]
/// type = access_key
/// access_key_id = LTAI...
/// access_key_secret = ...
///
/// [on-ecs]
/// type = ecs_ram_role
/// role_name = fc-deployer
/// ```
#[derive(Debug, Clone)]
pub struct IniFileProvider {
    env: Env,
    ecs_endpoint: Option<String>,
    sts_endpoint: Option<String>,
}

impl IniFileProvider {
    /// A provider finding the file and section through `env`.
    pub fn new(env: Env) -> Self {
        IniFileProvider {
            env,
            ecs_endpoint: None,
            sts_endpoint: None,
        }
    }

    /// Sends `ecs_ram_role` sections to this metadata service instead of 100.100.100.200.
    pub fn with_ecs_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.ecs_endpoint = Some(endpoint.into());
        self
    }

    /// Sends `oidc_role_arn` sections to this STS endpoint.
    pub fn with_sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(endpoint.into());
        self
    }

    /// The file this provider reads, if a home directory or the variable tells where it is.
    pub fn path(&self) -> Option<PathBuf> {
        self.env
            .var(FILE_VAR)
            .map(PathBuf::from)
            .or_else(|| self.env.in_home(DEFAULT_FILE))
    }

    /// The section this provider uses.
    pub fn profile(&self) -> String {
        self.env
            .var(PROFILE_VAR)
            .unwrap_or_else(|| "default".to_owned())
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let inner = self.resolve()?;
        inner.provide_credentials().await
    }

    /// Reads the file and picks the provider its section describes.
    fn resolve(&self) -> Result<Box<dyn ProvideCredentials>, CredentialsError> {
        let explicit = self.env.var(FILE_VAR).is_some();
        let Some(path) = self.path() else {
            return Err(CredentialsError::not_found(
                PROVIDER,
                format!("{FILE_VAR} is not set and there is no home directory"),
            ));
        };
        let text = match read_config_file(&path) {
            Ok(FileRead::Text(text)) => text,
            Ok(FileRead::Missing) if explicit => {
                return Err(CredentialsError::invalid(
                    PROVIDER,
                    format!("{FILE_VAR} names {}, which does not exist", path.display()),
                ));
            }
            Ok(FileRead::Missing) => {
                return Err(CredentialsError::not_found(
                    PROVIDER,
                    format!("{} does not exist", path.display()),
                ));
            }
            Err(why) => return Err(CredentialsError::invalid(PROVIDER, why)),
        };
        let ini = IniFile::parse(&text).map_err(|err| {
            CredentialsError::invalid(PROVIDER, format!("{} is malformed: {err}", path.display()))
        })?;
        let profile = self.profile();
        let Some(section) = ini.section(&profile) else {
            return Err(CredentialsError::not_found(
                PROVIDER,
                format!("{} has no [{profile}] section", path.display()),
            ));
        };
        let section = Section {
            path: &path,
            profile: &profile,
            keys: section,
        };
        let kind = section.require("type")?;
        match kind {
            "access_key" => Ok(Box::new(Credentials::new(
                section.require("access_key_id")?,
                section.require("access_key_secret")?,
            ))),
            "ecs_ram_role" => {
                let mut ecs = EcsRamRoleProvider::new(self.env.clone());
                if let Some(role) = section.optional("role_name") {
                    ecs = ecs.with_role_name(role);
                }
                if let Some(endpoint) = &self.ecs_endpoint {
                    ecs = ecs.with_endpoint(endpoint.clone());
                }
                Ok(Box::new(ecs))
            }
            "oidc_role_arn" => {
                let mut oidc = OidcProvider::with_settings(
                    &self.env,
                    section.require("role_arn")?,
                    section.require("oidc_provider_arn")?,
                    section.require("oidc_token_file_path")?,
                );
                if let Some(name) = section.optional("role_session_name") {
                    oidc = oidc.with_session_name(name);
                }
                if let Some(endpoint) = &self.sts_endpoint {
                    oidc = oidc.with_endpoint(endpoint.clone());
                }
                Ok(Box::new(oidc))
            }
            other => Err(CredentialsError::invalid(
                PROVIDER,
                format!(
                    "[{profile}] in {} has type {other:?}, which fc-rs does not support yet \
                     (supported: access_key, ecs_ram_role, oidc_role_arn)",
                    path.display()
                ),
            )),
        }
    }
}

impl ProvideCredentials for IniFileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

/// One section, for error messages that name the file, the section and the key.
struct Section<'a> {
    path: &'a Path,
    profile: &'a str,
    keys: &'a std::collections::BTreeMap<String, String>,
}

impl Section<'_> {
    fn optional(&self, key: &str) -> Option<&str> {
        self.keys
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn require(&self, key: &str) -> Result<&str, CredentialsError> {
        self.optional(key).ok_or_else(|| {
            CredentialsError::invalid(
                PROVIDER,
                format!("[{}] in {} has no {key}", self.profile, self.path.display()),
            )
        })
    }
}

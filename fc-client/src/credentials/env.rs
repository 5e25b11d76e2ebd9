//! Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID` and friends.

use futures::future::BoxFuture;

use super::{Credentials, CredentialsError, Env, ProvideCredentials};

const PROVIDER: &str = "environment";
const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, for STS
/// credentials, `ALIBABA_CLOUD_SECURITY_TOKEN`.
///
/// Neither id nor secret set: [`NotFound`](CredentialsError::NotFound). Only one of them set:
/// [`InvalidConfig`](CredentialsError::InvalidConfig) naming the missing variable. A token
/// without a key pair is ignored, as the official libraries do.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use fc_client::credentials::{Env, EnvProvider, ProvideCredentials};
///
/// let env = Env::from_map([
///     ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-example"),
///     ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret"),
/// ]);
/// let creds = EnvProvider::new(env).provide_credentials().await.unwrap();
/// assert_eq!(creds.access_key_id(), "LTAI-example");
/// assert_eq!(creds.security_token(), None);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct EnvProvider {
    env: Env,
}

impl EnvProvider {
    /// A provider reading the given environment.
    pub fn new(env: Env) -> Self {
        EnvProvider { env }
    }

    /// A provider reading the process environment.
    pub fn from_env() -> Self {
        EnvProvider::new(Env::from_process())
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let id = self.env.var(ACCESS_KEY_ID);
        let secret = self.env.var(ACCESS_KEY_SECRET);
        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (None, None) => {
                return Err(CredentialsError::not_found(
                    PROVIDER,
                    format!("{ACCESS_KEY_ID} and {ACCESS_KEY_SECRET} are not set"),
                ));
            }
            (Some(_), None) => {
                return Err(CredentialsError::invalid(
                    PROVIDER,
                    format!("{ACCESS_KEY_ID} is set but {ACCESS_KEY_SECRET} is not; set both"),
                ));
            }
            (None, Some(_)) => {
                return Err(CredentialsError::invalid(
                    PROVIDER,
                    format!("{ACCESS_KEY_SECRET} is set but {ACCESS_KEY_ID} is not; set both"),
                ));
            }
        };
        let creds = Credentials::new(id, secret);
        Ok(match self.env.var(SECURITY_TOKEN) {
            Some(token) => creds.with_security_token(token),
            None => creds,
        })
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

//! Trying providers in order.

use std::borrow::Cow;

use futures::future::BoxFuture;

use super::{Credentials, CredentialsError, ProvideCredentials};

const PROVIDER: &str = "credentials chain";

/// Asks providers in order and returns the first credentials found.
///
/// A provider answering [`NotFound`](CredentialsError::NotFound) passes the turn to the next
/// one. Any other error stops the chain and is returned as is: a malformed configuration file
/// or a failing credential service is reported, not silently replaced by whatever a later
/// provider finds. When every provider says `NotFound`, the chain answers `NotFound` with each
/// provider's reason, in order.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use fc_client::credentials::{Credentials, CredentialsChain, EnvProvider, Env, ProvideCredentials};
///
/// let chain = CredentialsChain::first_try("environment", EnvProvider::new(Env::from_map([("A", "b")])))
///     .or_else("fallback", Credentials::new("fallback-id", "fallback-secret"));
/// let creds = chain.provide_credentials().await.unwrap();
/// assert_eq!(creds.access_key_id(), "fallback-id");
/// # }
/// ```
#[derive(Debug)]
pub struct CredentialsChain {
    providers: Vec<(Cow<'static, str>, Box<dyn ProvideCredentials>)>,
}

impl CredentialsChain {
    /// A chain starting with `provider`, called `name` in logs and errors.
    pub fn first_try(
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        CredentialsChain {
            providers: vec![(name.into(), Box::new(provider))],
        }
    }

    /// Adds `provider` after the others.
    pub fn or_else(
        mut self,
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.providers.push((name.into(), Box::new(provider)));
        self
    }

    /// The providers' names, in the order they are asked.
    pub fn provider_names(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|(name, _)| name.as_ref())
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut reasons = Vec::with_capacity(self.providers.len());
        for (name, provider) in &self.providers {
            match provider.provide_credentials().await {
                Ok(creds) => {
                    tracing::debug!(provider = %name, "credentials found");
                    return Ok(creds);
                }
                Err(CredentialsError::NotFound { reason, .. }) => {
                    tracing::debug!(provider = %name, %reason, "no credentials here; trying the next provider");
                    reasons.push(format!("{name}: {reason}"));
                }
                Err(err) => {
                    tracing::debug!(provider = %name, error = %err, "credential provider failed; stopping");
                    return Err(err);
                }
            }
        }
        Err(CredentialsError::not_found(
            PROVIDER,
            format!("no provider had credentials ({})", reasons.join("; ")),
        ))
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

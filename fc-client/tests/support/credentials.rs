//! Short forms for asking a credential provider and expecting an answer or an error.

use fc_client::credentials::{Credentials, CredentialsError, ProvideCredentials};

/// The provider's credentials; panics (failing the test) with the error otherwise.
pub async fn credentials_of(provider: impl ProvideCredentials) -> Credentials {
    match provider.provide_credentials().await {
        Ok(credentials) => credentials,
        Err(error) => panic!("expected credentials, got {error:?}"),
    }
}

/// The provider's error; panics (failing the test) if it produced credentials.
pub async fn error_of(provider: impl ProvideCredentials) -> CredentialsError {
    match provider.provide_credentials().await {
        Ok(credentials) => panic!("expected an error, got {credentials:?}"),
        Err(error) => error,
    }
}

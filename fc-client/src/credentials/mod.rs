//! Credentials for signing requests, and the providers that find them.
//!
//! A [`Credentials`] value holds an access key pair, and for temporary (STS) credentials a
//! security token and an expiry. Anything that can produce one implements
//! [`ProvideCredentials`]; a fixed `Credentials` value is itself a provider.
//!
//! Most programs want [`DefaultCredentialsChain`], which looks in the same places, in the same
//! order, as Alibaba Cloud's official credentials libraries:
//!
//! 1. [`EnvProvider`]: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
//!    optionally `ALIBABA_CLOUD_SECURITY_TOKEN`;
//! 2. [`OidcProvider`]: RRSA, exchanging the OIDC token in `ALIBABA_CLOUD_OIDC_TOKEN_FILE` for
//!    STS credentials with `AssumeRoleWithOIDC`;
//! 3. [`CliProfileProvider`]: a profile of the aliyun CLI's `~/.aliyun/config.json`;
//! 4. [`IniFileProvider`]: a section of `~/.alibabacloud/credentials.ini`;
//! 5. [`EcsRamRoleProvider`]: the RAM role of the ECS instance, from its metadata service;
//! 6. [`UriProvider`]: a credentials service named by `ALIBABA_CLOUD_CREDENTIALS_URI`.
//!
//! A provider that has nothing to offer answers [`CredentialsError::NotFound`] and the chain
//! asks the next one; any other error (a malformed file, a failing credential service) stops
//! the chain, so a broken configuration is reported instead of silently skipped.
//!
//! Temporary credentials are cached by [`CachingProvider`] and refreshed before they expire;
//! the default chain is cached already.
//!
//! Every provider reads the environment through [`Env`], so tests (and programs that keep their
//! configuration elsewhere) can hand it a map instead of the process environment.
//!
//! ```no_run
//! # async fn example() -> Result<(), fc_client::credentials::CredentialsError> {
//! use fc_client::credentials::{DefaultCredentialsChain, ProvideCredentials};
//!
//! let chain = DefaultCredentialsChain::from_env();
//! let credentials = chain.provide_credentials().await?;
//! println!("signing as {}", credentials.access_key_id());
//! # Ok(())
//! # }
//! ```

mod cache;
mod chain;
mod cli_profile;
mod default_chain;
mod ecs_ram_role;
mod env;
mod error;
mod http;
mod ini;
mod ini_file;
mod oidc;
mod os;
mod session;
mod uri;

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use futures::future::BoxFuture;

pub use cache::CachingProvider;
pub use chain::CredentialsChain;
pub use cli_profile::CliProfileProvider;
pub use default_chain::{DefaultCredentialsChain, DefaultCredentialsChainBuilder};
pub use ecs_ram_role::EcsRamRoleProvider;
pub use env::EnvProvider;
pub use error::CredentialsError;
pub use ini::{IniError, IniFile};
pub use ini_file::IniFileProvider;
pub use oidc::OidcProvider;
pub use os::Env;
pub use uri::UriProvider;

/// An access key pair, with a security token and expiry when the credentials are temporary.
///
/// `Debug` shows the access key id (it travels in every `Authorization` header anyway) but
/// never the secret or the token.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use fc_client::credentials::Credentials;
///
/// let expiry = SystemTime::now() + Duration::from_secs(3600);
/// let creds = Credentials::new("LTAI-example", "very-secret")
///     .with_security_token("sts-token")
///     .with_expiry(expiry);
/// assert_eq!(creds.security_token(), Some("sts-token"));
/// let shown = format!("{creds:?}");
/// assert!(!shown.contains("very-secret") && !shown.contains("sts-token"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    // Shared, so that the clone a provider hands out per request allocates nothing.
    access_key_id: Arc<str>,
    access_key_secret: Arc<Secret>,
    security_token: Option<Arc<str>>,
    expiry: Option<SystemTime>,
}

/// The secret, and the HMAC-SHA256 state keyed with it (the key's two padded blocks hashed
/// once, not on every signature).
struct Secret {
    text: Box<str>,
    key: Hmac<Sha256>,
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Secret {}

impl Credentials {
    /// Long-term credentials: an access key id and its secret, with no token and no expiry.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into().into(),
            access_key_secret: Arc::new(Secret::new(access_key_secret.into())),
            security_token: None,
            expiry: None,
        }
    }

    /// Adds the STS security token that temporary credentials carry.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into().into());
        self
    }

    /// Sets the time after which the credentials are no longer accepted.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// The access key id (`LTAI...` for long-term keys, `STS....` for temporary ones).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The access key secret, used only as the signing key.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret.text
    }

    /// HMAC-SHA256 keyed with the secret, ready for a message.
    pub(crate) fn signing_key(&self) -> &Hmac<Sha256> {
        &self.access_key_secret.key
    }

    /// The STS security token, sent as `x-acs-security-token`; `None` for long-term keys.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// When the credentials expire; `None` when they do not.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// True when the credentials have an expiry and `now` is at or past it.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        self.expiry.is_some_and(|expiry| now >= expiry)
    }
}

impl Secret {
    fn new(text: String) -> Self {
        // HMAC takes keys of any length: this cannot fail.
        let key = Hmac::<Sha256>::new_from_slice(text.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC-SHA256 accepts keys of any length"));
        Secret {
            text: text.into_boxed_str(),
            key,
        }
    }
}

const REDACTED: &str = "** redacted **";

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Credentials");
        out.field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &REDACTED)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| REDACTED),
            );
        match self.expiry {
            Some(expiry) => out.field("expiry", &crate::timestamp::format_iso8601(expiry)),
            None => out.field("expiry", &"never"),
        };
        out.finish()
    }
}

/// Something that can produce [`Credentials`], possibly by asking a remote service.
///
/// Implementations answer [`CredentialsError::NotFound`] when they have nothing to offer (their
/// variables are unset, their file is absent), which lets a [`CredentialsChain`] move on to the
/// next provider.
///
/// ```
/// use fc_client::credentials::{Credentials, CredentialsError, ProvideCredentials};
/// use futures::future::BoxFuture;
///
/// /// Credentials kept in a secrets manager of our own.
/// #[derive(Debug)]
/// struct FromVault;
///
/// impl ProvideCredentials for FromVault {
///     fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
///         Box::pin(async { Ok(Credentials::new("id-from-vault", "secret-from-vault")) })
///     }
/// }
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Produces credentials, or says why it cannot.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;

    /// The credentials at hand without waiting, when the provider has them (fixed keys, a
    /// fresh cached value): every request asks this first and calls
    /// [`provide_credentials`](Self::provide_credentials) only on `None`, so the common case
    /// boxes no future. The default is `None`.
    fn current(&self) -> Option<Credentials> {
        None
    }
}

/// Fixed credentials provide themselves.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let creds = self.clone();
        Box::pin(async move { Ok(creds) })
    }

    fn current(&self) -> Option<Credentials> {
        Some(self.clone())
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }

    fn current(&self) -> Option<Credentials> {
        (**self).current()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }

    fn current(&self) -> Option<Credentials> {
        (**self).current()
    }
}

//! The default chain, in the order of Alibaba Cloud's official credentials libraries.

use futures::future::BoxFuture;

use super::{
    CachingProvider, CliProfileProvider, Credentials, CredentialsChain, CredentialsError,
    EcsRamRoleProvider, Env, EnvProvider, IniFileProvider, OidcProvider, ProvideCredentials,
    UriProvider,
};

/// The providers most programs want, in the official order, behind a [`CachingProvider`]:
///
/// 1. [`EnvProvider`] (`ALIBABA_CLOUD_ACCESS_KEY_ID`, ...);
/// 2. [`OidcProvider`] (RRSA: `ALIBABA_CLOUD_OIDC_TOKEN_FILE`, ...);
/// 3. [`CliProfileProvider`] (`~/.aliyun/config.json`);
/// 4. [`IniFileProvider`] (`~/.alibabacloud/credentials.ini`);
/// 5. [`EcsRamRoleProvider`] (metadata service; skipped quickly off ECS);
/// 6. [`UriProvider`] (`ALIBABA_CLOUD_CREDENTIALS_URI`).
///
/// The first provider with credentials wins; only [`NotFound`](CredentialsError::NotFound)
/// moves on to the next (see [`CredentialsChain`]). When nothing is found, the error lists what
/// each provider said. Results are cached and refreshed before they expire.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use fc_client::credentials::{DefaultCredentialsChain, Env, ProvideCredentials};
///
/// let env = Env::from_map([
///     ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-example"),
///     ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret"),
/// ]);
/// let chain = DefaultCredentialsChain::new(env);
/// assert_eq!(chain.provide_credentials().await.unwrap().access_key_id(), "LTAI-example");
/// # }
/// ```
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    cached: CachingProvider,
}

impl DefaultCredentialsChain {
    /// The default chain reading `env`.
    pub fn new(env: Env) -> Self {
        DefaultCredentialsChain::builder(env).build()
    }

    /// The default chain reading the process environment.
    pub fn from_env() -> Self {
        DefaultCredentialsChain::new(Env::from_process())
    }

    /// A builder, to point the network providers somewhere else (tests, private endpoints).
    pub fn builder(env: Env) -> DefaultCredentialsChainBuilder {
        DefaultCredentialsChainBuilder {
            env,
            ecs_endpoint: None,
            sts_endpoint: None,
        }
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.cached.provide_credentials()
    }

    fn current(&self) -> Option<Credentials> {
        self.cached.current()
    }
}

/// Builds a [`DefaultCredentialsChain`].
///
/// ```
/// use fc_client::credentials::{DefaultCredentialsChain, Env};
///
/// let chain = DefaultCredentialsChain::builder(Env::from_map([("HOME", "/nonexistent")]))
///     .ecs_metadata_endpoint("http://127.0.0.1:1")
///     .sts_endpoint("http://127.0.0.1:2")
///     .build();
/// # drop(chain);
/// ```
#[derive(Debug, Clone)]
pub struct DefaultCredentialsChainBuilder {
    env: Env,
    ecs_endpoint: Option<String>,
    sts_endpoint: Option<String>,
}

impl DefaultCredentialsChainBuilder {
    /// Where the ECS RAM role provider (and profiles delegating to it) find the metadata
    /// service, instead of `http://100.100.100.200`.
    pub fn ecs_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.ecs_endpoint = Some(endpoint.into());
        self
    }

    /// Where the OIDC provider (and profiles delegating to it) send `AssumeRoleWithOIDC`.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(endpoint.into());
        self
    }

    /// The uncached chain, for callers that bring their own cache.
    pub fn build_uncached(self) -> CredentialsChain {
        let env = self.env;
        let mut oidc = OidcProvider::new(env.clone());
        let mut cli = CliProfileProvider::new(env.clone());
        let mut ini = IniFileProvider::new(env.clone());
        let mut ecs = EcsRamRoleProvider::new(env.clone());
        if let Some(endpoint) = self.sts_endpoint {
            oidc = oidc.with_endpoint(endpoint.clone());
            cli = cli.with_sts_endpoint(endpoint.clone());
            ini = ini.with_sts_endpoint(endpoint);
        }
        if let Some(endpoint) = self.ecs_endpoint {
            ecs = ecs.with_endpoint(endpoint.clone());
            cli = cli.with_ecs_endpoint(endpoint.clone());
            ini = ini.with_ecs_endpoint(endpoint);
        }
        CredentialsChain::first_try("environment", EnvProvider::new(env.clone()))
            .or_else("oidc", oidc)
            .or_else("cli profile", cli)
            .or_else("ini file", ini)
            .or_else("ecs ram role", ecs)
            .or_else("credentials uri", UriProvider::new(env))
    }

    /// The cached chain.
    pub fn build(self) -> DefaultCredentialsChain {
        DefaultCredentialsChain {
            cached: CachingProvider::new(self.build_uncached()),
        }
    }
}

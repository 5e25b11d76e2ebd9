//! The `Credentials` value, the provider trait, the environment shim and `EnvProvider`.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use fc_client::credentials::{Credentials, CredentialsError, Env, EnvProvider, ProvideCredentials};

const SECRET: &str = "do-not-print-this-secret";
const TOKEN: &str = "do-not-print-this-token";

#[test]
fn debug_redacts_secret_and_token() {
    let creds = Credentials::new("visible-id", SECRET)
        .with_security_token(TOKEN)
        .with_expiry(UNIX_EPOCH + Duration::from_secs(1_716_192_930));
    for shown in [format!("{creds:?}"), format!("{creds:#?}")] {
        assert!(shown.contains("visible-id"), "{shown}");
        assert!(shown.contains("2024-05-20T08:15:30Z"), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    let long_term = format!("{:?}", Credentials::new("id", SECRET));
    assert!(long_term.contains("security_token: None") && long_term.contains("never"));
}

#[test]
fn accessors_and_expiry() {
    let at = UNIX_EPOCH + Duration::from_secs(1000);
    let creds = Credentials::new("id", "secret")
        .with_security_token("token")
        .with_expiry(at);
    assert_eq!(creds.access_key_id(), "id");
    assert_eq!(creds.access_key_secret(), "secret");
    assert_eq!(creds.security_token(), Some("token"));
    assert_eq!(creds.expiry(), Some(at));
    assert!(!creds.is_expired_at(at - Duration::from_secs(1)));
    assert!(creds.is_expired_at(at));
    assert!(!Credentials::new("id", "secret").is_expired_at(at));
}

#[tokio::test]
async fn static_credentials_and_shared_providers_provide() {
    let creds = Credentials::new("static-id", "static-secret");
    assert_eq!(creds.provide_credentials().await.unwrap(), creds);
    let shared: Arc<dyn ProvideCredentials> = Arc::new(creds.clone());
    assert_eq!(shared.provide_credentials().await.unwrap(), creds);
    let boxed: Box<dyn ProvideCredentials> = Box::new(creds.clone());
    assert_eq!(boxed.provide_credentials().await.unwrap(), creds);
}

#[test]
fn env_shim_reads_only_its_map() {
    let env = Env::from_map([("HOME", "/home/map"), ("EMPTY", ""), ("FLAG", "TRUE")]);
    assert_eq!(
        env.var("PATH"),
        None,
        "the process environment must not leak in"
    );
    assert_eq!(env.var("EMPTY"), None);
    assert!(env.flag("FLAG"));
    assert!(!env.flag("HOME"));
    assert_eq!(env.home_dir().unwrap(), std::path::Path::new("/home/map"));
    let overridden = env.with_home("/elsewhere");
    assert_eq!(
        overridden.home_dir().unwrap(),
        std::path::Path::new("/elsewhere")
    );
    assert_eq!(
        Env::from_map([("USERPROFILE", "C:\\Users\\me")])
            .home_dir()
            .unwrap(),
        std::path::Path::new("C:\\Users\\me")
    );
    assert_eq!(
        Env::from_map(Vec::<(String, String)>::new()).home_dir(),
        None
    );
}

#[test]
fn env_debug_never_shows_values() {
    let env = Env::from_map([("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)]);
    let shown = format!("{env:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    let provider = EnvProvider::new(env);
    assert!(!format!("{provider:?}").contains(SECRET));
}

#[tokio::test]
async fn env_provider_reads_key_pair() {
    let env = Env::from_map([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
    ]);
    let creds = EnvProvider::new(env).provide_credentials().await.unwrap();
    assert_eq!(creds, Credentials::new("env-id", "env-secret"));
}

#[tokio::test]
async fn env_provider_reads_security_token() {
    let env = Env::from_map([
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token"),
    ]);
    let creds = EnvProvider::new(env).provide_credentials().await.unwrap();
    assert_eq!(creds.security_token(), Some("env-token"));
    assert_eq!(creds.expiry(), None);
}

#[tokio::test]
async fn env_provider_absent_is_not_found() {
    let env = Env::from_map([("ALIBABA_CLOUD_SECURITY_TOKEN", "orphan-token")]);
    let err = EnvProvider::new(env)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.provider(), "environment");
}

#[tokio::test]
async fn env_provider_partial_names_the_missing_variable() {
    let only_id = Env::from_map([("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")]);
    let err = EnvProvider::new(only_id)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CredentialsError::InvalidConfig {
                provider: "environment",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET is not"),
        "{err}"
    );

    let only_secret = Env::from_map([("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)]);
    let err = EnvProvider::new(only_secret)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("ALIBABA_CLOUD_ACCESS_KEY_ID is not"),
        "{err}"
    );
    assert!(!err.to_string().contains(SECRET));
}

#[test]
fn error_display_names_provider_code_and_request_id() {
    let err = CredentialsError::Service {
        provider: "oidc",
        status: 400,
        code: "InvalidParameter.OIDCToken".into(),
        message: "The OIDC token is expired.".into(),
        request_id: Some("REQ-1".into()),
    };
    assert_eq!(
        err.to_string(),
        "oidc credentials: service error InvalidParameter.OIDCToken (HTTP 400): The OIDC token is expired. (request id: REQ-1)"
    );
    let timeout = CredentialsError::Timeout {
        provider: "ecs ram role",
        after: Duration::from_secs(2),
        what: "metadata service".into(),
    };
    assert_eq!(timeout.provider(), "ecs ram role");
    assert!(!timeout.is_not_found());
}

//! The default chain: order, fall-through on `NotFound` only, and its cache.

mod support;

use std::path::PathBuf;
use std::time::Duration;
use support::credentials::{credentials_of, error_of};

use fc_client::credentials::{
    Credentials, CredentialsChain, CredentialsError, DefaultCredentialsChain, Env, EnvProvider,
    ProvideCredentials,
};
use fc_test_support::server::{Reply, TestServer};
use serde_json::json;

fn fixture_home(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/credentials")
        .join(name)
}

fn env_at(home: &str, vars: &[(&str, &str)]) -> Env {
    Env::from_map(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
        .with_home(fixture_home(home))
}

/// A port nothing listens on, standing in for 100.100.100.200 off ECS.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

fn session(id: &str) -> serde_json::Value {
    json!({"Code": "Success", "AccessKeyId": id, "AccessKeySecret": "s", "SecurityToken": "t",
           "Expiration": "2100-01-01T00:00:00Z"})
}

async fn chain_for(env: Env) -> DefaultCredentialsChain {
    DefaultCredentialsChain::builder(env)
        .ecs_metadata_endpoint(closed_port_url().await)
        .sts_endpoint(closed_port_url().await)
        .build()
}

const ENV_KEYS: [(&str, &str); 2] = [
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
];

#[test]
fn providers_are_asked_in_the_official_order() {
    let chain = DefaultCredentialsChain::builder(Env::from_map([("A", "b")])).build_uncached();
    assert_eq!(
        chain.provider_names().collect::<Vec<_>>(),
        [
            "environment",
            "oidc",
            "cli profile",
            "ini file",
            "ecs ram role",
            "credentials uri"
        ]
    );
}

#[tokio::test]
async fn environment_wins_over_files() {
    let creds = credentials_of(chain_for(env_at("home-both", &ENV_KEYS)).await).await;
    assert_eq!(creds, Credentials::new("env-id", "env-secret"));
}

#[tokio::test]
async fn oidc_wins_over_cli_profile() {
    let sts = TestServer::always(Reply::json(
        200,
        &json!({"Credentials": session("oidc-id")}),
    ))
    .await;
    let token = std::env::temp_dir().join(format!(
        "fc-rs-credentials-chain-token-{}",
        std::process::id()
    ));
    std::fs::write(&token, "jwt").unwrap();
    let env = env_at(
        "home-both",
        &[
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", token.to_str().unwrap()),
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::1:oidc-provider/p",
            ),
        ],
    );
    let chain = DefaultCredentialsChain::builder(env)
        .sts_endpoint(sts.url())
        .build();
    assert_eq!(
        chain.provide_credentials().await.unwrap().access_key_id(),
        "oidc-id"
    );
    std::fs::remove_file(token).unwrap();
}

#[tokio::test]
async fn cli_profile_wins_over_ini_file_when_environment_is_empty() {
    let creds = credentials_of(chain_for(env_at("home-both", &[])).await).await;
    assert_eq!(creds.access_key_id(), "both-cli-id");
}

#[tokio::test]
async fn ini_file_is_used_when_the_cli_has_no_such_profile() {
    let env = env_at("home-both", &[("ALIBABA_CLOUD_PROFILE", "ini-only")]);
    let creds = chain_for(env).await.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "ini-only-id");
}

#[tokio::test]
async fn an_error_other_than_not_found_stops_the_chain() {
    // A half-set environment must be reported, not papered over by the CLI profile.
    let env = env_at("home-both", &[("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")]);
    let err = error_of(chain_for(env).await).await;
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

    // A malformed CLI configuration stops the chain before the (also broken) INI file.
    let err = error_of(chain_for(env_at("home-broken", &[])).await).await;
    assert!(
        matches!(
            err,
            CredentialsError::InvalidConfig {
                provider: "cli profile",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn unsupported_cli_mode_stops_the_chain() {
    let env = env_at("home-cli", &[("ALIBABA_CLOUD_PROFILE", "assume")]);
    let err = error_of(chain_for(env).await).await;
    assert!(err.to_string().contains("RamRoleArn"), "{err}");
}

#[tokio::test]
async fn nothing_found_lists_every_provider() {
    let env = Env::from_map([("A", "b")]).with_home(fixture_home("does-not-exist"));
    let err = error_of(chain_for(env).await).await;
    assert!(err.is_not_found(), "{err}");
    let message = err.to_string();
    let mut last = 0;
    for name in [
        "environment:",
        "oidc:",
        "cli profile:",
        "ini file:",
        "ecs ram role:",
        "credentials uri:",
    ] {
        let at = message
            .find(name)
            .unwrap_or_else(|| panic!("{name} missing from {message}"));
        assert!(at >= last, "{name} out of order in {message}");
        last = at;
    }
}

#[tokio::test]
async fn silent_metadata_service_falls_through_to_the_credentials_uri() {
    let metadata = TestServer::always(Reply::Delay(
        Duration::from_secs(3),
        Box::new(Reply::empty(200)),
    ))
    .await;
    let uri = TestServer::always(Reply::json(200, &session("uri-id"))).await;
    let env = Env::from_map([("ALIBABA_CLOUD_CREDENTIALS_URI", uri.url())])
        .with_home(fixture_home("does-not-exist"));
    let chain = DefaultCredentialsChain::builder(env)
        .ecs_metadata_endpoint(metadata.url())
        .build();
    let started = std::time::Instant::now();
    let creds = chain.provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "uri-id");
    assert_eq!(
        metadata.captured().len(),
        1,
        "one unanswered token request, then give up"
    );
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "gave up on the metadata service after its 1 s timeout"
    );
}

#[tokio::test]
async fn ecs_ram_role_wins_over_credentials_uri() {
    let metadata = TestServer::start(|req, _| match req.method.as_str() {
        "PUT" => Reply::Respond {
            status: 200,
            headers: Vec::new(),
            body: b"tok".to_vec(),
        },
        _ => Reply::json(200, &session("ecs-id")),
    })
    .await;
    let uri = TestServer::always(Reply::json(200, &session("uri-id"))).await;
    let env = Env::from_map([
        ("ALIBABA_CLOUD_CREDENTIALS_URI", uri.url()),
        ("ALIBABA_CLOUD_ECS_METADATA", "role"),
    ])
    .with_home(fixture_home("does-not-exist"));
    let chain = DefaultCredentialsChain::builder(env)
        .ecs_metadata_endpoint(metadata.url())
        .build();
    assert_eq!(
        chain.provide_credentials().await.unwrap().access_key_id(),
        "ecs-id"
    );
    assert!(uri.captured().is_empty());
}

#[tokio::test]
async fn the_default_chain_caches_its_result() {
    let uri = TestServer::always(Reply::json(200, &session("uri-id"))).await;
    let env = Env::from_map([
        ("ALIBABA_CLOUD_CREDENTIALS_URI", uri.url()),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
    ])
    .with_home(fixture_home("does-not-exist"));
    let chain = DefaultCredentialsChain::new(env);
    for _ in 0..3 {
        assert_eq!(
            chain.provide_credentials().await.unwrap().access_key_id(),
            "uri-id"
        );
    }
    assert_eq!(uri.captured().len(), 1);
}

#[tokio::test]
async fn a_custom_chain_falls_through_only_on_not_found() {
    let chain = CredentialsChain::first_try("env", EnvProvider::new(Env::from_map([("A", "b")])))
        .or_else("static", Credentials::new("static-id", "static-secret"));
    assert_eq!(
        chain.provide_credentials().await.unwrap().access_key_id(),
        "static-id"
    );

    let broken = Env::from_map([("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "x")]);
    let chain = CredentialsChain::first_try("env", EnvProvider::new(broken))
        .or_else("static", Credentials::new("static-id", "static-secret"));
    assert!(
        !chain
            .provide_credentials()
            .await
            .unwrap_err()
            .is_not_found()
    );
}

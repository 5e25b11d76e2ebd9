//! The providers that call a service: `OidcProvider` (STS), `EcsRamRoleProvider` (metadata
//! service) and `UriProvider`, each against a local server started by the test.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, UNIX_EPOCH};
use support::credentials::{credentials_of, error_of};

use fc_client::credentials::{
    CredentialsError, EcsRamRoleProvider, Env, OidcProvider, ProvideCredentials, UriProvider,
};
use fc_test_support::server::{Captured, Reply, TestServer};
use serde_json::json;

const EXPIRATION: &str = "2100-01-01T00:00:00Z";
const EXPIRY_SECS: u64 = 4_102_444_800;

fn text(status: u16, body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: Vec::new(),
        body: body.as_bytes().to_vec(),
    }
}

/// Decodes `a=b&c=d` with percent-escapes.
fn form(text: &str) -> BTreeMap<String, String> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect()
}

fn temp_file(tag: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "fc-rs-credentials-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::write(&path, contents).unwrap();
    path
}

/// A port nothing listens on.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

// ---- OIDC / RRSA ---------------------------------------------------------------------------

fn sts_success() -> Reply {
    Reply::json(
        200,
        &json!({
            "RequestId": "3D57EAD2-8723-1F26-B69C-F8707D8B565D",
            "OIDCTokenInfo": {"Subject": "system:serviceaccount:ns:sa", "Issuer": "https://oidc"},
            "AssumedRoleUser": {"Arn": "acs:ram::1:role/fc/s", "AssumedRoleId": "1:s"},
            "Credentials": {
                "AccessKeyId": "STS.oidc-id",
                "AccessKeySecret": "oidc-secret",
                "SecurityToken": "oidc-token",
                "Expiration": EXPIRATION
            }
        }),
    )
}

fn oidc_env(token_file: &std::path::Path, extra: &[(&str, &str)]) -> Env {
    let mut vars = vec![
        (
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE".to_owned(),
            token_file.to_str().unwrap().to_owned(),
        ),
        (
            "ALIBABA_CLOUD_ROLE_ARN".to_owned(),
            "acs:ram::123456789012:role/fc-role".to_owned(),
        ),
        (
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN".to_owned(),
            "acs:ram::123456789012:oidc-provider/ack".to_owned(),
        ),
    ];
    vars.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    Env::from_map(vars)
}

#[tokio::test]
async fn oidc_sends_assume_role_with_oidc_and_reads_credentials() {
    let server = TestServer::always(sts_success()).await;
    let token_file = temp_file("oidc-token", "eyJ.header.payload\n");
    let env = oidc_env(
        &token_file,
        &[("ALIBABA_CLOUD_ROLE_SESSION_NAME", "my-session")],
    );
    let creds = credentials_of(OidcProvider::new(env).with_endpoint(server.url())).await;
    assert_eq!(creds.access_key_id(), "STS.oidc-id");
    assert_eq!(creds.access_key_secret(), "oidc-secret");
    assert_eq!(creds.security_token(), Some("oidc-token"));
    assert_eq!(
        creds.expiry(),
        Some(UNIX_EPOCH + Duration::from_secs(EXPIRY_SECS))
    );

    let sent = &server.captured()[0];
    assert_eq!((sent.method.as_str(), sent.path.as_str()), ("POST", "/"));
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        sent.header("authorization"),
        None,
        "AssumeRoleWithOIDC is anonymous"
    );
    let query = form(sent.query.as_deref().unwrap());
    assert_eq!(query["Action"], "AssumeRoleWithOIDC");
    assert_eq!(query["Format"], "JSON");
    assert_eq!(query["Version"], "2015-04-01");
    assert!(
        fc_client::timestamp::parse_iso8601(&query["Timestamp"]).is_some(),
        "{query:?}"
    );
    let body = form(std::str::from_utf8(&sent.body).unwrap());
    assert_eq!(body["RoleArn"], "acs:ram::123456789012:role/fc-role");
    assert_eq!(
        body["OIDCProviderArn"],
        "acs:ram::123456789012:oidc-provider/ack"
    );
    assert_eq!(
        body["OIDCToken"], "eyJ.header.payload",
        "read from the file, trimmed"
    );
    assert_eq!(body["RoleSessionName"], "my-session");
    assert_eq!(body["DurationSeconds"], "3600");
    std::fs::remove_file(token_file).unwrap();
}

#[tokio::test]
async fn oidc_rereads_the_rotating_token_file_and_sends_options() {
    let server = TestServer::always(sts_success()).await;
    let token_file = temp_file("oidc-rotate", "first-token");
    let provider = OidcProvider::new(oidc_env(&token_file, &[]))
        .with_endpoint(server.url())
        .with_duration_seconds(900)
        .with_policy(r#"{"Version":"1"}"#);
    provider.provide_credentials().await.unwrap();
    std::fs::write(&token_file, "second-token").unwrap();
    provider.provide_credentials().await.unwrap();
    let bodies: Vec<_> = server
        .captured()
        .iter()
        .map(|c| form(std::str::from_utf8(&c.body).unwrap()))
        .collect();
    assert_eq!(bodies[0]["OIDCToken"], "first-token");
    assert_eq!(bodies[1]["OIDCToken"], "second-token");
    assert_eq!(bodies[1]["DurationSeconds"], "900");
    assert_eq!(bodies[1]["Policy"], r#"{"Version":"1"}"#);
    assert!(bodies[1]["RoleSessionName"].starts_with("fc-rs-"));
    std::fs::remove_file(token_file).unwrap();
}

#[tokio::test]
async fn oidc_maps_sts_errors_with_code_and_request_id() {
    let server = TestServer::always(Reply::json(
        400,
        &json!({
            "RequestId": "A1B2C3D4-REQ",
            "HostId": "sts.aliyuncs.com",
            "Code": "AuthenticationFail.OIDCToken.Expired",
            "Message": "The OIDC token has expired."
        }),
    ))
    .await;
    let token_file = temp_file("oidc-error", "secret-oidc-jwt");
    let err =
        error_of(OidcProvider::new(oidc_env(&token_file, &[])).with_endpoint(server.url())).await;
    match &err {
        CredentialsError::Service {
            provider,
            status,
            code,
            message,
            request_id,
        } => {
            assert_eq!((*provider, *status), ("oidc", 400));
            assert_eq!(code, "AuthenticationFail.OIDCToken.Expired");
            assert_eq!(message, "The OIDC token has expired.");
            assert_eq!(request_id.as_deref(), Some("A1B2C3D4-REQ"));
        }
        other => panic!("expected a service error, got {other:?}"),
    }
    assert!(!err.to_string().contains("secret-oidc-jwt"));
    std::fs::remove_file(token_file).unwrap();
}

#[tokio::test]
async fn oidc_non_json_error_and_missing_credentials_are_provider_errors() {
    let server = TestServer::start(|_, index| match index {
        0 => text(502, "<html>bad gateway</html>"),
        _ => Reply::json(200, &json!({"RequestId": "x"})),
    })
    .await;
    let token_file = temp_file("oidc-bad", "jwt");
    let provider = OidcProvider::new(oidc_env(&token_file, &[])).with_endpoint(server.url());
    let err = provider.provide_credentials().await.unwrap_err();
    assert!(
        matches!(err, CredentialsError::Provider { .. }) && err.to_string().contains("HTTP 502"),
        "{err}"
    );
    let err = provider.provide_credentials().await.unwrap_err();
    assert!(err.to_string().contains("no Credentials"), "{err}");
    std::fs::remove_file(token_file).unwrap();
}

#[tokio::test]
async fn oidc_configuration_problems() {
    let err = error_of(OidcProvider::new(Env::from_map([(
        "ALIBABA_CLOUD_ROLE_ARN",
        "acs:ram::1:role/r",
    )])))
    .await;
    assert!(err.is_not_found(), "a role ARN alone is not RRSA: {err}");

    let partial = Env::from_map([("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/var/run/token")]);
    let err = error_of(OidcProvider::new(partial)).await;
    assert!(
        matches!(
            err,
            CredentialsError::InvalidConfig {
                provider: "oidc",
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("ALIBABA_CLOUD_ROLE_ARN")
            && message.contains("ALIBABA_CLOUD_OIDC_PROVIDER_ARN"),
        "{message}"
    );

    let missing = std::env::temp_dir().join("fc-rs-credentials-no-such-token");
    let err =
        error_of(OidcProvider::new(oidc_env(&missing, &[])).with_endpoint("http://127.0.0.1:9"))
            .await;
    assert!(
        matches!(err, CredentialsError::InvalidConfig { .. })
            && err.to_string().contains("does not exist"),
        "{err}"
    );

    let err = error_of(OidcProvider::new(oidc_env(&missing, &[])).with_duration_seconds(60)).await;
    assert!(err.to_string().contains("at least 900"), "{err}");
}

/// An STS endpoint that refuses the connection is a provider failure naming the provider, not a
/// panic; the HTTPS client itself is built (fc-client installs ring as the rustls provider).
#[tokio::test]
async fn oidc_over_https_to_a_closed_port_fails_cleanly() {
    let token_file = temp_file("oidc-https", "jwt");
    let err = error_of(
        OidcProvider::new(oidc_env(&token_file, &[])).with_endpoint("https://127.0.0.1:9"),
    )
    .await;
    assert!(
        matches!(
            err,
            CredentialsError::Provider {
                provider: "oidc",
                ..
            }
        ),
        "{err:?}"
    );
    std::fs::remove_file(token_file).unwrap();
}

#[test]
fn oidc_endpoint_follows_sts_region_and_vpc_variables() {
    let file = std::path::Path::new("/t");
    assert_eq!(
        OidcProvider::new(oidc_env(file, &[])).endpoint(),
        "https://sts.aliyuncs.com"
    );
    let regional = oidc_env(file, &[("ALIBABA_CLOUD_STS_REGION", "cn-shanghai")]);
    assert_eq!(
        OidcProvider::new(regional).endpoint(),
        "https://sts.cn-shanghai.aliyuncs.com"
    );
    let vpc = oidc_env(
        file,
        &[
            ("ALIBABA_CLOUD_STS_REGION", "cn-shanghai"),
            ("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true"),
        ],
    );
    assert_eq!(
        OidcProvider::new(vpc).endpoint(),
        "https://sts-vpc.cn-shanghai.aliyuncs.com"
    );
    let host_only = OidcProvider::new(oidc_env(file, &[])).with_endpoint("sts.example.internal/");
    assert_eq!(host_only.endpoint(), "https://sts.example.internal");
}

// ---- ECS RAM role --------------------------------------------------------------------------

fn ecs_credentials(id: &str) -> Reply {
    Reply::json(
        200,
        &json!({
            "AccessKeyId": id,
            "AccessKeySecret": "ecs-secret",
            "Expiration": EXPIRATION,
            "SecurityToken": "ecs-token",
            "LastUpdated": "2099-12-31T18:00:00Z",
            "Code": "Success"
        }),
    )
}

/// An IMDSv2 metadata service with role `fc-role`; the credential paths demand the token.
fn imds(req: &Captured, _: usize) -> Reply {
    let token_ok = req.header("x-aliyun-ecs-metadata-token") == Some("imds-token-123");
    match (req.method.as_str(), req.path.as_str()) {
        ("PUT", "/latest/api/token") => text(200, "imds-token-123"),
        (_, _) if !token_ok => text(401, "missing token"),
        ("GET", "/latest/meta-data/ram/security-credentials/") => text(200, "fc-role\n"),
        ("GET", "/latest/meta-data/ram/security-credentials/fc-role") => ecs_credentials("ecs-id"),
        _ => Reply::empty(404),
    }
}

#[tokio::test]
async fn ecs_imdsv2_flow_discovers_role_and_sends_token() {
    let server = TestServer::start(imds).await;
    let creds = credentials_of(
        EcsRamRoleProvider::new(Env::from_map(Vec::<(String, String)>::new()))
            .with_endpoint(server.url()),
    )
    .await;
    assert_eq!(creds.access_key_id(), "ecs-id");
    assert_eq!(creds.security_token(), Some("ecs-token"));
    assert_eq!(
        creds.expiry(),
        Some(UNIX_EPOCH + Duration::from_secs(EXPIRY_SECS))
    );

    let calls = server.captured();
    let summary: Vec<_> = calls
        .iter()
        .map(|c| (c.method.as_str(), c.path.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/ram/security-credentials/"),
            ("GET", "/latest/meta-data/ram/security-credentials/fc-role"),
        ]
    );
    assert_eq!(
        calls[0].header("x-aliyun-ecs-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(
        calls[2].header("x-aliyun-ecs-metadata-token"),
        Some("imds-token-123")
    );
}

#[tokio::test]
async fn ecs_role_name_from_environment_skips_discovery() {
    let server = TestServer::start(imds).await;
    let env = Env::from_map([("ALIBABA_CLOUD_ECS_METADATA", "fc-role")]);
    EcsRamRoleProvider::new(env)
        .with_endpoint(server.url())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(server.captured().len(), 2);
}

#[tokio::test]
async fn ecs_disabled_flag_is_not_found_without_any_request() {
    let server = TestServer::start(imds).await;
    let env = Env::from_map([("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")]);
    let err = error_of(EcsRamRoleProvider::new(env).with_endpoint(server.url())).await;
    assert!(
        err.is_not_found()
            && err
                .to_string()
                .contains("ALIBABA_CLOUD_ECS_METADATA_DISABLED"),
        "{err}"
    );
    assert!(server.captured().is_empty());
}

#[tokio::test]
async fn ecs_unreachable_metadata_service_is_not_found() {
    let started = Instant::now();
    let err = error_of(
        EcsRamRoleProvider::new(Env::from_map([("A", "b")])).with_endpoint(closed_port_url().await),
    )
    .await;
    assert!(
        err.is_not_found() && err.to_string().contains("no metadata service"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn ecs_silent_metadata_service_times_out_into_not_found() {
    let server = TestServer::always(Reply::Delay(
        Duration::from_secs(3),
        Box::new(text(200, "late")),
    ))
    .await;
    let started = Instant::now();
    let err =
        error_of(EcsRamRoleProvider::new(Env::from_map([("A", "b")])).with_endpoint(server.url()))
            .await;
    let elapsed = started.elapsed();
    // Given up at the 1 s read timeout, well before the 3 s answer.
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains("no answer within 1s"), "{err}");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_millis(2500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn ecs_timeout_after_the_service_answered_is_an_error() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "PUT" => text(200, "imds-token-123"),
        _ => Reply::Delay(Duration::from_secs(3), Box::new(ecs_credentials("late"))),
    })
    .await;
    let env = Env::from_map([("ALIBABA_CLOUD_ECS_METADATA", "fc-role")]);
    let err = error_of(EcsRamRoleProvider::new(env).with_endpoint(server.url())).await;
    assert!(
        matches!(
            err,
            CredentialsError::Timeout {
                provider: "ecs ram role",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn ecs_falls_back_to_imdsv1_unless_disabled() {
    let v1_only = |req: &Captured, _: usize| match (req.method.as_str(), req.path.as_str()) {
        ("PUT", _) => Reply::empty(403),
        ("GET", "/latest/meta-data/ram/security-credentials/") => text(200, "v1-role"),
        ("GET", "/latest/meta-data/ram/security-credentials/v1-role") => ecs_credentials("v1-id"),
        _ => Reply::empty(404),
    };
    let server = TestServer::start(v1_only).await;
    let creds = credentials_of(
        EcsRamRoleProvider::new(Env::from_map([("A", "b")])).with_endpoint(server.url()),
    )
    .await;
    assert_eq!(creds.access_key_id(), "v1-id");
    assert!(
        server.captured()[1..]
            .iter()
            .all(|c| c.header("x-aliyun-ecs-metadata-token").is_none())
    );

    let strict = Env::from_map([("ALIBABA_CLOUD_IMDSV1_DISABLED", "true")]);
    let err = error_of(EcsRamRoleProvider::new(strict).with_endpoint(server.url())).await;
    assert!(
        matches!(err, CredentialsError::Provider { .. }) && err.to_string().contains("HTTP 403"),
        "{err}"
    );
}

#[tokio::test]
async fn ecs_without_attached_role_is_not_found() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "PUT" => text(200, "imds-token-123"),
        _ => Reply::empty(404),
    })
    .await;
    let err =
        error_of(EcsRamRoleProvider::new(Env::from_map([("A", "b")])).with_endpoint(server.url()))
            .await;
    assert!(
        err.is_not_found() && err.to_string().contains("no RAM role"),
        "{err}"
    );
}

#[tokio::test]
async fn ecs_failure_code_or_bad_expiration_is_an_error_without_secrets() {
    let server = TestServer::start(|req, index| match (req.method.as_str(), index) {
        ("PUT", _) => text(200, "imds-token-123"),
        (_, 1) => Reply::json(
            200,
            &json!({"Code": "Failed", "AccessKeySecret": "leaky-secret"}),
        ),
        _ => Reply::json(
            200,
            &json!({"Code": "Success", "AccessKeyId": "id", "AccessKeySecret": "leaky-secret",
                    "SecurityToken": "leaky-token", "Expiration": "tomorrow"}),
        ),
    })
    .await;
    let provider = EcsRamRoleProvider::new(Env::from_map([("ALIBABA_CLOUD_ECS_METADATA", "r")]))
        .with_endpoint(server.url());
    for expected in ["\"Failed\"", "\"tomorrow\""] {
        let err = provider.provide_credentials().await.unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(err, CredentialsError::Provider { .. }) && message.contains(expected),
            "{message}"
        );
        assert!(!message.contains("leaky"), "{message}");
    }
}

// ---- credentials URI -----------------------------------------------------------------------

#[tokio::test]
async fn uri_provider_gets_credentials() {
    let server = TestServer::always(Reply::json(
        200,
        &json!({"Code": "Success", "AccessKeyId": "uri-id", "AccessKeySecret": "uri-secret",
                "SecurityToken": "uri-token", "Expiration": EXPIRATION}),
    ))
    .await;
    let env = Env::from_map([(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        format!("{}/v1/creds?role=fc", server.url()),
    )]);
    let creds = UriProvider::new(env).provide_credentials().await.unwrap();
    assert_eq!(creds.access_key_id(), "uri-id");
    assert_eq!(creds.security_token(), Some("uri-token"));
    let sent = &server.captured()[0];
    assert_eq!(
        (
            sent.method.as_str(),
            sent.path.as_str(),
            sent.query.as_deref()
        ),
        ("GET", "/v1/creds", Some("role=fc"))
    );
}

#[tokio::test]
async fn uri_provider_errors() {
    let err = error_of(UriProvider::new(Env::from_map([("A", "b")]))).await;
    assert!(
        err.is_not_found() && err.to_string().contains("ALIBABA_CLOUD_CREDENTIALS_URI"),
        "{err}"
    );

    let server = TestServer::start(|_, index| match index {
        0 => Reply::json(500, &json!({"Code": "InternalError"})),
        _ => Reply::json(200, &json!({"Code": "Failure", "Message": "denied"})),
    })
    .await;
    let provider = UriProvider::new(Env::from_map([("A", "b")]))
        .with_uri(format!("{}/c?access_token=hidden", server.url()));
    let err = provider.provide_credentials().await.unwrap_err();
    assert!(
        matches!(err, CredentialsError::Provider { .. }) && err.to_string().contains("HTTP 500"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("hidden"),
        "the query may hold a token: {err}"
    );
    assert!(!format!("{provider:?}").contains("hidden"));
    let err = provider.provide_credentials().await.unwrap_err();
    assert!(err.to_string().contains("\"Failure\""), "{err}");

    // A URI nothing answers: the connection error must not quote the URL with its token.
    let closed = UriProvider::new(Env::from_map([("A", "b")]))
        .with_uri(format!("{}/c?access_token=hidden", closed_port_url().await));
    let err = closed.provide_credentials().await.unwrap_err();
    assert!(err.to_string().contains("cannot connect"), "{err}");
    assert!(
        !err.to_string().contains("hidden") && !format!("{err:?}").contains("hidden"),
        "the query may hold a token: {err:?}"
    );

    let err = error_of(UriProvider::new(Env::from_map([(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        "ftp://x/y",
    )])))
    .await;
    assert!(
        matches!(err, CredentialsError::InvalidConfig { .. }),
        "{err:?}"
    );
}

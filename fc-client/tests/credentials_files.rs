//! `CliProfileProvider` (`~/.aliyun/config.json`) and `IniFileProvider` (`credentials.ini`),
//! against the home directories in `tests/fixtures/credentials/` and temporary files.

mod support;

use std::path::PathBuf;
use support::credentials::{credentials_of, error_of};

use fc_client::credentials::{
    CliProfileProvider, Credentials, CredentialsError, Env, IniFileProvider,
};
use fc_test_support::server::{Reply, TestServer};
use serde_json::json;

fn fixture_home(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/credentials")
        .join(name)
}

/// An environment with only `vars`, whose home is the fixture directory `home`.
fn env_at(home: &str, vars: &[(&str, &str)]) -> Env {
    Env::from_map(vars.iter().copied()).with_home(fixture_home(home))
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let unique = format!(
            "fc-rs-credentials-{tag}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
        );
        let path = std::env::temp_dir().join(unique);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A metadata service that hands out one role's credentials after the IMDSv2 handshake.
async fn metadata_service(role: &'static str) -> TestServer {
    TestServer::start(
        move |req, _| match (req.method.as_str(), req.path.as_str()) {
            ("PUT", "/latest/api/token") => text(200, "imds-token"),
            ("GET", "/latest/meta-data/ram/security-credentials/") => text(200, role),
            ("GET", path)
                if path == format!("/latest/meta-data/ram/security-credentials/{role}") =>
            {
                Reply::json(
                    200,
                    &json!({
                        "Code": "Success",
                        "AccessKeyId": format!("ecs-id-for-{role}"),
                        "AccessKeySecret": "ecs-secret",
                        "SecurityToken": "ecs-token",
                        "Expiration": "2100-01-01T00:00:00Z",
                        "LastUpdated": "2099-12-31T18:00:00Z"
                    }),
                )
            }
            _ => Reply::empty(404),
        },
    )
    .await
}

fn text(status: u16, body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: vec![("content-type".into(), "text/plain".into())],
        body: body.as_bytes().to_vec(),
    }
}

// ---- aliyun CLI profiles -------------------------------------------------------------------

#[tokio::test]
async fn cli_current_profile_in_ak_mode() {
    let creds = credentials_of(CliProfileProvider::new(env_at("home-cli", &[]))).await;
    assert_eq!(creds, Credentials::new("cli-ak-id", "cli-ak-secret"));
}

#[tokio::test]
async fn cli_profile_variable_selects_sts_token_mode() {
    let env = env_at("home-cli", &[("ALIBABA_CLOUD_PROFILE", "sts")]);
    let creds = credentials_of(CliProfileProvider::new(env)).await;
    assert_eq!(
        creds,
        Credentials::new("cli-sts-id", "cli-sts-secret").with_security_token("cli-sts-token")
    );
}

#[tokio::test]
async fn cli_ecs_ram_role_mode_delegates_with_the_profile_role() {
    let server = metadata_service("cli-ecs-role").await;
    let env = env_at("home-cli", &[("ALIBABA_CLOUD_PROFILE", "ecs")]);
    let creds = credentials_of(CliProfileProvider::new(env).with_ecs_endpoint(server.url())).await;
    assert_eq!(creds.access_key_id(), "ecs-id-for-cli-ecs-role");
    assert_eq!(creds.security_token(), Some("ecs-token"));
    let paths: Vec<String> = server.captured().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/latest/api/token",
            "/latest/meta-data/ram/security-credentials/cli-ecs-role"
        ],
        "the profile's role name is used, so the role is not looked up"
    );
}

#[tokio::test]
async fn cli_unsupported_mode_is_named() {
    let env = env_at("home-cli", &[("ALIBABA_CLOUD_PROFILE", "assume")]);
    let err = error_of(CliProfileProvider::new(env)).await;
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
    let message = err.to_string();
    assert!(
        message.contains("\"RamRoleArn\"") && message.contains("not support"),
        "{message}"
    );
    assert!(message.contains("config.json"), "{message}");
    assert!(!message.contains("cli-arn-secret"));
}

#[tokio::test]
async fn cli_profile_missing_a_field_names_it() {
    let env = env_at("home-cli", &[("ALIBABA_CLOUD_PROFILE", "half")]);
    let err = error_of(CliProfileProvider::new(env)).await;
    assert!(
        matches!(err, CredentialsError::InvalidConfig { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("has no access_key_secret"),
        "{err}"
    );
}

#[tokio::test]
async fn cli_unknown_profile_and_missing_file_are_not_found() {
    let env = env_at("home-cli", &[("ALIBABA_CLOUD_PROFILE", "nobody")]);
    let err = error_of(CliProfileProvider::new(env)).await;
    assert!(
        err.is_not_found() && err.to_string().contains("\"nobody\""),
        "{err}"
    );

    let err = error_of(CliProfileProvider::new(env_at("home-ini", &[]))).await;
    assert!(
        err.is_not_found() && err.to_string().contains("does not exist"),
        "{err}"
    );
}

#[tokio::test]
async fn cli_disabled_flag_is_not_found() {
    let env = env_at(
        "home-cli",
        &[("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")],
    );
    let err = error_of(CliProfileProvider::new(env)).await;
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn cli_malformed_file_is_invalid_config_naming_the_file() {
    let err = error_of(CliProfileProvider::new(env_at("home-broken", &[]))).await;
    assert!(
        matches!(err, CredentialsError::InvalidConfig { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("home-broken/.aliyun/config.json"),
        "{err}"
    );
}

#[tokio::test]
async fn cli_oidc_and_credentials_uri_modes_delegate() {
    let sts = TestServer::always(Reply::json(
        200,
        &json!({"RequestId": "r", "Credentials": {
            "AccessKeyId": "sts-id", "AccessKeySecret": "sts-secret",
            "SecurityToken": "sts-token", "Expiration": "2100-01-01T00:00:00Z"}}),
    ))
    .await;
    let uri = TestServer::always(Reply::json(
        200,
        &json!({"Code": "Success", "AccessKeyId": "uri-id", "AccessKeySecret": "uri-secret",
                "SecurityToken": "uri-token", "Expiration": "2100-01-01T00:00:00Z"}),
    ))
    .await;
    let home = TempDir::new("cli-delegation");
    let token_file = home.write("token", "cli-oidc-token\n");
    let config = json!({"current": "oidc", "profiles": [
        {"name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::1:role/r",
         "oidc_provider_arn": "acs:ram::1:oidc-provider/p",
         "oidc_token_file": token_file, "ram_session_name": "cli-session"},
        {"name": "uri", "mode": "CredentialsURI", "credentials_uri": format!("{}/creds", uri.url())}
    ]});
    home.write(".aliyun/config.json", &config.to_string());

    let env = Env::from_map([("HOME", home.0.to_str().unwrap())]);
    let creds =
        credentials_of(CliProfileProvider::new(env.clone()).with_sts_endpoint(sts.url())).await;
    assert_eq!(creds.access_key_id(), "sts-id");
    let body = String::from_utf8(sts.captured()[0].body.clone()).unwrap();
    assert!(body.contains("OIDCToken=cli-oidc-token&"), "{body}");
    assert!(body.contains("RoleSessionName=cli-session"), "{body}");

    let env = Env::from_map([
        ("HOME", home.0.to_str().unwrap()),
        ("ALIBABA_CLOUD_PROFILE", "uri"),
    ]);
    let creds = credentials_of(CliProfileProvider::new(env)).await;
    assert_eq!(creds.access_key_id(), "uri-id");
    assert_eq!(uri.captured()[0].path, "/creds");
}

// ---- credentials.ini -----------------------------------------------------------------------

#[tokio::test]
async fn ini_default_section_access_key() {
    let creds = credentials_of(IniFileProvider::new(env_at("home-ini", &[]))).await;
    assert_eq!(creds, Credentials::new("ini-ak-id", "ini-ak-secret"));
}

#[tokio::test]
async fn ini_profile_variable_selects_ecs_ram_role_section() {
    let server = metadata_service("ini-ecs-role").await;
    let env = env_at("home-ini", &[("ALIBABA_CLOUD_PROFILE", "ecs")]);
    let creds = credentials_of(IniFileProvider::new(env).with_ecs_endpoint(server.url())).await;
    assert_eq!(creds.access_key_id(), "ecs-id-for-ini-ecs-role");
}

#[tokio::test]
async fn ini_oidc_role_arn_section_delegates_to_sts() {
    let sts = TestServer::always(Reply::json(
        200,
        &json!({"Credentials": {"AccessKeyId": "ini-sts-id", "AccessKeySecret": "s",
                "SecurityToken": "t", "Expiration": "2100-01-01T00:00:00Z"}}),
    ))
    .await;
    let dir = TempDir::new("ini-oidc");
    let token = dir.write("token", "ini-jwt");
    let ini = format!(
        "[default]\n\
         type = oidc_role_arn\n\
         role_arn = acs:ram::1:role/r\n\
         oidc_provider_arn = acs:ram::1:oidc-provider/p\n\
         oidc_token_file_path = {}\n\
         role_session_name = ini-session\n",
        token.display()
    );
    dir.write(".alibabacloud/credentials.ini", &ini);
    let env = Env::from_map([("A", "b")]).with_home(&dir.0);
    let creds = credentials_of(IniFileProvider::new(env).with_sts_endpoint(sts.url())).await;
    assert_eq!(creds.access_key_id(), "ini-sts-id");
    let body = String::from_utf8(sts.captured()[0].body.clone()).unwrap();
    assert!(body.contains("OIDCToken=ini-jwt&"), "{body}");
    assert!(body.contains("RoleSessionName=ini-session"), "{body}");
}

#[tokio::test]
async fn ini_unsupported_type_is_named() {
    let env = env_at("home-ini", &[("ALIBABA_CLOUD_PROFILE", "rsa")]);
    let err = error_of(IniFileProvider::new(env)).await;
    assert!(
        matches!(
            err,
            CredentialsError::InvalidConfig {
                provider: "ini file",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("\"rsa_key_pair\""), "{err}");
}

#[tokio::test]
async fn ini_section_without_type_is_invalid() {
    let env = env_at("home-ini", &[("ALIBABA_CLOUD_PROFILE", "untyped")]);
    let err = error_of(IniFileProvider::new(env)).await;
    assert!(
        err.to_string().contains("[untyped]") && err.to_string().contains("has no type"),
        "{err}"
    );
}

#[tokio::test]
async fn ini_missing_section_or_default_file_is_not_found() {
    let env = env_at("home-ini", &[("ALIBABA_CLOUD_PROFILE", "absent")]);
    let err = error_of(IniFileProvider::new(env)).await;
    assert!(
        err.is_not_found() && err.to_string().contains("[absent]"),
        "{err}"
    );

    let err = error_of(IniFileProvider::new(env_at("home-cli", &[]))).await;
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn ini_file_variable_overrides_home_and_must_exist() {
    let dir = TempDir::new("ini-variable");
    let path = dir.write(
        "custom.ini",
        "[work]\ntype=access_key\naccess_key_id=custom-id\naccess_key_secret=custom-secret\n",
    );
    let env = env_at(
        "home-ini",
        &[
            ("ALIBABA_CLOUD_CREDENTIALS_FILE", path.to_str().unwrap()),
            ("ALIBABA_CLOUD_PROFILE", "work"),
        ],
    );
    let creds = credentials_of(IniFileProvider::new(env)).await;
    assert_eq!(creds.access_key_id(), "custom-id");

    let missing = dir.0.join("missing.ini");
    let env = env_at(
        "home-ini",
        &[("ALIBABA_CLOUD_CREDENTIALS_FILE", missing.to_str().unwrap())],
    );
    let err = error_of(IniFileProvider::new(env)).await;
    assert!(
        matches!(err, CredentialsError::InvalidConfig { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("ALIBABA_CLOUD_CREDENTIALS_FILE"),
        "{err}"
    );
}

#[tokio::test]
async fn ini_malformed_file_names_file_and_line_but_not_the_secret() {
    let err = error_of(IniFileProvider::new(env_at("home-broken", &[]))).await;
    let message = err.to_string();
    assert!(
        matches!(err, CredentialsError::InvalidConfig { .. }),
        "{err:?}"
    );
    assert!(
        message.contains("credentials.ini") && message.contains("line 4"),
        "{message}"
    );
    assert!(!message.contains("broken-secret"), "{message}");
}

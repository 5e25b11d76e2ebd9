//! Functions receive temporary credentials (key, secret and security token) in their context,
//! and fc-local accepts requests signed with them only together with that token.

mod client;
mod support;

use client::{code_of, python, start};
use fc_client::Client;
use fc_client::credentials::Credentials;
use serde_json::Value;

const CREDENTIALS_PY: &str = r#"
import json

def handler(event, context):
    c = context.credentials
    return json.dumps({"id": c.access_key_id, "secret": c.access_key_secret, "token": c.security_token})
"#;

#[tokio::test]
async fn a_function_can_call_back_with_its_context_credentials() {
    let (server, client) = start().await;
    python(&client, "creds", 10, CREDENTIALS_PY).await;
    let creds: Value = client
        .invoke("creds")
        .send()
        .await
        .expect("invoke")
        .json()
        .await
        .expect("JSON body");
    let text = |key: &str| creds[key].as_str().expect(key).to_owned();
    let (id, secret, token) = (text("id"), text("secret"), text("token"));
    assert!(id.starts_with("STS."), "temporary key id: {id}");
    assert_ne!(
        id,
        server.access_key_id(),
        "functions never see the server's own key"
    );

    let as_function = |credentials: Credentials| {
        Client::builder()
            .endpoint(server.endpoint())
            .credentials(credentials)
            .build()
            .expect("client")
    };
    let with_token = as_function(Credentials::new(&id, &secret).with_security_token(&token));
    with_token
        .get_function()
        .function_name("creds")
        .send()
        .await
        .expect("the temporary credentials with their token are accepted");

    for (credentials, case) in [
        (Credentials::new(&id, &secret), "no token"),
        (
            Credentials::new(&id, &secret).with_security_token("fclocal-forged"),
            "another token",
        ),
    ] {
        let error: fc_client::Error = as_function(credentials)
            .get_function()
            .function_name("creds")
            .send()
            .await
            .expect_err(case);
        assert_eq!(error.status(), Some(403), "{case}: {error}");
        assert_eq!(code_of(&error), "InvalidSecurityToken", "{case}: {error}");
    }
}

//! Configure a client: from the environment, with keys, with a profile, with an endpoint.

use fc_client::Client;
use fc_client::credentials::{CliProfileProvider, Credentials, Env};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // The usual way: region (ALIBABA_CLOUD_REGION_ID), endpoint (ALIBABA_CLOUD_FC_ENDPOINT, e.g.
    // fc-local's) and credentials from the default chain (environment variables, RRSA, the aliyun
    // CLI profile, ~/.alibabacloud/credentials.ini, the ECS RAM role, a credentials URI).
    let client = Client::from_env()?;

    // Keys given in code, a region, and the endpoint chosen from the region.
    let _with_keys = Client::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new("LTAI...", "..."))
        .build()?;

    // The aliyun CLI's current profile (~/.aliyun/config.json).
    let _with_profile = Client::builder()
        .region("cn-shanghai")
        .credentials(CliProfileProvider::new(Env::from_process()))
        .build()?;

    // Any endpoint: a VPC endpoint, a proxy, fc-local.
    let _with_endpoint = Client::builder()
        .endpoint("http://127.0.0.1:9000")
        .credentials(Credentials::new(
            "LTAIfclocaltestkey",
            "fc-local-test-secret",
        ))
        .build()?;

    let page = client.list_functions().limit(10).send().await?;
    println!("{} functions on the first page", page.functions.len());
    Ok(())
}

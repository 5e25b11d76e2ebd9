//! Per-call cost of fc-client against a raw reqwest call, both to the same local server.
//!
//! ```sh
//! cargo bench -p fc-client --bench per_call
//! ```
//!
//! The server (fc-test-support's scripted test server, on the same thread) answers every request
//! at once with a small `GetFunction` body, so the numbers are the client-side cost of a call:
//! building the request, canonicalising and signing it (fc-client) or not (raw), the HTTP
//! exchange over loopback, and decoding the JSON answer. The server's own work (parsing and
//! recording each request) is in both numbers alike, so it leaves their difference unchanged.
//! The target is a per-call cost close to the raw client's; the ratio is printed at the end.

use std::time::{Duration, Instant};

use fc_client::Client;
use fc_client::credentials::Credentials;
use fc_test_support::server::{Reply, TestServer};

const BODY: &str = r#"{"functionName":"bench","runtime":"python3.10","memorySize":512,"state":"Active","codeSize":412,"handler":"index.handler"}"#;
const WARMUP: usize = 500;
const CALLS: usize = 5_000;

async fn time<F, Fut>(mut call: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..WARMUP {
        call().await;
    }
    let started = Instant::now();
    for _ in 0..CALLS {
        call().await;
    }
    started.elapsed() / CALLS as u32
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = TestServer::always(Reply::Respond {
        status: 200,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-fc-request-id".into(), "bench".into()),
        ],
        body: BODY.as_bytes().to_vec(),
    })
    .await;
    let url = server.url();

    let client = Client::builder()
        .endpoint(url)
        .credentials(Credentials::new("bench-key", "bench-secret"))
        .build()
        .expect("client");
    // Built after the fc-client one, which installs the rustls provider reqwest needs here.
    let raw = reqwest::Client::new();
    let raw_url = format!("{url}/2023-03-30/functions/bench");
    let raw_cost = time(|| {
        let request = raw.get(&raw_url).send();
        async move {
            let response = request.await.expect("raw call");
            let _: serde_json::Value = response.json().await.expect("raw body");
        }
    })
    .await;

    let fc_cost = time(|| {
        let call = client.get_function().function_name("bench").send();
        async move {
            let function = call.await.expect("fc-client call").into_inner();
            assert_eq!(function.function_name.as_deref(), Some("bench"));
        }
    })
    .await;

    println!("per call over loopback, {CALLS} calls each:");
    println!("  raw reqwest GET + JSON decode       {raw_cost:>10.2?}");
    println!("  fc-client get_function (signed)     {fc_cost:>10.2?}");
    println!(
        "  overhead of fc-client               {:>10.2?} ({:.2}x the raw call)",
        fc_cost.saturating_sub(raw_cost),
        fc_cost.as_secs_f64() / raw_cost.as_secs_f64()
    );
}

//! Per-call cost of fc-client against a raw reqwest call, both to the same local server.
//!
//! ```sh
//! cargo bench -p fc-client --bench per_call
//! ```
//!
//! The server answers every request at once with a small `GetFunction` body, so the numbers are
//! the client-side cost of a call: building the request, canonicalising and signing it (fc-client)
//! or not (raw), the HTTP exchange over loopback, and decoding the JSON answer. The target is a
//! per-call cost close to the raw client's; the ratio is printed at the end.

use std::time::{Duration, Instant};

use fc_client::Client;
use fc_client::credentials::Credentials;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const BODY: &str = r#"{"functionName":"bench","runtime":"python3.10","memorySize":512,"state":"Active","codeSize":412,"handler":"index.handler"}"#;
const WARMUP: usize = 500;
const CALLS: usize = 5_000;

/// A keep-alive HTTP/1.1 server answering every request with `BODY`.
async fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-fc-request-id: bench\r\ncontent-length: {}\r\n\r\n{BODY}",
                    BODY.len()
                );
                let mut buffer = vec![0u8; 16 * 1024];
                let mut pending = Vec::new();
                loop {
                    let Ok(n) = stream.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    pending.extend_from_slice(&buffer[..n]);
                    // Requests here have no body: answer once per complete head.
                    while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                        pending.drain(..end + 4);
                        if stream.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    url
}

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
    let url = serve().await;

    let client = Client::builder()
        .endpoint(&url)
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

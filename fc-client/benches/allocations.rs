//! Allocations and time per call on fc-client's hot paths: signing a typical GET, and a whole
//! `GetFunction` (build, sign, send over loopback, decode the 4.7 KB recorded answer).
//!
//! ```sh
//! cargo bench -p fc-client --bench allocations
//! ```
//!
//! Allocation counts are the stable signal on a noisy machine. The counting allocator
//! (`stats_alloc`) sees the whole process; the responder, on a thread of its own, answers from
//! one buffer with one fixed answer and allocates nothing per request, so the counts are the
//! client's. The floors of issue #15 are printed beside each figure: signing at most 1 µs and 10
//! allocations, a `GetFunction` at most 150 allocations.

use std::alloc::System;
use std::time::{Duration, Instant, SystemTime};

use fc_client::Client;
use fc_client::credentials::Credentials;
use fc_client::signing::{Nonce, sign_request};
use fc_test_support::static_responder::StaticResponder;
mod shared;

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations (and reallocations) made so far by the whole process.
fn allocations() -> u64 {
    let stats = GLOBAL.stats();
    (stats.allocations + stats.reallocations) as u64
}

/// The recorded GetFunction answer, compact.
fn get_function_body() -> Vec<u8> {
    serde_json::to_vec(&shared::recorded_function()).expect("body")
}

fn report(label: &str, allocations: f64, time: Duration, floor: &str) {
    println!("  {label:<44} {allocations:>7.1} allocations {time:>10.2?}   floor: {floor}");
}

fn signing() {
    let (credentials, url, target) = shared::signing_case();
    const ROUNDS: u32 = 100_000;
    let mut counted = 0;
    let mut spent = Duration::ZERO;
    for _ in 0..ROUNDS {
        let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
        request.headers_mut().insert(
            "accept",
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        let nonce = Nonce::new();
        let before = allocations();
        let started = Instant::now();
        sign_request(
            &mut request,
            target,
            Some(&credentials),
            SystemTime::now(),
            &nonce,
        )
        .expect("signed");
        spent += started.elapsed();
        counted += allocations() - before;
        std::hint::black_box(&request);
    }
    report(
        "sign_request, GetFunction (GET, no body)",
        counted as f64 / f64::from(ROUNDS),
        spent / ROUNDS,
        "1 µs, 10 allocations",
    );
}

fn decode() {
    let body = get_function_body();
    const ROUNDS: u32 = 20_000;
    let before = allocations();
    let started = Instant::now();
    for _ in 0..ROUNDS {
        let function: fc_client::types::Function =
            serde_json::from_slice(std::hint::black_box(&body)).expect("decode");
        std::hint::black_box(function);
    }
    report(
        "  of which decoding the answer into Function",
        (allocations() - before) as f64 / f64::from(ROUNDS),
        started.elapsed() / ROUNDS,
        "(92 strings, 18 lists: one allocation each)",
    );
}

fn get_function() {
    let body = get_function_body();
    let (url_sender, url) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let responder = StaticResponder::start(0, body).await.expect("responder");
            url_sender
                .send(responder.url().to_owned())
                .expect("send url");
            std::future::pending::<()>().await;
        });
    });
    let url = url.recv().expect("responder url");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let client = Client::builder()
            .endpoint(&url)
            .credentials(Credentials::new("LTAI5tBenchmarkKeyId", "bench-secret"))
            .build()
            .expect("client");
        let call = || async {
            let function = client
                .get_function()
                .function_name("bench")
                .send()
                .await
                .expect("GetFunction")
                .into_inner();
            std::hint::black_box(function);
        };
        for _ in 0..500 {
            call().await;
        }
        const CALLS: u32 = 5_000;
        let before = allocations();
        let started = Instant::now();
        for _ in 0..CALLS {
            call().await;
        }
        let spent = started.elapsed() / CALLS;
        report(
            "GetFunction call, 4.7 KB answer, loopback",
            (allocations() - before) as f64 / f64::from(CALLS),
            spent,
            "150 allocations",
        );
    });
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench`-less arguments; measure anyway,
    // it takes a second.
    println!("fc-client hot paths (allocations per call on the calling thread, time per call):");
    signing();
    get_function();
    decode();
}

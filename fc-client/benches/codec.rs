//! Criterion benches of fc-client's per-call work without the network's noise: signing a
//! request, serializing a full `CreateFunction` body, decoding a 100-function `ListFunctions`
//! answer, and 100,000 items through the paging stream (with its peak memory).
//!
//! ```sh
//! cargo bench -p fc-client --bench codec
//! ```
//!
//! The bodies are the recorded ones (fc-client's wire fixtures, fc-models' response fixtures):
//! every field of the spec filled in.

// `criterion_group!` makes an undocumented public function.
#![allow(missing_docs)]

use std::alloc::System;
use std::time::SystemTime;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use fc_client::Client;
use fc_client::credentials::Credentials;
use fc_client::signing::{Nonce, sign_request};
use fc_client::types::{CreateFunctionInput, ListFunctionsOutput};
use fc_test_support::static_responder::StaticResponder;
use futures::StreamExt;
mod shared;

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes allocated and not yet freed, process-wide.
fn live_bytes() -> usize {
    let stats = GLOBAL.stats();
    stats
        .bytes_allocated
        .saturating_sub(stats.bytes_deallocated)
}

const ITEMS: usize = 100_000;
const PAGE: usize = 100;

fn signing(c: &mut Criterion) {
    let (credentials, url, target) = shared::signing_case();
    c.bench_function("sign_request GetFunction", |b| {
        b.iter_batched_ref(
            || reqwest::Request::new(reqwest::Method::GET, url.clone()),
            |request| {
                sign_request(
                    request,
                    target,
                    Some(&credentials),
                    SystemTime::now(),
                    &Nonce::new(),
                )
                .expect("signed");
            },
            BatchSize::SmallInput,
        )
    });
}

fn create_function_serialization(c: &mut Criterion) {
    let fixture = include_str!("../tests/fixtures/wire/CreateFunction.json");
    let recorded: serde_json::Value = serde_json::from_str(fixture).expect("fixture");
    let input: CreateFunctionInput =
        serde_json::from_value(recorded["body_json"].clone()).expect("CreateFunctionInput");
    c.bench_function("serialize CreateFunctionInput (every field)", |b| {
        b.iter(|| serde_json::to_vec(std::hint::black_box(&input)).expect("serialize"))
    });
}

fn list_functions_decode(c: &mut Criterion) {
    let functions: Vec<serde_json::Value> = (0..100).map(|_| shared::recorded_function()).collect();
    let body = serde_json::to_vec(&serde_json::json!({
        "functions": functions,
        "nextToken": "next",
    }))
    .expect("body");
    c.bench_function("decode ListFunctionsOutput (100 functions)", |b| {
        b.iter(|| {
            let page: ListFunctionsOutput =
                serde_json::from_slice(std::hint::black_box(&body)).expect("decode");
            page
        })
    });
}

/// A page of [`PAGE`] functions of [`ITEMS`] for a `ListFunctions` target, with the token of
/// the next.
fn page_for(target: &str) -> Vec<u8> {
    let start: usize = target
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("nextToken="))
        .and_then(|token| token.parse().ok())
        .unwrap_or(0);
    let end = (start + PAGE).min(ITEMS);
    let functions: Vec<serde_json::Value> = (start..end)
        .map(|i| serde_json::json!({"functionName": format!("f-{i:06}"), "runtime": "python3.10", "memorySize": 512}))
        .collect();
    let mut page = serde_json::json!({ "functions": functions });
    if end < ITEMS {
        page["nextToken"] = end.to_string().into();
    }
    serde_json::to_vec(&page).expect("page")
}

fn paging(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let responder = runtime
        .block_on(StaticResponder::start_with(0, page_for))
        .expect("responder");
    let client = Client::builder()
        .endpoint(responder.url())
        .credentials(Credentials::new("LTAI5tBenchmarkKeyId", "bench-secret"))
        .build()
        .expect("client");
    // Walks the stream; with `sample`, the most bytes live after any item, above the start.
    let client = &client;
    let walk = move |sample: bool| async move {
        let start = live_bytes();
        let mut peak = 0;
        let mut stream = client.list_functions().limit(PAGE as i32).into_stream();
        let mut count = 0;
        while let Some(function) = stream.next().await {
            std::hint::black_box(function.expect("item"));
            count += 1;
            if sample {
                peak = peak.max(live_bytes().saturating_sub(start));
            }
        }
        assert_eq!(count, ITEMS);
        peak
    };
    let peak = runtime.block_on(walk(true));
    println!(
        "paging stream: {ITEMS} items in pages of {PAGE}: peak memory {:.1} KiB above the start \
         (sampled after every item)",
        peak as f64 / 1024.0
    );
    let mut group = c.benchmark_group("paging");
    group.sample_size(10);
    group.bench_function("100,000 items through into_stream", |b| {
        b.iter(|| runtime.block_on(walk(false)))
    });
    group.finish();
}

criterion_group!(
    benches,
    signing,
    create_function_serialization,
    list_functions_decode,
    paging
);
criterion_main!(benches);

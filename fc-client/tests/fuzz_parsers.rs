//! Bounded fuzzing of what fc-client parses from the network: the ZIP reader from arbitrary
//! and mutated archives, and the error parser from arbitrary statuses, headers and bodies.
//! Nothing may panic; every failure is a typed error. Deterministic (fixed seeds).

use fc_client::code::{ZipArchive, ZipEntry, zip_entries};
use fc_client::{Client, RetryPolicy};
use fc_test_support::rng::Rng;
use fc_test_support::server::{Reply, TestServer};

fn sample_archives() -> Vec<Vec<u8>> {
    let text = b"def handler(event, context):\n    return 'ok'\n".repeat(20);
    vec![
        zip_entries(vec![ZipEntry::file("index.py", text.clone(), 0o644)]).unwrap(),
        zip_entries(vec![
            ZipEntry::directory("lib", 0o755),
            ZipEntry::file("lib/a.txt", vec![b'a'; 3000], 0o644),
            ZipEntry::file("bootstrap", b"#!/bin/sh\n".to_vec(), 0o755),
            ZipEntry::symlink("link", "lib/a.txt"),
        ])
        .unwrap(),
        zip_entries(Vec::new()).unwrap(),
    ]
}

#[test]
fn the_zip_reader_never_panics_on_mutated_or_random_bytes() {
    let samples = sample_archives();
    let mut rng = Rng::new(0x5a17);
    let (mut refused, mut read) = (0, 0);
    for _ in 0..20_000 {
        let bytes = if rng.chance(1, 10) {
            let len = rng.below(512);
            let mut random = rng.bytes(len);
            if rng.chance(1, 2) {
                random.extend_from_slice(b"PK\x05\x06");
                random.extend(rng.bytes(18));
            }
            random
        } else {
            let sample = rng.pick(&samples).clone();
            rng.mutate(&sample)
        };
        let inspected = ZipArchive::inspect(&bytes, 1 << 20);
        match ZipArchive::read(&bytes, 1 << 20) {
            Ok(archive) => {
                read += 1;
                let summary = inspected.expect("what reads also inspects");
                let total: usize = archive.entries().iter().map(|e| e.data.len()).sum();
                assert!(
                    total as u64 <= summary.declared_bytes,
                    "no more than declared is inflated"
                );
            }
            Err(error) => {
                refused += 1;
                assert!(!error.to_string().is_empty());
            }
        }
    }
    assert!(
        refused > 1_000 && read > 100,
        "both outcomes occur ({read} read, {refused} refused)"
    );
    println!("zip fuzz: 20000 archives, {read} read, {refused} refused, 0 panics");
}

/// A random answer: a status, a few headers, and a body that is JSON-ish, a mutated error body
/// or random bytes.
fn random_reply(rng: &mut Rng) -> Reply {
    let status = *rng.pick(&[
        200, 200, 204, 301, 400, 403, 404, 409, 412, 429, 500, 502, 503, 599,
    ]);
    let bodies: [&[u8]; 5] = [
        br#"{"Code":"FunctionNotFound","Message":"gone","RequestId":"r-1"}"#,
        br#"{"ErrorCode":"ServiceNotFound","ErrorMessage":"no"}"#,
        br#"{"functionName":"f","memorySize":128,"state":"Active"}"#,
        br#"{"functions":[{"functionName":1}],"nextToken":7}"#,
        b"<html>bad gateway</html>",
    ];
    let body = match rng.below(3) {
        0 => rng.pick(&bodies).to_vec(),
        1 => {
            let sample = *rng.pick(&bodies);
            rng.mutate(sample)
        }
        _ => {
            let len = rng.below(200);
            rng.bytes(len)
        }
    };
    let mut reply = Reply::Respond {
        status,
        headers: Vec::new(),
        body,
    };
    if rng.chance(1, 2) {
        let content_type = *rng.pick(&["application/json", "text/html", "application/xml", "x/y"]);
        reply = reply.with_header("content-type", content_type);
    }
    if rng.chance(1, 2) {
        reply = reply.with_header("x-fc-request-id", "fuzz-request");
    }
    if rng.chance(1, 4) {
        let hint = *rng.pick(&["0", "-1", "soon", "99999999999"]);
        reply = reply.with_header("retry-after", hint);
    }
    reply
}

#[tokio::test]
async fn the_client_never_panics_on_arbitrary_answers() {
    let server = TestServer::start(|_, index| {
        let mut rng = Rng::new(0xe770 + index as u64);
        random_reply(&mut rng)
    })
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .unsigned()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let (mut ok, mut failed) = (0, 0);
    for round in 0..600 {
        let outcome = match round % 3 {
            0 => client
                .get_function()
                .function_name("f")
                .send()
                .await
                .map(|_| ()),
            1 => client.list_functions().send().await.map(|_| ()),
            _ => client
                .delete_function()
                .function_name("f")
                .send()
                .await
                .map(|_| ()),
        };
        match outcome {
            Ok(()) => ok += 1,
            Err(error) => {
                failed += 1;
                let line = error.to_string();
                assert!(
                    !line.is_empty() && !line.contains('\n'),
                    "one line: {line:?}"
                );
            }
        }
    }
    assert!(
        ok > 0 && failed > 0,
        "{ok} answers decoded, {failed} refused"
    );
    println!("answer fuzz: 600 answers, {ok} decoded, {failed} typed errors, 0 panics");
}

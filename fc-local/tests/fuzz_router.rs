//! Bounded fuzzing of fc-local's router over a real socket: arbitrary methods, paths (the API's
//! own, with random segments, and random ones), queries, headers and bodies. Every request gets
//! a well-formed answer with a request id, every error an FC-shaped JSON body; a panic in a
//! handler would drop the connection and fail the test. Deterministic (a fixed seed).

use fc_local::FcLocal;
use fc_test_support::raw_client::send_raw;
use fc_test_support::rng::Rng;

const METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "GET", "POST",
];

fn segment(rng: &mut Rng) -> String {
    let pieces = [
        "f",
        "fn-1",
        "LATEST",
        "1",
        "prod",
        "%2F",
        "%00",
        "..",
        "a%20b",
        "%E9",
        "$",
        ":",
        "~",
        "x".repeat(200).leak(),
        "%ZZ",
        "svc$fn",
        "acs:fc:cn-hangzhou:1:layers/l/versions/1",
    ];
    (0..1 + rng.below(2))
        .map(|_| *rng.pick(&pieces))
        .collect::<Vec<_>>()
        .join("")
}

/// A path of the API with its parameters replaced, or a random one.
fn path(rng: &mut Rng, templates: &[&str]) -> String {
    if rng.chance(1, 8) {
        let len = rng.below(4);
        return format!(
            "/{}",
            (0..len).map(|_| segment(rng)).collect::<Vec<_>>().join("/")
        );
    }
    let template = *rng.pick(templates);
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str(&segment(rng));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `text` with what may not stand in a request target percent-encoded (hyper refuses those
/// itself, before any of fc-local runs: not what this suite is about); `%` is kept as it is.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~%,:$".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn query(rng: &mut Rng) -> String {
    let keys = [
        "limit",
        "nextToken",
        "prefix",
        "qualifier",
        "tags",
        "instanceIds.1",
        "x",
        "limit",
    ];
    let values = [
        "",
        "0",
        "-1",
        "101",
        "99999999999999999999",
        "a b",
        "%",
        "%41",
        "[1,2]",
        "{\"k\":1}",
    ];
    (0..rng.below(4))
        .map(|_| {
            let (key, value) = (rng.pick(&keys).to_string(), rng.pick(&values).to_string());
            format!("{key}={}", encoded(&value))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn body(rng: &mut Rng) -> Vec<u8> {
    let samples: [&[u8]; 6] = [
        br#"{"functionName":"f","runtime":"python3.10","handler":"index.handler","code":{"zipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}"#,
        br#"{"description":"d","memorySize":128,"timeout":3,"environmentVariables":{"A":"1"}}"#,
        br#"{"aliasName":"a","versionId":"1","additionalVersionWeight":{"2":0.5}}"#,
        br#"{"triggerName":"t","triggerType":"http","triggerConfig":"{\"methods\":[\"GET\"]}"}"#,
        br#"{"cpu":1e400,"diskSize":-1}"#,
        b"not json at all",
    ];
    match rng.below(4) {
        0 => Vec::new(),
        1 => rng.pick(&samples).to_vec(),
        2 => {
            let sample = *rng.pick(&samples);
            rng.mutate(sample)
        }
        _ => {
            let len = rng.below(300);
            rng.bytes(len)
        }
    }
}

fn headers(rng: &mut Rng) -> Vec<(&'static str, String)> {
    let names = [
        "x-fc-invocation-type",
        "x-fc-log-type",
        "x-fc-async-task-id",
        "content-type",
        "x-acs-version",
        "if-match",
        "x-fc-qualifier",
        "origin",
        "accept",
    ];
    let values = [
        "Sync",
        "Async",
        "Tail",
        "None",
        "application/json",
        "*",
        "",
        "9bad",
        "http://localhost",
    ];
    (0..rng.below(4))
        .map(|_| (*rng.pick(&names), rng.pick(&values).to_string()))
        .collect()
}

#[tokio::test]
async fn every_arbitrary_request_gets_a_well_formed_fc_answer() {
    let server = FcLocal::new().auth(false).start().await.expect("start");
    let addr = server.addr();
    let templates: Vec<&str> = fc_models::API
        .operations
        .iter()
        .chain(fc_models::fc2::API.operations)
        .map(|op| op.path)
        .chain([
            "/__http/f/t/",
            "/__console/api/overview",
            "/2021-04-06/proxy/s/f/",
        ])
        .collect();
    let mut rng = Rng::new(0xf022);
    let mut statuses = std::collections::BTreeMap::new();
    for case in 0..1_500 {
        let method = *rng.pick(&METHODS);
        let path = path(&mut rng, &templates);
        let query = query(&mut rng);
        let body = body(&mut rng);
        let mut head = format!(
            "{method} {path}{}{query} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
            if query.is_empty() { "" } else { "?" },
            body.len()
        );
        for (name, value) in headers(&mut rng) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&body);
        let reply = send_raw(addr, &bytes).await;
        let context = || format!("case {case}: {method} {path}?{query}");
        *statuses.entry(reply.status).or_insert(0) += 1;
        assert!(
            reply.header("x-fc-request-id").is_some(),
            "{}: no request id",
            context()
        );
        assert!(
            reply.status < 500 || reply.status == 501 || reply.status == 503,
            "{}: {} {:?}",
            context(),
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        if reply.status >= 400 && method != "HEAD" {
            let json = reply.json();
            let code = json.get("Code").or_else(|| json.get("ErrorCode"));
            assert!(
                code.and_then(|c| c.as_str()).is_some(),
                "{}: not FC-shaped: {json}",
                context()
            );
        }
    }
    assert!(
        statuses.keys().any(|s| *s < 300),
        "some requests succeed: {statuses:?}"
    );
    assert!(statuses.len() > 4, "varied answers: {statuses:?}");
    println!("router fuzz: 1500 requests, answers by status {statuses:?}");
}

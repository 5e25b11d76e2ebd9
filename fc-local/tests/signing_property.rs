//! The signing round trip as a property, over random requests: what fc-client's signer signs,
//! fc-local's verifier accepts, and any one change to the method, the path, the query, a signed
//! header or the body is refused. Deterministic (a fixed seed), 400 requests.

use std::time::SystemTime;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use fc_client::signing::{self, CanonicalRequest};
use fc_local::auth::{SignedRequest, SigningKey, verify};
use fc_test_support::rng::Rng;

const KEY: SigningKey<'static> = SigningKey {
    access_key_id: "LTAIproperty",
    access_key_secret: "property-secret",
    security_token: None,
};
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn word(rng: &mut Rng, specials: &[&str]) -> String {
    (0..1 + rng.below(8))
        .map(|_| {
            if rng.chance(1, 6) {
                rng.pick(specials).to_string()
            } else {
                char::from(*rng.pick(ALPHABET)).to_string()
            }
        })
        .collect()
}

/// A request as it goes on the wire: method, canonical path and query, headers, body.
#[derive(Clone, Debug)]
struct Wire {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn signed(rng: &mut Rng) -> Wire {
    let method = rng.pick(&METHODS).to_string();
    let segments: Vec<String> = (0..1 + rng.below(4))
        .map(|_| word(rng, &[" ", ":", "$", "%", "~", "é", "+"]))
        .collect();
    let path = format!("/2023-03-30/{}", segments.join("/"));
    let mut keys: Vec<String> = (0..rng.below(4))
        .map(|_| word(rng, &["-", "_", "."]))
        .collect();
    keys.sort();
    keys.dedup();
    let query: Vec<(String, String)> = keys
        .into_iter()
        .map(|key| (key, word(rng, &[" ", "&", "=", "+", "/", "ü"])))
        .collect();
    let body = if method == "GET" || rng.chance(1, 4) {
        Vec::new()
    } else {
        let len = 1 + rng.below(300);
        rng.bytes(len)
    };
    let hash = signing::hash_payload(&body);
    let mut headers = vec![
        ("host".to_owned(), "127.0.0.1:9000".to_owned()),
        ("x-acs-action".to_owned(), "GetFunction".to_owned()),
        ("x-acs-version".to_owned(), "2023-03-30".to_owned()),
        (
            "x-acs-date".to_owned(),
            fc_client::timestamp::format_iso8601(SystemTime::now()),
        ),
        (
            "x-acs-signature-nonce".to_owned(),
            rng.next_u64().to_string(),
        ),
        ("x-acs-content-sha256".to_owned(), hash.clone()),
        ("content-type".to_owned(), "application/json".to_owned()),
    ];
    for name in ["x-fc-invocation-type", "x-fc-log-type", "x-fc-trace-id"] {
        if rng.chance(1, 2) {
            headers.push((
                name.to_owned(),
                word(rng, &[" ", "-"]).trim().to_owned() + "v",
            ));
        }
    }
    let canonical = CanonicalRequest::new(
        &method,
        &path,
        query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &hash,
    );
    let authorization = canonical.authorization(KEY.access_key_id, KEY.access_key_secret);
    headers.push(("authorization".to_owned(), authorization));
    Wire {
        method: method.clone(),
        path: canonical.path().to_owned(),
        query: canonical.query(),
        headers,
        body,
    }
}

fn check(wire: &Wire) -> Result<(), String> {
    let mut headers = HeaderMap::new();
    for (name, value) in &wire.headers {
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?,
            HeaderValue::from_str(value).map_err(|e| e.to_string())?,
        );
    }
    let request = SignedRequest {
        method: &wire.method,
        path: &wire.path,
        query: (!wire.query.is_empty()).then_some(wire.query.as_str()),
        headers: &headers,
        body: &wire.body,
    };
    verify(&[KEY], request, SystemTime::now()).map_err(|e| e.message)
}

/// `text` with one letter or digit (not inside a `%XX` escape) replaced by another.
fn one_char_changed(rng: &mut Rng, text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let candidates: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_alphanumeric())
        .filter(|&i| !bytes[i.saturating_sub(2)..i].contains(&b'%'))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let at = *rng.pick(&candidates);
    let mut changed = bytes.to_vec();
    changed[at] = loop {
        let other = *rng.pick(ALPHABET);
        if !other.eq_ignore_ascii_case(&bytes[at]) {
            break other;
        }
    };
    String::from_utf8(changed).ok()
}

#[test]
fn what_the_client_signs_the_server_accepts_and_any_change_is_refused() {
    let mut rng = Rng::new(0x51_6e);
    let mut refused = 0;
    for case in 0..400 {
        let wire = signed(&mut rng);
        check(&wire)
            .unwrap_or_else(|e| panic!("case {case}: a signed request was refused: {e}\n{wire:?}"));

        let mut variants: Vec<(&str, Wire)> = Vec::new();
        let mut method = wire.clone();
        method.method = loop {
            let other = rng.pick(&METHODS).to_string();
            if other != wire.method {
                break other;
            }
        };
        variants.push(("method", method));
        if let Some(path) = one_char_changed(&mut rng, &wire.path[12..]) {
            let mut changed = wire.clone();
            changed.path = format!("/2023-03-30/{path}");
            variants.push(("path", changed));
        }
        if let Some(query) = one_char_changed(&mut rng, &wire.query) {
            let mut changed = wire.clone();
            changed.query = query;
            variants.push(("query", changed));
        }
        let signed_header = rng.below(wire.headers.len() - 1);
        if let Some(value) = one_char_changed(&mut rng, &wire.headers[signed_header].1) {
            let mut changed = wire.clone();
            changed.headers[signed_header].1 = value;
            variants.push(("signed header", changed));
        }
        if !wire.body.is_empty() {
            let mut changed = wire.clone();
            let at = rng.below(changed.body.len());
            changed.body[at] ^= 1 << rng.below(8);
            variants.push(("body", changed));
        }
        for (what, variant) in variants {
            assert!(
                check(&variant).is_err(),
                "case {case}: a request with its {what} changed was accepted\n{variant:?}"
            );
            refused += 1;
        }
    }
    assert!(refused > 1_200, "{refused} changed requests refused");
    println!(
        "signing property: 400 signed requests accepted, {refused} one-change variants refused"
    );
}

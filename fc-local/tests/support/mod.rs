//! Test helpers: fc-test-support's raw client, aimed at an fc-local instance and signing with
//! `fc_client::signing`, so the tests control every byte that goes on the wire and the emulator's
//! verifier is checked against the SDK's signer.

#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use fc_client::signing::{self, CanonicalRequest};
use fc_client::timestamp::format_iso8601;
use fc_local::FcLocalHandle;
use fc_test_support::raw_client::{Prepared, RawClient, Signing};

/// The raw client, under the name these tests have always used.
pub type Api = RawClient;

/// A signing client for `handle`, with its address and keys.
pub fn client_for(handle: &FcLocalHandle) -> Api {
    RawClient::new(
        handle.addr(),
        handle.access_key_id(),
        handle.access_key_secret(),
        acs3,
    )
}

/// The raw client's [`Signer`](fc_test_support::raw_client::Signer): ACS3 as fc-client does it,
/// every header signed.
fn acs3(request: &mut Prepared, signing: &Signing<'_>) {
    sign_only(request, signing, |_| true);
}

/// ACS3 signing that covers only the headers `covered` keeps (`x-acs-date` and
/// `x-acs-content-sha256` are added first): for requests a partial signer would send.
pub fn sign_only(request: &mut Prepared, signing: &Signing<'_>, covered: fn(&str) -> bool) {
    let hash = signing::hash_payload(&request.body);
    request
        .headers
        .push(("x-acs-date".to_owned(), format_iso8601(signing.when)));
    request
        .headers
        .push(("x-acs-content-sha256".to_owned(), hash.clone()));
    let canonical = CanonicalRequest::new(
        &request.method,
        &request.path,
        signing.query.iter().copied(),
        request
            .headers
            .iter()
            .filter(|(name, _)| covered(name))
            .map(|(k, v)| (k.as_str(), v.as_str())),
        &hash,
    );
    let authorization = signing
        .key
        .map(|(key_id, secret)| canonical.authorization(key_id, secret));
    let (path, query) = (canonical.path().to_owned(), canonical.query());
    request.path = path;
    request.query = query;
    if let Some(authorization) = authorization {
        request
            .headers
            .push(("authorization".to_owned(), authorization));
    }
}

/// A fresh, empty directory under the system temp dir.
pub fn temp_dir(label: &str) -> std::path::PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("fc-local-{label}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Starts an in-memory instance with default settings.
pub async fn start() -> (FcLocalHandle, Api) {
    let handle = fc_local::FcLocal::new()
        .start()
        .await
        .expect("start fc-local");
    let api = client_for(&handle);
    (handle, api)
}

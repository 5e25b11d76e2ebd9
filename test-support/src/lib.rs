//! Test peers shared by the tests of the fc-rs crates. Dev-only: never published, never a
//! normal dependency of a crate of ours.
//!
//! * [`server`]: a scripted HTTP/1.1 server on 127.0.0.1 that records each request and answers
//!   as the test says (fc-client's integration tests);
//! * [`raw_client`]: an HTTP/1.1 client over a plain socket that puts exactly the bytes a test
//!   wants on the wire, signed or not (fc-local's integration tests);
//! * [`json`]: [`same_json`](json::same_json), JSON equality where `3` and `3.0` are the same
//!   number (fc-client's wire suite and fc-models' round-trip suite);
//! * [`spec_values`]: values built from a spec alone (every field filled in), for operations
//!   with no official recording (fc-client's request suites, fc-models' response suite);
//! * [`rng`]: a deterministic random source for the property and fuzz suites;
//! * [`static_responder`]: the server of the benchmarks, one fixed answer to every request
//!   (also the `static-responder` binary);
//! * [`per_api!`]: one test per API version (`fc3::`, `fc2::`) from one `fn(&Suite)` (the
//!   conformance suites of fc-client and fc-models).
//!
//! # Why this crate depends on no crate of ours
//!
//! fc-models depends on no crate of ours, and its tests use [`json`]; were this crate to depend
//! on fc-client (for its ACS3 signing), fc-models' tests would build fc-client. It would also
//! make fc-client dev-depend on a crate that depends on fc-client. So the only dependencies are
//! tokio and serde_json, and the raw client does not sign by itself: it takes a
//! [`Signer`](raw_client::Signer), a plain function that the tests supply. fc-local's tests pass
//! one built on `fc_client::signing`, so the emulator's verifier is checked against the SDK's
//! signer, not against a second implementation kept here.

pub mod json;
pub mod raw_client;
pub mod rng;
pub mod server;
pub mod spec_values;
pub mod static_responder;

/// Runs each listed `fn(&Suite)` as one test per API version: `fc3::<name>` with the suite
/// `$fc3`, `fc2::<name>` with `$fc2` (write `async` before the list for `#[tokio::test]`s).
///
/// ```ignore
/// fc_test_support::per_api!(crate::FC3, crate::FC2; every_request_matches, every_field_is_known);
/// ```
#[macro_export]
macro_rules! per_api {
    ($fc3:path, $fc2:path; async $($test:ident),* $(,)?) => {
        $crate::per_api!(@async fc3, $fc3; $($test),*);
        $crate::per_api!(@async fc2, $fc2; $($test),*);
    };
    ($fc3:path, $fc2:path; $($test:ident),* $(,)?) => {
        $crate::per_api!(@sync fc3, $fc3; $($test),*);
        $crate::per_api!(@sync fc2, $fc2; $($test),*);
    };
    (@async $module:ident, $suite:path; $($test:ident),*) => {
        mod $module {
            $(#[tokio::test]
            async fn $test() {
                super::$test(&$suite).await
            })*
        }
    };
    (@sync $module:ident, $suite:path; $($test:ident),*) => {
        mod $module {
            $(#[test]
            fn $test() {
                super::$test(&$suite)
            })*
        }
    };
}

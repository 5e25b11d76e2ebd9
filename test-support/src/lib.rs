//! Test peers shared by the tests of the fc-rs crates. Dev-only: never published, never a
//! normal dependency of a crate of ours.
//!
//! * [`server`]: a scripted HTTP/1.1 server on 127.0.0.1 that records each request and answers
//!   as the test says (fc-client's integration tests and its `per_call` bench);
//! * [`raw_client`]: an HTTP/1.1 client over a plain socket that puts exactly the bytes a test
//!   wants on the wire, signed or not (fc-local's integration tests);
//! * [`json`]: [`same_json`](json::same_json), JSON equality where `3` and `3.0` are the same
//!   number (fc-client's wire suite and fc-models' round-trip suite).
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
pub mod server;

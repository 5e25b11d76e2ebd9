//! ACS3-HMAC-SHA256 request signing (Alibaba Cloud "V3" signatures); the classic FC scheme of the
//! FC 2.0 SDKs and HTTP triggers is in [`classic`].
//!
//! This module is pure computation: it performs no I/O and never reads the
//! clock. Timestamps (`x-acs-date`) and nonces (`x-acs-signature-nonce`) are
//! ordinary header values supplied by the caller, so the very same code is
//! used on both sides of the wire:
//!
//! * **Client** (signing an outgoing `reqwest::Request`): [`sign_request`] does it all, in
//!   place, as fc-client's own clients do. By hand: build the path from segments
//!   with [`percent_encode`], hash the body with [`hash_payload`], choose the
//!   headers with [`headers_to_sign`], then build a [`CanonicalRequest`] and
//!   call [`CanonicalRequest::authorization`]. Send exactly the path that was
//!   signed, and preferably [`canonical_query`] as the query string.
//! * **Emulator** (verifying an incoming request): split the `Authorization`
//!   header with [`parse_authorization`], decode the raw query with
//!   [`decode_query`], pick the headers named by the client with
//!   [`select_signed_headers`], rebuild the [`CanonicalRequest`], then compare
//!   with [`signatures_match`].
//!
//! The layout of the canonical request is:
//!
//! ```text
//! METHOD\n
//! canonical path\n
//! canonical query\n
//! name1:value1\n ... nameN:valueN\n   (lowercase names, sorted, trimmed values)
//! \n
//! name1;...;nameN\n
//! hex sha256 of the body
//! ```
//!
//! The string to sign is `ACS3-HMAC-SHA256\n` followed by the hex SHA-256 of
//! that text, and the signature is the hex HMAC-SHA256 of the string to sign
//! keyed with the access key secret.
//!
//! # Example
//!
//! ```
//! use fc_client::signing::{self, CanonicalRequest};
//!
//! let body = b"";
//! let payload = signing::hash_payload(body);
//! let headers = [
//!     ("Host", "fcv3.cn-hangzhou.aliyuncs.com"),
//!     ("x-acs-action", "ListFunctions"),
//!     ("x-acs-version", "2023-03-30"),
//!     ("x-acs-date", "2024-05-20T08:15:30Z"),
//!     ("x-acs-signature-nonce", "nonce-0001"),
//!     ("x-acs-content-sha256", payload.as_str()),
//!     ("accept", "application/json"), // not picked by headers_to_sign
//! ];
//! let request = CanonicalRequest::new(
//!     "GET",
//!     "/2023-03-30/functions",
//!     [("limit", "10")],
//!     signing::headers_to_sign(headers),
//!     &payload,
//! );
//! let auth = request.authorization("my-key-id", "my-secret");
//! assert!(auth.starts_with("ACS3-HMAC-SHA256 Credential=my-key-id,SignedHeaders=host;x-acs-"));
//! ```

mod canonical;
pub mod classic;
mod hex;
mod request;
mod verify;

pub use canonical::*;
pub use request::*;
pub use verify::*;

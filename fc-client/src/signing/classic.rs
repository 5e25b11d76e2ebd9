//! The classic FC signature, `Authorization: FC <access key id>:<signature>`: what the FC 2.0
//! SDKs (`aliyun-fc2`, `@alicloud/fc2`, fc-go-sdk) send, and what calls to HTTP triggers with
//! `authType: function` may carry.
//!
//! The string to sign is
//!
//! ```text
//! METHOD\n
//! Content-MD5\n          (as sent, often empty)
//! Content-Type\n
//! Date\n                 (RFC 1123, GMT)
//! x-fc-name:value\n ...  (every x-fc-* header, lowercased, sorted)
//! /decoded/path          (then, for HTTP trigger paths, \n and the query pairs k=v, sorted,
//!                          joined with \n; a key without value is just k)
//! ```
//!
//! and the signature is the base64 of its HMAC-SHA256 keyed with the access key secret.
//!
//! ```
//! use fc_client::signing::classic;
//!
//! let text = classic::string_to_sign(
//!     "GET", "", "", "Mon, 20 May 2024 08:15:30 GMT",
//!     [("X-Fc-Trace", "1")],
//!     "/proxy/a b",
//!     Some(&[("b".to_owned(), "2".to_owned()), ("a".to_owned(), String::new())]),
//! );
//! assert_eq!(text, "GET\n\n\nMon, 20 May 2024 08:15:30 GMT\nx-fc-trace:1\n/proxy/a b\na\nb=2");
//! let header = classic::authorization("AK", &classic::signature("secret", &text));
//! assert!(header.starts_with("FC AK:"));
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The scheme word of the `Authorization` header.
pub const SCHEME: &str = "FC";

/// The string to sign; `queries` (decoded pairs) are appended when given.
pub fn string_to_sign<'a>(
    method: &str,
    content_md5: &str,
    content_type: &str,
    date: &str,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    decoded_path: &str,
    queries: Option<&[(String, String)]>,
) -> String {
    let mut fc_headers: Vec<(String, &str)> = headers
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .filter(|(name, _)| name.starts_with("x-fc-"))
        .collect();
    fc_headers.sort();
    let mut text = format!("{method}\n{content_md5}\n{content_type}\n{date}\n");
    for (name, value) in fc_headers {
        text.push_str(&name);
        text.push(':');
        text.push_str(value.trim());
        text.push('\n');
    }
    text.push_str(decoded_path);
    if let Some(queries) = queries {
        let mut pairs: Vec<String> = queries
            .iter()
            .map(|(key, value)| {
                if value.is_empty() {
                    key.clone()
                } else {
                    format!("{key}={value}")
                }
            })
            .collect();
        pairs.sort();
        for pair in pairs {
            text.push('\n');
            text.push_str(&pair);
        }
    }
    text
}

/// Base64 HMAC-SHA256 of `string_to_sign`, keyed with the access key secret.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// `FC <access key id>:<signature>`.
pub fn authorization(access_key_id: &str, signature: &str) -> String {
    format!("{SCHEME} {access_key_id}:{signature}")
}

/// The access key id and signature of an `FC <id>:<signature>` header.
///
/// ```
/// use fc_client::signing::classic::parse_authorization;
/// assert_eq!(parse_authorization("FC AK:c2ln"), Some(("AK", "c2ln")));
/// assert_eq!(parse_authorization("ACS3-HMAC-SHA256 Credential=AK"), None);
/// ```
pub fn parse_authorization(value: &str) -> Option<(&str, &str)> {
    let rest = value.strip_prefix(SCHEME)?.strip_prefix(' ')?;
    let (id, signature) = rest.split_once(':')?;
    (!id.is_empty() && !signature.is_empty()).then_some((id, signature))
}

//! ACS3-HMAC-SHA256 request signing (Alibaba Cloud "V3" signatures).
//!
//! This module is pure computation: it performs no I/O and never reads the
//! clock. Timestamps (`x-acs-date`) and nonces (`x-acs-signature-nonce`) are
//! ordinary header values supplied by the caller, so the very same code is
//! used on both sides of the wire:
//!
//! * **Client** (signing an outgoing request): build the path from segments
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

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Name of the signature algorithm; the first word of the `Authorization`
/// header and the first line of the string to sign.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Hex SHA-256 of an empty body, i.e. `hash_payload(b"")`. Requests without
/// a body (GET, DELETE, ...) send this as `x-acs-content-sha256`.
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Name of the header carrying the payload hash.
pub const CONTENT_SHA256_HEADER: &str = "x-acs-content-sha256";

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// True for the RFC 3986 "unreserved" bytes, which are never escaped.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Appends `bytes` to `out`, escaping every byte outside the unreserved set
/// as `%XX` with uppercase hex digits.
fn encode_bytes_into(bytes: &[u8], out: &mut String) {
    for &b in bytes {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(UPPER_HEX[usize::from(b >> 4)]));
            out.push(char::from(UPPER_HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// Percent-encodes `s` the way ACS3 expects for path segments, query keys
/// and query values.
///
/// Only the RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`) are kept;
/// every other byte of the UTF-8 encoding becomes `%XX` with uppercase hex.
/// A space therefore becomes `%20` (never `+`), and `/` becomes `%2F`, so the
/// function is meant for one path segment at a time, not a whole path.
///
/// ```
/// use fc_client::signing::percent_encode;
/// assert_eq!(percent_encode("a b/c~"), "a%20b%2Fc~");
/// assert_eq!(percent_encode("函"), "%E5%87%BD");
/// ```
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_bytes_into(s.as_bytes(), &mut out);
    out
}

/// Value of one ASCII hex digit, or `None` if `b` is not one.
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes in `input` into raw bytes. When `plus_is_space` is
/// set, `+` turns into a space (HTML form convention, used for query strings).
/// A `%` that is not followed by two hex digits is kept as a literal byte;
/// this never fails and never panics.
fn percent_decode_bytes(input: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_value);
            let lo = bytes.get(i + 2).copied().and_then(hex_value);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi << 4) | lo);
                i += 3;
                continue;
            }
            out.push(b'%');
        } else if plus_is_space && b == b'+' {
            out.push(b' ');
        } else {
            out.push(b);
        }
        i += 1;
    }
    out
}

/// Normalises a request path (without its query string) to the canonical
/// form used in the signature.
///
/// The path is split on `/`; each segment is percent-decoded to bytes and
/// re-encoded with the [`percent_encode`] rule. Consequences:
///
/// * a path that is already canonical comes back unchanged (idempotent);
/// * characters another encoder left alone (such as `:`) get escaped, and
///   lowercase escapes (`%3a`) become uppercase (`%3A`);
/// * an escaped slash (`%2F`) stays inside its segment, so an ARN that was
///   encoded as one segment remains one segment;
/// * decoding works on bytes, so escapes that do not form valid UTF-8 are
///   re-emitted byte for byte;
/// * a `%` that does not start a valid escape (e.g. `%zz`) is taken as a
///   literal percent sign, which is then encoded as `%25` (`%zz` → `%25zz`).
///
/// An empty path becomes `/`, as in the official SDK.
///
/// ```
/// use fc_client::signing::canonical_path;
/// assert_eq!(
///     canonical_path("/2023-03-30/layerarn/acs:fc:cn-hangzhou:123:layers%2Fx/versions/1"),
///     "/2023-03-30/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fx/versions/1",
/// );
/// ```
pub fn canonical_path(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(path.len() + 8);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_bytes_into(&percent_decode_bytes(segment, false), &mut out);
    }
    out
}

/// Lowercase hex SHA-256 of the request body. This is both the value of the
/// `x-acs-content-sha256` header and the last line of the canonical request.
///
/// ```
/// use fc_client::signing::{hash_payload, EMPTY_PAYLOAD_HASH};
/// assert_eq!(hash_payload(b""), EMPTY_PAYLOAD_HASH);
/// ```
pub fn hash_payload(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// Builds the canonical query string from DECODED `(key, value)` pairs.
///
/// Pairs are sorted by key, then by value (plain byte order, which for UTF-8
/// equals the code-point order the official SDK uses), written as
/// `key=value` with both sides passed through [`percent_encode`], and joined
/// with `&`. No pairs gives the empty string; an empty value gives `key=`.
///
/// The official SDK escapes only the value and copies the key verbatim. We
/// escape keys too: every Function Compute query key is plain ASCII
/// alphanumerics, for which both approaches produce identical bytes, and
/// escaping keeps the output well-formed for any other key.
///
/// ```
/// use fc_client::signing::canonical_query;
/// assert_eq!(canonical_query([("b", "2"), ("a", "x y")]), "a=x%20y&b=2");
/// assert_eq!(canonical_query([]), "");
/// ```
pub fn canonical_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut sorted: Vec<(&str, &str)> = pairs.into_iter().collect();
    sorted.sort_unstable();
    let mut out = String::new();
    for (i, (key, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_bytes_into(key.as_bytes(), &mut out);
        out.push('=');
        encode_bytes_into(value.as_bytes(), &mut out);
    }
    out
}

/// Splits a raw query string (the part after `?`, as received) into decoded
/// `(key, value)` pairs, for the verifying side.
///
/// `+` is read as a space, because the official Python SDK sends spaces as
/// `+` on the wire while signing them as `%20`; a literal plus sign is always
/// sent as `%2B`. A parameter without `=` gets an empty value, empty pieces
/// (`a=1&&b=2`) are skipped, broken escapes are kept literally, and bytes that
/// are not valid UTF-8 are replaced with U+FFFD.
///
/// ```
/// use fc_client::signing::{canonical_query, decode_query};
/// let pairs = decode_query("prefix=my+func&limit=10");
/// let query = canonical_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
/// assert_eq!(query, "limit=10&prefix=my%20func");
/// ```
pub fn decode_query(raw: &str) -> Vec<(String, String)> {
    let decode = |s: &str| String::from_utf8_lossy(&percent_decode_bytes(s, true)).into_owned();
    raw.split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// Whether a client should sign the header called `name` (case-insensitive):
/// `host`, `content-type`, and every `x-acs-*` or `x-fc-*` header.
/// `authorization` is never signed.
pub fn should_sign_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "host"
        || lower == "content-type"
        || lower.starts_with("x-acs-")
        || lower.starts_with("x-fc-")
}

/// Picks, from all headers of an outgoing request, those a client signs (see
/// [`should_sign_header`]), keeping their order and original spelling.
///
/// This is the client's choice only. The official SDK signs every header it
/// sets (including `accept` and `user-agent`); the server does not care which
/// ones are signed as long as the list is honest. A verifier must therefore
/// NOT use this function: it takes the names from the `SignedHeaders` part of
/// the `Authorization` header instead (see [`select_signed_headers`]).
///
/// ```
/// use fc_client::signing::headers_to_sign;
/// let picked = headers_to_sign([
///     ("Host", "h"), ("Accept", "*/*"), ("X-Fc-Log-Type", "Tail"), ("Authorization", "x"),
/// ]);
/// assert_eq!(picked, vec![("Host", "h"), ("X-Fc-Log-Type", "Tail")]);
/// ```
pub fn headers_to_sign<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(&'a str, &'a str)> {
    headers
        .into_iter()
        .filter(|(name, _)| should_sign_header(name))
        .collect()
}

/// Picks, from all headers of an incoming request, those whose names appear
/// in a `SignedHeaders` list (`a;b;c`, as found in
/// [`ParsedAuthorization::signed_headers`]), comparing names
/// case-insensitively and keeping every occurrence of repeated headers.
///
/// A listed header that the request lacks is simply absent from the result;
/// the [`CanonicalRequest::signed_headers`] built from it will then differ
/// from the client's list, which a verifier should report as a mismatch.
pub fn select_signed_headers<'a>(
    signed_headers: &str,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(&'a str, &'a str)> {
    let wanted: Vec<&str> = signed_headers
        .split(';')
        .filter(|n| !n.is_empty())
        .collect();
    headers
        .into_iter()
        .filter(|(name, _)| wanted.iter().any(|w| w.eq_ignore_ascii_case(name)))
        .collect()
}

/// Everything that goes into an ACS3 signature, in canonical form.
///
/// Build it with [`CanonicalRequest::new`]; its [`Display`](fmt::Display)
/// output (and so `to_string()`) is the canonical request text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest<'a> {
    method: &'a str,
    path: String,
    query: Vec<(&'a str, &'a str)>,
    /// Lowercase names, sorted, each with its merged trimmed value(s).
    headers: Vec<(String, String)>,
    hashed_payload: &'a str,
}

impl<'a> CanonicalRequest<'a> {
    /// Collects the parts of a request into canonical form.
    ///
    /// * `method`: the HTTP method, used verbatim (pass it uppercase, as
    ///   `http::Method::as_str()` does for standard methods).
    /// * `path`: the request path without query string; it is passed through
    ///   [`canonical_path`].
    /// * `query`: DECODED `(key, value)` pairs (see [`canonical_query`] and
    ///   [`decode_query`]).
    /// * `headers`: exactly the headers to sign, in any order and any case.
    ///   Names are lowercased and values trimmed. If a name occurs more than
    ///   once, its trimmed values are sorted and joined with `,`; this mirrors
    ///   the generator's re-implementation of the SDK, since none of the
    ///   recorded vectors contains a repeated header.
    /// * `hashed_payload`: the body hash from [`hash_payload`] (for the
    ///   verifier, recompute it from the received body rather than trusting
    ///   the `x-acs-content-sha256` header).
    pub fn new<'h>(
        method: &'a str,
        path: &str,
        query: impl IntoIterator<Item = (&'a str, &'a str)>,
        headers: impl IntoIterator<Item = (&'h str, &'h str)>,
        hashed_payload: &'a str,
    ) -> Self {
        let mut pairs: Vec<(String, &str)> = headers
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
            .collect();
        pairs.sort_unstable();

        let mut merged: Vec<(String, String)> = Vec::with_capacity(pairs.len());
        for (name, value) in pairs {
            match merged.last_mut() {
                // Values of one name arrive sorted, thanks to the tuple sort.
                Some((last, joined)) if *last == name => {
                    joined.push(',');
                    joined.push_str(value);
                }
                _ => merged.push((name, value.to_owned())),
            }
        }

        Self {
            method,
            path: canonical_path(path),
            query: query.into_iter().collect(),
            headers: merged,
            hashed_payload,
        }
    }

    /// The HTTP method as given.
    pub fn method(&self) -> &str {
        self.method
    }

    /// The canonical path (output of [`canonical_path`]). A client should
    /// send exactly this path on the wire.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The canonical query string (output of [`canonical_query`]). A client
    /// may send exactly this as the URL's query string.
    pub fn query(&self) -> String {
        canonical_query(self.query.iter().copied())
    }

    /// The signed headers: lowercase names in sorted order, with trimmed and
    /// merged values.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body hash this request was built with.
    pub fn hashed_payload(&self) -> &str {
        self.hashed_payload
    }

    /// Lowercase header names joined with `;`, as in the `SignedHeaders`
    /// part of the `Authorization` header.
    pub fn signed_headers(&self) -> String {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        names.join(";")
    }

    /// `ACS3-HMAC-SHA256\n` followed by the hex SHA-256 of the canonical
    /// request text.
    pub fn string_to_sign(&self) -> String {
        let digest = Sha256::digest(self.to_string().as_bytes());
        format!("{ALGORITHM}\n{}", hex::encode(digest))
    }

    /// The hex signature of this request under `secret`
    /// (shorthand for [`signature`] of [`Self::string_to_sign`]).
    pub fn signature(&self, secret: &str) -> String {
        signature(secret, &self.string_to_sign())
    }

    /// The complete `Authorization` header value for this request.
    pub fn authorization(&self, access_key_id: &str, secret: &str) -> String {
        authorization(
            access_key_id,
            &self.signed_headers(),
            &self.signature(secret),
        )
    }
}

impl fmt::Display for CanonicalRequest<'_> {
    /// Writes the canonical request text that is hashed into the string to
    /// sign.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.method)?;
        writeln!(f, "{}", self.path)?;
        writeln!(f, "{}", self.query())?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}:{value}")?;
        }
        writeln!(f)?;
        writeln!(f, "{}", self.signed_headers())?;
        f.write_str(self.hashed_payload)
    }
}

/// Lowercase hex HMAC-SHA256 of `string_to_sign`, keyed with the access key
/// secret.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    // HMAC is defined for keys of any length (long keys are hashed, short
    // ones padded), so `new_from_slice` cannot return an error here.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Formats the `Authorization` header value:
/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`.
///
/// ```
/// use fc_client::signing::authorization;
/// assert_eq!(
///     authorization("AK", "host;x-acs-date", "abcd"),
///     "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;x-acs-date,Signature=abcd",
/// );
/// ```
pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
    )
}

/// The three parts of an ACS3 `Authorization` header, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedAuthorization<'a> {
    /// The `Credential` value: the access key id.
    pub access_key_id: &'a str,
    /// The `SignedHeaders` value: lowercase names joined with `;`.
    pub signed_headers: &'a str,
    /// The `Signature` value: hex HMAC-SHA256.
    pub signature: &'a str,
}

impl<'a> ParsedAuthorization<'a> {
    /// Iterates over the individual names in [`Self::signed_headers`].
    pub fn signed_header_names(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.signed_headers.split(';').filter(|n| !n.is_empty())
    }
}

/// One of the `key=value` parts of an `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizationPart {
    /// `Credential=<access key id>`
    Credential,
    /// `SignedHeaders=<names>`
    SignedHeaders,
    /// `Signature=<hex>`
    Signature,
}

impl AuthorizationPart {
    /// The part's key as written in the header.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Credential => "Credential",
            Self::SignedHeaders => "SignedHeaders",
            Self::Signature => "Signature",
        }
    }
}

impl fmt::Display for AuthorizationPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an `Authorization` header could not be read as ACS3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationParseError {
    /// The header is empty or only whitespace.
    Empty,
    /// The first word is not `ACS3-HMAC-SHA256`; holds what was found.
    UnsupportedAlgorithm(String),
    /// A comma-separated part has no `=`; holds the part.
    MalformedPart(String),
    /// A part has a key other than Credential, SignedHeaders or Signature.
    UnknownPart(String),
    /// The same part appears twice.
    DuplicatePart(AuthorizationPart),
    /// A required part is absent.
    MissingPart(AuthorizationPart),
    /// A required part is present but its value is empty.
    EmptyPart(AuthorizationPart),
}

impl fmt::Display for AuthorizationParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "Authorization header is empty"),
            Self::UnsupportedAlgorithm(found) => {
                write!(
                    f,
                    "unsupported signature algorithm {found:?}, expected {ALGORITHM}"
                )
            }
            Self::MalformedPart(part) => {
                write!(
                    f,
                    "Authorization part {part:?} is not of the form key=value"
                )
            }
            Self::UnknownPart(key) => write!(f, "unknown Authorization part {key:?}"),
            Self::DuplicatePart(p) => write!(f, "Authorization part {p} appears more than once"),
            Self::MissingPart(p) => write!(f, "Authorization header lacks the {p} part"),
            Self::EmptyPart(p) => write!(f, "Authorization part {p} is empty"),
        }
    }
}

impl std::error::Error for AuthorizationParseError {}

/// Splits an ACS3 `Authorization` header into its parts, for a verifier.
///
/// Expects `ACS3-HMAC-SHA256` followed by whitespace and three
/// comma-separated `key=value` parts (`Credential`, `SignedHeaders`,
/// `Signature`) in any order; whitespace around parts is ignored. Every
/// deviation is reported as a typed [`AuthorizationParseError`]; the function
/// never panics.
///
/// ```
/// use fc_client::signing::parse_authorization;
/// let p = parse_authorization(
///     "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;x-acs-date,Signature=ab12",
/// ).unwrap();
/// assert_eq!(p.access_key_id, "AK");
/// assert_eq!(p.signed_header_names().collect::<Vec<_>>(), ["host", "x-acs-date"]);
/// assert_eq!(p.signature, "ab12");
/// ```
pub fn parse_authorization(
    value: &str,
) -> Result<ParsedAuthorization<'_>, AuthorizationParseError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AuthorizationParseError::Empty);
    }
    let (algorithm, rest) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(AuthorizationParseError::UnsupportedAlgorithm(
            algorithm.to_owned(),
        ));
    }

    let mut found: [Option<&str>; 3] = [None; 3];
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, val) = part
            .split_once('=')
            .ok_or_else(|| AuthorizationParseError::MalformedPart(part.to_owned()))?;
        let (slot, which) = match key.trim() {
            "Credential" => (0, AuthorizationPart::Credential),
            "SignedHeaders" => (1, AuthorizationPart::SignedHeaders),
            "Signature" => (2, AuthorizationPart::Signature),
            other => return Err(AuthorizationParseError::UnknownPart(other.to_owned())),
        };
        if found[slot].is_some() {
            return Err(AuthorizationParseError::DuplicatePart(which));
        }
        let val = val.trim();
        if val.is_empty() {
            return Err(AuthorizationParseError::EmptyPart(which));
        }
        found[slot] = Some(val);
    }

    match found {
        [Some(access_key_id), Some(signed_headers), Some(signature)] => Ok(ParsedAuthorization {
            access_key_id,
            signed_headers,
            signature,
        }),
        [None, _, _] => Err(AuthorizationParseError::MissingPart(
            AuthorizationPart::Credential,
        )),
        [_, None, _] => Err(AuthorizationParseError::MissingPart(
            AuthorizationPart::SignedHeaders,
        )),
        [_, _, None] => Err(AuthorizationParseError::MissingPart(
            AuthorizationPart::Signature,
        )),
    }
}

/// Compares two signatures without stopping at the first differing byte, so
/// the time taken does not reveal how much of a forged signature was right.
///
/// The comparison is exact (case-sensitive); signatures produced by
/// [`signature`] are lowercase hex. Strings of different lengths are unequal
/// straight away, which leaks only the length, and that is public anyway
/// (always 64 hex digits).
pub fn signatures_match(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encode_reserved_characters() {
        let cases = [
            ('!', "%21"),
            ('#', "%23"),
            ('$', "%24"),
            ('&', "%26"),
            ('\'', "%27"),
            ('(', "%28"),
            (')', "%29"),
            ('*', "%2A"),
            ('+', "%2B"),
            (',', "%2C"),
            ('/', "%2F"),
            (':', "%3A"),
            (';', "%3B"),
            ('=', "%3D"),
            ('?', "%3F"),
            ('@', "%40"),
            ('[', "%5B"),
            (']', "%5D"),
        ];
        for (c, expected) in cases {
            assert_eq!(percent_encode(&c.to_string()), expected, "char {c:?}");
        }
        assert_eq!(
            percent_encode("!#$&'()*+,/:;=?@[]"),
            "%21%23%24%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D"
        );
    }

    #[test]
    fn percent_encode_space_tilde_unreserved_percent() {
        assert_eq!(percent_encode(" "), "%20");
        assert_eq!(percent_encode("a b"), "a%20b");
        assert_eq!(percent_encode("~"), "~");
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode("100%"), "100%25");
    }

    #[test]
    fn percent_encode_unicode_uses_utf8_bytes_uppercase_hex() {
        assert_eq!(percent_encode("函数"), "%E5%87%BD%E6%95%B0");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
    }

    #[test]
    fn percent_encode_empty() {
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn canonical_path_arn_in_one_segment() {
        // Colons left raw by another encoder, slash already escaped.
        let raw = "/2023-03-30/layerarn/acs:fc:cn-hangzhou:123:layers%2Fx/versions/1";
        let expected = "/2023-03-30/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fx/versions/1";
        assert_eq!(canonical_path(raw), expected);
        // Fully encoded by our own rule: unchanged.
        assert_eq!(canonical_path(expected), expected);
        // Building it from the decoded ARN gives the same result.
        let built = format!(
            "/2023-03-30/layerarn/{}/versions/1",
            percent_encode("acs:fc:cn-hangzhou:123:layers/x")
        );
        assert_eq!(built, expected);
    }

    #[test]
    fn canonical_path_lowercase_escapes_become_uppercase() {
        assert_eq!(
            canonical_path("/layerarn/acs%3afc%3acn-hangzhou%2fx"),
            "/layerarn/acs%3Afc%3Acn-hangzhou%2Fx"
        );
        // %7E is an escaped '~', which is unreserved and written plainly.
        assert_eq!(canonical_path("/a%7eb%2a"), "/a~b%2A");
    }

    #[test]
    fn canonical_path_broken_escape_is_literal_percent() {
        // "%zz" decodes to the literal bytes '%','z','z'; the '%' is then
        // escaped like any other reserved byte.
        assert_eq!(canonical_path("/fn/a%zz"), "/fn/a%25zz");
        assert_eq!(canonical_path("/fn/a%"), "/fn/a%25");
        assert_eq!(canonical_path("/fn/a%4"), "/fn/a%254");
        // The result is stable under a second pass.
        assert_eq!(canonical_path("/fn/a%25zz"), "/fn/a%25zz");
    }

    #[test]
    fn canonical_path_non_utf8_bytes_pass_through() {
        assert_eq!(canonical_path("/x/%FF%fe%80"), "/x/%FF%FE%80");
    }

    #[test]
    fn canonical_path_edges() {
        assert_eq!(canonical_path(""), "/");
        assert_eq!(canonical_path("/"), "/");
        assert_eq!(canonical_path("/a//b/"), "/a//b/");
        assert_eq!(
            canonical_path("/fn name*~函数"),
            "/fn%20name%2A~%E5%87%BD%E6%95%B0"
        );
    }

    #[test]
    fn canonical_query_sorts_by_key_then_value() {
        let q = canonical_query([
            ("limit", "10"),
            ("Z", "x y"),
            ("a", ""),
            ("b", "2"),
            ("b", "1"),
        ]);
        // Byte order puts uppercase before lowercase.
        assert_eq!(q, "Z=x%20y&a=&b=1&b=2&limit=10");
    }

    #[test]
    fn canonical_query_json_array_value() {
        let q = canonical_query([("tags", r#"[{"Key":"k","Value":"v"}]"#)]);
        assert_eq!(
            q,
            "tags=%5B%7B%22Key%22%3A%22k%22%2C%22Value%22%3A%22v%22%7D%5D"
        );
    }

    #[test]
    fn canonical_query_empty() {
        assert_eq!(canonical_query(std::iter::empty()), "");
    }

    #[test]
    fn decode_query_round_trip() {
        let pairs = decode_query("prefix=my+func-%E5%87%BD&nextToken=a%2Bb&flag&&x=%zz");
        assert_eq!(
            pairs,
            vec![
                ("prefix".to_owned(), "my func-函".to_owned()),
                ("nextToken".to_owned(), "a+b".to_owned()),
                ("flag".to_owned(), String::new()),
                ("x".to_owned(), "%zz".to_owned()),
            ]
        );
    }

    #[test]
    fn header_selection() {
        assert!(should_sign_header("Host"));
        assert!(should_sign_header("Content-Type"));
        assert!(should_sign_header("X-ACS-Date"));
        assert!(should_sign_header("x-fc-invocation-type"));
        assert!(!should_sign_header("authorization"));
        assert!(!should_sign_header("accept"));
        assert!(!should_sign_header("content-length"));

        let all = [
            ("Host", "h"),
            ("x-acs-date", "d"),
            ("accept", "a"),
            ("X-Fc-Log-Type", "Tail"),
        ];
        assert_eq!(
            select_signed_headers("host;x-fc-log-type", all),
            vec![("Host", "h"), ("X-Fc-Log-Type", "Tail")]
        );
    }

    #[test]
    fn canonical_request_lowercases_trims_and_merges_headers() {
        let req = CanonicalRequest::new(
            "GET",
            "/p",
            [],
            [("X-B", " 2 "), ("host", "h"), ("x-b", "1")],
            EMPTY_PAYLOAD_HASH,
        );
        assert_eq!(req.signed_headers(), "host;x-b");
        assert_eq!(
            req.to_string(),
            format!("GET\n/p\n\nhost:h\nx-b:1,2\n\nhost;x-b\n{EMPTY_PAYLOAD_HASH}")
        );
    }

    #[test]
    fn parse_authorization_good() {
        let p = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=LTAI,SignedHeaders=host;x-acs-date,Signature=0a1b",
        );
        assert_eq!(
            p,
            Ok(ParsedAuthorization {
                access_key_id: "LTAI",
                signed_headers: "host;x-acs-date",
                signature: "0a1b",
            })
        );
        // Any order, extra spaces.
        let p = parse_authorization(
            "  ACS3-HMAC-SHA256   Signature=0a1b, Credential=LTAI , SignedHeaders=host ",
        )
        .map(|p| (p.access_key_id, p.signed_headers, p.signature));
        assert_eq!(p, Ok(("LTAI", "host", "0a1b")));
    }

    #[test]
    fn parse_authorization_wrong_algorithm() {
        assert_eq!(
            parse_authorization("ACS3-HMAC-SM3 Credential=a,SignedHeaders=b,Signature=c"),
            Err(AuthorizationParseError::UnsupportedAlgorithm(
                "ACS3-HMAC-SM3".to_owned()
            ))
        );
        assert_eq!(
            parse_authorization("acs LTAI:abc"),
            Err(AuthorizationParseError::UnsupportedAlgorithm(
                "acs".to_owned()
            ))
        );
    }

    #[test]
    fn parse_authorization_missing_parts() {
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 SignedHeaders=b,Signature=c"),
            Err(AuthorizationParseError::MissingPart(
                AuthorizationPart::Credential
            ))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=a,Signature=c"),
            Err(AuthorizationParseError::MissingPart(
                AuthorizationPart::SignedHeaders
            ))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=a,SignedHeaders=b"),
            Err(AuthorizationParseError::MissingPart(
                AuthorizationPart::Signature
            ))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256"),
            Err(AuthorizationParseError::MissingPart(
                AuthorizationPart::Credential
            ))
        );
    }

    #[test]
    fn parse_authorization_malformed_parts() {
        use AuthorizationParseError as E;
        assert_eq!(parse_authorization(""), Err(E::Empty));
        assert_eq!(parse_authorization("   "), Err(E::Empty));
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=a,SignedHeaders,Signature=c"),
            Err(E::MalformedPart("SignedHeaders".to_owned()))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=,SignedHeaders=b,Signature=c"),
            Err(E::EmptyPart(AuthorizationPart::Credential))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=a,Credential=b"),
            Err(E::DuplicatePart(AuthorizationPart::Credential))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=a,Foo=1"),
            Err(E::UnknownPart("Foo".to_owned()))
        );
    }

    #[test]
    fn parse_authorization_never_panics_on_odd_input() {
        let inputs = [
            "ACS3-HMAC-SHA256 ,,,,",
            "ACS3-HMAC-SHA256 ===",
            "ACS3-HMAC-SHA256\tCredential=a,SignedHeaders=b,Signature=c",
            "ACS3-HMAC-SHA256 Credential=函,SignedHeaders=é,Signature=😀",
            "\u{0}\u{ffff}",
            "=",
            ",",
        ];
        for input in inputs {
            let _ = parse_authorization(input);
        }
        assert!(parse_authorization(inputs[2]).is_ok());
    }

    #[test]
    fn signatures_match_cases() {
        let sig = signature("secret", "ACS3-HMAC-SHA256\nabc");
        assert!(signatures_match(&sig, &sig.clone()));
        let mut other = sig.clone().into_bytes();
        other[63] = if other[63] == b'0' { b'1' } else { b'0' };
        let other = String::from_utf8(other).expect("still ASCII");
        assert!(!signatures_match(&sig, &other));
        assert!(!signatures_match(&sig, &sig[..63]));
        assert!(!signatures_match(&sig, &sig.to_uppercase()));
        assert!(signatures_match("", ""));
    }

    #[test]
    fn signature_known_answer() {
        // RFC 4231 test case 2: key "Jefe".
        assert_eq!(
            signature("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Empty key is fine too.
        assert_eq!(signature("", "").len(), 64);
    }

    #[test]
    fn empty_payload_constant() {
        assert_eq!(hash_payload(b""), EMPTY_PAYLOAD_HASH);
    }
}

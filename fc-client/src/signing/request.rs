//! Signing an outgoing `reqwest::Request` in place with ACS3-HMAC-SHA256, cheaply: the
//! canonical request is hashed as it is produced, never built as a string, header names are
//! taken as `http` keeps them (already lowercase), the canonical path and query are the
//! request's own when they are canonical already (as fc-client sends them), and the one string
//! made is the `Authorization` value. The result is byte for byte what [`CanonicalRequest`]
//! gives (a test checks both on many requests).
//!
//! The request body must be in memory: the signature covers the SHA-256 of the whole body
//! (`x-acs-content-sha256`), so a body is hashed once before it is sent (for an `InvokeFunction`
//! payload that is one pass over the bytes, about 2 ms per 2 MB, and no copy). A streaming body
//! cannot be hashed ahead and is refused with an error.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use hmac::Mac;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

use super::canonical::{
    ALGORITHM, CONTENT_SHA256_HEADER, EMPTY_PAYLOAD_HASH, canonical_path, canonical_query,
    decode_query, is_unreserved,
};
use super::hex::{hex_into, hex_str};
use crate::credentials::Credentials;

/// Why a request could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The body is a stream, which cannot be hashed before it is sent.
    #[error(
        "the request body is a stream; ACS3 signing needs the whole body in memory (pass bytes)"
    )]
    StreamingBody,
    /// The URL names no host.
    #[error("the request URL has no host")]
    NoHost,
    /// A value cannot be sent in the header it belongs to.
    #[error("header `{0}` has a value that is not valid in an HTTP header")]
    BadHeaderValue(&'static str),
}

/// What identifies a request to the API: the action and the API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The ACS action name, sent as `x-acs-action` (e.g. `GetFunction`).
    pub action: &'static str,
    /// The API version, sent as `x-acs-version` (e.g. `2023-03-30`).
    pub version: &'static str,
}

/// A signature nonce (`x-acs-signature-nonce`): 32 hex digits, unique per request in a process
/// (a counter) and hard to guess across processes (the clock and the process's hash keys); not
/// a secret. Kept on the stack.
///
/// ```
/// let (a, b) = (fc_client::signing::Nonce::new(), fc_client::signing::Nonce::new());
/// assert_eq!(a.as_str().len(), 32);
/// assert_ne!(a.as_str(), b.as_str());
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Nonce([u8; 32]);

impl Nonce {
    /// A fresh nonce: a per-process random base (the process's hash keys, the clock and the
    /// process id, taken once) and a counter, mixed.
    pub fn new() -> Self {
        use std::sync::OnceLock;
        use std::sync::atomic::{AtomicU64, Ordering};
        static BASE: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = *BASE.get_or_init(|| crate::backoff::seed(u64::from(std::process::id())));
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut digits = [0u8; 32];
        hex_into(&mix(base ^ count).to_be_bytes(), &mut digits[..16]);
        hex_into(&count.to_be_bytes(), &mut digits[16..]);
        Nonce(digits)
    }

    /// The nonce as text.
    pub fn as_str(&self) -> &str {
        // Only hex digits are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Default for Nonce {
    fn default() -> Self {
        Nonce::new()
    }
}

impl std::fmt::Debug for Nonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sets the `host` and `x-acs-*` headers of `target` (date `now`, `nonce`, the body's hash)
/// and, with `credentials`, signs the request: `Authorization` and, for temporary credentials,
/// `x-acs-security-token`. Without credentials any `Authorization` is removed and the request
/// goes unsigned. Signed are `host`, `content-type` and every `x-acs-*` and `x-fc-*` header
/// ([`should_sign_header`](super::should_sign_header)).
///
/// ```
/// use std::time::SystemTime;
/// use fc_client::credentials::Credentials;
/// use fc_client::signing::{Nonce, Target, sign_request};
///
/// let mut request = reqwest::Request::new(
///     reqwest::Method::GET,
///     "https://123.cn-hangzhou.fc.aliyuncs.com/2023-03-30/functions/hello".parse().unwrap(),
/// );
/// let target = Target { action: "GetFunction", version: "2023-03-30" };
/// let credentials = Credentials::new("my-key-id", "my-secret");
/// sign_request(&mut request, target, Some(&credentials), SystemTime::now(), &Nonce::new()).unwrap();
/// let authorization = request.headers()["authorization"].to_str().unwrap();
/// assert!(authorization.starts_with("ACS3-HMAC-SHA256 Credential=my-key-id,SignedHeaders=host;x-acs-"));
/// ```
pub fn sign_request(
    request: &mut reqwest::Request,
    target: Target,
    credentials: Option<&Credentials>,
    now: SystemTime,
    nonce: &Nonce,
) -> Result<(), SignError> {
    let mut body_hash = [0u8; 64];
    let hashed: &str = match request.body() {
        None => EMPTY_PAYLOAD_HASH,
        Some(body) => {
            let bytes = body.as_bytes().ok_or(SignError::StreamingBody)?;
            if bytes.is_empty() {
                EMPTY_PAYLOAD_HASH
            } else {
                hex_str(&Sha256::digest(bytes), &mut body_hash)
            }
        }
    };
    let host = host_value(request.url())?;
    let date = date_value(now);
    let headers = request.headers_mut();
    headers.reserve(8);
    headers.insert(reqwest::header::HOST, host);
    set_static(headers, X_ACS_ACTION, target.action)?;
    set_static(headers, X_ACS_VERSION, target.version)?;
    headers.insert(X_ACS_DATE.header, date);
    let nonce =
        arena_value(&nonce.0).map_err(|_| SignError::BadHeaderValue("x-acs-signature-nonce"))?;
    headers.insert(X_ACS_NONCE.header, nonce);
    if hashed == EMPTY_PAYLOAD_HASH {
        headers.insert(
            X_ACS_CONTENT_SHA256.header,
            HeaderValue::from_static(EMPTY_PAYLOAD_HASH),
        );
    } else {
        set_bytes(headers, X_ACS_CONTENT_SHA256, hashed.as_bytes())?;
    }
    let Some(credentials) = credentials else {
        headers.remove(reqwest::header::AUTHORIZATION);
        return Ok(());
    };
    match credentials.security_token() {
        Some(token) => set_bytes(headers, X_ACS_SECURITY_TOKEN, token.as_bytes())?,
        // One an earlier signature with temporary credentials left.
        None => drop(headers.remove(X_ACS_SECURITY_TOKEN.header)),
    }
    let authorization = authorization(request, credentials, hashed)?;
    request
        .headers_mut()
        .insert(reqwest::header::AUTHORIZATION, authorization);
    Ok(())
}

/// The `Authorization` value of a request whose headers are all set.
fn authorization(
    request: &reqwest::Request,
    credentials: &Credentials,
    hashed: &str,
) -> Result<HeaderValue, SignError> {
    // On the stack for the usual dozen signed headers; a request with more spills to the heap.
    // A `HeaderValue` holds no control character but tab, so its text is ASCII exactly when
    // `to_str` would accept it (a value that is not is left out of the signature, as
    // `CanonicalRequest` leaves it), and only spaces and tabs can need trimming.
    let mut stack: [(&str, &[u8]); 16] = [("", &[]); 16];
    let mut spilled = Vec::new();
    let mut count = 0;
    for (name, value) in request.headers() {
        let name = name.as_str();
        let value = value.as_bytes();
        if signed_name(name) && value.is_ascii() {
            let pair = (name, value.trim_ascii());
            if count < stack.len() {
                stack[count] = pair;
            } else {
                if spilled.is_empty() {
                    spilled.extend_from_slice(&stack);
                }
                spilled.push(pair);
            }
            count += 1;
        }
    }
    let signed: &mut [(&str, &[u8])] = if spilled.is_empty() {
        &mut stack[..count]
    } else {
        &mut spilled
    };
    signed.sort_unstable();

    // The canonical request is hashed as it is produced.
    let mut canonical = Sha256::new();
    canonical.update(request.method().as_str().as_bytes());
    canonical.update(b"\n");
    let url = request.url();
    let path = url.path();
    if is_canonical_path(path) {
        canonical.update(path.as_bytes());
    } else {
        canonical.update(canonical_path(path).as_bytes());
    }
    canonical.update(b"\n");
    let query = url.query().unwrap_or("");
    if is_plain_sorted_query(query) {
        canonical.update(query.as_bytes());
    } else {
        let pairs = decode_query(query);
        let sorted = canonical_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        canonical.update(sorted.as_bytes());
    }
    canonical.update(b"\n");
    let mut previous: Option<&str> = None;
    for &(name, value) in signed.iter() {
        if previous == Some(name) {
            canonical.update(b",");
        } else {
            if previous.is_some() {
                canonical.update(b"\n");
            }
            canonical.update(name.as_bytes());
            canonical.update(b":");
        }
        canonical.update(value);
        previous = Some(name);
    }
    if previous.is_some() {
        canonical.update(b"\n");
    }
    canonical.update(b"\n");

    let id = credentials.access_key_id();
    let mut names = 0;
    let mut previous: Option<&str> = None;
    for &(name, _) in signed.iter() {
        if previous != Some(name) {
            names += name.len() + usize::from(previous.is_some());
        }
        previous = Some(name);
    }
    // Exactly the length of the value, so that it becomes `Bytes` without another allocation.
    let length = ALGORITHM.len()
        + " Credential=".len()
        + id.len()
        + ",SignedHeaders=".len()
        + names
        + ",Signature=".len()
        + 64;
    ARENA.with_borrow_mut(|arena| {
        if arena.capacity() - arena.len() < length {
            *arena = BytesMut::with_capacity(ARENA_BYTES.max(length));
        }
        arena.extend_from_slice(ALGORITHM.as_bytes());
        arena.extend_from_slice(b" Credential=");
        arena.extend_from_slice(id.as_bytes());
        arena.extend_from_slice(b",SignedHeaders=");
        let start = arena.len();
        let mut previous: Option<&str> = None;
        for &(name, _) in signed.iter() {
            if previous != Some(name) {
                if previous.is_some() {
                    arena.extend_from_slice(b";");
                }
                arena.extend_from_slice(name.as_bytes());
            }
            previous = Some(name);
        }
        canonical.update(&arena[start..]);
        canonical.update(b"\n");
        canonical.update(hashed.as_bytes());

        let mut digest = [0u8; 64];
        hex_into(&canonical.finalize(), &mut digest);
        let mut mac = credentials.signing_key().clone();
        mac.update(ALGORITHM.as_bytes());
        mac.update(b"\n");
        mac.update(&digest);
        let mut signature = [0u8; 64];
        hex_into(&mac.finalize().into_bytes(), &mut signature);
        arena.extend_from_slice(b",Signature=");
        arena.extend_from_slice(&signature);
        HeaderValue::from_maybe_shared(arena.split().freeze())
            .map_err(|_| SignError::BadHeaderValue("authorization"))
    })
}

/// Size of the blocks that short header values are cut from.
const ARENA_BYTES: usize = 8 * 1024;

thread_local! {
    /// Where this thread's `Authorization` and nonce values are written: each is cut off as
    /// `Bytes` sharing the block, so a signature costs no allocation of its own (a new block
    /// every few dozen signatures; a block lives as long as a value cut from it).
    static ARENA: RefCell<BytesMut> = RefCell::new(BytesMut::new());
}

/// `bytes` as a header value cut from this thread's arena.
fn arena_value(bytes: &[u8]) -> Result<HeaderValue, bytes::Bytes> {
    let shared = ARENA.with_borrow_mut(|arena| {
        if arena.capacity() - arena.len() < bytes.len() {
            *arena = BytesMut::with_capacity(ARENA_BYTES.max(bytes.len()));
        }
        arena.extend_from_slice(bytes);
        arena.split().freeze()
    });
    HeaderValue::from_maybe_shared(shared.clone()).map_err(|_| shared)
}

/// Whether a client signs the header `name`, given lowercase as `http` keeps names.
fn signed_name(name: &str) -> bool {
    name == "host"
        || name == "content-type"
        || name.starts_with("x-acs-")
        || name.starts_with("x-fc-")
}

/// A `host` value and the host and port it was made of.
type HostValue = (Box<str>, Option<u16>, HeaderValue);

thread_local! {
    /// The last `host` value this thread signed, with the host and port it was made of: a
    /// client talks to one endpoint, so the value is made once and shared after that.
    static HOST: RefCell<Option<HostValue>> = const { RefCell::new(None) };
    /// The last `x-acs-date` value made on this thread and its second: calls within a second
    /// share it.
    static DATE: RefCell<Option<(u64, HeaderValue)>> = const { RefCell::new(None) };
}

/// `host` or `host:port` of the URL.
fn host_value(url: &reqwest::Url) -> Result<HeaderValue, SignError> {
    let host = url.host_str().ok_or(SignError::NoHost)?;
    let port = url.port();
    let cached = HOST.with_borrow(|cached| {
        cached
            .as_ref()
            .filter(|(h, p, _)| &**h == host && *p == port)
            .map(|(_, _, value)| value.clone())
    });
    if let Some(value) = cached {
        return Ok(value);
    }
    let text = match port {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let value = HeaderValue::from_maybe_shared(Bytes::from(text))
        .map_err(|_| SignError::BadHeaderValue("host"))?;
    HOST.set(Some((host.into(), port, value.clone())));
    Ok(value)
}

/// `x-acs-date` for `now`.
fn date_value(now: SystemTime) -> HeaderValue {
    let second = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let cached = DATE.with_borrow(|cached| {
        cached
            .as_ref()
            .filter(|(s, _)| *s == second)
            .map(|(_, value)| value.clone())
    });
    if let Some(value) = cached {
        return value;
    }
    let value = HeaderValue::from_maybe_shared(Bytes::copy_from_slice(&iso8601(now)))
        .unwrap_or_else(|_| HeaderValue::from_static("1970-01-01T00:00:00Z"));
    DATE.set(Some((second, value.clone())));
    value
}

/// A header the signer sets: its name as `http` keeps it, and as an error names it.
struct Named {
    header: HeaderName,
    text: &'static str,
}

impl Named {
    const fn new(text: &'static str) -> Self {
        Named {
            header: HeaderName::from_static(text),
            text,
        }
    }
}

const X_ACS_ACTION: Named = Named::new("x-acs-action");
const X_ACS_VERSION: Named = Named::new("x-acs-version");
const X_ACS_DATE: Named = Named::new("x-acs-date");
const X_ACS_NONCE: Named = Named::new("x-acs-signature-nonce");
const X_ACS_CONTENT_SHA256: Named = Named::new(CONTENT_SHA256_HEADER);
const X_ACS_SECURITY_TOKEN: Named = Named::new("x-acs-security-token");

fn set_static(headers: &mut HeaderMap, name: Named, value: &'static str) -> Result<(), SignError> {
    // `from_static` panics on a value it refuses: check first.
    if !value
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
    {
        return Err(SignError::BadHeaderValue(name.text));
    }
    headers.insert(name.header, HeaderValue::from_static(value));
    Ok(())
}

fn set_bytes(headers: &mut HeaderMap, name: Named, value: &[u8]) -> Result<(), SignError> {
    let value = HeaderValue::from_bytes(value).map_err(|_| SignError::BadHeaderValue(name.text))?;
    headers.insert(name.header, value);
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SSZ`, on the stack.
fn iso8601(time: SystemTime) -> [u8; 20] {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX);
    let rem = secs % 86_400;
    let (year, month, day) = crate::timestamp::civil_from_days(days);
    let mut out = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut n: u64| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, u64::try_from(year.clamp(0, 9999)).unwrap_or_default());
    put(5, 2, u64::from(month));
    put(8, 2, u64::from(day));
    put(11, 2, rem / 3600);
    put(14, 2, (rem % 3600) / 60);
    put(17, 2, rem % 60);
    out
}

/// Whether `path` is its own [`canonical_path`]: unreserved bytes, `/`, and `%XX` escapes
/// (uppercase) of bytes that are not unreserved.
pub(crate) fn is_canonical_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' => i += 1,
            b'%' => {
                let (Some(&hi), Some(&lo)) = (bytes.get(i + 1), bytes.get(i + 2)) else {
                    return false;
                };
                let upper = |b: u8| b.is_ascii_digit() || (b'A'..=b'F').contains(&b);
                if !upper(hi) || !upper(lo) {
                    return false;
                }
                let value = (hex_digit(hi) << 4) | hex_digit(lo);
                if is_unreserved(value) {
                    return false;
                }
                i += 3;
            }
            b if is_unreserved(b) => i += 1,
            _ => return false,
        }
    }
    true
}

/// Whether `query` is its own canonical query: `key=value` pairs of unreserved bytes (no
/// escapes, so decoding changes nothing), joined with `&`, sorted by key then value.
pub(crate) fn is_plain_sorted_query(query: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    let mut previous: Option<(&str, &str)> = None;
    for piece in query.split('&') {
        let Some((key, value)) = piece.split_once('=') else {
            return false;
        };
        let plain = |s: &str| s.bytes().all(is_unreserved);
        if key.is_empty() || !plain(key) || !plain(value) {
            return false;
        }
        if previous.is_some_and(|p| p > (key, value)) {
            return false;
        }
        previous = Some((key, value));
    }
    true
}

fn hex_digit(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// SplitMix64's finaliser: every bit of `x` reaches every bit of the result.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::{CanonicalRequest, headers_to_sign};

    /// What [`CanonicalRequest`] makes of a signed request: the reference result.
    fn reference(request: &reqwest::Request, credentials: &Credentials) -> String {
        let headers: Vec<(&str, &str)> = request
            .headers()
            .iter()
            .filter(|(name, _)| name.as_str() != "authorization")
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
            .collect();
        let query = decode_query(request.url().query().unwrap_or(""));
        let hashed = request.headers()[CONTENT_SHA256_HEADER].to_str().unwrap();
        CanonicalRequest::new(
            request.method().as_str(),
            request.url().path(),
            query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            headers_to_sign(headers),
            hashed,
        )
        .authorization(credentials.access_key_id(), credentials.access_key_secret())
    }

    #[test]
    fn signatures_equal_the_canonical_request_ones() {
        let urls = [
            "http://127.0.0.1:9000/2023-03-30/functions/hello",
            "https://fc.example.com/2023-03-30/functions?limit=10&prefix=my",
            "https://fc.example.com/2023-03-30/functions?prefix=b&limit=10",
            "https://fc.example.com/2023-03-30/functions?prefix=a%20b&limit=1",
            "https://fc.example.com/2023-03-30/functions?prefix=a+b",
            "https://fc.example.com/2023-03-30/functions?flag&x=",
            "https://fc.example.com/2023-03-30/layerarn/acs:fc:cn:1:layers%2fx/versions/1",
            "https://fc.example.com/2023-03-30/functions/%E5%87%BD",
            "https://fc.example.com/2023-03-30/functions/%41bc",
            "https://fc.example.com",
            "https://fc.example.com/a?b=2&b=1&a=",
        ];
        let credentials = [
            Credentials::new("AK", "secret"),
            Credentials::new("AK", "secret").with_security_token("sts-token"),
        ];
        let time = UNIX_EPOCH + std::time::Duration::from_secs(1_716_192_930);
        for url in urls {
            for credentials in &credentials {
                for body in [None, Some("{\"a\":1}")] {
                    let method = if body.is_some() {
                        reqwest::Method::POST
                    } else {
                        reqwest::Method::GET
                    };
                    let mut request = reqwest::Request::new(method, url.parse().unwrap());
                    let headers = request.headers_mut();
                    headers.insert("x-fc-log-type", HeaderValue::from_static(" Tail "));
                    headers.append("x-fc-extra", HeaderValue::from_static("b"));
                    headers.append("x-fc-extra", HeaderValue::from_static("a"));
                    headers.insert("accept", HeaderValue::from_static("application/json"));
                    headers.insert("content-type", HeaderValue::from_static("application/json"));
                    if let Some(body) = body {
                        *request.body_mut() = Some(body.into());
                    }
                    let target = Target {
                        action: "GetFunction",
                        version: "2023-03-30",
                    };
                    sign_request(&mut request, target, Some(credentials), time, &Nonce::new())
                        .unwrap();
                    let signed = request.headers()["authorization"].to_str().unwrap();
                    assert_eq!(signed, reference(&request, credentials), "{url} {body:?}");
                    assert_eq!(request.headers()["x-acs-date"], "2024-05-20T08:15:30Z");
                }
            }
        }
    }

    #[test]
    fn canonical_forms_are_recognised_only_when_exact() {
        for (path, canonical) in [
            ("/a/b", true),
            ("/a%3Ab", true),
            ("/a%3ab", false),
            ("/a%41", false),
            ("/a:b", false),
            ("", false),
            ("/a%2", false),
        ] {
            assert_eq!(is_canonical_path(path), canonical, "{path}");
            if canonical {
                assert_eq!(canonical_path(path), path);
            }
        }
        for (query, plain) in [
            ("", true),
            ("a=1&b=2", true),
            ("b=2&a=1", false),
            ("a=2&a=1", false),
            ("a", false),
            ("a=1&&b=2", false),
            ("a=x%20y", false),
        ] {
            assert_eq!(is_plain_sorted_query(query), plain, "{query}");
        }
    }

    #[test]
    fn dates_and_nonces_are_written_on_the_stack_as_the_service_reads_them() {
        let time = UNIX_EPOCH + std::time::Duration::from_secs(1_716_192_930);
        assert_eq!(&iso8601(time), b"2024-05-20T08:15:30Z");
        assert_eq!(
            std::str::from_utf8(&iso8601(time)).unwrap(),
            crate::timestamp::format_iso8601(time)
        );
        let nonce = Nonce::new();
        assert!(nonce.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn streaming_bodies_and_bad_values_are_refused() {
        let target = Target {
            action: "Bad\naction",
            version: "2023-03-30",
        };
        let mut request =
            reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/".parse().unwrap());
        let err =
            sign_request(&mut request, target, None, SystemTime::now(), &Nonce::new()).unwrap_err();
        assert!(matches!(err, SignError::BadHeaderValue("x-acs-action")));
    }
}

//! ACS3-HMAC-SHA256 signature checks, built on `fc_client::signing` (the same canonicalisation
//! the client signs with; there is no second implementation here).
//!
//! | failure | answer |
//! |---|---|
//! | no `Authorization` header, or one that does not parse | 403 `AccessDenied` |
//! | access key id other than the configured one or the issued temporary one | 403 `InvalidAccessKeyID` |
//! | the temporary key without its `x-acs-security-token`, unsigned, or with another token | 403 `InvalidSecurityToken` |
//! | no `x-acs-date` | 400 `MissingRequiredHeader` |
//! | `x-acs-date` unparsable, not signed, or more than 15 minutes off | 403 `AccessDenied` |
//! | `x-acs-content-sha256` differs from the body's hash | 403 `SignatureNotMatch` |
//! | a signed header missing, or the signature differs | 403 `SignatureNotMatch` |
//! | a `host` or `x-acs-*` header the signature does not cover, or an `x-fc-*` one from a signer that signs every header | 403 `SignatureNotMatch` naming it |
//! | an `x-acs-signature-nonce` already used within the date window ([`Nonces`]) | 403 `SignatureNonceUsed` |

use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;
use fc_client::signing::{self, CanonicalRequest};
use fc_client::timestamp::parse_iso8601;

use fc_models::ErrorCode;

use crate::config::MAX_CLOCK_SKEW_SECS;
use crate::error::{FcError, FcResult};

/// A key pair requests may be signed with.
#[derive(Clone, Copy)]
pub struct SigningKey<'a> {
    /// Access key id.
    pub access_key_id: &'a str,
    /// Access key secret.
    pub access_key_secret: &'a str,
    /// For temporary credentials, the token the request must carry (and sign).
    pub security_token: Option<&'a str>,
}

impl std::fmt::Debug for SigningKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field("security_token", &self.security_token.map(|_| "<redacted>"))
            .finish()
    }
}

/// The parts of a received request that its signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// HTTP method, upper case.
    pub method: &'a str,
    /// The path as received (still percent-encoded), without the query.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// All request headers.
    pub headers: &'a HeaderMap,
    /// The complete body.
    pub body: &'a [u8],
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// 403 `AccessDenied` when the signed time `sent` (named by `what`) is too far from `now`.
fn check_skew(sent: SystemTime, now: SystemTime, what: &str) -> FcResult<()> {
    let skew = now
        .duration_since(sent)
        .or_else(|_| sent.duration_since(now))
        .unwrap_or(Duration::MAX);
    if skew > Duration::from_secs(MAX_CLOCK_SKEW_SECS) {
        return Err(FcError::new(
            ErrorCode::AccessDenied,
            format!(
                "{what} is more than {} minutes away from the server's clock",
                MAX_CLOCK_SKEW_SECS / 60
            ),
        ));
    }
    Ok(())
}

/// A security token names temporary credentials; with a permanent key it can only be one
/// fc-local did not issue: 403 `InvalidSecurityToken`, never ignored.
fn no_token_for_a_permanent_key(headers: &HeaderMap, name: &str) -> FcResult<()> {
    match header(headers, name) {
        Some(token) if !token.is_empty() => Err(FcError::new(
            ErrorCode::InvalidSecurityToken,
            format!(
                "{name} names temporary credentials fc-local did not issue; a permanent access \
                 key takes no security token"
            ),
        )),
        _ => Ok(()),
    }
}

fn mismatch(detail: &str) -> FcError {
    FcError::new(
        ErrorCode::SignatureNotMatch,
        format!("the request signature does not match: {detail}"),
    )
}

/// Checks the signature of `request` against whichever of `accepted` its access key names, at
/// time `now`.
pub fn verify(
    accepted: &[SigningKey<'_>],
    request: SignedRequest<'_>,
    now: SystemTime,
) -> FcResult<()> {
    let authorization = header(request.headers, "authorization").ok_or_else(|| {
        FcError::new(
            ErrorCode::AccessDenied,
            "the request is not signed (no Authorization header)",
        )
    })?;
    let parsed = signing::parse_authorization(authorization).map_err(|e| {
        FcError::new(
            ErrorCode::AccessDenied,
            format!("the Authorization header is malformed: {e}"),
        )
    })?;
    let credentials = accepted
        .iter()
        .find(|c| c.access_key_id == parsed.access_key_id)
        .ok_or_else(|| {
            FcError::new(
                ErrorCode::InvalidAccessKeyID,
                format!("the access key id '{}' is not known", parsed.access_key_id),
            )
        })?;
    if let Some(expected) = credentials.security_token {
        let sent = header(request.headers, "x-acs-security-token").unwrap_or_default();
        let signed = parsed
            .signed_header_names()
            .any(|n| n.eq_ignore_ascii_case("x-acs-security-token"));
        if !signed || !signing::signatures_match(sent, expected) {
            return Err(FcError::new(
                ErrorCode::InvalidSecurityToken,
                "temporary credentials need their own security token, sent and signed as x-acs-security-token",
            ));
        }
    } else {
        no_token_for_a_permanent_key(request.headers, "x-acs-security-token")?;
    }

    let date = header(request.headers, "x-acs-date")
        .ok_or_else(|| FcError::missing_header("x-acs-date"))?;
    if !parsed
        .signed_header_names()
        .any(|n| n.eq_ignore_ascii_case("x-acs-date"))
    {
        return Err(FcError::new(
            ErrorCode::AccessDenied,
            "x-acs-date must be a signed header",
        ));
    }
    let sent = parse_iso8601(date).ok_or_else(|| {
        FcError::new(
            ErrorCode::AccessDenied,
            format!("x-acs-date '{date}' is not an ISO 8601 UTC time"),
        )
    })?;
    check_skew(sent, now, &format!("x-acs-date '{date}'"))?;

    let payload_hash = signing::hash_payload(request.body);
    if let Some(claimed) = header(request.headers, signing::CONTENT_SHA256_HEADER)
        && !claimed.eq_ignore_ascii_case(&payload_hash)
    {
        return Err(mismatch("x-acs-content-sha256 is not the hash of the body"));
    }

    let pairs = signing::decode_query(request.query.unwrap_or(""));
    let all_headers = request
        .headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
    let selected = signing::select_signed_headers(parsed.signed_headers, all_headers);
    let canonical = CanonicalRequest::new(
        request.method,
        request.path,
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        selected,
        &payload_hash,
    );
    let mut claimed: Vec<String> = parsed
        .signed_header_names()
        .map(str::to_ascii_lowercase)
        .collect();
    claimed.sort();
    claimed.dedup();
    if canonical.signed_headers() != claimed.join(";") {
        return Err(mismatch(
            "a header named in SignedHeaders is missing from the request",
        ));
    }
    let expected = canonical.signature(credentials.access_key_secret);
    if !signing::signatures_match(&expected, &parsed.signature.to_ascii_lowercase()) {
        return Err(mismatch(
            "check the access key secret and the signing method",
        ));
    }
    // A header that changes what a request does must be covered: otherwise anyone on the path
    // could add `x-fc-invocation-type: Async` or `x-fc-log-type: Tail` to a signed request.
    // `host` and `x-acs-*` always are. `x-fc-*` are whenever the signer signs headers beyond
    // `host`, `content-type` and `x-acs-*` (fc-client and the official Python SDK sign every
    // header present); the official Node.js SDK's signer (`@alicloud/openapi-util`,
    // `getAuthorizationHeaders`) signs only those three kinds, so its `x-fc-*` headers cannot be
    // covered and are taken unsigned.
    let signs_every_header = claimed
        .iter()
        .any(|name| !(name == "host" || name == "content-type" || name.starts_with("x-acs-")));
    if let Some(unsigned) = request
        .headers
        .keys()
        .map(|name| name.as_str())
        .find(|name| {
            must_be_signed(name, signs_every_header)
                && claimed.binary_search_by(|c| c.as_str().cmp(name)).is_err()
        })
    {
        return Err(mismatch(&format!(
            "the header {unsigned} is not signed (host, x-acs-* and, with a signer that signs every header, x-fc-* headers must be in SignedHeaders)"
        )));
    }
    Ok(())
}

/// Whether a request header must be covered by its ACS3 signature (see [`verify`]).
fn must_be_signed(name: &str, signs_every_header: bool) -> bool {
    name == "host"
        || name.starts_with("x-acs-")
        || (signs_every_header && name.starts_with("x-fc-"))
}

/// The `x-acs-signature-nonce` values of the signed requests seen within the date window, so a
/// captured request cannot be sent again (403 `SignatureNonceUsed`). A request's `x-acs-date`
/// may be up to the skew window old or ahead, so a nonce is kept for twice that; at most
/// [`Nonces::CAPACITY`] are kept (the oldest go first), which bounds the memory.
#[derive(Debug, Default)]
pub struct Nonces {
    seen: std::sync::Mutex<NonceLog>,
}

#[derive(Debug, Default)]
struct NonceLog {
    /// The nonces seen.
    seen: std::collections::HashSet<String>,
    /// The same nonces with when they were seen, oldest first.
    order: std::collections::VecDeque<(SystemTime, String)>,
}

impl Nonces {
    /// How many nonces are kept at most.
    pub const CAPACITY: usize = 100_000;

    /// Records `nonce`, seen at `now`; 403 `SignatureNonceUsed` when it was seen within the window.
    pub fn check(&self, nonce: &str, now: SystemTime) -> FcResult<()> {
        let window = Duration::from_secs(2 * MAX_CLOCK_SKEW_SECS);
        let mut log = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((seen, _)) = log.order.front() {
            let expired = now.duration_since(*seen).is_ok_and(|age| age > window);
            if !expired && log.order.len() < Self::CAPACITY {
                break;
            }
            if let Some((_, old)) = log.order.pop_front() {
                log.seen.remove(&old);
            }
        }
        if log.seen.contains(nonce) {
            return Err(FcError::new(
                ErrorCode::SignatureNonceUsed,
                format!("the signature nonce {nonce:?} was already used; sign every request anew"),
            ));
        }
        log.seen.insert(nonce.to_owned());
        log.order.push_back((now, nonce.to_owned()));
        Ok(())
    }
}

/// Checks a classic FC signature (`Authorization: FC <id>:<signature>`, see
/// `fc_client::signing::classic`), as HTTP triggers with `authType: function` accept it: `Date`
/// within the skew window, an issued key's `x-fc-security-token`, and the signature over the
/// decoded path with the sorted query pairs, or over the path alone as the classic SDKs sign
/// paths that are not `/proxy/` paths (our choice: both are accepted).
pub fn verify_classic(
    accepted: &[SigningKey<'_>],
    request: SignedRequest<'_>,
    now: SystemTime,
) -> FcResult<()> {
    use fc_client::signing::classic;
    let authorization = header(request.headers, "authorization").unwrap_or_default();
    let (key_id, sent_signature) =
        classic::parse_authorization(authorization).ok_or_else(|| {
            FcError::new(
                ErrorCode::AccessDenied,
                "the Authorization header is not `FC <access key id>:<signature>`",
            )
        })?;
    let credentials = accepted
        .iter()
        .find(|c| c.access_key_id == key_id)
        .ok_or_else(|| {
            FcError::new(
                ErrorCode::InvalidAccessKeyID,
                format!("the access key id '{key_id}' is not known"),
            )
        })?;
    if let Some(expected) = credentials.security_token {
        let sent = header(request.headers, "x-fc-security-token").unwrap_or_default();
        if !signing::signatures_match(sent, expected) {
            return Err(FcError::new(
                ErrorCode::InvalidSecurityToken,
                "temporary credentials need their own security token in x-fc-security-token",
            ));
        }
    } else {
        no_token_for_a_permanent_key(request.headers, "x-fc-security-token")?;
    }
    let date = header(request.headers, "date").ok_or_else(|| FcError::missing_header("date"))?;
    let sent = fc_client::timestamp::parse_http_date(date).ok_or_else(|| {
        FcError::new(
            ErrorCode::AccessDenied,
            format!("Date '{date}' is not an HTTP date (RFC 1123, GMT)"),
        )
    })?;
    check_skew(sent, now, &format!("Date '{date}'"))?;
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let path = signing::decode_path(request.path);
    let queries = signing::decode_query(request.query.unwrap_or(""));
    let text = |queries: Option<&[(String, String)]>| {
        classic::string_to_sign(
            request.method,
            header(request.headers, "content-md5").unwrap_or_default(),
            header(request.headers, "content-type").unwrap_or_default(),
            date,
            headers.iter().copied(),
            &path,
            queries,
        )
    };
    let matches = |text: String| {
        signing::signatures_match(
            &classic::signature(credentials.access_key_secret, &text),
            sent_signature,
        )
    };
    if matches(text(Some(&queries))) || matches(text(None)) {
        Ok(())
    } else {
        Err(mismatch(
            "check the access key secret and the signing method",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use fc_client::timestamp::format_iso8601;

    const CREDS: SigningKey<'static> = SigningKey {
        access_key_id: "AK",
        access_key_secret: "SK",
        security_token: None,
    };

    fn signed(method: &str, path: &str, query: &str, body: &[u8], date: SystemTime) -> HeaderMap {
        let hash = signing::hash_payload(body);
        let date = format_iso8601(date);
        let headers = [
            ("host", "127.0.0.1:9000"),
            ("x-acs-date", date.as_str()),
            ("x-acs-content-sha256", hash.as_str()),
            ("x-acs-action", "GetFunction"),
        ];
        let pairs = signing::decode_query(query);
        let auth = CanonicalRequest::new(
            method,
            path,
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            headers,
            &hash,
        )
        .authorization("AK", "SK");
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(k, HeaderValue::from_str(v).unwrap());
        }
        map.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        map
    }

    fn check(
        method: &str,
        path: &str,
        query: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> FcResult<()> {
        let request = SignedRequest {
            method,
            path,
            query: Some(query),
            headers,
            body,
        };
        verify(&[CREDS], request, SystemTime::now())
    }

    #[test]
    fn accepts_a_good_signature_and_plus_as_space() {
        let now = SystemTime::now();
        let headers = signed(
            "GET",
            "/2023-03-30/functions",
            "prefix=a%20b&limit=1",
            b"",
            now,
        );
        assert_eq!(
            check(
                "GET",
                "/2023-03-30/functions",
                "limit=1&prefix=a+b",
                &headers,
                b""
            ),
            Ok(())
        );
    }

    #[test]
    fn rejects_tampering() {
        let now = SystemTime::now();
        let headers = signed("POST", "/2023-03-30/functions", "a=1", b"{}", now);
        let code = |r: FcResult<()>| r.unwrap_err().code.as_str().to_owned();
        assert_eq!(
            code(check(
                "POST",
                "/2023-03-30/functionz",
                "a=1",
                &headers,
                b"{}"
            )),
            "SignatureNotMatch"
        );
        assert_eq!(
            code(check(
                "POST",
                "/2023-03-30/functions",
                "a=2",
                &headers,
                b"{}"
            )),
            "SignatureNotMatch"
        );
        assert_eq!(
            code(check(
                "PUT",
                "/2023-03-30/functions",
                "a=1",
                &headers,
                b"{}"
            )),
            "SignatureNotMatch"
        );
        assert_eq!(
            code(check(
                "POST",
                "/2023-03-30/functions",
                "a=1",
                &headers,
                b"{ }"
            )),
            "SignatureNotMatch"
        );
        let mut changed = headers.clone();
        changed.insert("x-acs-action", HeaderValue::from_static("DeleteFunction"));
        assert_eq!(
            code(check(
                "POST",
                "/2023-03-30/functions",
                "a=1",
                &changed,
                b"{}"
            )),
            "SignatureNotMatch"
        );
        let mut missing = headers.clone();
        missing.remove("x-acs-action");
        assert_eq!(
            code(check(
                "POST",
                "/2023-03-30/functions",
                "a=1",
                &missing,
                b"{}"
            )),
            "SignatureNotMatch"
        );
    }

    #[test]
    fn rejects_missing_unknown_key_and_skew() {
        let code = |r: FcResult<()>| r.unwrap_err().code.as_str().to_owned();
        assert_eq!(
            code(check("GET", "/", "", &HeaderMap::new(), b"")),
            "AccessDenied"
        );
        let mut other_key = signed("GET", "/", "", b"", SystemTime::now());
        let auth = other_key["authorization"]
            .to_str()
            .unwrap()
            .replace("Credential=AK", "Credential=XX");
        other_key.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        assert_eq!(
            code(check("GET", "/", "", &other_key, b"")),
            "InvalidAccessKeyID"
        );
        let mut with_token = signed("GET", "/", "", b"", SystemTime::now());
        with_token.insert("x-acs-security-token", HeaderValue::from_static("bogus"));
        assert_eq!(
            code(check("GET", "/", "", &with_token, b"")),
            "InvalidSecurityToken",
            "a permanent key with a token fc-local never issued"
        );
        let old = SystemTime::now() - Duration::from_secs(16 * 60);
        assert_eq!(
            code(check(
                "GET",
                "/",
                "",
                &signed("GET", "/", "", b"", old),
                b""
            )),
            "AccessDenied"
        );
        let future = SystemTime::now() + Duration::from_secs(16 * 60);
        assert_eq!(
            code(check(
                "GET",
                "/",
                "",
                &signed("GET", "/", "", b"", future),
                b""
            )),
            "AccessDenied"
        );
        let near = SystemTime::now() - Duration::from_secs(14 * 60);
        assert_eq!(
            check("GET", "/", "", &signed("GET", "/", "", b"", near), b""),
            Ok(())
        );
    }
}

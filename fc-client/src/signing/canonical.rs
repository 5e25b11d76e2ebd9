//! Canonicalisation and signing: percent-encoding, the canonical path, query and headers, the
//! canonical request, the string to sign, the HMAC signature and the `Authorization` value.

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
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Writes `bytes` to `out`, escaping every byte outside the unreserved set as `%XX` with
/// uppercase hex digits; runs of unreserved bytes go out whole.
pub(crate) fn encode_bytes_into<W: std::fmt::Write + ?Sized>(
    bytes: &[u8],
    out: &mut W,
) -> fmt::Result {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) {
            continue;
        }
        // Unreserved bytes are ASCII, so the run before `b` is text.
        out.write_str(std::str::from_utf8(&bytes[start..i]).unwrap_or_default())?;
        let escape = [
            b'%',
            UPPER_HEX[usize::from(b >> 4)],
            UPPER_HEX[usize::from(b & 0x0f)],
        ];
        out.write_str(std::str::from_utf8(&escape).unwrap_or_default())?;
        start = i + 1;
    }
    out.write_str(std::str::from_utf8(&bytes[start..]).unwrap_or_default())
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
    let _ = encode_bytes_into(s.as_bytes(), &mut out);
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
        let _ = encode_bytes_into(&percent_decode_bytes(segment, false), &mut out);
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
    super::hex::encode(&Sha256::digest(body))
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
        let _ = encode_bytes_into(key.as_bytes(), &mut out);
        out.push('=');
        let _ = encode_bytes_into(value.as_bytes(), &mut out);
    }
    out
}

/// A percent-encoded path (or path segment) decoded to text: `%2F` becomes `/`, `+` stays `+`;
/// bytes that are not UTF-8 become U+FFFD.
///
/// ```
/// assert_eq!(fc_client::signing::decode_path("/a%20b/c+d%2Fe"), "/a b/c+d/e");
/// ```
pub fn decode_path(raw: &str) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(raw, false)).into_owned()
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
/// the `Authorization` header instead (see [`select_signed_headers`](super::select_signed_headers)).
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
        format!("{ALGORITHM}\n{}", super::hex::encode(&digest))
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
    super::hex::encode(&mac.finalize().into_bytes())
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

//! The verifier's side: reading an `Authorization` header, picking the headers it names, and
//! comparing signatures in constant time. A server rebuilds the
//! [`CanonicalRequest`](super::CanonicalRequest) from what arrived with these and compares.

use std::fmt;

use super::ALGORITHM;

/// Picks, from all headers of an incoming request, those whose names appear
/// in a `SignedHeaders` list (`a;b;c`, as found in
/// [`ParsedAuthorization::signed_headers`]), comparing names
/// case-insensitively and keeping every occurrence of repeated headers.
///
/// A listed header that the request lacks is simply absent from the result;
/// the [`CanonicalRequest::signed_headers`](super::CanonicalRequest::signed_headers) built from it will then differ
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
/// [`signature`](super::signature) are lowercase hex. Strings of different lengths are unequal
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
    use super::super::*;

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
}

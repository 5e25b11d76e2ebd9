//! Signs an outgoing `reqwest::Request` with ACS3-HMAC-SHA256.
//!
//! The request body must be in memory: the signature covers the SHA-256 of the whole body
//! (`x-acs-content-sha256`), so a body is hashed once before it is sent (for an `InvokeFunction`
//! payload that is one pass over the bytes, about 2 ms per 2 MB, and no copy). A streaming body
//! cannot be hashed ahead and is refused with an error.

use std::time::SystemTime;

use reqwest::header::{HeaderName, HeaderValue};

use crate::credentials::Credentials;
use crate::signing::{self, CanonicalRequest};
use crate::timestamp::format_iso8601;

/// Why a request could not be signed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignError {
    #[error(
        "the request body is a stream; ACS3 signing needs the whole body in memory (pass bytes)"
    )]
    StreamingBody,
    #[error("the request URL has no host")]
    NoHost,
    #[error("header `{0}` has a value that is not valid in an HTTP header")]
    BadHeaderValue(&'static str),
}

/// What identifies a request to the API: the action and the API version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    /// The ACS action name, sent as `x-acs-action`.
    pub(crate) action: &'a str,
    /// The API version, sent as `x-acs-version`.
    pub(crate) version: &'a str,
}

/// Sets the `x-acs-*` headers of `target` and, with `credentials`, signs the request.
pub(crate) fn sign(
    request: &mut reqwest::Request,
    target: Target<'_>,
    credentials: Option<&Credentials>,
    now: SystemTime,
    nonce: &str,
) -> Result<(), SignError> {
    let hashed = match request.body() {
        None => signing::EMPTY_PAYLOAD_HASH.to_owned(),
        Some(body) => signing::hash_payload(body.as_bytes().ok_or(SignError::StreamingBody)?),
    };
    let host = {
        let url = request.url();
        let host = url.host_str().ok_or(SignError::NoHost)?;
        match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    };
    let date = format_iso8601(now);
    let mut set = |name: &'static str, value: &str| -> Result<(), SignError> {
        let value = HeaderValue::from_str(value).map_err(|_| SignError::BadHeaderValue(name))?;
        request
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
        Ok(())
    };
    set("host", &host)?;
    set("x-acs-action", target.action)?;
    set("x-acs-version", target.version)?;
    set("x-acs-date", &date)?;
    set("x-acs-signature-nonce", nonce)?;
    set(signing::CONTENT_SHA256_HEADER, &hashed)?;
    let Some(credentials) = credentials else {
        request.headers_mut().remove(reqwest::header::AUTHORIZATION);
        return Ok(());
    };
    match credentials.security_token() {
        Some(token) => set("x-acs-security-token", token)?,
        None => {
            request.headers_mut().remove("x-acs-security-token");
        }
    }

    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let query = signing::decode_query(request.url().query().unwrap_or(""));
    let canonical = CanonicalRequest::new(
        request.method().as_str(),
        request.url().path(),
        query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        signing::headers_to_sign(headers),
        &hashed,
    );
    let authorization =
        canonical.authorization(credentials.access_key_id(), credentials.access_key_secret());
    let value = HeaderValue::from_str(&authorization)
        .map_err(|_| SignError::BadHeaderValue("authorization"))?;
    request
        .headers_mut()
        .insert(reqwest::header::AUTHORIZATION, value);
    Ok(())
}

/// A fresh signature nonce: unique per request, not secret.
pub(crate) fn nonce() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // The counter keeps nonces of one process distinct even within one clock tick.
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:016x}{count:016x}", crate::backoff::seed(count))
}

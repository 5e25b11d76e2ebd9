//! The gate every API request passes before a handler runs: it reads the whole body (enforcing
//! the size limit), refuses a query that repeats a key (no operation takes one twice, and a
//! handler reading the first of two would act on what the signature's sorted pairs do not pin
//! down), checks the request's signature with [`crate::auth`] and refuses a replayed one (its
//! `x-acs-signature-nonce` already seen).

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::SystemTime;

use crate::auth::{self, Nonces, SignedRequest, SigningKey};
use crate::config::Config;
use crate::error::FcError;

/// What the layer needs: the size limit and the keys (from the configuration), and the path
/// prefixes clients call without signing.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The server's configuration.
    pub config: Arc<Config>,
    /// Paths under these prefixes are not signature-checked.
    pub unsigned_prefixes: &'static [&'static str],
    /// The nonces of the signed requests seen within the date window.
    pub nonces: Arc<Nonces>,
}

fn too_large(limit: usize) -> Response {
    FcError::entity_too_large(format!(
        "the request body exceeds the maximum of {limit} bytes"
    ))
    .into_response()
}

/// Buffers the body (413 `EntityTooLarge` past the limit) and verifies the signature, except
/// under the gate's unsigned prefixes (code download links, HTTP trigger URLs and the console,
/// which check what they need themselves) and FC 2.0's HTTP trigger paths (`fc2::proxy`). FC 2.0
/// paths also take the classic `FC` signature.
pub async fn layer(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let (parts, bytes) = match buffered(&gate.config, request).await {
        Ok(buffered) => buffered,
        Err(response) => return response,
    };
    let config = &gate.config;
    let path = parts.uri.path();
    let unsigned_path = gate
        .unsigned_prefixes
        .iter()
        .any(|prefix| path.starts_with(prefix))
        || crate::fc2::proxy::is_proxy_path(path);
    if !unsigned_path {
        if let Some(key) = repeated_query_key(parts.uri.query()) {
            return FcError::invalid_argument(format!(
                "the query parameter {key:?} appears more than once; no operation takes a repeated parameter"
            ))
            .into_response();
        }
        let checked = if crate::fc2::is_fc2_path(path) {
            check_trigger_signature(config, &parts, &bytes)
        } else {
            check_signature(config, &parts, &bytes)
        };
        if let Err(err) = checked.and_then(|()| not_replayed(config, &gate.nonces, &parts)) {
            return err.into_response();
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The first query key that appears twice (`a=1&a=2`), decoded.
fn repeated_query_key(query: Option<&str>) -> Option<String> {
    let mut pairs = fc_client::signing::decode_query(query?);
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
        .windows(2)
        .find(|pair| pair[0].0 == pair[1].0)
        .map(|pair| pair[0].0.clone())
}

/// 403 `SignatureNonceUsed` when a signed ACS3 request's nonce was seen before (the classic
/// scheme has no nonce; an unsigned server checks nothing).
fn not_replayed(config: &Config, nonces: &Nonces, parts: &Parts) -> Result<(), FcError> {
    if !config.auth {
        return Ok(());
    }
    match parts
        .headers
        .get("x-acs-signature-nonce")
        .and_then(|v| v.to_str().ok())
    {
        Some(nonce) => nonces.check(nonce, SystemTime::now()),
        None => Ok(()),
    }
}

/// The request's head and whole body; 413 `EntityTooLarge` past the server's limit (checked
/// on `Content-Length` first, then while reading).
pub async fn buffered(config: &Config, request: Request) -> Result<(Parts, Bytes), Response> {
    let limit = config.max_body_bytes;
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(limit));
    }
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok((parts, bytes)),
        Err(_) => Err(too_large(limit)),
    }
}

/// Verifies the signature of a request (its head and whole body) against the server's keys and
/// the temporary credentials it issues to functions; always `Ok` with `--no-auth`. The API
/// requests pass it in [`layer`]; HTTP triggers with `authType: function` call it themselves.
pub fn check_signature(config: &Config, parts: &Parts, body: &[u8]) -> Result<(), FcError> {
    check(config, parts, body, auth::verify)
}

/// [`check_signature`] for HTTP triggers, custom domains and the FC 2.0 API, which also take
/// the classic FC scheme (`Authorization: FC ...`).
pub fn check_trigger_signature(config: &Config, parts: &Parts, body: &[u8]) -> Result<(), FcError> {
    let classic = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("FC "));
    if classic {
        check(config, parts, body, auth::verify_classic)
    } else {
        check_signature(config, parts, body)
    }
}

type Verifier = fn(&[SigningKey<'_>], SignedRequest<'_>, SystemTime) -> Result<(), FcError>;

fn check(config: &Config, parts: &Parts, body: &[u8], verify: Verifier) -> Result<(), FcError> {
    if !config.auth {
        return Ok(());
    }
    let accepted = [
        SigningKey {
            access_key_id: &config.access_key_id,
            access_key_secret: &config.access_key_secret,
            security_token: None,
        },
        SigningKey {
            access_key_id: &config.issued.access_key_id,
            access_key_secret: &config.issued.access_key_secret,
            security_token: Some(&config.issued.security_token),
        },
    ];
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body,
    };
    verify(&accepted, signed, SystemTime::now())
}

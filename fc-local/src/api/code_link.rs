//! Time-limited code download links, the local stand-in for the signed OSS URLs that
//! GetFunctionCode returns. A link needs no credentials: it is
//! `/__code/<checksum>.<expiry>.<mac>`, where the MAC (HMAC-SHA256 under a per-process random
//! key) covers the checksum and the expiry time, so a link can neither be forged nor extended.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fc_client::signing;

use fc_models::ErrorCode;

use crate::config::CODE_URL_TTL_SECS;
use crate::error::{FcError, FcResult};
use crate::state::AppState;

/// Path prefix of download links; requests under it are not signature-checked.
pub const DOWNLOAD_PREFIX: &str = "/__code/";

/// The `Code` of a link whose package is gone. A download link stands in for a signed OSS URL,
/// not for an API operation, so its answers need not be API error codes: this one is not in the
/// shared `ErrorCode` list and stays fc-local's own (our choice), with status 404.
const PACKAGE_GONE: &str = "NotFound";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn mac(state: &AppState, checksum: &str, expiry: u64) -> String {
    signing::signature(&state.link_key, &format!("{checksum}.{expiry}"))
}

/// A download URL for the package `checksum`, on the host the client used to reach us.
pub fn url(state: &AppState, headers: &HeaderMap, checksum: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("127.0.0.1");
    let expiry = unix_now() + CODE_URL_TTL_SECS;
    format!(
        "http://{host}{DOWNLOAD_PREFIX}{checksum}.{expiry}.{}",
        mac(state, checksum, expiry)
    )
}

/// `GET /__code/{token}`: the ZIP bytes, while the link is valid.
pub async fn download(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> FcResult<Response> {
    let denied = || {
        FcError::new(
            ErrorCode::AccessDenied,
            "the code download link is invalid or has expired",
        )
    };
    let mut parts = token.splitn(3, '.');
    let (Some(checksum), Some(expiry), Some(given)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(denied());
    };
    let expiry: u64 = expiry.parse().map_err(|_| denied())?;
    if !signing::signatures_match(&mac(&state, checksum, expiry), given) || expiry < unix_now() {
        return Err(denied());
    }
    let bytes = state.store.code(checksum).await?.ok_or_else(|| {
        FcError::with_status(
            StatusCode::NOT_FOUND,
            ErrorCode::from(PACKAGE_GONE),
            "the code package no longer exists",
        )
    })?;
    let mut response = (StatusCode::OK, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    Ok(response)
}

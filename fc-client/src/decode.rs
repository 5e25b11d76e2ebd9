//! Decoding a JSON answer into the generated operations' `ResponseValue`: as progenitor's
//! `ResponseValue::from_response` does, but the answer's headers are moved into the value, not
//! copied (codegen points every generated JSON operation here).

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// The JSON body of `response` as `T`, with the answer's status and headers.
pub(crate) async fn json_value<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

//! The answer to an invocation: status, headers, decoded log tail, and the body.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};
use progenitor_client::{ByteStream, ResponseValue};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::{
    ASYNC_TASK_ID_HEADER, ERROR_TYPE_HEADER, FunctionError, FunctionErrorType, InvokeError,
    STATEFUL_ASYNC_INVOCATION_ID_HEADER,
};
use super::{LOG_RESULT_HEADER, error::body_prefix};
use crate::{Error, REQUEST_ID_HEADER};

/// Standard base64 that accepts the log with or without its `=` padding.
const LOG_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The answer to a successful `InvokeFunction` call (any 2xx).
///
/// "Successful" is about the call: the function itself may still have failed, which
/// [`function_error`](Self::function_error) tells. The headers are read when the answer arrives;
/// the body is left on the connection until it is consumed with [`bytes`](Self::bytes),
/// [`text`](Self::text), [`json`](Self::json) or [`into_stream`](Self::into_stream).
///
/// ```no_run
/// # async fn example(client: fc_client::Client) -> Result<(), fc_client::InvokeError> {
/// let output = client.invoke("hello").log_tail().send().await?;
/// println!("status {} request {:?}", output.status(), output.request_id());
/// println!("ran on {:?} for {:?}", output.instance_id(), output.duration());
/// if let Some(log) = output.log() {
///     println!("{log}");
/// }
/// let greeting: String = output.into_result().await?.json().await?;
/// # let _ = greeting;
/// # Ok(())
/// # }
/// ```
pub struct InvokeOutput {
    status: u16,
    headers: HeaderMap,
    function_error: Option<FunctionErrorType>,
    log: Option<String>,
    body: ByteStream,
}

impl fmt::Debug for InvokeOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvokeOutput")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("function_error", &self.function_error)
            .field("headers", &self.headers)
            .field("log", &self.log)
            .finish_non_exhaustive()
    }
}

impl InvokeOutput {
    pub(crate) fn from_response(response: ResponseValue<ByteStream>) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let function_error = headers
            .get(ERROR_TYPE_HEADER)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
            .filter(|value| !value.is_empty())
            .map(FunctionErrorType::from);
        let log = text_header(&headers, LOG_RESULT_HEADER).and_then(decode_log);
        InvokeOutput {
            status,
            headers,
            function_error,
            log,
            body: response.into_inner(),
        }
    }

    /// The HTTP status: 200 for a synchronous call, 202 for an accepted asynchronous one.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// assert_eq!(client.invoke("f").asynchronous().send().await?.status(), 202);
    /// # Ok(())
    /// # }
    /// ```
    pub fn status(&self) -> u16 {
        self.status
    }

    /// All response headers, for anything without an accessor of its own.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let output = client.invoke("f").send().await?;
    /// let checksum = output.headers().get("x-fc-code-checksum");
    /// # let _ = checksum;
    /// # Ok(())
    /// # }
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id (`x-fc-request-id`), for support tickets and log searches.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// println!("{:?}", client.invoke("f").send().await?.request_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        text_header(&self.headers, REQUEST_ID_HEADER)
    }

    /// The task id of an asynchronous invocation (`x-fc-async-task-id`, FC 2.0:
    /// `x-fc-stateful-async-invocation-id`): the one given with
    /// [`Invoke::async_task_id`](super::Invoke::async_task_id), or the one the service chose.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let queued = client.invoke("f").asynchronous().send().await?;
    /// println!("{:?}", queued.async_task_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn async_task_id(&self) -> Option<&str> {
        text_header(&self.headers, ASYNC_TASK_ID_HEADER)
            .or_else(|| text_header(&self.headers, STATEFUL_ASYNC_INVOCATION_ID_HEADER))
    }

    /// How the function failed (`x-fc-error-type`), or `None` if it did not (an empty header
    /// counts as no header).
    ///
    /// ```no_run
    /// use fc_client::FunctionErrorType;
    ///
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let output = client.invoke("f").send().await?;
    /// if output.function_error() == Some(&FunctionErrorType::Unhandled) {
    ///     eprintln!("the function raised");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn function_error(&self) -> Option<&FunctionErrorType> {
        self.function_error.as_ref()
    }

    /// The end of the invocation's log (the last 4 KB), decoded from `x-fc-log-result`.
    ///
    /// Present only when asked for with [`Invoke::log_tail`](super::Invoke::log_tail). Bytes that
    /// are not UTF-8 (the 4 KB cut can split a character) become U+FFFD. If the header is not
    /// valid base64 this is `None` and [`raw_log`](Self::raw_log) still has the value as sent.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let output = client.invoke("f").log_tail().send().await?;
    /// for line in output.log().unwrap_or_default().lines() {
    ///     println!("| {line}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn log(&self) -> Option<&str> {
        self.log.as_deref()
    }

    /// The `x-fc-log-result` header exactly as received (base64).
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let output = client.invoke("f").log_tail().send().await?;
    /// if output.log().is_none() {
    ///     eprintln!("undecodable log: {:?}", output.raw_log());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw_log(&self) -> Option<&str> {
        text_header(&self.headers, LOG_RESULT_HEADER)
    }

    /// The id of the instance that ran the call (`x-fc-instance-id`), if the service sent it.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// println!("{:?}", client.invoke("f").send().await?.instance_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn instance_id(&self) -> Option<&str> {
        text_header(&self.headers, "x-fc-instance-id")
    }

    /// The code version that ran (`x-fc-invocation-code-version`), if the service sent it.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// println!("{:?}", client.invoke("f").qualifier("prod").send().await?.code_version());
    /// # Ok(())
    /// # }
    /// ```
    pub fn code_version(&self) -> Option<&str> {
        text_header(&self.headers, "x-fc-invocation-code-version")
    }

    /// The CRC-64 of the code package that ran (`x-fc-code-checksum`, a decimal string), if the
    /// service sent it.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// println!("{:?}", client.invoke("f").send().await?.code_checksum());
    /// # Ok(())
    /// # }
    /// ```
    pub fn code_checksum(&self) -> Option<&str> {
        text_header(&self.headers, "x-fc-code-checksum")
    }

    /// How long the function ran (`x-fc-invocation-duration`, milliseconds), if the service
    /// sent a readable value.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// println!("{:?}", client.invoke("f").send().await?.duration());
    /// # Ok(())
    /// # }
    /// ```
    pub fn duration(&self) -> Option<Duration> {
        let millis = number_header(&self.headers, "x-fc-invocation-duration")?;
        Duration::try_from_secs_f64(millis / 1000.0).ok()
    }

    /// The peak memory the instance used, in MB (`x-fc-max-memory-usage`), if the service sent a
    /// readable value.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// println!("{:?} MB", client.invoke("f").send().await?.max_memory_usage_mb());
    /// # Ok(())
    /// # }
    /// ```
    pub fn max_memory_usage_mb(&self) -> Option<f64> {
        number_header(&self.headers, "x-fc-max-memory-usage")
    }

    /// The body as a stream of chunks, as they arrive; nothing is buffered.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let mut body = client.invoke("export").send().await?.into_stream();
    /// let mut total = 0;
    /// while let Some(chunk) = body.try_next().await? {
    ///     total += chunk.len();
    /// }
    /// println!("{total} bytes");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_stream(self) -> InvokeBody {
        InvokeBody {
            inner: self.body.into_inner(),
        }
    }

    /// The whole body.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// let bytes = client.invoke("f").send().await?.bytes().await?;
    /// println!("{} bytes", bytes.len());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn bytes(self) -> Result<Bytes, Error> {
        collect(self.into_stream()).await
    }

    /// The whole body as text; bytes that are not UTF-8 become U+FFFD.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
    /// println!("{}", client.invoke("f").send().await?.text().await?);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn text(self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The whole body decoded from JSON.
    ///
    /// Fails with [`InvokeError::Api`] if the body cannot be read and with
    /// [`InvokeError::Decode`] if it is not the JSON `T` expects. It does not look at
    /// [`function_error`](Self::function_error): call [`into_result`](Self::into_result) first
    /// to treat a failed function as an error.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::InvokeError> {
    /// let value: serde_json::Value = client.invoke("f").send().await?.json().await?;
    /// # let _ = value;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, InvokeError> {
        let request_id = self.request_id().map(str::to_owned);
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|e| InvokeError::Decode {
            message: e.to_string(),
            body_prefix: body_prefix(&bytes),
            request_id,
        })
    }

    /// Turns a function failure into an error: `Ok(self)` if the function succeeded,
    /// [`InvokeError::Function`] (with the body read) if it failed, [`InvokeError::Api`] if the
    /// failed function's body could not be read.
    ///
    /// ```no_run
    /// use fc_client::InvokeError;
    ///
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::InvokeError> {
    /// match client.invoke("f").send().await?.into_result().await {
    ///     Ok(output) => println!("{}", output.text().await?),
    ///     Err(InvokeError::Function(failure)) => {
    ///         eprintln!("{} raised: {:?}", failure.error_type(), failure.message());
    ///     }
    ///     Err(other) => return Err(other),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn into_result(self) -> Result<InvokeOutput, InvokeError> {
        let Some(error_type) = self.function_error.clone() else {
            return Ok(self);
        };
        let status = self.status;
        let request_id = self.request_id().map(str::to_owned);
        let log = self.log.clone();
        let body = self.bytes().await?;
        Err(InvokeError::Function(FunctionError::new(
            error_type, status, body, request_id, log,
        )))
    }
}

/// The body of an invocation's answer as a stream of chunks.
///
/// Made by [`InvokeOutput::into_stream`]. A failure while reading (the connection dropped, the
/// call's timeout passed) is an [`Error`] of kind `Transport` or `Timeout`.
///
/// ```no_run
/// use futures::StreamExt;
///
/// # async fn example(client: fc_client::Client) -> Result<(), fc_client::Error> {
/// let mut body = client.invoke("f").send().await?.into_stream();
/// while let Some(chunk) = body.next().await {
///     println!("{} bytes", chunk?.len());
/// }
/// # Ok(())
/// # }
/// ```
pub struct InvokeBody {
    inner: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>,
}

impl fmt::Debug for InvokeBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvokeBody").finish_non_exhaustive()
    }
}

impl Stream for InvokeBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|chunk| chunk.map_err(crate::error::from_reqwest)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

async fn collect(mut body: InvokeBody) -> Result<Bytes, Error> {
    let Some(first) = body.next().await.transpose()? else {
        return Ok(Bytes::new());
    };
    let Some(second) = body.next().await.transpose()? else {
        return Ok(first); // one chunk: no copy
    };
    let mut all = BytesMut::with_capacity(first.len() + second.len());
    all.extend_from_slice(&first);
    all.extend_from_slice(&second);
    while let Some(chunk) = body.next().await.transpose()? {
        all.extend_from_slice(&chunk);
    }
    Ok(all.freeze())
}

fn text_header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn number_header(headers: &HeaderMap, name: &str) -> Option<f64> {
    text_header(headers, name)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
}

/// Decodes the base64 log tail; `None` (with a warning) if it is not base64.
fn decode_log(raw: &str) -> Option<String> {
    match LOG_BASE64.decode(raw.trim()) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(error) => {
            tracing::warn!(%error, "x-fc-log-result is not valid base64; see InvokeOutput::raw_log");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_decodes_with_or_without_padding() {
        assert_eq!(decode_log("aGk=").as_deref(), Some("hi"));
        assert_eq!(decode_log("aGk").as_deref(), Some("hi"));
        assert_eq!(decode_log(" aGk= ").as_deref(), Some("hi"));
        assert_eq!(decode_log("").as_deref(), Some(""));
    }

    #[test]
    fn bad_log_is_none_not_a_panic() {
        assert_eq!(decode_log("not base64!"), None);
        assert_eq!(decode_log("a"), None);
    }

    #[test]
    fn split_utf8_in_log_is_replaced() {
        // "é" is C3 A9; a log cut after C3 must still decode.
        let cut = base64::engine::general_purpose::STANDARD.encode([b'a', 0xC3]);
        assert_eq!(decode_log(&cut).as_deref(), Some("a\u{FFFD}"));
    }

    #[test]
    fn numbers_from_headers_are_checked() {
        let mut headers = HeaderMap::new();
        headers.insert("n", "12.5".parse().expect("header"));
        headers.insert("neg", "-1".parse().expect("header"));
        headers.insert("nan", "NaN".parse().expect("header"));
        headers.insert("word", "fast".parse().expect("header"));
        assert_eq!(number_header(&headers, "n"), Some(12.5));
        assert_eq!(number_header(&headers, "neg"), None);
        assert_eq!(number_header(&headers, "nan"), None);
        assert_eq!(number_header(&headers, "word"), None);
        assert_eq!(number_header(&headers, "absent"), None);
    }
}

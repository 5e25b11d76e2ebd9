//! Downloading a function's code package: GetFunctionCode, then a plain GET of the pre-signed
//! URL it returns, then a CRC-64 check against the checksum it announced.

use std::future::Future;

use bytes::Bytes;
use progenitor_client::ClientInfo;

use super::checksum::{crc64_xz, parse_checksum};
use super::error::{CodeError, ZipReadError};
use super::zip_reader::ZipArchive;

/// Code-package helpers on [`Client`](crate::Client).
///
/// ```no_run
/// # async fn example(client: fc_client::Client) -> Result<(), fc_client::code::CodeError> {
/// use fc_client::code::{CodeExt, DEFAULT_MAX_UNCOMPRESSED};
///
/// let code = client.download_function_code("my-function", Some("LATEST")).await?;
/// println!("{} bytes, checksum {}", code.len(), code.checksum());
/// for entry in code.read_zip(DEFAULT_MAX_UNCOMPRESSED)?.entries() {
///     println!("{:o} {}", entry.mode, entry.path);
/// }
/// # Ok(())
/// # }
/// ```
pub trait CodeExt {
    /// Calls GetFunctionCode for `function_name` (at `qualifier`, a version or alias, or the
    /// latest code when `None`), downloads the package from the returned pre-signed URL and
    /// checks its CRC-64 against the returned `checksum`.
    ///
    /// The download goes through the client's pooled HTTP client as a plain GET: no signature
    /// or credentials are sent to that URL, which carries its own. It is bounded by the client's
    /// operation timeout ([`Timeouts::operation`](crate::Timeouts::operation)), like the API call
    /// before it. Error messages show the URL without its query string, where that signature
    /// lives.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::Client) -> Result<(), fc_client::code::CodeError> {
    /// use fc_client::code::CodeExt;
    ///
    /// let code = client.download_function_code("my-function", None).await?;
    /// std::fs::write("my-function.zip", code.bytes()).expect("write the zip");
    /// # Ok(())
    /// # }
    /// ```
    fn download_function_code(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> impl Future<Output = Result<DownloadedCode, CodeError>> + Send;
}

impl CodeExt for crate::Client {
    fn download_function_code(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> impl Future<Output = Result<DownloadedCode, CodeError>> + Send {
        let function_name = function_name.to_owned();
        let qualifier = qualifier.map(str::to_owned);
        async move {
            let mut request = self.get_function_code().function_name(function_name);
            if let Some(qualifier) = qualifier {
                request = request.qualifier(qualifier);
            }
            let location = request.send().await?.into_inner();
            let url = location
                .url
                .filter(|url| !url.is_empty())
                .ok_or(CodeError::MissingField { field: "url" })?;
            let announced = location
                .checksum
                .filter(|checksum| !checksum.is_empty())
                .ok_or(CodeError::MissingField { field: "checksum" })?;
            let expected =
                parse_checksum(&announced).ok_or_else(|| CodeError::InvalidChecksum {
                    value: announced.clone(),
                })?;
            let timeout = ClientInfo::inner(self).settings.timeouts.operation;
            let bytes = fetch(ClientInfo::client(self), &url, timeout).await?;
            let actual = crc64_xz(&bytes);
            if actual != expected {
                return Err(CodeError::ChecksumMismatch {
                    expected: expected.to_string(),
                    actual: actual.to_string(),
                });
            }
            Ok(DownloadedCode {
                bytes,
                crc64: actual,
            })
        }
    }
}

/// GETs `url` without any of the client's request hooks (no signing) and returns the body,
/// giving up after `timeout`.
async fn fetch(
    http: &reqwest::Client,
    url: &str,
    timeout: std::time::Duration,
) -> Result<Bytes, CodeError> {
    let parsed = reqwest::Url::parse(url).map_err(|error| CodeError::InvalidUrl {
        reason: error.to_string(),
    })?;
    let shown = redacted(&parsed);
    // reqwest's errors quote the full URL, signature included: strip it from them too.
    let download_error = |source: reqwest::Error| CodeError::Download {
        url: shown.clone(),
        source: source.without_url(),
    };
    let response = http
        .get(parsed)
        .timeout(timeout)
        .send()
        .await
        .map_err(download_error)?;
    let status = response.status();
    if !status.is_success() {
        return Err(CodeError::DownloadStatus {
            url: shown.clone(),
            status: status.as_u16(),
        });
    }
    response.bytes().await.map_err(download_error)
}

/// The URL without query and fragment: safe to show in errors and logs.
fn redacted(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// A downloaded code package whose CRC-64 matched the checksum GetFunctionCode announced.
///
/// ```no_run
/// # async fn example(client: fc_client::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use fc_client::code::{CodeExt, DEFAULT_MAX_UNCOMPRESSED};
///
/// let code = client.download_function_code("my-function", None).await?;
/// code.read_zip(DEFAULT_MAX_UNCOMPRESSED)?.extract_to("./my-function")?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadedCode {
    bytes: Bytes,
    crc64: u64,
}

impl DownloadedCode {
    /// The package bytes (a ZIP).
    ///
    /// ```no_run
    /// # fn f(code: fc_client::code::DownloadedCode) {
    /// assert!(code.bytes().starts_with(b"PK"));
    /// # }
    /// ```
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The package bytes, by value.
    ///
    /// ```no_run
    /// # fn f(code: fc_client::code::DownloadedCode) {
    /// let bytes: bytes::Bytes = code.into_bytes();
    /// # }
    /// ```
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }

    /// Size of the package in bytes.
    ///
    /// ```no_run
    /// # fn f(code: fc_client::code::DownloadedCode) {
    /// println!("{} bytes", code.len());
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the package is empty.
    ///
    /// ```no_run
    /// # fn f(code: fc_client::code::DownloadedCode) {
    /// assert!(!code.is_empty());
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The verified CRC-64/XZ.
    ///
    /// ```no_run
    /// # fn f(code: fc_client::code::DownloadedCode) {
    /// assert_eq!(code.crc64(), fc_client::code::crc64_xz(code.bytes()));
    /// # }
    /// ```
    pub fn crc64(&self) -> u64 {
        self.crc64
    }

    /// The verified checksum in the API's decimal form.
    ///
    /// ```no_run
    /// # fn f(code: fc_client::code::DownloadedCode) {
    /// println!("checksum {}", code.checksum());
    /// # }
    /// ```
    pub fn checksum(&self) -> String {
        self.crc64.to_string()
    }

    /// Reads the package as a ZIP, inflating at most `max_uncompressed` bytes in total.
    ///
    /// ```no_run
    /// # fn f(code: fc_client::code::DownloadedCode) -> Result<(), fc_client::code::ZipReadError> {
    /// let archive = code.read_zip(fc_client::code::DEFAULT_MAX_UNCOMPRESSED)?;
    /// println!("{} entries", archive.entries().len());
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_zip(&self, max_uncompressed: u64) -> Result<ZipArchive, ZipReadError> {
        ZipArchive::read(&self.bytes, max_uncompressed)
    }
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn redaction_drops_the_signature() {
        let url = reqwest::Url::parse(
            "https://bucket.oss-cn-hangzhou.aliyuncs.com/code.zip?Expires=1&OSSAccessKeyId=AK&Signature=s#x",
        )
        .unwrap();
        assert_eq!(
            redacted(&url),
            "https://bucket.oss-cn-hangzhou.aliyuncs.com/code.zip"
        );
    }
}

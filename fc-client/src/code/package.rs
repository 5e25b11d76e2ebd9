//! [`CodePackage`]: a zipped function, ready to go into `CreateFunction`, `UpdateFunction` or
//! `CreateLayerVersion` as an inline `code` location.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::checksum::crc64_xz;
use super::entry::ZipEntry;
use super::error::CodeError;

/// The largest inline code package the API takes, as **base64 text**: 100,000,000 bytes.
///
/// Function Compute's limits page gives 100 MB for "a base64-encoded ZIP file uploaded through
/// an SDK or API operation" without saying whether the 100 MB is the ZIP or its base64 text, or
/// whether MB means 10^6 or 2^20 bytes. This crate takes the strict reading of both: the
/// base64 text (4/3 of the ZIP, so ZIPs up to about 75 MB) against 10^6-byte megabytes. Larger
/// packages (up to 500 MB in most regions) go through OSS: upload the ZIP there and pass
/// `ossBucketName` and `ossObjectName` instead of `zipFile`.
///
/// ```
/// use fc_client::code::{CodePackage, INLINE_ZIP_BASE64_LIMIT};
///
/// let package = CodePackage::from_zip(vec![0; 1024]);
/// assert!(package.base64_len() <= INLINE_ZIP_BASE64_LIMIT);
/// ```
pub const INLINE_ZIP_BASE64_LIMIT: u64 = 100_000_000;

/// A deterministic ZIP of function code and its CRC-64 checksum.
///
/// Build it from a directory ([`from_dir`](Self::from_dir)), from files in memory
/// ([`from_entries`](Self::from_entries)) or from a ZIP made elsewhere
/// ([`from_zip`](Self::from_zip)); then [`into_input`](Self::into_input) gives the `code` field
/// of a create or update request. The same files always give the same bytes, so an unchanged
/// function has an unchanged checksum.
///
/// ```
/// use fc_client::code::{CodePackage, ZipEntry};
///
/// let package = CodePackage::from_entries(vec![
///     ZipEntry::file("index.py", b"def handler(event, context):\n    return 'ok'\n".to_vec(), 0o644),
/// ])?;
/// let code = package.into_input()?;
/// assert!(code.zip_file.is_some());
/// assert!(code.checksum.is_some());
/// # Ok::<(), fc_client::code::CodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodePackage {
    zip: Vec<u8>,
    crc64: u64,
}

impl CodePackage {
    /// Zips the directory `dir` (see [`entries_from_dir`](super::entries_from_dir) for what is
    /// included: `.git` is skipped, symlinks are kept as links, Unix permissions are kept).
    ///
    /// ```no_run
    /// let package = fc_client::code::CodePackage::from_dir("./my-function")?;
    /// println!("{} bytes, checksum {}", package.len(), package.checksum());
    /// # Ok::<(), fc_client::code::CodeError>(())
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, CodeError> {
        Ok(Self::from_zip(super::dir_source::zip_dir(dir)?))
    }

    /// Zips files given in memory (paths are checked, sorted and must be unique).
    ///
    /// ```
    /// use fc_client::code::{CodePackage, ZipEntry};
    ///
    /// let package = CodePackage::from_entries(vec![
    ///     ZipEntry::file("bootstrap", b"#!/bin/sh\nexec ./server\n".to_vec(), 0o755),
    /// ])?;
    /// assert!(package.zip_bytes().starts_with(b"PK"));
    /// # Ok::<(), fc_client::code::CodeError>(())
    /// ```
    pub fn from_entries(entries: impl IntoIterator<Item = ZipEntry>) -> Result<Self, CodeError> {
        Ok(Self::from_zip(super::zip_writer::zip_entries(entries)?))
    }

    /// Wraps a ZIP built elsewhere (its content is not checked).
    ///
    /// ```
    /// let package = fc_client::code::CodePackage::from_zip(b"123456789".to_vec());
    /// assert_eq!(package.checksum(), "11051210869376104954");
    /// ```
    pub fn from_zip(zip: Vec<u8>) -> Self {
        let crc64 = crc64_xz(&zip);
        CodePackage { zip, crc64 }
    }

    /// The ZIP bytes.
    ///
    /// ```
    /// let package = fc_client::code::CodePackage::from_zip(vec![1, 2, 3]);
    /// assert_eq!(package.zip_bytes(), [1, 2, 3]);
    /// ```
    pub fn zip_bytes(&self) -> &[u8] {
        &self.zip
    }

    /// The ZIP bytes, by value (for an OSS upload, say).
    ///
    /// ```
    /// let zip = fc_client::code::CodePackage::from_zip(vec![1, 2, 3]).into_zip_bytes();
    /// assert_eq!(zip, [1, 2, 3]);
    /// ```
    pub fn into_zip_bytes(self) -> Vec<u8> {
        self.zip
    }

    /// Size of the ZIP in bytes.
    ///
    /// ```
    /// assert_eq!(fc_client::code::CodePackage::from_zip(vec![0; 5]).len(), 5);
    /// ```
    pub fn len(&self) -> usize {
        self.zip.len()
    }

    /// Whether the ZIP has no bytes at all (never true for a ZIP this crate wrote).
    ///
    /// ```
    /// assert!(fc_client::code::CodePackage::from_zip(Vec::new()).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.zip.is_empty()
    }

    /// Length of the ZIP once base64-encoded (what the inline limit is checked against).
    ///
    /// ```
    /// assert_eq!(fc_client::code::CodePackage::from_zip(vec![0; 4]).base64_len(), 8);
    /// ```
    pub fn base64_len(&self) -> u64 {
        (self.zip.len() as u64).div_ceil(3) * 4
    }

    /// Whether the package is small enough to be sent inline
    /// ([`INLINE_ZIP_BASE64_LIMIT`]).
    ///
    /// ```
    /// assert!(fc_client::code::CodePackage::from_zip(vec![0; 1024]).fits_inline());
    /// ```
    pub fn fits_inline(&self) -> bool {
        self.base64_len() <= INLINE_ZIP_BASE64_LIMIT
    }

    /// The CRC-64/XZ of the ZIP.
    ///
    /// ```
    /// let package = fc_client::code::CodePackage::from_zip(b"123456789".to_vec());
    /// assert_eq!(package.crc64(), 11_051_210_869_376_104_954);
    /// ```
    pub fn crc64(&self) -> u64 {
        self.crc64
    }

    /// The checksum as the API writes it: the CRC-64/XZ in decimal.
    ///
    /// ```
    /// let package = fc_client::code::CodePackage::from_zip(b"123456789".to_vec());
    /// assert_eq!(package.checksum(), "11051210869376104954");
    /// ```
    pub fn checksum(&self) -> String {
        self.crc64.to_string()
    }

    /// The `code` input for an inline upload: `zipFile` (standard base64) and `checksum`, which
    /// the service verifies. Fails with [`CodeError::TooLargeForInline`] when the base64 text
    /// would pass [`INLINE_ZIP_BASE64_LIMIT`]; such packages must go through OSS.
    ///
    /// ```
    /// use fc_client::code::{CodePackage, ZipEntry};
    ///
    /// let package = CodePackage::from_entries(vec![ZipEntry::file("a.txt", b"a".to_vec(), 0o644)])?;
    /// let checksum = package.checksum();
    /// let code = package.into_input()?;
    /// assert_eq!(code.checksum, Some(checksum));
    /// assert!(code.zip_file.as_deref().is_some_and(|b64| b64.starts_with("UEsDB")));
    /// # Ok::<(), fc_client::code::CodeError>(())
    /// ```
    pub fn into_input(self) -> Result<fc_models::InputCodeLocation, CodeError> {
        let base64_len = self.base64_len();
        if base64_len > INLINE_ZIP_BASE64_LIMIT {
            return Err(CodeError::TooLargeForInline {
                base64_len,
                limit: INLINE_ZIP_BASE64_LIMIT,
            });
        }
        let mut input = fc_models::InputCodeLocation::default();
        input.checksum = Some(self.checksum());
        input.zip_file = Some(STANDARD.encode(&self.zip));
        Ok(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_len_matches_the_encoder() {
        for len in 0..10 {
            let package = CodePackage::from_zip(vec![7; len]);
            assert_eq!(
                package.base64_len(),
                STANDARD.encode(package.zip_bytes()).len() as u64
            );
        }
    }

    #[test]
    fn over_the_limit_is_refused_with_the_limit_and_oss_named() {
        // 75,000,001 bytes encode to 100,000,004 base64 characters: one group over the limit.
        let package = CodePackage::from_zip(vec![0; 75_000_001]);
        assert!(!package.fits_inline());
        let error = package.into_input().unwrap_err();
        let message = error.to_string();
        assert!(matches!(
            error,
            CodeError::TooLargeForInline {
                base64_len: 100_000_004,
                limit: 100_000_000
            }
        ));
        assert!(message.contains("100000000"), "{message}");
        assert!(message.contains("ossBucketName") && message.contains("ossObjectName"));
    }

    #[test]
    fn exactly_at_the_limit_is_accepted() {
        let package = CodePackage::from_zip(vec![0; 75_000_000]);
        assert_eq!(package.base64_len(), INLINE_ZIP_BASE64_LIMIT);
        let input = package.into_input().unwrap();
        assert_eq!(input.zip_file.map(|s| s.len()), Some(100_000_000));
        assert_eq!(input.oss_bucket_name, None);
    }
}

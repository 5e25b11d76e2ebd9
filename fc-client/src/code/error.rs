//! The typed errors of code packaging: writing, reading and extracting ZIPs, building an inline
//! package, and downloading a function's code.

use std::path::PathBuf;

/// Why a ZIP could not be written.
///
/// ```
/// use fc_client::code::{ZipEntry, ZipWriteError, zip_entries};
///
/// let error = zip_entries(vec![ZipEntry::file("../x", Vec::new(), 0o644)]).unwrap_err();
/// assert!(matches!(error, ZipWriteError::InvalidPath { .. }));
/// assert!(error.to_string().contains("\"../x\""));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ZipWriteError {
    /// An entry path breaks the path rule (relative, `/`-separated, no `.`/`..`/empty parts).
    #[error("entry path {path:?} is refused: {reason}")]
    InvalidPath {
        /// The offending path.
        path: String,
        /// Which part of the rule it breaks.
        reason: &'static str,
    },
    /// Two entries have the same path.
    #[error("entry path {path:?} appears more than once; every path must be unique")]
    DuplicatePath {
        /// The repeated path.
        path: String,
    },
    /// More entries than a ZIP without zip64 can index.
    #[error(
        "the archive would hold more than 65535 entries (adding {path:?}); zip64 is not supported"
    )]
    TooManyEntries {
        /// The first entry over the limit.
        path: String,
    },
    /// A size or offset would pass 4 GiB, which needs zip64.
    #[error(
        "the archive would pass 4 GiB at entry {path:?} (sizes and offsets are limited to \
         4294967295 bytes without zip64, which is not supported)"
    )]
    TooLarge {
        /// The entry that would not fit.
        path: String,
    },
    /// An entry path is longer than the 65535 bytes a ZIP name field holds.
    #[error("entry path {path:?} is longer than the 65535 bytes a ZIP name can hold")]
    NameTooLong {
        /// The path (possibly long).
        path: String,
    },
    /// A file or directory name on disk, or a symlink's target, is not UTF-8 (ZIP names and
    /// link targets are written as UTF-8).
    #[error("{path:?} has a name or link target that is not UTF-8; entries must be UTF-8")]
    NonUtf8Name {
        /// The path on disk.
        path: PathBuf,
    },
    /// A fifo, socket or device file: it has no content that could be packaged.
    #[error("{path:?} is not a regular file, directory or symlink, so it cannot be packaged")]
    UnsupportedFileType {
        /// The path on disk.
        path: PathBuf,
    },
    /// Reading the source directory failed.
    #[error("cannot read {path:?}: {source}")]
    Io {
        /// The path on disk being read.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The deflate encoder failed.
    #[error("compressing entry {path:?} failed: {source}")]
    Compress {
        /// The entry being compressed.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Why a ZIP could not be read. Messages name the entry (or the record) and the rule broken.
///
/// ```
/// use fc_client::code::{ZipArchive, ZipReadError};
///
/// let error = ZipArchive::read(b"definitely not a zip", 1 << 20).unwrap_err();
/// assert!(matches!(error, ZipReadError::NotAZip));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ZipReadError {
    /// No end of central directory record: not a ZIP, or cut short.
    #[error("no end of central directory record found: the data is not a ZIP or is truncated")]
    NotAZip,
    /// A record or an entry's data reaches past the end of the input.
    #[error("{what} at offset {offset} reaches past the end of the archive ({len} bytes)")]
    Truncated {
        /// The record being read.
        what: String,
        /// Where it starts.
        offset: u64,
        /// The archive length.
        len: u64,
    },
    /// A record does not start with its signature.
    #[error("{what} at offset {offset} does not start with its signature")]
    BadSignature {
        /// The record expected there.
        what: String,
        /// Where it should start.
        offset: u64,
    },
    /// A ZIP feature this reader does not handle (zip64, multiple disks, encryption, methods
    /// other than stored and deflate).
    #[error("{what} uses {feature}, which is not supported")]
    Unsupported {
        /// The archive or entry concerned.
        what: String,
        /// The feature.
        feature: String,
    },
    /// An entry name is not UTF-8.
    #[error("entry name {name:?} is not UTF-8")]
    NonUtf8Name {
        /// The name, with invalid bytes replaced.
        name: String,
    },
    /// An entry path is absolute, has `..` components or otherwise could escape (zip-slip).
    #[error("entry {path:?} is refused: {reason}")]
    UnsafePath {
        /// The entry's name as stored.
        path: String,
        /// Which part of the path rule it breaks.
        reason: &'static str,
    },
    /// The entries together would inflate past the caller's cap (zip-bomb guard).
    #[error(
        "entry {path:?} takes the total uncompressed size past the cap of {limit} bytes \
         (zip-bomb guard; raise the cap if the archive is trusted)"
    )]
    SizeCapExceeded {
        /// The entry that crossed the cap.
        path: String,
        /// The cap in bytes.
        limit: u64,
    },
    /// An entry inflated to a different size than its header declares.
    #[error("entry {path:?} declares {declared} uncompressed bytes but holds {actual_note}")]
    SizeMismatch {
        /// The entry.
        path: String,
        /// The size from the central directory.
        declared: u64,
        /// What was found, e.g. `12 bytes` or `more`.
        actual_note: String,
    },
    /// An entry's CRC-32 does not match its content.
    #[error(
        "entry {path:?} is corrupt: CRC-32 is {actual:#010x}, the header says {expected:#010x}"
    )]
    CrcMismatch {
        /// The entry.
        path: String,
        /// The CRC-32 from the central directory.
        expected: u32,
        /// The CRC-32 of the inflated data.
        actual: u32,
    },
    /// An entry's deflate stream is corrupt.
    #[error("entry {path:?} cannot be inflated: {source}")]
    Inflate {
        /// The entry.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A symlink entry's target is not UTF-8.
    #[error("symlink entry {path:?} has a target that is not UTF-8")]
    NonUtf8LinkTarget {
        /// The entry.
        path: String,
    },
}

/// Why [`ZipArchive::extract_to`](super::ZipArchive::extract_to) stopped.
///
/// ```no_run
/// use fc_client::code::{ExtractError, ZipArchive};
///
/// fn unpack(archive: &ZipArchive) {
///     match archive.extract_to("/tmp/code") {
///         Ok(()) => {}
///         Err(ExtractError::Escapes { path, reason }) => eprintln!("hostile {path}: {reason}"),
///         Err(other) => eprintln!("{other}"),
///     }
/// }
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// Writing the entry would leave the target directory: a path component on disk is a
    /// symlink, or a symlink entry points outside.
    #[error("entry {path:?} would escape the target directory: {reason}")]
    Escapes {
        /// The entry.
        path: String,
        /// How it would escape.
        reason: String,
    },
    /// A symlink entry on a platform where this crate does not create symlinks.
    #[error("entry {path:?} is a symlink; symlinks are only extracted on Unix")]
    SymlinkUnsupported {
        /// The entry.
        path: String,
    },
    /// A filesystem operation failed.
    #[error("cannot write {path:?}: {source}")]
    Io {
        /// The path on disk.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Why [`ZipArchive::unpack`](super::ZipArchive::unpack) stopped: the archive (a header, an
/// entry's data) or the disk.
#[derive(Debug, thiserror::Error)]
pub enum UnpackError {
    /// The archive is refused: structure, names, sizes, checksums.
    #[error(transparent)]
    Read(#[from] ZipReadError),
    /// Writing to the target directory failed or would escape it.
    #[error(transparent)]
    Write(#[from] ExtractError),
}

/// Why a code package could not be built, uploaded inline, or downloaded.
///
/// ```
/// use fc_client::code::{CodeError, CodePackage};
///
/// let too_big = CodePackage::from_zip(vec![0; 80_000_000]);
/// match too_big.into_input() {
///     Err(CodeError::TooLargeForInline { limit, .. }) => assert_eq!(limit, 100_000_000),
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    /// Zipping the source failed.
    #[error(transparent)]
    Zip(#[from] ZipWriteError),
    /// The downloaded package is not a readable ZIP.
    #[error("the code package is not a valid ZIP: {0}")]
    Read(#[from] ZipReadError),
    /// The package is over the inline upload limit of the API.
    #[error(
        "the code package is {base64_len} bytes once base64-encoded, over the {limit}-byte limit \
         for an inline `zipFile`; upload the ZIP to OSS instead and pass `ossBucketName` and \
         `ossObjectName` in the code location"
    )]
    TooLargeForInline {
        /// Length of the base64 text the request would carry.
        base64_len: u64,
        /// The limit ([`INLINE_ZIP_BASE64_LIMIT`](super::INLINE_ZIP_BASE64_LIMIT)).
        limit: u64,
    },
    /// The GetFunctionCode call failed (the function does not exist, access denied, a network
    /// error...); the inner error carries the status, FC error code and request id.
    #[error("GetFunctionCode failed: {0}")]
    Api(#[from] crate::Error),
    /// The GetFunctionCode response lacks a field the download needs.
    #[error("the GetFunctionCode response has no `{field}`")]
    MissingField {
        /// `url` or `checksum`.
        field: &'static str,
    },
    /// The `checksum` field is not a decimal CRC-64.
    #[error("the GetFunctionCode `checksum` {value:?} is not a decimal CRC-64")]
    InvalidChecksum {
        /// The field as received.
        value: String,
    },
    /// The `url` field is not an absolute URL.
    #[error("the GetFunctionCode `url` is not a valid absolute URL: {reason}")]
    InvalidUrl {
        /// Why it does not parse (the URL itself is left out: it carries a signature).
        reason: String,
    },
    /// The download URL could not be fetched.
    #[error("downloading the code package from {url} failed: {source}")]
    Download {
        /// The URL without its query string (which carries the pre-signed credentials).
        url: String,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The download URL answered with an error status.
    #[error("downloading the code package from {url} failed with HTTP status {status}")]
    DownloadStatus {
        /// The URL without its query string.
        url: String,
        /// The status received.
        status: u16,
    },
    /// The downloaded bytes do not have the checksum GetFunctionCode announced.
    #[error(
        "the downloaded code package is corrupt: its CRC-64 is {actual}, GetFunctionCode \
         announced {expected}"
    )]
    ChecksumMismatch {
        /// The checksum from GetFunctionCode (decimal).
        expected: String,
        /// The checksum of the bytes received (decimal).
        actual: String,
    },
}

//! Packaging function code for upload, and reading it back.
//!
//! - [`zip_dir`], [`zip_entries`] and the low-level [`ZipWriter`] write deterministic ZIPs:
//!   entries sorted by path, fixed timestamps, Unix permissions kept (an executable `bootstrap`
//!   stays `0o755`), `.git` skipped, deflate where it helps.
//! - [`ZipArchive`] reads a ZIP from untrusted bytes (bounds-checked, CRC-32 verified, zip-slip
//!   refused, total size capped before anything is inflated; [`ZipArchive::inspect`] checks just
//!   that) and [`ZipArchive::extract_to`] unpacks it without leaving the target directory;
//!   [`ZipArchive::unpack`] does both in one pass, each file inflated straight to disk.
//! - [`crc64_xz`] and [`checksum_string`] compute the CRC-64 the API uses as `checksum`.
//! - [`CodePackage`] turns a directory or files into the `code` input of CreateFunction,
//!   UpdateFunction or CreateLayerVersion, refusing packages over the inline limit.
//! - [`CodeExt::download_function_code`] downloads a function's code and verifies it.
//!
//! ```
//! use fc_client::code::{CodePackage, ZipEntry};
//!
//! let package = CodePackage::from_entries(vec![
//!     ZipEntry::file("bootstrap", b"#!/bin/sh\nexec ./server\n".to_vec(), 0o755),
//!     ZipEntry::file("server", b"...".to_vec(), 0o755),
//! ])?;
//! // The `code` field of CreateFunctionInput / UpdateFunctionInput:
//! let code: fc_client::types::InputCodeLocation = package.into_input()?;
//! assert!(code.zip_file.is_some() && code.checksum.is_some());
//! # Ok::<(), fc_client::code::CodeError>(())
//! ```

mod checksum;
mod dir_source;
mod download;
mod entry;
mod error;
mod extract;
mod format;
mod package;
mod path;
mod unpack;
mod zip_reader;
mod zip_writer;

pub use checksum::{Crc64Hasher, checksum_string, crc64_xz};
pub use dir_source::{entries_from_dir, zip_dir};
pub use download::{CodeExt, DownloadedCode};
pub use entry::{EntryKind, ZipEntry};
pub use error::{CodeError, ExtractError, UnpackError, ZipReadError, ZipWriteError};
pub use package::{CodePackage, INLINE_ZIP_BASE64_LIMIT};
pub use zip_reader::{DEFAULT_MAX_UNCOMPRESSED, ZipArchive, ZipSummary};
pub use zip_writer::{ZipWriter, zip_entries};

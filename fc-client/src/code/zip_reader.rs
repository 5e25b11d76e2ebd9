//! A ZIP reader for untrusted archives: every offset and length is bounds-checked, every entry
//! path is checked against zip-slip, the total inflated size is capped, and every entry's
//! CRC-32 is verified.
//!
//! It reads what code packages use: stored and deflated entries, Unix or MS-DOS attributes, one
//! disk, no encryption, no zip64. Entry names must be UTF-8 (which is what the UTF-8 flag means
//! and what ASCII names are anyway). Leading `./` and doubled `/` in names are tidied away.

use std::io::Read;

use flate2::read::DeflateDecoder;

use super::entry::{EntryKind, ZipEntry};
use super::error::ZipReadError;
use super::format::*;
use super::path::{normalise_archive_name, path_problem};

pub(super) const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
/// Signature of the zip64 end of central directory locator, found just before the end record
/// of zip64 archives.
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;

/// A default cap on the total uncompressed size of an archive: 1 GiB. Function code packages
/// are at most 500 MB zipped, so a large one may need a higher cap: pass your own to
/// [`ZipArchive::read`] for archives you trust.
///
/// ```
/// # let zip = fc_client::code::ZipWriter::new().finish()?;
/// use fc_client::code::{DEFAULT_MAX_UNCOMPRESSED, ZipArchive};
///
/// let archive = ZipArchive::read(&zip, DEFAULT_MAX_UNCOMPRESSED)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const DEFAULT_MAX_UNCOMPRESSED: u64 = 1 << 30;

/// A ZIP read fully into memory: its entries, in archive order, inflated and verified.
///
/// ```
/// use fc_client::code::{DEFAULT_MAX_UNCOMPRESSED, ZipArchive, ZipEntry, zip_entries};
///
/// let zip = zip_entries(vec![ZipEntry::file("bootstrap", b"#!/bin/sh\n".to_vec(), 0o755)])?;
/// let archive = ZipArchive::read(&zip, DEFAULT_MAX_UNCOMPRESSED)?;
/// let bootstrap = archive.get("bootstrap").expect("packaged");
/// assert_eq!(bootstrap.mode, 0o755);
/// assert_eq!(bootstrap.data, b"#!/bin/sh\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipArchive {
    entries: Vec<ZipEntry>,
}

impl ZipArchive {
    /// Reads and verifies every entry of `bytes`, refusing the archive if the entries together
    /// would inflate past `max_uncompressed` bytes (checked before inflating anything, and again
    /// while inflating in case a header lies).
    ///
    /// ```
    /// use fc_client::code::{ZipArchive, ZipEntry, ZipReadError, zip_entries};
    ///
    /// let zip = zip_entries(vec![ZipEntry::file("big", vec![0; 10_000], 0o644)])?;
    /// let error = ZipArchive::read(&zip, 1_000).unwrap_err();
    /// assert!(matches!(error, ZipReadError::SizeCapExceeded { limit: 1_000, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read(bytes: &[u8], max_uncompressed: u64) -> Result<Self, ZipReadError> {
        let headers = checked_headers(bytes, max_uncompressed)?;
        let mut entries = Vec::with_capacity(headers.len());
        for header in &headers {
            if let Some(entry) = read_entry(bytes, header)? {
                entries.push(entry);
            }
        }
        Ok(ZipArchive { entries })
    }

    /// Checks the archive's structure without inflating anything: every header parses, every
    /// entry name is a safe relative path, the compression methods are supported, and the sizes
    /// the entries declare add up to at most `max_uncompressed` bytes. What a server does with
    /// an upload before accepting it; [`read`](Self::read) runs the same checks first.
    ///
    /// ```
    /// use fc_client::code::{ZipArchive, ZipEntry, ZipReadError, zip_entries};
    ///
    /// let zip = zip_entries(vec![
    ///     ZipEntry::file("a.txt", vec![b'a'; 600], 0o644),
    ///     ZipEntry::file("b.txt", vec![b'b'; 600], 0o644),
    /// ])?;
    /// let summary = ZipArchive::inspect(&zip, 2_000)?;
    /// assert_eq!((summary.entries, summary.declared_bytes), (2, 1_200));
    /// // Each entry fits, together they do not: refused before inflating either.
    /// assert!(matches!(ZipArchive::inspect(&zip, 1_000), Err(ZipReadError::SizeCapExceeded { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn inspect(bytes: &[u8], max_uncompressed: u64) -> Result<ZipSummary, ZipReadError> {
        let headers = checked_headers(bytes, max_uncompressed)?;
        Ok(ZipSummary {
            entries: headers.len(),
            declared_bytes: headers.iter().map(|h| u64::from(h.uncompressed_len)).sum(),
        })
    }

    /// The entries in archive order.
    ///
    /// ```
    /// # let zip = fc_client::code::ZipWriter::new().finish()?;
    /// let archive = fc_client::code::ZipArchive::read(&zip, 1 << 20)?;
    /// assert!(archive.entries().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entries(&self) -> &[ZipEntry] {
        &self.entries
    }

    /// The first entry with this path (without a trailing `/`), if any.
    ///
    /// ```
    /// use fc_client::code::{ZipArchive, ZipEntry, zip_entries};
    ///
    /// let zip = zip_entries(vec![ZipEntry::file("a/b.txt", b"b".to_vec(), 0o644)])?;
    /// let archive = ZipArchive::read(&zip, 1 << 20)?;
    /// assert!(archive.get("a/b.txt").is_some());
    /// assert!(archive.get("a").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, path: &str) -> Option<&ZipEntry> {
        self.entries.iter().find(|entry| entry.path == path)
    }

    /// The entries, by value.
    ///
    /// ```
    /// # let zip = fc_client::code::ZipWriter::new().finish()?;
    /// let entries = fc_client::code::ZipArchive::read(&zip, 1 << 20)?.into_entries();
    /// assert!(entries.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_entries(self) -> Vec<ZipEntry> {
        self.entries
    }
}

/// What [`ZipArchive::inspect`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZipSummary {
    /// Entries in the central directory (directories included).
    pub entries: usize,
    /// The uncompressed sizes the entries declare, added up.
    pub declared_bytes: u64,
}

/// Every central directory header of `bytes`, each checked (see [`check_header`]), with the
/// declared uncompressed sizes added up against `max_uncompressed`.
pub(super) fn checked_headers(
    bytes: &[u8],
    max_uncompressed: u64,
) -> Result<Vec<CentralHeader>, ZipReadError> {
    let fields = Fields::new(bytes);
    let end = find_end_record(bytes)?;
    let archive_len = bytes.len() as u64;
    let field = |at: usize| fields.u16(end + at).unwrap_or(u16::MAX);
    let (this_disk, central_disk, on_disk, total) = (field(4), field(6), field(8), field(10));
    let central_len = fields.u32(end + 12).unwrap_or(u32::MAX) as usize;
    let central_offset = fields.u32(end + 16).unwrap_or(u32::MAX) as usize;
    if end >= 20 && fields.u32(end - 20) == Some(ZIP64_LOCATOR_SIG) {
        return Err(unsupported("the archive", "zip64"));
    }
    if this_disk != 0 || central_disk != 0 || on_disk != total {
        return Err(unsupported("the archive", "multiple disks"));
    }
    let central = match central_offset.checked_add(central_len) {
        Some(central_end) if central_end <= end => &bytes[central_offset..central_end],
        _ => {
            return Err(ZipReadError::Truncated {
                what: "the central directory".to_owned(),
                offset: central_offset as u64,
                len: archive_len,
            });
        }
    };
    let mut headers = Vec::with_capacity(usize::from(total));
    let mut declared: u64 = 0;
    let mut at = 0usize;
    for index in 0..usize::from(total) {
        let header = CentralHeader::parse(central, at, central_offset, index, archive_len)?;
        at = header.next;
        check_header(&header)?;
        declared = declared.saturating_add(u64::from(header.uncompressed_len));
        if declared > max_uncompressed {
            return Err(ZipReadError::SizeCapExceeded {
                path: header.name.clone(),
                limit: max_uncompressed,
            });
        }
        headers.push(header);
    }
    Ok(headers)
}

/// The checks of one entry that need no inflating: a safe path, no encryption, a supported
/// compression method.
fn check_header(header: &CentralHeader) -> Result<(), ZipReadError> {
    let (path, name_is_dir) = normalise_archive_name(&header.name);
    if path.is_empty() && name_is_dir {
        return Ok(());
    }
    if let Some(reason) = path_problem(&path) {
        return Err(ZipReadError::UnsafePath {
            path: header.name.clone(),
            reason,
        });
    }
    if header.flags & FLAG_ENCRYPTED != 0 {
        return Err(unsupported(&header.describe(), "encryption"));
    }
    if header.method != METHOD_STORED && header.method != METHOD_DEFLATE {
        return Err(unsupported(
            &header.describe(),
            &format!("compression method {}", header.method),
        ));
    }
    Ok(())
}

/// The fields of one central directory header that the reader uses.
pub(super) struct CentralHeader {
    /// The stored name, UTF-8.
    pub(super) name: String,
    made_by_unix: bool,
    flags: u16,
    pub(super) method: u16,
    pub(super) crc: u32,
    compressed_len: u32,
    pub(super) uncompressed_len: u32,
    external: u32,
    local_offset: u32,
    /// Offset of the next header inside the central directory.
    next: usize,
}

impl CentralHeader {
    fn parse(
        central: &[u8],
        at: usize,
        central_offset: usize,
        index: usize,
        archive_len: u64,
    ) -> Result<Self, ZipReadError> {
        let what = || format!("central directory header #{index}");
        let offset = (central_offset as u64).saturating_add(at as u64);
        let truncated = || ZipReadError::Truncated {
            what: what(),
            offset,
            len: archive_len,
        };
        let fields = Fields::new(central);
        if fields.u32(at).ok_or_else(truncated)? != CENTRAL_HEADER_SIG {
            return Err(ZipReadError::BadSignature {
                what: what(),
                offset,
            });
        }
        let fixed = fields.slice(at, CENTRAL_HEADER_LEN).ok_or_else(truncated)?;
        let fixed = Fields::new(fixed);
        let u16_at = |i| fixed.u16(i).unwrap_or(0);
        let u32_at = |i| fixed.u32(i).unwrap_or(0);
        let name_len = usize::from(u16_at(28));
        let extra_len = usize::from(u16_at(30));
        let comment_len = usize::from(u16_at(32));
        let name_at = at + CENTRAL_HEADER_LEN;
        let raw_name = fields.slice(name_at, name_len).ok_or_else(truncated)?;
        let next = name_at + name_len + extra_len + comment_len;
        if next > central.len() {
            return Err(truncated());
        }
        let name = String::from_utf8(raw_name.to_vec()).map_err(|_| ZipReadError::NonUtf8Name {
            name: String::from_utf8_lossy(raw_name).into_owned(),
        })?;
        let header = CentralHeader {
            name,
            made_by_unix: u16_at(4) >> 8 == u16::from(HOST_UNIX),
            flags: u16_at(8),
            method: u16_at(10),
            crc: u32_at(16),
            compressed_len: u32_at(20),
            uncompressed_len: u32_at(24),
            external: u32_at(38),
            local_offset: u32_at(42),
            next,
        };
        if u16_at(34) != 0 {
            return Err(unsupported(&header.describe(), "multiple disks"));
        }
        if [
            header.compressed_len,
            header.uncompressed_len,
            header.local_offset,
        ]
        .contains(&u32::MAX)
        {
            return Err(unsupported(&header.describe(), "zip64"));
        }
        Ok(header)
    }

    pub(super) fn describe(&self) -> String {
        format!("entry {:?}", self.name)
    }

    /// The entry kind and permission bits from the external attributes.
    pub(super) fn kind_and_mode(&self, name_is_dir: bool) -> (EntryKind, u32) {
        let st_mode = self.external >> 16;
        if self.made_by_unix && st_mode != 0 {
            let kind = match st_mode & S_IFMT {
                S_IFLNK => EntryKind::Symlink,
                S_IFDIR => EntryKind::Directory,
                _ if name_is_dir => EntryKind::Directory,
                _ => EntryKind::File,
            };
            (kind, st_mode & PERMISSION_BITS)
        } else if name_is_dir || self.external & DOS_DIRECTORY != 0 {
            (EntryKind::Directory, 0o755)
        } else {
            (EntryKind::File, 0o644)
        }
    }
}

/// Inflates and verifies one entry whose header passed [`check_header`] (its declared size is
/// within the cap, and no more than that is ever inflated); `None` for a directory entry for
/// the root (`./`).
pub(super) fn read_entry(
    bytes: &[u8],
    header: &CentralHeader,
) -> Result<Option<ZipEntry>, ZipReadError> {
    let (path, name_is_dir) = normalise_archive_name(&header.name);
    if path.is_empty() && name_is_dir {
        return Ok(None);
    }
    let (kind, mode) = header.kind_and_mode(name_is_dir);
    if kind == EntryKind::Directory {
        return Ok(Some(ZipEntry {
            path,
            mode,
            kind,
            data: Vec::new(),
        }));
    }

    let declared = u64::from(header.uncompressed_len);

    let stored = local_data(bytes, header)?;
    let data = match header.method {
        METHOD_STORED => stored.to_vec(),
        _ => {
            let mut out = Vec::new();
            DeflateDecoder::new(stored)
                .take(declared.saturating_add(1))
                .read_to_end(&mut out)
                .map_err(|source| ZipReadError::Inflate {
                    path: header.name.clone(),
                    source,
                })?;
            out
        }
    };
    if data.len() as u64 != declared {
        let actual_note = if data.len() as u64 > declared {
            "more".to_owned()
        } else {
            format!("{} bytes", data.len())
        };
        return Err(ZipReadError::SizeMismatch {
            path: header.name.clone(),
            declared,
            actual_note,
        });
    }
    let actual = CRC32.checksum(&data);
    if actual != header.crc {
        return Err(ZipReadError::CrcMismatch {
            path: header.name.clone(),
            expected: header.crc,
            actual,
        });
    }
    if kind == EntryKind::Symlink && std::str::from_utf8(&data).is_err() {
        return Err(ZipReadError::NonUtf8LinkTarget {
            path: header.name.clone(),
        });
    }
    Ok(Some(ZipEntry {
        path,
        mode,
        kind,
        data,
    }))
}

/// The compressed bytes of an entry, found through its local header.
pub(super) fn local_data<'a>(
    bytes: &'a [u8],
    header: &CentralHeader,
) -> Result<&'a [u8], ZipReadError> {
    let fields = Fields::new(bytes);
    let offset = header.local_offset as usize;
    let what = || format!("local header of entry {:?}", header.name);
    let truncated = || ZipReadError::Truncated {
        what: what(),
        offset: offset as u64,
        len: bytes.len() as u64,
    };
    if fields.u32(offset).ok_or_else(truncated)? != LOCAL_HEADER_SIG {
        return Err(ZipReadError::BadSignature {
            what: what(),
            offset: offset as u64,
        });
    }
    let name_len = usize::from(fields.u16(offset + 26).ok_or_else(truncated)?);
    let extra_len = usize::from(fields.u16(offset + 28).ok_or_else(truncated)?);
    let start = offset + LOCAL_HEADER_LEN + name_len + extra_len;
    fields
        .slice(start, header.compressed_len as usize)
        .ok_or_else(truncated)
}

/// Finds the end of central directory record, scanning back over a possible archive comment.
fn find_end_record(bytes: &[u8]) -> Result<usize, ZipReadError> {
    let fields = Fields::new(bytes);
    let last = bytes
        .len()
        .checked_sub(END_OF_CENTRAL_DIR_LEN)
        .ok_or(ZipReadError::NotAZip)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last)
        .rev()
        .find(|&at| {
            fields.u32(at) == Some(END_OF_CENTRAL_DIR_SIG)
                && fields.u16(at + 20).is_some_and(|comment| {
                    at + END_OF_CENTRAL_DIR_LEN + usize::from(comment) <= bytes.len()
                })
        })
        .ok_or(ZipReadError::NotAZip)
}

fn unsupported(what: &str, feature: &str) -> ZipReadError {
    ZipReadError::Unsupported {
        what: what.to_owned(),
        feature: feature.to_owned(),
    }
}

//! A deterministic ZIP writer: the same entries always give the same bytes.
//!
//! Every entry gets the fixed timestamp 1980-01-01 00:00, "version made by" Unix with the
//! `st_mode` (file type and permission bits) in the high half of the external attributes, the
//! UTF-8 name flag, and deflate compression unless deflate does not make the data smaller (then
//! it is stored). No extra fields, comments or data descriptors are written. zip64 is not
//! written: archives past 65535 entries or 4 GiB are refused.
//!
//! Byte-identical output is guaranteed for the same entries and the same version of the
//! compression backend (miniz_oxide); a different backend version may compress differently.

use std::io::Write;

use flate2::Compression;
use flate2::write::DeflateEncoder;

use super::entry::{EntryKind, ZipEntry};
use super::error::ZipWriteError;
use super::format::*;
use super::path::path_problem;

const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// Zips `entries` deterministically: paths are checked, sorted bytewise and must be unique.
///
/// Directories do not need entries of their own (unzip tools and Function Compute create
/// parent directories as needed); pass [`ZipEntry::directory`] only for directories that must
/// exist even when empty.
///
/// ```
/// use fc_client::code::{ZipArchive, ZipEntry, zip_entries};
///
/// let zip = zip_entries(vec![
///     ZipEntry::file("lib/helper.py", b"X = 1\n".to_vec(), 0o644),
///     ZipEntry::file("bootstrap", b"#!/bin/sh\n".to_vec(), 0o755),
/// ])?;
/// let archive = ZipArchive::read(&zip, 1 << 20)?;
/// let paths: Vec<&str> = archive.entries().iter().map(|e| e.path.as_str()).collect();
/// assert_eq!(paths, ["bootstrap", "lib/helper.py"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn zip_entries(entries: impl IntoIterator<Item = ZipEntry>) -> Result<Vec<u8>, ZipWriteError> {
    let mut entries: Vec<ZipEntry> = entries.into_iter().collect();
    for entry in &entries {
        if let Some(reason) = path_problem(&entry.path) {
            return Err(ZipWriteError::InvalidPath {
                path: entry.path.clone(),
                reason,
            });
        }
    }
    entries.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    if let Some(pair) = entries.windows(2).find(|pair| pair[0].path == pair[1].path) {
        return Err(ZipWriteError::DuplicatePath {
            path: pair[0].path.clone(),
        });
    }
    let mut writer = ZipWriter::new();
    for entry in &entries {
        writer.add(entry)?;
    }
    writer.finish()
}

/// The low-level writer: entries go into the archive in the order they are added, with their
/// names exactly as given (directories get a trailing `/`).
///
/// It does **not** check paths, sort or look for duplicates — use [`zip_entries`] for that. It
/// exists for callers that control the order themselves and for tests that need to build
/// hostile archives (`../escape`, absolute paths) to check a reader.
///
/// ```
/// use fc_client::code::{ZipArchive, ZipEntry, ZipReadError, ZipWriter};
///
/// let mut writer = ZipWriter::new();
/// writer.add(&ZipEntry::file("../evil", b"x".to_vec(), 0o644))?;
/// let zip = writer.finish()?;
/// assert!(matches!(ZipArchive::read(&zip, 1024), Err(ZipReadError::UnsafePath { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    count: usize,
}

impl ZipWriter {
    /// An empty archive.
    ///
    /// ```
    /// let zip = fc_client::code::ZipWriter::new().finish()?;
    /// assert_eq!(zip.len(), 22); // just the end of central directory record
    /// # Ok::<(), fc_client::code::ZipWriteError>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one entry (local header and data now, its central directory header at
    /// [`finish`](Self::finish)).
    ///
    /// ```
    /// use fc_client::code::{ZipEntry, ZipWriter};
    ///
    /// let mut writer = ZipWriter::new();
    /// writer.add(&ZipEntry::file("index.js", b"exports.handler = () => 1;".to_vec(), 0o644))?;
    /// let zip = writer.finish()?;
    /// assert!(zip.starts_with(b"PK\x03\x04"));
    /// # Ok::<(), fc_client::code::ZipWriteError>(())
    /// ```
    pub fn add(&mut self, entry: &ZipEntry) -> Result<(), ZipWriteError> {
        if self.count >= MAX_ENTRIES {
            return Err(ZipWriteError::TooManyEntries {
                path: entry.path.clone(),
            });
        }
        let too_large = || ZipWriteError::TooLarge {
            path: entry.path.clone(),
        };
        let mut name = entry.path.clone();
        let (file_type, dos_attributes) = match entry.kind {
            EntryKind::File => (S_IFREG, 0),
            EntryKind::Directory => {
                name.push('/');
                (S_IFDIR, DOS_DIRECTORY)
            }
            EntryKind::Symlink => (S_IFLNK, 0),
        };
        let name_len = u16::try_from(name.len()).map_err(|_| ZipWriteError::NameTooLong {
            path: entry.path.clone(),
        })?;
        let data: &[u8] = match entry.kind {
            EntryKind::Directory => &[],
            _ => &entry.data,
        };
        let uncompressed_len = u32::try_from(data.len()).map_err(|_| too_large())?;
        let crc = CRC32.checksum(data);

        // Symlink targets and empty data are stored; everything else is deflated when it pays.
        let deflated = match entry.kind {
            EntryKind::File if !data.is_empty() => {
                Some(deflate(data).map_err(|source| ZipWriteError::Compress {
                    path: entry.path.clone(),
                    source,
                })?)
            }
            _ => None,
        };
        let (method, version_needed, stored): (u16, u16, &[u8]) = match &deflated {
            Some(compressed) if compressed.len() < data.len() => {
                (METHOD_DEFLATE, VERSION_DEFLATE, compressed)
            }
            _ => (METHOD_STORED, VERSION_STORED, data),
        };
        let compressed_len = u32::try_from(stored.len()).map_err(|_| too_large())?;

        let offset = u32::try_from(self.out.len()).map_err(|_| too_large())?;
        let end = (self.out.len() as u64)
            .saturating_add((LOCAL_HEADER_LEN + name.len()) as u64)
            .saturating_add(stored.len() as u64);
        if end > MAX_SIZE {
            return Err(too_large());
        }

        let out = &mut self.out;
        out.put_u32(LOCAL_HEADER_SIG);
        out.put_u16(version_needed);
        out.put_u16(FLAG_UTF8);
        out.put_u16(method);
        out.put_u16(DOS_TIME);
        out.put_u16(DOS_DATE);
        out.put_u32(crc);
        out.put_u32(compressed_len);
        out.put_u32(uncompressed_len);
        out.put_u16(name_len);
        out.put_u16(0); // extra field length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(stored);

        let external = ((file_type | (entry.mode & PERMISSION_BITS)) << 16) | dos_attributes;
        let central = &mut self.central;
        central.put_u32(CENTRAL_HEADER_SIG);
        central.put_u16(VERSION_MADE_BY_UNIX);
        central.put_u16(version_needed);
        central.put_u16(FLAG_UTF8);
        central.put_u16(method);
        central.put_u16(DOS_TIME);
        central.put_u16(DOS_DATE);
        central.put_u32(crc);
        central.put_u32(compressed_len);
        central.put_u32(uncompressed_len);
        central.put_u16(name_len);
        central.put_u16(0); // extra field length
        central.put_u16(0); // comment length
        central.put_u16(0); // disk number start
        central.put_u16(0); // internal attributes
        central.put_u32(external);
        central.put_u32(offset);
        central.extend_from_slice(name.as_bytes());
        self.count += 1;
        Ok(())
    }

    /// Writes the central directory and the end record, and returns the archive.
    ///
    /// ```
    /// use fc_client::code::{ZipEntry, ZipWriter};
    ///
    /// let mut writer = ZipWriter::new();
    /// writer.add(&ZipEntry::file("a.txt", b"a".to_vec(), 0o644))?;
    /// let zip = writer.finish()?;
    /// assert!(zip.ends_with(&[0, 0])); // no archive comment
    /// # Ok::<(), fc_client::code::ZipWriteError>(())
    /// ```
    pub fn finish(self) -> Result<Vec<u8>, ZipWriteError> {
        let ZipWriter {
            mut out,
            central,
            count,
        } = self;
        let too_large = || ZipWriteError::TooLarge {
            path: "(central directory)".to_owned(),
        };
        let central_offset = u32::try_from(out.len()).map_err(|_| too_large())?;
        let central_len = u32::try_from(central.len()).map_err(|_| too_large())?;
        if (out.len() as u64).saturating_add(central.len() as u64) > MAX_SIZE {
            return Err(too_large());
        }
        let count = u16::try_from(count).map_err(|_| ZipWriteError::TooManyEntries {
            path: "(central directory)".to_owned(),
        })?;
        out.extend_from_slice(&central);
        out.put_u32(END_OF_CENTRAL_DIR_SIG);
        out.put_u16(0); // this disk
        out.put_u16(0); // disk with the central directory
        out.put_u16(count);
        out.put_u16(count);
        out.put_u32(central_len);
        out.put_u32(central_offset);
        out.put_u16(0); // comment length
        Ok(out)
    }
}

/// Raw deflate (no zlib header), default level.
fn deflate(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder =
        DeflateEncoder::new(Vec::with_capacity(data.len() / 2), Compression::default());
    encoder.write_all(data)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16_at(bytes: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([bytes[at], bytes[at + 1]])
    }

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
    }

    #[test]
    fn headers_carry_fixed_time_utf8_flag_and_unix_mode() {
        let zip = zip_entries(vec![ZipEntry::file(
            "bootstrap",
            b"#!/bin/sh\n".to_vec(),
            0o755,
        )])
        .unwrap();
        assert_eq!(u32_at(&zip, 0), LOCAL_HEADER_SIG);
        assert_eq!(u16_at(&zip, 6), FLAG_UTF8);
        assert_eq!(u16_at(&zip, 10), DOS_TIME);
        assert_eq!(u16_at(&zip, 12), 0x0021);
        let central = zip.len() - END_OF_CENTRAL_DIR_LEN - (CENTRAL_HEADER_LEN + "bootstrap".len());
        assert_eq!(u32_at(&zip, central), CENTRAL_HEADER_SIG);
        assert_eq!(u16_at(&zip, central + 4), 0x0314);
        assert_eq!(u32_at(&zip, central + 38) >> 16, 0o100_755);
    }

    #[test]
    fn incompressible_data_is_stored_and_text_is_deflated() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let text = b"hello hello hello hello hello hello hello hello".to_vec();
        let zip = zip_entries(vec![
            ZipEntry::file("a-noise", noise, 0o644),
            ZipEntry::file("b-text", text, 0o644),
        ])
        .unwrap();
        assert_eq!(u16_at(&zip, 8), METHOD_STORED);
        let second = LOCAL_HEADER_LEN + "a-noise".len() + 4096;
        assert_eq!(u32_at(&zip, second), LOCAL_HEADER_SIG);
        assert_eq!(u16_at(&zip, second + 8), METHOD_DEFLATE);
    }

    #[test]
    fn duplicate_and_invalid_paths_are_refused() {
        let dup = zip_entries(vec![
            ZipEntry::file("a", Vec::new(), 0o644),
            ZipEntry::file("a", Vec::new(), 0o644),
        ]);
        assert!(matches!(dup, Err(ZipWriteError::DuplicatePath { path }) if path == "a"));
        let bad = zip_entries(vec![ZipEntry::file("../a", Vec::new(), 0o644)]);
        let message = bad.unwrap_err().to_string();
        assert!(
            message.contains("\"../a\"") && message.contains(".."),
            "{message}"
        );
    }

    #[test]
    fn too_many_entries_are_refused() {
        let mut writer = ZipWriter::new();
        for i in 0..MAX_ENTRIES {
            writer
                .add(&ZipEntry::file(format!("f{i}"), Vec::new(), 0o644))
                .unwrap();
        }
        let error = writer
            .add(&ZipEntry::file("one-more", Vec::new(), 0o644))
            .unwrap_err();
        assert!(matches!(error, ZipWriteError::TooManyEntries { .. }));
        assert!(error.to_string().contains("65535"));
        assert!(writer.finish().is_ok());
    }

    #[test]
    fn overlong_name_is_refused() {
        let mut writer = ZipWriter::new();
        let error = writer
            .add(&ZipEntry::file("x".repeat(70_000), Vec::new(), 0o644))
            .unwrap_err();
        assert!(matches!(error, ZipWriteError::NameTooLong { .. }));
    }
}

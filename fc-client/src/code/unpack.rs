//! Unpacking an archive to disk one entry at a time, each file inflated straight into its file:
//! memory stays at one buffer whatever the archive holds (what a server does with uploads).

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use flate2::read::DeflateDecoder;

use super::entry::{EntryKind, ZipEntry};
use super::error::{UnpackError, ZipReadError};
use super::extract::{io_error, make_symlink, prepare, set_mode};
use super::format::METHOD_STORED;
use super::path::normalise_archive_name;
use super::zip_reader::{
    CRC32, CentralHeader, ZipArchive, checked_headers, local_data, read_entry,
};

impl ZipArchive {
    /// Unpacks `bytes` into `dir` with the checks of [`read`](Self::read) and
    /// [`extract_to`](Self::extract_to), without holding the archive's contents in memory: the
    /// headers are checked first (the declared sizes against `max_uncompressed`, before anything
    /// is inflated), then each file is inflated into its file through one buffer, never past
    /// its declared size, and its size and CRC-32 verified (a file that fails is removed).
    ///
    /// ```
    /// use fc_client::code::{ZipArchive, ZipEntry, zip_entries};
    ///
    /// let zip = zip_entries(vec![ZipEntry::file("a/b.txt", b"hello".to_vec(), 0o644)])?;
    /// let dir = std::env::temp_dir().join(format!("fc-unpack-doc-{}", std::process::id()));
    /// ZipArchive::unpack(&zip, 1 << 20, &dir)?;
    /// assert_eq!(std::fs::read(dir.join("a/b.txt"))?, b"hello");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unpack(
        bytes: &[u8],
        max_uncompressed: u64,
        dir: impl AsRef<Path>,
    ) -> Result<(), UnpackError> {
        let root = dir.as_ref();
        let headers = checked_headers(bytes, max_uncompressed)?;
        fs::create_dir_all(root).map_err(|source| io_error(root, source))?;
        let mut directories = Vec::new();
        for header in &headers {
            let (path, name_is_dir) = normalise_archive_name(&header.name);
            if path.is_empty() && name_is_dir {
                continue;
            }
            let (kind, mode) = header.kind_and_mode(name_is_dir);
            match kind {
                EntryKind::Directory => {
                    let entry = ZipEntry::directory(path, mode);
                    let destination = prepare(root, &entry)?;
                    fs::create_dir_all(&destination)
                        .map_err(|source| io_error(&destination, source))?;
                    directories.push((destination, mode));
                }
                EntryKind::Symlink => {
                    if let Some(entry) = read_entry(bytes, header)? {
                        let destination = prepare(root, &entry)?;
                        make_symlink(&entry, &destination)?;
                    }
                }
                EntryKind::File => {
                    let entry = ZipEntry::file(path, Vec::new(), mode);
                    let destination = prepare(root, &entry)?;
                    if let Err(error) = inflate_into(bytes, header, &destination) {
                        let _ = fs::remove_file(&destination);
                        return Err(error);
                    }
                    set_mode(&destination, mode)?;
                }
            }
        }
        for (directory, mode) in directories.iter().rev() {
            set_mode(directory, *mode)?;
        }
        Ok(())
    }
}

/// Inflates one file entry into `destination`, checking its size and CRC-32.
fn inflate_into(
    bytes: &[u8],
    header: &CentralHeader,
    destination: &Path,
) -> Result<(), UnpackError> {
    let stored = local_data(bytes, header)?;
    let declared = u64::from(header.uncompressed_len);
    let mut reader: Box<dyn Read> = if header.method == METHOD_STORED {
        Box::new(stored)
    } else {
        Box::new(DeflateDecoder::new(stored))
    };
    let mut reader = (&mut reader).take(declared.saturating_add(1));
    let mut file = fs::File::create(destination).map_err(|source| io_error(destination, source))?;
    let mut digest = CRC32.digest();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut written: u64 = 0;
    loop {
        let n = reader
            .read(&mut buffer)
            .map_err(|source| ZipReadError::Inflate {
                path: header.name.clone(),
                source,
            })?;
        if n == 0 {
            break;
        }
        written += n as u64;
        if written > declared {
            return Err(ZipReadError::SizeMismatch {
                path: header.name.clone(),
                declared,
                actual_note: "more".to_owned(),
            }
            .into());
        }
        digest.update(&buffer[..n]);
        file.write_all(&buffer[..n])
            .map_err(|source| io_error(destination, source))?;
    }
    if written != declared {
        return Err(ZipReadError::SizeMismatch {
            path: header.name.clone(),
            declared,
            actual_note: format!("{written} bytes"),
        }
        .into());
    }
    let actual = digest.finalize();
    if actual != header.crc {
        return Err(ZipReadError::CrcMismatch {
            path: header.name.clone(),
            expected: header.crc,
            actual,
        }
        .into());
    }
    Ok(())
}

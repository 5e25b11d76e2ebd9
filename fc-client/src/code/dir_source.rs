//! Collecting a directory tree into [`ZipEntry`]s.
//!
//! The walk is recursive and never follows symlinks: a symlink is packaged as a symlink entry
//! holding its target, exactly as `zip --symlinks` and Function Compute's own tools do, so links
//! such as `node_modules/.bin/*` keep working once unpacked. Anything named `.git` (the
//! repository directory, or the `.git` file of a submodule or worktree) is skipped with its
//! contents. Only regular files and symlinks become entries: directories are implied by the
//! paths inside them, so empty directories are not packaged. Fifos, sockets and devices are
//! refused.
//!
//! On Unix each entry keeps the permission bits of its file (an executable `bootstrap` stays
//! `0o755`). Elsewhere there are no such bits to read: files get `0o644`; build the entries
//! yourself (see [`zip_entries`](super::zip_entries)) to mark files executable.

use std::fs;
use std::path::{Path, PathBuf};

use super::entry::ZipEntry;
use super::error::ZipWriteError;

/// Reads every file and symlink under `dir` into entries (unsorted; [`zip_entries`] sorts).
///
/// `dir` itself may be a symlink to a directory; links below it are not followed.
///
/// [`zip_entries`]: super::zip_entries
///
/// ```no_run
/// use fc_client::code::entries_from_dir;
///
/// let entries = entries_from_dir("./my-function")?;
/// for entry in &entries {
///     println!("{} {:o}", entry.path, entry.mode);
/// }
/// # Ok::<(), fc_client::code::ZipWriteError>(())
/// ```
pub fn entries_from_dir(dir: impl AsRef<Path>) -> Result<Vec<ZipEntry>, ZipWriteError> {
    let root = dir.as_ref();
    let metadata = fs::metadata(root).map_err(|source| io_error(root, source))?;
    if !metadata.is_dir() {
        return Err(io_error(
            root,
            std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        ));
    }
    let mut entries = Vec::new();
    walk(root, "", &mut entries)?;
    Ok(entries)
}

/// Zips the directory `dir` deterministically: [`entries_from_dir`] then
/// [`zip_entries`](super::zip_entries).
///
/// ```no_run
/// let zip = fc_client::code::zip_dir("./my-function")?;
/// std::fs::write("code.zip", &zip).expect("write code.zip");
/// # Ok::<(), fc_client::code::ZipWriteError>(())
/// ```
pub fn zip_dir(dir: impl AsRef<Path>) -> Result<Vec<u8>, ZipWriteError> {
    super::zip_writer::zip_entries(entries_from_dir(dir)?)
}

fn walk(dir: &Path, prefix: &str, entries: &mut Vec<ZipEntry>) -> Result<(), ZipWriteError> {
    let listing = fs::read_dir(dir).map_err(|source| io_error(dir, source))?;
    for item in listing {
        let item = item.map_err(|source| io_error(dir, source))?;
        let path = item.path();
        let Some(name) = item.file_name().to_str().map(str::to_owned) else {
            return Err(ZipWriteError::NonUtf8Name { path });
        };
        if name == ".git" {
            continue;
        }
        let entry_path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let metadata = fs::symlink_metadata(&path).map_err(|source| io_error(&path, source))?;
        let file_type = metadata.file_type();
        if file_type.is_symlink() {
            let target = fs::read_link(&path).map_err(|source| io_error(&path, source))?;
            let Some(target) = link_text(&target) else {
                return Err(ZipWriteError::NonUtf8Name { path });
            };
            entries.push(ZipEntry::symlink(entry_path, target));
        } else if file_type.is_dir() {
            walk(&path, &entry_path, entries)?;
        } else if file_type.is_file() {
            let data = fs::read(&path).map_err(|source| io_error(&path, source))?;
            entries.push(ZipEntry::file(entry_path, data, permissions(&metadata)));
        } else {
            return Err(ZipWriteError::UnsupportedFileType { path });
        }
    }
    Ok(())
}

/// A link target as entry data: UTF-8, with `/` separators (Windows link targets use `\\`).
fn link_text(target: &Path) -> Option<String> {
    let text = target.to_str()?;
    if cfg!(windows) {
        Some(text.replace('\\', "/"))
    } else {
        Some(text.to_owned())
    }
}

#[cfg(unix)]
fn permissions(metadata: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode()
}

#[cfg(not(unix))]
fn permissions(_metadata: &fs::Metadata) -> u32 {
    0o644
}

fn io_error(path: &Path, source: std::io::Error) -> ZipWriteError {
    ZipWriteError::Io {
        path: PathBuf::from(path),
        source,
    }
}

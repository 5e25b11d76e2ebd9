//! Writing a [`ZipArchive`] to disk without leaving the target directory.
//!
//! Entry paths were already checked when the archive was read (relative, no `..`). Extraction
//! adds the checks that depend on the disk: no entry is written through a symlink (an existing
//! path component that is a symlink stops extraction; an existing symlink at the entry's own
//! path is replaced, never followed), and a symlink entry must point inside the target: its
//! target is relative and may only climb (`..`) at its start, no higher than the target
//! directory, so that no chain of links can lead out. Checks and writes are not atomic: do not
//! extract into a directory another process is changing.

use std::fs;
use std::path::{Path, PathBuf};

use super::entry::{EntryKind, ZipEntry};
use super::error::ExtractError;
use super::zip_reader::ZipArchive;

impl ZipArchive {
    /// Writes every entry under `dir` (created if missing): files with their Unix permission
    /// bits (on Unix), directories, and symlinks (on Unix only; elsewhere a symlink entry is an
    /// error). Existing files are overwritten. Directory permissions are applied last, so a
    /// read-only directory can still be filled.
    ///
    /// ```no_run
    /// use fc_client::code::{DEFAULT_MAX_UNCOMPRESSED, ZipArchive};
    ///
    /// let zip = std::fs::read("code.zip").expect("read code.zip");
    /// let archive = ZipArchive::read(&zip, DEFAULT_MAX_UNCOMPRESSED)?;
    /// archive.extract_to("/tmp/code")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extract_to(&self, dir: impl AsRef<Path>) -> Result<(), ExtractError> {
        let root = dir.as_ref();
        fs::create_dir_all(root).map_err(|source| io_error(root, source))?;
        let mut directories = Vec::new();
        for entry in self.entries() {
            let destination = prepare(root, entry)?;
            match entry.kind {
                EntryKind::Directory => {
                    fs::create_dir_all(&destination)
                        .map_err(|source| io_error(&destination, source))?;
                    directories.push((destination, entry.mode));
                }
                EntryKind::File => {
                    fs::write(&destination, &entry.data)
                        .map_err(|source| io_error(&destination, source))?;
                    set_mode(&destination, entry.mode)?;
                }
                EntryKind::Symlink => make_symlink(entry, &destination)?,
            }
        }
        for (directory, mode) in directories.iter().rev() {
            set_mode(directory, *mode)?;
        }
        Ok(())
    }
}

/// Checks that no existing component of the entry's parent path is a symlink, creates the parent
/// directories, removes a symlink or file already at the entry's own path (a directory there is
/// kept), and returns the destination path.
pub(super) fn prepare(root: &Path, entry: &ZipEntry) -> Result<PathBuf, ExtractError> {
    let components: Vec<&str> = entry.path.split('/').collect();
    let mut current = root.to_path_buf();
    let parents = components.len().saturating_sub(1);
    for component in components.iter().take(parents) {
        current.push(component);
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Err(ExtractError::Escapes {
                    path: entry.path.clone(),
                    reason: format!("{} is a symlink and is not followed", current.display()),
                });
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => break,
            Err(source) => return Err(io_error(&current, source)),
        }
    }
    let mut destination = root.to_path_buf();
    destination.extend(components.iter());
    if let Some(parent) = destination.parent() {
        fs::create_dir_all(parent).map_err(|source| io_error(parent, source))?;
    }
    match fs::symlink_metadata(&destination) {
        Ok(metadata) if metadata.is_dir() && entry.kind == EntryKind::Directory => {}
        Ok(metadata) if !metadata.is_dir() && entry.kind != EntryKind::Directory => {
            fs::remove_file(&destination).map_err(|source| io_error(&destination, source))?;
        }
        Ok(metadata) if metadata.file_type().is_symlink() => {
            return Err(ExtractError::Escapes {
                path: entry.path.clone(),
                reason: format!("{} is a symlink and is not followed", destination.display()),
            });
        }
        _ => {}
    }
    Ok(destination)
}

/// Whether a symlink target stays inside the extraction root when the link sits at `path`:
/// relative, non-empty, with `..` only as leading components and no more of them than the
/// link's directory depth.
fn link_problem(path: &str, target: &str) -> Option<&'static str> {
    if target.is_empty() {
        return Some("its target is empty");
    }
    if target.starts_with('/') || target.contains('\\') || target.contains('\0') {
        return Some("its target is absolute or contains a backslash or NUL");
    }
    let depth = path.split('/').count().saturating_sub(1);
    let mut climbing = true;
    let mut climbs = 0usize;
    for component in target.split('/') {
        match component {
            ".." if climbing => climbs += 1,
            ".." => return Some("its target has a `..` after a name, which links could redirect"),
            "" | "." => {}
            _ => climbing = false,
        }
    }
    (climbs > depth).then_some("its target climbs above the target directory")
}

#[cfg(unix)]
pub(super) fn make_symlink(entry: &ZipEntry, destination: &Path) -> Result<(), ExtractError> {
    let Some(target) = entry.symlink_target() else {
        return Err(ExtractError::Escapes {
            path: entry.path.clone(),
            reason: "its target is not UTF-8".to_owned(),
        });
    };
    if let Some(reason) = link_problem(&entry.path, target) {
        return Err(ExtractError::Escapes {
            path: entry.path.clone(),
            reason: format!("it is a symlink to {target:?} and {reason}"),
        });
    }
    std::os::unix::fs::symlink(target, destination).map_err(|source| io_error(destination, source))
}

#[cfg(not(unix))]
pub(super) fn make_symlink(entry: &ZipEntry, _destination: &Path) -> Result<(), ExtractError> {
    Err(ExtractError::SymlinkUnsupported {
        path: entry.path.clone(),
    })
}

#[cfg(unix)]
pub(super) fn set_mode(path: &Path, mode: u32) -> Result<(), ExtractError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|source| io_error(path, source))
}

#[cfg(not(unix))]
pub(super) fn set_mode(_path: &Path, _mode: u32) -> Result<(), ExtractError> {
    Ok(())
}

pub(super) fn io_error(path: &Path, source: std::io::Error) -> ExtractError {
    ExtractError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::link_problem;

    #[test]
    fn link_targets_must_stay_inside() {
        assert_eq!(link_problem("a/b/link", "../../x"), None);
        assert_eq!(link_problem("a/link", "./b/c"), None);
        assert_eq!(link_problem("link", "x/y"), None);
        assert!(link_problem("a/link", "../../x").is_some());
        assert!(link_problem("link", "/etc/passwd").is_some());
        assert!(link_problem("a/link", "y/../..").is_some());
        assert!(link_problem("a/link", "y/..").is_some());
        assert!(link_problem("link", "").is_some());
    }
}

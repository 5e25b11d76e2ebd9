//! One entry of a code package, as the writer takes it and the reader returns it.

/// What an entry is on disk once unpacked.
///
/// ```
/// use fc_client::code::{EntryKind, ZipEntry};
///
/// assert_eq!(ZipEntry::symlink("latest", "v2").kind, EntryKind::Symlink);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A regular file; the entry's data is its content.
    File,
    /// A directory; the entry has no data.
    Directory,
    /// A symbolic link; the entry's data is the link target (UTF-8, relative or absolute as
    /// stored).
    Symlink,
}

/// A file, directory or symlink inside a ZIP, with its path, Unix permissions and data.
///
/// `path` uses `/` separators and no leading `/`. `mode` holds the Unix permission bits only
/// (`0o755`, `0o644`...); the file type is `kind`.
///
/// ```
/// use fc_client::code::{EntryKind, ZipEntry};
///
/// let bootstrap = ZipEntry::file("bootstrap", b"#!/bin/sh\nexec ./server\n".to_vec(), 0o755);
/// assert_eq!(bootstrap.kind, EntryKind::File);
/// assert_eq!(bootstrap.mode, 0o755);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipEntry {
    /// Path inside the archive, `/`-separated, without a trailing `/` even for directories.
    pub path: String,
    /// Unix permission bits (`0o777` at most).
    pub mode: u32,
    /// File, directory or symlink.
    pub kind: EntryKind,
    /// File content, or the symlink target; empty for directories.
    pub data: Vec<u8>,
}

impl ZipEntry {
    /// A regular file with this content and these permission bits (bits above `0o777` are
    /// dropped).
    ///
    /// ```
    /// use fc_client::code::ZipEntry;
    ///
    /// let entry = ZipEntry::file("index.py", b"def handler(event, context): ...".to_vec(), 0o644);
    /// assert_eq!(entry.path, "index.py");
    /// ```
    pub fn file(path: impl Into<String>, data: Vec<u8>, mode: u32) -> Self {
        ZipEntry {
            path: path.into(),
            mode: mode & super::format::PERMISSION_BITS,
            kind: EntryKind::File,
            data,
        }
    }

    /// A symbolic link pointing at `target` (stored as the entry's data, mode `0o777`).
    ///
    /// ```
    /// use fc_client::code::ZipEntry;
    ///
    /// let link = ZipEntry::symlink("node_modules/.bin/tsc", "../typescript/bin/tsc");
    /// assert_eq!(link.symlink_target(), Some("../typescript/bin/tsc"));
    /// ```
    pub fn symlink(path: impl Into<String>, target: impl Into<String>) -> Self {
        ZipEntry {
            path: path.into(),
            mode: 0o777,
            kind: EntryKind::Symlink,
            data: target.into().into_bytes(),
        }
    }

    /// An (empty) directory with these permission bits.
    ///
    /// ```
    /// use fc_client::code::{EntryKind, ZipEntry};
    ///
    /// assert_eq!(ZipEntry::directory("tmp", 0o755).kind, EntryKind::Directory);
    /// ```
    pub fn directory(path: impl Into<String>, mode: u32) -> Self {
        ZipEntry {
            path: path.into(),
            mode: mode & super::format::PERMISSION_BITS,
            kind: EntryKind::Directory,
            data: Vec::new(),
        }
    }

    /// The link target of a symlink entry (`None` for files, directories, or a target that is
    /// not UTF-8).
    ///
    /// ```
    /// use fc_client::code::ZipEntry;
    ///
    /// assert_eq!(ZipEntry::file("a", Vec::new(), 0o644).symlink_target(), None);
    /// ```
    pub fn symlink_target(&self) -> Option<&str> {
        match self.kind {
            EntryKind::Symlink => std::str::from_utf8(&self.data).ok(),
            _ => None,
        }
    }
}

//! A session's files on disk: its directory (the instance's `TMPDIR`) and the copies snapshots
//! keep of it.

use std::io;
use std::path::Path;

/// Most bytes a snapshot copies (our choice: the unpacked-code cap, so that a session cannot
/// fill the disk through snapshots).
pub const MAX_SNAPSHOT_BYTES: u64 = crate::config::MAX_UNPACKED_CODE_BYTES;

/// Copies the tree `from` into the existing directory `to`: directories, regular files and
/// symbolic links (as links, never followed); other kinds (sockets, FIFOs) are skipped. Fails
/// with `FileTooLarge` past `max_bytes` in total. Returns the bytes copied.
pub fn copy_tree(from: &Path, to: &Path, max_bytes: u64) -> io::Result<u64> {
    let mut copied = 0;
    copy_into(from, to, max_bytes, &mut copied)?;
    Ok(copied)
}

fn copy_into(from: &Path, to: &Path, max_bytes: u64, copied: &mut u64) -> io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            std::fs::create_dir(&target)?;
            copy_into(&entry.path(), &target, max_bytes, copied)?;
        } else if kind.is_file() {
            *copied += entry.metadata()?.len();
            if *copied > max_bytes {
                return Err(io::Error::new(
                    io::ErrorKind::FileTooLarge,
                    format!("the session's files are over {max_bytes} bytes"),
                ));
            }
            std::fs::copy(entry.path(), &target)?;
        } else if kind.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
        }
    }
    Ok(())
}

/// Removes a directory tree; one already gone is fine.
pub fn remove_tree(dir: &Path) {
    if let Err(error) = std::fs::remove_dir_all(dir)
        && error.kind() != io::ErrorKind::NotFound
    {
        tracing::debug!(dir = %dir.display(), %error, "cannot remove a session directory");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_are_copied_with_links_kept_as_links_and_a_size_cap() {
        let root = std::env::temp_dir().join(format!(
            "fc-local-copy-test-{}",
            crate::request_id::new_request_id()
        ));
        let from = root.join("from");
        let to = root.join("to");
        std::fs::create_dir_all(from.join("sub")).unwrap();
        std::fs::create_dir_all(&to).unwrap();
        std::fs::write(from.join("a.txt"), "hello").unwrap();
        std::fs::write(from.join("sub/b.bin"), [0u8; 10]).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", from.join("link")).unwrap();
        assert_eq!(copy_tree(&from, &to, 100).unwrap(), 15);
        assert_eq!(std::fs::read_to_string(to.join("a.txt")).unwrap(), "hello");
        assert_eq!(std::fs::read(to.join("sub/b.bin")).unwrap().len(), 10);
        #[cfg(unix)]
        assert!(
            std::fs::symlink_metadata(to.join("link"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let small = root.join("small");
        std::fs::create_dir_all(&small).unwrap();
        let err = copy_tree(&from, &small, 12).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        remove_tree(&root);
        assert!(!root.exists());
    }
}

//! Round trips, determinism, hostile archives and interoperability of the code-packaging ZIPs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use fc_client::code::{
    CodePackage, DEFAULT_MAX_UNCOMPRESSED, EntryKind, ExtractError, ZipArchive, ZipEntry,
    ZipReadError, ZipWriteError, ZipWriter, entries_from_dir, zip_dir, zip_entries,
};

/// A fresh empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("fc-client-code-{tag}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, relative: &str, data: &[u8], mode: u32) {
        let path = self.0.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, data).unwrap();
        set_mode(&path, mode);
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn sample_entries() -> Vec<ZipEntry> {
    vec![
        ZipEntry::file("bootstrap", b"#!/bin/sh\nexec ./server\n".to_vec(), 0o755),
        ZipEntry::file("empty.txt", Vec::new(), 0o644),
        ZipEntry::file(
            "données/日本語.txt",
            "héllo wörld".as_bytes().to_vec(),
            0o600,
        ),
        ZipEntry::file(
            "lib/deep/nested/data.json",
            br#"{"a": [1, 2, 3]}"#.repeat(50),
            0o644,
        ),
        ZipEntry::file("lib/noise.bin", noise(3000), 0o640),
    ]
}

fn noise(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[test]
fn entries_round_trip_through_writer_and_reader() {
    let entries = sample_entries();
    let zip = zip_entries(entries.clone()).unwrap();
    let archive = ZipArchive::read(&zip, DEFAULT_MAX_UNCOMPRESSED).unwrap();
    let mut expected = entries;
    expected.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    assert_eq!(archive.entries(), expected.as_slice());
    let bootstrap = archive.get("bootstrap").unwrap();
    assert_eq!((bootstrap.kind, bootstrap.mode), (EntryKind::File, 0o755));
    assert!(archive.get("empty.txt").unwrap().data.is_empty());
}

#[test]
fn entries_are_sorted_bytewise_whatever_the_input_order() {
    let mut reversed = sample_entries();
    reversed.reverse();
    assert_eq!(
        zip_entries(reversed).unwrap(),
        zip_entries(sample_entries()).unwrap()
    );
    let zip = zip_entries(vec![
        ZipEntry::file("a/b", Vec::new(), 0o644),
        ZipEntry::file("a.txt", Vec::new(), 0o644),
        ZipEntry::file("B", Vec::new(), 0o644),
        ZipEntry::file("a", Vec::new(), 0o644),
    ])
    .unwrap();
    let archive = ZipArchive::read(&zip, 1024).unwrap();
    let paths: Vec<&str> = archive.entries().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["B", "a", "a.txt", "a/b"]);
}

#[test]
fn directory_and_symlink_entries_round_trip() {
    let zip = zip_entries(vec![
        ZipEntry::directory("cache", 0o700),
        ZipEntry::symlink("node_modules/.bin/tool", "../tool/cli.js"),
        ZipEntry::file(
            "node_modules/tool/cli.js",
            b"#!/usr/bin/env node\n".to_vec(),
            0o755,
        ),
    ])
    .unwrap();
    let archive = ZipArchive::read(&zip, 1024).unwrap();
    let cache = archive.get("cache").unwrap();
    assert_eq!((cache.kind, cache.mode), (EntryKind::Directory, 0o700));
    let link = archive.get("node_modules/.bin/tool").unwrap();
    assert_eq!(link.kind, EntryKind::Symlink);
    assert_eq!(link.symlink_target(), Some("../tool/cli.js"));
}

#[test]
fn same_files_give_identical_bytes() {
    assert_eq!(
        zip_entries(sample_entries()).unwrap(),
        zip_entries(sample_entries()).unwrap()
    );
    let first = CodePackage::from_entries(sample_entries()).unwrap();
    let second = CodePackage::from_entries(sample_entries()).unwrap();
    assert_eq!(first.checksum(), second.checksum());
}

#[test]
fn two_directories_built_in_different_orders_zip_identically() {
    let files = sample_entries();
    let first = TempDir::new("order-a");
    for file in &files {
        first.write(&file.path, &file.data, file.mode);
    }
    let second = TempDir::new("order-b");
    for file in files.iter().rev() {
        second.write(&file.path, &file.data, file.mode);
    }
    // Touch the second tree later so that modification times differ too.
    second.write("bootstrap", b"#!/bin/sh\nexec ./server\n", 0o755);
    let zip_a = zip_dir(first.path()).unwrap();
    let zip_b = zip_dir(second.path()).unwrap();
    assert_eq!(zip_a, zip_b);
    #[cfg(unix)]
    assert_eq!(zip_a, zip_entries(sample_entries()).unwrap());
}

#[test]
fn git_directories_and_files_are_skipped() {
    let dir = TempDir::new("git");
    dir.write("index.js", b"exports.handler = async () => 'ok';", 0o644);
    dir.write(".git/HEAD", b"ref: refs/heads/main\n", 0o644);
    dir.write(".git/objects/ab/cdef", b"blob", 0o444);
    dir.write(
        "vendor/sub/.git",
        b"gitdir: ../../.git/modules/sub\n",
        0o644,
    );
    dir.write("vendor/sub/lib.js", b"module.exports = 1;", 0o644);
    dir.write(".gitignore", b"node_modules\n", 0o644);
    let mut paths: Vec<String> = entries_from_dir(dir.path())
        .unwrap()
        .into_iter()
        .map(|e| e.path)
        .collect();
    paths.sort();
    assert_eq!(paths, [".gitignore", "index.js", "vendor/sub/lib.js"]);
}

#[cfg(unix)]
#[test]
fn directory_zip_keeps_the_executable_bit_and_symlinks() {
    let dir = TempDir::new("exec");
    dir.write("bootstrap", b"#!/bin/sh\n", 0o755);
    dir.write("handler.py", b"def handler(e, c): pass\n", 0o644);
    dir.write("bin/tool", b"\x7fELF", 0o700);
    std::os::unix::fs::symlink("bin/tool", dir.path().join("tool-link")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("outside-link")).unwrap();
    let archive = ZipArchive::read(&zip_dir(dir.path()).unwrap(), 1 << 20).unwrap();
    assert_eq!(archive.get("bootstrap").unwrap().mode, 0o755);
    assert_eq!(archive.get("handler.py").unwrap().mode, 0o644);
    assert_eq!(archive.get("bin/tool").unwrap().mode, 0o700);
    let link = archive.get("tool-link").unwrap();
    assert_eq!(link.symlink_target(), Some("bin/tool"));
    // The link is stored, not followed: its target's content is not in the archive.
    assert_eq!(
        archive.get("outside-link").unwrap().symlink_target(),
        Some("/etc/hostname")
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_names_and_special_files_are_refused_with_their_path() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TempDir::new("odd-names");
    let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
    if fs::write(&odd, b"latin-1 name").is_ok() {
        match zip_dir(dir.path()) {
            Err(ZipWriteError::NonUtf8Name { path }) => assert_eq!(path, odd),
            other => panic!("expected NonUtf8Name, got {other:?}"),
        }
        fs::remove_file(&odd).unwrap();
    }
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|status| status.success()) {
        let error = zip_dir(dir.path()).unwrap_err();
        assert!(
            matches!(&error, ZipWriteError::UnsupportedFileType { path } if *path == fifo),
            "{error:?}"
        );
        assert!(error.to_string().contains("pipe"), "{error}");
    }
}

#[test]
fn zipping_a_missing_directory_names_it() {
    let error = zip_dir("/nonexistent/fc-client-code-test").unwrap_err();
    assert!(matches!(error, ZipWriteError::Io { .. }));
    assert!(
        error
            .to_string()
            .contains("/nonexistent/fc-client-code-test"),
        "{error}"
    );
}

#[cfg(unix)]
#[test]
fn extract_writes_files_modes_and_links() {
    let zip = zip_entries(vec![
        ZipEntry::file("bootstrap", b"#!/bin/sh\n".to_vec(), 0o755),
        ZipEntry::file("conf/app.json", b"{}".to_vec(), 0o600),
        ZipEntry::file("conf/empty", Vec::new(), 0o644),
        ZipEntry::symlink("conf/link", "app.json"),
        ZipEntry::symlink("current", "conf"),
        ZipEntry::directory("ro", 0o555),
    ])
    .unwrap();
    let out = TempDir::new("extract");
    ZipArchive::read(&zip, 1 << 20)
        .unwrap()
        .extract_to(out.path())
        .unwrap();
    assert_eq!(mode_of(&out.path().join("bootstrap")), 0o755);
    assert_eq!(mode_of(&out.path().join("conf/app.json")), 0o600);
    assert_eq!(fs::read(out.path().join("conf/empty")).unwrap(), b"");
    assert_eq!(fs::read(out.path().join("conf/link")).unwrap(), b"{}");
    assert_eq!(
        fs::read(out.path().join("current/app.json")).unwrap(),
        b"{}"
    );
    assert_eq!(mode_of(&out.path().join("ro")), 0o555);
    set_mode(&out.path().join("ro"), 0o755);
}

#[cfg(unix)]
#[test]
fn extract_refuses_links_that_lead_out() {
    for (link, target) in [
        ("up", "../outside"),
        ("abs", "/etc/passwd"),
        ("a/sneaky", "b/../../x"),
        ("deep/er/up", "../../../x"),
    ] {
        let mut writer = ZipWriter::new();
        writer.add(&ZipEntry::symlink(link, target)).unwrap();
        let zip = writer.finish().unwrap();
        let out = TempDir::new("link-out");
        let error = ZipArchive::read(&zip, 1024)
            .unwrap()
            .extract_to(out.path())
            .unwrap_err();
        assert!(
            matches!(&error, ExtractError::Escapes { path, .. } if path == link),
            "{link} -> {target}: {error}"
        );
    }
}

#[cfg(unix)]
#[test]
fn extract_never_writes_through_a_symlink() {
    let outside = TempDir::new("victim");
    let out = TempDir::new("through-link");
    std::os::unix::fs::symlink(outside.path(), out.path().join("escape")).unwrap();
    let zip = zip_entries(vec![ZipEntry::file("escape/owned", b"x".to_vec(), 0o644)]).unwrap();
    let error = ZipArchive::read(&zip, 1024)
        .unwrap()
        .extract_to(out.path())
        .unwrap_err();
    assert!(matches!(&error, ExtractError::Escapes { path, .. } if path == "escape/owned"));
    assert!(error.to_string().contains("symlink"), "{error}");
    assert!(!outside.path().join("owned").exists());

    // A symlink at the entry's own path is replaced, not followed.
    std::os::unix::fs::symlink(outside.path().join("file"), out.path().join("file")).unwrap();
    let zip = zip_entries(vec![ZipEntry::file("file", b"inside".to_vec(), 0o644)]).unwrap();
    ZipArchive::read(&zip, 1024)
        .unwrap()
        .extract_to(out.path())
        .unwrap();
    assert!(!outside.path().join("file").exists());
    assert_eq!(fs::read(out.path().join("file")).unwrap(), b"inside");
}

#[test]
fn zip_slip_names_are_refused_with_the_entry_named() {
    for name in [
        "../evil.sh",
        "/etc/cron.d/evil",
        "a/../../evil",
        "..",
        "C:/evil",
        "a\\..\\..\\evil",
    ] {
        let mut writer = ZipWriter::new();
        writer
            .add(&ZipEntry::file("fine.txt", b"ok".to_vec(), 0o644))
            .unwrap();
        writer
            .add(&ZipEntry::file(name, b"pwned".to_vec(), 0o755))
            .unwrap();
        let zip = writer.finish().unwrap();
        match ZipArchive::read(&zip, 1024) {
            Err(ZipReadError::UnsafePath { path, .. }) => assert_eq!(path, name),
            other => panic!("{name:?}: expected UnsafePath, got {other:?}"),
        }
        let message = ZipArchive::read(&zip, 1024).unwrap_err().to_string();
        assert!(message.contains(&format!("{name:?}")), "{message}");
    }
}

#[test]
fn writer_refuses_unsafe_paths() {
    for name in ["../x", "/x", "a//b", "./a", ""] {
        let error = zip_entries(vec![ZipEntry::file(name, Vec::new(), 0o644)]).unwrap_err();
        assert!(
            matches!(error, ZipWriteError::InvalidPath { .. }),
            "{name:?}"
        );
    }
}

#[test]
fn size_cap_stops_a_zip_bomb_before_inflating() {
    let zip = zip_entries(vec![
        ZipEntry::file("a", vec![0; 600_000], 0o644),
        ZipEntry::file("b", vec![0; 600_000], 0o644),
    ])
    .unwrap();
    assert!(zip.len() < 5_000, "zeros compress well: {}", zip.len());
    assert!(ZipArchive::read(&zip, 1_200_000).is_ok());
    match ZipArchive::read(&zip, 1_000_000) {
        Err(ZipReadError::SizeCapExceeded { path, limit }) => {
            assert_eq!((path.as_str(), limit), ("b", 1_000_000));
        }
        other => panic!("expected SizeCapExceeded, got {other:?}"),
    }
}

#[test]
fn a_header_understating_the_size_is_caught_while_inflating() {
    let mut zip = zip_entries(vec![ZipEntry::file("bomb", vec![0; 100_000], 0o644)]).unwrap();
    // Rewrite the central directory's uncompressed size (offset 24 in the header) to 10 bytes.
    let central = zip.len() - 22 - (46 + "bomb".len());
    zip[central + 24..central + 28].copy_from_slice(&10u32.to_le_bytes());
    match ZipArchive::read(&zip, 1_000) {
        Err(ZipReadError::SizeMismatch { path, declared, .. }) => {
            assert_eq!((path.as_str(), declared), ("bomb", 10));
        }
        other => panic!("expected SizeMismatch, got {other:?}"),
    }
}

#[test]
fn corrupt_content_fails_the_crc_check() {
    let mut zip = zip_entries(vec![ZipEntry::file("a.txt", b"abcdef".to_vec(), 0o644)]).unwrap();
    // Stored (too short to deflate): the data follows the 30-byte header and the name.
    let data_at = 30 + "a.txt".len();
    assert_eq!(&zip[data_at..data_at + 6], b"abcdef");
    zip[data_at] = b'X';
    assert!(matches!(
        ZipArchive::read(&zip, 1024),
        Err(ZipReadError::CrcMismatch { path, .. }) if path == "a.txt"
    ));
}

#[test]
fn unsupported_features_are_named() {
    let zip = zip_entries(vec![ZipEntry::file(
        "a.txt",
        b"aaaaaaaaaaaaaaaaaaaaaaaa".to_vec(),
        0o644,
    )])
    .unwrap();
    let central = zip.len() - 22 - (46 + "a.txt".len());
    let patched = |at: usize, bytes: &[u8]| {
        let mut bad = zip.clone();
        bad[central + at..central + at + bytes.len()].copy_from_slice(bytes);
        ZipArchive::read(&bad, 1 << 20).unwrap_err().to_string()
    };
    // General purpose flag bit 0: encrypted.
    let message = patched(8, &(1u16 | 1 << 11).to_le_bytes());
    assert!(
        message.contains("\"a.txt\"") && message.contains("encryption"),
        "{message}"
    );
    // Method 12 is bzip2.
    let message = patched(10, &12u16.to_le_bytes());
    assert!(message.contains("compression method 12"), "{message}");
    // A size of 0xffffffff means "see the zip64 extra field".
    let message = patched(20, &u32::MAX.to_le_bytes());
    assert!(message.contains("zip64"), "{message}");
}

#[test]
fn truncated_or_flipped_archives_never_panic() {
    let zip = zip_entries(vec![
        ZipEntry::file(
            "bootstrap",
            b"#!/bin/sh\necho hello hello hello\n".to_vec(),
            0o755,
        ),
        ZipEntry::file(
            "d/x.txt",
            b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".to_vec(),
            0o644,
        ),
        ZipEntry::symlink("link", "d/x.txt"),
    ])
    .unwrap();
    assert!(ZipArchive::read(&zip, 1 << 20).is_ok());
    for len in 0..zip.len() {
        let result = ZipArchive::read(&zip[..len], 1 << 20);
        assert!(result.is_err(), "a ZIP cut to {len} bytes was accepted");
    }
    for at in 0..zip.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = zip.clone();
            bad[at] ^= flip;
            // Any outcome but a panic is fine: some bytes (e.g. attributes) are not checked.
            let _ = ZipArchive::read(&bad, 1 << 20);
        }
    }
    for garbage in [&b""[..], b"PK", b"PK\x05\x06", &[0xff; 64], &noise(4096)] {
        assert!(ZipArchive::read(garbage, 1 << 20).is_err());
    }
}

#[test]
fn archive_comment_and_leading_dot_slash_are_accepted() {
    let mut writer = ZipWriter::new();
    writer.add(&ZipEntry::directory(".", 0o755)).unwrap();
    writer
        .add(&ZipEntry::file("./bootstrap", b"x".to_vec(), 0o755))
        .unwrap();
    let mut zip = writer.finish().unwrap();
    let comment = b"built by some other tool";
    let len = zip.len();
    zip[len - 2..].copy_from_slice(&(comment.len() as u16).to_le_bytes());
    zip.extend_from_slice(comment);
    let archive = ZipArchive::read(&zip, 1024).unwrap();
    let paths: Vec<&str> = archive.entries().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["bootstrap"]);
}

#[test]
fn empty_archive_round_trips() {
    let zip = zip_entries(Vec::new()).unwrap();
    assert_eq!(zip.len(), 22);
    assert!(ZipArchive::read(&zip, 0).unwrap().entries().is_empty());
}

fn python3() -> Option<Command> {
    let probe = Command::new("python3").arg("--version").output().ok()?;
    probe.status.success().then(|| Command::new("python3"))
}

/// Python's zipfile reads the archive: names in order, Unix modes, content and CRCs.
#[test]
fn python_zipfile_reads_our_archives() {
    let Some(mut python) = python3() else {
        eprintln!("python3 not found: interoperability not checked");
        return;
    };
    let dir = TempDir::new("python");
    let zip_path = dir.path().join("code.zip");
    fs::write(&zip_path, zip_entries(sample_entries()).unwrap()).unwrap();
    let script = r#"
import sys, zipfile, json
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    out = []
    for info in z.infolist():
        out.append([info.filename, info.external_attr >> 16, info.create_system,
                    info.date_time[:3], z.read(info).hex()])
print(json.dumps(out))
"#;
    let output = python
        .arg("-c")
        .arg(script)
        .arg(&zip_path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut expected = sample_entries();
    expected.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), expected.len());
    for (row, entry) in listed.iter().zip(&expected) {
        assert_eq!(row[0], entry.path.as_str());
        assert_eq!(row[1], 0o100_000 | entry.mode);
        assert_eq!(row[2], 3, "created on Unix");
        assert_eq!(row[3], serde_json::json!([1980, 1, 1]));
        let hex: String = entry.data.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(row[4], hex.as_str());
    }
}

/// Python's zipfile writes an archive that our reader reads (deflated, stored, directories).
#[test]
fn we_read_python_zipfile_archives() {
    let Some(mut python) = python3() else {
        eprintln!("python3 not found: interoperability not checked");
        return;
    };
    let dir = TempDir::new("python-write");
    let zip_path = dir.path().join("made-by-python.zip");
    let script = r##"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    i = zipfile.ZipInfo("bootstrap"); i.external_attr = 0o100755 << 16
    i.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(i, "#!/bin/sh\n" * 20)
    z.writestr("lib/", "")
    z.writestr(zipfile.ZipInfo("lib/stored.txt"), "plain")
    z.writestr("ünï.txt", "utf8 name", compress_type=zipfile.ZIP_DEFLATED)
"##;
    let status = python
        .arg("-c")
        .arg(script)
        .arg(&zip_path)
        .status()
        .unwrap();
    assert!(status.success());
    let archive = ZipArchive::read(&fs::read(&zip_path).unwrap(), 1 << 20).unwrap();
    let bootstrap = archive.get("bootstrap").unwrap();
    assert_eq!(bootstrap.mode, 0o755);
    assert_eq!(bootstrap.data, "#!/bin/sh\n".repeat(20).as_bytes());
    assert_eq!(archive.get("lib").unwrap().kind, EntryKind::Directory);
    assert_eq!(archive.get("lib/stored.txt").unwrap().data, b"plain");
    assert_eq!(archive.get("ünï.txt").unwrap().data, b"utf8 name");
}

/// Info-ZIP's `unzip`, when installed, restores the executable bit and the symlinks.
#[cfg(unix)]
#[test]
fn unzip_restores_modes_and_links_when_available() {
    let available = Command::new("unzip").arg("-v").output();
    if !available.is_ok_and(|output| output.status.success()) {
        eprintln!("unzip not found: interoperability not checked");
        return;
    }
    let dir = TempDir::new("unzip");
    let zip_path = dir.path().join("code.zip");
    let zip = zip_entries(vec![
        ZipEntry::file("bootstrap", b"#!/bin/sh\necho hi\n".to_vec(), 0o755),
        ZipEntry::file("lib/data.txt", b"data ".repeat(400), 0o644),
        ZipEntry::symlink("data", "lib/data.txt"),
    ])
    .unwrap();
    fs::write(&zip_path, zip).unwrap();
    let out = dir.path().join("out");
    let status = Command::new("unzip")
        .arg("-q")
        .arg(&zip_path)
        .arg("-d")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(mode_of(&out.join("bootstrap")), 0o755);
    assert_eq!(mode_of(&out.join("lib/data.txt")), 0o644);
    assert_eq!(
        fs::read_link(out.join("data")).unwrap(),
        Path::new("lib/data.txt")
    );
    assert_eq!(fs::read(out.join("data")).unwrap(), b"data ".repeat(400));
}

mod streamed_unpack {
    use fc_client::code::{UnpackError, ZipArchive, ZipEntry, ZipReadError, zip_entries};

    fn temp(label: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("fc-unpack-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn listing(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(current) = pending.pop() {
            for entry in std::fs::read_dir(&current).unwrap() {
                let path = entry.unwrap().path();
                let meta = std::fs::symlink_metadata(&path).unwrap();
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                if meta.file_type().is_symlink() {
                    let target = std::fs::read_link(&path).unwrap();
                    out.push((name, target.display().to_string().into_bytes()));
                } else if meta.is_dir() {
                    pending.push(path);
                } else {
                    out.push((name, std::fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn unpack_writes_what_read_and_extract_write() {
        let zip = zip_entries(vec![
            ZipEntry::directory("lib", 0o755),
            ZipEntry::file("lib/big.txt", b"0123456789".repeat(50_000), 0o644),
            ZipEntry::file("bootstrap", b"#!/bin/sh\n".to_vec(), 0o755),
            ZipEntry::symlink("link", "lib/big.txt"),
        ])
        .unwrap();
        let (streamed, buffered) = (temp("streamed"), temp("buffered"));
        ZipArchive::unpack(&zip, 1 << 20, &streamed).unwrap();
        ZipArchive::read(&zip, 1 << 20)
            .unwrap()
            .extract_to(&buffered)
            .unwrap();
        assert_eq!(listing(&streamed), listing(&buffered));
        assert_eq!(listing(&streamed).len(), 3);
        for dir in [streamed, buffered] {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }

    #[test]
    fn a_lying_header_is_caught_and_its_file_removed_and_a_bomb_writes_nothing() {
        let mut zip = zip_entries(vec![ZipEntry::file("a.txt", vec![b'a'; 5_000], 0o644)]).unwrap();
        let central = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        zip[central + 24..central + 28].copy_from_slice(&100u32.to_le_bytes());
        let dir = temp("liar");
        let error = ZipArchive::unpack(&zip, 1 << 20, &dir).unwrap_err();
        assert!(
            matches!(error, UnpackError::Read(ZipReadError::SizeMismatch { .. })),
            "{error}"
        );
        assert!(!dir.join("a.txt").exists(), "the partial file is removed");

        zip[central + 24..central + 28].copy_from_slice(&(2u32 << 20).to_le_bytes());
        let bomb = temp("bomb");
        let error = ZipArchive::unpack(&zip, 1 << 20, &bomb).unwrap_err();
        assert!(
            matches!(
                error,
                UnpackError::Read(ZipReadError::SizeCapExceeded { .. })
            ),
            "{error}"
        );
        assert!(!bomb.exists(), "refused before anything is written");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

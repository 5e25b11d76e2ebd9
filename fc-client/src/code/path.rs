//! The rule every entry path must follow, for the writer (refuse to create) and the reader
//! (refuse to return or extract): a relative `/`-separated path that stays inside the archive.

/// Why a path breaks the rule, or `None` when it follows it.
///
/// A valid path is non-empty, relative (no leading `/`, no drive letter such as `C:`), has no
/// empty, `.` or `..` components, and contains no backslash or NUL. Backslashes are refused
/// because some extractors treat them as separators, which would let `..\x` escape.
pub(crate) fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("the path is empty");
    }
    if path.contains('\0') {
        return Some("the path contains a NUL byte");
    }
    if path.contains('\\') {
        return Some("the path contains a backslash; only `/` separators are allowed");
    }
    if path.starts_with('/') {
        return Some("the path is absolute; entry paths must be relative");
    }
    let bytes = path.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Some("the path starts with a drive letter; entry paths must be relative");
    }
    for component in path.split('/') {
        match component {
            "" => return Some("the path has an empty component (`//` or a trailing `/`)"),
            "." => return Some("the path has a `.` component"),
            ".." => return Some("the path has a `..` component, which could escape the target"),
            _ => {}
        }
    }
    None
}

/// Normalises a name read from an archive: drops a trailing `/` (directory marker) and `.` or
/// empty components produced by some tools (`./bootstrap`, `lib//x`). Returns the cleaned path
/// and whether the name ended with `/`; the result still has to pass [`path_problem`].
pub(crate) fn normalise_archive_name(name: &str) -> (String, bool) {
    let is_dir = name.ends_with('/');
    if name.starts_with('/') {
        // Keep absolute names as they are so that the rule check names them as absolute.
        return (name.to_owned(), is_dir);
    }
    let cleaned: Vec<&str> = name
        .split('/')
        .filter(|component| !component.is_empty() && *component != ".")
        .collect();
    (cleaned.join("/"), is_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_relative_paths() {
        for ok in [
            "bootstrap",
            "lib/a.so",
            "日本語/ファイル.txt",
            "a..b/c",
            ".hidden/.env",
        ] {
            assert_eq!(path_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn refuses_escaping_or_odd_paths() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/..",
            "C:/x",
            "c:x",
            "a\\..\\x",
            "a//b",
            "a/",
            "./a",
            "a\0b",
        ] {
            assert!(path_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn normalise_strips_dots_and_marks_directories() {
        assert_eq!(
            normalise_archive_name("./bootstrap"),
            ("bootstrap".into(), false)
        );
        assert_eq!(normalise_archive_name("lib//x/"), ("lib/x".into(), true));
        assert_eq!(normalise_archive_name("/abs/"), ("/abs/".into(), true));
        assert_eq!(normalise_archive_name("a/../b"), ("a/../b".into(), false));
    }
}

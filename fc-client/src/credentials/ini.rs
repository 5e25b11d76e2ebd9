//! A small INI reader for `credentials.ini`.
//!
//! The format accepted: `[section]` headers; `key = value` (or `key: value`) lines; full-line
//! comments starting with `#` or `;`; inline comments introduced by whitespace then `#` or `;`;
//! blank lines. Keys and values are trimmed; keys are case-sensitive. A repeated section adds
//! to the first; a repeated key keeps the last value. Anything else is an error naming the
//! line (never quoting it: the line may hold a secret).

use std::collections::BTreeMap;

/// A parsed INI document: sections of key/value pairs.
///
/// ```
/// use fc_client::credentials::IniFile;
///
/// let ini = IniFile::parse("
/// ; credentials for the build machine
/// [default]
/// type = access_key        ; long-term key
/// access_key_id = LTAI-example
/// ").unwrap();
/// assert_eq!(ini.get("default", "type"), Some("access_key"));
/// assert!(ini.section("missing").is_none());
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct IniFile {
    sections: BTreeMap<String, BTreeMap<String, String>>,
}

/// A line the reader could not understand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct IniError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub problem: &'static str,
}

impl IniFile {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<IniFile, IniError> {
        let mut sections: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut current: Option<String> = None;
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let error = |problem| IniError {
                line: line_no,
                problem,
            };
            let line = strip_comment(raw.trim_start_matches('\u{feff}')).trim();
            if line.is_empty() {
                continue;
            }
            if let Some(header) = line.strip_prefix('[') {
                let name = header
                    .strip_suffix(']')
                    .ok_or_else(|| error("section header without a closing `]`"))?
                    .trim();
                if name.is_empty() {
                    return Err(error("empty section name"));
                }
                sections.entry(name.to_owned()).or_default();
                current = Some(name.to_owned());
                continue;
            }
            let (key, value) = line
                .split_once(['=', ':'])
                .ok_or_else(|| error("neither a section header nor a `key = value` line"))?;
            let key = key.trim();
            if key.is_empty() {
                return Err(error("a value without a key"));
            }
            let section = current
                .as_ref()
                .ok_or_else(|| error("a key before any `[section]` header"))?;
            sections
                .entry(section.clone())
                .or_default()
                .insert(key.to_owned(), value.trim().to_owned());
        }
        Ok(IniFile { sections })
    }

    /// The keys and values of `section`, if it exists.
    pub fn section(&self, section: &str) -> Option<&BTreeMap<String, String>> {
        self.sections.get(section)
    }

    /// One value.
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.section(section)?.get(key).map(String::as_str)
    }

    /// The section names, sorted.
    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.sections.keys().map(String::as_str)
    }
}

/// Lists sections and keys, never values (they hold secrets).
impl std::fmt::Debug for IniFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(
                self.sections
                    .iter()
                    .map(|(name, keys)| (name, keys.keys().collect::<Vec<_>>())),
            )
            .finish()
    }
}

/// Drops a full-line comment, or an inline one that follows whitespace.
fn strip_comment(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with(';') {
        return "";
    }
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if (b == b'#' || b == b';') && i > 0 && bytes[i - 1].is_ascii_whitespace() {
            return &line[..i];
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_keys_comments_and_whitespace() {
        let ini = IniFile::parse(
            "\u{feff}; leading comment\n\
             \n\
             [default]\n\
             \ttype   =   access_key   # inline comment\n\
             access_key_id=id#not-a-comment\n\
             access_key_secret : s;cret\n\
             [ other ]\n\
             role_name = r ; trailing\n\
             [default]\n\
             extra = 1\n\
             empty =\n",
        )
        .unwrap();
        assert_eq!(ini.get("default", "type"), Some("access_key"));
        assert_eq!(
            ini.get("default", "access_key_id"),
            Some("id#not-a-comment")
        );
        assert_eq!(ini.get("default", "access_key_secret"), Some("s;cret"));
        assert_eq!(ini.get("default", "extra"), Some("1"));
        assert_eq!(ini.get("default", "empty"), Some(""));
        assert_eq!(ini.get("other", "role_name"), Some("r"));
        assert_eq!(
            ini.section_names().collect::<Vec<_>>(),
            ["default", "other"]
        );
        assert!(ini.section("missing").is_none());
        assert_eq!(ini.get("default", "missing"), None);
    }

    #[test]
    fn later_keys_win() {
        let ini = IniFile::parse("[a]\nk = 1\nk = 2\n").unwrap();
        assert_eq!(ini.get("a", "k"), Some("2"));
    }

    #[test]
    fn names_the_bad_line_without_quoting_it() {
        let cases = [
            ("[default]\nok = 1\nsecret-without-equals\n", 3),
            ("key = before-section\n", 1),
            ("[unclosed\n", 1),
            ("[]\n", 1),
            ("[a]\n = value\n", 2),
        ];
        for (text, line) in cases {
            let err = IniFile::parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}");
            assert!(!err.to_string().contains("secret-without-equals"));
        }
    }

    #[test]
    fn debug_shows_no_values() {
        let ini = IniFile::parse("[default]\naccess_key_secret = hunter2\n").unwrap();
        let shown = format!("{ini:?}");
        assert!(shown.contains("access_key_secret") && !shown.contains("hunter2"));
    }
}

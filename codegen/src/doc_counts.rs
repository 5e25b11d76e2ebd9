//! Numbers the docs state about a spec, written by `cargo xtask regen` so that they never go
//! stale: a doc puts such a number between two HTML comments, invisible once rendered,
//!
//! ```text
//! the whole 3.0 API (all <!-- count: fc3.operations -->73<!-- /count --> operations)
//! ```
//!
//! and [`rewrite`] replaces whatever stands between them with the current value. The names are
//! `<api>.operations` for every API of `spec/apis.yaml` ([`counts`]).

use std::collections::BTreeMap;

use crate::CodegenError;

const OPEN: &str = "<!-- count: ";
const OPEN_END: &str = " -->";
const CLOSE: &str = "<!-- /count -->";

/// The numbers a doc may state: `<api>.operations` for each `(api name, spec)`.
pub fn counts<'a>(
    apis: impl IntoIterator<Item = (&'a str, &'a crate::Spec)>,
) -> BTreeMap<String, usize> {
    apis.into_iter()
        .map(|(name, spec)| (format!("{name}.operations"), spec.operations().len()))
        .collect()
}

/// `text` with every marked number set from `counts`, or `None` when it has no marker. `doc`
/// names the file in errors: an unknown name or a marker left open is an error, never skipped.
///
/// ```
/// let counts = [("fc3.operations".to_owned(), 74)].into();
/// let text = "all <!-- count: fc3.operations -->73<!-- /count --> operations";
/// assert_eq!(
///     codegen::doc_counts::rewrite("README.md", text, &counts).unwrap().as_deref(),
///     Some("all <!-- count: fc3.operations -->74<!-- /count --> operations"),
/// );
/// ```
pub fn rewrite(
    doc: &str,
    text: &str,
    counts: &BTreeMap<String, usize>,
) -> Result<Option<String>, CodegenError> {
    let error = |message: String| CodegenError::Output(format!("{doc}: {message}"));
    if !text.contains(OPEN) {
        return Ok(None);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let after_open = &rest[start + OPEN.len()..];
        let name_end = after_open
            .find(OPEN_END)
            .ok_or_else(|| error(format!("a `{OPEN}` marker has no `{OPEN_END}`")))?;
        let name = after_open[..name_end].trim();
        let value = counts.get(name).ok_or_else(|| {
            let known: Vec<&str> = counts.keys().map(String::as_str).collect();
            error(format!(
                "unknown count `{name}` (known: {})",
                known.join(", ")
            ))
        })?;
        let body = &after_open[name_end + OPEN_END.len()..];
        let close = body
            .find(CLOSE)
            .filter(|&at| !body[..at].contains(OPEN))
            .ok_or_else(|| error(format!("the count `{name}` has no `{CLOSE}`")))?;
        out.push_str(&rest[..start + OPEN.len() + name_end + OPEN_END.len()]);
        out.push_str(&value.to_string());
        out.push_str(CLOSE);
        rest = &body[close + CLOSE.len()..];
    }
    out.push_str(rest);
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts() -> BTreeMap<String, usize> {
        [
            ("fc3.operations".to_owned(), 74),
            ("fc2.operations".to_owned(), 66),
        ]
        .into()
    }

    #[test]
    fn every_marker_is_rewritten_and_the_rest_is_kept() {
        let text = "a <!-- count: fc3.operations -->1<!-- /count --> b \
                    <!-- count: fc2.operations --><!-- /count --> c";
        assert_eq!(
            rewrite("d.md", text, &counts()).unwrap().as_deref(),
            Some(
                "a <!-- count: fc3.operations -->74<!-- /count --> b \
                 <!-- count: fc2.operations -->66<!-- /count --> c"
            )
        );
        assert_eq!(rewrite("d.md", "no markers, 73", &counts()).unwrap(), None);
    }

    #[test]
    fn unknown_names_and_open_markers_are_errors_naming_the_doc() {
        let unknown = rewrite(
            "d.md",
            "<!-- count: fc9.operations -->1<!-- /count -->",
            &counts(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            unknown.contains("d.md") && unknown.contains("unknown count `fc9.operations`"),
            "{unknown}"
        );
        for open in [
            "<!-- count: fc3.operations -->1",
            "<!-- count: fc3.operations",
            "<!-- count: fc3.operations -->1 <!-- count: fc2.operations -->2<!-- /count -->",
        ] {
            let message = rewrite("d.md", open, &counts()).unwrap_err().to_string();
            assert!(
                message.contains("d.md") && message.contains("no `"),
                "{message}"
            );
        }
    }
}

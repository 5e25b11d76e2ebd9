//! The list of API versions to generate (`spec/apis.yaml`).
//!
//! Each entry names a spec, its version string and where its Rust lives: the module of
//! `fc-models` that holds its types, enums and operation table, and the module of `fc-client` that
//! holds its generated client. Adding an API version is one entry plus its spec.

use std::path::Path;

use serde_json::Value;

use crate::CodegenError;

/// One API version to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiEntry {
    /// Short name, e.g. `fc3`.
    pub name: String,
    /// The spec file, relative to the workspace root.
    pub spec: String,
    /// The API version string, e.g. `2023-03-30`.
    pub version: String,
    /// The Rust path of the models module, e.g. `fc_models` or `fc_models::fc2`.
    pub models: String,
    /// Directory of the models module's generated files, relative to the workspace root.
    pub models_dir: String,
    /// The Rust path of the client module, e.g. `fc_client` or `fc_client::fc2`.
    pub client: String,
    /// Directory of the client module's generated files, relative to the workspace root.
    pub client_dir: String,
    /// The conformance suite's per-operation calls, relative to the workspace root.
    pub wire_calls: Option<String>,
    /// The reviewed list of known differences from the vendor metadata that `cargo xtask
    /// spec-diff` does not show again (see [`crate::spec_diff::Baseline`]), relative to the
    /// workspace root.
    pub spec_diff_baseline: Option<String>,
}

/// Reads the manifest at `path`: a YAML list of entries.
pub fn load_manifest(path: &Path) -> Result<Vec<ApiEntry>, CodegenError> {
    let display = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| CodegenError::Read {
        path: display.clone(),
        source,
    })?;
    parse_manifest(&display, &bytes)
}

/// Parses manifest text; `origin` names it in errors.
pub fn parse_manifest(origin: &str, bytes: &[u8]) -> Result<Vec<ApiEntry>, CodegenError> {
    let invalid = |message: String| CodegenError::Parse {
        path: origin.to_owned(),
        message,
    };
    let document: Value = serde_yaml::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
    let entries = document
        .as_array()
        .ok_or_else(|| invalid("the manifest must be a list of API entries".into()))?;
    let mut apis = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let text = |key: &str| -> Result<String, CodegenError> {
            entry
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| {
                    invalid(format!("entry {index}: `{key}` must be a non-empty string"))
                })
        };
        let optional = |key: &str| -> Result<Option<String>, CodegenError> {
            match entry.get(key) {
                None => Ok(None),
                Some(_) => text(key).map(Some),
            }
        };
        let api = ApiEntry {
            name: text("name")?,
            spec: text("spec")?,
            version: text("version")?,
            models: text("models")?,
            models_dir: text("models_dir")?,
            client: text("client")?,
            client_dir: text("client_dir")?,
            wire_calls: entry
                .get("wire_calls")
                .and_then(Value::as_str)
                .map(str::to_owned),
            spec_diff_baseline: optional("spec_diff_baseline")?,
        };
        for (key, path) in [("models", &api.models), ("client", &api.client)] {
            let valid = path.split("::").all(|segment| {
                segment
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase())
                    && segment
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            });
            if !valid {
                return Err(invalid(format!(
                    "entry {index} ({}): `{key}` must be a Rust module path, got {path:?}",
                    api.name
                )));
            }
        }
        if apis.iter().any(|a: &ApiEntry| a.name == api.name) {
            return Err(invalid(format!(
                "entry {index}: the name {} is taken",
                api.name
            )));
        }
        apis.push(api);
    }
    Ok(apis)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = "- name: fc3\n  spec: spec/a.yaml\n  version: '2023-03-30'\n  \
                         models: fc_models\n  models_dir: fc-models/src\n  client: fc_client\n  \
                         client_dir: fc-client/src\n";

    #[test]
    fn reads_entries() {
        let apis = parse_manifest("m", ENTRY.as_bytes()).unwrap();
        assert_eq!(apis.len(), 1);
        assert_eq!(apis[0].version, "2023-03-30");
        assert_eq!(apis[0].wire_calls, None);
        assert_eq!(apis[0].spec_diff_baseline, None);
    }

    #[test]
    fn reads_the_optional_spec_diff_baseline() {
        let with = format!("{ENTRY}  spec_diff_baseline: spec/b.txt\n");
        let apis = parse_manifest("m", with.as_bytes()).unwrap();
        assert_eq!(apis[0].spec_diff_baseline.as_deref(), Some("spec/b.txt"));

        for bad in ["''", "[a]", "3"] {
            let with = format!("{ENTRY}  spec_diff_baseline: {bad}\n");
            let error = parse_manifest("m", with.as_bytes()).unwrap_err();
            assert!(
                error.to_string().contains("`spec_diff_baseline`"),
                "{error}"
            );
        }
    }

    #[test]
    fn names_what_is_wrong() {
        let missing = ENTRY.replace("  version: '2023-03-30'\n", "");
        let error = parse_manifest("m", missing.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("`version`"), "{error}");

        let bad_path = ENTRY.replace("models: fc_models", "models: fc-models");
        let error = parse_manifest("m", bad_path.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("module path"), "{error}");

        let twice = format!("{ENTRY}{ENTRY}");
        let error = parse_manifest("m", twice.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("taken"), "{error}");
    }
}

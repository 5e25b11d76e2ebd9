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
    /// The response round-trip suite's schema-to-type dispatch, relative to the workspace root.
    pub response_types: Option<String>,
    /// The reviewed list of known differences from the vendor metadata that `cargo xtask
    /// spec-diff` does not show again (see [`crate::spec_diff::Baseline`]), relative to the
    /// workspace root.
    pub spec_diff_baseline: Option<String>,
    /// Schemas of this spec that are not generated again but use another API's Rust type
    /// (schema name, Rust path), e.g. `ErrorBody` -> `fc_models::ErrorBody`, so that one runtime
    /// serves every API version.
    pub shared_types: Vec<(String, String)>,
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
            response_types: optional("response_types")?,
            spec_diff_baseline: optional("spec_diff_baseline")?,
            shared_types: shared_types(entry)
                .map_err(|m| invalid(format!("entry {index}: {m}")))?,
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

/// The Rust path another API owns for the schema `schema`, if `shared` lists it.
pub(crate) fn shared_type<'a>(shared: &'a [(String, String)], schema: &str) -> Option<&'a str> {
    shared
        .iter()
        .find(|(name, _)| name == schema)
        .map(|(_, path)| path.as_str())
}

/// Reads the optional `shared_types` map: schema name to a Rust type path.
fn shared_types(entry: &Value) -> Result<Vec<(String, String)>, String> {
    let Some(map) = entry.get("shared_types") else {
        return Ok(Vec::new());
    };
    let map = map
        .as_object()
        .ok_or("`shared_types` must map schema names to Rust paths")?;
    map.iter()
        .map(|(schema, path)| match path.as_str() {
            Some(path) if !path.is_empty() && syn::parse_str::<syn::Path>(path).is_ok() => {
                Ok((schema.clone(), path.to_owned()))
            }
            _ => Err(format!(
                "`shared_types.{schema}` must be a Rust type path, got {path}"
            )),
        })
        .collect()
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
        assert!(apis[0].shared_types.is_empty());
    }

    #[test]
    fn reads_shared_types() {
        let with = format!("{ENTRY}  shared_types:\n    ErrorBody: fc_models::ErrorBody\n");
        let apis = parse_manifest("m", with.as_bytes()).unwrap();
        assert_eq!(
            apis[0].shared_types,
            [("ErrorBody".to_owned(), "fc_models::ErrorBody".to_owned())]
        );
        let bad = format!("{ENTRY}  shared_types:\n    ErrorBody: 'not a path!'\n");
        let error = parse_manifest("m", bad.as_bytes()).unwrap_err();
        assert!(
            error.to_string().contains("shared_types.ErrorBody"),
            "{error}"
        );
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

//! Rewrites a linted spec into the document progenitor generates from.
//!
//! The checked-in spec says what the wire carries; some of that, given to progenitor as is, would
//! give the wrong Rust types:
//! - validation keywords (`minimum`, `pattern`, ...) turn plain numbers and strings into newtypes
//!   and `NonZero` integers, so they are stripped here (the client validates input itself);
//! - string formats such as `date-time` would pull in extra crates, so strings stay `String`;
//! - typify's enums are closed, so every enum schema is replaced by an open enum of our own;
//! - a query parameter carrying a JSON array in one value (`x-fc-style: json`) is replaced by
//!   `fc_models::JsonQuery<T>`, whose `Serialize` writes the JSON text.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::CodegenError;
use crate::spec::Spec;

/// String and number formats that keep their meaning in generated code.
const KEPT_FORMATS: [&str; 5] = ["binary", "int32", "int64", "double", "float"];

/// The document handed to progenitor, plus what was taken out of it.
pub(crate) struct Prepared {
    pub openapi: openapiv3::OpenAPI,
    pub enums: Vec<OpenEnum>,
    pub json_queries: Vec<JsonQueryParam>,
}

/// An enum schema, generated as an open Rust enum.
#[derive(Debug, Clone)]
pub(crate) struct OpenEnum {
    pub name: String,
    pub description: Option<String>,
    pub values: Vec<String>,
}

/// A query parameter whose value is JSON text, replaced by `fc_models::JsonQuery<T>`.
#[derive(Debug, Clone)]
pub(crate) struct JsonQueryParam {
    pub schema_name: String,
    pub rust_type: String,
}

/// Prepares `spec`, whose types will live in the Rust module `models` (e.g. `fc_models`).
pub(crate) fn prepare(spec: &Spec, models: &str) -> Result<Prepared, CodegenError> {
    let mut document = spec.document.clone();
    let enums = collect_enums(&document);
    let json_queries = replace_json_queries(spec, models, &mut document);
    strip_constraints(&mut document, false);
    let openapi = serde_json::from_value(document).map_err(|e| CodegenError::Parse {
        path: spec.file_name.clone(),
        message: e.to_string(),
    })?;
    Ok(Prepared {
        openapi,
        enums,
        json_queries,
    })
}

/// The Rust type a JSON query parameter decodes to (item types from the module `models`), or
/// `None` if the schema is not supported.
pub(crate) fn json_query_rust_type(schema: &Value, models: &str) -> Option<String> {
    if schema.get("type").and_then(Value::as_str) != Some("array") {
        return None;
    }
    let items = schema.get("items")?;
    let item = match items.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            format!("{models}::{name}")
        }
        None if items.get("type").and_then(Value::as_str) == Some("string") => "String".into(),
        None => return None,
    };
    Some(format!("fc_models::JsonQuery<::std::vec::Vec<{item}>>"))
}

fn collect_enums(document: &Value) -> Vec<OpenEnum> {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut enums: Vec<OpenEnum> = schemas
        .iter()
        .filter_map(|(name, schema)| {
            let values = schema.get("enum")?.as_array()?;
            Some(OpenEnum {
                name: name.clone(),
                description: schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                values: values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            })
        })
        .collect();
    enums.sort_by(|a, b| a.name.cmp(&b.name));
    enums
}

fn replace_json_queries(spec: &Spec, models: &str, document: &mut Value) -> Vec<JsonQueryParam> {
    let mut found = Vec::new();
    let mut new_schemas = Map::new();
    for op in spec.operations() {
        let Some(params) = op.body.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for (index, param) in params.iter().enumerate() {
            if param.get("x-fc-style").and_then(Value::as_str) != Some("json") {
                continue;
            }
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let schema = param.get("schema").cloned().unwrap_or(Value::Null);
            let Some(rust_type) = json_query_rust_type(&schema, models) else {
                continue;
            };
            let schema_name = format!("{}{}JsonQuery", op.id, name.to_upper_camel_case());
            let pointer = format!(
                "/paths/{}/{}/parameters/{index}/schema",
                op.path.replace('~', "~0").replace('/', "~1"),
                op.method
            );
            if let Some(slot) = document.pointer_mut(&pointer) {
                *slot =
                    serde_json::json!({ "$ref": format!("#/components/schemas/{schema_name}") });
            }
            new_schemas.insert(schema_name.clone(), schema);
            found.push(JsonQueryParam {
                schema_name,
                rust_type,
            });
        }
    }
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.extend(new_schemas);
    }
    found
}

/// Removes validation keywords and extra formats from every schema in the document.
///
/// A key is only removed when its value is a scalar: a property *named* `pattern` (a schema,
/// so an object) is left alone. `properties` maps are walked but their keys are never removed.
fn strip_constraints(value: &mut Value, in_properties_map: bool) {
    match value {
        Value::Object(map) => {
            if !in_properties_map {
                map.retain(|key, v| {
                    let scalar = !v.is_object() && !v.is_array();
                    let constraint = crate::CONSTRAINT_KEYWORDS.contains(&key.as_str());
                    let dropped_format =
                        key == "format" && v.as_str().is_some_and(|f| !KEPT_FORMATS.contains(&f));
                    !(scalar && (constraint || dropped_format))
                });
            }
            for (key, child) in map.iter_mut() {
                strip_constraints(child, !in_properties_map && key == "properties");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip_constraints(v, false)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_constraints_but_not_properties_named_like_keywords() {
        let mut schema = serde_json::json!({
            "type": "object",
            "properties": {
                "memorySize": {"type": "integer", "minimum": 128, "multipleOf": 64},
                "pattern": {"type": "string", "pattern": "^a"},
                "createdTime": {"type": "string", "format": "date-time"},
                "zip": {"type": "string", "format": "binary"}
            }
        });
        strip_constraints(&mut schema, false);
        assert_eq!(
            schema,
            serde_json::json!({
                "type": "object",
                "properties": {
                    "memorySize": {"type": "integer"},
                    "pattern": {"type": "string"},
                    "createdTime": {"type": "string"},
                    "zip": {"type": "string", "format": "binary"}
                }
            })
        );
    }

    #[test]
    fn json_query_types() {
        let tags =
            serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/Tag"}});
        assert_eq!(
            json_query_rust_type(&tags, "fc_models").as_deref(),
            Some("fc_models::JsonQuery<::std::vec::Vec<fc_models::Tag>>")
        );
        let ids = serde_json::json!({"type": "array", "items": {"type": "string"}});
        assert_eq!(
            json_query_rust_type(&ids, "fc_models::fc2").as_deref(),
            Some("fc_models::JsonQuery<::std::vec::Vec<String>>")
        );
        assert_eq!(
            json_query_rust_type(&serde_json::json!({"type": "string"}), "fc_models"),
            None
        );
    }
}

//! Response shapes built from request shapes, and list answers as clients expect them.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{FcError, FcResult};

/// Converts a request shape into a response shape through JSON: the fields of `input`, plus
/// (overriding them) the fields of the object `extra`. The API's `*Input` schemas are copies of
/// the response schemas with constraints, so their JSON is interchangeable.
pub fn reshape<I: Serialize, O: DeserializeOwned>(input: &I, extra: Value) -> FcResult<O> {
    let mut map = match serde_json::to_value(input) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    if let Value::Object(extra) = extra {
        map.extend(extra);
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|e| FcError::invalid_argument(format!("invalid configuration: {e}")))
}

/// Serialises a list answer, keeping its item array even when empty (the generated types drop
/// empty arrays, but clients commonly index the field directly).
pub fn list_json<T: Serialize>(output: &T, items: &str) -> FcResult<axum::Json<Value>> {
    let mut value = serde_json::to_value(output).map_err(FcError::internal)?;
    if let Some(map) = value.as_object_mut() {
        map.entry(items.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    Ok(axum::Json(value))
}

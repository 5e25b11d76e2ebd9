//! Decoding the open enums (`Unknown(String)` for values the spec does not list) without
//! allocating for the values it does: the text is matched where it lies in the input, and only
//! an unknown value is copied, once.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{Error, Visitor};

/// Deserializes an open enum from a string (the generated `Deserialize` impls call it).
///
/// ```
/// use fc_models::Runtime;
///
/// let known: Runtime = serde_json::from_str("\"python3.10\"").unwrap();
/// assert_eq!(known, Runtime::Python310);
/// let unknown: Runtime = serde_json::from_str("\"python9\"").unwrap();
/// assert_eq!(unknown.as_str(), "python9");
/// ```
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    deserializer.deserialize_str(OpenEnum(PhantomData))
}

struct OpenEnum<T>(PhantomData<T>);

impl<T> Visitor<'_> for OpenEnum<T>
where
    T: for<'a> From<&'a str> + From<String>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}

//! Values sent as JSON text inside a single query parameter.

use std::ops::{Deref, DerefMut};

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A query parameter value that travels as JSON text, e.g. `ListFunctions?tags=[{"Key":"k","Value":"v"}]`.
///
/// Several FC list operations take a whole array in one query value rather than repeating the
/// key. `JsonQuery<T>` serializes `T` to compact JSON and hands that text to the query encoder;
/// deserializing parses the text back (fc-local uses this to read such parameters).
///
/// Builders accept the inner value directly, since `T` converts into `JsonQuery<T>`:
///
/// ```
/// use fc_models::{JsonQuery, Tag};
///
/// let mut tag = Tag::default();
/// tag.key = Some("env".into());
/// tag.value = Some("prod".into());
/// let tags: JsonQuery<Vec<Tag>> = vec![tag].into();
/// let query = serde_json::to_value(&tags).unwrap();
/// assert_eq!(query, serde_json::json!(r#"[{"Key":"env","Value":"prod"}]"#));
///
/// let back: JsonQuery<Vec<Tag>> = serde_json::from_value(query).unwrap();
/// assert_eq!(back, tags);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct JsonQuery<T>(pub T);

impl<T> JsonQuery<T> {
    /// Returns the wrapped value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for JsonQuery<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> Deref for JsonQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for JsonQuery<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Serialize> Serialize for JsonQuery<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&self.0).map_err(S::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for JsonQuery<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text)
            .map(Self)
            .map_err(|e| D::Error::custom(format!("expected JSON text in the query value: {e}")))
    }
}

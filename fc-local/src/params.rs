//! Query parameters as handlers read them (the `FcQuery` extractor hands them over after the
//! operation's query checks).

use serde::de::DeserializeOwned;

use crate::error::{FcError, FcResult};

/// Decoded query parameters (`+` and `%20` both read as a space, as the signer does). An empty
/// value counts as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Self {
        Self(fc_client::signing::decode_query(raw.unwrap_or("")))
    }

    /// The pairs with a value, in order.
    pub fn given(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter().filter(|(_, v)| !v.is_empty())
    }

    /// The first value of `name`, if present and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.given()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A whole number, if present; `InvalidArgument` naming `name` for anything else. For
    /// parameters whose bounds the operation's query checks (from the spec) have applied.
    pub fn count(&self, name: &str) -> FcResult<Option<usize>> {
        self.get(name)
            .map(|text| {
                text.parse::<usize>().map_err(|_| {
                    FcError::invalid_argument(format!(
                        "{name} must be a whole number, got '{text}'"
                    ))
                })
            })
            .transpose()
    }

    /// A page size the spec sets no bounds for: `default` when absent, else an integer in
    /// `1..=max` (fc-local's own bounds, which each caller names the source of).
    pub fn limit(&self, name: &str, default: usize, max: usize) -> FcResult<usize> {
        match self.count(name)? {
            None => Ok(default),
            Some(n) if (1..=max).contains(&n) => Ok(n),
            Some(n) => Err(FcError::invalid_argument(format!(
                "{name} must be an integer from 1 to {max}, got '{n}'"
            ))),
        }
    }

    /// A JSON document carried in one query value (`x-fc-style: json`).
    pub fn json<T: DeserializeOwned>(&self, name: &str) -> FcResult<Option<T>> {
        self.get(name)
            .map(|text| {
                serde_json::from_str(text).map_err(|e| {
                    FcError::invalid_argument(format!(
                        "{name} is not valid JSON of the expected shape: {e}"
                    ))
                })
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_bounds() {
        let p = Params::parse(Some("limit=0&b=5&c=x&d=100"));
        assert!(p.limit("limit", 20, 100).is_err());
        assert_eq!(p.limit("b", 20, 100), Ok(5));
        assert!(p.limit("c", 20, 100).is_err());
        assert_eq!(p.limit("d", 20, 100), Ok(100));
        assert_eq!(p.limit("absent", 20, 100), Ok(20));
        assert_eq!(p.count("b"), Ok(Some(5)));
        assert!(p.count("c").unwrap_err().message.contains('c'));
        assert_eq!(p.count("absent"), Ok(None));
    }
}

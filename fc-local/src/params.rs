//! Reading query parameters and JSON bodies into the API's types, with errors that name the
//! offending field.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;

use crate::error::{FcError, FcResult};

/// Decoded query parameters (`+` and `%20` both read as a space, as the signer does).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Self {
        Self(fc_client::signing::decode_query(raw.unwrap_or("")))
    }

    /// The first value of `name`, if present and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// A page size: `default` when absent, else an integer in `1..=max`.
    pub fn limit(&self, name: &str, default: usize, max: usize) -> FcResult<usize> {
        match self.get(name) {
            None => Ok(default),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    FcError::invalid_argument(format!(
                        "{name} must be an integer from 1 to {max}, got '{text}'"
                    ))
                }),
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

/// Parses a JSON body into `T`; an empty body reads as `{}`. Errors name the field.
pub fn json_body<T: DeserializeOwned>(body: &[u8]) -> FcResult<(T, serde_json::Value)> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let raw: serde_json::Value = serde_json::from_slice(text).map_err(|e| {
        FcError::invalid_argument(format!("the request body is not valid JSON: {e}"))
    })?;
    if !raw.is_object() {
        return Err(FcError::invalid_argument(
            "the request body must be a JSON object",
        ));
    }
    let typed = serde_path_to_error::deserialize(&raw).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            FcError::invalid_argument(format!("invalid request body: {inner}"))
        } else {
            FcError::invalid_argument(format!("invalid value for field '{path}': {inner}"))
        }
    })?;
    Ok((typed, raw))
}

/// An opaque paging token for the key `last` (the last item of the page just served).
pub fn encode_token(last: &str) -> String {
    URL_SAFE_NO_PAD.encode(last.as_bytes())
}

/// The key inside a token from [`encode_token`]; `InvalidArgument` for anything else.
pub fn decode_token(token: Option<&str>) -> FcResult<Option<String>> {
    token
        .map(|t| {
            URL_SAFE_NO_PAD
                .decode(t.as_bytes())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| FcError::invalid_argument(format!("nextToken '{t}' is not valid")))
        })
        .transpose()
}

/// One page of `items` (sorted by key) after the key `after`, and the token of the next page.
pub fn paginate<T>(
    items: impl IntoIterator<Item = (String, T)>,
    after: Option<&str>,
    limit: usize,
) -> (Vec<T>, Option<String>) {
    let mut page: Vec<(String, T)> = items
        .into_iter()
        .filter(|(key, _)| after.is_none_or(|after| key.as_str() > after))
        .take(limit + 1)
        .collect();
    let next = if page.len() > limit {
        page.truncate(limit);
        page.last().map(|(key, _)| encode_token(key))
    } else {
        None
    };
    (page.into_iter().map(|(_, item)| item).collect(), next)
}

/// Converts a request shape into a response shape through JSON: the fields of `input`, plus
/// (overriding them) the fields of the object `extra`. The API's `*Input` schemas are copies of
/// the response schemas with constraints, so their JSON is interchangeable.
pub fn reshape<I: serde::Serialize, O: DeserializeOwned>(
    input: &I,
    extra: serde_json::Value,
) -> FcResult<O> {
    let mut map = match serde_json::to_value(input) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    if let serde_json::Value::Object(extra) = extra {
        map.extend(extra);
    }
    serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|e| FcError::invalid_argument(format!("invalid configuration: {e}")))
}

/// Serialises a list answer, keeping its item array even when empty (the generated types drop
/// empty arrays, but clients commonly index the field directly).
pub fn list_json<T: serde::Serialize>(
    output: &T,
    items: &str,
) -> FcResult<axum::Json<serde_json::Value>> {
    let mut value = serde_json::to_value(output).map_err(FcError::internal)?;
    if let Some(map) = value.as_object_mut() {
        map.entry(items.to_owned())
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    }
    Ok(axum::Json(value))
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
    }

    #[test]
    fn json_body_names_the_field() {
        let err = json_body::<fc_models::CreateAliasInput>(br#"{"aliasName":"a","versionId":5}"#)
            .unwrap_err();
        assert!(err.message.contains("versionId"), "{}", err.message);
        let err = json_body::<fc_models::CreateAliasInput>(b"{nope").unwrap_err();
        assert_eq!(err.code, fc_models::ErrorCode::InvalidArgument);
        let (input, _) = json_body::<fc_models::PublishVersionInput>(b"").unwrap();
        assert_eq!(input.description, None);
    }

    #[test]
    fn paginate_walks_all_items() {
        let items = || (1..=5).map(|i| (format!("k{i}"), i));
        let (first, token) = paginate(items(), None, 2);
        assert_eq!(first, [1, 2]);
        let after = decode_token(token.as_deref()).unwrap();
        let (second, token) = paginate(items(), after.as_deref(), 2);
        assert_eq!(second, [3, 4]);
        let after = decode_token(token.as_deref()).unwrap();
        assert_eq!(paginate(items(), after.as_deref(), 2), (vec![5], None));
    }

    #[test]
    fn tokens_round_trip() {
        assert_eq!(
            decode_token(Some(&encode_token("fn-1"))),
            Ok(Some("fn-1".to_owned()))
        );
        assert!(decode_token(Some("!!")).is_err());
        assert_eq!(decode_token(None), Ok(None));
    }
}

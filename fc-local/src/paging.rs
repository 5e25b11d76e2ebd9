//! Paging of list answers: opaque tokens and pages of key-sorted items.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{FcError, FcResult};

/// Page size of a list call that gives none (our choice; limits.md leaves the defaults
/// UNVERIFIED).
pub const DEFAULT_PAGE_SIZE: usize = 20;

/// Largest page of the list operations whose spec sets no bounds on the page size (limits.md
/// l.157–158, UNVERIFIED there; the operations the spec bounds take 1–100 from their checks).
pub const MAX_PAGE_SIZE: usize = 100;

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

/// The page of `items` (sorted by key) that a list request's `limit` (default
/// [`DEFAULT_PAGE_SIZE`]) and `nextToken` ask for, and the token of the next page.
pub fn requested_page<T>(
    params: &crate::params::Params,
    items: impl IntoIterator<Item = (String, T)>,
) -> FcResult<(Vec<T>, Option<String>)> {
    let limit = params.count("limit")?.unwrap_or(DEFAULT_PAGE_SIZE);
    let after = decode_token(params.get("nextToken"))?;
    Ok(paginate(items, after.as_deref(), limit))
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

#[cfg(test)]
mod tests {
    use super::*;

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

//! The request hook: what happens to every request between its builder and the network.
//!
//! progenitor builds a `reqwest::Request` and then calls [`ClientHooks::pre`], which here puts
//! the request into the exact form Function Compute expects and signs:
//! - the `api-version` header progenitor adds is removed (the API version travels as
//!   `x-acs-version`);
//! - every path segment is percent-encoded the ACS3 way (progenitor leaves `:` and other
//!   reserved characters as they are, which matters for ARNs in a path);
//! - the query string is rewritten in its canonical form (sorted, `%20` for spaces), so the
//!   string that is signed is byte for byte the string that is sent.

use progenitor_client::{ClientHooks, Error, OperationInfo};

use crate::{Client, Runtime, signing};

impl ClientHooks<Runtime> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove("api-version");
        canonicalize_url(request.url_mut());
        Ok(())
    }
}

/// Rewrites the path and query of `url` into their canonical ACS3 forms.
pub(crate) fn canonicalize_url(url: &mut reqwest::Url) {
    let path = signing::canonical_path(url.path());
    if path != url.path() {
        url.set_path(&path);
    }
    if let Some(query) = url.query() {
        let pairs = signing::decode_query(query);
        let canonical = signing::canonical_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        url.set_query((!canonical.is_empty()).then_some(canonical.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::canonicalize_url;

    #[test]
    fn canonical_url_encodes_arn_segment_and_sorts_query() {
        let mut url = reqwest::Url::parse(
            "http://h/2023-03-30/layerarn/acs:fc:cn-hangzhou:123:layers%2Fx%2Fversions%2F1?b=x+y&a=%7E",
        )
        .unwrap();
        canonicalize_url(&mut url);
        assert_eq!(
            url.as_str(),
            "http://h/2023-03-30/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fx%2Fversions%2F1?a=~&b=x%20y"
        );
    }

    #[test]
    fn empty_query_is_dropped() {
        let mut url = reqwest::Url::parse("http://h/2023-03-30/functions?").unwrap();
        canonicalize_url(&mut url);
        assert_eq!(url.as_str(), "http://h/2023-03-30/functions");
    }
}

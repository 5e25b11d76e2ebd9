//! The request hooks: what happens to every request between its builder and the network.
//!
//! progenitor builds a `reqwest::Request`, then calls [`ClientHooks::pre`] and
//! [`ClientHooks::exec`]:
//!
//! - `pre` puts the request into the form Function Compute expects (the `api-version` header
//!   progenitor adds is left out by codegen: the version travels as `x-acs-version`): every path segment is
//!   percent-encoded the ACS3 way (progenitor leaves `:` and other reserved characters as they
//!   are, which matters for ARNs in a path), the query is rewritten in canonical form (sorted,
//!   `%20` for spaces) so the string signed is the string sent; then the input is checked against
//!   the documented limits, and the request is signed;
//! - `exec` hands it to [`retry::send`](crate::retry) with the policy and timeouts, re-signing
//!   each retry (fresh date and nonce), inside one `tracing` span per call, and rewrites error
//!   answers into the canonical `{"Code","Message","RequestId"}` body so that status and request
//!   id survive any body.

use std::time::{Instant, SystemTime};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use tracing::Instrument;

use crate::retry::{self, Budget};
use crate::{Client, ClientConfig, error_body, signing, validation};

/// Every generated client (FC 3.0's [`Client`], FC 2.0's [`fc2::Client`]) runs the same hooks.
macro_rules! shared_hooks {
    ($($client:ty),+) => {$(
        #[doc(hidden)]
        impl ClientHooks<ClientConfig> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> Result<(), Error<E>> {
                pre(self, request, info).await
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                exec(self, request, info).await
            }
        }
    )+};
}

shared_hooks!(Client);
#[cfg(feature = "fc2")]
shared_hooks!(crate::fc2::Client);

async fn pre<C: ClientInfo<ClientConfig>, E>(
    client: &C,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), Error<E>> {
    let extra = &client.inner().settings.headers;
    if !extra.is_empty() {
        request.headers_mut().extend(extra.clone());
    }
    let operation = client.inner().settings.api.operation(info.operation_id);
    let numbered = operation.map_or(&[][..], |op| op.numbered_query);
    canonicalize_url(request.url_mut(), numbered);
    if client.inner().settings.validate_input
        && let Some(operation) = operation
    {
        validation::validate(operation, request)
            .map_err(|violation| Error::InvalidRequest(violation.to_string()))?;
    }
    // `Error::Custom` carries credential failures and nothing else (see `crate::error`).
    sign_request(client, request, info)
        .await
        .map_err(|failure| match failure {
            SignFailure::Credentials(message) => Error::Custom(message),
            SignFailure::Request(message) => Error::InvalidRequest(message),
        })
}

async fn exec<C: ClientInfo<ClientConfig>>(
    client: &C,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let action = action_of(client, info);
    let span = tracing::info_span!(
        "fc.call",
        action,
        method = %request.method(),
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let settings = &client.inner().settings;
    let (attempt, total) = settings.timeouts.for_action(action);
    let started = Instant::now();
    let finished = retry::send(
        &settings.retry,
        Budget {
            attempt,
            total,
            preset: settings.http_timeout,
        },
        request,
        |request| client.client().execute(request),
        |mut next| async move {
            sign_request(client, &mut next, info)
                .await
                .ok()
                .map(|()| next)
        },
    )
    .instrument(span.clone())
    .await;
    finish(&span, finished, started)
        .instrument(span.clone())
        .await
}

enum SignFailure {
    Credentials(String),
    Request(String),
}

fn action_of<C: ClientInfo<ClientConfig>>(client: &C, info: &OperationInfo) -> &'static str {
    let api = client.inner().settings.api;
    api.operation(info.operation_id)
        .map_or(info.operation_id, |op| op.action)
}

/// Signs `request` with the client's credentials (fresh date and nonce).
async fn sign_request<C: ClientInfo<ClientConfig>>(
    client: &C,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), SignFailure> {
    let settings = &client.inner().settings;
    let credentials = match &settings.credentials {
        Some(provider) => match provider.current() {
            Some(current) => Some(current),
            None => Some(
                provider
                    .provide_credentials()
                    .await
                    .map_err(|e| SignFailure::Credentials(e.to_string()))?,
            ),
        },
        None => None,
    };
    let target = signing::Target {
        action: action_of(client, info),
        version: settings.api.version,
    };
    signing::sign_request(
        request,
        target,
        credentials.as_ref(),
        SystemTime::now(),
        &signing::Nonce::new(),
    )
    .map_err(|e| SignFailure::Request(e.to_string()))
}

/// Records the call's result on its span and normalises error bodies.
async fn finish(
    span: &tracing::Span,
    finished: retry::Finished,
    started: Instant,
) -> reqwest::Result<reqwest::Response> {
    let retry::Finished { outcome, attempts } = finished;
    let latency_ms = started.elapsed().as_millis() as u64;
    span.record("attempts", attempts);
    span.record("latency_ms", latency_ms);
    let response = match outcome {
        Ok(response) => response,
        Err(error) => {
            // The URL's query may carry anything: it stays out of logs and errors.
            let error = error.without_url();
            tracing::warn!(error = %error, attempts, latency_ms, "call failed");
            return Err(error);
        }
    };
    let status = response.status().as_u16();
    span.record("status", status);
    let request_id = response
        .headers()
        .get(crate::error::REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok());
    if let Some(id) = request_id {
        span.record("request_id", id);
    }
    tracing::debug!(status, attempts, latency_ms, request_id, "call finished");
    if response.status().is_client_error() || response.status().is_server_error() {
        return error_body::normalize(response).await;
    }
    Ok(response)
}

/// Rewrites the path and query of `url` into their canonical ACS3 forms. The query parameters in
/// `numbered` were sent as repeated keys (`instanceIds=a&instanceIds=b`) and go out as numbered
/// keys (`instanceIds.1=a&instanceIds.2=b`), as the API takes lists there.
pub(crate) fn canonicalize_url(url: &mut reqwest::Url, numbered: &[&str]) {
    if !signing::is_canonical_path(url.path()) {
        let path = signing::canonical_path(url.path());
        url.set_path(&path);
    }
    if let Some(query) = url.query()
        && !(numbered.is_empty() && !query.is_empty() && signing::is_plain_sorted_query(query))
    {
        let mut pairs = signing::decode_query(query);
        if !numbered.is_empty() {
            number_lists(&mut pairs, numbered);
        }
        let canonical =
            signing::canonical_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        url.set_query((!canonical.is_empty()).then_some(canonical.as_str()));
    }
}

/// Renames the `n`th pair named one of `names` to `name.n` (counting from 1, in sent order).
fn number_lists(pairs: &mut [(String, String)], names: &[&str]) {
    for name in names {
        let mut index = 0;
        for (key, _) in pairs.iter_mut().filter(|(key, _)| key == name) {
            index += 1;
            *key = format!("{name}.{index}");
        }
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
        canonicalize_url(&mut url, &[]);
        assert_eq!(
            url.as_str(),
            "http://h/2023-03-30/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fx%2Fversions%2F1?a=~&b=x%20y"
        );
    }

    #[test]
    fn numbered_lists_keep_their_order() {
        let mut url =
            reqwest::Url::parse("http://h/p?instanceIds=z&limit=3&instanceIds=a&instanceIds=m")
                .unwrap();
        canonicalize_url(&mut url, &["instanceIds"]);
        assert_eq!(
            url.as_str(),
            "http://h/p?instanceIds.1=z&instanceIds.2=a&instanceIds.3=m&limit=3"
        );
    }

    #[test]
    fn empty_query_is_dropped() {
        let mut url = reqwest::Url::parse("http://h/2023-03-30/functions?").unwrap();
        canonicalize_url(&mut url, &[]);
        assert_eq!(url.as_str(), "http://h/2023-03-30/functions");
    }
}

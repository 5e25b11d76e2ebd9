//! The request hooks: what happens to every request between its builder and the network.
//!
//! progenitor builds a `reqwest::Request`, then calls [`ClientHooks::pre`] and
//! [`ClientHooks::exec`]:
//!
//! - `pre` puts the request into the form Function Compute expects: the `api-version` header
//!   progenitor adds is removed (the version travels as `x-acs-version`), every path segment is
//!   percent-encoded the ACS3 way (progenitor leaves `:` and other reserved characters as they
//!   are, which matters for ARNs in a path), the query is rewritten in canonical form (sorted,
//!   `%20` for spaces) so the string signed is the string sent; then the input is checked against
//!   the documented limits, and the request is signed;
//! - `exec` sends it under the retry policy and timeouts, re-signing each retry (fresh date and
//!   nonce), inside one `tracing` span per call, and rewrites error answers into the canonical
//!   `{"Code","Message","RequestId"}` body so that status and request id survive any body.

use std::time::{Instant, SystemTime};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use tracing::Instrument;

use crate::error::CREDENTIALS_PREFIX;
use crate::retry::{self, Jitter};
use crate::{Client, ClientConfig, error_body, request_signer, signing, validation};

impl ClientHooks<ClientConfig> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove("api-version");
        canonicalize_url(request.url_mut());
        if self.inner().settings.validate_input
            && let Some(operation) = self.inner().settings.api.operation(info.operation_id)
        {
            validation::validate(operation, request)
                .map_err(|violation| Error::InvalidRequest(violation.to_string()))?;
        }
        sign(self, request, info)
            .await
            .map_err(|failure| match failure {
                SignFailure::Credentials(message) => Error::Custom(message),
                SignFailure::Request(message) => Error::InvalidRequest(message),
            })
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let action = action_of(self, info);
        let span = tracing::info_span!(
            "fc.call",
            action,
            method = %request.method(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        send_with_retries(self, request, info, span.clone())
            .instrument(span)
            .await
    }
}

enum SignFailure {
    Credentials(String),
    Request(String),
}

fn action_of(client: &Client, info: &OperationInfo) -> &'static str {
    let api = client.inner().settings.api;
    api.operation(info.operation_id)
        .map_or(info.operation_id, |op| op.action)
}

async fn sign(
    client: &Client,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), SignFailure> {
    let credentials = match &client.inner().settings.credentials {
        Some(provider) => Some(
            provider
                .provide_credentials()
                .await
                .map_err(|e| SignFailure::Credentials(format!("{CREDENTIALS_PREFIX}{e}")))?,
        ),
        None => None,
    };
    request_signer::prepare(
        request,
        action_of(client, info),
        credentials.as_ref(),
        SystemTime::now(),
        &request_signer::nonce(),
    )
    .map_err(|e| SignFailure::Request(e.to_string()))
}

async fn send_with_retries(
    client: &Client,
    request: reqwest::Request,
    info: &OperationInfo,
    span: tracing::Span,
) -> reqwest::Result<reqwest::Response> {
    let config = &client.inner().settings;
    let (attempt_timeout, budget) = config.timeouts.for_action(action_of(client, info));
    let started = Instant::now();
    let deadline = started + budget;
    let idempotent = retry::is_idempotent(request.method());
    let max_attempts = config.retry.max_attempts();
    let mut jitter = Jitter::new();
    let mut request = request;
    let mut attempt = 1;
    loop {
        // Keep a copy for another attempt before this one consumes the request.
        let spare = (attempt < max_attempts)
            .then(|| request.try_clone())
            .flatten();
        let remaining = deadline.saturating_duration_since(Instant::now());
        *request.timeout_mut() = Some(attempt_timeout.min(remaining));
        let outcome = client.client().execute(request).await;

        let retryable = match &outcome {
            Ok(response) => idempotent && retry::is_retryable_status(response.status().as_u16()),
            Err(error) => retry::never_sent(error) || (idempotent && !error.is_builder()),
        };
        let hint = outcome
            .as_ref()
            .ok()
            .and_then(|r| retry::server_hint(r.headers()));
        let delay = config.retry.delay(attempt, jitter.sample(), hint);
        let mut next = match spare {
            Some(next) if retryable && Instant::now() + delay < deadline => next,
            _ => return finish(&span, outcome, attempt, started).await,
        };
        // Sign the next attempt first (fresh date and nonce): if credentials cannot be had any
        // more, the answer in hand is the one to return.
        if sign(client, &mut next, info).await.is_err() {
            return finish(&span, outcome, attempt, started).await;
        }
        tracing::debug!(
            attempt,
            delay_ms = delay.as_millis() as u64,
            outcome = %describe(&outcome),
            "retrying"
        );
        drop(outcome);
        tokio::time::sleep(delay).await;
        request = next;
        attempt += 1;
    }
}

fn describe(outcome: &reqwest::Result<reqwest::Response>) -> String {
    match outcome {
        Ok(response) => format!("status {}", response.status()),
        Err(error) => error.to_string(),
    }
}

/// Records the call's result on its span and normalises error bodies.
async fn finish(
    span: &tracing::Span,
    outcome: reqwest::Result<reqwest::Response>,
    attempts: u32,
    started: Instant,
) -> reqwest::Result<reqwest::Response> {
    span.record("attempts", attempts);
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    let response = match outcome {
        Ok(response) => response,
        Err(error) => {
            tracing::warn!(error = %error, "call failed");
            return Err(error);
        }
    };
    span.record("status", response.status().as_u16());
    if let Some(id) = response
        .headers()
        .get(crate::error::REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        span.record("request_id", id);
    }
    if response.status().is_client_error() || response.status().is_server_error() {
        return error_body::normalize(response).await;
    }
    Ok(response)
}

/// Rewrites the path and query of `url` into their canonical ACS3 forms.
pub(crate) fn canonicalize_url(url: &mut reqwest::Url) {
    let path = signing::canonical_path(url.path());
    if path != url.path() {
        url.set_path(&path);
    }
    if let Some(query) = url.query() {
        let pairs = signing::decode_query(query);
        let canonical =
            signing::canonical_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
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

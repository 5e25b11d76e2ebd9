//! Reading temporary credentials out of the JSON that credential services return.
//!
//! The ECS metadata service and credentials URIs answer with a flat object (`Code`,
//! `AccessKeyId`, `AccessKeySecret`, `SecurityToken`, `Expiration`); STS nests the same fields
//! under `Credentials`. Errors from here never quote the body, which may hold a secret.

use serde::Deserialize;

use super::{Credentials, CredentialsError};
use crate::timestamp::parse_iso8601;

/// The credential fields, wherever they sit in the answer.
///
/// No `Debug`: it holds a secret.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SessionFields {
    code: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    expiration: Option<String>,
}

/// STS's answer to `AssumeRole*`: the fields sit under `Credentials`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StsAnswer {
    credentials: Option<SessionFields>,
}

/// The error shape shared by STS and other RPC-style services.
#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ServiceErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

/// Parses a flat answer (ECS metadata, credentials URI). `Code`, when present, must be `Success`.
pub(crate) fn parse_flat(
    provider: &'static str,
    body: &[u8],
) -> Result<Credentials, CredentialsError> {
    let fields: SessionFields = serde_json::from_slice(body).map_err(|err| {
        CredentialsError::provider_failed(
            provider,
            format!(
                "the answer is not the expected JSON ({})",
                json_problem(&err)
            ),
        )
    })?;
    if let Some(code) = fields.code.as_deref().filter(|code| *code != "Success") {
        return Err(CredentialsError::provider_failed(
            provider,
            format!("the answer's Code is {code:?}, expected \"Success\""),
        ));
    }
    fields.into_credentials(provider)
}

/// Parses STS's nested answer.
pub(crate) fn parse_sts(
    provider: &'static str,
    body: &[u8],
) -> Result<Credentials, CredentialsError> {
    let answer: StsAnswer = serde_json::from_slice(body).map_err(|err| {
        CredentialsError::provider_failed(
            provider,
            format!(
                "the STS answer is not the expected JSON ({})",
                json_problem(&err)
            ),
        )
    })?;
    answer
        .credentials
        .ok_or_else(|| {
            CredentialsError::provider_failed(provider, "the STS answer has no Credentials object")
        })?
        .into_credentials(provider)
}

/// Turns an error answer into [`CredentialsError::Service`] when it carries a `Code`, else into
/// a [`CredentialsError::Provider`] naming the status.
pub(crate) fn service_error(
    provider: &'static str,
    what: &str,
    status: u16,
    body: &[u8],
) -> CredentialsError {
    let parsed: ServiceErrorBody = serde_json::from_slice(body).unwrap_or_default();
    match parsed.code {
        Some(code) => CredentialsError::Service {
            provider,
            status,
            code,
            message: parsed.message.unwrap_or_default(),
            request_id: parsed.request_id,
        },
        None => {
            CredentialsError::provider_failed(provider, format!("{what} answered HTTP {status}"))
        }
    }
}

impl SessionFields {
    fn into_credentials(self, provider: &'static str) -> Result<Credentials, CredentialsError> {
        let missing = |field: &str| {
            CredentialsError::provider_failed(provider, format!("the answer has no {field}"))
        };
        let id = self
            .access_key_id
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("AccessKeyId"))?;
        let secret = self
            .access_key_secret
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("AccessKeySecret"))?;
        let token = self
            .security_token
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("SecurityToken"))?;
        let expiration = self.expiration.ok_or_else(|| missing("Expiration"))?;
        let expiry = parse_iso8601(&expiration).ok_or_else(|| {
            CredentialsError::provider_failed(
                provider,
                format!("the answer's Expiration {expiration:?} is not a UTC ISO 8601 time"),
            )
        })?;
        Ok(Credentials::new(id, secret)
            .with_security_token(token)
            .with_expiry(expiry))
    }
}

/// Where and what kind of JSON problem, without serde's text (which can quote a value).
pub(crate) fn json_problem(err: &serde_json::Error) -> String {
    let kind = match err.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "unexpected type or shape",
        serde_json::error::Category::Eof => "unexpected end of input",
    };
    format!("{kind} at line {} column {}", err.line(), err.column())
}

//! A function's session affinity: its `sessionAffinity` and the JSON of its
//! `sessionAffinityConfig`, checked when the function is created or updated, and how a request
//! names its session (the configured header, or the service's cookie).

use axum::http::{HeaderMap, HeaderName, header};
use fc_models::Function;
use serde_json::{Map, Value};

use crate::error::{FcError, FcResult};

/// The cookie GENERATED_COOKIE affinity sets and reads (fixed by the service; the cookie
/// affinity page).
pub const COOKIE_NAME: &str = "x-fc-cookie-session-id";
/// Session lifetime when neither the session nor the function's config sets one (the console
/// default: 6 hours).
pub const DEFAULT_TTL_SECONDS: u64 = 21_600;
/// Idle time after which a session ends, by default (the console default: 30 minutes).
pub const DEFAULT_IDLE_SECONDS: u64 = 1_800;
/// Longest TTL and idle timeout (the affinity config references: 1–21600 and 0–21600).
pub const MAX_SECONDS: u64 = 21_600;
/// Longest session id (the header-field affinity page: 1 to 64 characters).
const MAX_SESSION_ID: usize = 64;

/// How a function's requests are bound to sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AffinityType {
    /// The session id is the value of a header the config names.
    HeaderField,
    /// The session id is the `x-fc-cookie-session-id` cookie, which the service sets.
    GeneratedCookie,
    /// MCP over SSE: the id comes from the stream's `endpoint` event (fc-local does not bind
    /// these: it buffers answers, and the service has no session API for them).
    McpSse,
    /// A value fc-local does not know; requests are not bound to sessions.
    Other(String),
}

impl AffinityType {
    /// The value as the API writes it.
    pub fn as_str(&self) -> &str {
        match self {
            AffinityType::HeaderField => "HEADER_FIELD",
            AffinityType::GeneratedCookie => "GENERATED_COOKIE",
            AffinityType::McpSse => "MCP_SSE",
            AffinityType::Other(other) => other,
        }
    }
}

/// A function's affinity settings, defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affinity {
    /// The mode.
    pub kind: AffinityType,
    /// HEADER_FIELD's header (`affinityHeaderFieldName`).
    pub header: Option<HeaderName>,
    /// Default session lifetime in seconds (`sessionTTLInSeconds`).
    pub ttl_seconds: u64,
    /// Default idle timeout in seconds (`sessionIdleTimeoutInSeconds`; 0: none; when the
    /// config sets none, 1800 or the TTL if that is shorter).
    pub idle_seconds: u64,
    /// Whether an expired session's id may not start a new session (`disableSessionIdReuse`).
    pub disable_reuse: bool,
}

impl Affinity {
    /// The affinity of `function`: `None` when `sessionAffinity` is absent, empty or `NONE`.
    /// Errors name the field and the rule, as [`check`] reports them.
    pub fn of(function: &Function) -> FcResult<Option<Affinity>> {
        let kind = match function.session_affinity.as_deref().map(str::trim) {
            None | Some("") | Some("NONE") => return Ok(None),
            Some("HEADER_FIELD") => AffinityType::HeaderField,
            Some("GENERATED_COOKIE") => AffinityType::GeneratedCookie,
            Some("MCP_SSE") => AffinityType::McpSse,
            Some(other) => AffinityType::Other(other.to_owned()),
        };
        let config = config_object(function.session_affinity_config.as_deref())?;
        let seconds = |name: &str, default: u64, min: u64| -> FcResult<u64> {
            match config.get(name) {
                None | Some(Value::Null) => Ok(default),
                Some(value) => value
                    .as_u64()
                    .filter(|n| (min..=MAX_SECONDS).contains(n))
                    .ok_or_else(|| {
                        invalid(format!(
                            "{name} must be an integer from {min} to {MAX_SECONDS}, got {value}"
                        ))
                    }),
            }
        };
        let ttl_seconds = seconds("sessionTTLInSeconds", DEFAULT_TTL_SECONDS, 1)?;
        // The default idle timeout never exceeds a shorter TTL (our choice).
        let idle_default = DEFAULT_IDLE_SECONDS.min(ttl_seconds);
        let idle_seconds = seconds("sessionIdleTimeoutInSeconds", idle_default, 0)?;
        check_lifetimes(ttl_seconds, idle_seconds).map_err(|e| invalid(e.message))?;
        if let Some(value) = config.get("sessionConcurrencyPerInstance")
            && !value.as_u64().is_some_and(|n| (1..=200).contains(&n))
        {
            return Err(invalid(format!(
                "sessionConcurrencyPerInstance must be an integer from 1 to 200, got {value}"
            )));
        }
        let disable_reuse = match config.get("disableSessionIdReuse") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(other) => {
                return Err(invalid(format!(
                    "disableSessionIdReuse must be true or false, got {other}"
                )));
            }
        };
        let header = match kind {
            AffinityType::HeaderField => Some(header_name(config.get("affinityHeaderFieldName"))?),
            _ => None,
        };
        Ok(Some(Affinity {
            kind,
            header,
            ttl_seconds,
            idle_seconds,
            disable_reuse,
        }))
    }

    /// Whether CreateSession and the other session operations apply (HEADER_FIELD and
    /// GENERATED_COOKIE only: the CreateSession reference).
    pub fn has_session_api(&self) -> bool {
        matches!(
            self.kind,
            AffinityType::HeaderField | AffinityType::GeneratedCookie
        )
    }

    /// The session id a request names: the configured header's value (HEADER_FIELD) or the
    /// `x-fc-cookie-session-id` cookie (GENERATED_COOKIE); `None` when it names none, or for the
    /// modes fc-local does not bind. An id not of the service's form is `InvalidArgument`.
    pub fn session_id(&self, headers: &HeaderMap) -> FcResult<Option<String>> {
        let found = match (&self.kind, &self.header) {
            (AffinityType::HeaderField, Some(name)) => headers
                .get(name)
                .map(|value| value.to_str().unwrap_or("\u{fffd}").trim().to_owned()),
            (AffinityType::GeneratedCookie, _) => cookie(headers, COOKIE_NAME),
            _ => None,
        };
        let field = match &self.header {
            Some(name) => name.as_str(),
            None => COOKIE_NAME,
        };
        match found.filter(|id| !id.is_empty()) {
            Some(id) => check_session_id(field, &id).map(|()| Some(id)),
            None => Ok(None),
        }
    }
}

/// Checks the affinity settings of a function configuration (CreateFunction, UpdateFunction).
pub fn check(function: &Function) -> FcResult<()> {
    Affinity::of(function).map(drop)
}

/// A session id's form (the header-field affinity page): 1 to 64 characters, the first a
/// letter, digit or `_`, the others also `-`.
pub fn check_session_id(field: &str, id: &str) -> FcResult<()> {
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if first_ok && rest_ok && id.len() <= MAX_SESSION_ID {
        Ok(())
    } else {
        Err(FcError::invalid_argument(format!(
            "{field}: a session id is 1 to {MAX_SESSION_ID} characters, letters, digits, '_' and \
             '-' (not first); got {:?}",
            id.chars().take(80).collect::<String>()
        )))
    }
}

/// A session's TTL (1–21600 s) and idle timeout (0–21600 s, at most the TTL): the affinity
/// config references.
pub fn check_lifetimes(ttl_seconds: u64, idle_seconds: u64) -> FcResult<()> {
    if !(1..=MAX_SECONDS).contains(&ttl_seconds) {
        return Err(FcError::invalid_argument(format!(
            "sessionTTLInSeconds must be an integer from 1 to {MAX_SECONDS}, got {ttl_seconds}"
        )));
    }
    if idle_seconds > ttl_seconds {
        return Err(FcError::invalid_argument(format!(
            "sessionIdleTimeoutInSeconds ({idle_seconds}) must not exceed sessionTTLInSeconds \
             ({ttl_seconds})"
        )));
    }
    Ok(())
}

/// A new session id: 32 hex digits, as the service's (`81f70ae156904eb9b7d43e12f511fe58`).
pub fn new_session_id() -> String {
    crate::request_id::new_request_id().replace('-', "")
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
}

fn invalid(message: String) -> FcError {
    FcError::invalid_argument(format!("sessionAffinityConfig: {message}"))
}

/// The config's JSON object (absent or empty: no settings).
fn config_object(text: Option<&str>) -> FcResult<Map<String, Value>> {
    match text.map(str::trim) {
        None | Some("") => Ok(Map::new()),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) | Err(_) => Err(invalid(format!(
                "must be a JSON object encoded as a string, got {:?}",
                text.chars().take(80).collect::<String>()
            ))),
        },
    }
}

/// HEADER_FIELD's header name (the header-field affinity page): 5 to 40 characters, a letter
/// first, then letters, digits, `-` and `_`, not starting with `x-fc-`.
fn header_name(value: Option<&Value>) -> FcResult<HeaderName> {
    let Some(name) = value.and_then(Value::as_str) else {
        return Err(invalid(
            "affinityHeaderFieldName is required with sessionAffinity HEADER_FIELD".to_owned(),
        ));
    };
    let mut chars = name.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && (5..=40).contains(&name.len())
        && !name.to_ascii_lowercase().starts_with("x-fc-");
    let parsed = HeaderName::from_bytes(name.as_bytes()).ok();
    match parsed.filter(|_| well_formed) {
        Some(header) => Ok(header),
        None => Err(invalid(format!(
            "affinityHeaderFieldName must be 5 to 40 letters, digits, '-' or '_', start with a \
             letter and not with 'x-fc-'; got {name:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(kind: &str, config: &str) -> Function {
        Function {
            session_affinity: Some(kind.to_owned()),
            session_affinity_config: Some(config.to_owned()),
            ..Function::default()
        }
    }

    #[test]
    fn header_field_affinity_reads_its_header_and_defaults() {
        let affinity = Affinity::of(&function(
            "HEADER_FIELD",
            r#"{"affinityHeaderFieldName":"my-session"}"#,
        ))
        .unwrap()
        .unwrap();
        assert_eq!(affinity.ttl_seconds, DEFAULT_TTL_SECONDS);
        assert_eq!(affinity.idle_seconds, DEFAULT_IDLE_SECONDS);
        let mut headers = HeaderMap::new();
        assert_eq!(affinity.session_id(&headers).unwrap(), None);
        headers.insert("My-Session", "abc_1-2".parse().unwrap());
        assert_eq!(
            affinity.session_id(&headers).unwrap().as_deref(),
            Some("abc_1-2")
        );
        headers.insert("my-session", "-starts-with-dash".parse().unwrap());
        let err = affinity.session_id(&headers).unwrap_err();
        assert!(err.message.contains("my-session"), "{}", err.message);
    }

    #[test]
    fn cookie_affinity_reads_the_fixed_cookie() {
        let affinity = Affinity::of(&function("GENERATED_COOKIE", ""))
            .unwrap()
            .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; x-fc-cookie-session-id=0123abcd; b=2".parse().unwrap(),
        );
        assert_eq!(
            affinity.session_id(&headers).unwrap().as_deref(),
            Some("0123abcd")
        );
    }

    #[test]
    fn bad_configs_name_the_field_and_the_rule() {
        let cases = [
            ("HEADER_FIELD", "{}", "affinityHeaderFieldName is required"),
            (
                "HEADER_FIELD",
                r#"{"affinityHeaderFieldName":"x-fc-session"}"#,
                "affinityHeaderFieldName",
            ),
            (
                "HEADER_FIELD",
                r#"{"affinityHeaderFieldName":"abc"}"#,
                "5 to 40",
            ),
            ("GENERATED_COOKIE", "[1]", "JSON object"),
            (
                "GENERATED_COOKIE",
                r#"{"sessionTTLInSeconds":0}"#,
                "sessionTTLInSeconds",
            ),
            (
                "GENERATED_COOKIE",
                r#"{"sessionTTLInSeconds":60,"sessionIdleTimeoutInSeconds":61}"#,
                "must not exceed",
            ),
            (
                "GENERATED_COOKIE",
                r#"{"sessionConcurrencyPerInstance":201}"#,
                "sessionConcurrencyPerInstance",
            ),
        ];
        for (kind, config, expected) in cases {
            let err = check(&function(kind, config)).unwrap_err();
            assert!(err.message.contains(expected), "{config}: {}", err.message);
        }
        assert_eq!(Affinity::of(&function("NONE", "")).unwrap(), None);
        assert!(check(&function("MCP_SSE", r#"{"sseEndpointPath":"/sse"}"#)).is_ok());
    }

    #[test]
    fn session_ids_follow_the_service_form() {
        assert!(check_session_id("id", "a").is_ok());
        assert!(check_session_id("id", &"a".repeat(64)).is_ok());
        assert!(check_session_id("id", &"a".repeat(65)).is_err());
        assert!(check_session_id("id", "").is_err());
        assert!(check_session_id("id", "a b").is_err());
        assert_eq!(new_session_id().len(), 32);
    }
}

//! An HTTP trigger's `triggerConfig`: who may call it and with which methods.

use axum::http::Method;
use fc_models::ErrorCode;
use serde::Deserialize;

use crate::error::{FcError, FcResult};

/// Who may call an HTTP trigger (`authType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthType {
    /// Anyone (`anonymous`).
    Anonymous,
    /// Requests signed with the account's keys (`function`, the service's default).
    #[default]
    Function,
    /// JSON Web Tokens (`jwt`): not emulated.
    Jwt,
}

/// The parts of an HTTP trigger's `triggerConfig` that fc-local applies.
///
/// ```
/// use fc_local::http_trigger::{AuthType, TriggerConfig};
///
/// let config = TriggerConfig::parse(r#"{"authType":"anonymous","methods":["GET","POST"]}"#).unwrap();
/// assert_eq!(config.auth_type, AuthType::Anonymous);
/// assert!(config.allow_method(&axum::http::Method::GET).is_ok());
/// assert!(config.allow_method(&axum::http::Method::DELETE).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TriggerConfig {
    /// Who may call.
    pub auth_type: AuthType,
    /// The methods the trigger accepts, upper case; empty accepts every method.
    pub methods: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    auth_type: Option<String>,
    #[serde(default)]
    methods: Vec<String>,
}

impl TriggerConfig {
    /// Reads a stored `triggerConfig` (CreateTrigger has checked it).
    pub fn parse(text: &str) -> FcResult<TriggerConfig> {
        let wire: Wire = serde_json::from_str(text).map_err(|e| {
            FcError::invalid_argument(format!("the trigger's triggerConfig is not valid: {e}"))
        })?;
        let auth_type = match wire.auth_type.as_deref() {
            None | Some("function") => AuthType::Function,
            Some("anonymous") => AuthType::Anonymous,
            Some("jwt") => AuthType::Jwt,
            Some(other) => {
                return Err(FcError::invalid_argument(format!(
                    "triggerConfig.authType '{other}' is not anonymous, function or jwt"
                )));
            }
        };
        Ok(TriggerConfig {
            auth_type,
            methods: wire
                .methods
                .iter()
                .map(|m| m.to_ascii_uppercase())
                .collect(),
        })
    }

    /// 403 `FCCommonError` for a method the trigger does not list, as the service refuses it
    /// before the function runs.
    pub fn allow_method(&self, method: &Method) -> FcResult<()> {
        if self.methods.is_empty() || self.methods.iter().any(|m| m == method.as_str()) {
            return Ok(());
        }
        Err(FcError::new(
            ErrorCode::FCCommonError,
            format!(
                "method {method} is not allowed by this HTTP trigger (its methods: {})",
                self.methods.join(", ")
            ),
        ))
    }
}

//! Checks that enum-typed request fields hold one of the values the spec lists.
//!
//! The generated enums are open (an unknown value parses into `Unknown`), which is right for
//! responses but would let a request store a value the service rejects and that no longer
//! matches the spec when echoed back. Handlers list their enum fields as paths into the raw JSON
//! body (`a.b`, with `[]` for "every element of this array"); a value outside the list is a
//! 400 `InvalidArgument` naming the field.

use serde_json::Value;

use crate::error::{FcError, FcResult};

/// One enum field: its path in the body and the allowed values.
pub type EnumField = (&'static str, &'static [&'static str]);

/// Rejects `value` unless it is one of `allowed`.
pub fn check_value(field: &str, value: &str, allowed: &[&str]) -> FcResult<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(FcError::invalid_argument(format!(
            "{field} '{value}' is not supported; use one of {}",
            allowed.join(", ")
        )))
    }
}

fn walk(value: &Value, segments: &[&str], shown: &str, allowed: &[&str]) -> FcResult<()> {
    let Some((first, rest)) = segments.split_first() else {
        return match value {
            Value::String(s) => check_value(shown, s, allowed),
            _ => Ok(()),
        };
    };
    let (name, each) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (*first, false),
    };
    let Some(child) = value.get(name) else {
        return Ok(());
    };
    let shown = if shown.is_empty() {
        name.to_owned()
    } else {
        format!("{shown}.{name}")
    };
    if each {
        for (i, item) in child
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            walk(item, rest, &format!("{shown}[{i}]"), allowed)?;
        }
        Ok(())
    } else {
        walk(child, rest, &shown, allowed)
    }
}

/// Checks every listed enum field of a raw JSON body.
pub fn check_body(raw: &Value, fields: &[EnumField]) -> FcResult<()> {
    for (path, allowed) in fields {
        let segments: Vec<&str> = path.split('.').collect();
        walk(raw, &segments, "", allowed)?;
    }
    Ok(())
}

/// The enum fields of CreateFunction and UpdateFunction bodies.
pub const FUNCTION_FIELDS: &[EnumField] = &[
    ("runtime", fc_models::Runtime::VALUES),
    (
        "customContainerConfig.accelerationType",
        fc_models::AccelerationType::VALUES,
    ),
    (
        "disableInjectCredentials",
        fc_models::DisableInjectCredentials::VALUES,
    ),
    ("gpuConfig.gpuType", fc_models::GpuType::VALUES),
];

/// The enum fields of CreateCustomDomain and UpdateCustomDomain bodies.
pub const CUSTOM_DOMAIN_FIELDS: &[EnumField] = &[
    ("protocol", fc_models::CustomDomainProtocol::VALUES),
    (
        "authConfig.authType",
        fc_models::CustomDomainAuthType::VALUES,
    ),
    (
        "routeConfig.routes[].methods[]",
        fc_models::HttpMethod::VALUES,
    ),
    ("tlsConfig.maxVersion", fc_models::TlsVersion::VALUES),
    ("tlsConfig.minVersion", fc_models::TlsVersion::VALUES),
];

/// The enum fields of PutProvisionConfig bodies.
pub const PROVISION_FIELDS: &[EnumField] = &[(
    "targetTrackingPolicies[].metricType",
    fc_models::MetricType::VALUES,
)];

/// The enum fields of CreateTrigger bodies.
pub const TRIGGER_FIELDS: &[EnumField] = &[("triggerType", fc_models::TriggerType::VALUES)];

/// The enum fields of CreateLayerVersion bodies.
pub const LAYER_FIELDS: &[EnumField] = &[("compatibleRuntime[]", fc_models::Runtime::VALUES)];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_and_array_paths() {
        let ok = json!({"routeConfig": {"routes": [{"methods": ["GET", "POST"]}]}});
        assert!(check_body(&ok, CUSTOM_DOMAIN_FIELDS).is_ok());
        let bad =
            json!({"routeConfig": {"routes": [{"methods": ["GET"]}, {"methods": ["FETCH"]}]}});
        let err = check_body(&bad, CUSTOM_DOMAIN_FIELDS).unwrap_err();
        assert!(
            err.message.contains("routeConfig.routes[1].methods[0]"),
            "{}",
            err.message
        );
        let tls = json!({"tlsConfig": {"minVersion": "AAA"}});
        assert!(
            check_body(&tls, CUSTOM_DOMAIN_FIELDS)
                .unwrap_err()
                .message
                .contains("tlsConfig.minVersion")
        );
        assert!(check_body(&json!({}), FUNCTION_FIELDS).is_ok());
        assert!(check_body(&json!({"runtime": "cobol"}), FUNCTION_FIELDS).is_err());
    }
}

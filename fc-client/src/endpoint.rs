//! Which host serves a region.
//!
//! Function Compute 3.0 answers at `fcv3.<region>.aliyuncs.com`, except in a few regions that only
//! have the older host form `<region>.fc.aliyuncs.com`. Given an account id, the account endpoint
//! `<accountId>.<region>.fc.aliyuncs.com` is used instead, and inside Alibaba Cloud's network its
//! `-internal` form `<accountId>.<region>-internal.fc.aliyuncs.com`. A region this table does not
//! know resolves by the general rule, so new regions work without an SDK release.

use std::fmt;

/// Regions served only at `<region>.fc.aliyuncs.com`.
const LEGACY_HOST_REGIONS: [&str; 4] = [
    "cn-hangzhou-finance",
    "cn-shanghai-finance-1",
    "me-central-1",
    "cn-heyuan-acdr-1",
];

/// A region id, an account id or an endpoint that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    /// Which input: `region`, `account_id` or `endpoint`.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.message)
    }
}

impl std::error::Error for EndpointError {}

/// The HTTPS base URL for `region`, with the account form when `account_id` is given.
///
/// ```
/// use fc_client::endpoint::resolve;
///
/// assert_eq!(resolve("cn-hangzhou", None, false).unwrap(), "https://fcv3.cn-hangzhou.aliyuncs.com");
/// assert_eq!(resolve("me-central-1", None, false).unwrap(), "https://me-central-1.fc.aliyuncs.com");
/// assert_eq!(
///     resolve("cn-shanghai", Some("1234567890123456"), true).unwrap(),
///     "https://1234567890123456.cn-shanghai-internal.fc.aliyuncs.com"
/// );
/// ```
pub fn resolve(
    region: &str,
    account_id: Option<&str>,
    internal: bool,
) -> Result<String, EndpointError> {
    check_label("region", region, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    })?;
    match account_id {
        Some(account) => {
            check_label("account_id", account, |c| c.is_ascii_digit())?;
            let suffix = if internal { "-internal" } else { "" };
            Ok(format!(
                "https://{account}.{region}{suffix}.fc.aliyuncs.com"
            ))
        }
        None if internal => Err(EndpointError {
            field: "account_id",
            message: "the internal endpoint is an account endpoint: set the account id".into(),
        }),
        None if LEGACY_HOST_REGIONS.contains(&region) => {
            Ok(format!("https://{region}.fc.aliyuncs.com"))
        }
        None => Ok(format!("https://fcv3.{region}.aliyuncs.com")),
    }
}

fn check_label(
    field: &'static str,
    value: &str,
    allowed: impl Fn(char) -> bool,
) -> Result<(), EndpointError> {
    if value.is_empty() {
        return Err(EndpointError {
            field,
            message: "must not be empty".into(),
        });
    }
    if let Some(bad) = value.chars().find(|c| !allowed(*c)) {
        return Err(EndpointError {
            field,
            message: format!(
                "{value:?} contains {bad:?}; expected lowercase letters, digits and '-'"
            ),
        });
    }
    if value.starts_with('-') || value.ends_with('-') || value.len() > 63 {
        return Err(EndpointError {
            field,
            message: format!(
                "{value:?} is not a DNS label (at most 63 characters, no '-' at either end)"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_and_legacy_regions() {
        assert_eq!(
            resolve("ap-southeast-1", None, false).unwrap(),
            "https://fcv3.ap-southeast-1.aliyuncs.com"
        );
        for region in LEGACY_HOST_REGIONS {
            assert_eq!(
                resolve(region, None, false).unwrap(),
                format!("https://{region}.fc.aliyuncs.com")
            );
        }
    }

    #[test]
    fn unknown_region_resolves_by_rule() {
        assert_eq!(
            resolve("xx-newland-7", None, false).unwrap(),
            "https://fcv3.xx-newland-7.aliyuncs.com"
        );
    }

    #[test]
    fn account_endpoints() {
        assert_eq!(
            resolve("cn-hangzhou", Some("123"), false).unwrap(),
            "https://123.cn-hangzhou.fc.aliyuncs.com"
        );
        assert_eq!(
            resolve("cn-hangzhou", Some("123"), true).unwrap(),
            "https://123.cn-hangzhou-internal.fc.aliyuncs.com"
        );
        let error = resolve("cn-hangzhou", None, true).unwrap_err();
        assert_eq!(error.field, "account_id");
    }

    #[test]
    fn bad_inputs_name_the_field() {
        let error = resolve("cn hangzhou", None, false).unwrap_err();
        assert_eq!(error.field, "region");
        assert!(error.to_string().contains("' '"), "{error}");
        assert_eq!(resolve("", None, false).unwrap_err().field, "region");
        assert_eq!(resolve("-x", None, false).unwrap_err().field, "region");
        assert_eq!(
            resolve("cn-hangzhou", Some("12a"), false)
                .unwrap_err()
                .field,
            "account_id"
        );
        assert_eq!(
            resolve("cn-hangzhou", Some("1.2"), false)
                .unwrap_err()
                .field,
            "account_id"
        );
    }
}

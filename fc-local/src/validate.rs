//! Business rules on function configurations and names (sources in fc-local's README table).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use fc_models::{Function, InputCodeLocation, Runtime};

use crate::error::{FcError, FcResult};
use crate::store::code::crc64;

fn invalid(message: String) -> FcError {
    FcError::invalid_argument(message)
}

/// `^[A-Za-z_][A-Za-z0-9_-]*$` with `1..=max` characters.
fn is_identifier(name: &str, max: usize, first_may_be_underscore: bool) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || (first_may_be_underscore && c == '_'));
    first_ok
        && name.len() <= max
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Function names: 1–128 characters, letters, digits, `_` and `-`, not starting with a digit
/// or `-`.
pub fn function_name(name: &str) -> FcResult<()> {
    if is_identifier(name, 128, true) {
        Ok(())
    } else {
        Err(invalid(format!(
            "functionName '{name}' is invalid: use 1 to 128 letters, digits, '_' or '-', \
             starting with a letter or '_'"
        )))
    }
}

/// Trigger names: the same rule as function names.
pub fn trigger_name(name: &str) -> FcResult<()> {
    if is_identifier(name, 128, true) {
        Ok(())
    } else {
        Err(invalid(format!(
            "triggerName '{name}' is invalid: use 1 to 128 letters, digits, '_' or '-', \
             starting with a letter or '_'"
        )))
    }
}

/// `value` (when present) has at most `max` characters.
pub fn max_len(field: &str, value: Option<&str>, max: usize) -> FcResult<()> {
    check_len(field, value, 0, max)
}

/// `value` (when present) has `min..=max` characters.
pub fn len_between(field: &str, value: Option<&str>, min: usize, max: usize) -> FcResult<()> {
    check_len(field, value, min, max)
}

/// `value` (when present) lies in `min..=max`.
pub fn in_range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &str,
    value: Option<T>,
    min: T,
    max: T,
) -> FcResult<()> {
    check_range(field, value, min, max)
}

/// A trigger's `triggerConfig`: a JSON object; for HTTP triggers, known methods and auth type.
pub fn trigger_config(trigger_type: &fc_models::TriggerType, config: &str) -> FcResult<()> {
    let value: serde_json::Value = serde_json::from_str(config)
        .map_err(|e| invalid(format!("triggerConfig is not valid JSON: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(invalid("triggerConfig must be a JSON object".to_owned()));
    };
    if *trigger_type == fc_models::TriggerType::Http {
        const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"];
        if let Some(methods) = object.get("methods") {
            let valid = methods.as_array().is_some_and(|list| {
                list.iter()
                    .all(|m| m.as_str().is_some_and(|m| METHODS.contains(&m)))
            });
            if !valid {
                return Err(invalid(format!(
                    "triggerConfig.methods must be a list of {}",
                    METHODS.join(", ")
                )));
            }
        }
        if let Some(auth) = object.get("authType") {
            let valid = auth
                .as_str()
                .is_some_and(|a| ["anonymous", "function", "jwt"].contains(&a));
            if !valid {
                return Err(invalid(
                    "triggerConfig.authType must be anonymous, function or jwt".to_owned(),
                ));
            }
        }
    }
    Ok(())
}

/// Alias names: 1–128 characters, letters, digits, `_` and `-`, starting with a letter.
pub fn alias_name(name: &str) -> FcResult<()> {
    if is_identifier(name, 128, false) && name != "LATEST" {
        Ok(())
    } else {
        Err(invalid(format!(
            "aliasName '{name}' is invalid: use 1 to 128 letters, digits, '_' or '-', \
             starting with a letter (LATEST is reserved)"
        )))
    }
}

fn check_len(field: &str, value: Option<&str>, min: usize, max: usize) -> FcResult<()> {
    match value {
        Some(v) if v.chars().count() < min || v.chars().count() > max => Err(invalid(format!(
            "{field} must have {min} to {max} characters"
        ))),
        _ => Ok(()),
    }
}

fn check_range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &str,
    value: Option<T>,
    min: T,
    max: T,
) -> FcResult<()> {
    match value {
        Some(v) if v < min || v > max => Err(invalid(format!(
            "{field} must be between {min} and {max}, got {v}"
        ))),
        _ => Ok(()),
    }
}

fn env_vars(function: &Function) -> FcResult<()> {
    let mut total = 0usize;
    for (key, value) in &function.environment_variables {
        let mut chars = key.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(invalid(format!(
                "environmentVariables key '{key}' must start with a letter and contain only letters, digits and '_'"
            )));
        }
        if key.starts_with("FC_") {
            return Err(invalid(format!(
                "environmentVariables key '{key}' uses the reserved prefix FC_"
            )));
        }
        total += key.len() + value.len();
    }
    if total > 4096 {
        return Err(invalid(format!(
            "environmentVariables take {total} bytes; at most 4096 are allowed"
        )));
    }
    Ok(())
}

fn tags(function: &Function) -> FcResult<()> {
    tag_list(&function.tags)
}

/// At most 20 tags; keys 1–64 characters, not starting with `aliyun` or `acs:`; values up to
/// 128 characters; no URLs in either.
pub fn tag_list(tags: &[fc_models::Tag]) -> FcResult<()> {
    if tags.len() > 20 {
        return Err(invalid("tags: at most 20 tags per resource".to_owned()));
    }
    for tag in tags {
        let key = tag.key.as_deref().unwrap_or("");
        let value = tag.value.as_deref().unwrap_or("");
        let forbidden = |s: &str| s.contains("http://") || s.contains("https://");
        if key.is_empty()
            || key.chars().count() > 64
            || key.starts_with("aliyun")
            || key.starts_with("acs:")
            || forbidden(key)
        {
            return Err(invalid(format!("tags: key '{key}' is not allowed")));
        }
        if value.chars().count() > 128 || forbidden(value) {
            return Err(invalid(format!("tags: value of '{key}' is not allowed")));
        }
    }
    Ok(())
}

fn runtime(function: &Function) -> FcResult<()> {
    match &function.runtime {
        None => Err(invalid("runtime is required".to_owned())),
        Some(Runtime::Unknown(other)) => Err(invalid(format!(
            "runtime '{other}' is not supported; use one of {}",
            Runtime::VALUES.join(", ")
        ))),
        Some(_) => Ok(()),
    }
}

/// The largest memory (MB) and vCPU count of a CPU instance.
const CPU_INSTANCE_MAX_MEMORY_MB: i32 = 32768;
const CPU_INSTANCE_MAX_CPU: f64 = 16.0;

/// Memory and vCPUs: a multiple of 64 MB and of 0.05 vCPU for every instance type; CPU
/// instances (no `gpuConfig`) also take at most 32 GB and 16 vCPUs with memory (GB) 1 to 4
/// times the vCPUs. GPU instances have per-type tables that the service checks.
fn cpu_and_memory(function: &Function) -> FcResult<()> {
    if let Some(memory) = function.memory_size
        && (memory < 64 || memory % 64 != 0)
    {
        return Err(invalid(format!(
            "memorySize must be a positive multiple of 64 MB, got {memory}"
        )));
    }
    if let Some(cpu) = function.cpu {
        let steps = cpu / 0.05;
        if cpu < 0.05 || (steps - steps.round()).abs() > 1e-6 {
            return Err(invalid(format!(
                "cpu must be a positive multiple of 0.05, got {cpu}"
            )));
        }
    }
    if function.gpu_config.is_some() {
        return Ok(());
    }
    check_range(
        "memorySize",
        function.memory_size,
        64,
        CPU_INSTANCE_MAX_MEMORY_MB,
    )?;
    check_range("cpu", function.cpu, 0.05, CPU_INSTANCE_MAX_CPU)?;
    if let (Some(cpu), Some(memory)) = (function.cpu, function.memory_size) {
        let ratio = f64::from(memory) / 1024.0 / cpu;
        if !(1.0 - 1e-9..=4.0 + 1e-9).contains(&ratio) {
            return Err(invalid(format!(
                "cpu {cpu} and memorySize {memory} MB do not fit a CPU instance: memory in GB must be 1 to 4 times the vCPUs"
            )));
        }
    }
    Ok(())
}

/// Checks a complete function configuration (after defaults or an update were applied).
pub fn function(function: &Function) -> FcResult<()> {
    runtime(function)?;
    check_len("handler", function.handler.as_deref(), 1, 128)?;
    if function.handler.is_none() {
        return Err(invalid("handler is required".to_owned()));
    }
    cpu_and_memory(function)?;
    if let Some(disk) = function.disk_size
        && disk != 512
        && disk != 10240
    {
        return Err(invalid(format!(
            "diskSize must be 512 or 10240, got {disk}"
        )));
    }
    check_range("timeout", function.timeout, 0, 86400)?;
    if let Some(concurrency) = function.instance_concurrency
        && concurrency < 0
    {
        return Err(invalid(format!(
            "instanceConcurrency must not be negative, got {concurrency}"
        )));
    }
    check_len("description", function.description.as_deref(), 0, 256)?;
    check_len("role", function.role.as_deref(), 0, 300)?;
    if function.layers.len() > 5 {
        return Err(invalid("layers: at most 5 layers per function".to_owned()));
    }
    env_vars(function)?;
    tags(function)
}

/// Layer version ARNs: `acs:fc:<region>:<account>:layers/<name>/versions/<n>`.
pub fn layer_arn(arn: &str) -> FcResult<()> {
    let parts: Vec<&str> = arn.split(':').collect();
    let valid = match parts.as_slice() {
        ["acs", "fc", _, _, resource] => {
            let segments: Vec<&str> = resource.split('/').collect();
            matches!(segments.as_slice(), ["layers", name, "versions", n]
                if !name.is_empty() && n.parse::<u64>().is_ok())
        }
        _ => false,
    };
    if valid {
        Ok(())
    } else {
        Err(invalid(format!(
            "layers: '{arn}' is not a layer version ARN (acs:fc:<region>:<account>:layers/<name>/versions/<n>)"
        )))
    }
}

/// A decoded code package: bytes and their CRC-64 checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodePackage {
    /// The ZIP bytes.
    pub bytes: Vec<u8>,
    /// CRC-64/XZ, decimal.
    pub checksum: String,
}

/// Decodes and checks `code` (base64 ZIP, size, optional checksum).
pub fn code(code: &InputCodeLocation, max_bytes: usize) -> FcResult<Option<CodePackage>> {
    if code.oss_bucket_name.is_some() || code.oss_object_name.is_some() {
        return Err(invalid(
            "code.ossBucketName/ossObjectName: fc-local has no OSS to fetch code from; send the ZIP in code.zipFile".to_owned(),
        ));
    }
    let Some(zip_file) = code.zip_file.as_deref() else {
        return Ok(None);
    };
    if zip_file.len() / 4 * 3 > max_bytes + 3 {
        return Err(FcError::entity_too_large(format!(
            "code.zipFile exceeds the maximum of {max_bytes} bytes"
        )));
    }
    let bytes = STANDARD
        .decode(zip_file.trim().as_bytes())
        .map_err(|e| invalid(format!("code.zipFile is not valid base64: {e}")))?;
    if bytes.len() > max_bytes {
        return Err(FcError::entity_too_large(format!(
            "code.zipFile exceeds the maximum of {max_bytes} bytes"
        )));
    }
    if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
        return Err(invalid("code.zipFile is not a ZIP archive".to_owned()));
    }
    let checksum = crc64(&bytes);
    if let Some(claimed) = code.checksum.as_deref()
        && claimed.trim() != checksum
    {
        return Err(invalid(format!(
            "code.checksum '{claimed}' does not match the CRC-64 of code.zipFile ({checksum})"
        )));
    }
    Ok(Some(CodePackage { bytes, checksum }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Function {
        Function {
            runtime: Some(Runtime::Python310),
            handler: Some("index.handler".to_owned()),
            memory_size: Some(512),
            ..Function::default()
        }
    }

    #[test]
    fn names() {
        assert!(function_name("_a-1").is_ok());
        assert!(function_name("1a").is_err());
        assert!(function_name("-a").is_err());
        assert!(function_name("").is_err());
        assert!(function_name("a.b").is_err());
        assert!(function_name(&"a".repeat(128)).is_ok());
        assert!(function_name(&"a".repeat(129)).is_err());
        assert!(alias_name("prod").is_ok());
        assert!(alias_name("LATEST").is_err());
        assert!(alias_name("_x").is_err());
    }

    #[test]
    fn ranges_and_multiples() {
        assert!(function(&base()).is_ok());
        let with = |f: fn(&mut Function)| {
            let mut func = base();
            f(&mut func);
            function(&func).map_err(|e| e.message)
        };
        assert!(with(|f| f.memory_size = Some(100)).is_err());
        assert!(with(|f| f.memory_size = Some(130)).is_err());
        assert!(with(|f| f.memory_size = Some(32832)).is_err());
        assert!(with(|f| f.cpu = Some(0.5)).is_ok());
        assert!(with(|f| f.cpu = Some(0.33)).is_err());
        assert!(with(|f| f.cpu = Some(2.0)).is_err()); // 0.5 GB for 2 vCPU: ratio below 1
        let gpu = |f: &mut Function| {
            f.cpu = Some(8.0);
            f.memory_size = Some(65536);
        };
        assert!(with(gpu).is_err(), "64 GB is beyond a CPU instance");
        assert!(
            with(|f| {
                f.cpu = Some(8.0);
                f.memory_size = Some(65536);
                f.gpu_config = Some(fc_models::GpuConfig {
                    gpu_type: Some(fc_models::GpuType::FcGpuAda1),
                    gpu_memory_size: Some(49152),
                });
            })
            .is_ok(),
            "GPU instances have their own table"
        );
        assert!(with(|f| f.memory_size = Some(64)).is_ok());
        assert!(with(|f| f.disk_size = Some(1024)).is_err());
        assert!(with(|f| f.timeout = Some(-1)).is_err());
        assert!(with(|f| f.timeout = Some(0)).is_ok());
        assert!(with(|f| f.timeout = Some(86400)).is_ok());
        assert!(with(|f| f.timeout = Some(86401)).is_err());
        assert!(with(|f| f.instance_concurrency = Some(-1)).is_err());
        assert!(with(|f| f.instance_concurrency = Some(201)).is_ok());
        assert!(with(|f| f.runtime = Some(Runtime::Unknown("cobol".into()))).is_err());
        assert!(with(|f| f.handler = Some(String::new())).is_err());
        assert!(
            with(|f| {
                f.environment_variables.insert("FC_X".into(), "1".into());
            })
            .is_err()
        );
        assert!(
            with(|f| {
                f.environment_variables
                    .insert("big".into(), "x".repeat(5000));
            })
            .is_err()
        );
    }

    #[test]
    fn code_checks() {
        let zip = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
        let encoded = STANDARD.encode(&zip);
        let ok = InputCodeLocation {
            zip_file: Some(encoded.clone()),
            checksum: Some(crc64(&zip)),
            ..InputCodeLocation::default()
        };
        let package = code(&ok, 1024).unwrap().unwrap();
        assert_eq!(package.bytes, zip);
        let wrong = InputCodeLocation {
            checksum: Some("1".into()),
            ..ok.clone()
        };
        assert!(code(&wrong, 1024).unwrap_err().message.contains("checksum"));
        assert_eq!(
            code(&ok, 4).unwrap_err().code,
            fc_models::ErrorCode::EntityTooLarge
        );
        let not_zip = InputCodeLocation {
            zip_file: Some(STANDARD.encode(b"hello")),
            ..InputCodeLocation::default()
        };
        assert!(code(&not_zip, 1024).is_err());
        let bad = InputCodeLocation {
            zip_file: Some("***".into()),
            ..InputCodeLocation::default()
        };
        assert!(code(&bad, 1024).unwrap_err().message.contains("base64"));
        assert_eq!(code(&InputCodeLocation::default(), 1024), Ok(None));
    }

    #[test]
    fn layer_arns() {
        assert!(layer_arn("acs:fc:cn-hangzhou:123:layers/x/versions/1").is_ok());
        assert!(layer_arn("acs:fc:cn-hangzhou:123:layers/x").is_err());
        assert!(layer_arn("nope").is_err());
    }
}

//! Business rules the spec cannot express: cross-field, state-dependent, or fc-local's own. Each
//! names its source (rows of the business-rules table in fc-local's README, `limits.md`, or "our
//! choice"). Ranges, lengths, patterns and value sets of single request fields are the spec's
//! generated checks, which the extractors (`extract.rs`) apply to every request.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use fc_models::rules::Location;
use fc_models::{Function, InputCodeLocation};
use serde_json::Value;

use crate::error::{FcError, FcResult};
use crate::store::code::crc64;

fn invalid(message: String) -> FcError {
    FcError::invalid_argument(message)
}

/// Applies the body checks the spec gives the field `path` of `action` to `value`, shown as
/// `field`: for values the spec leaves unchecked that follow another field's rule.
pub fn checks_of(action: &str, path: &[&str], field: &str, value: &Value) -> FcResult<()> {
    let Some(operation) = fc_models::API.by_action(action) else {
        return Err(FcError::internal(format!("the API table lacks {action}")));
    };
    operation
        .checks
        .iter()
        .filter(|check| check.location == Location::Body && check.path == path)
        .try_for_each(|check| check.rule.check_json(field, value))
        .map_err(FcError::from)
}

/// Names the spec gives no rule for but that follow the function-name rule (a layer name,
/// limits.md l.86; a custom domain route's `functionName`, our choice): CreateFunction's checks
/// on `functionName`.
pub fn like_function_name(field: &str, value: &str) -> FcResult<()> {
    checks_of(
        "CreateFunction",
        &["functionName"],
        field,
        &Value::from(value),
    )
}

/// A trigger's `triggerConfig`: a JSON object; for HTTP triggers, methods and auth type from the
/// spec's `HTTPMethod` and `AuthType` lists (README "triggerConfig" row: our choice; the spec
/// types `triggerConfig` as a string, so its checks cannot look inside).
pub fn trigger_config(trigger_type: &fc_models::TriggerType, config: &str) -> FcResult<()> {
    let value: serde_json::Value = serde_json::from_str(config)
        .map_err(|e| invalid(format!("triggerConfig is not valid JSON: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(invalid("triggerConfig must be a JSON object".to_owned()));
    };
    if *trigger_type == fc_models::TriggerType::Timer {
        let timer = crate::timer::TimerConfig::parse(config).map_err(invalid)?;
        if let Some(zone) = timer.ignored_zone {
            tracing::warn!(
                zone,
                "fc-local evaluates timer schedules in UTC; CRON_TZ is ignored"
            );
        }
    }
    if *trigger_type == fc_models::TriggerType::Http {
        let methods_known = fc_models::HttpMethod::VALUES;
        if let Some(methods) = object.get("methods") {
            let valid = methods.as_array().is_some_and(|list| {
                list.iter()
                    .all(|m| m.as_str().is_some_and(|m| methods_known.contains(&m)))
            });
            if !valid {
                return Err(invalid(format!(
                    "triggerConfig.methods must be a list of {}",
                    methods_known.join(", ")
                )));
            }
        }
        let auth_known = fc_models::CustomDomainAuthType::VALUES;
        if let Some(auth) = object.get("authType") {
            let valid = auth.as_str().is_some_and(|a| auth_known.contains(&a));
            if !valid {
                return Err(invalid(format!(
                    "triggerConfig.authType must be one of {}",
                    auth_known.join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// Alias names start with a letter, then letters, digits, `_` and `-`; `LATEST` is reserved
/// (limits.md l.129, the FC 2.0 rule: the spec gives CreateAlias's `aliasName` only its length,
/// which its checks apply).
pub fn alias_name(name: &str) -> FcResult<()> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && name != "LATEST";
    if valid {
        Ok(())
    } else {
        Err(invalid(format!(
            "aliasName '{name}' is invalid: use letters, digits, '_' or '-', starting with a \
             letter (LATEST is reserved)"
        )))
    }
}

/// Environment variable keys start with a letter, then letters, digits and `_`, without the
/// reserved prefix `FC_`; keys and values take at most 4096 bytes (limits.md l.39–41).
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

/// At most 20 tags; keys 1–64 characters, not starting with `aliyun` or `acs:`; values up to
/// 128 characters; no URLs in either (limits.md l.138–140). Kept here because it applies to a
/// function's whole tag set: CreateFunction's checks do not bound `tags`, and TagResources
/// adds to the tags a function has.
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

/// `runtime` and `handler` are required (limits.md §2, l.26). The stored shape has both
/// optional; CreateFunction's body requires them and an update cannot remove them, so this
/// guards the complete configuration rather than a request.
fn required(function: &Function) -> FcResult<()> {
    if function.runtime.is_none() {
        return Err(invalid("runtime is required".to_owned()));
    }
    if function.handler.is_none() {
        return Err(invalid("handler is required".to_owned()));
    }
    Ok(())
}

/// The largest memory (MB) and vCPU count of a CPU instance.
const CPU_INSTANCE_MAX_MEMORY_MB: i32 = 32768;
const CPU_INSTANCE_MAX_CPU: f64 = 16.0;

/// Memory and vCPUs. Every instance type takes CreateFunction's checks on `memorySize` and `cpu`
/// (at least 64 MB and 0.05 vCPU, in multiples of them); UpdateFunction's checks have the
/// multiples but not the minimums (the spec states no range for updates), so the merged
/// configuration gets CreateFunction's here. CPU instances (no `gpuConfig`) also take at most
/// 32 GB and 16 vCPUs, with memory (GB) 1 to 4 times the vCPUs: a cross-field rule the spec
/// cannot state (README "memorySize" and "cpu" rows). GPU instances have per-type tables that
/// the service checks.
fn cpu_and_memory(function: &Function) -> FcResult<()> {
    if let Some(memory) = function.memory_size {
        checks_of(
            "CreateFunction",
            &["memorySize"],
            "memorySize",
            &memory.into(),
        )?;
    }
    if let Some(cpu) = function.cpu {
        checks_of("CreateFunction", &["cpu"], "cpu", &cpu.into())?;
    }
    if function.gpu_config.is_some() {
        return Ok(());
    }
    if let Some(memory) = function.memory_size
        && memory > CPU_INSTANCE_MAX_MEMORY_MB
    {
        return Err(invalid(format!(
            "memorySize {memory} MB is beyond a CPU instance: at most \
             {CPU_INSTANCE_MAX_MEMORY_MB} without gpuConfig"
        )));
    }
    if let Some(cpu) = function.cpu
        && cpu > CPU_INSTANCE_MAX_CPU
    {
        return Err(invalid(format!(
            "cpu {cpu} is beyond a CPU instance: at most {CPU_INSTANCE_MAX_CPU} without gpuConfig"
        )));
    }
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

/// Checks a complete function configuration (after defaults or an update were applied) against
/// the rules its request's checks cannot cover.
pub fn function(function: &Function) -> FcResult<()> {
    required(function)?;
    cpu_and_memory(function)?;
    // At most 5 layers (limits.md l.38); the spec does not bound `layers`.
    if function.layers.len() > 5 {
        return Err(invalid("layers: at most 5 layers per function".to_owned()));
    }
    env_vars(function)?;
    process_text(function)?;
    crate::sessions::affinity::check(function)?;
    tag_list(&function.tags)
}

/// Text that reaches a process (its environment, its command line, the handler name its
/// bootstrap loads) cannot hold NUL, which no process can be given; handlers cannot hold any
/// control character (our choice: refused at the door, not at the first invoke).
fn process_text(function: &Function) -> FcResult<()> {
    let nul = |field: &str, value: &str| {
        if value.contains('\0') {
            Err(invalid(format!("{field} must not contain NUL characters")))
        } else {
            Ok(())
        }
    };
    let control = |field: &str, value: &str| {
        if value.chars().any(char::is_control) {
            Err(invalid(format!(
                "{field} must not contain control characters"
            )))
        } else {
            Ok(())
        }
    };
    if let Some(handler) = &function.handler {
        control("handler", handler)?;
    }
    let initializer = function
        .instance_lifecycle_config
        .as_ref()
        .and_then(|config| config.initializer.as_ref())
        .and_then(|hook| hook.handler.as_deref());
    if let Some(handler) = initializer {
        control("instanceLifecycleConfig.initializer.handler", handler)?;
    }
    for (key, value) in &function.environment_variables {
        nul(&format!("environmentVariables.{key}"), value)?;
    }
    if let Some(custom) = &function.custom_runtime_config {
        for (i, word) in custom.command.iter().enumerate() {
            nul(&format!("customRuntimeConfig.command[{i}]"), word)?;
        }
        for (i, word) in custom.args.iter().enumerate() {
            nul(&format!("customRuntimeConfig.args[{i}]"), word)?;
        }
    }
    Ok(())
}

/// Layer version ARNs: `acs:fc:<region>:<account>:layers/<name>/versions/<n>` (limits.md l.38;
/// the spec gives `layers` no pattern).
pub fn layer_arn(arn: &str) -> FcResult<()> {
    if crate::store::layers::parse_arn(arn).is_some() {
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

/// The `code.ossBucketName` that makes a function run from a local directory (live code, fc-local
/// only): `code.ossObjectName` is the directory's absolute path.
pub const LOCAL_DIRECTORY_BUCKET: &str = "fc-local-dir";
/// How the `codeChecksum` of a function that runs from a directory starts.
pub const DIRECTORY_CHECKSUM_PREFIX: &str = "dir:";

impl CodePackage {
    /// The directory a live-code function runs from, if it is one.
    pub fn directory(&self) -> Option<&str> {
        self.checksum.strip_prefix(DIRECTORY_CHECKSUM_PREFIX)
    }
}

/// Decodes and checks `code` (base64 ZIP, size, optional checksum; README "Code" rows), or a
/// local directory named with [`LOCAL_DIRECTORY_BUCKET`] (which must exist). fc-local has no OSS
/// to fetch code from (our choice to refuse it).
pub fn code(code: &InputCodeLocation, max_bytes: usize) -> FcResult<Option<CodePackage>> {
    if code.oss_bucket_name.as_deref() == Some(LOCAL_DIRECTORY_BUCKET) {
        let dir = code.oss_object_name.as_deref().unwrap_or_default();
        if !std::path::Path::new(dir).is_absolute() {
            return Err(invalid(format!(
                "code.ossObjectName must be the absolute path of the directory to run from (with code.ossBucketName {LOCAL_DIRECTORY_BUCKET}), got '{dir}'"
            )));
        }
        let canonical = std::fs::canonicalize(dir)
            .ok()
            .filter(|path| path.is_dir())
            .ok_or_else(|| invalid(format!("code.ossObjectName: '{dir}' is not a directory")))?;
        return Ok(Some(CodePackage {
            bytes: Vec::new(),
            checksum: format!("{DIRECTORY_CHECKSUM_PREFIX}{}", canonical.display()),
        }));
    }
    if code.oss_bucket_name.is_some() || code.oss_object_name.is_some() {
        return Err(invalid(format!(
            "code.ossBucketName/ossObjectName: fc-local has no OSS to fetch code from; send the ZIP in code.zipFile, or run from a local directory with code.ossBucketName {LOCAL_DIRECTORY_BUCKET}"
        )));
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
    // Structure, entry names and the declared unpacked size, before anything is inflated: a
    // corrupt, path-escaping or bomb package is refused here, not at its first invocation.
    fc_client::code::ZipArchive::inspect(&bytes, crate::config::MAX_UNPACKED_CODE_BYTES).map_err(
        |e| {
            invalid(format!(
                "code.zipFile is not a package fc-local can unpack (at most {} MiB unpacked): {e}",
                crate::config::MAX_UNPACKED_CODE_BYTES >> 20
            ))
        },
    )?;
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
    use fc_models::Runtime;
    use fc_models::rules::{self, Input};

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
        let name = |n: &str| like_function_name("layerName", n);
        assert!(name("_a-1").is_ok());
        assert!(name("1a").is_err());
        assert!(name("-a").is_err());
        assert!(name("").is_err());
        assert!(name("a.b").unwrap_err().message.contains("layerName"));
        assert!(name(&"a".repeat(128)).is_ok());
        assert!(name(&"a".repeat(129)).is_err());
        assert!(alias_name("prod").is_ok());
        assert!(alias_name("LATEST").is_err());
        assert!(alias_name("_x").is_err());
    }

    #[test]
    fn ranges_and_multiples() {
        assert!(function(&base()).is_ok());
        // What CreateFunction says: its body checks (from the spec), then the rules here.
        let checks = fc_models::API.by_action("CreateFunction").unwrap().checks;
        let with = |f: fn(&mut Function)| {
            let mut func = base();
            f(&mut func);
            let body = serde_json::to_value(&func).unwrap();
            let input = Input {
                body: Some(&body),
                ..Input::default()
            };
            rules::validate_known(checks, &input).map_err(|v| v.to_string())?;
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
        let no_memory = Function {
            memory_size: Some(0),
            gpu_config: Some(fc_models::GpuConfig::default()),
            ..base()
        };
        assert!(
            function(&no_memory).is_err(),
            "UpdateFunction's checks lack the minimum; the merged function has it"
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
    fn text_that_reaches_a_process_refuses_nul_and_handlers_control_characters() {
        let base: Function = serde_json::from_value(serde_json::json!({
            "functionName": "f", "runtime": "python3.10", "handler": "index.handler",
            "code": {}, "memorySize": 128, "timeout": 3
        }))
        .unwrap();
        assert!(process_text(&base).is_ok());
        let cases = [
            (
                serde_json::json!({"handler": "index.hand\u{0000}ler"}),
                "handler",
            ),
            (serde_json::json!({"handler": "index.handler\n"}), "handler"),
            (
                serde_json::json!({"environmentVariables": {"A": "x\u{0000}y"}}),
                "environmentVariables.A",
            ),
            (
                serde_json::json!({"customRuntimeConfig": {"command": ["python3", "a\u{0000}"]}}),
                "customRuntimeConfig.command[1]",
            ),
            (
                serde_json::json!({"instanceLifecycleConfig": {"initializer": {"handler": "i.\u{0007}"}}}),
                "instanceLifecycleConfig.initializer.handler",
            ),
        ];
        for (patch, field) in cases {
            let mut value = serde_json::to_value(&base).unwrap();
            value
                .as_object_mut()
                .unwrap()
                .extend(patch.as_object().unwrap().clone());
            let function: Function = serde_json::from_value(value).unwrap();
            let error = process_text(&function).unwrap_err();
            assert!(
                error.message.starts_with(field),
                "{field}: {}",
                error.message
            );
        }
        // Newlines are fine in an environment value.
        let mut value = serde_json::to_value(&base).unwrap();
        value["environmentVariables"] = serde_json::json!({"PEM": "line 1\nline 2"});
        assert!(process_text(&serde_json::from_value(value).unwrap()).is_ok());
    }

    #[test]
    fn code_checks() {
        let zip = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
        let encoded = STANDARD.encode(&zip);
        let input = |zip_file: Option<String>, checksum: Option<String>| {
            let mut input = InputCodeLocation::default();
            input.zip_file = zip_file;
            input.checksum = checksum;
            input
        };
        let ok = input(Some(encoded.clone()), Some(crc64(&zip)));
        let package = code(&ok, 1024).unwrap().unwrap();
        assert_eq!(package.bytes, zip);
        let wrong = input(Some(encoded), Some("1".into()));
        assert!(code(&wrong, 1024).unwrap_err().message.contains("checksum"));
        assert_eq!(
            code(&ok, 4).unwrap_err().code,
            fc_models::ErrorCode::EntityTooLarge
        );
        let not_zip = input(Some(STANDARD.encode(b"hello")), None);
        assert!(code(&not_zip, 1024).is_err());
        let bad = input(Some("***".into()), None);
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

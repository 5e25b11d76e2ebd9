//! A function's stored configuration turned into the executor's [`FunctionSpec`].

use std::time::Duration;

use bytes::Bytes;
use fc_models::Function;

use crate::error::{FcError, FcResult};
use crate::executor::{
    CustomRuntimeSpec, DEFAULT_IDLE_TIMEOUT, DEFAULT_TIMEOUT, FunctionSpec, InitializerSpec,
    LayerCode,
};

/// Memory size used when a function sets only `cpu` (CreateFunction's default).
const DEFAULT_MEMORY_MB: u32 = 512;

/// The spec of `function` (named `name`) at `version` (`LATEST` or an id), running `code`
/// (the package whose checksum is `function.codeChecksum`) with `layers` (its `layers`, in
/// order, with their code).
///
/// Unset fields take the service's defaults: 512 MB, a 3 s timeout, concurrency 1, an
/// initializer timeout of 3 s. A function without a runtime or handler is 400
/// `InvalidArgument`.
pub fn function_spec(
    name: &str,
    function: &Function,
    version: &str,
    code: Bytes,
    layers: Vec<LayerCode>,
) -> FcResult<FunctionSpec> {
    let runtime = function
        .runtime
        .as_ref()
        .map(|r| r.as_str().to_owned())
        .ok_or_else(|| FcError::invalid_argument(format!("function '{name}' has no runtime")))?;
    let checksum = function.code_checksum.clone().ok_or_else(|| {
        FcError::invalid_argument(format!(
            "function '{name}' has no code package: fc-local runs code packages, not the \
             {runtime} runtime"
        ))
    })?;
    let initializer = function
        .instance_lifecycle_config
        .as_ref()
        .and_then(|config| config.initializer.as_ref())
        .and_then(|hook| {
            let handler = hook.handler.clone().filter(|h| !h.is_empty())?;
            Some(InitializerSpec {
                handler,
                timeout: seconds(hook.timeout.map(i64::from), DEFAULT_TIMEOUT),
            })
        });
    let custom_runtime = function
        .custom_runtime_config
        .as_ref()
        .map(|config| CustomRuntimeSpec {
            command: config.command.clone(),
            args: config.args.clone(),
            port: config.port.and_then(|p| u16::try_from(p).ok()),
        });
    Ok(FunctionSpec {
        name: name.to_owned(),
        version: version.to_owned(),
        code_checksum: checksum,
        code_zip: code,
        code_dir: None,
        runtime,
        handler: function.handler.clone().unwrap_or_default(),
        memory_mb: function
            .memory_size
            .and_then(|m| u32::try_from(m).ok())
            .unwrap_or(DEFAULT_MEMORY_MB),
        timeout: seconds(function.timeout.map(i64::from), DEFAULT_TIMEOUT),
        env: function.environment_variables.clone(),
        initializer,
        instance_concurrency: function
            .instance_concurrency
            .and_then(|c| u32::try_from(c).ok())
            .filter(|c| *c > 0)
            .unwrap_or(1),
        idle_timeout: seconds(function.idle_timeout, DEFAULT_IDLE_TIMEOUT),
        custom_runtime,
        layers,
    })
}

/// A positive number of seconds, or `default`.
fn seconds(value: Option<i64>, default: Duration) -> Duration {
    value
        .and_then(|s| u64::try_from(s).ok())
        .filter(|s| *s > 0)
        .map_or(default, Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fc_models::{InstanceLifecycleConfig, LifecycleHook, Runtime};

    #[test]
    fn configuration_becomes_a_spec() {
        let mut function = Function {
            runtime: Some(Runtime::from("python3.10")),
            handler: Some("index.handler".into()),
            code_checksum: Some("42".into()),
            memory_size: Some(1024),
            timeout: Some(7),
            instance_concurrency: Some(4),
            instance_lifecycle_config: Some(InstanceLifecycleConfig {
                initializer: Some(LifecycleHook {
                    handler: Some("index.init".into()),
                    timeout: None,
                    command: Vec::new(),
                }),
                pre_stop: None,
            }),
            ..Function::default()
        };
        function
            .environment_variables
            .insert("MODE".into(), "test".into());
        let spec =
            function_spec("f", &function, "2", Bytes::from_static(b"zip"), Vec::new()).unwrap();
        assert_eq!(spec.version, "2");
        assert_eq!(spec.code_checksum, "42");
        assert_eq!(spec.runtime, "python3.10");
        assert_eq!(spec.memory_mb, 1024);
        assert_eq!(spec.timeout, Duration::from_secs(7));
        assert_eq!(spec.instance_concurrency, 4);
        assert_eq!(spec.env.get("MODE").map(String::as_str), Some("test"));
        let init = spec.initializer.unwrap();
        assert_eq!(init.handler, "index.init");
        assert_eq!(init.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn missing_runtime_or_code_is_invalid() {
        let no_runtime = Function::default();
        assert_eq!(
            function_spec("f", &no_runtime, "LATEST", Bytes::new(), Vec::new())
                .unwrap_err()
                .code,
            fc_models::ErrorCode::InvalidArgument
        );
        let container = Function {
            runtime: Some(Runtime::CustomContainer),
            ..Function::default()
        };
        let err = function_spec("f", &container, "LATEST", Bytes::new(), Vec::new()).unwrap_err();
        assert!(err.message.contains("custom-container"), "{}", err.message);
    }
}

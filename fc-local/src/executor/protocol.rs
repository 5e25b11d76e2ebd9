//! The custom-runtime HTTP protocol as fc-local speaks it to every instance: the `x-fc-*`
//! request headers, the instance environment, and how an answer is read.

use std::collections::BTreeMap;
use std::path::Path;

use fc_client::FunctionErrorType;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::config::ExecutorConfig;
use super::spec::{FunctionSpec, RuntimeKind};
use super::unpack::PreparedCode;

/// Path of the invocation request.
pub(crate) const INVOKE_PATH: &str = "/invoke";
/// Path of the initializer request.
pub(crate) const INITIALIZE_PATH: &str = "/initialize";

/// Response header a custom runtime sets to `404` to report a failed invocation.
const STATUS_HEADER: &str = "x-fc-status";
/// Response header only fc-local's own bootstraps set: the error type of a failure.
const SHIM_ERROR_TYPE_HEADER: &str = "x-fc-error-type";

/// Variables the executor sets itself; inherited ones with these prefixes are removed first.
const RESERVED_PREFIXES: [&str; 3] = ["FC_", "_FC_", "ALIBABA_CLOUD_"];
/// Legacy credential variables the runtimes still set.
const LEGACY_CREDENTIALS: [&str; 3] = ["accessKeyID", "accessKeySecret", "securityToken"];

/// The `x-fc-*` headers sent with `POST /invoke` and `POST /initialize`.
/// The service and function of a function name: an FC 2.0 function runs as `service$function`
/// (`fc2::resource::fc3_name`), and its instance sees the two names apart, as FC 2.0 gives them
/// (`context.service.name`, `x-fc-service-name`, `FC_SERVICE_NAME`).
pub(crate) fn service_and_function(name: &str) -> (Option<&str>, &str) {
    match name.split_once('$') {
        Some((service, function)) => (Some(service), function),
        None => (None, name),
    }
}

pub(crate) fn request_headers(
    config: &ExecutorConfig,
    spec: &FunctionSpec,
    request_id: &str,
    qualifier: Option<&str>,
    retry_count: u32,
    control_path: &str,
) -> HeaderMap {
    let (service, function) = service_and_function(&spec.name);
    let mut pairs: Vec<(&str, String)> = vec![
        ("content-type", "application/octet-stream".to_owned()),
        ("x-fc-request-id", request_id.to_owned()),
        ("x-fc-function-name", function.to_owned()),
        ("x-fc-function-handler", spec.handler.clone()),
        ("x-fc-function-memory", spec.memory_mb.to_string()),
        (
            "x-fc-function-timeout",
            whole_seconds(spec.timeout).to_string(),
        ),
        ("x-fc-region", config.region.clone()),
        ("x-fc-account-id", config.account_id.clone()),
        ("x-fc-qualifier", qualifier.unwrap_or("LATEST").to_owned()),
        ("x-fc-version-id", spec.version.clone()),
        ("x-fc-retry-count", retry_count.to_string()),
        ("x-fc-control-path", control_path.to_owned()),
    ];
    if let Some(service) = service {
        pairs.push(("x-fc-service-name", service.to_owned()));
    }
    if let Some(init) = &spec.initializer {
        pairs.push(("x-fc-function-initializer", init.handler.clone()));
        pairs.push((
            "x-fc-initialization-timeout",
            whole_seconds(init.timeout).to_string(),
        ));
    }
    if let Some(credentials) = &config.credentials {
        pairs.push(("x-fc-access-key-id", credentials.access_key_id.clone()));
        pairs.push((
            "x-fc-access-key-secret",
            credentials.access_key_secret.clone(),
        ));
        if let Some(token) = &credentials.security_token {
            pairs.push(("x-fc-security-token", token.clone()));
        }
    }
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        match HeaderValue::from_str(&value) {
            Ok(value) => {
                headers.insert(HeaderName::from_static(name), value);
            }
            Err(_) => tracing::warn!(header = name, "value is not a valid header; not sent"),
        }
    }
    headers
}

/// The variables of an instance, on top of the inherited environment minus reserved names.
pub(crate) struct InstanceEnv {
    /// Inherited variables to remove.
    pub(crate) remove: Vec<std::ffi::OsString>,
    /// Variables to set (the function's first, then the executor's, which win).
    pub(crate) set: BTreeMap<String, String>,
}

/// The search-path variables layers need, as the service sets them: `/opt/bin` first on
/// `PATH` and `/opt/lib` on `LD_LIBRARY_PATH` for every runtime; `/opt/python` (and any
/// `/opt/python/lib/python3.*/site-packages`) on `PYTHONPATH` for Python and
/// `/opt/nodejs/node_modules` on `NODE_PATH` for Node.js (custom runtimes set those
/// themselves). A value the function sets is kept after them, with its `/opt` and `/code`
/// entries mapped to the local directories.
fn layer_paths(
    kind: RuntimeKind,
    opt: &Path,
    code: &PreparedCode,
    function_env: &BTreeMap<String, String>,
) -> Vec<(&'static str, String)> {
    let mut first: Vec<(&'static str, Vec<std::path::PathBuf>)> = vec![
        ("PATH", vec![opt.join("bin")]),
        ("LD_LIBRARY_PATH", vec![opt.join("lib")]),
    ];
    match kind {
        RuntimeKind::Python => {
            let mut python = vec![opt.join("python")];
            if let Ok(entries) = std::fs::read_dir(opt.join("python/lib")) {
                let mut site: Vec<_> = entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path().join("site-packages"))
                    .filter(|path| path.is_dir())
                    .collect();
                site.sort();
                python.extend(site);
            }
            first.push(("PYTHONPATH", python));
        }
        RuntimeKind::Node => first.push(("NODE_PATH", vec![opt.join("nodejs/node_modules")])),
        RuntimeKind::Custom => {}
    }
    first
        .into_iter()
        .map(|(name, dirs)| {
            let rest = function_env.get(name).cloned().or_else(|| {
                (name == "PATH")
                    .then(|| std::env::var("PATH").ok())
                    .flatten()
            });
            let mut entries: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
            if let Some(rest) = rest {
                entries.extend(
                    rest.split(':')
                        .filter(|entry| !entry.is_empty())
                        .map(|entry| code.map_path(entry).to_string_lossy().into_owned()),
                );
            }
            (name, entries.join(":"))
        })
        .collect()
}

/// The environment of a new instance: the function's variables, then the `FC_*` ones, and
/// with layers their search paths ([`layer_paths`]).
pub(crate) fn instance_env(
    config: &ExecutorConfig,
    spec: &FunctionSpec,
    kind: RuntimeKind,
    code: &PreparedCode,
    instance_id: &str,
    port: u16,
) -> InstanceEnv {
    let code_dir = &code.code_dir;
    let remove = std::env::vars_os()
        .map(|(name, _)| name)
        .filter(|name| {
            let name = name.to_string_lossy();
            RESERVED_PREFIXES
                .iter()
                .any(|prefix| name.starts_with(prefix))
                || LEGACY_CREDENTIALS.contains(&name.as_ref())
        })
        .collect();
    let mut set = spec.env.clone();
    let port = port.to_string();
    let (service, function) = service_and_function(&spec.name);
    if let Some(service) = service {
        set.insert("FC_SERVICE_NAME".to_owned(), service.to_owned());
    }
    let fc_vars = [
        ("FC_FUNC_CODE_PATH", code_dir.display().to_string()),
        ("FC_FUNCTION_NAME", function.to_owned()),
        ("FC_FUNCTION_HANDLER", spec.handler.clone()),
        ("FC_FUNCTION_MEMORY_SIZE", spec.memory_mb.to_string()),
        ("FC_REGION", config.region.clone()),
        ("FC_ACCOUNT_ID", config.account_id.clone()),
        ("FC_INSTANCE_ID", instance_id.to_owned()),
        ("FC_FUNCTION_VERSION", spec.version.clone()),
        ("FC_VER_ID", spec.version.clone()),
        ("FC_CUSTOM_LISTEN_PORT", port.clone()),
        ("FC_SERVER_PORT", port),
    ];
    set.extend(fc_vars.map(|(name, value)| (name.to_owned(), value)));
    if let Some(credentials) = &config.credentials {
        let token = credentials.security_token.clone().unwrap_or_default();
        let creds = [
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", &credentials.access_key_id),
            (
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                &credentials.access_key_secret,
            ),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", &token),
            ("accessKeyID", &credentials.access_key_id),
            ("accessKeySecret", &credentials.access_key_secret),
            ("securityToken", &token),
        ];
        set.extend(creds.map(|(name, value)| (name.to_owned(), value.clone())));
    }
    if let Some(opt) = &code.opt_dir {
        for (name, value) in layer_paths(kind, opt, code, &set) {
            set.insert(name.to_owned(), value);
        }
    }
    InstanceEnv { remove, set }
}

/// How an instance answered `POST /invoke`, in InvokeFunction terms.
pub(crate) fn error_type_of(kind: RuntimeKind, headers: &HeaderMap) -> Option<FunctionErrorType> {
    let failed = headers
        .get(STATUS_HEADER)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim() == "404");
    if !failed {
        return None;
    }
    let reported = headers
        .get(SHIM_ERROR_TYPE_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(FunctionErrorType::from);
    Some(match (kind, reported) {
        (RuntimeKind::Custom, _) => FunctionErrorType::Unhandled,
        (_, Some(FunctionErrorType::Handled)) => FunctionErrorType::Handled,
        _ => FunctionErrorType::Unhandled,
    })
}

/// Whether an answer to `POST /initialize` reports success: a 2xx status without
/// `x-fc-status: 404`.
pub(crate) fn initializer_succeeded(status: u16, headers: &HeaderMap) -> bool {
    (200..300).contains(&status) && error_type_of(RuntimeKind::Custom, headers).is_none()
}

/// A duration as whole seconds for headers and messages (at least 1 when not zero).
pub(crate) fn whole_seconds(duration: std::time::Duration) -> u64 {
    let seconds = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        seconds + 1
    } else {
        seconds
    }
}

/// A duration in seconds for error messages: `3`, or `0.5` below whole seconds.
pub(crate) fn seconds_text(duration: std::time::Duration) -> String {
    if duration.subsec_nanos() == 0 {
        duration.as_secs().to_string()
    } else {
        let text = format!("{:.3}", duration.as_secs_f64());
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// The JSON error body the executor writes itself (timeouts, crashes, initializer failures).
pub(crate) fn error_body(message: &str) -> bytes::Bytes {
    let body = serde_json::json!({ "errorMessage": message });
    bytes::Bytes::from(body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn fc2_functions_are_service_dollar_function() {
        assert_eq!(service_and_function("svc$fn"), (Some("svc"), "fn"));
        assert_eq!(service_and_function("fn"), (None, "fn"));
    }

    #[test]
    fn failures_need_the_status_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(error_type_of(RuntimeKind::Custom, &headers), None);
        headers.insert(
            "x-fc-error-type",
            HeaderValue::from_static("HandledInvocationError"),
        );
        assert_eq!(error_type_of(RuntimeKind::Node, &headers), None);
        headers.insert("x-fc-status", HeaderValue::from_static("404"));
        assert_eq!(
            error_type_of(RuntimeKind::Node, &headers),
            Some(FunctionErrorType::Handled)
        );
        assert_eq!(
            error_type_of(RuntimeKind::Custom, &headers),
            Some(FunctionErrorType::Unhandled),
            "custom runtimes cannot claim a handled error"
        );
    }

    #[test]
    fn seconds_are_readable() {
        assert_eq!(seconds_text(Duration::from_secs(3)), "3");
        assert_eq!(seconds_text(Duration::from_millis(1500)), "1.5");
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(2)), 2);
    }
}

//! Everything an invocation needs from the store, read in one transaction: the resolved
//! qualifier, the invocation restriction, and the code package.

use bytes::Bytes;

use super::qualifier::{self, Resolved};
use super::spec::function_spec;
use fc_models::ErrorCode;

use crate::error::{FcError, FcResult};
use crate::executor::{FunctionSpec, LayerCode};
use crate::store::Store;

/// An invocation ready for the executor.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// What runs: the configuration of the resolved version, with its code.
    pub spec: FunctionSpec,
    /// What the caller asked for (`LATEST`, a version id or an alias name).
    pub qualifier: String,
    /// The function's ARN (without qualifier).
    pub function_arn: String,
    /// The session affinity of the resolved configuration (`None`: none, or one that cannot
    /// be read).
    pub affinity: Option<crate::sessions::affinity::Affinity>,
}

/// Resolves `name` (whose ARN is `function_arn`) at `qualifier` (alias weights drawn at random)
/// and loads its code.
///
/// Errors: 404 `FunctionNotFound` / `VersionNotFound` / `AliasNotFound`; 412
/// `PreconditionFailed` when invocation of the function is disabled
/// (DisableFunctionInvocation); 400 `InvalidArgument` when fc-local cannot run it (a runtime
/// it does not support, no code package as for custom-container functions, a handler not of
/// the form `file.function`).
pub async fn prepare(
    store: &Store,
    function_arn: String,
    name: &str,
    qualifier: Option<&str>,
) -> FcResult<Prepared> {
    let owned_name = name.to_owned();
    let owned_qualifier = qualifier.map(str::to_owned);
    let draw = qualifier::random_draw();
    let (resolved, code, layers) = store
        .transact(move |tx, code| {
            let resolved: Resolved =
                qualifier::resolve(tx, &owned_name, owned_qualifier.as_deref(), draw)?;
            check_enabled(&owned_name, &resolved)?;
            let package = match &resolved.function.code_checksum {
                Some(checksum) => code.get(tx, checksum)?,
                None => None,
            };
            let mut layers = Vec::new();
            for layer in &resolved.function.layers {
                let arn = layer.arn.clone().unwrap_or_default();
                let stored = crate::store::layers::by_arn(tx, &arn)?;
                let checksum = stored.code_checksum.unwrap_or_default();
                let zip = code.get(tx, &checksum)?.ok_or_else(|| {
                    FcError::internal(format!("the code of layer {arn} is missing from the store"))
                })?;
                layers.push(LayerCode {
                    arn,
                    checksum,
                    zip: Bytes::from(zip),
                });
            }
            Ok((resolved, package, layers))
        })
        .await?;
    let live_dir = resolved
        .function
        .code_checksum
        .as_deref()
        .and_then(|c| c.strip_prefix(crate::validate::DIRECTORY_CHECKSUM_PREFIX))
        .map(std::path::PathBuf::from);
    let has_checksum = resolved.function.code_checksum.is_some() && live_dir.is_none();
    let code = match code {
        Some(bytes) => Bytes::from(bytes),
        None if has_checksum => {
            return Err(FcError::internal(format!(
                "the code package of function '{name}' is missing from the store"
            )));
        }
        None => Bytes::new(),
    };
    let affinity = crate::sessions::affinity::Affinity::of(&resolved.function)
        .ok()
        .flatten();
    let mut spec = function_spec(
        name,
        &resolved.function,
        &resolved.version_label(),
        code,
        layers,
    )?;
    if let Some(dir) = live_dir {
        let walked = dir.clone();
        let fingerprint =
            tokio::task::spawn_blocking(move || crate::executor::directory_fingerprint(&walked))
                .await
                .map_err(FcError::internal)?
                .map_err(|e| {
                    FcError::invalid_argument(format!(
                        "function '{name}' runs from the directory {} that cannot be read: {e}",
                        dir.display()
                    ))
                })?;
        spec.code_checksum = format!("{}@{fingerprint}", spec.code_checksum);
        spec.code_dir = Some(dir);
    }
    // Refuse what the executor cannot run (e.g. a java runtime) now, also for async calls.
    spec.validate()?;
    Ok(Prepared {
        spec,
        qualifier: resolved.qualifier,
        function_arn,
        affinity,
    })
}

/// 412 `PreconditionFailed` when DisableFunctionInvocation is in force (the restriction is on
/// the function as a whole, so LATEST's configuration holds it for every qualifier).
fn check_enabled(name: &str, resolved: &Resolved) -> FcResult<()> {
    let Some(restriction) = &resolved.latest.invocation_restriction else {
        return Ok(());
    };
    if restriction.disable != Some(true) {
        return Ok(());
    }
    let reason = restriction
        .reason
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(|r| format!(" (reason: {r})"))
        .unwrap_or_default();
    Err(FcError::new(
        ErrorCode::PreconditionFailed,
        format!(
            "invocation of function '{name}' is disabled{reason}; call EnableFunctionInvocation \
             to allow it again"
        ),
    ))
}

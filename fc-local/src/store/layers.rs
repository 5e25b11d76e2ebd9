//! Layer versions as functions use them: by ARN.

use fc_models::{ErrorCode, Layer};
use rusqlite::Transaction;

use super::resources::{self, Kind};
use crate::error::{FcError, FcResult};

/// The key a layer version is stored under in its layer's scope.
pub fn version_key(version: u32) -> String {
    format!("{version:010}")
}

/// The layer name and version number of `acs:fc:<region>:<account>:layers/<name>/versions/<n>`.
///
/// ```
/// use fc_local::store::layers::parse_arn;
///
/// assert_eq!(parse_arn("acs:fc:cn-hangzhou:123:layers/libs/versions/2"), Some(("libs", 2)));
/// assert_eq!(parse_arn("acs:fc:cn-hangzhou:123:layers/libs"), None);
/// ```
pub fn parse_arn(arn: &str) -> Option<(&str, u32)> {
    let resource = match arn.split(':').collect::<Vec<_>>().as_slice() {
        ["acs", "fc", _, _, resource] => *resource,
        _ => return None,
    };
    match resource.split('/').collect::<Vec<_>>().as_slice() {
        ["layers", name, "versions", n] if !name.is_empty() => Some((name, n.parse().ok()?)),
        _ => None,
    }
}

/// The stored layer version `arn` names. fc-local has one account, so the ARN's region and
/// account are not compared; a layer created elsewhere (another account's, or an official one)
/// is not here: 404 `LayerNotFound` when no version of the layer exists, else 404
/// `LayerVersionNotFound` (our choice: the service's code for this case is not documented).
pub fn by_arn(tx: &Transaction<'_>, arn: &str) -> FcResult<Layer> {
    let (name, version) = parse_arn(arn).ok_or_else(|| {
        FcError::invalid_argument(format!(
            "layers: '{arn}' is not a layer version ARN (acs:fc:<region>:<account>:layers/<name>/versions/<n>)"
        ))
    })?;
    if let Some(layer) = resources::get(tx, Kind::LayerVersion, name, &version_key(version))? {
        return Ok(layer);
    }
    let any_version = !resources::list::<Layer>(tx, Kind::LayerVersion, Some(name))?.is_empty();
    Err(if any_version {
        FcError::new(
            ErrorCode::LayerVersionNotFound,
            format!("layer '{name}' has no version {version} (layers: '{arn}')"),
        )
    } else {
        FcError::new(
            ErrorCode::LayerNotFound,
            format!(
                "layer '{name}' does not exist in fc-local (layers: '{arn}'); publish it with \
                 CreateLayerVersion first"
            ),
        )
    })
}

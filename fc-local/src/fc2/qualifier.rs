//! FC 2.0 qualifiers: `LATEST`, a service version id, or a service alias (whose
//! `additionalVersionWeight` shares traffic with another version).

use fc_models::ErrorCode;
use rusqlite::Transaction;

use super::resource::Stored;
use crate::error::{FcError, FcResult};
use crate::store::resources::{self, Kind};

/// The service version `qualifier` names: `None` for LATEST (or no qualifier), the id for a
/// version (404 `VersionNotFound` if it was not published), the version an alias resolves to
/// (404 `AliasNotFound`); `draw` (in [0, 1)) picks between an alias's versions by weight, `None`
/// takes its main version.
pub fn version_of(
    tx: &Transaction<'_>,
    service: &str,
    qualifier: Option<&str>,
    draw: Option<f64>,
) -> FcResult<Option<u64>> {
    let qualifier = qualifier.unwrap_or("").trim();
    if qualifier.is_empty() || qualifier.eq_ignore_ascii_case("LATEST") {
        return Ok(None);
    }
    if let Ok(id) = qualifier.parse::<u64>() {
        super::versions::require(tx, service, id)?;
        return Ok(Some(id));
    }
    let alias =
        resources::get::<Stored>(tx, Kind::ServiceAlias, service, qualifier)?.ok_or_else(|| {
            FcError::new(
                ErrorCode::AliasNotFound,
                format!("alias '{qualifier}' of service '{service}' does not exist"),
            )
        })?;
    let alias: fc_models::Alias =
        serde_json::from_value(serde_json::Value::Object(alias.doc)).map_err(FcError::internal)?;
    let picked = match draw {
        Some(draw) => crate::invoke::qualifier::pick_version(&alias, draw),
        None => alias.version_id.clone(),
    };
    let id = picked.as_deref().and_then(|v| v.parse::<u64>().ok());
    match id {
        Some(id) => Ok(Some(id)),
        None if picked.as_deref() == Some("LATEST") => Ok(None),
        None => Err(FcError::internal(format!(
            "alias '{qualifier}' names no version"
        ))),
    }
}

//! Which version an invocation runs: `LATEST` (the default), a version id, or an alias. An
//! alias sends each call to its `versionId`, except that `additionalVersionWeight`
//! (`{"<version>": share}`, shares from 0 to 1) sends that share of calls, chosen at random,
//! to the other version.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use fc_models::{Alias, ErrorCode, Function};
use rusqlite::Transaction;

use crate::error::{FcError, FcResult};
use crate::store::{aliases, functions};

/// The qualifier used when the caller gives none.
pub const LATEST: &str = "LATEST";

/// A qualifier resolved to the configuration that will run.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The function's current (LATEST) configuration, which holds the invocation restriction.
    pub latest: Function,
    /// The configuration that runs: LATEST's, or a published version's snapshot.
    pub function: Function,
    /// The version that runs; `None` for LATEST.
    pub version: Option<u64>,
    /// What the caller asked for (`LATEST` when nothing).
    pub qualifier: String,
}

impl Resolved {
    /// The version that runs as the API writes it: `LATEST` or the version id.
    pub fn version_label(&self) -> String {
        self.version
            .map_or_else(|| LATEST.to_owned(), |v| v.to_string())
    }
}

/// Resolves `qualifier` for `name`; for an alias, `draw` (uniform in `[0, 1)`) picks between
/// its versions. Unknown names give 404 `FunctionNotFound`, `VersionNotFound` or
/// `AliasNotFound`.
pub fn resolve(
    tx: &Transaction<'_>,
    name: &str,
    qualifier: Option<&str>,
    draw: f64,
) -> FcResult<Resolved> {
    let latest = functions::require(tx, name)?.function;
    let asked = qualifier
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .unwrap_or(LATEST);
    let target = if asked == LATEST || asked.parse::<u64>().is_ok() {
        asked.to_owned()
    } else {
        let alias = aliases::get(tx, name, asked)?.ok_or_else(|| {
            FcError::new(
                ErrorCode::AliasNotFound,
                format!("alias '{asked}' of function '{name}' does not exist"),
            )
        })?;
        pick_version(&alias, draw).ok_or_else(|| {
            FcError::internal(format!(
                "alias '{asked}' of function '{name}' has no version"
            ))
        })?
    };
    let (function, version) = functions::resolve(tx, name, Some(&target))?;
    Ok(Resolved {
        latest,
        function,
        version,
        qualifier: asked.to_owned(),
    })
}

/// The version of `alias` a call with the random `draw` (in `[0, 1)`) goes to: the additional
/// versions take consecutive slices of `[0, 1)` as wide as their weights (in version order),
/// the main version takes the rest. So weight 0 never routes there and weight 1 always does.
///
/// ```
/// use fc_local::invoke::qualifier::pick_version;
///
/// let mut alias = fc_models::Alias::default();
/// alias.version_id = Some("1".into());
/// alias.additional_version_weight.insert("2".into(), 0.25);
/// assert_eq!(pick_version(&alias, 0.1).as_deref(), Some("2"));
/// assert_eq!(pick_version(&alias, 0.5).as_deref(), Some("1"));
/// ```
pub fn pick_version(alias: &Alias, draw: f64) -> Option<String> {
    let mut bound = 0.0;
    for (version, weight) in &alias.additional_version_weight {
        if weight.is_finite() && *weight > 0.0 {
            bound += weight;
            if draw < bound {
                return Some(version.clone());
            }
        }
    }
    alias.version_id.clone()
}

/// A uniform random number in `[0, 1)` (std's randomly keyed hasher; no cryptographic use).
pub fn random_draw() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    // 53 random bits give every representable step of [0, 1).
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(weights: &[(&str, f64)]) -> Alias {
        let mut alias = Alias {
            version_id: Some("1".into()),
            ..Alias::default()
        };
        for (version, weight) in weights {
            alias
                .additional_version_weight
                .insert((*version).into(), *weight);
        }
        alias
    }

    #[test]
    fn weights_zero_and_one_are_exact() {
        let zero = alias(&[("2", 0.0)]);
        let one = alias(&[("2", 1.0)]);
        for draw in [0.0, 0.3, 0.999_999] {
            assert_eq!(pick_version(&zero, draw).as_deref(), Some("1"));
            assert_eq!(pick_version(&one, draw).as_deref(), Some("2"));
        }
        assert_eq!(pick_version(&alias(&[]), 0.0).as_deref(), Some("1"));
    }

    #[test]
    fn several_versions_take_consecutive_slices() {
        let split = alias(&[("2", 0.2), ("3", 0.3)]);
        assert_eq!(pick_version(&split, 0.1).as_deref(), Some("2"));
        assert_eq!(pick_version(&split, 0.3).as_deref(), Some("3"));
        assert_eq!(pick_version(&split, 0.6).as_deref(), Some("1"));
    }

    #[test]
    fn draws_are_in_range_and_vary() {
        let draws: Vec<f64> = (0..200).map(|_| random_draw()).collect();
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        let low = draws.iter().filter(|d| **d < 0.5).count();
        assert!((40..160).contains(&low), "{low} of 200 below 0.5");
    }
}

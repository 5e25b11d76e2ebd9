//! The `resources` table: every other kind of resource (triggers, per-function configs, custom
//! domains, layers and layer versions, VPC bindings, asynchronous tasks), stored as the JSON of
//! its API shape under a `(kind, scope, name)` key. The scope is the owning function (or layer)
//! name, or `""` for account-wide resources.

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::functions::{decode, encode};
use crate::error::FcResult;

/// The kinds of resource kept in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A trigger; scope = function, name = trigger name.
    Trigger,
    /// An async invoke config; scope = function, name = qualifier.
    AsyncInvokeConfig,
    /// A concurrency config; scope = function, name = "".
    ConcurrencyConfig,
    /// A provision config; scope = function, name = qualifier.
    ProvisionConfig,
    /// A scaling config; scope = function, name = qualifier.
    ScalingConfig,
    /// A custom domain; scope = "", name = domain name.
    CustomDomain,
    /// A layer version; scope = layer name, name = zero-padded version number.
    LayerVersion,
    /// A layer's next version number and ACL; scope = "", name = layer name.
    Layer,
    /// A VPC binding; scope = function, name = VPC id.
    VpcBinding,
    /// An asynchronous invocation task; scope = function, name = task id.
    AsyncTask,
    /// An FC 2.0 service; scope = "", name = service name.
    Service,
    /// An FC 2.0 function; scope = service, name = function name.
    ServiceFunction,
    /// An FC 2.0 trigger; scope = `service/function`, name = trigger name.
    ServiceTrigger,
    /// A published FC 2.0 service version; scope = service, name = zero-padded version id.
    ServiceVersion,
    /// An FC 2.0 alias; scope = service, name = alias name.
    ServiceAlias,
    /// An FC 2.0 provision config; scope = `service/function`, name = qualifier.
    ServiceProvisionConfig,
    /// An FC 2.0 on-demand config; scope = `service/function`, name = qualifier.
    ServiceOnDemandConfig,
    /// The tags of an FC 2.0 service; scope = "", name = the service's ARN.
    ServiceTags,
    /// An FC 2.0 service's VPC binding; scope = service, name = VPC id.
    ServiceVpcBinding,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Trigger => "trigger",
            Self::AsyncInvokeConfig => "async-invoke-config",
            Self::ConcurrencyConfig => "concurrency-config",
            Self::ProvisionConfig => "provision-config",
            Self::ScalingConfig => "scaling-config",
            Self::CustomDomain => "custom-domain",
            Self::LayerVersion => "layer-version",
            Self::Layer => "layer",
            Self::VpcBinding => "vpc-binding",
            Self::AsyncTask => "async-task",
            Self::Service => "fc2-service",
            Self::ServiceFunction => "fc2-function",
            Self::ServiceTrigger => "fc2-trigger",
            Self::ServiceVersion => "fc2-version",
            Self::ServiceAlias => "fc2-alias",
            Self::ServiceProvisionConfig => "fc2-provision-config",
            Self::ServiceOnDemandConfig => "fc2-on-demand-config",
            Self::ServiceTags => "fc2-tags",
            Self::ServiceVpcBinding => "fc2-vpc-binding",
        }
    }

    /// The kinds that belong to a function and go away with it.
    pub const FUNCTION_CONFIGS: [Kind; 6] = [
        Kind::AsyncInvokeConfig,
        Kind::ConcurrencyConfig,
        Kind::ProvisionConfig,
        Kind::ScalingConfig,
        Kind::VpcBinding,
        Kind::AsyncTask,
    ];
}

/// One stored resource with its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<T> {
    /// Owner (function or layer name), or "".
    pub scope: String,
    /// Name within the scope.
    pub name: String,
    /// The resource.
    pub value: T,
}

/// The resource at `(kind, scope, name)`.
pub fn get<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    kind: Kind,
    scope: &str,
    name: &str,
) -> FcResult<Option<T>> {
    let doc: Option<String> = tx
        .query_row(
            "SELECT doc FROM resources WHERE kind = ?1 AND scope = ?2 AND name = ?3",
            params![kind.as_str(), scope, name],
            |row| row.get(0),
        )
        .optional()?;
    doc.map(|d| decode(&d)).transpose()
}

/// Stores a resource; with `only_new`, returns false instead of replacing an existing one.
pub fn put<T: Serialize>(
    tx: &Transaction<'_>,
    kind: Kind,
    scope: &str,
    name: &str,
    value: &T,
    only_new: bool,
) -> FcResult<bool> {
    let sql = if only_new {
        "INSERT OR IGNORE INTO resources (kind, scope, name, doc) VALUES (?1, ?2, ?3, ?4)"
    } else {
        "INSERT OR REPLACE INTO resources (kind, scope, name, doc) VALUES (?1, ?2, ?3, ?4)"
    };
    let n = tx.execute(sql, params![kind.as_str(), scope, name, encode(value)?])?;
    Ok(n > 0)
}

/// Deletes a resource; returns whether it existed.
pub fn delete(tx: &Transaction<'_>, kind: Kind, scope: &str, name: &str) -> FcResult<bool> {
    let n = tx.execute(
        "DELETE FROM resources WHERE kind = ?1 AND scope = ?2 AND name = ?3",
        params![kind.as_str(), scope, name],
    )?;
    Ok(n > 0)
}

/// Deletes every resource of `kind` in `scope`.
pub fn delete_scope(tx: &Transaction<'_>, kind: Kind, scope: &str) -> FcResult<()> {
    tx.execute(
        "DELETE FROM resources WHERE kind = ?1 AND scope = ?2",
        params![kind.as_str(), scope],
    )?;
    Ok(())
}

/// Every resource of `kind` (in `scope` when given), ordered by scope, then name.
pub fn list<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    kind: Kind,
    scope: Option<&str>,
) -> FcResult<Vec<Entry<T>>> {
    let mut stmt = tx.prepare(
        "SELECT scope, name, doc FROM resources WHERE kind = ?1 AND (?2 IS NULL OR scope = ?2) \
         ORDER BY scope, name",
    )?;
    let rows = stmt
        .query_map(params![kind.as_str(), scope], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(scope, name, doc)| {
            Ok(Entry {
                scope,
                name,
                value: decode(&doc)?,
            })
        })
        .collect()
}

/// How many resources of `kind` `scope` has.
pub fn count(tx: &Transaction<'_>, kind: Kind, scope: &str) -> FcResult<u64> {
    let n: i64 = tx.query_row(
        "SELECT COUNT(*) FROM resources WHERE kind = ?1 AND scope = ?2",
        params![kind.as_str(), scope],
        |row| row.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::with_test_tx;

    #[test]
    fn put_get_list_delete() {
        with_test_tx(|tx, _| {
            assert!(put(tx, Kind::Trigger, "f", "b", &1, true).unwrap());
            assert!(put(tx, Kind::Trigger, "f", "a", &2, true).unwrap());
            assert!(put(tx, Kind::Trigger, "g", "a", &3, true).unwrap());
            assert!(!put(tx, Kind::Trigger, "f", "a", &9, true).unwrap());
            assert_eq!(get::<i32>(tx, Kind::Trigger, "f", "a").unwrap(), Some(2));
            assert_eq!(get::<i32>(tx, Kind::Layer, "f", "a").unwrap(), None);
            let all: Vec<Entry<i32>> = list(tx, Kind::Trigger, None).unwrap();
            let keys: Vec<(&str, &str)> = all
                .iter()
                .map(|e| (e.scope.as_str(), e.name.as_str()))
                .collect();
            assert_eq!(keys, [("f", "a"), ("f", "b"), ("g", "a")]);
            assert_eq!(list::<i32>(tx, Kind::Trigger, Some("f")).unwrap().len(), 2);
            assert_eq!(count(tx, Kind::Trigger, "f").unwrap(), 2);
            assert!(delete(tx, Kind::Trigger, "f", "a").unwrap());
            assert!(!delete(tx, Kind::Trigger, "f", "a").unwrap());
            delete_scope(tx, Kind::Trigger, "g").unwrap();
            assert_eq!(count(tx, Kind::Trigger, "g").unwrap(), 0);
        });
    }
}

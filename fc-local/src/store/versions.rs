//! The `versions` table: immutable snapshots of a function, numbered from 1.

use fc_models::{Function, Version};
use rusqlite::{OptionalExtension, Transaction, params};

use super::functions::{decode, encode};
use crate::error::FcResult;

/// One published version, without its configuration snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    /// The numeric version id.
    pub id: u64,
    /// The description given when it was published.
    pub description: Option<String>,
    /// When it was published (ISO 8601).
    pub created_time: String,
}

impl VersionRow {
    /// The API shape of this version.
    pub fn to_api(&self) -> Version {
        Version {
            created_time: Some(self.created_time.clone()),
            description: self.description.clone(),
            last_modified_time: Some(self.created_time.clone()),
            version_id: Some(self.id.to_string()),
        }
    }
}

fn sql_id(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// Stores a new version.
pub fn insert(
    tx: &Transaction<'_>,
    function: &str,
    row: &VersionRow,
    snapshot: &Function,
) -> FcResult<()> {
    tx.execute(
        "INSERT INTO versions (function_name, version_id, description, created_time, doc) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            function,
            sql_id(row.id),
            row.description,
            row.created_time,
            encode(snapshot)?
        ],
    )?;
    Ok(())
}

/// Every version of `function`, oldest first.
pub fn list(tx: &Transaction<'_>, function: &str) -> FcResult<Vec<VersionRow>> {
    let mut stmt = tx.prepare(
        "SELECT version_id, description, created_time FROM versions \
         WHERE function_name = ?1 ORDER BY version_id",
    )?;
    let rows = stmt
        .query_map(params![function], |row| {
            Ok(VersionRow {
                id: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
                description: row.get(1)?,
                created_time: row.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The configuration snapshot of one version.
pub fn snapshot(tx: &Transaction<'_>, function: &str, id: u64) -> FcResult<Option<Function>> {
    let doc: Option<String> = tx
        .query_row(
            "SELECT doc FROM versions WHERE function_name = ?1 AND version_id = ?2",
            params![function, sql_id(id)],
            |row| row.get(0),
        )
        .optional()?;
    doc.map(|d| decode(&d)).transpose()
}

/// Deletes one version; returns whether it existed.
pub fn delete(tx: &Transaction<'_>, function: &str, id: u64) -> FcResult<bool> {
    let n = tx.execute(
        "DELETE FROM versions WHERE function_name = ?1 AND version_id = ?2",
        params![function, sql_id(id)],
    )?;
    Ok(n > 0)
}

/// How many versions `function` has.
pub fn count(tx: &Transaction<'_>, function: &str) -> FcResult<u64> {
    let n: i64 = tx.query_row(
        "SELECT COUNT(*) FROM versions WHERE function_name = ?1",
        params![function],
        |row| row.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

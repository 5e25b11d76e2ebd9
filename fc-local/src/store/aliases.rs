//! The `aliases` table: named pointers to versions, stored as the API's [`Alias`] JSON.

use fc_models::Alias;
use rusqlite::{OptionalExtension, Transaction, params};

use super::functions::{decode, encode};
use crate::error::FcResult;

/// A stored alias is exactly its API shape.
pub type AliasRow = Alias;

/// The alias `name` of `function`, if any.
pub fn get(tx: &Transaction<'_>, function: &str, name: &str) -> FcResult<Option<Alias>> {
    let doc: Option<String> = tx
        .query_row(
            "SELECT doc FROM aliases WHERE function_name = ?1 AND alias_name = ?2",
            params![function, name],
            |row| row.get(0),
        )
        .optional()?;
    doc.map(|d| decode(&d)).transpose()
}

/// Inserts or replaces an alias; returns false when `only_new` and it already exists.
pub fn put(
    tx: &Transaction<'_>,
    function: &str,
    name: &str,
    alias: &Alias,
    only_new: bool,
) -> FcResult<bool> {
    let sql = if only_new {
        "INSERT OR IGNORE INTO aliases (function_name, alias_name, doc) VALUES (?1, ?2, ?3)"
    } else {
        "INSERT OR REPLACE INTO aliases (function_name, alias_name, doc) VALUES (?1, ?2, ?3)"
    };
    let n = tx.execute(sql, params![function, name, encode(alias)?])?;
    Ok(n > 0)
}

/// Every alias of `function`, by name.
pub fn list(tx: &Transaction<'_>, function: &str) -> FcResult<Vec<Alias>> {
    let mut stmt =
        tx.prepare("SELECT doc FROM aliases WHERE function_name = ?1 ORDER BY alias_name")?;
    let docs = stmt
        .query_map(params![function], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    docs.iter().map(|d| decode(d)).collect()
}

/// Deletes an alias; returns whether it existed.
pub fn delete(tx: &Transaction<'_>, function: &str, name: &str) -> FcResult<bool> {
    let n = tx.execute(
        "DELETE FROM aliases WHERE function_name = ?1 AND alias_name = ?2",
        params![function, name],
    )?;
    Ok(n > 0)
}

/// The name of an alias of `function` that routes traffic to `version`, if any.
pub fn referencing(
    tx: &Transaction<'_>,
    function: &str,
    version: &str,
) -> FcResult<Option<String>> {
    Ok(list(tx, function)?.into_iter().find_map(|alias| {
        let main = alias.version_id.as_deref() == Some(version);
        let extra = alias.additional_version_weight.contains_key(version);
        (main || extra).then(|| alias.alias_name.unwrap_or_default())
    }))
}

//! The `functions` table: one row per function, holding its current (LATEST) configuration as
//! the JSON of [`fc_models::Function`] and the next version id to hand out.

use fc_models::ErrorCode;
use fc_models::Function;
use rusqlite::{OptionalExtension, Transaction, params};

use super::{aliases, versions};
use crate::error::{FcError, FcResult};

/// One stored function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionRow {
    /// The configuration as the API returns it.
    pub function: Function,
    /// The id the next published version gets.
    pub next_version: u64,
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(text: &str) -> FcResult<T> {
    serde_json::from_str(text).map_err(|e| FcError::internal(format_args!("stored JSON: {e}")))
}

pub(crate) fn encode<T: serde::Serialize>(value: &T) -> FcResult<String> {
    serde_json::to_string(value).map_err(FcError::internal)
}

/// The row of `name`, if the function exists.
pub fn get(tx: &Transaction<'_>, name: &str) -> FcResult<Option<FunctionRow>> {
    let row: Option<(String, i64)> = tx
        .query_row(
            "SELECT doc, next_version FROM functions WHERE name = ?1",
            params![name],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|(doc, next)| {
        Ok(FunctionRow {
            function: decode(&doc)?,
            next_version: u64::try_from(next).unwrap_or(1),
        })
    })
    .transpose()
}

/// The row of `name`, or `FunctionNotFound`.
pub fn require(tx: &Transaction<'_>, name: &str) -> FcResult<FunctionRow> {
    get(tx, name)?.ok_or_else(|| FcError::function_not_found(name))
}

/// Adds a new function; `FunctionAlreadyExists` when the name is taken.
pub fn insert(tx: &Transaction<'_>, name: &str, function: &Function) -> FcResult<()> {
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO functions (name, doc, next_version) VALUES (?1, ?2, 1)",
        params![name, encode(function)?],
    )?;
    if inserted == 0 {
        return Err(FcError::new(
            ErrorCode::FunctionAlreadyExists,
            format!("function '{name}' already exists"),
        ));
    }
    Ok(())
}

/// Replaces the stored configuration of an existing function.
pub fn replace(tx: &Transaction<'_>, name: &str, function: &Function) -> FcResult<()> {
    let changed = tx.execute(
        "UPDATE functions SET doc = ?2 WHERE name = ?1",
        params![name, encode(function)?],
    )?;
    if changed == 0 {
        return Err(FcError::function_not_found(name));
    }
    Ok(())
}

/// Takes the next version id of `name` and advances the counter (ids are never reused).
pub fn take_version_id(tx: &Transaction<'_>, name: &str) -> FcResult<u64> {
    let next: Option<i64> = tx
        .query_row(
            "UPDATE functions SET next_version = next_version + 1 WHERE name = ?1 \
             RETURNING next_version - 1",
            params![name],
            |row| row.get(0),
        )
        .optional()?;
    let next = next.ok_or_else(|| FcError::function_not_found(name))?;
    u64::try_from(next).map_err(FcError::internal)
}

/// Removes a function row.
pub fn delete(tx: &Transaction<'_>, name: &str) -> FcResult<()> {
    tx.execute("DELETE FROM functions WHERE name = ?1", params![name])?;
    Ok(())
}

/// Every function whose name is greater than `after` and starts with `prefix`, by name.
pub fn list(
    tx: &Transaction<'_>,
    after: Option<&str>,
    prefix: Option<&str>,
) -> FcResult<Vec<Function>> {
    let mut stmt = tx.prepare(
        "SELECT doc FROM functions \
         WHERE name > ?1 AND substr(name, 1, length(?2)) = ?2 ORDER BY name",
    )?;
    let docs = stmt
        .query_map(params![after.unwrap_or(""), prefix.unwrap_or("")], |row| {
            row.get::<_, String>(0)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    docs.iter().map(|doc| decode(doc)).collect()
}

/// The configuration of `name` at `qualifier` and the version id it resolved to.
pub fn resolve(
    tx: &Transaction<'_>,
    name: &str,
    qualifier: Option<&str>,
) -> FcResult<(Function, Option<u64>)> {
    let row = require(tx, name)?;
    let qualifier = qualifier.unwrap_or("").trim();
    if qualifier.is_empty() || qualifier == "LATEST" {
        return Ok((row.function, None));
    }
    let version = match qualifier.parse::<u64>() {
        Ok(id) => id,
        Err(_) => {
            let alias = aliases::get(tx, name, qualifier)?.ok_or_else(|| {
                FcError::new(
                    ErrorCode::AliasNotFound,
                    format!("alias '{qualifier}' of function '{name}' does not exist"),
                )
            })?;
            alias
                .version_id
                .as_deref()
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or_else(|| FcError::internal("alias without a numeric version"))?
        }
    };
    let function = versions::snapshot(tx, name, version)?.ok_or_else(|| {
        FcError::new(
            ErrorCode::VersionNotFound,
            format!("version {version} of function '{name}' does not exist"),
        )
    })?;
    Ok((function, Some(version)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::with_test_tx;

    fn function(name: &str) -> Function {
        Function {
            function_name: Some(name.to_owned()),
            ..Function::default()
        }
    }

    #[test]
    fn insert_conflict_list_and_version_counter() {
        with_test_tx(|tx, _| {
            insert(tx, "b", &function("b")).unwrap();
            insert(tx, "a", &function("a")).unwrap();
            insert(tx, "ab", &function("ab")).unwrap();
            let err = insert(tx, "a", &function("a")).unwrap_err();
            assert_eq!(err.code, ErrorCode::FunctionAlreadyExists);
            let names = |v: Vec<Function>| -> Vec<String> {
                v.into_iter().filter_map(|f| f.function_name).collect()
            };
            assert_eq!(names(list(tx, None, None).unwrap()), ["a", "ab", "b"]);
            assert_eq!(names(list(tx, Some("a"), None).unwrap()), ["ab", "b"]);
            assert_eq!(names(list(tx, None, Some("a")).unwrap()), ["a", "ab"]);
            assert_eq!(take_version_id(tx, "a").unwrap(), 1);
            assert_eq!(take_version_id(tx, "a").unwrap(), 2);
            assert_eq!(
                take_version_id(tx, "missing").unwrap_err().code,
                ErrorCode::FunctionNotFound
            );
            delete(tx, "a").unwrap();
            assert!(get(tx, "a").unwrap().is_none());
        });
    }
}

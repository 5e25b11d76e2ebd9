//! Persistent state: one SQLite database plus code packages stored by checksum.
//!
//! There is a single code path for both modes: without a data directory the database is SQLite's
//! `:memory:` and code packages live in a table of it; with `--data-dir DIR` the database is
//! `DIR/fc-local.db` and packages are files `DIR/code/<checksum>.zip`. Every operation runs in
//! one immediate transaction on the one connection, behind a mutex, on tokio's blocking pool, so
//! concurrent requests are serialised: no lost update, no duplicate version id, no torn page.

pub mod aliases;
pub mod code;
pub mod functions;
pub mod layers;
pub mod resources;
pub mod versions;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use aliases::AliasRow;
pub use code::CodeStore;
pub use functions::FunctionRow;
pub use versions::VersionRow;

use crate::error::{FcError, FcResult};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS functions (
    name TEXT PRIMARY KEY NOT NULL,
    doc TEXT NOT NULL,
    next_version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS versions (
    function_name TEXT NOT NULL,
    version_id INTEGER NOT NULL,
    description TEXT,
    created_time TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (function_name, version_id)
);
CREATE TABLE IF NOT EXISTS aliases (
    function_name TEXT NOT NULL,
    alias_name TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (function_name, alias_name)
);
CREATE TABLE IF NOT EXISTS resources (
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, scope, name)
);
CREATE TABLE IF NOT EXISTS code_blobs (
    checksum TEXT PRIMARY KEY NOT NULL,
    data BLOB NOT NULL
);
";

/// Handle to the emulator's state; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    conn: Mutex<Connection>,
    code: CodeStore,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("code", &self.inner.code)
            .finish()
    }
}

/// Errors opening the store.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The data directory or its code folder could not be created.
    #[error("cannot prepare data directory {path}: {source}")]
    Dir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// SQLite refused to open or initialise the database.
    #[error("cannot open database: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl Store {
    /// Opens the store: in memory when `data_dir` is `None`, else under that directory.
    pub fn open(data_dir: Option<&Path>) -> Result<Self, OpenError> {
        let (conn, code) = match data_dir {
            None => (Connection::open_in_memory()?, CodeStore::Database),
            Some(dir) => {
                let code_dir = dir.join("code");
                std::fs::create_dir_all(&code_dir).map_err(|source| OpenError::Dir {
                    path: code_dir.clone(),
                    source,
                })?;
                let conn = Connection::open(dir.join("fc-local.db"))?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                (conn, CodeStore::Dir(code_dir))
            }
        };
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            inner: Arc::new(Inner {
                conn: Mutex::new(conn),
                code,
            }),
        })
    }

    /// Runs `f` in one transaction on the blocking pool; commits when it returns `Ok`.
    pub async fn transact<T, F>(&self, f: F) -> FcResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>, &CodeStore) -> FcResult<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut conn = inner
                .conn
                .lock()
                .map_err(|_| FcError::internal("store mutex poisoned"))?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx, &inner.code)?;
            tx.commit()?;
            Ok(value)
        })
        .await
        .map_err(FcError::internal)?
    }

    /// The configuration of `name` at `qualifier` (`None`/`LATEST`, a version id or an alias
    /// name) and the version it resolved to (`None` for LATEST). This is what invocation needs.
    pub async fn resolve_function(
        &self,
        name: &str,
        qualifier: Option<&str>,
    ) -> FcResult<(fc_models::Function, Option<u64>)> {
        let name = name.to_owned();
        let qualifier = qualifier.map(str::to_owned);
        self.transact(move |tx, _| functions::resolve(tx, &name, qualifier.as_deref()))
            .await
    }

    /// The bytes of the code package with this CRC-64 checksum.
    pub async fn code(&self, checksum: &str) -> FcResult<Option<Vec<u8>>> {
        let checksum = checksum.to_owned();
        self.transact(move |tx, code| code.get(tx, &checksum)).await
    }
}

/// Runs `f` on a fresh in-memory schema; for unit tests of the table modules.
#[cfg(test)]
pub(crate) fn with_test_tx<T>(f: impl FnOnce(&Transaction<'_>, &CodeStore) -> T) -> T {
    let mut conn = Connection::open_in_memory().expect("in-memory sqlite");
    conn.execute_batch(SCHEMA).expect("schema");
    let tx = conn.transaction().expect("transaction");
    f(&tx, &CodeStore::Database)
}

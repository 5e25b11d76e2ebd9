//! Code packages, addressed by their CRC-64/XZ checksum (the `codeChecksum` of a function).

use std::path::PathBuf;

use rusqlite::{OptionalExtension, Transaction, params};

use crate::error::FcResult;

/// Where code packages are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeStore {
    /// In the `code_blobs` table of the database (in-memory mode).
    Database,
    /// As files `<dir>/<checksum>.zip` (data-directory mode).
    Dir(PathBuf),
}

/// The CRC-64/XZ checksum of `bytes` as a decimal string, as Function Compute reports it.
pub fn crc64(bytes: &[u8]) -> String {
    crc::Crc::<u64>::new(&crc::CRC_64_XZ)
        .checksum(bytes)
        .to_string()
}

impl CodeStore {
    /// Stores `bytes` under `checksum` (a no-op when already present).
    pub fn put(&self, tx: &Transaction<'_>, checksum: &str, bytes: &[u8]) -> FcResult<()> {
        match self {
            Self::Database => {
                tx.execute(
                    "INSERT OR IGNORE INTO code_blobs (checksum, data) VALUES (?1, ?2)",
                    params![checksum, bytes],
                )?;
            }
            Self::Dir(dir) => {
                let path = dir.join(format!("{checksum}.zip"));
                if !path.exists() {
                    let partial = dir.join(format!("{checksum}.zip.partial"));
                    std::fs::write(&partial, bytes)?;
                    std::fs::rename(&partial, &path)?;
                }
            }
        }
        Ok(())
    }

    /// The package stored under `checksum`, if any.
    pub fn get(&self, tx: &Transaction<'_>, checksum: &str) -> FcResult<Option<Vec<u8>>> {
        // Checksums are decimal numbers; anything else cannot name a file of ours.
        if checksum.is_empty() || !checksum.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        match self {
            Self::Database => Ok(tx
                .query_row(
                    "SELECT data FROM code_blobs WHERE checksum = ?1",
                    params![checksum],
                    |row| row.get(0),
                )
                .optional()?),
            Self::Dir(dir) => match std::fs::read(dir.join(format!("{checksum}.zip"))) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(err.into()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_check_value() {
        assert_eq!(crc64(b"123456789"), "11051210869376104954");
        assert_eq!(crc64(b""), "0");
    }

    #[test]
    fn database_store_round_trip() {
        crate::store::with_test_tx(|tx, code| {
            code.put(tx, "42", b"zip").unwrap();
            code.put(tx, "42", b"zip").unwrap();
            assert_eq!(code.get(tx, "42").unwrap(), Some(b"zip".to_vec()));
            assert_eq!(code.get(tx, "43").unwrap(), None);
            assert_eq!(code.get(tx, "../etc").unwrap(), None);
        });
    }
}

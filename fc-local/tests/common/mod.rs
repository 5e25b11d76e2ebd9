//! Helpers shared by the executor tests: a scratch work directory, code zips, executors.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use fc_client::code::{ZipEntry, zip_entries};
use fc_local::executor::{Executor, ExecutorConfig, FunctionCredentials};

static NEXT_DIR: AtomicUsize = AtomicUsize::new(0);

/// A directory removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(label: &str) -> Scratch {
        let number = NEXT_DIR.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "fc-local-exec-{label}-{}-{number}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An executor working in a fresh scratch directory, with test credentials.
pub fn executor(label: &str, max_instances: usize) -> (Executor, Scratch) {
    let scratch = Scratch::new(label);
    let mut config = ExecutorConfig::new(scratch.path().join("work"));
    config.max_instances_per_function = max_instances;
    config.region = "cn-shanghai".to_owned();
    config.account_id = "188000000000".to_owned();
    config.credentials = Some(FunctionCredentials {
        access_key_id: "STS.test-id".to_owned(),
        access_key_secret: "test-secret".to_owned(),
        security_token: Some("test-token".to_owned()),
    });
    let executor = Executor::new(config).expect("executor");
    (executor, scratch)
}

/// A zip of `(path, content, mode)` files.
pub fn zip(files: &[(&str, &str, u32)]) -> Vec<u8> {
    zip_entries(
        files
            .iter()
            .map(|(path, content, mode)| ZipEntry::file(*path, content.as_bytes().to_vec(), *mode)),
    )
    .expect("zip")
}

/// The body as JSON.
pub fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

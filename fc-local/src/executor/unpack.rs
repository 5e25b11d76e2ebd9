//! Unpacking a function's code (and fc-local's bootstrap for its runtime) into the work
//! directory: `<work_dir>/<function>/<version>-<checksum>[-<layers>]/{code,runtime,opt}`, `opt`
//! holding the function's layers (`super::layers`).

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use fc_client::code::{UnpackError, ZipArchive};

use super::error::ExecError;
use super::spec::{FunctionSpec, RuntimeKind};

/// fc-local's Python bootstrap (see `shims/python_bootstrap.py`).
const PYTHON_BOOTSTRAP: &str = include_str!("shims/python_bootstrap.py");
/// fc-local's Node.js bootstrap (see `shims/node_bootstrap.js`).
const NODE_BOOTSTRAP: &str = include_str!("shims/node_bootstrap.js");

/// Where a function version's files are.
#[derive(Clone, Debug)]
pub(crate) struct PreparedCode {
    /// The directory this preparation owns (unpacked code, bootstrap, `/opt`), one per pool:
    /// removed when the pool is gone, so superseded code does not pile up.
    pub(crate) root: PathBuf,
    /// The unpacked code: instances' working directory and `FC_FUNC_CODE_PATH`.
    pub(crate) code_dir: PathBuf,
    /// fc-local's bootstrap script for Python and Node.js runtimes.
    pub(crate) bootstrap: Option<PathBuf>,
    /// The function's layers merged, where the service mounts `/opt`; `None` without layers.
    pub(crate) opt_dir: Option<PathBuf>,
}

impl PreparedCode {
    /// `/code...` and (with layers) `/opt...`, where the service mounts the code and the
    /// layers, mapped to their local directories; other words unchanged.
    pub(crate) fn map_path(&self, word: &str) -> OsString {
        let mounts = [
            ("/code", Some(&self.code_dir)),
            ("/opt", self.opt_dir.as_ref()),
        ];
        for (mount, dir) in mounts {
            let Some(dir) = dir else { continue };
            if word == mount || word.strip_prefix(mount) == Some("/") {
                return dir.as_os_str().to_owned();
            }
            if let Some(rest) = word.strip_prefix(mount).and_then(|r| r.strip_prefix('/')) {
                return dir.join(rest).into_os_string();
            }
        }
        OsString::from(word)
    }
}

/// Unpacks the code and writes the bootstrap, replacing whatever an earlier run left there.
/// Blocking: run it off the async threads.
pub(crate) fn prepare(
    work_dir: &Path,
    spec: &FunctionSpec,
    kind: RuntimeKind,
    max_code_size: u64,
) -> Result<PreparedCode, ExecError> {
    let mut version_dir = format!(
        "{}-{}",
        path_segment(&spec.version),
        path_segment(&spec.code_checksum)
    );
    if !spec.layers.is_empty() {
        // Other layers are other files: they get a directory of their own.
        let mut hasher = std::hash::DefaultHasher::new();
        for layer in &spec.layers {
            std::hash::Hash::hash(&layer.checksum, &mut hasher);
        }
        version_dir.push_str(&format!("-{:016x}", std::hash::Hasher::finish(&hasher)));
    }
    // One directory per preparation: a pool that replaces another with the same code (other
    // settings) never shares, or deletes, the directory the old pool's instances still run in.
    let preparation = NEXT_PREPARATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    version_dir.push_str(&format!("-p{preparation}"));
    let root = work_dir.join(path_segment(&spec.name)).join(version_dir);
    if root.exists() {
        fs::remove_dir_all(&root).map_err(io(&root))?;
    }
    let code_dir = match &spec.code_dir {
        Some(live) => live.clone(),
        None => {
            let code_dir = root.join("code");
            extract(&spec.code_zip, max_code_size, &spec.name, &code_dir)?;
            code_dir
        }
    };
    let code_dir = code_dir.canonicalize().map_err(io(&code_dir))?;
    let bootstrap = match kind {
        RuntimeKind::Python => Some(("bootstrap.py", PYTHON_BOOTSTRAP)),
        RuntimeKind::Node => Some(("bootstrap.js", NODE_BOOTSTRAP)),
        RuntimeKind::Custom => None,
    };
    let bootstrap = match bootstrap {
        Some((file, text)) => {
            let dir = root.join("runtime");
            fs::create_dir_all(&dir).map_err(io(&dir))?;
            let path = dir.join(file);
            fs::write(&path, text).map_err(io(&path))?;
            Some(path.canonicalize().map_err(io(&path))?)
        }
        None => None,
    };
    let opt_dir = if spec.layers.is_empty() {
        None
    } else {
        let opt = root.join("opt");
        super::layers::merge_into(work_dir, spec, &opt, max_code_size)?;
        Some(opt.canonicalize().map_err(io(&opt))?)
    };
    Ok(PreparedCode {
        root,
        code_dir,
        bootstrap,
        opt_dir,
    })
}

/// Numbers the preparations of one process (see [`prepare`]).
static NEXT_PREPARATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Maps an I/O error on `path` to [`ExecError::Io`].
pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExecError + use<> {
    let path = path.to_path_buf();
    move |source| ExecError::Io { path, source }
}

/// Unpacks the ZIP `zip` (at most `max_size` bytes uncompressed, as its entries declare and as
/// inflated) into `dir`, each file streamed to disk; `owner` names the function (or layer) in
/// the errors.
pub(crate) fn extract(zip: &[u8], max_size: u64, owner: &str, dir: &Path) -> Result<(), ExecError> {
    ZipArchive::unpack(zip, max_size, dir).map_err(|error| match error {
        UnpackError::Read(source) => ExecError::CodeRead {
            function: owner.to_owned(),
            source,
        },
        UnpackError::Write(source) => ExecError::CodeExtract {
            function: owner.to_owned(),
            dir: dir.to_path_buf(),
            source,
        },
    })
}

/// What changes when a file below `dir` changes: every path with its size and modification
/// time, hashed (at most `MAX_FINGERPRINT_ENTRIES` entries are looked at). Blocking.
pub fn directory_fingerprint(dir: &Path) -> std::io::Result<String> {
    use std::hash::{Hash, Hasher};
    const MAX_FINGERPRINT_ENTRIES: usize = 100_000;
    let mut hasher = std::hash::DefaultHasher::new();
    let mut pending = vec![dir.to_path_buf()];
    let mut seen = 0;
    while let Some(current) = pending.pop() {
        let mut entries: Vec<_> = fs::read_dir(&current)?.filter_map(Result::ok).collect();
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            seen += 1;
            if seen > MAX_FINGERPRINT_ENTRIES {
                return Ok(format!("{:016x}", hasher.finish()));
            }
            let meta = entry.metadata()?;
            entry.path().hash(&mut hasher);
            meta.len().hash(&mut hasher);
            meta.modified().ok().hash(&mut hasher);
            if meta.is_dir() {
                pending.push(entry.path());
            }
        }
    }
    Ok(format!("{:016x}", hasher.finish()))
}

/// A name made safe as one path component (function names are `[A-Za-z0-9_-]` anyway).
pub(crate) fn path_segment(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    match safe.as_str() {
        "" | "." | ".." => format!("_{safe}"),
        _ => safe,
    }
}

#[cfg(test)]
mod tests {
    use super::path_segment;

    #[test]
    fn segments_stay_inside() {
        assert_eq!(path_segment("hello-fn_1"), "hello-fn_1");
        assert_eq!(path_segment("../x"), ".._x");
        assert_eq!(path_segment(".."), "_..");
        assert_eq!(path_segment(""), "_");
    }
}

//! A function's layers as its instances see them: each layer version unpacked once, under
//! `<work_dir>/layers/<checksum>`, and merged in the function's layer order into the
//! function's own `/opt` equivalent, the first layer winning where two have the same file.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::ExecError;
use super::spec::{FunctionSpec, LayerCode};
use super::unpack::{extract, io, path_segment};

/// Numbers the scratch directories layers are unpacked into before they take their place.
static NEXT_SCRATCH: AtomicU64 = AtomicU64::new(1);

/// Builds `opt` from the layers of `spec` (nothing when it has none). Blocking.
pub(crate) fn merge_into(
    work_dir: &Path,
    spec: &FunctionSpec,
    opt: &Path,
    max_code_size: u64,
) -> Result<(), ExecError> {
    fs::create_dir_all(opt).map_err(io(opt))?;
    for layer in &spec.layers {
        let unpacked = unpacked(work_dir, spec, layer, max_code_size)?;
        merge(&unpacked, opt)?;
    }
    Ok(())
}

/// The directory holding `layer`'s files, unpacking it on first use.
fn unpacked(
    work_dir: &Path,
    spec: &FunctionSpec,
    layer: &LayerCode,
    max_code_size: u64,
) -> Result<PathBuf, ExecError> {
    let layers = work_dir.join("layers");
    let dir = layers.join(path_segment(&layer.checksum));
    if dir.is_dir() {
        return Ok(dir);
    }
    fs::create_dir_all(&layers).map_err(io(&layers))?;
    let scratch = layers.join(format!(
        ".unpacking-{}",
        NEXT_SCRATCH.fetch_add(1, Ordering::Relaxed)
    ));
    let owner = format!("{} (layer {})", spec.name, layer.arn);
    extract(&layer.zip, max_code_size, &owner, &scratch)?;
    // Another function may have unpacked the same layer meanwhile: either copy will do.
    if fs::rename(&scratch, &dir).is_err() {
        let _ = fs::remove_dir_all(&scratch);
        if !dir.is_dir() {
            return Err(ExecError::Io {
                path: dir,
                source: std::io::Error::other("the unpacked layer could not be put in place"),
            });
        }
    }
    Ok(dir)
}

/// Adds the files of `from` to `into` where `into` has no file of that path yet (hard links
/// where possible, else copies). Symbolic links are not followed.
fn merge(from: &Path, into: &Path) -> Result<(), ExecError> {
    for entry in fs::read_dir(from).map_err(io(from))? {
        let entry = entry.map_err(io(from))?;
        let source = entry.path();
        let target = into.join(entry.file_name());
        let kind = entry.file_type().map_err(io(&source))?;
        if kind.is_dir() {
            fs::create_dir_all(&target).map_err(io(&target))?;
            merge(&source, &target)?;
        } else if kind.is_file()
            && fs::symlink_metadata(&target).is_err()
            && fs::hard_link(&source, &target).is_err()
        {
            fs::copy(&source, &target).map_err(io(&target))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fc_client::code::{CodePackage, ZipEntry};

    fn layer(arn: &str, files: &[(&str, &str)]) -> LayerCode {
        let package = CodePackage::from_entries(
            files
                .iter()
                .map(|(path, text)| ZipEntry::file(*path, text.as_bytes().to_vec(), 0o644)),
        )
        .unwrap();
        let zip = bytes::Bytes::from(package.into_zip_bytes());
        LayerCode {
            arn: arn.to_owned(),
            checksum: fc_client::code::checksum_string(&zip),
            zip,
        }
    }

    #[test]
    fn the_first_layer_wins_and_both_contribute() {
        let work = std::env::temp_dir().join(format!("fc-local-layers-{}", std::process::id()));
        let _ = fs::remove_dir_all(&work);
        let mut spec = FunctionSpec::new("f", "python3.10", "index.handler", Vec::new());
        spec.layers = vec![
            layer("a", &[("python/shared.py", "first"), ("python/a.py", "a")]),
            layer("b", &[("python/shared.py", "second"), ("bin/tool", "b")]),
        ];
        let opt = work.join("f/opt");
        merge_into(&work, &spec, &opt, 1 << 20).unwrap();
        let read = |path: &str| fs::read_to_string(opt.join(path)).unwrap();
        assert_eq!(read("python/shared.py"), "first");
        assert_eq!(read("python/a.py"), "a");
        assert_eq!(read("bin/tool"), "b");
        // Each layer version is unpacked once, shared by the functions that use it.
        assert_eq!(fs::read_dir(work.join("layers")).unwrap().count(), 2);
        fs::remove_dir_all(&work).unwrap();
    }
}

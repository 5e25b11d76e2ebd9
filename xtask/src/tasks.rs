//! The READMEs' "Common tasks", run as CI runs them: every program that `fc-client/README.md`
//! shows behind an `<!-- example: PATH -->` marker, in README order, against one `fc-local`
//! process. The fc-client programs call `Client::from_env()`, pointed at the emulator by
//! `ALIBABA_CLOUD_FC_ENDPOINT` and its keys; the fc-local one embeds its own emulator.
//! (`fc-client/tests/readme_examples.rs` checks that each block is its file.)

use std::path::Path;
use std::process::Command;

use crate::peer::{self, ACCESS_KEY_ID, ACCESS_KEY_SECRET};
use crate::workspace_root;

pub(crate) fn run() -> Result<(), String> {
    let root = workspace_root();
    let readme = root.join("fc-client/README.md");
    let text = std::fs::read_to_string(&readme)
        .map_err(|e| format!("cannot read {}: {e}", readme.display()))?;
    let programs: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("<!-- example: ")?.strip_suffix(" -->"))
        .collect();
    if programs.is_empty() {
        return Err("fc-client/README.md marks no example".to_owned());
    }

    crate::build_binaries()?;
    let debug = crate::target_dir().join("debug");
    let server = peer::signing_server(&debug.join("fc-local"))?;
    for program in programs {
        let name = Path::new(program)
            .file_stem()
            .and_then(|stem| stem.to_str())
            .ok_or_else(|| format!("{program} is not a file name"))?;
        println!("==> {program}");
        peer::run_command(
            Command::new(debug.join("examples").join(name))
                .current_dir(&root)
                .env("ALIBABA_CLOUD_FC_ENDPOINT", &server.endpoint)
                .env("ALIBABA_CLOUD_ACCESS_KEY_ID", ACCESS_KEY_ID)
                .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET)
                .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN"),
        )?;
    }
    Ok(())
}

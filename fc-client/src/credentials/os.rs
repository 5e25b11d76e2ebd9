//! The environment and home directory as providers see them.
//!
//! Providers never call `std::env` themselves: they read variables and the home directory
//! through an [`Env`], which is either the real process environment or a fixed map. Tests use a
//! map, so they never mutate the process environment (which is `unsafe` since edition 2024 and
//! racy when tests run in parallel).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where providers read environment variables and the home directory from.
///
/// Cheap to clone. An empty variable counts as unset, as in the official libraries.
///
/// ```
/// use fc_client::credentials::Env;
///
/// let env = Env::from_map([("ALIBABA_CLOUD_PROFILE", "work"), ("EMPTY", "")])
///     .with_home("/home/someone");
/// assert_eq!(env.var("ALIBABA_CLOUD_PROFILE").as_deref(), Some("work"));
/// assert_eq!(env.var("EMPTY"), None);
/// assert_eq!(env.home_dir().unwrap(), std::path::Path::new("/home/someone"));
/// ```
#[derive(Clone)]
pub struct Env {
    vars: Arc<Vars>,
    home: Option<PathBuf>,
}

enum Vars {
    Process,
    Map(HashMap<String, String>),
}

impl Env {
    /// The real process environment; the home directory comes from `HOME` (or `USERPROFILE`).
    pub fn from_process() -> Self {
        Env {
            vars: Arc::new(Vars::Process),
            home: None,
        }
    }

    /// A fixed set of variables; the process environment is never consulted. The home
    /// directory comes from a `HOME` entry, if any, unless [`with_home`](Env::with_home) is used.
    pub fn from_map<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let map = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Env {
            vars: Arc::new(Vars::Map(map)),
            home: None,
        }
    }

    /// Uses `home` as the home directory, whatever the variables say.
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// The value of `name`, or `None` when it is unset, empty or not valid UTF-8.
    pub fn var(&self, name: &str) -> Option<String> {
        let value = match &*self.vars {
            Vars::Process => std::env::var(name).ok(),
            Vars::Map(map) => map.get(name).cloned(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// True when `name` is set to `true` (any case).
    pub fn flag(&self, name: &str) -> bool {
        self.var(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// The home directory: the override, else `HOME`, else `USERPROFILE`.
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.home.clone().or_else(|| {
            self.var("HOME")
                .or_else(|| self.var("USERPROFILE"))
                .map(PathBuf::from)
        })
    }

    /// `relative` under the home directory, if there is one.
    pub(crate) fn in_home(&self, relative: &str) -> Option<PathBuf> {
        self.home_dir().map(|home| home.join(relative))
    }
}

impl Default for Env {
    fn default() -> Self {
        Env::from_process()
    }
}

/// Shows where values come from, never the values (they may be secrets).
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &*self.vars {
            Vars::Process => "process".to_owned(),
            Vars::Map(map) => format!("map of {} variables", map.len()),
        };
        f.debug_struct("Env")
            .field("vars", &source)
            .field("home", &self.home)
            .finish()
    }
}

/// What reading a small configuration file gave.
pub(crate) enum FileRead {
    Text(String),
    Missing,
}

/// Reads a small configuration file. Absence is an answer, not an error; any other failure is
/// returned as a message naming the file.
///
/// These files are a few hundred bytes, so a blocking read is cheaper than a thread hop.
pub(crate) fn read_config_file(path: &Path) -> Result<FileRead, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(FileRead::Text(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(FileRead::Missing),
        Err(err) => Err(format!("cannot read {}: {err}", path.display())),
    }
}

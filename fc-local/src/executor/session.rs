//! Instances bound to a session: what an invocation names to reach its session's instance, and
//! the process-group signals that pause and resume it.

use std::path::PathBuf;
use std::sync::Arc;

/// The session an invocation belongs to, as the executor sees it: a key unique to the session
/// and the directory its instance gets as `TMPDIR` (the session's own writable files, what a
/// snapshot keeps).
///
/// Invocations with the same key run on one instance, started for the key and bound to it
/// until [`Executor::end_session`](super::Executor::end_session); invocations without a session
/// never run on a bound instance.
///
/// ```
/// use fc_local::executor::{Invocation, SessionRef};
///
/// let session = SessionRef::new("s-1", "/tmp/fc-local-sessions/s-1");
/// let call = Invocation::new("req-1", "{}").with_session(session.clone());
/// assert_eq!(call.session, Some(session));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRef {
    /// Names the session's instance among those of the executor.
    pub key: Arc<str>,
    /// The instance's `TMPDIR` (also `TMP` and `TEMP`); it must exist.
    pub tmp_dir: PathBuf,
}

impl SessionRef {
    /// A session `key` whose instance writes its temporary files under `tmp_dir`.
    pub fn new(key: impl Into<Arc<str>>, tmp_dir: impl Into<PathBuf>) -> Self {
        SessionRef {
            key: key.into(),
            tmp_dir: tmp_dir.into(),
        }
    }
}

/// What [`Executor::pause_session`](super::Executor::pause_session) and
/// [`resume_session`](super::Executor::resume_session) send to an instance's process group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    /// `SIGSTOP`: every process of the instance stops where it is, memory kept.
    Stop,
    /// `SIGCONT`: they go on.
    Continue,
    /// `SIGKILL`.
    Kill,
}

impl Signal {
    fn name(self) -> &'static str {
        match self {
            Signal::Stop => "STOP",
            Signal::Continue => "CONT",
            Signal::Kill => "KILL",
        }
    }
}

/// Sends `signal` to the process group `pgid` (every instance is made a group leader, so a
/// shell `bootstrap`'s children and the watchdog get it too).
#[cfg(unix)]
pub(crate) fn signal_group(pgid: u32, signal: Signal) {
    let group = format!("-{pgid}");
    let result = std::process::Command::new("kill")
        .args(["-s", signal.name(), "--", &group])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    if let Err(error) = result {
        tracing::debug!(%error, signal = signal.name(), "cannot run kill for the process group");
    }
}

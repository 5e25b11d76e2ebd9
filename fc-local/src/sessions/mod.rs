//! Sessions of functions with session affinity, and the snapshots taken of them.
//!
//! A session is bound to one instance of its function (at one qualifier): fc-local starts an
//! instance for each session (as the service's session isolation does) with the session's own
//! directory as `TMPDIR`, runs every invocation of the session there and no other, and stops
//! it when the session ends. A session is `Active` until its TTL (counted from creation) or
//! its idle timeout (counted from its last invocation) runs out, or its instance exits; it is
//! then `Expired`, listed but no longer usable. Pausing stops the instance's processes
//! (`SIGSTOP`; with `fileSystemOnly` the instance is stopped for good and only its files are
//! kept), resuming continues them. A snapshot is a copy of a session's directory; a session
//! created from it starts with that copy.
//!
//! Sessions and snapshots live in memory, as the instances they stand for do: they end with
//! the server. `fc-local/README.md` ("Sessions and snapshots") lists every rule with its source.

pub mod affinity;
pub mod files;
mod record;
pub(crate) mod route;
pub mod snapshots;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use fc_client::timestamp::format_iso8601;
use fc_models::{CreateSessionInput, ErrorCode, Session, SessionStatus, UpdateSessionInput};

use crate::error::{FcError, FcResult};
use crate::executor::{Executor, FunctionSpec, SessionRef};
use affinity::Affinity;
use record::{Phase, Record};
use snapshots::Snapshot;

/// Most sessions that may be live (active or paused) at once, each with an instance of its
/// own (our choice: a bound on the processes a caller can make fc-local start).
pub const MAX_LIVE_SESSIONS: usize = 64;
/// Most expired sessions kept for ListSessions; the oldest go first (our choice).
pub const MAX_EXPIRED_SESSIONS: usize = 1_000;

/// Every session and snapshot of a server. Cheap to share (`Arc`).
#[derive(Debug)]
pub struct Sessions {
    root: PathBuf,
    executor: Executor,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// In creation order.
    sessions: Vec<Record>,
    snapshots: Vec<Snapshot>,
    next: u64,
}

/// A live session an invocation can run in.
#[derive(Debug, Clone)]
pub(crate) struct Live {
    /// Its instance's key and directory.
    pub(crate) session: SessionRef,
    /// The function version it runs.
    pub(crate) version: String,
    /// Paused (`Some(files_only)`) or not.
    pub(crate) paused: Option<bool>,
    /// `enableAutoResume`.
    pub(crate) auto_resume: bool,
}

/// What a session id names for an invocation.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// A live session.
    Live(Live),
    /// No live session; a new one may take the id.
    Free,
    /// Only expired sessions with `disableSessionIdReuse`: the id may not be used again.
    Spent,
}

/// What a new session is made of.
#[derive(Debug)]
pub(crate) struct NewSession<'a> {
    pub(crate) function: &'a str,
    pub(crate) qualifier: &'a str,
    /// What the qualifier resolved to: the instance runs it.
    pub(crate) spec: &'a FunctionSpec,
    pub(crate) affinity: &'a Affinity,
    pub(crate) input: CreateSessionInput,
    /// The id, given or generated.
    pub(crate) id: String,
    pub(crate) request_id: &'a str,
}

impl Sessions {
    /// Sessions whose directories go under `root` (created private if missing), run by
    /// `executor`.
    pub fn new(root: PathBuf, executor: Executor) -> Self {
        Sessions {
            root,
            executor,
            state: Mutex::new(State::default()),
        }
    }

    /// Ends the sessions whose time is up (and those whose instance exited), pauses those
    /// due to pause automatically. Every operation calls it first; a background task of the
    /// server calls it every second.
    pub fn sweep(&self) {
        let mut state = lock(&self.state);
        self.sweep_locked(&mut state);
    }

    fn sweep_locked(&self, state: &mut State) {
        let now = Instant::now();
        for record in state.sessions.iter_mut() {
            if !record.is_live() {
                continue;
            }
            let gone = record.phase != (Phase::Paused { files_only: true })
                && self
                    .executor
                    .session_instance(record.function(), &record.key)
                    .is_none();
            let due = if gone {
                Some(Phase::Expired)
            } else {
                record.due(now)
            };
            match due {
                Some(Phase::Expired) => self.expire(record),
                Some(paused @ Phase::Paused { .. }) => {
                    self.executor.pause_session(record.function(), &record.key);
                    record.set_phase(paused);
                }
                _ => {}
            }
        }
        let expired = state
            .sessions
            .iter()
            .filter(|record| record.phase == Phase::Expired)
            .count();
        let mut excess = expired.saturating_sub(MAX_EXPIRED_SESSIONS);
        state.sessions.retain(|record| {
            let drop = excess > 0 && record.phase == Phase::Expired;
            excess -= usize::from(drop);
            !drop
        });
    }

    /// Ends a live session: its instance stops and its files go.
    fn expire(&self, record: &mut Record) {
        self.executor.end_session(record.function(), &record.key);
        files::remove_tree(&self.root.join(&*record.key));
        record.set_phase(Phase::Expired);
    }

    /// Creates a session: checks the input against the function's affinity, copies the
    /// snapshot's files if it names one, starts the session's instance (running the
    /// initializer) and answers the new session, `Active`.
    ///
    /// Errors: 409 `SessionAlreadyExists` for a live session of the id; 412
    /// `PreconditionFailed` for the id of an expired session of a function with
    /// `disableSessionIdReuse`; 404 `SnapshotNotFound`; 429 `ResourceExhausted` past
    /// [`MAX_LIVE_SESSIONS`]; 400 for a bad TTL or idle timeout; 412 `CAExited` if the instance
    /// cannot start or its initializer fails.
    pub(crate) async fn create(&self, new: NewSession<'_>) -> FcResult<Session> {
        let NewSession {
            function,
            qualifier,
            spec,
            affinity,
            input,
            id,
            request_id,
        } = new;
        let ttl = input
            .session_ttl_in_seconds
            .map_or(Ok(affinity.ttl_seconds), |n| {
                seconds("sessionTTLInSeconds", n)
            })?;
        let idle = input
            .session_idle_timeout_in_seconds
            .map_or(Ok(affinity.idle_seconds.min(ttl)), |n| {
                seconds("sessionIdleTimeoutInSeconds", n)
            })?;
        affinity::check_lifetimes(ttl, idle)?;
        let disable_reuse = input
            .disable_session_id_reuse
            .unwrap_or(affinity.disable_reuse);
        let record = {
            let mut state = lock(&self.state);
            self.sweep_locked(&mut state);
            let same: Vec<&Record> = state
                .sessions
                .iter()
                .filter(|record| record.is(function, qualifier, &id))
                .collect();
            if same.iter().any(|record| record.phase != Phase::Expired) {
                return Err(FcError::new(
                    ErrorCode::SessionAlreadyExists,
                    format!("function '{function}' already has an active session '{id}'"),
                ));
            }
            if same
                .iter()
                .any(|record| record.shape.disable_session_id_reuse == Some(true))
            {
                return Err(spent(&id));
            }
            let live = state
                .sessions
                .iter()
                .filter(|r| r.phase != Phase::Expired)
                .count();
            if live >= MAX_LIVE_SESSIONS {
                return Err(FcError::new(
                    ErrorCode::ResourceExhausted,
                    format!(
                        "fc-local keeps at most {MAX_LIVE_SESSIONS} live sessions, each with an \
                         instance of its own; delete some first"
                    ),
                ));
            }
            if let Some(snapshot) = &input.snapshot_id {
                snapshots::find(&state.snapshots, function, snapshot)?;
            }
            state.next += 1;
            let key: Arc<str> = format!("s{:06}", state.next).into();
            let created = now();
            let shape = Session {
                session_id: Some(id.clone()),
                function_name: Some(function.to_owned()),
                qualifier: Some(qualifier.to_owned()),
                session_affinity_type: Some(affinity.kind.as_str().to_owned()),
                session_ttl_in_seconds: i64::try_from(ttl).ok(),
                session_idle_timeout_in_seconds: i64::try_from(idle).ok(),
                session_status: Some(SessionStatus::Active),
                created_time: Some(created.clone()),
                last_modified_time: Some(created),
                disable_session_id_reuse: Some(disable_reuse),
                enable_auto_pause: Some(input.enable_auto_pause.unwrap_or(false)),
                enable_auto_resume: Some(input.enable_auto_resume.unwrap_or(false)),
                allow_internet_access: input.allow_internet_access,
                nas_config: convert(&input.nas_config),
                oss_mount_config: convert(&input.oss_mount_config),
                polar_fs_config: input.polar_fs_config.clone(),
                juice_fs_config: input.juice_fs_config.clone(),
                network: input.network.clone(),
                ..Session::default()
            };
            let started = Instant::now();
            let record = Record {
                shape,
                key,
                version: spec.version.clone(),
                phase: Phase::Starting,
                created: started,
                last_active: started,
                ttl: Duration::from_secs(ttl),
                idle: (idle > 0).then(|| Duration::from_secs(idle)),
                snapshot: input.snapshot_id.clone(),
            };
            let reference = record.reference(&self.root);
            state.sessions.push(record);
            reference
        };
        match self
            .start(spec, &record, input.snapshot_id.as_deref(), request_id)
            .await
        {
            Ok(container) => {
                let mut state = lock(&self.state);
                let found = state.sessions.iter_mut().find(|r| r.key == record.key);
                let Some(found) = found else {
                    self.executor.end_session(function, &record.key);
                    return Err(FcError::new(
                        ErrorCode::SessionNotFound,
                        format!("session '{id}' was deleted while it started"),
                    ));
                };
                found.shape.container_id = Some(container);
                found.created = Instant::now();
                found.last_active = found.created;
                found.set_phase(Phase::Active);
                Ok(found.shape.clone())
            }
            Err(error) => {
                lock(&self.state).sessions.retain(|r| r.key != record.key);
                self.executor.end_session(function, &record.key);
                files::remove_tree(&record.tmp_dir);
                Err(error)
            }
        }
    }

    /// Makes the session's directory (from the snapshot, if any) and starts its instance; the
    /// instance id.
    async fn start(
        &self,
        spec: &FunctionSpec,
        session: &SessionRef,
        snapshot: Option<&str>,
        request_id: &str,
    ) -> FcResult<String> {
        let dir = session.tmp_dir.clone();
        let source = snapshot.map(|id| self.root.join(snapshots::dir_name(id)));
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(dir.parent().unwrap_or(&dir))?;
            match std::fs::create_dir(&dir) {
                Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(error);
                }
                _ => {}
            }
            if let Some(source) = source {
                files::copy_tree(&source, &dir, files::MAX_SNAPSHOT_BYTES)?;
            }
            Ok(())
        })
        .await
        .map_err(FcError::internal)?
        .map_err(|error| {
            FcError::internal(format!("cannot prepare the session directory: {error}"))
        })?;
        match self
            .executor
            .open_session(spec, session.clone(), request_id)
            .await?
        {
            Ok(container) => Ok(container),
            Err(outcome) => Err(FcError::new(
                ErrorCode::CAExited,
                format!(
                    "the session's instance could not be initialized: {}",
                    crate::executor::log_tail(&String::from_utf8_lossy(&outcome.body))
                ),
            )),
        }
    }

    /// What `id` names for an invocation of `function` at `qualifier`.
    pub(crate) fn lookup(&self, function: &str, qualifier: &str, id: &str) -> Lookup {
        let mut state = lock(&self.state);
        self.sweep_locked(&mut state);
        let mut spent = false;
        for record in state
            .sessions
            .iter()
            .filter(|r| r.is(function, qualifier, id))
        {
            match record.phase {
                Phase::Starting => {}
                Phase::Expired => spent |= record.shape.disable_session_id_reuse == Some(true),
                Phase::Active | Phase::Paused { .. } => {
                    return Lookup::Live(Live {
                        session: record.reference(&self.root),
                        version: record.version.clone(),
                        paused: match record.phase {
                            Phase::Paused { files_only } => Some(files_only),
                            _ => None,
                        },
                        auto_resume: record.shape.enable_auto_resume == Some(true),
                    });
                }
            }
        }
        if spent { Lookup::Spent } else { Lookup::Free }
    }

    /// Counts an invocation of the session as activity (its idle timer starts again).
    pub(crate) fn touch(&self, key: &str) {
        if let Some(record) = lock(&self.state)
            .sessions
            .iter_mut()
            .find(|r| &*r.key == key)
        {
            record.last_active = Instant::now();
        }
    }

    /// GetSession: a live (active or paused) session; 404 `SessionNotFound` otherwise.
    pub(crate) fn get(&self, function: &str, qualifier: &str, id: &str) -> FcResult<Session> {
        self.with_live(function, qualifier, id, |record| Ok(record.shape.clone()))
    }

    /// UpdateSession: new TTL, idle timeout, flags and settings of a live session; its instance
    /// stays. The TTL still counts from creation.
    pub(crate) fn update(
        &self,
        function: &str,
        qualifier: &str,
        id: &str,
        input: UpdateSessionInput,
    ) -> FcResult<Session> {
        self.with_live(function, qualifier, id, |record| {
            let ttl = input
                .session_ttl_in_seconds
                .or(record.shape.session_ttl_in_seconds)
                .unwrap_or_default();
            let idle = input
                .session_idle_timeout_in_seconds
                .or(record.shape.session_idle_timeout_in_seconds)
                .unwrap_or_default();
            let ttl_u = seconds("sessionTTLInSeconds", ttl)?;
            let idle_u = seconds("sessionIdleTimeoutInSeconds", idle)?;
            affinity::check_lifetimes(ttl_u, idle_u)?;
            record.ttl = Duration::from_secs(ttl_u);
            record.idle = (idle_u > 0).then(|| Duration::from_secs(idle_u));
            let shape = &mut record.shape;
            shape.session_ttl_in_seconds = Some(ttl);
            shape.session_idle_timeout_in_seconds = Some(idle);
            let keep = |new: Option<bool>, old: &mut Option<bool>| {
                if new.is_some() {
                    *old = new;
                }
            };
            keep(
                input.disable_session_id_reuse,
                &mut shape.disable_session_id_reuse,
            );
            keep(input.enable_auto_pause, &mut shape.enable_auto_pause);
            keep(input.enable_auto_resume, &mut shape.enable_auto_resume);
            keep(
                input.allow_internet_access,
                &mut shape.allow_internet_access,
            );
            if input.nas_config.is_some() {
                shape.nas_config = convert(&input.nas_config);
            }
            if input.oss_mount_config.is_some() {
                shape.oss_mount_config = convert(&input.oss_mount_config);
            }
            if input.polar_fs_config.is_some() {
                shape.polar_fs_config = input.polar_fs_config.clone();
            }
            if input.juice_fs_config.is_some() {
                shape.juice_fs_config = input.juice_fs_config.clone();
            }
            if let Some(network) = &input.network {
                let current = shape.network.get_or_insert_with(Default::default);
                current.allow_out = network.allow_out.clone();
                current.deny_out = network.deny_out.clone();
                current.rules = network.rules.clone();
            }
            shape.last_modified_time = Some(now());
            Ok(shape.clone())
        })
    }

    /// DeleteSession: ends a live session (its instance stops at once if idle, else after its
    /// invocation) and forgets every record of the id, expired ones too; 404 when there is
    /// none.
    pub(crate) fn delete(&self, function: &str, qualifier: &str, id: &str) -> FcResult<()> {
        let mut state = lock(&self.state);
        self.sweep_locked(&mut state);
        let mut found = false;
        for record in state.sessions.iter_mut() {
            if record.is(function, qualifier, id) && record.phase != Phase::Starting {
                found = true;
                if record.is_live() {
                    self.expire(record);
                }
            }
        }
        if !found {
            return Err(not_found(function, qualifier, id));
        }
        state.sessions.retain(|record| {
            !record.is(function, qualifier, id) || record.phase == Phase::Starting
        });
        Ok(())
    }

    /// ListSessions: the sessions of `function` (active, paused and expired), oldest first,
    /// with the filters given; the paging key of each.
    pub(crate) fn list(
        &self,
        function: &str,
        qualifier: Option<&str>,
        status: Option<&str>,
        id: Option<&str>,
    ) -> Vec<(String, Session)> {
        let mut state = lock(&self.state);
        self.sweep_locked(&mut state);
        state
            .sessions
            .iter()
            .filter(|r| r.function() == function && r.phase != Phase::Starting)
            .filter(|r| qualifier.is_none_or(|q| r.qualifier() == q))
            .filter(|r| id.is_none_or(|id| r.id() == id))
            .filter(|r| {
                status.is_none_or(|s| {
                    r.shape
                        .session_status
                        .as_ref()
                        .is_some_and(|status| status.as_str().eq_ignore_ascii_case(s))
                })
            })
            .map(|r| (r.key.to_string(), r.shape.clone()))
            .collect()
    }

    /// PauseSession: only an active session. Its instance's processes stop (`SIGSTOP`), memory
    /// kept; with `files_only`, the instance is stopped for good and only its files are kept.
    pub(crate) fn pause(
        &self,
        function: &str,
        qualifier: &str,
        id: &str,
        files_only: bool,
    ) -> FcResult<Session> {
        self.with_live(function, qualifier, id, |record| {
            if record.phase != Phase::Active {
                return Err(wrong_phase(id, "paused", "Active"));
            }
            if files_only {
                self.executor.end_session(function, &record.key);
                record.shape.container_id = None;
            } else if !self.executor.pause_session(function, &record.key) {
                return Err(not_found(function, qualifier, id));
            }
            record.set_phase(Phase::Paused { files_only });
            Ok(record.shape.clone())
        })
    }

    /// ResumeSession: only a paused session. A stopped instance goes on (`SIGCONT`); a session
    /// paused with `fileSystemOnly` gets a new instance (`spec`, its version) over its kept
    /// files.
    pub(crate) async fn resume(
        &self,
        function: &str,
        qualifier: &str,
        id: &str,
        spec: &FunctionSpec,
        request_id: &str,
    ) -> FcResult<Session> {
        let restart = self.with_live(function, qualifier, id, |record| match record.phase {
            Phase::Paused { files_only: false } => {
                self.executor.resume_session(function, &record.key);
                record.last_active = Instant::now();
                record.set_phase(Phase::Active);
                Ok(None)
            }
            Phase::Paused { files_only: true } => {
                record.set_phase(Phase::Starting);
                Ok(Some(record.reference(&self.root)))
            }
            _ => Err(wrong_phase(id, "resumed", "Paused")),
        })?;
        let Some(session) = restart else {
            return self.get(function, qualifier, id);
        };
        let started = self.start(spec, &session, None, request_id).await;
        let mut state = lock(&self.state);
        let record = state
            .sessions
            .iter_mut()
            .find(|record| record.key == session.key)
            .ok_or_else(|| not_found(function, qualifier, id))?;
        match started {
            Ok(container) => {
                record.shape.container_id = Some(container);
                record.last_active = Instant::now();
                record.set_phase(Phase::Active);
                Ok(record.shape.clone())
            }
            Err(error) => {
                record.set_phase(Phase::Paused { files_only: true });
                Err(error)
            }
        }
    }

    /// The function version a live session runs, for the operations that need its spec.
    pub(crate) fn version(&self, function: &str, qualifier: &str, id: &str) -> FcResult<String> {
        self.with_live(function, qualifier, id, |record| Ok(record.version.clone()))
    }

    /// Ends every session of `function` and forgets its sessions and snapshots (DeleteFunction).
    pub fn discard_function(&self, function: &str) {
        let mut state = lock(&self.state);
        for record in state
            .sessions
            .iter_mut()
            .filter(|r| r.function() == function)
        {
            if record.is_live() {
                self.expire(record);
            }
        }
        state
            .sessions
            .retain(|record| record.function() != function);
        let root = self.root.clone();
        state.snapshots.retain(|snapshot| {
            let keep = snapshot.function() != function;
            if !keep {
                files::remove_tree(&root.join(snapshots::dir_name(snapshot.id())));
            }
            keep
        });
    }

    fn with_live<T>(
        &self,
        function: &str,
        qualifier: &str,
        id: &str,
        action: impl FnOnce(&mut Record) -> FcResult<T>,
    ) -> FcResult<T> {
        let mut state = lock(&self.state);
        self.sweep_locked(&mut state);
        let record = state
            .sessions
            .iter_mut()
            .find(|record| record.is(function, qualifier, id) && record.is_live())
            .ok_or_else(|| not_found(function, qualifier, id))?;
        action(record)
    }
}

/// The current time as the API writes it.
fn now() -> String {
    format_iso8601(SystemTime::now())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An input configuration in its output shape (the same fields, read back).
fn convert<T: serde::Serialize, U: serde::de::DeserializeOwned>(value: &Option<T>) -> Option<U> {
    let value = serde_json::to_value(value.as_ref()?).ok()?;
    serde_json::from_value(value).ok()
}

fn not_found(function: &str, qualifier: &str, id: &str) -> FcError {
    FcError::new(
        ErrorCode::SessionNotFound,
        format!("function '{function}' has no active session '{id}' at qualifier {qualifier}"),
    )
}

fn wrong_phase(id: &str, verb: &str, wanted: &str) -> FcError {
    FcError::new(
        ErrorCode::PreconditionFailed,
        format!("session '{id}' cannot be {verb}: only a session in status {wanted} can"),
    )
}

/// 412 for the id of an expired session with `disableSessionIdReuse`.
pub(crate) fn spent(id: &str) -> FcError {
    FcError::new(
        ErrorCode::PreconditionFailed,
        format!(
            "session '{id}' has expired and disableSessionIdReuse is set: its id cannot start a \
             new session"
        ),
    )
}

/// A lifetime field's seconds; a negative value is `InvalidArgument` naming the field.
fn seconds(field: &str, value: i64) -> FcResult<u64> {
    u64::try_from(value).map_err(|_| {
        FcError::invalid_argument(format!("{field} must not be negative, got {value}"))
    })
}

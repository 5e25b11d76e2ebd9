//! Snapshots of sessions: a copy of the session's directory, with the service's shape, and
//! the rules of CreateSnapshot, GetSnapshot, ListSnapshots and DeleteSnapshot.

use std::time::{Duration, SystemTime};

use fc_client::timestamp::format_iso8601;
use fc_models::ErrorCode;

use super::{Phase, Sessions, files, lock};
use crate::error::{FcError, FcResult};
use crate::executor::FunctionSpec;

/// How long a snapshot stays available (the CreateSnapshot reference's example: 30 days).
pub const SNAPSHOT_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
/// Longest snapshot description, in bytes (the CreateSnapshot reference).
pub const MAX_DESCRIPTION_BYTES: usize = 256;
/// Most snapshots kept at once (our choice: each is a copy on disk).
pub const MAX_SNAPSHOTS: usize = 256;
/// Most bytes all snapshots together hold on disk (our choice).
pub const MAX_SNAPSHOT_TOTAL_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// One snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    shape: fc_models::Snapshot,
    expires: SystemTime,
    /// Creation order.
    seq: u64,
}

impl Snapshot {
    /// The function it was taken of.
    pub fn function(&self) -> &str {
        self.shape.function_name.as_deref().unwrap_or_default()
    }

    /// Its id.
    pub fn id(&self) -> &str {
        self.shape.snapshot_id.as_deref().unwrap_or_default()
    }

    fn expired(&self) -> bool {
        SystemTime::now() >= self.expires
    }
}

/// The directory (under the sessions' root) holding a snapshot's files.
pub fn dir_name(snapshot_id: &str) -> String {
    format!("snapshot-{snapshot_id}")
}

/// The available snapshot `id` of `function`; 404 `SnapshotNotFound` for one that is missing,
/// expired or of another function (the GetSnapshot reference).
pub(super) fn find<'a>(
    snapshots: &'a [Snapshot],
    function: &str,
    id: &str,
) -> FcResult<&'a Snapshot> {
    snapshots
        .iter()
        .find(|s| s.id() == id && s.function() == function && !s.expired())
        .ok_or_else(|| {
            FcError::new(
                ErrorCode::SnapshotNotFound,
                format!("function '{function}' has no snapshot '{id}'"),
            )
        })
}

/// What ListSnapshots filters on.
#[derive(Debug, Default)]
pub(crate) struct Filter<'a> {
    pub(crate) function: Option<&'a str>,
    pub(crate) session: Option<&'a str>,
    pub(crate) qualifier: Option<&'a str>,
}

impl Sessions {
    /// CreateSnapshot: copies the files of the live session `session_id` (at `qualifier`) and
    /// answers the snapshot, `Available`. 400 for a missing session id or a bad description;
    /// 404 `SessionNotFound`; 429 past [`MAX_SNAPSHOTS`]; 400 when the files are over
    /// [`files::MAX_SNAPSHOT_BYTES`].
    pub(crate) async fn snapshot(
        &self,
        function: &str,
        qualifier: &str,
        session_id: &str,
        description: Option<String>,
        spec: &FunctionSpec,
    ) -> FcResult<fc_models::Snapshot> {
        if let Some(text) = &description {
            if text.len() > MAX_DESCRIPTION_BYTES {
                return Err(FcError::invalid_argument(format!(
                    "description is {} bytes; the maximum is {MAX_DESCRIPTION_BYTES}",
                    text.len()
                )));
            }
            if text.chars().any(char::is_control) {
                return Err(FcError::invalid_argument(
                    "description must not contain control characters",
                ));
            }
        }
        let source = self.with_live(function, qualifier, session_id, |record| {
            Ok((record.reference(&self.root), record.version.clone()))
        })?;
        let (session, version) = source;
        let room = {
            let mut state = lock(&self.state);
            state.snapshots.retain(|s| {
                let keep = !s.expired();
                if !keep {
                    files::remove_tree(&self.root.join(dir_name(s.id())));
                }
                keep
            });
            if state.snapshots.len() >= MAX_SNAPSHOTS {
                return Err(FcError::new(
                    ErrorCode::ResourceExhausted,
                    format!("fc-local keeps at most {MAX_SNAPSHOTS} snapshots; delete some first"),
                ));
            }
            let used: u64 = state
                .snapshots
                .iter()
                .filter_map(|s| s.shape.artifact_disk_used_size_in_b)
                .map(|bytes| u64::try_from(bytes).unwrap_or_default())
                .sum();
            files::MAX_SNAPSHOT_BYTES.min(MAX_SNAPSHOT_TOTAL_BYTES.saturating_sub(used))
        };
        let id = crate::request_id::new_request_id();
        let target = self.root.join(dir_name(&id));
        let from = session.tmp_dir.clone();
        let to = target.clone();
        let copied = tokio::task::spawn_blocking(move || {
            std::fs::create_dir(&to)?;
            files::copy_tree(&from, &to, room)
        })
        .await
        .map_err(FcError::internal)?;
        let bytes = match copied {
            Ok(bytes) => bytes,
            Err(error) => {
                files::remove_tree(&target);
                return Err(if error.kind() == std::io::ErrorKind::FileTooLarge {
                    FcError::invalid_argument(format!(
                        "cannot snapshot session '{session_id}': {error}"
                    ))
                } else {
                    FcError::internal(format!(
                        "cannot copy the files of session '{session_id}': {error}"
                    ))
                });
            }
        };
        let created = SystemTime::now();
        let expires = created + SNAPSHOT_LIFETIME;
        let shape = fc_models::Snapshot {
            snapshot_id: Some(id),
            status: Some("Available".to_owned()),
            created_time: Some(format_iso8601(created)),
            expired_time: Some(format_iso8601(expires)),
            description,
            source_session_id: Some(session_id.to_owned()),
            function_name: Some(function.to_owned()),
            qualifier: Some(qualifier.to_owned()),
            resolved_version: Some(version),
            memory_mb: Some(i64::from(spec.memory_mb)),
            artifact_disk_used_size_in_b: i64::try_from(bytes).ok(),
            envs: spec.env.clone().into_iter().collect(),
            ..fc_models::Snapshot::default()
        };
        let mut state = lock(&self.state);
        state.next += 1;
        let seq = state.next;
        state.snapshots.push(Snapshot {
            shape: shape.clone(),
            expires,
            seq,
        });
        Ok(shape)
    }

    /// GetSnapshot.
    pub(crate) fn get_snapshot(&self, function: &str, id: &str) -> FcResult<fc_models::Snapshot> {
        let state = lock(&self.state);
        find(&state.snapshots, function, id).map(|s| s.shape.clone())
    }

    /// ListSnapshots: the available snapshots matching `filter`, newest first (then by id),
    /// with the paging key of each. `sessionId` needs `functionName` (the ListSnapshots
    /// reference).
    pub(crate) fn list_snapshots(
        &self,
        filter: &Filter<'_>,
    ) -> FcResult<Vec<(String, fc_models::Snapshot)>> {
        if filter.session.is_some() && filter.function.is_none() {
            return Err(FcError::invalid_argument(
                "sessionId filters snapshots of one function: give functionName too",
            ));
        }
        let state = lock(&self.state);
        let mut found: Vec<&Snapshot> = state
            .snapshots
            .iter()
            .filter(|s| !s.expired())
            .filter(|s| filter.function.is_none_or(|f| s.function() == f))
            .filter(|s| {
                filter
                    .session
                    .is_none_or(|id| s.shape.source_session_id.as_deref() == Some(id))
            })
            .filter(|s| {
                filter
                    .qualifier
                    .is_none_or(|q| s.shape.qualifier.as_deref() == Some(q))
            })
            .collect();
        // Newest first: the creation order reversed, which paging keys follow.
        found.sort_by_key(|s| std::cmp::Reverse(s.seq));
        Ok(found
            .into_iter()
            .map(|s| (format!("{:020}", u64::MAX - s.seq), s.shape.clone()))
            .collect())
    }

    /// DeleteSnapshot: 409 `SnapshotInUse` while a live session created from it exists
    /// (nothing is deleted); a snapshot that is not there is deleted already (the
    /// DeleteSnapshot reference answers that case 204 too).
    pub(crate) fn delete_snapshot(&self, function: &str, id: &str) -> FcResult<()> {
        let mut state = lock(&self.state);
        self.sweep_locked(&mut state);
        let in_use = state.sessions.iter().find(|record| {
            record.snapshot.as_deref() == Some(id)
                && matches!(
                    record.phase,
                    Phase::Active | Phase::Paused { .. } | Phase::Starting
                )
        });
        if let Some(record) = in_use {
            return Err(FcError::new(
                ErrorCode::SnapshotInUse,
                format!(
                    "snapshot '{id}' is in use by session '{}'; delete that session first",
                    record.id()
                ),
            ));
        }
        let before = state.snapshots.len();
        state
            .snapshots
            .retain(|s| !(s.id() == id && s.function() == function));
        if state.snapshots.len() < before {
            files::remove_tree(&self.root.join(dir_name(id)));
        }
        Ok(())
    }
}

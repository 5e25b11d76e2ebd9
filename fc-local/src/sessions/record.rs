//! One session's record: its answer shape, its executor key, where it is in its life and the
//! clocks that end it.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fc_models::{Session, SessionStatus};

use super::now;
use crate::executor::SessionRef;

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Its instance is being started: not listed yet.
    Starting,
    Active,
    /// Paused; `files_only`: the instance is gone and only its files are kept.
    Paused {
        files_only: bool,
    },
    Expired,
}

/// One session.
#[derive(Debug)]
pub(super) struct Record {
    /// The answer of the session operations, kept current.
    pub(super) shape: Session,
    /// The executor's key of its instance (unique among the server's sessions).
    pub(super) key: Arc<str>,
    /// The function version its instance runs (what the qualifier resolved to at creation).
    pub(super) version: String,
    pub(super) phase: Phase,
    pub(super) created: Instant,
    pub(super) last_active: Instant,
    pub(super) ttl: Duration,
    pub(super) idle: Option<Duration>,
    /// The snapshot it was created from.
    pub(super) snapshot: Option<String>,
}

impl Record {
    pub(super) fn function(&self) -> &str {
        self.shape.function_name.as_deref().unwrap_or_default()
    }

    pub(super) fn id(&self) -> &str {
        self.shape.session_id.as_deref().unwrap_or_default()
    }

    pub(super) fn qualifier(&self) -> &str {
        self.shape.qualifier.as_deref().unwrap_or_default()
    }

    pub(super) fn is(&self, function: &str, qualifier: &str, id: &str) -> bool {
        self.function() == function && self.qualifier() == qualifier && self.id() == id
    }

    pub(super) fn is_live(&self) -> bool {
        matches!(self.phase, Phase::Active | Phase::Paused { .. })
    }

    pub(super) fn set_phase(&mut self, phase: Phase) {
        self.phase = phase;
        self.shape.session_status = Some(match phase {
            Phase::Starting | Phase::Active => SessionStatus::Active,
            Phase::Paused { .. } => SessionStatus::Paused,
            Phase::Expired => SessionStatus::Expired,
        });
        self.shape.last_modified_time = Some(now());
    }

    pub(super) fn reference(&self, root: &Path) -> SessionRef {
        SessionRef::new(Arc::clone(&self.key), root.join(&*self.key))
    }

    /// What the clocks say is due now: expiry (TTL, or idle time without auto-pause) or an
    /// automatic pause (idle time with `enableAutoPause`).
    pub(super) fn due(&self, now: Instant) -> Option<Phase> {
        if now.duration_since(self.created) >= self.ttl {
            return Some(Phase::Expired);
        }
        let idle = self.idle?;
        if self.phase == Phase::Active && now.duration_since(self.last_active) >= idle {
            return Some(if self.shape.enable_auto_pause == Some(true) {
                Phase::Paused { files_only: false }
            } else {
                Phase::Expired
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fc_models::Session;

    fn record(now: Instant, ttl: u64, idle: Option<u64>, auto_pause: bool) -> Record {
        Record {
            shape: Session {
                enable_auto_pause: Some(auto_pause),
                ..Session::default()
            },
            key: "s1".into(),
            version: "LATEST".into(),
            phase: Phase::Active,
            created: now,
            last_active: now,
            ttl: Duration::from_secs(ttl),
            idle: idle.map(Duration::from_secs),
            snapshot: None,
        }
    }

    #[test]
    fn ttl_counts_from_creation_and_idle_time_from_the_last_invocation() {
        let start = Instant::now();
        let mut r = record(start, 60, Some(10), false);
        assert_eq!(r.due(start + Duration::from_secs(9)), None);
        assert_eq!(r.due(start + Duration::from_secs(10)), Some(Phase::Expired));
        r.last_active = start + Duration::from_secs(55);
        assert_eq!(r.due(start + Duration::from_secs(59)), None);
        assert_eq!(r.due(start + Duration::from_secs(60)), Some(Phase::Expired));
        let auto = record(start, 60, Some(10), true);
        assert_eq!(
            auto.due(start + Duration::from_secs(10)),
            Some(Phase::Paused { files_only: false })
        );
        let mut paused = record(start, 60, Some(10), false);
        paused.phase = Phase::Paused { files_only: false };
        assert_eq!(
            paused.due(start + Duration::from_secs(30)),
            None,
            "idle time stops"
        );
        assert_eq!(
            paused.due(start + Duration::from_secs(60)),
            Some(Phase::Expired)
        );
        assert_eq!(
            record(start, 60, None, false).due(start + Duration::from_secs(59)),
            None
        );
    }
}

//! The invocation history: one record per invocation the executor ran or could not run, kept
//! in a bounded ring for the console and `fc-local invocations` (oldest dropped first), also
//! after the function is deleted.

use std::time::{Instant, SystemTime};

use serde::{Deserialize, Serialize};

use super::error::ExecError;
use super::invocation::{Invocation, InvocationOutcome};
use super::ring::{Numbered, Ring};
use super::spec::FunctionSpec;

/// How an invocation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum InvocationStatus {
    /// The function answered without error.
    Succeeded,
    /// The function's code failed: `errorType` is the `X-Fc-Error-Type` the service sends
    /// (`HandledInvocationError`, `UnhandledInvocationError`, ...).
    FunctionError {
        /// The error type.
        #[serde(rename = "errorType")]
        error_type: String,
    },
    /// No instance could run it (unpacking, start-up or shutdown failed); the message says why.
    NotRun {
        /// The executor's error.
        message: String,
    },
}

/// One invocation, as the console and `GET /__console/api/invocations` show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvocationRecord {
    /// Position in the history, increasing (to ask only for newer records).
    pub seq: u64,
    /// The invocation's request id (the log lines of [`LogRecord`](super::LogRecord) carry it).
    pub request_id: String,
    /// The function name.
    pub function_name: String,
    /// The qualifier the caller asked for (`LATEST`, a version id or an alias), if any.
    pub qualifier: Option<String>,
    /// The version that ran (`LATEST` or a version id).
    pub version: String,
    /// When the invocation started, in milliseconds since the Unix epoch.
    pub started_ms: u64,
    /// How long the executor took, start-up and initializer included, in milliseconds.
    pub duration_ms: u64,
    /// The HTTP status of the answer (0 when no instance ran it).
    pub status_code: u16,
    /// How it ended.
    pub status: InvocationStatus,
    /// The instance that ran it, if one did.
    pub instance_id: Option<String>,
}

/// What is known of an invocation when it starts.
#[derive(Debug)]
pub(crate) struct Started {
    request_id: String,
    qualifier: Option<String>,
    at: SystemTime,
    clock: Instant,
}

impl Started {
    pub(crate) fn now(invocation: &Invocation) -> Self {
        Started {
            request_id: invocation.request_id.clone(),
            qualifier: invocation.qualifier.clone(),
            at: SystemTime::now(),
            clock: Instant::now(),
        }
    }
}

impl Numbered for InvocationRecord {
    fn seq(&self) -> u64 {
        self.seq
    }

    fn set_seq(&mut self, seq: u64) {
        self.seq = seq;
    }
}

/// The bounded history of an executor.
#[derive(Debug)]
pub(crate) struct History(Ring<InvocationRecord>);

impl History {
    pub(crate) fn new(capacity: usize) -> Self {
        History(Ring::new(capacity))
    }

    /// Records how the invocation of `spec` that began as `started` ended.
    pub(crate) fn record(
        &self,
        spec: &FunctionSpec,
        started: Started,
        result: &Result<InvocationOutcome, ExecError>,
    ) {
        let (status_code, status, instance_id) = match result {
            Ok(outcome) => (
                outcome.status,
                match &outcome.error_type {
                    None => InvocationStatus::Succeeded,
                    Some(kind) => InvocationStatus::FunctionError {
                        error_type: kind.as_str().to_owned(),
                    },
                },
                Some(outcome.instance_id.clone()).filter(|id| !id.is_empty()),
            ),
            Err(error) => (
                0,
                InvocationStatus::NotRun {
                    message: error.to_string(),
                },
                None,
            ),
        };
        self.0.push(InvocationRecord {
            seq: 0,
            request_id: started.request_id,
            function_name: spec.name.clone(),
            qualifier: started.qualifier,
            version: spec.version.clone(),
            started_ms: millis_since_epoch(started.at),
            duration_ms: u64::try_from(started.clock.elapsed().as_millis()).unwrap_or(u64::MAX),
            status_code,
            status,
            instance_id,
        });
    }

    /// The records of `function` (all when `None`) newer than `after`, oldest first.
    pub(crate) fn records(&self, function: Option<&str>, after: u64) -> Vec<InvocationRecord> {
        self.0.after(after, |record| {
            function.is_none_or(|name| record.function_name == name)
        })
    }
}

/// Milliseconds since the Unix epoch (0 before it).
pub(crate) fn millis_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(error: bool) -> InvocationOutcome {
        InvocationOutcome {
            status: 200,
            headers: Default::default(),
            body: Default::default(),
            error_type: error.then_some(fc_client::FunctionErrorType::Unhandled),
            log_tail: None,
            instance_id: "c-1".to_owned(),
            duration: std::time::Duration::from_millis(3),
            max_memory_mb: None,
        }
    }

    #[test]
    fn the_history_is_bounded_and_filtered() {
        let history = History::new(2);
        let spec = FunctionSpec::new("a", "python3.10", "index.handler", Vec::new());
        let other = FunctionSpec::new("b", "python3.10", "index.handler", Vec::new());
        let started = |id: &str| Started::now(&Invocation::new(id, "{}").with_qualifier("prod"));
        history.record(&spec, started("r1"), &Ok(outcome(false)));
        history.record(&other, started("r2"), &Ok(outcome(true)));
        history.record(&spec, started("r3"), &Err(ExecError::ShutDown));
        let all = history.records(None, 0);
        let ids: Vec<&str> = all.iter().map(|r| r.request_id.as_str()).collect();
        assert_eq!(ids, ["r2", "r3"], "the oldest record was dropped");
        assert_eq!(
            all[0].status,
            InvocationStatus::FunctionError {
                error_type: "UnhandledInvocationError".to_owned()
            }
        );
        assert_eq!(all[1].status_code, 0);
        assert!(matches!(all[1].status, InvocationStatus::NotRun { .. }));
        assert_eq!(all[1].qualifier.as_deref(), Some("prod"));
        assert_eq!(all[1].version, "LATEST");
        assert_eq!(history.records(Some("a"), 0).len(), 1);
        assert!(history.records(None, all[1].seq).is_empty());
    }
}

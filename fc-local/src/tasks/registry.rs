//! The asynchronous tasks running in this process, by (function, task id), with the handle
//! that stops them.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::task::AbortHandle;

/// Live tasks of one server, and the id of this server run (stored with every task, so that a
/// task left unfinished by an earlier run can be told apart from one still running).
#[derive(Debug)]
pub struct Registry {
    run_id: String,
    live: Mutex<HashMap<(String, String), AbortHandle>>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// An empty registry with a fresh run id.
    pub fn new() -> Self {
        Self {
            run_id: crate::request_id::new_request_id(),
            live: Mutex::new(HashMap::new()),
        }
    }

    /// The id of this server run.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Records a running task; false (and nothing recorded) if one with that id runs already.
    pub fn register(&self, function: &str, task_id: &str, handle: AbortHandle) -> bool {
        let mut live = self.lock();
        let key = (function.to_owned(), task_id.to_owned());
        if live.contains_key(&key) {
            return false;
        }
        live.insert(key, handle);
        true
    }

    /// Forgets a task that ended (without stopping it).
    pub fn finish(&self, function: &str, task_id: &str) {
        self.lock()
            .remove(&(function.to_owned(), task_id.to_owned()));
    }

    /// Stops a task (dropping its invocation kills the instance it ran on); false if it is not
    /// running here.
    pub fn abort(&self, function: &str, task_id: &str) -> bool {
        let handle = self
            .lock()
            .remove(&(function.to_owned(), task_id.to_owned()));
        handle.map(|h| h.abort()).is_some()
    }

    /// Stops every task of a function (for DeleteFunction).
    pub fn abort_function(&self, function: &str) {
        let mut live = self.lock();
        live.retain(|(name, _), handle| {
            if name == function {
                handle.abort();
                false
            } else {
                true
            }
        });
    }

    /// Stops every task (for shutdown).
    pub fn abort_all(&self) {
        for (_, handle) in self.lock().drain() {
            handle.abort();
        }
    }

    /// How many tasks run now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no task runs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), AbortHandle>> {
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

//! The instances of one function version: reuse, per-instance concurrency, the instance cap,
//! waiting for a free slot, stopping idle or broken instances, and the instances bound to a
//! session (one each: only its invocations run there, the cap and the idle timeout do not
//! apply, and it can be paused).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, OnceCell};

use super::error::ExecError;
use super::instance::Instance;
use super::logs::lock;
use super::session::Signal;
use super::spec::{FunctionSpec, RuntimeKind};
use super::unpack::{PreparedCode, prepare};

/// A running instance as [`Executor::instances`](super::Executor::instances) lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceInfo {
    /// Instance id.
    pub instance_id: String,
    /// The function version it runs.
    pub version: String,
    /// Invocations running on it now.
    pub in_flight: u32,
    /// How long it has been idle (zero while busy).
    pub idle_for: Duration,
    /// The key of the session it is bound to ([`SessionRef::key`](super::SessionRef::key)).
    pub session: Option<String>,
    /// Whether its processes are stopped ([`Executor::pause_session`](super::Executor::pause_session)).
    pub paused: bool,
}

#[derive(Debug)]
struct Slot {
    instance: Arc<Instance>,
    in_flight: u32,
    last_used: Instant,
    /// The session whose instance this is; no other invocation runs here.
    session: Option<Arc<str>>,
    /// Stopped by `SIGSTOP`: no invocation starts here until it is continued.
    paused: bool,
    /// Its session ended while an invocation ran: stopped when that ends.
    ended: bool,
}

impl Slot {
    fn serves(&self, session: Option<&str>) -> bool {
        !self.ended && self.session.as_deref() == session
    }
}

#[derive(Debug, Default)]
struct State {
    slots: Vec<Slot>,
    /// Instances without a session being started.
    starting: usize,
    /// The sessions whose instance is being started.
    starting_sessions: Vec<Arc<str>>,
    retired: bool,
}

impl State {
    /// The running instances without a session (those the cap counts).
    fn unbound(&self) -> usize {
        self.slots
            .iter()
            .filter(|slot| slot.session.is_none())
            .count()
    }

    /// Counts a start permit's instance as started (or given up).
    fn started(&mut self, session: Option<&Arc<str>>) {
        match session {
            Some(key) => self.starting_sessions.retain(|s| s != key),
            None => self.starting = self.starting.saturating_sub(1),
        }
    }
}

/// The instances of one (function, version) running one spec.
#[derive(Debug)]
pub(crate) struct Pool {
    pub(crate) spec: Arc<FunctionSpec>,
    pub(crate) kind: RuntimeKind,
    code: OnceCell<PreparedCode>,
    state: Mutex<State>,
    freed: Notify,
}

/// What [`Pool::acquire`] found.
pub(crate) enum Acquired {
    /// A running instance with a free slot, now counted as busy.
    Warm(Lease),
    /// Permission to start a new instance (counted against the cap until dropped or used).
    Start(StartPermit),
}

impl Pool {
    pub(crate) fn new(spec: Arc<FunctionSpec>, kind: RuntimeKind) -> Self {
        Pool {
            spec,
            kind,
            code: OnceCell::new(),
            state: Mutex::new(State::default()),
            freed: Notify::new(),
        }
    }

    /// The unpacked code, unpacking it on first use.
    pub(crate) async fn code(
        &self,
        work_dir: &std::path::Path,
        max_code_size: u64,
    ) -> Result<&PreparedCode, ExecError> {
        self.code
            .get_or_try_init(|| {
                let spec = Arc::clone(&self.spec);
                let kind = self.kind;
                let work_dir = work_dir.to_path_buf();
                async move {
                    let dir = work_dir.clone();
                    let task = tokio::task::spawn_blocking(move || {
                        prepare(&dir, &spec, kind, max_code_size)
                    });
                    match task.await {
                        Ok(result) => result,
                        Err(error) => Err(ExecError::Io {
                            path: work_dir,
                            source: std::io::Error::other(error.to_string()),
                        }),
                    }
                }
            })
            .await
    }

    /// A free slot on a running instance, or permission to start one if fewer than `cap` run;
    /// otherwise waits until an invocation ends. With a `session`, only the instance bound to
    /// it, or permission to start that instance (outside the cap) if it has none; a paused one
    /// is waited for.
    pub(crate) async fn acquire(
        self: &Arc<Self>,
        cap: usize,
        session: Option<&Arc<str>>,
    ) -> Acquired {
        let concurrency = self.spec.instance_concurrency.max(1);
        let wanted = session.map(|key| &**key);
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            let stale = {
                let mut state = lock(&self.state);
                let stale = take_slots(&mut state.slots, |slot| {
                    slot.in_flight == 0 && slot.instance.exit_status().is_some()
                });
                let bound = state.slots.iter().any(|slot| slot.serves(wanted));
                let best = state
                    .slots
                    .iter_mut()
                    .filter(|slot| slot.serves(wanted) && !slot.paused)
                    .filter(|slot| slot.in_flight < concurrency)
                    .min_by_key(|slot| (slot.in_flight, std::cmp::Reverse(slot.last_used)));
                if let Some(slot) = best {
                    slot.in_flight += 1;
                    slot.last_used = Instant::now();
                    let lease = Lease::new(Arc::clone(self), Arc::clone(&slot.instance));
                    drop(state);
                    kill_all(stale);
                    return Acquired::Warm(lease);
                }
                let room = match session {
                    Some(_) => {
                        !bound && !state.starting_sessions.iter().any(|s| Some(&**s) == wanted)
                    }
                    None => state.unbound() + state.starting < cap.max(1),
                };
                if room {
                    match session {
                        Some(key) => state.starting_sessions.push(Arc::clone(key)),
                        None => state.starting += 1,
                    }
                    drop(state);
                    kill_all(stale);
                    return Acquired::Start(StartPermit {
                        pool: Arc::clone(self),
                        session: session.cloned(),
                        used: false,
                    });
                }
                freed.as_mut().enable();
                stale
            };
            kill_all(stale);
            freed.await;
        }
    }

    /// Adds a started instance with one invocation on it.
    pub(crate) fn add_started(&self, mut permit: StartPermit, instance: Arc<Instance>) -> Lease {
        permit.used = true;
        let mut state = lock(&self.state);
        state.started(permit.session.as_ref());
        state.slots.push(Slot {
            instance: Arc::clone(&instance),
            in_flight: 1,
            last_used: Instant::now(),
            session: permit.session.clone(),
            paused: false,
            ended: false,
        });
        drop(state);
        Lease::new(Arc::clone(&permit.pool), instance)
    }

    /// Ends an invocation on `instance`; a broken instance (or any, once the pool is retired)
    /// is stopped and removed.
    fn release(&self, instance: &Arc<Instance>, healthy: bool) {
        let mut state = lock(&self.state);
        let retired = state.retired;
        let position = state
            .slots
            .iter()
            .position(|slot| Arc::ptr_eq(&slot.instance, instance));
        let mut removed = None;
        if let Some(position) = position {
            let ended = state.slots.get(position).is_some_and(|slot| slot.ended);
            if !healthy || retired || ended {
                removed = Some(state.slots.remove(position));
            } else if let Some(slot) = state.slots.get_mut(position) {
                slot.in_flight = slot.in_flight.saturating_sub(1);
                slot.last_used = Instant::now();
            }
        }
        drop(state);
        if let Some(slot) = removed {
            slot.instance.kill();
        } else if !healthy {
            instance.kill();
        }
        self.freed.notify_waiters();
    }

    /// Stops instances idle for the spec's `idle_timeout` and idle ones that exited; returns how
    /// many were stopped. A session's instance lives as long as its session.
    pub(crate) fn reap(&self) -> usize {
        let idle_timeout = self.spec.idle_timeout;
        let stale = take_slots(&mut lock(&self.state).slots, |slot| {
            slot.in_flight == 0
                && ((slot.session.is_none() && slot.last_used.elapsed() >= idle_timeout)
                    || slot.instance.exit_status().is_some())
        });
        let count = stale.len();
        kill_all(stale);
        if count > 0 {
            self.freed.notify_waiters();
        }
        count
    }

    /// Marks the pool replaced: idle instances stop now, busy ones when their invocation ends.
    pub(crate) fn retire(&self) {
        let stale = {
            let mut state = lock(&self.state);
            state.retired = true;
            take_slots(&mut state.slots, |slot| slot.in_flight == 0)
        };
        kill_all(stale);
        self.freed.notify_waiters();
    }

    /// Stops every instance, busy or not.
    pub(crate) fn stop_all(&self) {
        let stale = {
            let mut state = lock(&self.state);
            state.retired = true;
            std::mem::take(&mut state.slots)
        };
        kill_all(stale);
        self.freed.notify_waiters();
    }

    /// The id of the running instance bound to `session`, if there is one.
    pub(crate) fn session_instance(&self, session: &str) -> Option<String> {
        lock(&self.state)
            .slots
            .iter()
            .find(|slot| slot.serves(Some(session)) && slot.instance.exit_status().is_none())
            .map(|slot| slot.instance.id.clone())
    }

    /// Stops (`Signal::Stop`) or continues (`Signal::Continue`) the instance bound to
    /// `session`; whether there is one.
    pub(crate) fn signal_session(&self, session: &str, signal: Signal) -> bool {
        let mut state = lock(&self.state);
        let Some(slot) = state
            .slots
            .iter_mut()
            .find(|slot| slot.serves(Some(session)))
        else {
            return false;
        };
        slot.instance.signal(signal);
        slot.paused = signal == Signal::Stop;
        slot.last_used = Instant::now();
        drop(state);
        self.freed.notify_waiters();
        true
    }

    /// Unbinds and stops the instance of `session`: now if it is idle, else when its invocation
    /// ends (a stopped one is continued first, so that it can be killed and its invocation end).
    pub(crate) fn end_session(&self, session: &str) {
        let stale = {
            let mut state = lock(&self.state);
            for slot in state
                .slots
                .iter_mut()
                .filter(|slot| slot.serves(Some(session)))
            {
                if slot.paused {
                    slot.instance.signal(Signal::Continue);
                    slot.paused = false;
                }
                slot.ended = true;
            }
            take_slots(&mut state.slots, |slot| slot.ended && slot.in_flight == 0)
        };
        kill_all(stale);
        self.freed.notify_waiters();
    }

    /// The pool's instances.
    pub(crate) fn info(&self) -> Vec<InstanceInfo> {
        lock(&self.state)
            .slots
            .iter()
            .map(|slot| InstanceInfo {
                instance_id: slot.instance.id.clone(),
                version: self.spec.version.clone(),
                in_flight: slot.in_flight,
                idle_for: if slot.in_flight == 0 {
                    slot.last_used.elapsed()
                } else {
                    Duration::ZERO
                },
                session: slot.session.as_deref().map(str::to_owned),
                paused: slot.paused,
            })
            .collect()
    }
}

/// Removes the slots matching `stale` and returns them.
fn take_slots(slots: &mut Vec<Slot>, stale: impl Fn(&Slot) -> bool) -> Vec<Slot> {
    let mut taken = Vec::new();
    let mut index = 0;
    while index < slots.len() {
        if stale(&slots[index]) {
            taken.push(slots.remove(index));
        } else {
            index += 1;
        }
    }
    taken
}

fn kill_all(slots: Vec<Slot>) {
    for slot in slots {
        slot.instance.kill();
    }
}

impl Drop for Pool {
    /// The pool is gone (replaced and its last instance stopped, or its function deleted): its
    /// unpacked code goes too.
    fn drop(&mut self) {
        if let Some(code) = self.code.get()
            && let Err(error) = std::fs::remove_dir_all(&code.root)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::debug!(dir = %code.root.display(), %error, "cannot remove superseded code");
        }
    }
}

/// Permission to start one instance; dropping it unused gives the place back.
pub(crate) struct StartPermit {
    pool: Arc<Pool>,
    /// The session the instance is started for.
    pub(crate) session: Option<Arc<str>>,
    used: bool,
}

impl Drop for StartPermit {
    fn drop(&mut self) {
        if !self.used {
            let mut state = lock(&self.pool.state);
            state.started(self.session.as_ref());
            drop(state);
            self.pool.freed.notify_waiters();
        }
    }
}

/// One invocation's hold on an instance slot. Ending it with [`Lease::release`] keeps or stops
/// the instance; dropping it without (the invocation future was cancelled, e.g. a stopped async
/// task) stops the instance, since the code may still be running.
pub(crate) struct Lease {
    pool: Arc<Pool>,
    pub(crate) instance: Arc<Instance>,
    released: bool,
}

impl Lease {
    fn new(pool: Arc<Pool>, instance: Arc<Instance>) -> Self {
        Lease {
            pool,
            instance,
            released: false,
        }
    }

    /// Ends the invocation; `healthy: false` stops the instance.
    pub(crate) fn release(mut self, healthy: bool) {
        self.released = true;
        self.pool.release(&self.instance, healthy);
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if !self.released {
            self.pool.release(&self.instance, false);
        }
    }
}

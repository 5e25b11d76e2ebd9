//! Keeping credentials until shortly before they expire.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;

use super::{Credentials, CredentialsError, ProvideCredentials};

const PROVIDER: &str = "credentials cache";

/// How long before expiry credentials are refreshed.
const DEFAULT_BUFFER: Duration = Duration::from_secs(180);
/// How long one load of the wrapped provider may take.
const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// The least time between two background refreshes (for credentials that live shorter than
/// the buffer, which would otherwise start a refresh on every call).
const MIN_BACKGROUND_INTERVAL: Duration = Duration::from_secs(10);

/// Wraps a provider and keeps what it returns until a buffer (3 minutes by default) before the
/// credentials expire. Credentials without an expiry are kept for good.
///
/// - **Fresh** credentials (expiry more than the buffer away) are returned at once.
/// - **Expiring** credentials (inside the buffer, not yet expired) are still returned at once,
///   and one background task asks the wrapped provider for new ones; no caller waits for it.
///   If that refresh fails, the still-valid credentials keep being served and a warning is
///   logged.
/// - **Expired** (or not yet loaded) credentials are never served from the cache: callers wait
///   for a load. Concurrent callers share one load (single flight): the first takes a lock and
///   loads, the others wait on the lock and then take what that load returned.
///
/// A load that takes longer than the load timeout (30 s by default) fails with
/// [`CredentialsError::Timeout`]. Errors are not cached: the next caller tries again.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use fc_client::credentials::{CachingProvider, Credentials, ProvideCredentials};
///
/// let cached = CachingProvider::new(Credentials::new("id", "secret"))
///     .with_buffer(Duration::from_secs(300));
/// assert_eq!(cached.provide_credentials().await.unwrap().access_key_id(), "id");
/// # }
/// ```
pub struct CachingProvider {
    inner: Arc<dyn ProvideCredentials>,
    state: Arc<State>,
    settings: Settings,
}

#[derive(Default)]
struct State {
    current: RwLock<Option<Credentials>>,
    /// Counts successful loads, so a caller that waited for someone else's load can tell.
    generation: AtomicU64,
    /// Held by whoever is loading; makes loads single-flight.
    loading: Arc<tokio::sync::Mutex<()>>,
    /// When the last background refresh started.
    last_background: Mutex<Option<SystemTime>>,
}

#[derive(Clone)]
struct Settings {
    buffer: Duration,
    load_timeout: Duration,
    clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
}

impl CachingProvider {
    /// Caches what `inner` provides.
    pub fn new(inner: impl ProvideCredentials + 'static) -> Self {
        CachingProvider {
            inner: Arc::new(inner),
            state: Arc::default(),
            settings: Settings {
                buffer: DEFAULT_BUFFER,
                load_timeout: DEFAULT_LOAD_TIMEOUT,
                clock: Arc::new(SystemTime::now),
            },
        }
    }

    /// Refreshes this long before expiry instead of 3 minutes.
    pub fn with_buffer(mut self, buffer: Duration) -> Self {
        self.settings.buffer = buffer;
        self
    }

    /// Gives each load of the wrapped provider this long instead of 30 s.
    pub fn with_load_timeout(mut self, timeout: Duration) -> Self {
        self.settings.load_timeout = timeout;
        self
    }

    /// Reads the time from `clock` instead of [`SystemTime::now`] (for tests of expiry).
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.settings.clock = Arc::new(clock);
        self
    }

    /// Drops the cached credentials; the next call loads new ones.
    pub fn invalidate(&self) {
        *write(&self.state.current) = None;
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        if let Some(current) = self.current() {
            return Ok(current);
        }
        let seen = self.state.generation.load(Ordering::SeqCst);
        let _loading = self.state.loading.lock().await;
        // Someone else may have loaded while this caller waited for the lock: share that result
        // (it is the wrapped provider's latest answer) instead of loading again.
        let shared = self.state.generation.load(Ordering::SeqCst) != seen;
        let now = (self.settings.clock)();
        if let Some(current) = read(&self.state.current)
            && (shared || !current.is_expired_at(now))
        {
            return Ok(current);
        }
        reload(self.inner.as_ref(), &self.state, &self.settings).await
    }

    fn freshness(&self, creds: &Credentials, now: SystemTime) -> Freshness {
        match creds.expiry() {
            None => Freshness::Fresh,
            Some(expiry) if now >= expiry => Freshness::Expired,
            Some(expiry) if now + self.settings.buffer < expiry => Freshness::Fresh,
            Some(_) => Freshness::Expiring,
        }
    }

    /// Starts one background refresh, unless one is running or started very recently.
    fn refresh_in_background(&self, now: SystemTime) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return; // No runtime to run it on; the load at expiry will do.
        };
        let mut last = lock(&self.state.last_background);
        if last.is_some_and(|at| at + MIN_BACKGROUND_INTERVAL > now) {
            return;
        }
        let Ok(guard) = self.state.loading.clone().try_lock_owned() else {
            return; // A load is already running.
        };
        *last = Some(now);
        let inner = self.inner.clone();
        let state = self.state.clone();
        let settings = self.settings.clone();
        runtime.spawn(async move {
            if let Err(err) = reload(inner.as_ref(), &state, &settings).await {
                tracing::warn!(
                    error = %err,
                    "refreshing credentials before expiry failed; still using the current ones"
                );
            }
            drop(guard);
        });
    }
}

enum Freshness {
    Fresh,
    Expiring,
    Expired,
}

/// Loads from `inner` and stores the result. The caller holds the loading lock.
async fn reload(
    inner: &dyn ProvideCredentials,
    state: &State,
    settings: &Settings,
) -> Result<Credentials, CredentialsError> {
    let loaded = tokio::time::timeout(settings.load_timeout, inner.provide_credentials())
        .await
        .map_err(|_| CredentialsError::Timeout {
            provider: PROVIDER,
            after: settings.load_timeout,
            what: "loading credentials".to_owned(),
        })??;
    if loaded.is_expired_at((settings.clock)()) {
        tracing::warn!(
            "the credential provider returned credentials that have already expired (clock skew?)"
        );
    }
    *write(&state.current) = Some(loaded.clone());
    state.generation.fetch_add(1, Ordering::SeqCst);
    Ok(loaded)
}

// The locks guard plain data, so a panic elsewhere cannot leave it half-written: recover
// from poisoning instead of propagating it.
fn read(lock: &RwLock<Option<Credentials>>) -> Option<Credentials> {
    lock.read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

fn write(
    lock: &RwLock<Option<Credentials>>,
) -> std::sync::RwLockWriteGuard<'_, Option<Credentials>> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = read(&self.state.current);
        f.debug_struct("CachingProvider")
            .field("inner", &self.inner)
            .field("buffer", &self.settings.buffer)
            .field("load_timeout", &self.settings.load_timeout)
            // Credentials' own Debug redacts the secret and token.
            .field("cached", &cached)
            .finish()
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    /// The cached credentials while they are fresh (nearly expired ones also start a
    /// background refresh, as [`provide_credentials`](Self::provide_credentials) does).
    fn current(&self) -> Option<Credentials> {
        let now = (self.settings.clock)();
        let current = read(&self.state.current)?;
        match self.freshness(&current, now) {
            Freshness::Fresh => Some(current),
            Freshness::Expiring => {
                self.refresh_in_background(now);
                Some(current)
            }
            Freshness::Expired => None,
        }
    }
}

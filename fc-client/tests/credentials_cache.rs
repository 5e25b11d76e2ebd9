//! `CachingProvider`: expiry buffer, background refresh, single flight, load timeout.
//!
//! Expiry time is injected: the cache reads a manual clock, so no test waits for credentials to
//! age. (Paused tokio time would need tokio's `test-util` feature, which fc-client does not
//! enable; the few waits below are real and short.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fc_client::credentials::{
    CachingProvider, Credentials, CredentialsError, Env, ProvideCredentials, UriProvider,
};
use fc_test_support::server::{Reply, TestServer};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::json;

const START: u64 = 1_800_000_000;
const HOUR: u64 = 3600;

/// A clock the test moves by hand.
#[derive(Clone, Debug, Default)]
struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    fn at(secs: u64) -> Self {
        ManualClock(Arc::new(AtomicU64::new(secs)))
    }
    fn set(&self, secs: u64) {
        self.0.store(secs, Ordering::SeqCst);
    }
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }
}

/// Hands out `gen-1`, `gen-2`, ... each valid for `lifetime` from the clock's time; loads after
/// the first take `delay` (on tokio's clock); loads numbered in `failing` fail.
#[derive(Debug)]
struct Scripted {
    clock: ManualClock,
    lifetime: Option<u64>,
    delay: Duration,
    failing: Vec<usize>,
    loads: AtomicUsize,
}

impl Scripted {
    fn new(clock: &ManualClock, lifetime: Option<u64>) -> Self {
        Scripted {
            clock: clock.clone(),
            lifetime,
            delay: Duration::ZERO,
            failing: Vec::new(),
            loads: AtomicUsize::new(0),
        }
    }
    fn loads(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Scripted {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let n = self.loads.fetch_add(1, Ordering::SeqCst) + 1;
            if n > 1 && !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            if self.failing.contains(&n) {
                return Err(CredentialsError::Provider {
                    provider: "scripted",
                    message: format!("load {n} fails"),
                });
            }
            let creds = Credentials::new(format!("gen-{n}"), "cached-secret")
                .with_security_token("cached-token");
            Ok(match self.lifetime {
                Some(secs) => creds.with_expiry(self.clock.now() + Duration::from_secs(secs)),
                None => creds,
            })
        })
    }
}

fn cache(inner: &Arc<Scripted>, clock: &ManualClock) -> CachingProvider {
    let clock = clock.clone();
    CachingProvider::new(inner.clone()).with_clock(move || clock.now())
}

async fn id(provider: &CachingProvider) -> String {
    provider
        .provide_credentials()
        .await
        .unwrap()
        .access_key_id()
        .to_owned()
}

#[tokio::test]
async fn static_credentials_are_cached_forever() {
    let clock = ManualClock::at(START);
    let inner = Arc::new(Scripted::new(&clock, None));
    let cached = cache(&inner, &clock);
    assert_eq!(id(&cached).await, "gen-1");
    clock.set(START + 10 * 365 * 24 * HOUR);
    assert_eq!(id(&cached).await, "gen-1");
    assert_eq!(inner.loads(), 1);
}

#[tokio::test]
async fn fresh_credentials_come_from_the_cache() {
    let clock = ManualClock::at(START);
    let inner = Arc::new(Scripted::new(&clock, Some(HOUR)));
    let cached = cache(&inner, &clock);
    for _ in 0..5 {
        assert_eq!(id(&cached).await, "gen-1");
    }
    clock.set(START + HOUR - 181);
    assert_eq!(id(&cached).await, "gen-1");
    assert_eq!(inner.loads(), 1, "still outside the 3-minute buffer");
}

#[tokio::test]
async fn refreshes_in_the_background_before_expiry_without_blocking_callers() {
    let clock = ManualClock::at(START);
    let mut scripted = Scripted::new(&clock, Some(HOUR));
    scripted.delay = Duration::from_millis(300);
    let inner = Arc::new(scripted);
    let cached = cache(&inner, &clock);
    assert_eq!(id(&cached).await, "gen-1");

    clock.set(START + HOUR - 120); // inside the buffer, not expired
    for _ in 0..10 {
        // Answered on the first poll: nobody waits for the refresh in progress.
        let now = cached.provide_credentials().now_or_never();
        let creds = now.expect("served without waiting").unwrap();
        assert_eq!(creds.access_key_id(), "gen-1");
    }
    tokio::time::sleep(Duration::from_millis(600)).await; // let the background load finish
    assert_eq!(inner.loads(), 2, "ten callers, one refresh");
    assert_eq!(id(&cached).await, "gen-2");
}

#[tokio::test]
async fn a_failed_background_refresh_keeps_the_valid_credentials() {
    let clock = ManualClock::at(START);
    let mut scripted = Scripted::new(&clock, Some(HOUR));
    scripted.failing = vec![2];
    let inner = Arc::new(scripted);
    let cached = cache(&inner, &clock);
    assert_eq!(id(&cached).await, "gen-1");
    clock.set(START + HOUR - 60);
    assert_eq!(id(&cached).await, "gen-1");
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(inner.loads(), 2);
    assert_eq!(id(&cached).await, "gen-1", "still valid, so still served");
}

#[tokio::test]
async fn expired_credentials_are_never_served() {
    let clock = ManualClock::at(START);
    let mut scripted = Scripted::new(&clock, Some(HOUR));
    scripted.failing = vec![2];
    let inner = Arc::new(scripted);
    let cached = cache(&inner, &clock);
    assert_eq!(id(&cached).await, "gen-1");

    clock.set(START + HOUR); // exactly at expiry
    let err = cached.provide_credentials().await.unwrap_err();
    assert!(err.to_string().contains("load 2 fails"), "{err}");
    assert_eq!(
        id(&cached).await,
        "gen-3",
        "errors are not cached; the next call loads again"
    );
}

#[tokio::test]
async fn a_slow_load_times_out() {
    let clock = ManualClock::at(START);
    let mut scripted = Scripted::new(&clock, Some(HOUR));
    scripted.delay = Duration::from_secs(60);
    let inner = Arc::new(scripted);
    let cached = cache(&inner, &clock).with_load_timeout(Duration::from_millis(100));
    assert_eq!(id(&cached).await, "gen-1");
    clock.set(START + 2 * HOUR);
    let err = cached.provide_credentials().await.unwrap_err();
    assert!(
        matches!(
            err,
            CredentialsError::Timeout {
                provider: "credentials cache",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn invalidate_forces_a_load() {
    let clock = ManualClock::at(START);
    let inner = Arc::new(Scripted::new(&clock, None));
    let cached = cache(&inner, &clock);
    assert_eq!(id(&cached).await, "gen-1");
    cached.invalidate();
    assert_eq!(id(&cached).await, "gen-2");
}

#[tokio::test]
async fn debug_shows_no_secret() {
    let clock = ManualClock::at(START);
    let inner = Arc::new(Scripted::new(&clock, Some(HOUR)));
    let cached = cache(&inner, &clock);
    id(&cached).await;
    let shown = format!("{cached:?}");
    assert!(shown.contains("gen-1"), "{shown}");
    assert!(
        !shown.contains("cached-secret") && !shown.contains("cached-token"),
        "{shown}"
    );
}

/// Real sockets, so real time: the server answers after 200 ms, long enough for all callers
/// to pile up behind the first load. The first answer expires in 2099, the next in 2100.
#[tokio::test]
async fn fifty_concurrent_callers_share_one_request() {
    let server = TestServer::start(|_, index| {
        let (id, expiration) = match index {
            0 => ("shared-id", "2099-01-01T00:00:00Z"),
            _ => ("renewed-id", "2100-01-01T00:00:00Z"),
        };
        Reply::Delay(
            Duration::from_millis(200),
            Box::new(Reply::json(
                200,
                &json!({"Code": "Success", "AccessKeyId": id, "AccessKeySecret": "s",
                        "SecurityToken": "t", "Expiration": expiration}),
            )),
        )
    })
    .await;
    let clock = ManualClock::at(START);
    let reader = clock.clone();
    let uri = UriProvider::new(Env::from_map([("A", "b")])).with_uri(server.url());
    let cached = Arc::new(CachingProvider::new(uri).with_clock(move || reader.now()));

    let callers = (0..50).map(|_| {
        let cached = cached.clone();
        tokio::spawn(async move { cached.provide_credentials().await })
    });
    for result in futures::future::join_all(callers).await {
        assert_eq!(result.unwrap().unwrap().access_key_id(), "shared-id");
    }
    assert_eq!(server.captured().len(), 1);

    // Past the first expiry (2099-05-31): again fifty callers, one more request.
    clock.set(4_083_868_800);
    let callers = (0..50).map(|_| {
        let cached = cached.clone();
        tokio::spawn(async move { cached.provide_credentials().await })
    });
    for result in futures::future::join_all(callers).await {
        assert_eq!(result.unwrap().unwrap().access_key_id(), "renewed-id");
    }
    assert_eq!(server.captured().len(), 2);
}

//! Instance pool behaviour: the cap, instance concurrency, idle reaping, new code, cancelling
//! and shutdown.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{executor, zip};
use fc_local::executor::{ExecError, FunctionSpec, Invocation};

const SLOW: &str = "import time\n\
def handler(event, context):\n    time.sleep(float(event or b'0'))\n    return 'v1'\n";

fn spec(name: &str) -> FunctionSpec {
    let mut spec = FunctionSpec::new(
        name,
        "python3",
        "index.handler",
        zip(&[("index.py", SLOW, 0o644)]),
    );
    spec.timeout = Duration::from_secs(5);
    spec
}

async fn run_concurrently(
    executor: &fc_local::executor::Executor,
    spec: &FunctionSpec,
    calls: usize,
    seconds: &str,
) -> BTreeSet<String> {
    let mut tasks = Vec::new();
    for index in 0..calls {
        let executor = executor.clone();
        let spec = spec.clone();
        let call = Invocation::new(format!("cc-{index}"), seconds.to_owned());
        tasks.push(tokio::spawn(
            async move { executor.invoke(&spec, call).await },
        ));
    }
    let mut instances = BTreeSet::new();
    for task in tasks {
        let outcome = task.await.expect("task").expect("invoke");
        assert!(outcome.is_success(), "{outcome:?}");
        assert_eq!(&outcome.body[..], b"v1");
        instances.insert(outcome.instance_id);
    }
    instances
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_start_instances_up_to_the_cap() {
    let (executor, _dir) = executor("pool-cap", 3);
    let spec = spec("pool-cap");
    let instances = run_concurrently(&executor, &spec, 7, "0.4").await;
    assert_eq!(instances.len(), 3, "{instances:?}");
    assert_eq!(executor.instances("pool-cap").len(), 3);
    executor.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instance_concurrency_shares_one_instance() {
    let (executor, _dir) = executor("pool-shared", 1);
    let mut spec = spec("pool-shared");
    spec.instance_concurrency = 4;
    let started = std::time::Instant::now();
    let instances = run_concurrently(&executor, &spec, 4, "0.5").await;
    assert_eq!(instances.len(), 1);
    assert!(
        started.elapsed() < Duration::from_millis(1900),
        "ran in parallel: {:?}",
        started.elapsed()
    );
    executor.shutdown();
}

#[tokio::test]
async fn idle_instances_are_reaped_and_new_code_gets_new_instances() {
    let (executor, _dir) = executor("pool-idle", 2);
    let mut spec = spec("pool-idle");
    spec.idle_timeout = Duration::from_millis(200);
    let first = executor
        .invoke(&spec, Invocation::new("r-1", ""))
        .await
        .expect("first");
    assert_eq!(executor.instances("pool-idle").len(), 1);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(
        executor.instances("pool-idle").is_empty(),
        "the background reaper stopped it"
    );
    let second = executor
        .invoke(&spec, Invocation::new("r-2", ""))
        .await
        .expect("second");
    assert_ne!(first.instance_id, second.instance_id);

    let new_code = "def handler(event, context):\n    return 'v2'\n";
    let updated = FunctionSpec {
        idle_timeout: Duration::from_secs(60),
        ..FunctionSpec::new(
            "pool-idle",
            "python3",
            "index.handler",
            zip(&[("index.py", new_code, 0o644)]),
        )
    };
    let third = executor
        .invoke(&updated, Invocation::new("r-3", ""))
        .await
        .expect("third");
    assert_eq!(&third.body[..], b"v2");
    assert_ne!(third.instance_id, second.instance_id);
    let listed = executor.instances("pool-idle");
    assert_eq!(
        listed.len(),
        1,
        "the old code's instance was stopped: {listed:?}"
    );
    assert_eq!(listed[0].instance_id, third.instance_id);
    assert_eq!(executor.reap_idle(), 0);
    executor.shutdown();
}

#[tokio::test]
async fn cancelled_invocations_stop_their_instance_and_shutdown_refuses_calls() {
    let (executor, _dir) = executor("pool-cancel", 2);
    let spec = spec("pool-cancel");
    let call = executor.invoke(&spec, Invocation::new("k-1", "3"));
    let result = tokio::time::timeout(Duration::from_millis(800), call).await;
    assert!(result.is_err(), "the call was still running");
    assert!(executor.instances("pool-cancel").is_empty());
    let next = executor
        .invoke(&spec, Invocation::new("k-2", ""))
        .await
        .expect("next");
    assert!(next.is_success());
    assert_eq!(executor.instances("pool-cancel").len(), 1);
    executor.shutdown();
    assert!(executor.instances("pool-cancel").is_empty());
    let error = executor
        .invoke(&spec, Invocation::new("k-3", ""))
        .await
        .expect_err("shut down");
    assert!(matches!(error, ExecError::ShutDown));
}

/// The directories under the function's part of the work directory.
fn code_dirs(work: &std::path::Path, function: &str) -> Vec<String> {
    std::fs::read_dir(work.join(function))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn superseded_code_is_removed_once_its_instances_are_gone() {
    let (executor, dir) = executor("pool-superseded", 2);
    let work = dir.path().join("work");
    let first = spec("pool-superseded");
    executor
        .invoke(&first, Invocation::new("s-1", "0"))
        .await
        .expect("v1");
    assert_eq!(code_dirs(&work, "pool-superseded").len(), 1);
    let second = FunctionSpec::new(
        "pool-superseded",
        "python3",
        "index.handler",
        zip(&[("index.py", "def handler(e, c):\n    return 'v2'\n", 0o644)]),
    );
    let outcome = executor
        .invoke(&second, Invocation::new("s-2", ""))
        .await
        .expect("v2");
    assert_eq!(&outcome.body[..], b"v2");
    let dirs = code_dirs(&work, "pool-superseded");
    assert_eq!(dirs.len(), 1, "only the code in use is kept: {dirs:?}");
    executor.shutdown();
}

//! One invocation from start to outcome: get an instance, initialize it if new, send the
//! event, read the answer, and turn timeouts, crashes and failed initializers into the outcomes
//! the service reports.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fc_client::FunctionErrorType;

use super::Executor;
use super::error::ExecError;
use super::instance::{Answer, Instance, Launch, PostError};
use super::invocation::{Invocation, InvocationOutcome};
use super::logs::{Drain, log_tail};
use super::pool::{Acquired, Lease, Pool};
use super::protocol::{
    INITIALIZE_PATH, INVOKE_PATH, error_body, error_type_of, initializer_succeeded,
    request_headers, seconds_text,
};
use super::spec::{FunctionSpec, InitializerSpec, RuntimeKind};

/// How long to wait for a bootstrap's `FC Invoke End` marker after its answer.
const END_MARKER_WAIT: Duration = Duration::from_secs(1);
/// Silence after which a custom runtime's output for an invocation is taken as complete.
const CUSTOM_QUIET: Duration = Duration::from_millis(20);
/// Longest wait for a custom runtime's output after its answer.
const CUSTOM_MAX_WAIT: Duration = Duration::from_millis(200);
/// How long a killed or crashed instance gets to close its output.
const CLOSE_WAIT: Duration = Duration::from_millis(500);

/// See [`Executor::invoke`].
pub(super) async fn invoke(
    executor: &Executor,
    spec: &FunctionSpec,
    invocation: Invocation,
) -> Result<InvocationOutcome, ExecError> {
    let (pool, lease) = match lease(executor, spec, &invocation).await? {
        Leased::Ready(pool, lease) => (pool, lease),
        Leased::Failed(outcome) => return Ok(*outcome),
    };
    let call = Call {
        executor,
        pool: &pool,
        invocation: &invocation,
    };
    Ok(call.run(lease).await)
}

/// An instance to run `invocation` on, or how its new instance's initializer failed.
pub(super) enum Leased {
    /// The instance's pool and the invocation's hold on it.
    Ready(Arc<Pool>, Lease),
    /// The initializer of the new instance failed (the instance is gone).
    Failed(Box<InvocationOutcome>),
}

/// A slot for `invocation` on a warm instance (the session's, if it names one), or a new
/// instance, started and initialized.
pub(super) async fn lease(
    executor: &Executor,
    spec: &FunctionSpec,
    invocation: &Invocation,
) -> Result<Leased, ExecError> {
    if executor.is_shut_down() {
        return Err(ExecError::ShutDown);
    }
    let kind = spec.validate()?;
    let config = executor.config();
    let pool = executor.pool_for(spec, kind);
    let code = pool.code(&config.work_dir, config.max_code_size).await?;
    let session = invocation.session.as_ref();
    let lease = match pool
        .acquire(config.max_instances_per_function, session.map(|s| &s.key))
        .await
    {
        Acquired::Warm(lease) => lease,
        Acquired::Start(permit) => {
            let instance = Instance::start(Launch {
                config,
                spec: &pool.spec,
                kind,
                code,
                instance_id: Executor::new_instance_id(),
                function_logs: executor.function_logs(&spec.name),
                tmp_dir: session.map(|s| s.tmp_dir.as_path()),
            })
            .await?;
            let lease = pool.add_started(permit, Arc::new(instance));
            if executor.is_shut_down() {
                lease.release(false);
                return Err(ExecError::ShutDown);
            }
            let call = Call {
                executor,
                pool: &pool,
                invocation,
            };
            if let Some(initializer) = &pool.spec.initializer
                && let Some(failure) = call.initialize(&lease, initializer).await
            {
                lease.release(false);
                return Ok(Leased::Failed(Box::new(failure)));
            }
            lease
        }
    };
    Ok(Leased::Ready(pool, lease))
}

/// One invocation on its way through an instance.
struct Call<'a> {
    executor: &'a Executor,
    pool: &'a Arc<Pool>,
    invocation: &'a Invocation,
}

impl Call<'_> {
    fn spec(&self) -> &FunctionSpec {
        &self.pool.spec
    }

    fn request_id(&self) -> &str {
        &self.invocation.request_id
    }

    fn headers(&self, control_path: &str) -> reqwest::header::HeaderMap {
        let mut headers = request_headers(
            self.executor.config(),
            self.spec(),
            self.request_id(),
            self.invocation.qualifier.as_deref(),
            self.invocation.retry_count,
            control_path,
        );
        if self.invocation.fc2_http {
            headers.insert(
                "x-fc-local-http-contract",
                reqwest::header::HeaderValue::from_static("fc2"),
            );
        }
        headers
    }

    /// Runs the initializer on a new instance; `Some(outcome)` if it failed (the instance is
    /// then discarded by the caller). Its output counts as the invocation's.
    async fn initialize(
        &self,
        lease: &Lease,
        initializer: &InitializerSpec,
    ) -> Option<InvocationOutcome> {
        let instance = &lease.instance;
        instance.log.begin(self.request_id());
        let started = Instant::now();
        let answer = instance
            .post(
                &self.executor.inner.client,
                INITIALIZE_PATH,
                self.headers(INITIALIZE_PATH),
                Bytes::new(),
                initializer.timeout,
            )
            .await;
        let message = match answer {
            Ok(answer) if initializer_succeeded(answer.status, &answer.headers) => return None,
            Ok(answer) => return Some(self.initializer_failed(instance, answer, started).await),
            Err(PostError::TimedOut) => format!(
                "Initializer timed out after {} seconds",
                seconds_text(initializer.timeout)
            ),
            Err(PostError::Broken(reason)) => match instance.exited_within(CLOSE_WAIT).await {
                Some(status) => {
                    format!("Process exited unexpectedly during initialization ({status})")
                }
                None => format!("Initializer connection failed: {reason}"),
            },
        };
        instance.kill();
        let output = instance
            .log
            .finish(self.request_id(), Drain::Closed(CLOSE_WAIT))
            .await;
        Some(self.outcome(
            instance,
            error_body(&message),
            Some(FunctionErrorType::Initialization),
            output,
            std::slice::from_ref(&message),
            started.elapsed(),
        ))
    }

    /// The outcome of an initializer that answered with a failure.
    async fn initializer_failed(
        &self,
        instance: &Instance,
        answer: Answer,
        started: Instant,
    ) -> InvocationOutcome {
        instance.kill();
        let output = instance
            .log
            .finish(self.request_id(), Drain::Closed(CLOSE_WAIT))
            .await;
        let reported = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .filter(|value| value.get("errorMessage").is_some());
        let body = match reported {
            Some(_) => answer.body,
            None => error_body(&format!(
                "Initializer failed (HTTP {}): {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            )),
        };
        self.outcome(
            instance,
            body,
            Some(FunctionErrorType::Initialization),
            output,
            &[],
            started.elapsed(),
        )
    }

    /// Sends the event and turns the answer (or its absence) into the outcome.
    async fn run(&self, lease: Lease) -> InvocationOutcome {
        let instance = Arc::clone(&lease.instance);
        let request_id = self.request_id();
        instance.log.begin(request_id);
        let started = Instant::now();
        let forward = self
            .invocation
            .http
            .as_ref()
            .filter(|_| self.pool.kind == RuntimeKind::Custom);
        let answer = match forward {
            // A custom runtime behind an HTTP trigger serves the caller's request itself.
            Some(request) => {
                let mut headers = request.headers.clone();
                headers.extend(self.headers(INVOKE_PATH));
                headers.remove(reqwest::header::CONTENT_TYPE);
                if let Some(content_type) = request.headers.get(reqwest::header::CONTENT_TYPE) {
                    headers.insert(reqwest::header::CONTENT_TYPE, content_type.clone());
                }
                instance
                    .send(
                        &self.executor.inner.client,
                        request.method.clone(),
                        &request.path_and_query,
                        headers,
                        self.invocation.payload.clone(),
                        self.spec().timeout,
                    )
                    .await
            }
            None => {
                instance
                    .post(
                        &self.executor.inner.client,
                        INVOKE_PATH,
                        self.headers(INVOKE_PATH),
                        self.invocation.payload.clone(),
                        self.spec().timeout,
                    )
                    .await
            }
        };
        let duration = started.elapsed();
        let message = match answer {
            Ok(answer) if forward.is_some() => {
                let output = instance
                    .log
                    .finish(
                        request_id,
                        Drain::Quiet {
                            quiet: CUSTOM_QUIET,
                            max: CUSTOM_MAX_WAIT,
                        },
                    )
                    .await;
                lease.release(true);
                let mut outcome = self.outcome(&instance, answer.body, None, output, &[], duration);
                outcome.status = answer.status;
                outcome.headers = answer.headers;
                return outcome;
            }
            Ok(answer) => {
                let error_type = error_type_of(self.pool.kind, &answer.headers);
                let drain = match self.pool.kind {
                    RuntimeKind::Custom => Drain::Quiet {
                        quiet: CUSTOM_QUIET,
                        max: CUSTOM_MAX_WAIT,
                    },
                    RuntimeKind::Python | RuntimeKind::Node => Drain::EndMarker(END_MARKER_WAIT),
                };
                let output = instance.log.finish(request_id, drain).await;
                lease.release(true);
                return self.outcome(&instance, answer.body, error_type, output, &[], duration);
            }
            Err(PostError::TimedOut) => format!(
                "Function timed out after {} seconds",
                seconds_text(self.spec().timeout)
            ),
            Err(PostError::Broken(reason)) => match instance.exited_within(CLOSE_WAIT).await {
                Some(status) => format!(
                    "Process exited unexpectedly before completing request (duration: {}ms, {status})",
                    duration.as_millis()
                ),
                None => {
                    format!("Instance closed the connection before completing request: {reason}")
                }
            },
        };
        lease.release(false);
        let output = instance
            .log
            .finish(request_id, Drain::Closed(CLOSE_WAIT))
            .await;
        let end = format!("FC Invoke End RequestId: {request_id}, Error: Unhandled function error");
        self.outcome(
            &instance,
            error_body(&message),
            Some(FunctionErrorType::Unhandled),
            output,
            &[message.clone(), end],
            duration,
        )
    }

    /// Builds the outcome; `notes` are lines of the executor's own, added to the output and
    /// the function log after what the instance printed.
    fn outcome(
        &self,
        instance: &Instance,
        body: Bytes,
        error_type: Option<FunctionErrorType>,
        mut output: String,
        notes: &[String],
        duration: Duration,
    ) -> InvocationOutcome {
        let request_id = self.request_id();
        let max_memory_mb = instance.peak_memory_mb();
        let mut summary = format!(
            "Duration: {:.2} ms, Billed Duration: {} ms, Memory Size: {} MB",
            duration.as_secs_f64() * 1000.0,
            duration.as_micros().div_ceil(1000),
            self.spec().memory_mb
        );
        if let Some(megabytes) = max_memory_mb {
            summary.push_str(&format!(", Max Memory Used: {megabytes:.2} MB"));
        }
        for line in notes {
            instance.log.note(request_id, line);
            output.push_str(line);
            output.push('\n');
        }
        instance.log.note(request_id, &summary);
        output.push('\n');
        output.push_str(&summary);
        InvocationOutcome {
            status: 200,
            headers: reqwest::header::HeaderMap::new(),
            body,
            error_type,
            log_tail: self
                .invocation
                .log_tail
                .then(|| log_tail(&output).to_owned()),
            instance_id: instance.id.clone(),
            duration,
            max_memory_mb,
        }
    }
}

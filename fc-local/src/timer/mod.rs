//! Timer triggers: each enabled `timer` trigger fires on its schedule ([`Schedule`]) as an
//! asynchronous invocation of its function (at the trigger's qualifier) with the service's
//! timer event, so every firing is an async task (ListAsyncTasks) and in the function's logs:
//!
//! ```json
//! {"triggerTime": "2026-12-01T18:00:00Z", "triggerName": "every-minute", "payload": "..."}
//! ```

mod schedule;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use fc_client::timestamp::format_iso8601;
use fc_models::{Trigger, TriggerType};
use serde::Deserialize;
use tokio::task::JoinHandle;

pub use schedule::Schedule;

use crate::state::AppState;
use crate::store::resources::{self, Entry, Kind};

/// Seconds a late tick catches up on (a busy machine may skip some); older firings are lost.
const CATCH_UP: u64 = 60;

/// A timer trigger's `triggerConfig`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerConfig {
    /// When it fires.
    pub schedule: Schedule,
    /// Whether it fires (our choice when `enable` is absent: it does, as the console's default).
    pub enable: bool,
    /// Passed to the function as the event's `payload`.
    pub payload: String,
    /// A `CRON_TZ` zone other than UTC, which fc-local does not apply ([`Schedule::ignored_zone`]).
    pub ignored_zone: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    cron_expression: String,
    enable: Option<bool>,
    payload: Option<String>,
}

impl TimerConfig {
    /// Reads and checks a `triggerConfig`; the error names the field.
    ///
    /// ```
    /// use fc_local::timer::{Schedule, TimerConfig};
    ///
    /// let config = TimerConfig::parse(r#"{"cronExpression": "@every 1m", "enable": true}"#).unwrap();
    /// assert_eq!(config.schedule, Schedule::Every(60));
    /// let error = TimerConfig::parse(r#"{"cronExpression": "0 0 99 * * *"}"#).unwrap_err();
    /// assert!(error.contains("triggerConfig.cronExpression"), "{error}");
    /// ```
    pub fn parse(text: &str) -> Result<TimerConfig, String> {
        let wire: Wire = serde_json::from_str(text)
            .map_err(|e| format!("triggerConfig of a timer trigger: {e}"))?;
        let schedule = Schedule::parse(&wire.cron_expression)
            .map_err(|e| format!("triggerConfig.cronExpression: {e}"))?;
        Ok(TimerConfig {
            schedule,
            enable: wire.enable.unwrap_or(true),
            payload: wire.payload.unwrap_or_default(),
            ignored_zone: Schedule::ignored_zone(&wire.cron_expression).map(str::to_owned),
        })
    }
}

/// Starts the task that fires the timer triggers of `state`'s store, once a second.
pub(crate) fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last = now_seconds();
        loop {
            let subsecond = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.subsec_millis())
                .unwrap_or_default();
            tokio::time::sleep(Duration::from_millis(u64::from(1000 - subsecond) + 1)).await;
            let now = now_seconds();
            if now > last {
                fire_due(&state, last.max(now.saturating_sub(CATCH_UP)) + 1, now).await;
                last = now;
            }
        }
    })
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Fires every enabled timer trigger whose schedule has a second in `from..=to`.
async fn fire_due(state: &AppState, from: u64, to: u64) {
    let triggers = state
        .store
        .transact(|tx, _| resources::list::<Trigger>(tx, Kind::Trigger, None))
        .await;
    let triggers = match triggers {
        Ok(triggers) => triggers,
        Err(error) => {
            tracing::warn!(%error, "cannot read the timer triggers");
            return;
        }
    };
    for entry in triggers
        .into_iter()
        .filter(|e| e.value.trigger_type == Some(TriggerType::Timer))
    {
        let Some(config) = entry
            .value
            .trigger_config
            .as_deref()
            .and_then(|text| TimerConfig::parse(text).ok())
        else {
            continue;
        };
        if !config.enable {
            continue;
        }
        for second in from..=to {
            let time = UNIX_EPOCH + Duration::from_secs(second);
            if config.schedule.fires_at(time) {
                fire(state, &entry, &config, time).await;
            }
        }
    }
}

/// One firing: an asynchronous invocation with the timer event.
async fn fire(state: &AppState, entry: &Entry<Trigger>, config: &TimerConfig, time: SystemTime) {
    let function = &entry.scope;
    let event = serde_json::json!({
        "triggerTime": format_iso8601(time),
        "triggerName": entry.name,
        "payload": config.payload,
    });
    let prepared = match crate::invoke::prepare(
        &state.store,
        state.function_arn(function),
        function,
        entry.value.qualifier.as_deref(),
    )
    .await
    {
        Ok(prepared) => prepared,
        Err(error) => {
            tracing::warn!(function, trigger = %entry.name, %error.message, "timer trigger cannot invoke its function");
            return;
        }
    };
    let request_id = crate::request_id::new_request_id();
    let body = Bytes::from(event.to_string());
    match crate::tasks::enqueue(&state.tasks(), prepared, body, &request_id, None).await {
        Ok(task) => {
            tracing::info!(function, trigger = %entry.name, task, "timer trigger fired");
        }
        Err(error) => {
            tracing::warn!(function, trigger = %entry.name, %error.message, "timer trigger could not enqueue");
        }
    }
}

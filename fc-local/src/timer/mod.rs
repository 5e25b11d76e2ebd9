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

/// A timer trigger's `triggerConfig`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimerConfig {
    /// The schedule.
    pub cron_expression: String,
    /// Whether the trigger fires (our choice when absent: it does, as the console's default).
    #[serde(default)]
    pub enable: Option<bool>,
    /// Passed to the function as the event's `payload`.
    #[serde(default)]
    pub payload: Option<String>,
}

impl TimerConfig {
    /// Reads and checks a `triggerConfig`; the error names the field.
    ///
    /// ```
    /// use fc_local::timer::TimerConfig;
    ///
    /// let config = TimerConfig::parse(r#"{"cronExpression": "@every 1m", "enable": true}"#).unwrap();
    /// assert!(config.schedule().is_ok());
    /// let error = TimerConfig::parse(r#"{"cronExpression": "0 0 99 * * *"}"#).unwrap_err();
    /// assert!(error.contains("triggerConfig.cronExpression"), "{error}");
    /// ```
    pub fn parse(text: &str) -> Result<TimerConfig, String> {
        let config: TimerConfig = serde_json::from_str(text)
            .map_err(|e| format!("triggerConfig of a timer trigger: {e}"))?;
        config
            .schedule()
            .map_err(|e| format!("triggerConfig.cronExpression: {e}"))?;
        Ok(config)
    }

    /// The parsed schedule.
    pub fn schedule(&self) -> Result<Schedule, String> {
        Schedule::parse(&self.cron_expression)
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
        let Ok(schedule) = config.schedule() else {
            continue;
        };
        if config.enable == Some(false) {
            continue;
        }
        for second in from..=to {
            let time = UNIX_EPOCH + Duration::from_secs(second);
            if schedule.fires_at(time) {
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
        "payload": config.payload.clone().unwrap_or_default(),
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

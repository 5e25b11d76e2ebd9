//! Fault injection: fc-local fails some calls on purpose, so that a client's retries, timeouts
//! and error handling can be tested against the failures the service really produces.
//!
//! Off by default. Rules ([`FaultRule`]) come from the command line (`--fault`, repeatable), the
//! library ([`crate::FcLocal::fault`], [`crate::FcLocalHandle::faults`]) or the admin endpoint
//! `/__console/api/faults` (`GET` lists the rules with their counters, `POST` adds one as JSON,
//! `DELETE` removes all; the console's access rules apply: its token or a signature). The rules
//! apply to the API's operations (FC 3.0 and FC 2.0), after the signature check, in the order
//! they were added: the first rule that takes a call decides what happens to it.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use fc_local::faults::FaultRule;
//!
//! let server = fc_local::FcLocal::new()
//!     .fault(FaultRule::error("GetFunction", 503, "ServiceUnavailable").times(2))
//!     .start()
//!     .await?;
//! // The client's standard retry policy gets through the two 503s.
//! let client = server.client()?;
//! # let _ = client;
//! assert_eq!(server.faults().injected(), 0);
//! # Ok(())
//! # }
//! ```

pub mod admin;
mod rule;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fc_models::ErrorCode;
use fc_models::api::Operation;
use serde::Serialize;

pub use rule::{FaultRule, FaultRuleError};

use crate::error::FcError;

/// The fault rules of one server and what they did; cheap to clone (one shared list).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<Active>>>,
}

/// A rule with its counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Active {
    /// The rule.
    #[serde(flatten)]
    pub rule: FaultRule,
    /// Calls of its action it has seen.
    pub matched: u64,
    /// Calls it took.
    pub injected: u64,
}

impl Faults {
    /// Faults with `rules` (checked; the first refused one is the error).
    pub fn new(rules: impl IntoIterator<Item = FaultRule>) -> Result<Self, FaultRuleError> {
        let faults = Faults::default();
        for rule in rules {
            faults.add(rule)?;
        }
        Ok(faults)
    }

    /// Adds `rule` after the others.
    pub fn add(&self, rule: FaultRule) -> Result<(), FaultRuleError> {
        let rule = rule.validated()?;
        self.lock().push(Active {
            rule,
            matched: 0,
            injected: 0,
        });
        Ok(())
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The rules and their counters.
    pub fn rules(&self) -> Vec<Active> {
        self.lock().clone()
    }

    /// How many calls the rules took, in all.
    pub fn injected(&self) -> u64 {
        self.lock().iter().map(|active| active.injected).sum()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Active>> {
        // A panic while holding the lock cannot leave the counters inconsistent.
        self.rules
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The rule that takes this call of `action`, counting it.
    fn decide(&self, action: &str) -> Option<FaultRule> {
        let mut rules = self.lock();
        for active in rules.iter_mut() {
            let rule = &active.rule;
            if rule.action != "*" && rule.action != action {
                continue;
            }
            if rule
                .times
                .is_some_and(|times| active.injected >= u64::from(times))
            {
                continue;
            }
            active.matched += 1;
            let takes = match rule.percent {
                // Call n (from 1) is taken when the running share crosses a whole call.
                Some(percent) => {
                    let share = |n: u64| n * u64::from(percent) / 100;
                    share(active.matched) > share(active.matched - 1)
                }
                None => true,
            };
            if takes {
                active.injected += 1;
                return Some(rule.clone());
            }
        }
        None
    }
}

/// Applies the rules to an API call: mounted on every emulated operation's route, inside the
/// layer that adds its `Operation`; the server's [`Faults`] are a request extension.
pub async fn layer(request: Request, next: Next) -> Response {
    let extensions = request.extensions();
    let action = extensions
        .get::<&'static Operation>()
        .map(|operation| operation.action);
    let rule = match (extensions.get::<Faults>(), action) {
        (Some(faults), Some(action)) => faults.decide(action),
        _ => None,
    };
    let Some(rule) = rule else {
        return next.run(request).await;
    };
    tracing::info!(%rule, "fault injected");
    if let Some(delay) = rule.delay_duration() {
        tokio::time::sleep(delay).await;
    }
    if rule.drop {
        if rule.after {
            let _answer_lost = next.run(request).await;
        }
        return dropped();
    }
    let Some(status) = rule.status.and_then(|s| StatusCode::from_u16(s).ok()) else {
        return next.run(request).await;
    };
    let code = ErrorCode::from(rule.code.as_deref().unwrap_or("InternalServerError"));
    let mut response =
        FcError::with_status(status, code, format!("fault injected by fc-local ({rule})"))
            .into_response();
    if let Some(seconds) = rule.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A response whose body fails at once: the server closes the connection before any byte of
/// the answer is written, as when a load balancer drops it.
fn dropped() -> Response {
    let broken = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by a fault rule"))
    });
    Response::new(Body::from_stream(broken))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_percent_take_the_calls_they_say() {
        let faults = Faults::new([
            FaultRule::error("GetFunction", 503, "ServiceUnavailable").times(2),
            FaultRule::error("*", 500, "InternalServerError").percent(25),
        ])
        .unwrap();
        let taken: Vec<Option<u16>> = (0..6)
            .map(|_| faults.decide("GetFunction").and_then(|rule| rule.status))
            .collect();
        // Two 503s, then the 25 % rule takes every fourth of the calls it sees.
        assert_eq!(taken, [Some(503), Some(503), None, None, None, Some(500)]);
        let rules = faults.rules();
        assert_eq!((rules[0].matched, rules[0].injected), (2, 2));
        assert_eq!((rules[1].matched, rules[1].injected), (4, 1));
        assert_eq!(faults.injected(), 3);
        assert!(
            faults.decide("ListFunctions").is_none(),
            "every fourth call only"
        );
    }

    #[test]
    fn other_actions_pass_and_clear_removes_all() {
        let faults = Faults::new([FaultRule::drop_connection("CreateFunction")]).unwrap();
        assert!(faults.decide("GetFunction").is_none());
        assert!(
            faults
                .decide("CreateFunction")
                .is_some_and(|rule| rule.drop)
        );
        faults.clear();
        assert!(faults.decide("CreateFunction").is_none());
    }
}

//! One fault rule: which calls it takes and what it does to them.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What fc-local does to some of the calls of one action, to test a client's retries,
/// timeouts and error handling against real failures.
///
/// A rule takes the calls of its `action` (`*`: every API call), all of them, the next
/// [`times`](Self::times) ones, or an even [`percent`](Self::percent) share of them (one call in
/// four for 25, counted, not random, so a test sees the same sequence every run). A call it
/// takes waits [`delay`](Self::delay) first, if any, then gets the error answer (FC-shaped JSON
/// body with a request id, and `Retry-After` if set), or loses its connection before any byte of
/// an answer (`drop`; with `drop-after`, once the call was handled), or (with only a delay) the
/// real answer.
///
/// The command line writes a rule as `ACTION:key=value,...` (`--fault`), the admin endpoint
/// (`/__console/api/faults`) takes it as JSON with the same names in camelCase:
///
/// ```
/// use std::time::Duration;
/// use fc_local::faults::FaultRule;
///
/// let throttle = FaultRule::error("GetFunction", 429, "ResourceThrottled")
///     .times(2)
///     .retry_after(1);
/// assert_eq!(throttle, "GetFunction:status=429,code=ResourceThrottled,times=2,retry-after=1".parse().unwrap());
///
/// let flaky: FaultRule = "*:status=503,percent=25".parse().unwrap();
/// assert_eq!(flaky, FaultRule::error("*", 503, "ServiceUnavailable").percent(25));
///
/// let slow = FaultRule::delay("InvokeFunction", Duration::from_millis(1500));
/// assert_eq!(slow.to_string(), "InvokeFunction:delay-ms=1500");
///
/// assert!("GetFunction:times=2".parse::<FaultRule>().unwrap_err().to_string().contains("status"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// The ACS action whose calls it takes (`GetFunction`, FC 3.0 or FC 2.0), or `*`.
    pub action: String,
    /// The error status to answer with (400-599).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error code of the answer (default: one that fits the status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `Retry-After` seconds sent with the error answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
    /// Milliseconds to wait before answering (or dropping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Close the connection without answering.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop: bool,
    /// With `drop`: handle the call first, then lose the answer (the write happened; the client
    /// cannot know).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after: bool,
    /// Take only the next this many matching calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// Take this share (1-100 %) of the matching calls, spread evenly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<u8>,
}

/// Why a fault rule was refused, naming the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fault rule: {field} {problem}")]
pub struct FaultRuleError {
    /// The field (or `rule` for the whole).
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

fn refuse(field: &'static str, problem: impl Into<String>) -> FaultRuleError {
    FaultRuleError {
        field,
        problem: problem.into(),
    }
}

impl FaultRule {
    fn on(action: &str) -> Self {
        FaultRule {
            action: action.to_owned(),
            status: None,
            code: None,
            retry_after: None,
            delay_ms: None,
            drop: false,
            after: false,
            times: None,
            percent: None,
        }
    }

    /// Answers the calls of `action` with `status` and `code`.
    pub fn error(action: &str, status: u16, code: &str) -> Self {
        FaultRule {
            status: Some(status),
            code: Some(code.to_owned()),
            ..Self::on(action)
        }
    }

    /// Delays the calls of `action` by `delay`, then answers them as usual.
    pub fn delay(action: &str, delay: Duration) -> Self {
        Self::on(action).with_delay(delay)
    }

    /// Closes the connection of the calls of `action` without answering.
    pub fn drop_connection(action: &str) -> Self {
        FaultRule {
            drop: true,
            ..Self::on(action)
        }
    }

    /// Handles the calls of `action`, then closes the connection before the answer: the call's
    /// effect happens, the client sees a transport error.
    pub fn drop_answer(action: &str) -> Self {
        FaultRule {
            drop: true,
            after: true,
            ..Self::on(action)
        }
    }

    /// Takes only the next `times` matching calls.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    /// Takes `percent` % of the matching calls, spread evenly.
    pub fn percent(mut self, percent: u8) -> Self {
        self.percent = Some(percent);
        self
    }

    /// Sends `Retry-After: seconds` with the error answer.
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Adds a delay before the answer (or the error, or the drop).
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay_ms = Some(delay.as_millis().try_into().unwrap_or(u64::MAX));
        self
    }

    /// Checks the rule and fills in the code a status implies.
    pub fn validated(mut self) -> Result<Self, FaultRuleError> {
        let action = self.action.as_str();
        if action != "*"
            && (action.is_empty() || !action.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(refuse(
                "action",
                "must be an ACS action name (GetFunction) or *",
            ));
        }
        if let Some(status) = self.status
            && !(400..=599).contains(&status)
        {
            return Err(refuse("status", format!("must be 400-599, not {status}")));
        }
        if self.code.is_some() && self.status.is_none() {
            return Err(refuse("code", "needs a status"));
        }
        if self.status.is_some() && self.drop {
            return Err(refuse("drop", "cannot be combined with status"));
        }
        if self.after && !self.drop {
            return Err(refuse("after", "needs drop (drop-after)"));
        }
        if self.status.is_none() && !self.drop && self.delay_ms.is_none() {
            return Err(refuse("rule", "needs an effect: status, delay-ms or drop"));
        }
        if self.retry_after.is_some() && self.status.is_none() {
            return Err(refuse("retry-after", "needs a status"));
        }
        if self.times == Some(0) {
            return Err(refuse("times", "must be at least 1"));
        }
        if let Some(percent) = self.percent
            && !(1..=100).contains(&percent)
        {
            return Err(refuse("percent", format!("must be 1-100, not {percent}")));
        }
        if let (Some(status), None) = (self.status, &self.code) {
            self.code = Some(default_code(status).to_owned());
        }
        Ok(self)
    }

    /// The delay before the answer.
    pub fn delay_duration(&self) -> Option<Duration> {
        self.delay_ms.map(Duration::from_millis)
    }
}

/// The code an error status is answered with when the rule names none.
fn default_code(status: u16) -> &'static str {
    match status {
        429 => "ResourceThrottled",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        400..=499 => "InvalidArgument",
        _ => "InternalServerError",
    }
}

impl FromStr for FaultRule {
    type Err = FaultRuleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (action, settings) = text
            .split_once(':')
            .ok_or_else(|| refuse("rule", "is ACTION:key=value,... (GetFunction:status=503)"))?;
        let mut rule = FaultRule::on(action.trim());
        for setting in settings.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = setting.split_once('=').unwrap_or((setting, ""));
            let number = |field: &'static str| {
                value
                    .parse::<u64>()
                    .map_err(|_| refuse(field, format!("must be a whole number, not {value:?}")))
            };
            let narrow = |field: &'static str, n: u64| {
                u32::try_from(n).map_err(|_| refuse(field, format!("is too large: {n}")))
            };
            match key {
                "status" => {
                    let n = number("status")?;
                    rule.status =
                        Some(u16::try_from(n).map_err(|_| refuse("status", "must be 400-599"))?);
                }
                "code" if !value.is_empty() => rule.code = Some(value.to_owned()),
                "retry-after" => {
                    rule.retry_after = Some(narrow("retry-after", number("retry-after")?)?)
                }
                "delay-ms" => rule.delay_ms = Some(number("delay-ms")?),
                "drop" if value.is_empty() || value == "true" => rule.drop = true,
                "drop-after" if value.is_empty() || value == "true" => {
                    rule.drop = true;
                    rule.after = true;
                }
                "times" => rule.times = Some(narrow("times", number("times")?)?),
                "percent" => {
                    let n = number("percent")?;
                    rule.percent =
                        Some(u8::try_from(n).map_err(|_| refuse("percent", "must be 1-100"))?);
                }
                other => {
                    return Err(refuse(
                        "rule",
                        format!(
                            "has no setting {other:?} (status, code, retry-after, delay-ms, drop, times, percent)"
                        ),
                    ));
                }
            }
        }
        rule.validated()
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(status) = self.status {
            parts.push(format!("status={status}"));
        }
        if let Some(code) = &self.code {
            parts.push(format!("code={code}"));
        }
        if let Some(delay) = self.delay_ms {
            parts.push(format!("delay-ms={delay}"));
        }
        if self.drop {
            parts.push(if self.after { "drop-after" } else { "drop" }.to_owned());
        }
        if let Some(times) = self.times {
            parts.push(format!("times={times}"));
        }
        if let Some(percent) = self.percent {
            parts.push(format!("percent={percent}"));
        }
        if let Some(seconds) = self.retry_after {
            parts.push(format!("retry-after={seconds}"));
        }
        write!(f, "{}:{}", self.action, parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rules_name_their_field() {
        let field = |text: &str| text.parse::<FaultRule>().unwrap_err().field;
        assert_eq!(field("GetFunction:status=200"), "status");
        assert_eq!(field("GetFunction:status=503,drop"), "drop");
        assert_eq!(field("GetFunction:percent=0,status=500"), "percent");
        assert_eq!(field("GetFunction:times=0,drop"), "times");
        assert_eq!(field("Get-Function:drop"), "action");
        assert_eq!(field("GetFunction:drop,bogus=1"), "rule");
        assert_eq!(field("GetFunction"), "rule");
        assert_eq!(field("GetFunction:delay-ms=soon"), "delay-ms");
    }

    #[test]
    fn display_reads_back() {
        for text in [
            "GetFunction:status=429,code=ResourceThrottled,times=2,retry-after=1",
            "*:delay-ms=20,drop,percent=50",
            "CreateFunction:drop-after,times=1",
        ] {
            let rule: FaultRule = text.parse().unwrap();
            assert_eq!(rule.to_string().parse::<FaultRule>().unwrap(), rule);
        }
    }

    #[test]
    fn json_uses_camel_case_and_refuses_unknown_fields() {
        let rule: FaultRule =
            serde_json::from_str(r#"{"action":"InvokeFunction","delayMs":5,"retryAfter":null}"#)
                .unwrap();
        assert_eq!(rule.delay_ms, Some(5));
        assert!(serde_json::from_str::<FaultRule>(r#"{"action":"X","colour":1}"#).is_err());
    }
}

//! A timer trigger's `cronExpression`, in the service's syntax, evaluated second by second.
//!
//! - Six fields, `Seconds Minutes Hours Day-of-month Month Day-of-week`, in UTC: each `*`,
//!   `?` (day fields), a number, a range `a-b`, a step `*/n` or `a-b/n` or `a/n`, or a list of
//!   those; months also `JAN`-`DEC`, days of week `0`-`6` (Sunday 0, `7` too) or `SUN`-`SAT`.
//!   When both day fields are restricted, either may match (as in cron).
//! - `@every <duration>`, such as `@every 1m` or `@every 1h30m`: every so long, counted from
//!   the Unix epoch.
//! - A leading `CRON_TZ=<zone>` is accepted; fc-local has no time-zone database, so any zone
//!   but UTC is evaluated as UTC ([`Schedule::ignored_zone`]; CreateTrigger logs a warning).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// Six cron fields, each the set of values it matches.
    Cron {
        /// Bit `n` set: matches `n`. Seconds, minutes, hours, day of month, month, weekday.
        fields: [u64; 6],
        /// Whether the day-of-month field is restricted (not `*` or `?`).
        dom_restricted: bool,
        /// Whether the day-of-week field is restricted (not `*` or `?`).
        dow_restricted: bool,
    },
    /// `@every` this many seconds.
    Every(u64),
}

const NAMES: [(&str, (u64, u64)); 6] = [
    ("seconds", (0, 59)),
    ("minutes", (0, 59)),
    ("hours", (0, 23)),
    ("day-of-month", (1, 31)),
    ("month", (1, 12)),
    ("day-of-week", (0, 7)),
];
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Schedule {
    /// Parses an expression; the error says which field is wrong and why.
    ///
    /// ```
    /// use fc_local::timer::Schedule;
    ///
    /// assert!(Schedule::parse("0 */5 * * * *").is_ok());
    /// assert!(Schedule::parse("@every 1h30m").is_ok());
    /// assert!(Schedule::parse("CRON_TZ=Asia/Shanghai 0 0 4 1 * *").is_ok());
    /// let error = Schedule::parse("0 0 25 * * *").unwrap_err();
    /// assert!(error.contains("hours"), "{error}");
    /// ```
    pub fn parse(expression: &str) -> Result<Schedule, String> {
        let mut text = expression.trim();
        if let Some(rest) = text.strip_prefix("CRON_TZ=") {
            let (_, rest) = rest
                .split_once(' ')
                .ok_or("CRON_TZ=<zone> must be followed by the schedule")?;
            text = rest.trim();
        }
        if let Some(duration) = text.strip_prefix("@every") {
            let seconds = parse_duration(duration.trim())?;
            return if seconds == 0 {
                Err("@every needs a duration of at least 1s".to_owned())
            } else {
                Ok(Schedule::Every(seconds))
            };
        }
        let parts: Vec<&str> = text.split_whitespace().collect();
        if parts.len() != 6 {
            return Err(format!(
                "a cron expression has 6 fields (seconds minutes hours day-of-month month \
                 day-of-week), this one has {}",
                parts.len()
            ));
        }
        let mut fields = [0u64; 6];
        for (i, part) in parts.iter().enumerate() {
            fields[i] = parse_field(part, i)?;
        }
        // Sunday is 0 and 7.
        if fields[5] & (1 << 7) != 0 {
            fields[5] |= 1;
        }
        let restricted = |part: &str| part != "*" && part != "?";
        Ok(Schedule::Cron {
            fields,
            dom_restricted: restricted(parts[3]),
            dow_restricted: restricted(parts[5]),
        })
    }

    /// The zone of a leading `CRON_TZ=<zone>` other than UTC: fc-local evaluates the schedule in
    /// UTC all the same.
    ///
    /// ```
    /// use fc_local::timer::Schedule;
    ///
    /// assert_eq!(Schedule::ignored_zone("CRON_TZ=Asia/Shanghai 0 0 4 1 * *"), Some("Asia/Shanghai"));
    /// assert_eq!(Schedule::ignored_zone("CRON_TZ=UTC 0 0 4 1 * *"), None);
    /// assert_eq!(Schedule::ignored_zone("@every 1m"), None);
    /// ```
    pub fn ignored_zone(expression: &str) -> Option<&str> {
        let (zone, _) = expression
            .trim()
            .strip_prefix("CRON_TZ=")?
            .split_once(' ')?;
        (zone != "UTC").then_some(zone)
    }

    /// Whether the schedule fires at the whole second `time` (UTC).
    pub fn fires_at(&self, time: SystemTime) -> bool {
        let seconds = time
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs();
        match self {
            Schedule::Every(every) => seconds.is_multiple_of(*every),
            Schedule::Cron {
                fields,
                dom_restricted,
                dow_restricted,
            } => {
                let utc = fc_client::timestamp::utc_fields(time);
                let has = |field: usize, value: u32| fields[field] & (1 << value) != 0;
                let dom = has(3, utc.day);
                let dow = has(5, utc.weekday);
                let day_matches = match (dom_restricted, dow_restricted) {
                    (true, true) => dom || dow,
                    (true, false) => dom,
                    (false, true) => dow,
                    (false, false) => true,
                };
                has(0, utc.second)
                    && has(1, utc.minute)
                    && has(2, utc.hour)
                    && has(4, utc.month)
                    && day_matches
            }
        }
    }
}

/// `1h30m`, `45s`, `2m` → seconds.
fn parse_duration(text: &str) -> Result<u64, String> {
    let bad = || format!("'{text}' is not a duration such as 1m, 90s or 1h30m");
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let value: u64 = number.parse().map_err(|_| bad())?;
        total = value
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        number.clear();
    }
    if !number.is_empty() || text.is_empty() {
        return Err(bad());
    }
    Ok(total)
}

/// One field as a bit set of the values it matches.
fn parse_field(text: &str, index: usize) -> Result<u64, String> {
    let (name, (min, max)) = NAMES[index];
    let error = |why: String| format!("cron field {name} ('{text}'): {why}");
    let mut set = 0u64;
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => {
                let step: u64 = step
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| error(format!("step '{step}' is not a positive number")))?;
                (range, step)
            }
            None => (item, 1),
        };
        let (low, high) = if range == "*" || (range == "?" && (index == 3 || index == 5)) {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (
                value(a, index).map_err(error)?,
                value(b, index).map_err(error)?,
            )
        } else {
            let start = value(range, index).map_err(error)?;
            // `a/n` runs from a to the end of the range.
            (start, if item.contains('/') { max } else { start })
        };
        if low < min || high > max || low > high {
            return Err(error(format!("values must be within {min}-{max}")));
        }
        let mut v = low;
        while v <= high {
            set |= 1 << v;
            v += step;
        }
    }
    Ok(set)
}

fn value(text: &str, index: usize) -> Result<u64, String> {
    let upper = text.to_ascii_uppercase();
    let named = match index {
        4 => MONTHS
            .iter()
            .position(|m| *m == upper)
            .map(|i| i as u64 + 1),
        5 => DAYS.iter().position(|d| *d == upper).map(|i| i as u64),
        _ => None,
    };
    named
        .or_else(|| text.parse().ok())
        .ok_or_else(|| format!("'{text}' is not a number (L, W and # are not supported)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SystemTime {
        fc_client::timestamp::parse_iso8601(text).unwrap()
    }

    #[test]
    fn cron_fields_match_utc_times() {
        let every_5_min = Schedule::parse("0 */5 * * * *").unwrap();
        assert!(every_5_min.fires_at(at("2026-12-01T18:05:00Z")));
        assert!(!every_5_min.fires_at(at("2026-12-01T18:05:01Z")));
        assert!(!every_5_min.fires_at(at("2026-12-01T18:06:00Z")));

        // 2026-12-01 is a Tuesday.
        let weekdays_at_9 = Schedule::parse("0 0 9 ? * MON-FRI").unwrap();
        assert!(weekdays_at_9.fires_at(at("2026-12-01T09:00:00Z")));
        assert!(
            !weekdays_at_9.fires_at(at("2026-12-06T09:00:00Z")),
            "a Sunday"
        );
        let sundays = Schedule::parse("30 15 10 * * 7").unwrap();
        assert!(sundays.fires_at(at("2026-12-06T10:15:30Z")));

        let first_of_month = Schedule::parse("0 0 4 1 JAN,jul *").unwrap();
        assert!(first_of_month.fires_at(at("2027-01-01T04:00:00Z")));
        assert!(first_of_month.fires_at(at("2027-07-01T04:00:00Z")));
        assert!(!first_of_month.fires_at(at("2027-02-01T04:00:00Z")));

        let leap = Schedule::parse("0 0 0 29 2 ?").unwrap();
        assert!(leap.fires_at(at("2028-02-29T00:00:00Z")));
        let ranges = Schedule::parse("10-20/5,59 * * * * *").unwrap();
        for (second, fires) in [(10, true), (15, true), (20, true), (25, false), (59, true)] {
            let time = UNIX_EPOCH + Duration::from_secs(second);
            assert_eq!(ranges.fires_at(time), fires, "second {second}");
        }
    }

    #[test]
    fn every_counts_from_the_epoch() {
        let schedule = Schedule::parse("@every 1h30m").unwrap();
        assert_eq!(schedule, Schedule::Every(5400));
        assert!(schedule.fires_at(UNIX_EPOCH + Duration::from_secs(5400 * 3)));
        assert!(!schedule.fires_at(UNIX_EPOCH + Duration::from_secs(5400 * 3 + 1)));
    }

    #[test]
    fn bad_expressions_name_the_field() {
        for (expression, expected) in [
            ("0 0 * * *", "6 fields"),
            ("60 * * * * *", "seconds"),
            ("* * * 0 * *", "day-of-month"),
            ("* * * * 13 *", "month"),
            ("* * * * * 8", "day-of-week"),
            ("* * * L * *", "L, W and #"),
            ("*/0 * * * * *", "step"),
            ("@every soon", "duration"),
            ("@every 0s", "at least"),
        ] {
            let error = Schedule::parse(expression).unwrap_err();
            assert!(error.contains(expected), "{expression}: {error}");
        }
    }
}

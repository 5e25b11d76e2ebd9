//! UTC timestamps in the ISO 8601 form the ACS APIs use (`2024-05-20T08:15:30Z`), and HTTP dates
//! (`Mon, 20 May 2024 08:15:30 GMT`) for classic FC signatures.
//!
//! Signing writes the request time as `x-acs-date`; credential providers read expiry times
//! (`Expiration`) in the same form. Both need only whole-second UTC times, so this module does
//! the calendar arithmetic itself instead of pulling in a date crate.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Formats `time` as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds, truncated).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = UNIX_EPOCH + Duration::from_secs(1_716_192_930);
/// assert_eq!(fc_client::timestamp::format_iso8601(t), "2024-05-20T08:15:30Z");
/// ```
pub fn format_iso8601(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX);
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ`, optionally with fractional seconds (ignored) or a `+00:00`
/// offset. Returns `None` for anything else, including other offsets and out-of-range fields.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = fc_client::timestamp::parse_iso8601("2024-05-20T08:15:30Z").unwrap();
/// assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_716_192_930));
/// assert!(fc_client::timestamp::parse_iso8601("yesterday").is_none());
/// ```
pub fn parse_iso8601(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let body = text
        .strip_suffix('Z')
        .or_else(|| text.strip_suffix("+00:00"))?;
    let (date, time) = body.split_once('T')?;
    let time = time.split_once('.').map_or(time, |(whole, _)| whole);
    let mut date_parts = date.split('-');
    let year: i64 = number(date_parts.next()?, 4)?;
    let month: u32 = number(date_parts.next()?, 2)?;
    let day: u32 = number(date_parts.next()?, 2)?;
    let mut time_parts = time.split(':');
    let hour: u64 = number(time_parts.next()?, 2)?;
    let minute: u64 = number(time_parts.next()?, 2)?;
    let second: u64 = number(time_parts.next()?, 2)?;
    if date_parts.next().is_some() || time_parts.next().is_some() {
        return None;
    }
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

/// A UTC time as calendar fields (whole seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcFields {
    /// The year.
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
    /// 0 to 23.
    pub hour: u32,
    /// 0 to 59.
    pub minute: u32,
    /// 0 to 59.
    pub second: u32,
    /// 0 (Sunday) to 6 (Saturday).
    pub weekday: u32,
}

/// The calendar fields of `time` in UTC.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let fields = fc_client::timestamp::utc_fields(UNIX_EPOCH + Duration::from_secs(1_716_192_930));
/// assert_eq!((fields.year, fields.month, fields.day), (2024, 5, 20));
/// assert_eq!((fields.hour, fields.minute, fields.second, fields.weekday), (8, 15, 30, 1));
/// ```
pub fn utc_fields(time: SystemTime) -> UtcFields {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(i64::try_from(days).unwrap_or(i64::MAX));
    UtcFields {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
        // 1970-01-01 was a Thursday.
        weekday: ((days + 4) % 7) as u32,
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats `time` as an HTTP date (RFC 1123, GMT), the `Date` of classic FC signatures.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = UNIX_EPOCH + Duration::from_secs(1_716_192_930);
/// assert_eq!(fc_client::timestamp::format_http_date(t), "Mon, 20 May 2024 08:15:30 GMT");
/// ```
pub fn format_http_date(time: SystemTime) -> String {
    let utc = utc_fields(time);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[utc.weekday as usize],
        utc.day,
        MONTHS[(utc.month - 1) as usize],
        utc.year,
        utc.hour,
        utc.minute,
        utc.second
    )
}

/// Parses an HTTP date in the RFC 1123 form (`Mon, 20 May 2024 08:15:30 GMT`); the weekday is
/// not checked. `None` for anything else.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = fc_client::timestamp::parse_http_date("Mon, 20 May 2024 08:15:30 GMT").unwrap();
/// assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_716_192_930));
/// assert!(fc_client::timestamp::parse_http_date("2024-05-20T08:15:30Z").is_none());
/// ```
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    let (_, rest) = text.trim().split_once(", ")?;
    let mut parts = rest.split(' ');
    let day = parts.next()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? + 1;
    let year = parts.next()?;
    let time = parts.next()?;
    if parts.next() != Some("GMT") || parts.next().is_some() {
        return None;
    }
    parse_iso8601(&format!("{year}-{month:02}-{day:0>2}T{time}Z"))
}

fn number<T: std::str::FromStr>(text: &str, width: usize) -> Option<T> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_across_leap_days_and_centuries() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2024-02-29T12:00:00Z",
            "2100-03-01T00:00:00Z",
            "2026-11-23T15:29:53Z",
        ] {
            let time = parse_iso8601(text).unwrap_or_else(|| panic!("{text} parses"));
            assert_eq!(format_iso8601(time), text);
        }
    }

    #[test]
    fn accepts_fractions_and_zero_offset() {
        let plain = parse_iso8601("2024-05-20T08:15:30Z");
        assert_eq!(parse_iso8601("2024-05-20T08:15:30.123Z"), plain);
        assert_eq!(parse_iso8601("2024-05-20T08:15:30+00:00"), plain);
    }

    #[test]
    fn rejects_malformed_input() {
        for text in [
            "",
            "2024-05-20",
            "2024-05-20T08:15:30",
            "2024-05-20T08:15:30+08:00",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-20T24:00:00Z",
            "24-05-20T08:15:30Z",
            "2024-05-20T08:15:30:00Z",
            "２024-05-20T08:15:30Z",
        ] {
            assert_eq!(parse_iso8601(text), None, "{text:?} must not parse");
        }
    }
}

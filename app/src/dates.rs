//! Dates as Taiwanese government users read and type them: Republic of China (民國) years,
//! Taipei time. Every parser and formatter of dates lives here.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike};

/// ROC year 1 is 1912.
const ROC_OFFSET: i32 = 1911;

/// Taipei time, in which users read and type every date and time.
pub fn taipei() -> FixedOffset {
    // Taiwan has kept UTC+8 without daylight saving since 1980.
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// `2024-03-15` → `113/03/15`.
pub fn roc_date(date: NaiveDate) -> String {
    format!(
        "{}/{:02}/{:02}",
        date.year() - ROC_OFFSET,
        date.month(),
        date.day()
    )
}

/// A Unix timestamp as Taipei wall-clock time: `113/03/15 14:05`.
pub fn roc_datetime(unix_seconds: i64) -> String {
    match DateTime::from_timestamp(unix_seconds, 0) {
        Some(utc) => {
            let local = utc.with_timezone(&taipei());
            format!(
                "{} {:02}:{:02}",
                roc_date(local.date_naive()),
                local.hour(),
                local.minute()
            )
        }
        None => String::from("—"),
    }
}

/// The years a date may fall in: from ROC year 1 to well past any deadline, calendar or
/// term this app will see. Dates outside are typing mistakes, and far ones (year 262142)
/// would overflow the date arithmetic of due dates and reports.
pub const YEARS: std::ops::RangeInclusive<i32> = 1912..=2200;

/// Reads a date as users type it: `2024-03-15`, `113/03/15` or `113-3-15` (ROC year), or
/// `20240315` (the government's open-data calendar); only within [`YEARS`].
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    parse_any_date(raw).filter(|d| YEARS.contains(&d.year()))
}

fn parse_any_date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = (y.parse::<i32>().ok()?, m.parse().ok()?, d.parse().ok()?);
    // Three-digit (or smaller) years are ROC years: 113 is 2024.
    let year = if y < 1000 { y + 1911 } else { y };
    NaiveDate::from_ymd_opt(year, m, d)
}

/// Taipei wall-clock time as typed in a form (`2024-03-15T10:30` from a date-time picker,
/// or `113/03/15 10:30`), as a Unix timestamp.
pub fn parse_taipei_datetime(raw: &str) -> Option<i64> {
    let s = raw.trim().replace('T', " ");
    let (date, time) = s.split_once(' ').unwrap_or((&s, "00:00"));
    let date = parse_date(date)?;
    let time = chrono::NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    taipei()
        .from_local_datetime(&NaiveDateTime::new(date, time))
        .single()
        .map(|t| t.timestamp())
}

/// The Taipei calendar date of a moment.
pub fn taipei_day(at: DateTime<chrono::Utc>) -> NaiveDate {
    at.with_timezone(&taipei()).date_naive()
}

/// The Taipei calendar date of a Unix timestamp (none outside chrono's range).
pub fn taipei_date(unix: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp(unix, 0).map(|t| t.with_timezone(&taipei()).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn march_2024_is_roc_year_113() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        assert_eq!(roc_date(date), "113/03/15");
    }

    #[test]
    fn times_are_shown_in_taipei_even_across_midnight_utc() {
        // 2024-03-14 16:30 UTC is 2024-03-15 00:30 in Taipei.
        let ts = NaiveDate::from_ymd_opt(2024, 3, 14)
            .unwrap()
            .and_hms_opt(16, 30, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        assert_eq!(roc_datetime(ts), "113/03/15 00:30");
    }

    #[test]
    fn dates_are_read_in_western_roc_and_compact_forms() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_date("2024-03-15"), d(2024, 3, 15));
        assert_eq!(parse_date("113/03/15"), d(2024, 3, 15));
        assert_eq!(parse_date(" 113-3-5 "), d(2024, 3, 5));
        assert_eq!(parse_date("20240315"), d(2024, 3, 15));
        assert_eq!(parse_date("113/02/30"), None);
        assert_eq!(parse_date("tomorrow"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn dates_outside_the_years_an_office_can_mean_are_refused() {
        assert_eq!(parse_date("262142-12-31"), None);
        assert_eq!(parse_date("+262142-12-31"), None);
        assert_eq!(parse_date("2201-01-01"), None);
        assert_eq!(parse_date("1911-12-31"), None);
        assert_eq!(parse_date("0/01/01"), None);
        assert_eq!(parse_date("22000101"), NaiveDate::from_ymd_opt(2200, 1, 1));
        assert_eq!(parse_date("1/01/01"), NaiveDate::from_ymd_opt(1912, 1, 1));
    }

    #[test]
    fn roc_date_times_are_read_as_taipei_time() {
        assert_eq!(
            parse_taipei_datetime("113/03/15 10:30"),
            Some(1_710_469_800)
        );
        assert_eq!(
            parse_taipei_datetime("2024-03-15T10:30"),
            Some(1_710_469_800)
        );
        assert_eq!(parse_taipei_datetime("113/03/15 25:00"), None);
        assert_eq!(
            taipei_date(1_710_469_800),
            NaiveDate::from_ymd_opt(2024, 3, 15)
        );
    }
}

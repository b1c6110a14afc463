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

/// A date written out as documents date themselves: `中華民國113年3月15日`.
pub fn roc_long_date(date: NaiveDate) -> String {
    format!(
        "中華民國{}年{}月{}日",
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

/// Reads a date as users and offices type it: `2024-03-15`, `113/03/15`, `113.03.15`,
/// `113-3-15` or `民國113年3月15日` (ROC year), `1130315` (ROC, compact) or `20240315`
/// (the government's open-data calendar), in half- or full-width digits, with or without a
/// weekday after it (`113/03/15（五）`); only within [`YEARS`].
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    read_date(raw).ok()
}

/// Why a typed date cannot be read, in words a user can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Not a date at all.
    Unreadable,
    /// Month and day without a year (`3/15`).
    NoYear,
    /// The numbers name no day (`113/02/30`).
    NoSuchDay,
    /// A year outside [`YEARS`].
    OutOfRange,
}

impl DateProblem {
    pub fn words(self) -> &'static str {
        match self {
            Self::Unreadable => "無法辨識（例如 113/03/15）",
            Self::NoYear => "缺少年份（例如 113/03/15）",
            Self::NoSuchDay => "沒有這一天",
            Self::OutOfRange => "年份不合理",
        }
    }
}

/// [`parse_date`], saying why not.
pub fn read_date(raw: &str) -> Result<NaiveDate, DateProblem> {
    let date = parse_any_date(raw)?;
    if YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(DateProblem::OutOfRange)
    }
}

/// Full-width digits and punctuation (`１１３／０３／１５`) as their ASCII forms; the
/// ideographic space as a space.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

fn parse_any_date(raw: &str) -> Result<NaiveDate, DateProblem> {
    let mut s = half_width(raw).trim().to_owned();
    // A weekday after the date, as lists print it: 113/03/15(五).
    if let Some(open) = s.find('(') {
        if s.ends_with(')') && s[open..].chars().count() <= 5 {
            s.truncate(open);
        }
    }
    let s = s
        .trim()
        .trim_start_matches("民國")
        .replace(['年', '月'], "/")
        .replace('日', "");
    let s = s.trim();
    if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
        let (y, rest) = match s.len() {
            8 => s.split_at(4),
            7 => s.split_at(3),
            _ => return Err(DateProblem::Unreadable),
        };
        return ymd(y, &rest[..2], &rest[2..]);
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).map(str::trim).collect();
    match parts.as_slice() {
        [y, m, d] => ymd(y, m, d),
        [m, d] if m.parse::<u32>().is_ok() && d.parse::<u32>().is_ok() => Err(DateProblem::NoYear),
        _ => Err(DateProblem::Unreadable),
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, DateProblem> {
    let number = |s: &str| s.parse::<u32>().map_err(|_| DateProblem::Unreadable);
    let (y, m, d) = (number(y)?, number(m)?, number(d)?);
    let y = i32::try_from(y).map_err(|_| DateProblem::OutOfRange)?;
    // Three-digit (or smaller) years are ROC years: 113 is 2024.
    let year = if y < 1000 { y + ROC_OFFSET } else { y };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(DateProblem::Unreadable);
    }
    NaiveDate::from_ymd_opt(year, m, d).ok_or(DateProblem::NoSuchDay)
}

/// Taipei wall-clock time as typed in a form (`2024-03-15T10:30` from a date-time picker,
/// `113/03/15 10:30`, `1130315 1030`, `115年12月1日 10：30`), as a Unix timestamp.
pub fn parse_taipei_datetime(raw: &str) -> Option<i64> {
    let s = half_width(raw).trim().replace('T', " ");
    let (date, time) = s.split_once(' ').unwrap_or((&s, "00:00"));
    let date = parse_date(date)?;
    let time = parse_time(time)?;
    taipei()
        .from_local_datetime(&NaiveDateTime::new(date, time))
        .single()
        .map(|t| t.timestamp())
}

/// A time of day as typed: `14:30`, `14：30` from an IME, or `1430` as document systems
/// write it.
pub fn parse_time(raw: &str) -> Option<chrono::NaiveTime> {
    let s = half_width(raw);
    let s = s.trim();
    let (h, m) = match s.split_once(':') {
        Some(hm) => hm,
        None if s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()) => s.split_at(2),
        None => return None,
    };
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    chrono::NaiveTime::from_hms_opt(number(h)?, number(m)?, 0)
}

/// Today as a date field's placeholder shows it (`115/12/03`): an example in the year the
/// officer is typing, by the app's clock where there is one.
pub fn example_date() -> String {
    #[cfg(feature = "ssr")]
    if let Ok(state) = crate::state::app_state() {
        return roc_date(state.today());
    }
    roc_date(taipei_day(chrono::Utc::now()))
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
        assert_eq!(roc_long_date(date), "中華民國113年3月15日");
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
    fn dates_are_read_as_offices_type_them() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        for typed in [
            "113.03.15",
            "113年3月15日",
            "民國113年03月15日",
            "1130315",
            "１１３／０３／１５",
            "113/03/15（五）",
            "113/3/15 (五)",
            "2024/3/15",
        ] {
            assert_eq!(parse_date(typed), d(2024, 3, 15), "{typed}");
        }
        assert_eq!(read_date("113/02/30"), Err(DateProblem::NoSuchDay));
        assert_eq!(read_date("3/15"), Err(DateProblem::NoYear));
        assert_eq!(read_date("113/13/01"), Err(DateProblem::Unreadable));
        assert_eq!(read_date("下週五"), Err(DateProblem::Unreadable));
        assert_eq!(read_date("3000-01-01"), Err(DateProblem::OutOfRange));
        assert_eq!(read_date("1130230"), Err(DateProblem::NoSuchDay));
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
        for typed in [
            "1130315 1030",
            "113年3月15日 10：30",
            "１１３／０３／１５　１０：３０",
        ] {
            assert_eq!(parse_taipei_datetime(typed), Some(1_710_469_800), "{typed}");
        }
        assert_eq!(parse_taipei_datetime("113/03/15 25:00"), None);
        assert_eq!(
            taipei_date(1_710_469_800),
            NaiveDate::from_ymd_opt(2024, 3, 15)
        );
    }

    #[test]
    fn times_are_read_with_or_without_a_colon_in_either_width() {
        let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("14:30"), t(14, 30));
        assert_eq!(parse_time("１４：３０"), t(14, 30));
        assert_eq!(parse_time("1430"), t(14, 30));
        assert_eq!(parse_time("9:05"), t(9, 5));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("14:60"), None);
        assert_eq!(parse_time("143"), None);
        assert_eq!(parse_time("下午兩點"), None);
    }
}

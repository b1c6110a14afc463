//! Dates as Taiwanese government users read them: Republic of China (民國) years, Taipei time.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};

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
}

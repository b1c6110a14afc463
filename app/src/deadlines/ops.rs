//! Importing a working-day calendar, written once for the admin page (pasted or uploaded),
//! `fuhuitong calendar import`, and the national calendar that ships with the app: the
//! years the text covers are replaced, all of them or none, with an audit row that says
//! what changed.

use super::{
    calendar::{self, CalendarChange},
    db,
};
use crate::{
    audit::{
        db::{record, Entry, Recorder},
        AuditAction,
    },
    caller::Caller,
    db::Tx,
    error::AppError,
};
use sqlx::AnyPool;

/// The most text a calendar may be: two years of the national table are some 40 KB.
pub const MAX_BYTES: usize = 1024 * 1024;

/// Imports `text` (from `source`: a file's name, or empty when pasted) by the caller.
pub async fn import(c: &Caller, text: &str, source: &str) -> Result<CalendarChange, AppError> {
    let parsed = read(text)?;
    let mut tx = c.begin().await?;
    let (change, entry) = replace(&mut tx, parsed, source).await?;
    c.audit(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(change)
}

fn read(text: &str) -> Result<calendar::Calendar, AppError> {
    if text.len() > MAX_BYTES {
        return Err(AppError::validation(
            "csv",
            "內容過長：以 1 MB 為限，請分次匯入。",
        ));
    }
    calendar::parse(text).map_err(|e| AppError::validation("csv", e.words()))
}

/// Replaces the years a published table covers with its days, or adds and corrects the
/// days typed by hand, in `tx`; the change and its audit row.
async fn replace(
    tx: &mut Tx,
    parsed: calendar::Calendar,
    source: &str,
) -> Result<(CalendarChange, Entry), AppError> {
    let before = db::days_in_years(tx, &parsed.years).await?;
    if parsed.replaces_years {
        db::remove_years(tx, &parsed.years).await?;
    }
    db::upsert_days(tx, &parsed.days).await?;
    let after = db::days_in_years(tx, &parsed.years).await?;
    let change = CalendarChange::between(&parsed.years, &before, &after);
    let entry =
        Entry::new(AuditAction::CalendarImported, "calendar_day", "").data(serde_json::json!({
            "source": source,
            "days": parsed.days.len(),
            "change": change,
        }));
    Ok((change, entry))
}

/// The national calendar (行政院人事行政總處's 政府行政機關辦公日曆表) for the years this
/// release knows, in the simple layout: its holidays on weekdays and make-up working days.
pub const NATIONAL: [(i32, &str); 2] = [
    (2026, include_str!("national/2026.csv")),
    (2027, include_str!("national/2027.csv")),
];

/// Loads each year of [`NATIONAL`] the database has no day of yet, so that a fresh install
/// is not blind to holidays; a year the admin has is left as it is. The years loaded.
pub async fn load_national(pool: &AnyPool, now: i64) -> Result<Vec<i32>, AppError> {
    let mut loaded = Vec::new();
    for (year, text) in NATIONAL {
        if db::has_year(pool, year).await? {
            continue;
        }
        let parsed = read(text)?;
        let mut tx = crate::db::begin(pool).await?;
        let (_, entry) = replace(&mut tx, parsed, "national").await?;
        record(&mut tx, now, &Recorder::system(), "", &entry).await?;
        tx.commit().await?;
        loaded.push(year);
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadlines::{DayKind, WorkCalendar};
    use chrono::{Datelike, NaiveDate, Weekday};

    fn national(year: i32) -> calendar::Calendar {
        let (_, text) = NATIONAL.iter().find(|(y, _)| *y == year).unwrap();
        calendar::parse(text).unwrap()
    }

    /// Days off in a year: weekends and holidays, less make-up working days.
    fn days_off(year: i32) -> usize {
        let cal = WorkCalendar::new(national(year).days.iter().map(|d| (d.day, d.kind)));
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter(|d| !cal.is_working_day(*d))
            .count()
    }

    #[test]
    fn the_national_calendars_read_and_hold_only_their_own_year() {
        for (year, _) in NATIONAL {
            let cal = national(year);
            assert_eq!(cal.years, [year].into());
            for d in &cal.days {
                let weekend = matches!(d.day.weekday(), Weekday::Sat | Weekday::Sun);
                assert_eq!(d.kind == DayKind::Holiday, !weekend, "{d:?}");
                assert!(!d.name.is_empty(), "{d:?}");
            }
        }
    }

    #[test]
    fn the_2026_calendar_has_the_120_days_off_the_government_announced() {
        // 行政院 114-06-13 院授人培字第11430248312號: 115 年總放假日數 120 日.
        assert_eq!(days_off(2026), 120);
        let cal = WorkCalendar::new(national(2026).days.iter().map(|d| (d.day, d.kind)));
        // The nine days of the lunar new year: 2/14 to 2/22.
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert!((14..=22).all(|d| !cal.is_working_day(day(2, d))));
        assert!(cal.is_working_day(day(2, 23)));
    }
}

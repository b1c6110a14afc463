use super::{CalendarDay, Counting, DayKind, DeadlineRule, RuleKind, WorkCalendar};
use crate::db::Db;
use crate::db::{date, unexpected};
use sqlx::{AnyConnection, Row};

pub async fn rules<'c>(pool: impl Db<'c>) -> Result<Vec<DeadlineRule>, sqlx::Error> {
    let rows = sqlx::query("SELECT rule, days, counting FROM deadline_rules")
        .fetch_all(pool)
        .await?;
    let mut rules = rows
        .iter()
        .map(|row| {
            Ok(DeadlineRule {
                kind: RuleKind::parse(row.try_get("rule")?).ok_or_else(|| unexpected("rule"))?,
                days: u32::try_from(row.try_get::<i64, _>("days")?)
                    .map_err(|_| unexpected("days"))?,
                counting: Counting::parse(row.try_get("counting")?)
                    .ok_or_else(|| unexpected("counting"))?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    rules.sort_by_key(|r| r.kind);
    Ok(rules)
}

pub async fn rule<'c>(pool: impl Db<'c>, kind: RuleKind) -> Result<DeadlineRule, sqlx::Error> {
    rules(pool)
        .await?
        .into_iter()
        .find(|r| r.kind == kind)
        .ok_or_else(|| unexpected("missing deadline rule"))
}

pub async fn save_rule(conn: &mut AnyConnection, rule: &DeadlineRule) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO deadline_rules (rule, days, counting) VALUES ($1, $2, $3) \
         ON CONFLICT (rule) DO UPDATE SET days = excluded.days, counting = excluded.counting",
    )
    .bind(rule.kind.as_str())
    .bind(i64::from(rule.days))
    .bind(rule.counting.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn calendar_days<'c>(pool: impl Db<'c>) -> Result<Vec<CalendarDay>, sqlx::Error> {
    let rows = sqlx::query("SELECT day, kind, name FROM calendar_days ORDER BY day")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(CalendarDay {
                day: date(row, "day")?,
                kind: DayKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("day kind"))?,
                name: row.try_get("name")?,
            })
        })
        .collect()
}

pub async fn work_calendar<'c>(pool: impl Db<'c>) -> Result<WorkCalendar, sqlx::Error> {
    Ok(WorkCalendar::new(
        calendar_days(pool)
            .await?
            .into_iter()
            .map(|d| (d.day, d.kind)),
    ))
}

/// Adds or replaces days; an import of the same file twice changes nothing. All or none:
/// the caller's transaction holds them.
pub async fn upsert_days(
    conn: &mut AnyConnection,
    days: &[CalendarDay],
) -> Result<(), sqlx::Error> {
    for day in days {
        sqlx::query(
            "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3) \
             ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
        )
        .bind(day.day.to_string())
        .bind(day.kind.as_str())
        .bind(&day.name)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One day's exception, if there is one.
pub async fn calendar_day(
    conn: &mut AnyConnection,
    day: chrono::NaiveDate,
) -> Result<Option<CalendarDay>, sqlx::Error> {
    let row = sqlx::query("SELECT day, kind, name FROM calendar_days WHERE day = $1")
        .bind(day.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        Ok(CalendarDay {
            day: date(&row, "day")?,
            kind: DayKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("day kind"))?,
            name: row.try_get("name")?,
        })
    })
    .transpose()
}

pub async fn remove_day(
    conn: &mut AnyConnection,
    day: chrono::NaiveDate,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM calendar_days WHERE day = $1")
        .bind(day.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The first and last day of `year`, as days are stored.
fn year_bounds(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

/// The exceptions of the given years.
pub async fn days_in_years(
    conn: &mut AnyConnection,
    years: &std::collections::BTreeSet<i32>,
) -> Result<Vec<CalendarDay>, sqlx::Error> {
    let mut days = Vec::new();
    for year in years {
        let (first, last) = year_bounds(*year);
        let rows = sqlx::query(
            "SELECT day, kind, name FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day",
        )
        .bind(first)
        .bind(last)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            days.push(CalendarDay {
                day: date(&row, "day")?,
                kind: DayKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("day kind"))?,
                name: row.try_get("name")?,
            });
        }
    }
    Ok(days)
}

/// Removes every exception of the given years (an import replaces the years it covers).
pub async fn remove_years(
    conn: &mut AnyConnection,
    years: &std::collections::BTreeSet<i32>,
) -> Result<(), sqlx::Error> {
    for year in years {
        let (first, last) = year_bounds(*year);
        sqlx::query("DELETE FROM calendar_days WHERE day >= $1 AND day <= $2")
            .bind(first)
            .bind(last)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether any exception of `year` is known.
pub async fn has_year<'c>(pool: impl Db<'c>, year: i32) -> Result<bool, sqlx::Error> {
    let (first, last) = year_bounds(year);
    let found: Option<String> =
        sqlx::query_scalar("SELECT day FROM calendar_days WHERE day >= $1 AND day <= $2 LIMIT 1")
            .bind(first)
            .bind(last)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

/// The latest calendar import: when, by whom, what it changed.
pub async fn last_import<'c>(pool: impl Db<'c>) -> Result<Option<super::LastImport>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT at, actor_name, data FROM audit_log WHERE action = 'calendar_imported' \
         ORDER BY at DESC, seq DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let data: String = row.try_get("data")?;
    let data: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
    // Imports recorded before changes were kept say only how many days they had.
    let change = serde_json::from_value(data["change"].clone()).ok();
    Ok(Some(super::LastImport {
        at: row.try_get("at")?,
        by: row.try_get("actor_name")?,
        source: data["source"].as_str().unwrap_or_default().to_owned(),
        change,
    }))
}

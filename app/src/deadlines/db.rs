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

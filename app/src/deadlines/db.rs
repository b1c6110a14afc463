use super::{CalendarDay, Counting, DayKind, DeadlineRule, RuleKind, WorkCalendar};
use crate::db::{date, unexpected};
use sqlx::{AnyPool, Row};

pub async fn rules(pool: &AnyPool) -> Result<Vec<DeadlineRule>, sqlx::Error> {
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

pub async fn rule(pool: &AnyPool, kind: RuleKind) -> Result<DeadlineRule, sqlx::Error> {
    rules(pool)
        .await?
        .into_iter()
        .find(|r| r.kind == kind)
        .ok_or_else(|| unexpected("missing deadline rule"))
}

pub async fn save_rule(pool: &AnyPool, rule: &DeadlineRule) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO deadline_rules (rule, days, counting) VALUES ($1, $2, $3) \
         ON CONFLICT (rule) DO UPDATE SET days = excluded.days, counting = excluded.counting",
    )
    .bind(rule.kind.as_str())
    .bind(i64::from(rule.days))
    .bind(rule.counting.as_str())
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn calendar_days(pool: &AnyPool) -> Result<Vec<CalendarDay>, sqlx::Error> {
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

pub async fn work_calendar(pool: &AnyPool) -> Result<WorkCalendar, sqlx::Error> {
    Ok(WorkCalendar::new(
        calendar_days(pool)
            .await?
            .into_iter()
            .map(|d| (d.day, d.kind)),
    ))
}

/// Adds or replaces days; an import of the same file twice changes nothing.
pub async fn upsert_days(pool: &AnyPool, days: &[CalendarDay]) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    for day in days {
        sqlx::query(
            "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3) \
             ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
        )
        .bind(day.day.to_string())
        .bind(day.kind.as_str())
        .bind(&day.name)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

pub async fn remove_day(pool: &AnyPool, day: chrono::NaiveDate) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM calendar_days WHERE day = $1")
        .bind(day.to_string())
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

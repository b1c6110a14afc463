use super::{CalendarDay, DeadlineRule};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    audit::{db::Entry, AuditAction},
    caller::Caller,
};
#[cfg(feature = "ssr")]
use chrono::Datelike;

#[cfg(feature = "ssr")]
fn day_json(day: &CalendarDay) -> serde_json::Value {
    serde_json::json!({ "day": day.day, "kind": day.kind.as_str(), "name": day.name })
}

/// The deadline rules, the calendar's exceptions and its latest import, for the admin page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeadlineSettings {
    pub rules: Vec<DeadlineRule>,
    pub days: Vec<CalendarDay>,
    pub last_import: Option<super::LastImport>,
}

#[server(prefix = "/api", endpoint = "admin/deadlines")]
pub async fn load_deadline_settings() -> Result<DeadlineSettings, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            Ok(DeadlineSettings {
                rules: super::db::rules(c.db()).await?,
                days: super::db::calendar_days(c.db()).await?,
                last_import: super::db::last_import(c.db()).await?,
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/deadlines/rule")]
pub async fn save_rule(rule: String, days: String, counting: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let rule = DeadlineRule::parse(&rule, &days, &counting)?;
            let mut tx = c.begin().await?;
            let before = super::db::rule(&mut *tx, rule.kind).await?;
            super::db::save_rule(&mut tx, &rule).await?;
            let json = |r: &DeadlineRule| serde_json::json!({ "days": r.days, "counting": r.counting.as_str() });
            let entry = Entry::new(AuditAction::DeadlineRuleChanged, "deadline_rule", rule.kind.as_str())
                .data(serde_json::json!({ "before": json(&before), "after": json(&rule) }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/calendar/add")]
pub async fn add_calendar_day(day: String, kind: String, name: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let day = crate::dates::parse_date(&day)
                .ok_or_else(|| AppError::validation("day", "請輸入日期（民國年/月/日）。"))?;
            let kind = super::DayKind::parse(&kind)
                .ok_or_else(|| AppError::validation("kind", "請選擇放假或補行上班。"))?;
            let name = name.trim().chars().take(40).collect();
            let after = CalendarDay { day, kind, name };
            let mut tx = c.begin().await?;
            let before = super::db::calendar_day(&mut tx, day).await?;
            super::db::upsert_days(&mut tx, std::slice::from_ref(&after)).await?;
            let entry = Entry::new(AuditAction::CalendarDaySaved, "calendar_day", day).data(
                serde_json::json!({ "before": before.as_ref().map(day_json), "after": day_json(&after) }),
            );
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/calendar/remove")]
pub async fn remove_calendar_day(day: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let day = crate::dates::parse_date(&day).ok_or(AppError::BadRequest)?;
            let mut tx = c.begin().await?;
            let before = super::db::calendar_day(&mut tx, day)
                .await?
                .ok_or(AppError::NotFound)?;
            super::db::remove_day(&mut tx, day).await?;
            let entry = Entry::new(AuditAction::CalendarDayRemoved, "calendar_day", day)
                .data(serde_json::json!({ "before": day_json(&before) }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Imports a calendar pasted by the admin: the years it covers are replaced, all lines or
/// none. (A file is uploaded to `/admin/deadlines/calendar`.)
#[server(prefix = "/api", endpoint = "admin/calendar/import")]
pub async fn import_calendar(csv: String) -> Result<super::calendar::CalendarChange, AppError> {
    crate::error::with_status(
        async { super::ops::import(&Caller::admin().await?, &csv, "").await }.await,
    )
}

/// The years whose calendar is missing and should be loaded now (see
/// [`super::years_missing`]), for the admin's start page.
#[server(prefix = "/api", endpoint = "admin/calendar/missing")]
pub async fn calendar_years_missing() -> Result<Vec<i32>, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let today = c.today();
            let mut has = std::collections::HashMap::new();
            for year in [today.year(), today.year() + 1] {
                has.insert(year, super::db::has_year(c.db(), year).await?);
            }
            Ok(super::years_missing(today, |y| {
                has.get(&y).copied().unwrap_or(true)
            }))
        }
        .await,
    )
}

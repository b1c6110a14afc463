use super::{CalendarDay, DeadlineRule};
use crate::error::AppError;
use leptos::prelude::*;

/// The deadline rules and the calendar's exceptions, for the admin page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeadlineSettings {
    pub rules: Vec<DeadlineRule>,
    pub days: Vec<CalendarDay>,
}

#[server(prefix = "/api", endpoint = "admin/deadlines")]
pub async fn load_deadline_settings() -> Result<DeadlineSettings, AppError> {
    crate::error::with_status(
        async {
            crate::auth::session::require_role(&[crate::auth::Role::Admin]).await?;
            let state = crate::state::app_state()?;
            Ok(DeadlineSettings {
                rules: super::db::rules(&state.db).await?,
                days: super::db::calendar_days(&state.db).await?,
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/deadlines/rule")]
pub async fn save_rule(rule: String, days: String, counting: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let admin = crate::auth::session::require_role(&[crate::auth::Role::Admin]).await?;
            let rule = DeadlineRule::parse(&rule, &days, &counting)?;
            let state = crate::state::app_state()?;
            super::db::save_rule(&state.db, &rule).await?;
            tracing::info!(admin = %admin.username, ?rule, "deadline rule changed");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/calendar/add")]
pub async fn add_calendar_day(day: String, kind: String, name: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            crate::auth::session::require_role(&[crate::auth::Role::Admin]).await?;
            let day = super::parse_date(&day)
                .ok_or_else(|| AppError::validation("day", "請輸入日期，例如 113/04/04。"))?;
            let kind = super::DayKind::parse(&kind)
                .ok_or_else(|| AppError::validation("kind", "請選擇放假或補行上班。"))?;
            let name = name.trim().chars().take(40).collect();
            let state = crate::state::app_state()?;
            super::db::upsert_days(&state.db, &[CalendarDay { day, kind, name }]).await?;
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/calendar/remove")]
pub async fn remove_calendar_day(day: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            crate::auth::session::require_role(&[crate::auth::Role::Admin]).await?;
            let day = super::parse_date(&day).ok_or(AppError::BadRequest)?;
            let state = crate::state::app_state()?;
            if super::db::remove_day(&state.db, day).await? {
                Ok(())
            } else {
                Err(AppError::NotFound)
            }
        }
        .await,
    )
}

/// Imports a calendar CSV pasted by the admin; all lines or none.
#[server(prefix = "/api", endpoint = "admin/calendar/import")]
pub async fn import_calendar(csv: String) -> Result<usize, AppError> {
    crate::error::with_status(
        async {
            crate::auth::session::require_role(&[crate::auth::Role::Admin]).await?;
            if csv.len() > 200_000 {
                return Err(AppError::validation("csv", "內容過長，請分次匯入。"));
            }
            let days = super::parse_calendar_csv(&csv).map_err(|problems| {
                let listed: Vec<String> = problems
                    .iter()
                    .take(10)
                    .map(|p| format!("第 {} 行：{}", p.line, p.message))
                    .collect();
                AppError::validation("csv", format!("未匯入任何資料。{}", listed.join(" ")))
            })?;
            if days.is_empty() {
                return Err(AppError::validation("csv", "沒有可匯入的日期。"));
            }
            let state = crate::state::app_state()?;
            super::db::upsert_days(&state.db, &days).await?;
            Ok(days.len())
        }
        .await,
    )
}

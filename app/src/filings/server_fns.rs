//! The secretariat's side of filings: take a filed case in or refuse it (from its case
//! page), switch filing off for a link and set the daily limit (on the links page).

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn secretariat() -> Result<crate::caller::Caller, AppError> {
    crate::caller::Caller::with_role(&[crate::auth::Role::Secretariat]).await
}

/// Takes a filed case into the queue to be assigned.
#[server(prefix = "/api", endpoint = "filings/take-in")]
pub async fn take_in_filing(case_id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            let result = super::db::decide(&c, case_id, &super::db::Decision::TakeIn).await;
            c.refusals(case_id, result).await?;
            leptos_axum::redirect(&format!("/cases/{case_id}"));
            Ok(())
        }
        .await,
    )
}

/// Refuses a filed case, with the reason the office reads on its status page.
#[server(prefix = "/api", endpoint = "filings/refuse")]
pub async fn refuse_filing(case_id: i64, reason: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            let decision = super::db::Decision::Refuse(reason.clone());
            let result = super::db::decide(&c, case_id, &decision).await;
            c.refusals(case_id, result)
                .await
                .map_err(|e| e.with_input(vec![("reason".into(), reason)]))?;
            leptos_axum::redirect(&format!("/cases/{case_id}"));
            Ok(())
        }
        .await,
    )
}

/// Lets a councilor's link file, or stops it (`on`: a ticked box).
#[server(prefix = "/api", endpoint = "filings/switch")]
pub async fn switch_link_filing(
    link: i64,
    #[server(default)] on: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            super::db::set_enabled(&c, link, on.is_some()).await
        }
        .await,
    )
}

/// How many cases one link may file a day.
#[server(prefix = "/api", endpoint = "filings/per-day")]
pub async fn filings_per_day() -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            Ok(super::db::per_day(c.db()).await?)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "filings/per-day/save")]
pub async fn save_filings_per_day(per_day: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = secretariat().await?;
            let n = super::parse_per_day(&per_day)?;
            let before = super::db::per_day(c.db()).await?;
            let mut tx = c.begin().await?;
            super::db::set_per_day(&mut tx, n).await?;
            let entry = Entry::new(
                AuditAction::FilingSettingsChanged,
                "setting",
                "link_filings_per_day",
            )
            .data(serde_json::json!({ "before": before, "after": n }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

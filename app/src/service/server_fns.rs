//! The secretariat records a service case taken by phone; the admin sets how long a
//! constituent's name and phone are kept.

use super::ServiceForm;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "service/record")]
pub async fn record_service_case(form: ServiceForm) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller, cases::db::RecordedBy};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let new = form.parse().map_err(|e| e.with_input(form.echo()))?;
            let mut tx = c.begin().await?;
            let id = super::db::record(
                &mut tx,
                new.session_id,
                new.councilor_id,
                new.received_at,
                &new.case,
                RecordedBy::User(&c.user),
                c.ts(),
            )
            .await
            .map_err(|e| e.with_input(form.echo()))?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/cases/{id}"));
            Ok(id)
        }
        .await,
    )
}

/// How many days a closed service case keeps its constituent's name and phone.
#[server(prefix = "/api", endpoint = "admin/personal-data-days")]
pub async fn personal_data_days() -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let c = crate::caller::Caller::admin().await?;
            Ok(super::db::retention_days(c.db()).await?)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/personal-data-days/save")]
pub async fn save_personal_data_days(days: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = crate::caller::Caller::admin().await?;
            let days = super::parse_retention_days(&days)?;
            let before = super::db::retention_days(c.db()).await?;
            let mut tx = c.begin().await?;
            super::db::set_retention_days(&mut tx, days).await?;
            let entry = Entry::new(
                AuditAction::FilingSettingsChanged,
                "setting",
                "personal_data_days",
            )
            .data(serde_json::json!({ "before": before, "after": days }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Schedules a site inspection or coordination meeting (`bureau[]` and `attendees[]` pair
/// up by position).
#[server(prefix = "/api", endpoint = "service/visit")]
pub async fn schedule_visit(
    case_id: i64,
    kind: String,
    held_on: String,
    #[server(default)] starts_at: String,
    place: String,
    #[server(default)] bureau: Vec<String>,
    #[server(default)] attendees: Vec<String>,
) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            let c = crate::caller::Caller::signed_in().await?;
            let echo = || {
                let mut pairs = vec![
                    ("kind".to_owned(), kind.clone()),
                    ("held_on".to_owned(), held_on.clone()),
                    ("starts_at".to_owned(), starts_at.clone()),
                    ("place".to_owned(), place.clone()),
                ];
                pairs.extend(bureau.iter().map(|b| ("bureau".to_owned(), b.clone())));
                pairs.extend(
                    attendees
                        .iter()
                        .map(|a| ("attendees".to_owned(), a.clone())),
                );
                pairs
            };
            let visit =
                super::parse_visit(&kind, &held_on, &starts_at, &place, &bureau, &attendees)
                    .map_err(|e| e.with_input(echo()))?;
            let result = super::db::schedule_visit(&c, case_id, &visit).await;
            let id = c
                .refusals(case_id, result)
                .await
                .map_err(|e| e.with_input(echo()))?;
            leptos_axum::redirect(&format!("/cases/{case_id}#visits"));
            Ok(id)
        }
        .await,
    )
}

/// Records what came of a visit.
#[server(prefix = "/api", endpoint = "service/visit-outcome")]
pub async fn record_visit_outcome(visit_id: i64, outcome: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = crate::caller::Caller::signed_in().await?;
            let text = super::parse_outcome(&outcome)
                .map_err(|e| e.with_input(vec![("outcome".into(), outcome.clone())]))?;
            let case_id = super::db::record_outcome(&c, visit_id, &text).await?;
            leptos_axum::redirect(&format!("/cases/{case_id}#visits"));
            Ok(())
        }
        .await,
    )
}

//! The secretariat records resolutions, the city's reconsideration and the council's answer;
//! the reviewer finds one not executable; the secretariat compiles the execution report.
//! Each: the caller, the parsed form, one call.

use super::{NotExecutableForm, ReconsiderationForm, ResolutionForm};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[server(prefix = "/api", endpoint = "resolutions/record")]
pub async fn record_resolution(form: ResolutionForm) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let new = form.parse().map_err(|e| e.with_input(form.echo()))?;
            let mut tx = c.begin().await?;
            let id = super::db::record(&mut tx, &new, &c.user, c.ts())
                .await
                .map_err(|e| e.with_input(form.echo()))?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/cases/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "resolutions/reconsideration")]
pub async fn ask_reconsideration(
    case_id: i64,
    #[server(default)] form: ReconsiderationForm,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let result = async {
                let mut tx = c.begin().await?;
                super::db::ask_reconsideration(&c, &mut tx, case_id, &form).await?;
                tx.commit().await?;
                Ok(())
            }
            .await
            .map_err(|e: AppError| {
                e.keeping(&[
                    ("asked_on", &form.asked_on),
                    ("letter_number", &form.letter_number),
                    ("reason", &form.reason),
                ])
            });
            c.refusals(case_id, result).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "resolutions/reconsideration-outcome")]
pub async fn reconsideration_outcome(
    case_id: i64,
    #[server(default)] outcome: String,
    #[server(default)] outcome_on: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let result = async {
                let mut tx = c.begin().await?;
                super::db::record_outcome(&c, &mut tx, case_id, &outcome, &outcome_on).await?;
                tx.commit().await?;
                Ok(())
            }
            .await
            .map_err(|e: AppError| {
                e.keeping(&[("outcome", &outcome), ("outcome_on", &outcome_on)])
            });
            c.refusals(case_id, result).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "resolutions/not-executable")]
pub async fn mark_not_executable(
    case_id: i64,
    #[server(default)] form: NotExecutableForm,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Reviewer]).await?;
            let echo = [
                ("sent_on", form.sent_on.as_str()),
                ("letter_number", form.letter_number.as_str()),
                ("reply", form.reply.as_str()),
            ];
            let finding = form.parse(c.today()).map_err(|e| e.keeping(&echo))?;
            let result = async {
                let mut tx = c.begin().await?;
                super::db::mark_not_executable(&c, &mut tx, case_id, &finding).await?;
                tx.commit().await?;
                Ok(())
            }
            .await
            .map_err(|e: AppError| e.keeping(&echo));
            c.refusals(case_id, result).await
        }
        .await,
    )
}

/// What the execution-report page offers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportsPageData {
    pub next: Option<super::ReportDue>,
    /// Sessions with resolutions: id, title, how many.
    pub sessions: Vec<(i64, String, i64)>,
    /// Regular sessions a report may go to.
    pub targets: Vec<(i64, String)>,
    pub compiled: Vec<super::CompiledRow>,
    pub may_compile: bool,
}

/// Who reads execution reports: the secretariat compiles them, the reviewer and the admin
/// read them. They cover every bureau, so bureaus read their own resolutions on their
/// case pages instead.
pub const REPORT_READERS: &[crate::auth::Role] = &[
    crate::auth::Role::Secretariat,
    crate::auth::Role::Reviewer,
    crate::auth::Role::Admin,
];

#[server(prefix = "/api", endpoint = "resolutions/reports")]
pub async fn reports_page() -> Result<ReportsPageData, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(REPORT_READERS).await?;
            let db = c.db();
            Ok(ReportsPageData {
                next: super::db::next_report(db, c.today()).await?,
                sessions: super::db::sessions_with_resolutions(db).await?,
                targets: super::db::report_sessions(db).await?,
                compiled: super::db::compiled(db).await?,
                may_compile: c.user.role == Role::Secretariat,
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "resolutions/compile")]
pub async fn compile_report(
    #[server(default)] for_session_id: String,
    #[server(default)] session_ids: Vec<String>,
) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let (target, sessions) = super::parse_compile(&for_session_id, &session_ids)?;
            let mut tx = c.begin().await?;
            let id = super::db::compile(&c, &mut tx, target, &sessions, c.ts()).await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/resolutions/reports/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "resolutions/report")]
pub async fn execution_report(
    id: i64,
) -> Result<(super::report::ExecutionReport, crate::city::City), AppError> {
    crate::error::with_status(
        async {
            let c = crate::caller::Caller::with_role(REPORT_READERS).await?;
            let report = super::db::report(c.db(), id).await?;
            Ok::<_, AppError>((report, (*c.state.city).clone()))
        }
        .await,
    )
}

/// The start page's warnings: reconsideration windows closing within five working days,
/// and the execution report when it is due soon and not compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartWarnings {
    pub windows: Vec<super::ClosingWindow>,
    pub report: Option<super::ReportDue>,
}

#[server(prefix = "/api", endpoint = "resolutions/warnings")]
pub async fn warnings() -> Result<StartWarnings, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer]).await?;
            let today = c.today();
            let calendar = crate::deadlines::db::work_calendar(c.db()).await?;
            let report = super::db::next_report(c.db(), today)
                .await?
                .filter(|due| super::remind(due, today, &calendar));
            Ok(StartWarnings {
                windows: super::db::closing_windows(c.db(), today).await?,
                report,
            })
        }
        .await,
    )
}

/// An uploaded list of resolutions checked row by row, its columns mapped as `columns` (the
/// preview page's query) says, the guess where it is silent.
#[server(prefix = "/api", endpoint = "resolutions/import/preview")]
pub async fn resolution_import_preview(
    id: i64,
    #[server(default)] columns: String,
) -> Result<super::import::Preview, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            super::db::preview(c.db(), id, |k| crate::url::query_value(&columns, k)).await
        }
        .await,
    )
}

/// Imports the rows chosen on the preview (`line[]`): all in one transaction, or, if any
/// chosen row has a problem, none. Returns how many resolutions were recorded.
#[server(prefix = "/api", endpoint = "resolutions/import/commit")]
pub async fn commit_resolution_import(
    id: i64,
    #[server(default)] columns: String,
    #[server(default)] line: Vec<String>,
) -> Result<usize, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let lines = line.iter().filter_map(|l| l.trim().parse().ok()).collect();
            let columns = |k: &str| crate::url::query_value(&columns, k);
            let n = super::db::commit_import(&c, id, columns, &lines).await?;
            leptos_axum::redirect(&format!("/resolutions/import/{id}"));
            Ok(n)
        }
        .await,
    )
}

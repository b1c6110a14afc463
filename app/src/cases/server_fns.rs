//! The case workflow over HTTP. Each fn: who is calling, parse the input, one call into
//! `db`, which re-checks the workflow rules inside its transaction.

use super::{CaseDetail, CaseFilter, CasePage, DataRequestForm, QuestionForm, Queue};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod prelude {
    pub use crate::{
        auth::{session::require_user, CurrentUser, Role},
        error::with_status,
        state::{app_state, AppState},
    };

    /// Today in Taipei, by the app's clock.
    pub fn today(state: &AppState) -> chrono::NaiveDate {
        super::super::taipei_date(state.now().timestamp()).unwrap_or_default()
    }

    pub async fn caller() -> Result<(CurrentUser, AppState, i64), crate::error::AppError> {
        let user = require_user().await?;
        let state = app_state()?;
        let now = state.now().timestamp();
        Ok((user, state, now))
    }
}
#[cfg(feature = "ssr")]
use prelude::*;

#[server(prefix = "/api", endpoint = "cases/list")]
pub async fn list_cases(#[server(default)] filter: CaseFilter) -> Result<CasePage, AppError> {
    with_status(
        async {
            let (user, state, _) = caller().await?;
            super::db::list(&state.db, &filter, &user, today(&state)).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/queues")]
pub async fn my_queues() -> Result<Vec<Queue>, AppError> {
    with_status(
        async {
            let (user, state, _) = caller().await?;
            super::db::queues(&state.db, &user, today(&state)).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/detail")]
pub async fn load_case(id: i64) -> Result<CaseDetail, AppError> {
    with_status(
        async {
            let (user, state, _) = caller().await?;
            super::db::detail(&state.db, id, &user, today(&state)).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/record-question")]
pub async fn record_question(form: QuestionForm) -> Result<i64, AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            if user.role != Role::Secretariat {
                return Err(AppError::Forbidden);
            }
            let question = form.parse().map_err(|e| e.with_input(form.echo()))?;
            let id = super::db::record_question(&state.db, &question, &user, now).await?;
            leptos_axum::redirect(&format!("/cases/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/record-data-request")]
pub async fn record_data_request(form: DataRequestForm) -> Result<i64, AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            if user.role != Role::Secretariat {
                return Err(AppError::Forbidden);
            }
            let request = form.parse().map_err(|e| e.with_input(form.echo()))?;
            let id = super::db::record_data_request(&state.db, &request, &user, now).await?;
            leptos_axum::redirect(&format!("/cases/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/assign")]
pub async fn assign_case(
    case_id: i64,
    version: i64,
    lead_bureau_id: String,
    #[server(default)] co_bureau_ids: Vec<String>,
) -> Result<(), AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            let lead = super::parse_id("lead_bureau_id", &lead_bureau_id, "請選擇主辦機關。")?;
            let mut co = Vec::new();
            for raw in co_bureau_ids.iter().filter(|v| !v.trim().is_empty()) {
                let id = super::parse_id("co_bureau_ids", raw, "請選擇協辦機關。")?;
                if !co.contains(&id) {
                    co.push(id);
                }
            }
            super::db::assign(&state.db, case_id, &user, version, lead, &co, now).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/add-co-bureau")]
pub async fn add_co_bureau(case_id: i64, bureau_id: String) -> Result<(), AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            let bureau = super::parse_id("bureau_id", &bureau_id, "請選擇協辦機關。")?;
            super::db::add_co_bureau(&state.db, case_id, &user, bureau, now).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/reassign")]
pub async fn reassign_part(case_id: i64, part_id: i64, bureau_id: String) -> Result<(), AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            let bureau = super::parse_id("bureau_id", &bureau_id, "請選擇改分的局處。")?;
            super::db::reassign(&state.db, case_id, &user, part_id, bureau, now).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/accept")]
pub async fn accept_part(case_id: i64) -> Result<(), AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            super::db::accept(&state.db, case_id, &user, now).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/reject")]
pub async fn reject_part(
    case_id: i64,
    reason: String,
    #[server(default)] suggested_bureau_id: String,
) -> Result<(), AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            let rejection = super::Rejection::parse(&reason, &suggested_bureau_id)?;
            super::db::reject(&state.db, case_id, &user, &rejection, now).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/sub-answer")]
pub async fn write_sub_answer(case_id: i64, body: String) -> Result<(), AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            let body = super::answer_text("body", &body, "協辦意見")?;
            super::db::write_sub_answer(&state.db, case_id, &user, &body, now).await
        }
        .await,
    )
}

/// Saves the reply; returns its new version for the next save.
#[server(prefix = "/api", endpoint = "cases/reply")]
pub async fn save_reply(
    case_id: i64,
    reply_version: i64,
    reply: String,
    #[server(default)] cannot_provide: Option<String>,
) -> Result<i64, AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            let text = super::answer_text("reply", &reply, "答復內容")
                .map_err(|e| e.with_input(vec![("reply".into(), reply.clone())]))?;
            super::db::save_reply(
                &state.db,
                case_id,
                &user,
                &text,
                cannot_provide.is_some(),
                reply_version,
                now,
            )
            .await
        }
        .await,
    )
}

/// The status steps that carry at most a comment. `step` is the action's name.
#[server(prefix = "/api", endpoint = "cases/step")]
pub async fn take_step(
    case_id: i64,
    version: i64,
    step: String,
    #[server(default)] comment: String,
    #[server(default)] keep_tracking: Option<String>,
) -> Result<(), AppError> {
    with_status(
        async {
            use super::workflow::Action;
            let (user, state, now) = caller().await?;
            let action = Action::from_name(&step)
                .filter(|a| Action::STATUS_STEPS.contains(a))
                .ok_or(AppError::BadRequest)?;
            let comment = match action {
                Action::ReturnFromCheck | Action::ReturnFromReview | Action::SendBack => {
                    Some(super::comment_text("comment", &comment, "退回意見")?)
                }
                _ if comment.trim().is_empty() => None,
                _ => Some(super::comment_text("comment", &comment, "意見")?),
            };
            let request = super::db::StepRequest {
                action,
                version,
                comment: comment.as_deref(),
                keep_tracking: keep_tracking.is_some(),
            };
            super::db::transition(&state.db, case_id, &user, &request, now).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/due")]
pub async fn override_due(
    case_id: i64,
    due_on: String,
    due_reason: String,
) -> Result<(), AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            let due = super::DueOverride::parse(&due_on, &due_reason)?
                .ok_or_else(|| AppError::validation("due_on", "請輸入新的期限。"))?;
            super::db::override_due(&state.db, case_id, &user, &due, now).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/postpone")]
pub async fn postpone(case_id: i64, due_on: String, due_reason: String) -> Result<(), AppError> {
    with_status(
        async {
            let (user, state, now) = caller().await?;
            let due = super::DueOverride::parse(&due_on, &due_reason)?
                .ok_or_else(|| AppError::validation("due_on", "請輸入展延後的期限。"))?;
            super::db::postpone(&state.db, case_id, &user, &due, now).await
        }
        .await,
    )
}

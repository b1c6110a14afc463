//! The case workflow over HTTP. Each fn: who is calling, parse the input, one call into
//! `db`, which re-checks the workflow rules inside its transaction.

use super::{
    search::SimilarCase, CaseDetail, CaseFilter, CasePage, DataRequestForm, QuestionForm, Queue,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::Role, caller::Caller, error::with_status};

/// Runs one change in a transaction of its own and commits it. A refusal to touch the case
/// (it does not exist for this user, or they may not act on it) is audited.
#[cfg(feature = "ssr")]
macro_rules! change {
    ($c:ident, $case_id:expr, |$tx:ident| $body:expr) => {{
        let result = async {
            let mut $tx = $c.begin().await?;
            let value = $body.await?;
            $tx.commit().await?;
            Ok(value)
        }
        .await;
        $c.refusals($case_id, result).await
    }};
}

#[server(prefix = "/api", endpoint = "cases/list")]
pub async fn list_cases(#[server(default)] filter: CaseFilter) -> Result<CasePage, AppError> {
    with_status(
        async {
            let c = Caller::signed_in().await?;
            super::db::list(c.db(), &filter, &c.user, c.today()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/queues")]
pub async fn my_queues() -> Result<Vec<Queue>, AppError> {
    with_status(
        async {
            let c = Caller::signed_in().await?;
            super::db::queues(c.db(), &c.user, c.today()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/detail")]
pub async fn load_case(id: i64) -> Result<CaseDetail, AppError> {
    with_status(
        async {
            let c = Caller::signed_in().await?;
            let result = super::db::detail(c.db(), id, &c.user, c.today()).await;
            c.refusals(id, result).await
        }
        .await,
    )
}

/// Earlier cases alike to a question being recorded (its topic and councilors so far).
#[server(prefix = "/api", endpoint = "cases/similar")]
pub async fn similar_to_draft(
    topic: String,
    #[server(default)] councilor_ids: Vec<i64>,
) -> Result<Vec<SimilarCase>, AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let probe = super::search::Probe::draft(&topic, councilor_ids);
            super::db::similar(c.db(), &c.user, &probe).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/record-question")]
pub async fn record_question(
    form: QuestionForm,
    #[server(default)] then: Option<String>,
) -> Result<i64, AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let question = form.parse().map_err(|e| e.with_input(form.echo()))?;
            let mut tx = c.begin().await?;
            let id = super::db::record_question(&mut tx, &question, &c.user, c.ts()).await?;
            tx.commit().await?;
            // 登錄並繼續下一題: a fresh form that starts from this question (only its id in
            // the address; the page reads the rest).
            leptos_axum::redirect(&match then.as_deref() {
                Some("next") => format!("/cases/new/question?after={id}"),
                _ => format!("/cases/{id}"),
            });
            Ok(id)
        }
        .await,
    )
}

/// What the next question of a sitting starts from: the question just recorded (`after`),
/// its session, sitting, day and councilors, and the next free number.
#[server(prefix = "/api", endpoint = "cases/next-question")]
pub async fn next_question(after: i64) -> Result<Option<super::NextQuestion>, AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            Ok(super::db::next_question(c.db(), after).await?)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/record-data-request")]
pub async fn record_data_request(form: DataRequestForm) -> Result<i64, AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let request = form.parse().map_err(|e| e.with_input(form.echo()))?;
            let mut tx = c.begin().await?;
            let id = super::db::record_data_request(
                &mut tx,
                &request,
                super::db::RecordedBy::User(&c.user),
                c.ts(),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/cases/{id}"));
            Ok(id)
        }
        .await,
    )
}

/// The secretariat assigns the rows ticked on the list to one lead bureau, all or none,
/// and goes back to the list (`back`, the list's own address) saying how many.
#[server(prefix = "/api", endpoint = "cases/assign-many")]
pub async fn assign_many(
    #[server(default)] ids: Vec<String>,
    #[server(default)] lead_bureau_id: String,
    #[server(default)] back: String,
) -> Result<usize, AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            if ids.len() > CaseFilter::MAX_IDS {
                return Err(AppError::validation(
                    "ids",
                    format!("一次最多分派 {} 案。", CaseFilter::MAX_IDS),
                ));
            }
            let mut chosen: Vec<i64> = Vec::new();
            for raw in &ids {
                let id = super::parse_id("ids", raw, "請勾選要分派的案件。")?;
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            if chosen.is_empty() {
                return Err(AppError::validation("ids", "請先勾選要分派的案件。"));
            }
            let lead = super::parse_id("lead_bureau_id", &lead_bureau_id, "請選擇主辦機關。")?;
            let mut tx = c.begin().await?;
            super::db::assign_each(&mut tx, &chosen, &c.user, lead, c.ts()).await?;
            tx.commit().await?;
            // Back to the list as it was filtered: only an address of the list itself.
            let back = if back == "/cases"
                || back.starts_with("/cases?") && !back.contains(['\r', '\n'])
            {
                back
            } else {
                "/cases".to_owned()
            };
            let joiner = if back.contains('?') { '&' } else { '?' };
            leptos_axum::redirect(&format!("{back}{joiner}assigned={}", chosen.len()));
            Ok(chosen.len())
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
            // Who first, then how much: a reviewer's 75,000 ids once held a core for 35 s
            // before the refusal came. Only the secretariat assigns; anyone else gets the
            // case's usual answer (403, or 404 to a bureau without a part) unread.
            let c = Caller::signed_in().await?;
            let co_bureau_ids: &[String] = if c.user.role == Role::Secretariat {
                if co_bureau_ids.len() > super::MAX_CO_BUREAUS {
                    return Err(AppError::BadRequest);
                }
                &co_bureau_ids
            } else {
                &[]
            };
            let lead = super::parse_id("lead_bureau_id", &lead_bureau_id, "請選擇主辦機關。")?;
            let mut co = Vec::new();
            for raw in co_bureau_ids.iter().filter(|v| !v.trim().is_empty()) {
                let id = super::parse_id("co_bureau_ids", raw, "請選擇協辦機關。")?;
                if !co.contains(&id) {
                    co.push(id);
                }
            }
            change!(c, case_id, |tx| super::db::assign(
                &mut tx,
                case_id,
                &c.user,
                version,
                lead,
                &co,
                c.ts()
            ))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/add-co-bureau")]
pub async fn add_co_bureau(case_id: i64, bureau_id: String) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::signed_in().await?;
            let bureau = super::parse_id("bureau_id", &bureau_id, "請選擇協辦機關。")?;
            change!(c, case_id, |tx| super::db::add_co_bureau(
                &mut tx,
                case_id,
                &c.user,
                bureau,
                c.ts()
            ))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/reassign")]
pub async fn reassign_part(case_id: i64, part_id: i64, bureau_id: String) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::signed_in().await?;
            let bureau = super::parse_id("bureau_id", &bureau_id, "請選擇改分的局處。")?;
            change!(c, case_id, |tx| super::db::reassign(
                &mut tx,
                case_id,
                &c.user,
                part_id,
                bureau,
                c.ts()
            ))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/accept")]
pub async fn accept_part(case_id: i64) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::signed_in().await?;
            change!(c, case_id, |tx| super::db::accept(
                &mut tx,
                case_id,
                &c.user,
                c.ts()
            ))
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
            let c = Caller::signed_in().await?;
            let rejection =
                super::Rejection::parse(&reason, &suggested_bureau_id).map_err(|e| {
                    e.keeping(&[
                        ("reason", &reason),
                        ("suggested_bureau_id", &suggested_bureau_id),
                    ])
                })?;
            change!(c, case_id, |tx| super::db::reject(
                &mut tx,
                case_id,
                &c.user,
                &rejection,
                c.ts()
            ))?;
            // The case is no longer this bureau's to see: back to the start page, which
            // says what happened, rather than to a case page that would answer 404.
            leptos_axum::redirect(&crate::home::Done::Rejected.path());
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/sub-answer")]
pub async fn write_sub_answer(case_id: i64, body: String) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::signed_in().await?;
            let body = super::answer_text("body", &body, "協辦意見")?;
            change!(c, case_id, |tx| super::db::write_sub_answer(
                &mut tx,
                case_id,
                &c.user,
                &body,
                c.ts()
            ))
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
            let c = Caller::signed_in().await?;
            let text = super::answer_text("reply", &reply, "答復內容")
                .map_err(|e| e.with_input(vec![("reply".into(), reply.clone())]))?;
            change!(c, case_id, |tx| super::db::save_reply(
                &mut tx,
                case_id,
                &c.user,
                &text,
                cannot_provide.is_some(),
                reply_version,
                c.ts(),
            ))
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
    #[server(default)] reply: Option<String>,
    #[server(default)] then: Option<String>,
) -> Result<(), AppError> {
    with_status(
        async {
            use super::workflow::Action;
            let c = Caller::signed_in().await?;
            let action = Action::from_code(&step)
                .filter(|a| Action::STATUS_STEPS.contains(a))
                .ok_or(AppError::BadRequest)?;
            let typed_reply = reply.clone().unwrap_or_default();
            let keep = |e: AppError| {
                e.keeping(&[
                    ("step", &step),
                    ("comment", &comment),
                    ("reply", &typed_reply),
                ])
            };
            // An empty box corrects nothing (a data request may have files and no text).
            let reply = match &reply {
                Some(text) if !text.trim().is_empty() => {
                    Some(super::answer_text("reply", text, "答復內容").map_err(keep)?)
                }
                _ => None,
            };
            let comment = match action {
                Action::ReturnFromCheck | Action::ReturnFromReview | Action::SendBack => {
                    Some(super::comment_text("comment", &comment, "退回意見").map_err(keep)?)
                }
                _ if comment.trim().is_empty() => None,
                _ => Some(super::comment_text("comment", &comment, "意見").map_err(keep)?),
            };
            let request = super::db::StepRequest {
                action,
                version,
                comment: comment.as_deref(),
                // The radio sends 1 or 0; a checkbox (older pages, scripts) sends "on".
                keep_tracking: matches!(keep_tracking.as_deref(), Some("1" | "on")),
                reply: reply.as_deref(),
            };
            change!(c, case_id, |tx| super::db::transition(
                &mut tx,
                case_id,
                &c.user,
                &request,
                c.ts()
            ))?;
            // "… and open the next one": the next case waiting in the same queue, or the
            // start page saying the queue is done.
            if then.as_deref() == Some("next") {
                let next = super::db::next_in_queue(c.db(), &c.user, action, case_id).await?;
                leptos_axum::redirect(&match next {
                    Some(id) => format!("/cases/{id}?done={}", action.code()),
                    None => crate::home::Done::QueueDone.path(),
                });
            }
            Ok(())
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
            let c = Caller::signed_in().await?;
            let due = super::DueOverride::parse(&due_on, &due_reason)
                .and_then(|due| {
                    due.ok_or_else(|| AppError::validation("due_on", "請輸入新的期限。"))
                })
                .map_err(|e| e.keeping(&[("due_on", &due_on), ("due_reason", &due_reason)]))?;
            change!(c, case_id, |tx| super::db::override_due(
                &mut tx,
                case_id,
                &c.user,
                &due,
                c.ts()
            ))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/postpone")]
pub async fn postpone(case_id: i64, due_on: String, due_reason: String) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::signed_in().await?;
            let due = super::DueOverride::parse(&due_on, &due_reason)
                .and_then(|due| {
                    due.ok_or_else(|| AppError::validation("due_on", "請輸入展延後的期限。"))
                })
                .map_err(|e| e.keeping(&[("due_on", &due_on), ("due_reason", &due_reason)]))?;
            change!(c, case_id, |tx| super::db::postpone(
                &mut tx,
                case_id,
                &c.user,
                &due,
                c.ts()
            ))
        }
        .await,
    )
}

/// A bureau's progress report on a tracked case (辦理進度).
#[server(prefix = "/api", endpoint = "cases/progress")]
pub async fn report_progress(
    case_id: i64,
    #[server(default)] form: super::ProgressForm,
) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::BureauLiaison, Role::BureauApprover]).await?;
            let update = form.parse().map_err(|e| e.with_input(form.echo()))?;
            change!(c, case_id, |tx| super::db::report_progress(
                &mut tx,
                case_id,
                &c.user,
                &update,
                c.ts()
            ))
            .map(|_| ())
        }
        .await,
    )
}

/// The caller's saved filters of the case list.
#[server(prefix = "/api", endpoint = "cases/saved-filters")]
pub async fn saved_filters() -> Result<Vec<super::saved::SavedFilter>, AppError> {
    with_status(
        async {
            let c = Caller::with_role(super::pages::INTERNAL).await?;
            Ok(super::db::saved_filters(c.db(), c.user.id).await?)
        }
        .await,
    )
}

/// Keeps the list's filters (`query`, the list's own query string) under `name`.
#[server(prefix = "/api", endpoint = "cases/saved-filters/save")]
pub async fn save_filter(
    #[server(default)] name: String,
    #[server(default)] query: String,
) -> Result<i64, AppError> {
    with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = Caller::with_role(super::pages::INTERNAL).await?;
            let filter = super::saved::NewSavedFilter::parse(&name, &query)
                .map_err(|e| e.keeping(&[("name", &name)]))?;
            let mut tx = c.begin().await?;
            let id = super::db::save_filter(&mut tx, c.user.id, &filter).await?;
            let entry = Entry::new(AuditAction::FilterSaved, "saved_filter", id)
                .data(serde_json::json!({ "name": filter.name, "filter": filter.query }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            leptos_axum::redirect(
                &super::saved::SavedFilter {
                    id,
                    name: filter.name,
                    query: filter.query,
                }
                .href(),
            );
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cases/saved-filters/remove")]
pub async fn remove_filter(id: i64) -> Result<(), AppError> {
    with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = Caller::with_role(super::pages::INTERNAL).await?;
            let mut tx = c.begin().await?;
            let name = super::db::remove_filter(&mut tx, c.user.id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let entry = Entry::new(AuditAction::FilterRemoved, "saved_filter", id)
                .data(serde_json::json!({ "name": name }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

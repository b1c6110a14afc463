//! Storage of cases. Every change runs in one transaction with its timeline entry, and
//! every step re-checks the workflow rules against the row it is about to change.

use super::{
    workflow::{ready_to_submit, Action, Actor, MyPart},
    Attachment, CaseDetail, CaseFilter, CaseKind, CasePage, CaseRow, CaseStatus, Delivery,
    DueOverride, NewDataRequest, NewQuestion, Part, PartRole, PartState, Priority, Queue,
    Rejection, SubAnswer, TimelineEvent,
};
use crate::{
    auth::{CurrentUser, Role},
    db::{date, flag, is_unique_violation, unexpected},
    deadlines::{self, RuleKind},
    error::AppError,
};
use chrono::NaiveDate;
use sqlx::{any::AnyRow, Any, AnyPool, Row, Transaction};

/// Statuses in which the bureaus still owe an answer, so the due date still counts.
pub const OWING: &[CaseStatus] = &[
    CaseStatus::Unassigned,
    CaseStatus::Assigned,
    CaseStatus::InProgress,
    CaseStatus::AwaitingSignOff,
    CaseStatus::Returned,
];

fn sql_list(statuses: &[CaseStatus]) -> String {
    statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn status(row: &AnyRow) -> Result<CaseStatus, sqlx::Error> {
    CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("status"))
}

fn kind(row: &AnyRow) -> Result<CaseKind, sqlx::Error> {
    CaseKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("kind"))
}

pub fn actor(user: &CurrentUser) -> Actor {
    Actor {
        role: user.role,
        bureau_id: user.bureau_id,
    }
}

/// The due date the rules give. Questions count from the sitting, data requests from
/// the day they were received (Taipei time).
pub async fn computed_due(
    pool: &AnyPool,
    rule: RuleKind,
    start: NaiveDate,
) -> Result<NaiveDate, sqlx::Error> {
    let rule = deadlines::db::rule(pool, rule).await?;
    let calendar = deadlines::db::work_calendar(pool).await?;
    Ok(rule.due_date(start, &calendar))
}

async fn event(
    tx: &mut Transaction<'static, Any>,
    case_id: i64,
    user: &CurrentUser,
    at: i64,
    action: &str,
    detail: &str,
    change: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor_id, action, detail, before_value, after_value) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(case_id)
    .bind(at)
    .bind(user.id)
    .bind(action)
    .bind(detail)
    .bind(change.map(|c| c.0.to_owned()))
    .bind(change.map(|c| c.1.to_owned()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn reference_error(err: sqlx::Error, number_field: &str) -> AppError {
    match &err {
        e if is_unique_violation(e, "cases_session_kind_number_key") => {
            AppError::validation(number_field, "本會期已有相同編號的案件，請確認編號。")
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            AppError::validation("session_id", "所選的會期、議員或類別已不存在，請重新選擇。")
        }
        _ => err.into(),
    }
}

async fn link_councilors(
    tx: &mut Transaction<'static, Any>,
    case_id: i64,
    ids: &[i64],
) -> Result<(), AppError> {
    for (position, councilor) in ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO case_councilors (case_id, councilor_id, position) VALUES ($1, $2, $3)",
        )
        .bind(case_id)
        .bind(councilor)
        .bind(position as i64)
        .execute(&mut **tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                AppError::validation("councilor_ids", "找不到所選的議員，請重新選擇。")
            }
            _ => e.into(),
        })?;
    }
    Ok(())
}

async fn check_reference(
    pool: &AnyPool,
    sql: &str,
    id: i64,
    field: &str,
    message: &str,
) -> Result<(), AppError> {
    let found: Option<i64> = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(pool)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::validation(field, message))
}

pub async fn record_question(
    pool: &AnyPool,
    q: &NewQuestion,
    user: &CurrentUser,
    now: i64,
) -> Result<i64, AppError> {
    check_reference(
        pool,
        "SELECT id FROM council_sessions WHERE id = $1",
        q.session_id,
        "session_id",
        "找不到所選的會期。",
    )
    .await?;
    check_reference(
        pool,
        "SELECT id FROM sitting_types WHERE id = $1",
        q.sitting_type_id,
        "sitting_type_id",
        "找不到所選的質詢類別。",
    )
    .await?;
    let (due_on, reason) = match &q.due {
        Some(DueOverride { due_on, reason }) => (*due_on, Some(reason.clone())),
        None => (
            computed_due(pool, RuleKind::QuestionReply, q.sitting_date).await?,
            None,
        ),
    };
    let mut tx = pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (kind, session_id, number, topic, body, sitting_type_id, sitting_date, \
           due_on, due_override_reason, status, created_by, created_at, updated_at) \
         VALUES ('question', $1, $2, $3, $4, $5, $6, $7, $8, 'unassigned', $9, $10, $10) RETURNING id",
    )
    .bind(q.session_id)
    .bind(q.number)
    .bind(&q.topic)
    .bind(&q.body)
    .bind(q.sitting_type_id)
    .bind(q.sitting_date.to_string())
    .bind(due_on.to_string())
    .bind(reason.clone())
    .bind(user.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| reference_error(e, "number"))?;
    link_councilors(&mut tx, id, &q.councilor_ids).await?;
    let detail = match &reason {
        Some(r) => format!("期限 {}（自訂：{r}）", crate::roc::roc_date(due_on)),
        None => format!("期限 {}", crate::roc::roc_date(due_on)),
    };
    event(&mut tx, id, user, now, "Record", &detail, None).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn record_data_request(
    pool: &AnyPool,
    r: &NewDataRequest,
    user: &CurrentUser,
    now: i64,
) -> Result<i64, AppError> {
    check_reference(
        pool,
        "SELECT id FROM council_sessions WHERE id = $1",
        r.session_id,
        "session_id",
        "找不到所選的會期。",
    )
    .await?;
    let received = super::taipei_date(r.received_at).ok_or(AppError::BadRequest)?;
    let (due_on, reason) = match &r.due {
        Some(DueOverride { due_on, reason }) => (*due_on, Some(reason.clone())),
        None => (computed_due(pool, r.priority.rule(), received).await?, None),
    };
    let mut tx = pool.begin().await?;
    // Data requests are numbered in the order they arrive within the session.
    let number: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM cases WHERE session_id = $1 AND kind = 'data_request'",
    )
    .bind(r.session_id)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (kind, session_id, number, topic, body, received_at, priority, \
           within_three_days, due_on, due_override_reason, status, created_by, created_at, updated_at) \
         VALUES ('data_request', $1, $2, $3, $4, $5, $6, $7, $8, $9, 'unassigned', $10, $11, $11) RETURNING id",
    )
    .bind(r.session_id)
    .bind(number)
    .bind(&r.topic)
    .bind(&r.body)
    .bind(r.received_at)
    .bind(r.priority.as_str())
    .bind(r.within_three_days)
    .bind(due_on.to_string())
    .bind(reason.clone())
    .bind(user.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| reference_error(e, "session_id"))?;
    link_councilors(&mut tx, id, &[r.councilor_id])
        .await
        .map_err(|e| match e {
            AppError::Validation { message, .. } => AppError::validation("councilor_id", message),
            other => other,
        })?;
    let detail = format!(
        "{}{}，期限 {}",
        r.priority.label(),
        if r.within_three_days {
            "・三日內取件"
        } else {
            ""
        },
        crate::roc::roc_date(due_on)
    );
    event(&mut tx, id, user, now, "Record", &detail, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// What the rules need to know about a case.
#[derive(Debug, Clone)]
pub struct CaseCore {
    pub id: i64,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub version: i64,
    pub due_on: NaiveDate,
    pub reply: String,
    pub reply_version: i64,
    pub cannot_provide: bool,
}

async fn core(
    tx: &mut Transaction<'static, Any>,
    case_id: i64,
) -> Result<Option<CaseCore>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, kind, status, version, due_on, reply, reply_version, cannot_provide \
         FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|row| {
        Ok(CaseCore {
            id: row.try_get("id")?,
            kind: kind(&row)?,
            status: status(&row)?,
            version: row.try_get("version")?,
            due_on: date(&row, "due_on")?,
            reply: row.try_get("reply")?,
            reply_version: row.try_get("reply_version")?,
            cannot_provide: flag(&row, "cannot_provide")?,
        })
    })
    .transpose()
}

async fn my_part(
    executor: impl sqlx::Executor<'_, Database = Any>,
    case_id: i64,
    bureau_id: Option<i64>,
) -> Result<Option<MyPart>, sqlx::Error> {
    let Some(bureau_id) = bureau_id else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT role, state FROM assignments \
         WHERE case_id = $1 AND bureau_id = $2 AND state IN ('pending', 'accepted')",
    )
    .bind(case_id)
    .bind(bureau_id)
    .fetch_optional(executor)
    .await?;
    row.map(|row| {
        Ok(MyPart {
            role: PartRole::parse(row.try_get("role")?).ok_or_else(|| unexpected("part role"))?,
            state: PartState::parse(row.try_get("state")?)
                .ok_or_else(|| unexpected("part state"))?,
        })
    })
    .transpose()
}

/// A step under way: the transaction, the case as it was, and the status it moves to.
pub struct Step {
    pub tx: Transaction<'static, Any>,
    pub case: CaseCore,
    pub next: CaseStatus,
    pub action: Action,
}

/// Opens a step: loads the case inside a transaction and checks the caller and the status
/// against the rules. `seen_version`, when given, must match: the caller acted on what the
/// page showed, and if that has changed since, the step is refused rather than guessed.
pub async fn begin(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    action: Action,
    seen_version: Option<i64>,
    keep_tracking: bool,
) -> Result<Step, AppError> {
    let mut tx = pool.begin().await?;
    let case = core(&mut tx, case_id).await?.ok_or(AppError::NotFound)?;
    let part = my_part(&mut *tx, case_id, user.bureau_id).await?;
    let next = actor(user).check(action, part, case.kind, case.status, keep_tracking)?;
    if seen_version.is_some_and(|v| v != case.version) {
        return Err(AppError::Conflict(
            "案件在您開啟頁面後已有變動，未執行本次操作。請重新整理頁面確認後再試。".into(),
        ));
    }
    Ok(Step {
        tx,
        case,
        next,
        action,
    })
}

impl Step {
    /// Records the step on the case row (status, version) and in the timeline, and commits.
    pub async fn finish(
        mut self,
        user: &CurrentUser,
        now: i64,
        detail: &str,
        change: Option<(&str, &str)>,
    ) -> Result<(), AppError> {
        if self.next != self.case.status {
            let done = sqlx::query(
                "UPDATE cases SET status = $1, version = version + 1, updated_at = $2 \
                 WHERE id = $3 AND version = $4",
            )
            .bind(self.next.as_str())
            .bind(now)
            .bind(self.case.id)
            .bind(self.case.version)
            .execute(&mut *self.tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::Conflict(
                    "案件剛被其他人更新，未執行本次操作。請重新整理頁面後再試。".into(),
                ));
            }
        }
        let status_change =
            (self.next != self.case.status).then(|| (self.case.status.label(), self.next.label()));
        let action = self.action.name();
        event(
            &mut self.tx,
            self.case.id,
            user,
            now,
            &action,
            detail,
            change.or(status_change),
        )
        .await?;
        self.tx.commit().await?;
        Ok(())
    }

    async fn bureau_name(&mut self, bureau_id: i64) -> Result<String, AppError> {
        let name: Option<String> =
            sqlx::query_scalar("SELECT name FROM bureaus WHERE id = $1 AND active = $2")
                .bind(bureau_id)
                .bind(true)
                .fetch_optional(&mut *self.tx)
                .await?;
        name.ok_or_else(|| AppError::validation("bureau_id", "找不到所選的局處。"))
    }

    async fn add_part(
        &mut self,
        bureau_id: i64,
        role: PartRole,
        user: &CurrentUser,
        now: i64,
    ) -> Result<String, AppError> {
        let name = self.bureau_name(bureau_id).await?;
        sqlx::query(
            "INSERT INTO assignments (case_id, bureau_id, role, state, assigned_by, assigned_at) \
             VALUES ($1, $2, $3, 'pending', $4, $5)",
        )
        .bind(self.case.id)
        .bind(bureau_id)
        .bind(role.as_str())
        .bind(user.id)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                AppError::validation("bureau_id", format!("{name}已在本案中，請選擇其他局處。"))
            }
            _ => e.into(),
        })?;
        Ok(name)
    }

    /// Closes the open part of `bureau_id` with `state`; returns whether there was one.
    async fn close_part(
        &mut self,
        bureau_id: i64,
        from: &[PartState],
        to: PartState,
        rejection: Option<&Rejection>,
        user: &CurrentUser,
        now: i64,
    ) -> Result<bool, AppError> {
        let from = from
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let done = sqlx::query(&format!(
            "UPDATE assignments SET state = $1, reject_reason = $2, suggested_bureau_id = $3, \
               responded_by = $4, responded_at = $5 \
             WHERE case_id = $6 AND bureau_id = $7 AND state IN ({from})"
        ))
        .bind(to.as_str())
        .bind(rejection.map(|r| r.reason.clone()))
        .bind(rejection.and_then(|r| r.suggested_bureau_id))
        .bind(user.id)
        .bind(now)
        .bind(self.case.id)
        .bind(bureau_id)
        .execute(&mut *self.tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                AppError::validation("suggested_bureau_id", "找不到建議的局處。")
            }
            _ => e.into(),
        })?;
        Ok(done.rows_affected() > 0)
    }
}

/// The secretariat names the lead bureau (and any co-bureaus) of an unassigned case.
/// Earlier rejections of the case count as handled.
pub async fn assign(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    version: i64,
    lead: i64,
    co: &[i64],
    now: i64,
) -> Result<(), AppError> {
    let mut step = begin(pool, case_id, user, Action::Assign, Some(version), false).await?;
    if co.contains(&lead) {
        return Err(AppError::validation(
            "co_bureau_ids",
            "主辦機關不必再列為協辦機關。",
        ));
    }
    sqlx::query(
        "UPDATE assignments SET state = 'reassigned' WHERE case_id = $1 AND role = 'lead' AND state = 'rejected'",
    )
    .bind(case_id)
    .execute(&mut *step.tx)
    .await?;
    let lead_name = step.add_part(lead, PartRole::Lead, user, now).await?;
    let mut names = Vec::new();
    for bureau in co {
        names.push(step.add_part(*bureau, PartRole::Co, user, now).await?);
    }
    let detail = if names.is_empty() {
        format!("主辦：{lead_name}")
    } else {
        format!("主辦：{lead_name}；協辦：{}", names.join("、"))
    };
    step.finish(user, now, &detail, None).await
}

pub async fn add_co_bureau(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    bureau: i64,
    now: i64,
) -> Result<(), AppError> {
    let mut step = begin(pool, case_id, user, Action::AddCoBureau, None, false).await?;
    let name = step.add_part(bureau, PartRole::Co, user, now).await?;
    step.finish(user, now, &format!("協辦：{name}"), None).await
}

/// Hands a rejected co-bureau part to another bureau.
pub async fn reassign(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    part_id: i64,
    bureau: i64,
    now: i64,
) -> Result<(), AppError> {
    let mut step = begin(pool, case_id, user, Action::Reassign, None, false).await?;
    let old: Option<String> = sqlx::query_scalar(
        "SELECT b.name FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
         WHERE a.id = $1 AND a.case_id = $2 AND a.role = 'co' AND a.state = 'rejected'",
    )
    .bind(part_id)
    .bind(case_id)
    .fetch_optional(&mut *step.tx)
    .await?;
    let Some(old_name) = old else {
        return Err(AppError::Conflict(
            "這筆分派不是待改分的協辦退回，請重新整理頁面。".into(),
        ));
    };
    sqlx::query("UPDATE assignments SET state = 'reassigned' WHERE id = $1")
        .bind(part_id)
        .execute(&mut *step.tx)
        .await?;
    let name = step.add_part(bureau, PartRole::Co, user, now).await?;
    step.finish(
        user,
        now,
        &format!("協辦改分：{old_name} → {name}"),
        Some((&old_name, &name)),
    )
    .await
}

/// A bureau accepts its part, lead or co.
pub async fn accept(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    let bureau = user.bureau_id.ok_or(AppError::Forbidden)?;
    let part = my_part(pool, case_id, Some(bureau)).await?;
    let action = match part.map(|p| p.role) {
        Some(PartRole::Co) => Action::AcceptCo,
        _ => Action::AcceptLead,
    };
    let mut step = begin(pool, case_id, user, action, None, false).await?;
    let name = step.bureau_name(bureau).await?;
    if !step
        .close_part(
            bureau,
            &[PartState::Pending],
            PartState::Accepted,
            None,
            user,
            now,
        )
        .await?
    {
        return Err(AppError::Conflict("本局已接受此案。".into()));
    }
    step.finish(user, now, &name, None).await
}

pub async fn reject(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    rejection: &Rejection,
    now: i64,
) -> Result<(), AppError> {
    let bureau = user.bureau_id.ok_or(AppError::Forbidden)?;
    let part = my_part(pool, case_id, Some(bureau)).await?;
    let action = match part.map(|p| p.role) {
        Some(PartRole::Co) => Action::RejectCo,
        _ => Action::RejectLead,
    };
    if rejection.suggested_bureau_id == Some(bureau) {
        return Err(AppError::validation(
            "suggested_bureau_id",
            "建議的局處不能是本局。",
        ));
    }
    let mut step = begin(pool, case_id, user, action, None, false).await?;
    let name = step.bureau_name(bureau).await?;
    step.close_part(
        bureau,
        &[PartState::Pending, PartState::Accepted],
        PartState::Rejected,
        Some(rejection),
        user,
        now,
    )
    .await?;
    // A co-bureau that leaves takes its draft sub-answer with it.
    sqlx::query("DELETE FROM sub_answers WHERE case_id = $1 AND bureau_id = $2")
        .bind(case_id)
        .bind(bureau)
        .execute(&mut *step.tx)
        .await?;
    step.finish(user, now, &format!("{name}：{}", rejection.reason), None)
        .await
}

pub async fn write_sub_answer(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    body: &str,
    now: i64,
) -> Result<(), AppError> {
    let bureau = user.bureau_id.ok_or(AppError::Forbidden)?;
    let mut step = begin(pool, case_id, user, Action::WriteSubAnswer, None, false).await?;
    let before: Option<String> =
        sqlx::query_scalar("SELECT body FROM sub_answers WHERE case_id = $1 AND bureau_id = $2")
            .bind(case_id)
            .bind(bureau)
            .fetch_optional(&mut *step.tx)
            .await?;
    sqlx::query(
        "INSERT INTO sub_answers (case_id, bureau_id, body, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (case_id, bureau_id) DO UPDATE SET body = excluded.body, \
           updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(case_id)
    .bind(bureau)
    .bind(body)
    .bind(user.id)
    .bind(now)
    .execute(&mut *step.tx)
    .await?;
    let name = step.bureau_name(bureau).await?;
    step.finish(
        user,
        now,
        &name,
        Some((before.as_deref().unwrap_or(""), body)),
    )
    .await
}

/// Saves the reply. `seen_reply_version` is the version the editor started from; if
/// someone saved in between, nothing is written and both texts come back.
pub async fn save_reply(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    text: &str,
    cannot_provide: bool,
    seen_reply_version: i64,
    now: i64,
) -> Result<i64, AppError> {
    let mut step = begin(pool, case_id, user, Action::EditReply, None, false).await?;
    if step.case.reply_version != seen_reply_version {
        let by: Option<String> = sqlx::query_scalar(
            "SELECT u.display_name FROM cases c JOIN users u ON u.id = c.reply_updated_by WHERE c.id = $1",
        )
        .bind(case_id)
        .fetch_optional(&mut *step.tx)
        .await?;
        return Err(AppError::EditConflict {
            theirs: step.case.reply.clone(),
            by: by.unwrap_or_default(),
            yours: text.to_owned(),
        });
    }
    let cannot_provide = cannot_provide && step.case.kind == CaseKind::DataRequest;
    let done = sqlx::query(
        "UPDATE cases SET reply = $1, cannot_provide = $2, reply_version = reply_version + 1, \
           reply_updated_by = $3, reply_updated_at = $4, version = version + 1, updated_at = $4 \
         WHERE id = $5 AND reply_version = $6",
    )
    .bind(text)
    .bind(cannot_provide)
    .bind(user.id)
    .bind(now)
    .bind(case_id)
    .bind(seen_reply_version)
    .execute(&mut *step.tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "答復剛被其他人儲存，您的內容尚未儲存。請重新整理頁面對照後再送出。".into(),
        ));
    }
    let before = step.case.reply.clone();
    let detail = if cannot_provide {
        "說明：無法提供"
    } else {
        ""
    };
    step.finish(user, now, detail, Some((&before, text)))
        .await?;
    Ok(seen_reply_version + 1)
}

async fn delivery_count(
    tx: &mut Transaction<'static, Any>,
    case_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE case_id = $1")
        .bind(case_id)
        .fetch_one(&mut **tx)
        .await
}

/// A status step with an optional comment: submit, sign off, send back, pass, return,
/// approve, release.
/// A status step as asked for: which, on which version of the case, with what comment.
pub struct StepRequest<'a> {
    pub action: Action,
    pub version: i64,
    pub comment: Option<&'a str>,
    /// For [`Action::Approve`]: keep the case under tracking (列管).
    pub keep_tracking: bool,
}

pub async fn transition(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    request: &StepRequest<'_>,
    now: i64,
) -> Result<(), AppError> {
    let StepRequest {
        action,
        version,
        comment,
        keep_tracking,
    } = *request;
    let mut step = begin(pool, case_id, user, action, Some(version), keep_tracking).await?;
    if action == Action::SubmitForSignOff {
        let deliveries = delivery_count(&mut step.tx, case_id).await?;
        ready_to_submit(
            step.case.kind,
            &step.case.reply,
            deliveries as usize,
            step.case.cannot_provide,
        )?;
    }
    if matches!(action, Action::ReturnFromCheck | Action::ReturnFromReview) {
        sqlx::query("UPDATE cases SET review_comment = $1 WHERE id = $2")
            .bind(comment.unwrap_or_default())
            .bind(case_id)
            .execute(&mut *step.tx)
            .await?;
    }
    if action == Action::Approve || action == Action::Release {
        sqlx::query("UPDATE cases SET tracking = $1, review_comment = '' WHERE id = $2")
            .bind(step.next == CaseStatus::Tracking)
            .bind(case_id)
            .execute(&mut *step.tx)
            .await?;
    }
    let detail = match (action, comment) {
        (Action::Approve, _) if keep_tracking => "繼續列管".to_owned(),
        (Action::Approve, _) => "不列管，結案".to_owned(),
        (_, Some(c)) => c.to_owned(),
        _ => String::new(),
    };
    step.finish(user, now, &detail, None).await
}

pub async fn override_due(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    due: &DueOverride,
    now: i64,
) -> Result<(), AppError> {
    let mut step = begin(pool, case_id, user, Action::OverrideDue, None, false).await?;
    change_due(&mut step, due, now).await?;
    let before = crate::roc::roc_date(step.case.due_on);
    let after = crate::roc::roc_date(due.due_on);
    step.finish(user, now, &due.reason, Some((&before, &after)))
        .await
}

async fn change_due(step: &mut Step, due: &DueOverride, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE cases SET due_on = $1, due_override_reason = $2, version = version + 1, \
           updated_at = $3 WHERE id = $4",
    )
    .bind(due.due_on.to_string())
    .bind(&due.reason)
    .bind(now)
    .bind(step.case.id)
    .execute(&mut *step.tx)
    .await?;
    Ok(())
}

/// A postponement agreed with the councilor's office: a later date and the reason.
pub async fn postpone(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    due: &DueOverride,
    now: i64,
) -> Result<(), AppError> {
    let mut step = begin(pool, case_id, user, Action::Postpone, None, false).await?;
    if due.due_on <= step.case.due_on {
        return Err(AppError::validation(
            "due_on",
            format!(
                "展延後的期限須晚於目前期限 {}。",
                crate::roc::roc_date(step.case.due_on)
            ),
        ));
    }
    change_due(&mut step, due, now).await?;
    let before = crate::roc::roc_date(step.case.due_on);
    let after = crate::roc::roc_date(due.due_on);
    step.finish(user, now, &due.reason, Some((&before, &after)))
        .await
}

/// A file about to be stored with a delivery.
pub struct NewFile {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Records a batch of data with its files; returns the batch number.
pub async fn deliver(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    note: &str,
    files: Vec<NewFile>,
    now: i64,
) -> Result<i64, AppError> {
    let mut step = begin(pool, case_id, user, Action::Deliver, None, false).await?;
    let batch = delivery_count(&mut step.tx, case_id).await? + 1;
    let delivery: i64 = sqlx::query_scalar(
        "INSERT INTO deliveries (case_id, batch, note, delivered_by, delivered_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(case_id)
    .bind(batch)
    .bind(note)
    .bind(user.id)
    .bind(now)
    .fetch_one(&mut *step.tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "deliveries_case_batch_key") {
            AppError::Conflict("另一批資料剛好同時送出，請重新整理頁面後再試。".into())
        } else {
            e.into()
        }
    })?;
    let mut names = Vec::new();
    for file in files {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(&file.data);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        sqlx::query(
            "INSERT INTO attachments (delivery_id, file_name, content_type, size_bytes, sha256, \
               data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(delivery)
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.data.len() as i64)
        .bind(hex)
        .bind(file.data)
        .bind(user.id)
        .bind(now)
        .execute(&mut *step.tx)
        .await?;
        names.push(file.file_name);
    }
    let detail = if names.is_empty() {
        format!("第 {batch} 批：{note}")
    } else {
        format!("第 {batch} 批：{note}（附件：{}）", names.join("、"))
    };
    step.finish(user, now, &detail, None).await?;
    Ok(batch)
}

/// A stored file, for download.
pub struct StoredFile {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A file, if the user may see the case it belongs to. Anyone else is told it does not
/// exist.
pub async fn attachment(
    pool: &AnyPool,
    attachment_id: i64,
    user: &CurrentUser,
) -> Result<StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT d.case_id, a.file_name, a.content_type, a.data FROM attachments a \
         JOIN deliveries d ON d.id = a.delivery_id WHERE a.id = $1",
    )
    .bind(attachment_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let case_id: i64 = row.try_get("case_id")?;
    let part = my_part(pool, case_id, user.bureau_id).await?;
    if !actor(user).may_view(part) {
        return Err(AppError::NotFound);
    }
    Ok(StoredFile {
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        data: row.try_get("data")?,
    })
}

enum Arg {
    Int(i64),
    Text(String),
}

struct Where {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    fn new() -> Self {
        Self {
            clauses: Vec::new(),
            args: Vec::new(),
        }
    }

    /// Adds a clause whose `?` is replaced by the next `$n`.
    fn push(&mut self, clause: &str, arg: Option<Arg>) {
        match arg {
            Some(arg) => {
                self.args.push(arg);
                self.clauses
                    .push(clause.replace('?', &format!("${}", self.args.len())));
            }
            None => self.clauses.push(clause.to_owned()),
        }
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Int(n) => query.bind(*n),
            Arg::Text(s) => query.bind(s.as_str()),
        };
    }
    query
}

const ROW_COLUMNS: &str = "c.id, c.kind, c.number, c.topic, c.status, c.priority, \
    c.within_three_days, c.due_on, c.tracking, \
    (SELECT b.short_name FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
      WHERE a.case_id = c.id AND a.role = 'lead' AND a.state IN ('pending', 'accepted')) AS lead_bureau";

async fn rows(
    pool: &AnyPool,
    sql: &str,
    args: &[Arg],
    today: NaiveDate,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let found = bind_all(sqlx::query(sql), args).fetch_all(pool).await?;
    let mut rows = Vec::with_capacity(found.len());
    for row in &found {
        let status = status(row)?;
        let due_on = date(row, "due_on")?;
        rows.push(CaseRow {
            id: row.try_get("id")?,
            kind: kind(row)?,
            number: row.try_get("number")?,
            topic: row.try_get("topic")?,
            councilors: String::new(),
            lead_bureau: row.try_get("lead_bureau")?,
            status,
            priority: row
                .try_get::<Option<String>, _>("priority")?
                .and_then(|p| Priority::parse(&p)),
            within_three_days: flag(row, "within_three_days")?,
            due_on,
            overdue: OWING.contains(&status) && due_on < today,
            tracking: flag(row, "tracking")?,
        });
    }
    // Councilor names in one more query rather than a backend-specific string aggregate.
    if !rows.is_empty() {
        let ids = rows
            .iter()
            .map(|r| r.id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let names: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT cc.case_id, co.name FROM case_councilors cc \
             JOIN councilors co ON co.id = cc.councilor_id \
             WHERE cc.case_id IN ({ids}) ORDER BY cc.case_id, cc.position"
        ))
        .fetch_all(pool)
        .await?;
        for row in &mut rows {
            row.councilors = names
                .iter()
                .filter(|(id, _)| *id == row.id)
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join("、");
        }
    }
    Ok(rows)
}

const OPEN_PART: &str = "EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id \
    AND a.bureau_id = ? AND a.state IN ('pending', 'accepted'))";

pub async fn list(
    pool: &AnyPool,
    filter: &CaseFilter,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<CasePage, AppError> {
    let mut w = Where::new();
    if user.role.belongs_to_bureau() {
        w.push(
            OPEN_PART,
            Some(Arg::Int(user.bureau_id.ok_or(AppError::Forbidden)?)),
        );
    }
    if let Some(session) = filter.session {
        w.push("c.session_id = ?", Some(Arg::Int(session)));
    }
    if let Some(kind) = filter.kind {
        w.push("c.kind = ?", Some(Arg::Text(kind.as_str().into())));
    }
    if let Some(councilor) = filter.councilor {
        w.push(
            "EXISTS (SELECT 1 FROM case_councilors cc WHERE cc.case_id = c.id AND cc.councilor_id = ?)",
            Some(Arg::Int(councilor)),
        );
    }
    if let Some(bureau) = filter.bureau {
        w.push(OPEN_PART, Some(Arg::Int(bureau)));
    }
    if let Some(status) = filter.status {
        w.push("c.status = ?", Some(Arg::Text(status.as_str().into())));
    }
    if filter.overdue {
        w.push(
            &format!("c.status IN ({}) AND c.due_on < ?", sql_list(OWING)),
            Some(Arg::Text(today.to_string())),
        );
    }
    if filter.tracking {
        w.push("c.status = 'tracking'", None);
    }
    if !filter.q.is_empty() {
        let pattern = format!(
            "%{}%",
            filter
                .q
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        w.push("c.topic LIKE ? ESCAPE '\\'", Some(Arg::Text(pattern)));
    }
    let total: i64 = bind_all(
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM cases c {}", w.sql())),
        &w.args,
    )
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    let size = CaseFilter::PAGE_SIZE;
    let pages = (total as u32).div_ceil(size).max(1);
    let page = filter.page.clamp(1, pages);
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM cases c {} ORDER BY c.kind DESC, c.number DESC LIMIT {size} OFFSET {}",
        w.sql(),
        (page - 1) * size
    );
    Ok(CasePage {
        rows: rows(pool, &sql, &w.args, today).await?,
        total,
        page,
        pages,
    })
}

fn queue(title: &str, empty: &str, rows: Vec<CaseRow>) -> Queue {
    Queue {
        title: title.into(),
        empty: empty.into(),
        rows,
    }
}

/// The lists each role works through, most urgent first: overdue cases sort first because
/// they have the earliest due dates.
pub async fn queues(
    pool: &AnyPool,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<Vec<Queue>, AppError> {
    let by_status = |statuses: &[CaseStatus]| {
        format!(
            "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status IN ({}) ORDER BY c.due_on, c.id LIMIT 50",
            sql_list(statuses)
        )
    };
    let bureau_sql = |statuses: &[CaseStatus], extra: &str| {
        format!(
            "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status IN ({}) AND {} {extra} \
             ORDER BY c.due_on, c.id LIMIT 100",
            sql_list(statuses),
            OPEN_PART.replace('?', "$1")
        )
    };
    Ok(match user.role {
        Role::Secretariat => vec![
            queue(
                "遭退回待改分案件",
                "目前沒有局處退回的案件。",
                rows(
                    pool,
                    &format!(
                        "SELECT {ROW_COLUMNS} FROM cases c WHERE EXISTS (SELECT 1 FROM assignments a \
                         WHERE a.case_id = c.id AND a.state = 'rejected') ORDER BY c.due_on, c.id LIMIT 50"
                    ),
                    &[],
                    today,
                )
                .await?,
            ),
            queue(
                "待分派案件",
                "目前沒有待分派的質詢或索資案件。",
                rows(
                    pool,
                    &format!(
                        "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status = 'unassigned' AND NOT EXISTS \
                         (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.state = 'rejected') \
                         ORDER BY c.due_on, c.id LIMIT 50"
                    ),
                    &[],
                    today,
                )
                .await?,
            ),
            queue(
                "待檢核答復",
                "目前沒有局處送來的答復。",
                rows(pool, &by_status(&[CaseStatus::SignedOff]), &[], today).await?,
            ),
        ],
        Role::BureauLiaison | Role::BureauApprover => {
            let bureau = [Arg::Int(user.bureau_id.ok_or(AppError::Forbidden)?)];
            let mut lists = Vec::new();
            if user.role == Role::BureauApprover {
                lists.push(queue(
                    "待核定答復",
                    "目前沒有待您核定的答復或資料。",
                    rows(
                        pool,
                        &bureau_sql(&[CaseStatus::AwaitingSignOff], "AND EXISTS (SELECT 1 FROM assignments l WHERE l.case_id = c.id AND l.bureau_id = $1 AND l.role = 'lead' AND l.state = 'accepted')"),
                        &bureau,
                        today,
                    )
                    .await?,
                ));
            }
            // What the bureau still owes; cases with the secretariat or the reviewer are
            // in the case list.
            lists.push(queue(
                "本局待辦案件",
                "目前沒有指派給本局的案件。",
                rows(pool, &bureau_sql(OWING, ""), &bureau, today).await?,
            ));
            lists
        }
        Role::Reviewer => vec![
            queue(
                "待審查答復",
                "目前沒有待審查的書面答復。",
                rows(pool, &by_status(&[CaseStatus::InReview]), &[], today).await?,
            ),
            queue(
                "列管案件",
                "目前沒有列管中的案件。",
                rows(pool, &by_status(&[CaseStatus::Tracking]), &[], today).await?,
            ),
        ],
        Role::Admin => Vec::new(),
    })
}

/// The case page's data for `user`, or `NotFound` if they may not see it.
pub async fn detail(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<CaseDetail, AppError> {
    let part = my_part(pool, case_id, user.bureau_id).await?;
    let me = actor(user);
    if !me.may_view(part) {
        return Err(AppError::NotFound);
    }
    let row = sqlx::query(
        "SELECT c.*, t.number AS term_number, s.kind AS session_kind, s.number AS session_number, \
           st.name AS sitting_name, u.display_name AS reply_by \
         FROM cases c JOIN council_sessions s ON s.id = c.session_id \
         JOIN council_terms t ON t.id = s.term_id \
         LEFT JOIN sitting_types st ON st.id = c.sitting_type_id \
         LEFT JOIN users u ON u.id = c.reply_updated_by WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let kind = kind(&row)?;
    let status = status(&row)?;
    let due_on = date(&row, "due_on")?;
    let session_kind = crate::reference::SessionKind::parse(row.try_get("session_kind")?)
        .ok_or_else(|| unexpected("session kind"))?;
    let sitting = match row.try_get::<Option<String>, _>("sitting_name")? {
        Some(name) => Some((name, date(&row, "sitting_date")?)),
        None => None,
    };
    let councilors: Vec<String> = sqlx::query_scalar(
        "SELECT co.name FROM case_councilors cc JOIN councilors co ON co.id = cc.councilor_id \
         WHERE cc.case_id = $1 ORDER BY cc.position",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    let parts = sqlx::query(
        "SELECT a.id, a.bureau_id, b.name AS bureau, a.role, a.state, a.reject_reason, \
           sb.name AS suggested FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
         LEFT JOIN bureaus sb ON sb.id = a.suggested_bureau_id \
         WHERE a.case_id = $1 \
         ORDER BY a.role DESC, CASE WHEN a.state IN ('pending', 'accepted') THEN 0 ELSE 1 END, a.id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Part {
            id: r.try_get("id")?,
            bureau_id: r.try_get("bureau_id")?,
            bureau: r.try_get("bureau")?,
            role: PartRole::parse(r.try_get("role")?).ok_or_else(|| unexpected("role"))?,
            state: PartState::parse(r.try_get("state")?).ok_or_else(|| unexpected("state"))?,
            reject_reason: r.try_get("reject_reason")?,
            suggested_bureau: r.try_get("suggested")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let sub_answers = sqlx::query(
        "SELECT b.name AS bureau, s.body, u.display_name, s.updated_at FROM sub_answers s \
         JOIN bureaus b ON b.id = s.bureau_id JOIN users u ON u.id = s.updated_by \
         WHERE s.case_id = $1 ORDER BY b.sort_order",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(SubAnswer {
            bureau: r.try_get("bureau")?,
            body: r.try_get("body")?,
            updated_by: r.try_get("display_name")?,
            updated_at: r.try_get("updated_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut deliveries = sqlx::query(
        "SELECT d.id, d.batch, d.note, u.display_name, d.delivered_at FROM deliveries d \
         JOIN users u ON u.id = d.delivered_by WHERE d.case_id = $1 ORDER BY d.batch",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get::<i64, _>("id")?,
            Delivery {
                batch: r.try_get("batch")?,
                note: r.try_get("note")?,
                delivered_by: r.try_get("display_name")?,
                delivered_at: r.try_get("delivered_at")?,
                files: Vec::new(),
            },
        ))
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let files: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT a.delivery_id, a.id, a.file_name, a.size_bytes FROM attachments a \
         JOIN deliveries d ON d.id = a.delivery_id WHERE d.case_id = $1 ORDER BY a.id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    for (delivery_id, id, file_name, size_bytes) in files {
        if let Some((_, d)) = deliveries.iter_mut().find(|(i, _)| *i == delivery_id) {
            d.files.push(Attachment {
                id,
                file_name,
                size_bytes,
            });
        }
    }
    let timeline = sqlx::query(
        "SELECT e.at, u.display_name, e.action, e.detail, e.before_value, e.after_value \
         FROM case_events e JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.id DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(TimelineEvent {
            at: r.try_get("at")?,
            actor: r.try_get("display_name")?,
            action: r.try_get("action")?,
            detail: r.try_get("detail")?,
            before: r.try_get("before_value")?,
            after: r.try_get("after_value")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let actions = Action::ALL
        .into_iter()
        .filter(|a| me.may(*a, part) && a.next(kind, status, false).is_ok())
        .collect();
    let reply_by: Option<String> = row.try_get("reply_by")?;
    let reply_at: Option<i64> = row.try_get("reply_updated_at")?;
    Ok(CaseDetail {
        id: case_id,
        kind,
        session: crate::reference::session_title(
            row.try_get("term_number")?,
            row.try_get("session_number")?,
            session_kind,
        ),
        number: row.try_get("number")?,
        topic: row.try_get("topic")?,
        body: row.try_get("body")?,
        councilors,
        sitting,
        received_at: row.try_get("received_at")?,
        priority: row
            .try_get::<Option<String>, _>("priority")?
            .and_then(|p| Priority::parse(&p)),
        within_three_days: flag(&row, "within_three_days")?,
        due_on,
        due_override_reason: row.try_get("due_override_reason")?,
        overdue: OWING.contains(&status) && due_on < today,
        status,
        tracking: flag(&row, "tracking")?,
        reply: row.try_get("reply")?,
        cannot_provide: flag(&row, "cannot_provide")?,
        reply_version: row.try_get("reply_version")?,
        reply_updated: reply_by.zip(reply_at),
        review_comment: row.try_get("review_comment")?,
        version: row.try_get("version")?,
        parts,
        sub_answers,
        deliveries: deliveries.into_iter().map(|(_, d)| d).collect(),
        timeline,
        actions,
    })
}

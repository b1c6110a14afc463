//! Recording a promise: the data request that carries it, assigned to the bureau that
//! delivers, the link between question and request, an event on the question's timeline
//! and an audit row, in one transaction.

use super::{may_record, NewPromise};
use crate::{
    audit::{db::Entry, AuditAction},
    caller::Caller,
    cases::{
        db::{append_event, assign, record_data_request, EventActor, RecordedBy},
        events::{EventAction, EventData},
        CaseKind, CaseStatus, DueOverride, NewDataRequest, Priority,
    },
    db::{unexpected, Tx},
    deadlines::{self, RuleKind},
    error::AppError,
};
use serde_json::json;
use sqlx::Row;

/// Records `promise` on question `question_id`; returns the new data request's id.
pub async fn record(
    c: &Caller,
    tx: &mut Tx,
    question_id: i64,
    promise: &NewPromise,
) -> Result<i64, AppError> {
    let row = sqlx::query("SELECT kind, status, session_id, number FROM cases WHERE id = $1")
        .bind(question_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = CaseKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
    let status = CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("status"))?;
    if !may_record(c.user.role, kind, status) {
        return Err(if kind == CaseKind::Question {
            AppError::Conflict("這則質詢尚未受理，不能記錄會後補資料。".into())
        } else {
            AppError::Conflict("會後補資料只能記錄在質詢上。".into())
        });
    }
    // The data request is of the question's first councilor, as the council lists them; a
    // joint question's other councilors are added after it, so each office follows it.
    let councilor_id: i64 = sqlx::query_scalar(
        "SELECT councilor_id FROM case_councilors WHERE case_id = $1 ORDER BY position LIMIT 1",
    )
    .bind(question_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::Conflict("這則質詢沒有登錄議員，無法建立索資案件。".into()))?;
    let due_on = match promise.due_on {
        Some(day) => day,
        None => {
            let rule = deadlines::db::rule(&mut **tx, RuleKind::Promise).await?;
            let calendar = deadlines::db::work_calendar(&mut **tx).await?;
            rule.due_date(c.today(), &calendar)
        }
    };
    let number: i64 = row.try_get("number")?;
    let request = NewDataRequest {
        session_id: row.try_get("session_id")?,
        councilor_id,
        topic: promise.topic(number),
        body: promise.body(),
        received_at: c.ts(),
        priority: Priority::Ordinary,
        within_three_days: false,
        due: Some(DueOverride {
            due_on,
            reason: promise.due_reason(),
        }),
    };
    let request_id = record_data_request(tx, &request, RecordedBy::User(&c.user), c.ts()).await?;
    sqlx::query(
        "INSERT INTO case_councilors (case_id, councilor_id, position) \
         SELECT $1, councilor_id, position FROM case_councilors \
         WHERE case_id = $2 AND councilor_id <> $3",
    )
    .bind(request_id)
    .bind(question_id)
    .bind(councilor_id)
    .execute(&mut **tx)
    .await?;
    // A new case is at version 1; the bureau hears of it as of any assignment.
    assign(tx, request_id, &c.user, 1, promise.bureau_id, &[], c.ts()).await?;
    let request_number: i64 = sqlx::query_scalar("SELECT number FROM cases WHERE id = $1")
        .bind(request_id)
        .fetch_one(&mut **tx)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO case_promises (question_id, request_id, promised_by, what, recorded_by, \
           recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(question_id)
    .bind(request_id)
    .bind(&promise.promised_by)
    .bind(&promise.what)
    .bind(c.user.id)
    .bind(c.ts())
    .fetch_one(&mut **tx)
    .await?;
    let data = EventData {
        reason: Some(promise.promised_by.clone()),
        comment: Some(promise.what.clone()),
        due_on: Some(due_on),
        request_number: Some(request_number),
        ..Default::default()
    };
    append_event(
        tx,
        question_id,
        c.ts(),
        EventActor::user(&c.user),
        EventAction::Promise,
        &data,
    )
    .await?;
    c.audit(
        tx,
        Entry::new(AuditAction::PromiseRecorded, "case", question_id).data(json!({
            "promise_id": id,
            "request_id": request_id,
            "bureau_id": promise.bureau_id,
            "due_on": due_on.to_string(),
        })),
    )
    .await?;
    Ok(request_id)
}

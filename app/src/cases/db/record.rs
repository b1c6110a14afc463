//! Recording new cases: questions and data requests, with their due dates.

use super::events::{append_event, EventActor};
use crate::{
    auth::CurrentUser,
    cases::{
        events::{EventAction, EventData},
        CaseKind, CaseStatus, DueOverride, NewDataRequest, NewQuestion,
    },
    db::{is_unique_violation, Tx},
    deadlines::{self, RuleKind},
    error::AppError,
};
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// The due date the rules give. Questions count from the sitting, data requests from
/// the day they were received (Taipei time).
pub async fn computed_due(
    conn: &mut AnyConnection,
    rule: RuleKind,
    start: NaiveDate,
) -> Result<NaiveDate, sqlx::Error> {
    let rule = deadlines::db::rule(&mut *conn, rule).await?;
    let calendar = deadlines::db::work_calendar(&mut *conn).await?;
    Ok(rule.due_date(start, &calendar))
}

/// The due date typed over the rule's (with its reason), or the rule's.
pub(crate) async fn due(
    tx: &mut Tx,
    typed: &Option<DueOverride>,
    rule: RuleKind,
    start: NaiveDate,
) -> Result<(NaiveDate, Option<String>), sqlx::Error> {
    Ok(match typed {
        Some(DueOverride { due_on, reason }) => (*due_on, Some(reason.clone())),
        None => (computed_due(tx, rule, start).await?, None),
    })
}

pub(crate) fn reference_error(err: sqlx::Error, number_field: &str) -> AppError {
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

pub(crate) async fn link_councilors(
    tx: &mut Tx,
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
    tx: &mut Tx,
    sql: &str,
    id: i64,
    field: &str,
    message: &str,
) -> Result<(), AppError> {
    let found: Option<i64> = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::validation(field, message))
}

pub async fn record_question(
    tx: &mut Tx,
    q: &NewQuestion,
    user: &CurrentUser,
    now: i64,
) -> Result<i64, AppError> {
    check_reference(
        tx,
        "SELECT id FROM council_sessions WHERE id = $1",
        q.session_id,
        "session_id",
        "找不到所選的會期。",
    )
    .await?;
    check_reference(
        tx,
        "SELECT id FROM sitting_types WHERE id = $1",
        q.sitting_type_id,
        "sitting_type_id",
        "找不到所選的質詢類別。",
    )
    .await?;
    let (due_on, reason) = due(tx, &q.due, RuleKind::QuestionReply, q.sitting_date).await?;
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
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| reference_error(e, "number"))?;
    link_councilors(tx, id, &q.councilor_ids).await?;
    super::search::store(tx, id).await?;
    let data = EventData {
        due_on: Some(due_on),
        due_reason: reason,
        ..Default::default()
    };
    append_event(
        tx,
        id,
        now,
        EventActor::user(user),
        EventAction::Record,
        &data,
    )
    .await?;
    Ok(id)
}

/// Who recorded a case: an officer (it waits to be assigned) or a councilor office through
/// its status link (it waits for the secretariat to take it in).
#[derive(Debug, Clone, Copy)]
pub enum RecordedBy<'a> {
    User(&'a CurrentUser),
    Link(i64),
}

impl RecordedBy<'_> {
    pub(crate) fn status(self) -> CaseStatus {
        match self {
            Self::User(_) => CaseStatus::Unassigned,
            Self::Link(_) => CaseStatus::Filed,
        }
    }

    pub(crate) fn actor(self) -> EventActor {
        match self {
            Self::User(user) => EventActor::user(user),
            Self::Link(id) => EventActor::link(id),
        }
    }

    pub(crate) fn user_id(self) -> Option<i64> {
        match self {
            Self::User(user) => Some(user.id),
            Self::Link(_) => None,
        }
    }

    pub(crate) fn link_id(self) -> Option<i64> {
        match self {
            Self::User(_) => None,
            Self::Link(id) => Some(id),
        }
    }
}

/// The next number of a kind numbered in the order cases arrive within the session (data
/// requests, service cases). The lock row is written before the maximum is read: a second
/// recording waits for the first to commit and then reads its number (PostgreSQL; SQLite
/// writers queue at BEGIN anyway).
pub(crate) async fn next_number(
    tx: &mut Tx,
    session_id: i64,
    kind: CaseKind,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_number_locks (session_id, kind, taken) VALUES ($1, $2, 1) \
         ON CONFLICT (session_id, kind) DO UPDATE SET taken = case_number_locks.taken + 1",
    )
    .bind(session_id)
    .bind(kind.as_str())
    .execute(&mut **tx)
    .await?;
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM cases WHERE session_id = $1 AND kind = $2",
    )
    .bind(session_id)
    .bind(kind.as_str())
    .fetch_one(&mut **tx)
    .await
}

pub(crate) async fn check_session(tx: &mut Tx, session_id: i64) -> Result<(), AppError> {
    check_reference(
        tx,
        "SELECT id FROM council_sessions WHERE id = $1",
        session_id,
        "session_id",
        "找不到所選的會期。",
    )
    .await
}

/// Names the one councilor of a data request or service case.
pub(crate) async fn link_councilor(
    tx: &mut Tx,
    case_id: i64,
    councilor_id: i64,
) -> Result<(), AppError> {
    link_councilors(tx, case_id, &[councilor_id])
        .await
        .map_err(|e| match e {
            AppError::Validation { message, .. } => AppError::validation("councilor_id", message),
            other => other,
        })
}

pub async fn record_data_request(
    tx: &mut Tx,
    r: &NewDataRequest,
    by: RecordedBy<'_>,
    now: i64,
) -> Result<i64, AppError> {
    check_session(tx, r.session_id).await?;
    let received = crate::dates::taipei_date(r.received_at).ok_or(AppError::BadRequest)?;
    let (due_on, reason) = due(tx, &r.due, r.priority.rule(), received).await?;
    let number = next_number(tx, r.session_id, CaseKind::DataRequest).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (kind, session_id, number, topic, body, received_at, priority, \
           within_three_days, due_on, due_override_reason, status, created_by, filed_link_id, \
           created_at, updated_at) \
         VALUES ('data_request', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
         RETURNING id",
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
    .bind(by.status().as_str())
    .bind(by.user_id())
    .bind(by.link_id())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| reference_error(e, "session_id"))?;
    link_councilor(tx, id, r.councilor_id).await?;
    super::search::store(tx, id).await?;
    let data = EventData {
        due_on: Some(due_on),
        due_reason: reason,
        priority: Some(r.priority),
        within_three_days: r.within_three_days,
        ..Default::default()
    };
    append_event(tx, id, now, by.actor(), EventAction::Record, &data).await?;
    Ok(id)
}

/// The next question of the sitting of question `after` (see [`NextQuestion`]); `None` when
/// `after` is not a question.
pub async fn next_question(
    pool: &sqlx::AnyPool,
    after: i64,
) -> Result<Option<crate::cases::NextQuestion>, sqlx::Error> {
    let row: Option<(i64, i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT session_id, number, sitting_type_id, sitting_date FROM cases \
         WHERE id = $1 AND kind = 'question'",
    )
    .bind(after)
    .fetch_optional(pool)
    .await?;
    let Some((session_id, number, Some(sitting_type_id), Some(day))) = row else {
        return Ok(None);
    };
    let Ok(sitting_date) = day.parse() else {
        return Ok(None);
    };
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM cases WHERE session_id = $1 AND kind = 'question' AND number = $2",
    )
    .bind(session_id)
    .bind(number + 1)
    .fetch_optional(pool)
    .await?;
    let next = match taken {
        None => number + 1,
        Some(_) => {
            let max: i64 = sqlx::query_scalar(
                "SELECT MAX(number) FROM cases WHERE session_id = $1 AND kind = 'question'",
            )
            .bind(session_id)
            .fetch_one(pool)
            .await?;
            max + 1
        }
    };
    let councilor_ids: Vec<i64> = sqlx::query_scalar(
        "SELECT councilor_id FROM case_councilors WHERE case_id = $1 ORDER BY position",
    )
    .bind(after)
    .fetch_all(pool)
    .await?;
    Ok(Some(crate::cases::NextQuestion {
        recorded_id: after,
        recorded_number: number,
        session_id,
        number: next,
        sitting_type_id,
        sitting_date,
        councilor_ids,
    }))
}

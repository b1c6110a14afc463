//! Resolutions in the database, split by job: here recording one, the case page's facts,
//! the reconsideration and the finding that it cannot be carried out (each an event) and the
//! start page's warnings; `report` compiles and reads the execution report; `import` keeps
//! and imports the council's lists.

mod import;
mod report;

pub use import::{commit_import, preview};
pub use report::{
    chase_report, compile, compiled, next_report, report, report_sessions,
    sessions_with_resolutions,
};

use super::{
    execution_state, may_mark_not_executable, may_record_reconsideration, reconsideration_closes,
    report_due, window_closing_soon, ClosingWindow, NewResolution, NotExecutable,
    NotExecutableFacts, Reconsideration, ReconsiderationFacts, ReconsiderationOutcome, Requirement,
    ResolutionFacts, ResolutionKind,
};
use crate::{
    auth::CurrentUser,
    caller::Caller,
    cases::{
        db::{
            append_event, check_session, link_councilors, next_number, reference_error, EventActor,
        },
        events::{Change, EventAction, EventData},
        CaseKind, CaseStatus,
    },
    db::{
        date,
        filter::{bind_all, Arg, Statement},
        unexpected, Db, Tx,
    },
    deadlines::{self, RuleKind, WorkCalendar},
    error::AppError,
    reference::SessionKind,
};
use chrono::{Duration, NaiveDate};
use sqlx::{AnyPool, Row};

/// The moment a day began in the city's time zone: what `received_at` holds for a
/// resolution, whose letter is dated by the day.
pub fn start_of(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(crate::dates::taipei()).single())
        .map_or(0, |t| t.timestamp())
}

/// The next regular session opening after `after`: its id, title and first day.
pub async fn next_regular_session<'c>(
    db: impl Db<'c>,
    after: NaiveDate,
) -> Result<Option<(i64, String, NaiveDate)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.id, s.number, s.starts_on, t.number AS term FROM council_sessions s \
         JOIN council_terms t ON t.id = s.term_id \
         WHERE s.kind = 'regular' AND s.starts_on > $1 ORDER BY s.starts_on LIMIT 1",
    )
    .bind(after.to_string())
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("id")?,
            crate::reference::session_title(
                r.try_get("term")?,
                r.try_get("number")?,
                SessionKind::Regular,
            ),
            date(&r, "starts_on")?,
        ))
    })
    .transpose()
}

/// The execution report's due day for a session opening on `opens`, by the admin's rule.
pub(super) async fn due_before(tx: &mut Tx, opens: NaiveDate) -> Result<NaiveDate, sqlx::Error> {
    let rule = deadlines::db::rule(&mut **tx, RuleKind::ExecutionReport).await?;
    let calendar = deadlines::db::work_calendar(&mut **tx).await?;
    Ok(report_due(opens, &rule, &calendar))
}

/// Records a resolution as the secretariat typed it (or a row of an imported list). Due by
/// its report-by day, else the next execution report's day. Returns its id.
pub async fn record(
    tx: &mut Tx,
    r: &NewResolution,
    user: &CurrentUser,
    now: i64,
) -> Result<i64, AppError> {
    check_session(tx, r.session_id).await?;
    let next_due = match next_regular_session(&mut **tx, r.received_on).await? {
        Some((_, _, opens)) => Some(due_before(tx, opens).await?),
        None => None,
    };
    let due_on = super::due_on(r.report_by, next_due, r.received_on);
    let number = next_number(tx, r.session_id, CaseKind::Resolution).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (kind, session_id, number, topic, body, received_at, due_on, status, \
           created_by, created_at, updated_at) \
         VALUES ('resolution', $1, $2, $3, $4, $5, $6, 'unassigned', $7, $8, $8) RETURNING id",
    )
    .bind(r.session_id)
    .bind(number)
    .bind(&r.topic)
    .bind(&r.body)
    .bind(start_of(r.received_on))
    .bind(due_on.to_string())
    .bind(user.id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| reference_error(e, "session_id"))?;
    sqlx::query(
        "INSERT INTO resolution_details (case_id, resolution_kind, sitting, letter_number, \
           requirement, committee, report_by, budget_item) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(r.kind.as_str())
    .bind(&r.sitting)
    .bind(&r.letter_number)
    .bind(r.requirement.as_str())
    .bind(&r.committee)
    .bind(r.report_by.map(|d| d.to_string()))
    .bind(&r.budget_item)
    .execute(&mut **tx)
    .await?;
    link_councilors(tx, id, &r.councilor_ids).await?;
    crate::cases::db::store_search(tx, id).await?;
    let data = EventData {
        due_on: Some(due_on),
        letter_number: Some(r.letter_number.clone()),
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

/// A resolution's facts for the case page, with what `user` may do to them.
pub async fn facts(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    status: CaseStatus,
    received_at: Option<i64>,
) -> Result<Option<ResolutionFacts>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT d.*, r.asked_on, r.letter_number AS asked_letter, r.reason, r.outcome, \
           r.outcome_on \
         FROM resolution_details d \
         LEFT JOIN resolution_reconsiderations r ON r.case_id = d.case_id \
         WHERE d.case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let received_on = received_at
        .and_then(crate::dates::taipei_date)
        .ok_or_else(|| unexpected("resolution received"))?;
    let calendar = deadlines::db::work_calendar(pool).await?;
    let opt_date = |name: &str| -> Result<Option<NaiveDate>, sqlx::Error> {
        Ok(row
            .try_get::<Option<String>, _>(name)?
            .and_then(|d| d.parse().ok()))
    };
    let reconsideration = match opt_date("asked_on")? {
        Some(asked_on) => Some(ReconsiderationFacts {
            asked_on,
            letter_number: row
                .try_get::<Option<String>, _>("asked_letter")?
                .unwrap_or_default(),
            reason: row
                .try_get::<Option<String>, _>("reason")?
                .unwrap_or_default(),
            outcome: row
                .try_get::<Option<String>, _>("outcome")?
                .and_then(|o| ReconsiderationOutcome::parse(&o))
                .zip(opt_date("outcome_on")?),
        }),
        None => None,
    };
    let not_executable = match opt_date("not_executable_on")? {
        Some(sent_on) => Some(NotExecutableFacts {
            sent_on,
            letter_number: row
                .try_get::<Option<String>, _>("not_executable_letter")?
                .unwrap_or_default(),
            reply: row
                .try_get::<Option<String>, _>("not_executable_reply")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    let state = execution_state(
        status,
        not_executable.is_some(),
        reconsideration.as_ref().map(|r| r.outcome.map(|(o, _)| o)),
    );
    let may_record = may_record_reconsideration(user.role, status);
    Ok(Some(ResolutionFacts {
        kind: ResolutionKind::parse(row.try_get("resolution_kind")?)
            .ok_or_else(|| unexpected("resolution kind"))?,
        sitting: row.try_get("sitting")?,
        letter_number: row.try_get("letter_number")?,
        received_on,
        requirement: Requirement::parse(row.try_get("requirement")?)
            .ok_or_else(|| unexpected("resolution requirement"))?,
        committee: row.try_get("committee")?,
        report_by: opt_date("report_by")?,
        budget_item: row.try_get("budget_item")?,
        window_closes: reconsideration_closes(received_on, &calendar),
        can_ask_reconsideration: may_record && reconsideration.is_none(),
        can_record_outcome: may_record
            && reconsideration
                .as_ref()
                .is_some_and(|r| r.outcome.is_none()),
        can_mark_not_executable: may_mark_not_executable(user.role, status)
            && not_executable.is_none(),
        reconsideration,
        not_executable,
        state,
    }))
}

/// The resolution `case_id` with its status and the day it arrived; NotFound for any other
/// case.
async fn resolution(tx: &mut Tx, case_id: i64) -> Result<(CaseStatus, NaiveDate, i64), AppError> {
    let row = sqlx::query("SELECT kind, status, received_at, version FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.try_get::<String, _>("kind")? != CaseKind::Resolution.as_str() {
        return Err(AppError::NotFound);
    }
    let status =
        CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("case status"))?;
    let received = row
        .try_get::<Option<i64>, _>("received_at")?
        .and_then(crate::dates::taipei_date)
        .ok_or_else(|| unexpected("resolution received"))?;
    Ok((status, received, row.try_get("version")?))
}

/// The day the window closes for a resolution received on `received`.
async fn window(tx: &mut Tx, received: NaiveDate) -> Result<NaiveDate, sqlx::Error> {
    let calendar = deadlines::db::work_calendar(&mut **tx).await?;
    Ok(reconsideration_closes(received, &calendar))
}

/// The secretariat records that the city asked the council to reconsider: checked against
/// the window, once a resolution.
pub async fn ask_reconsideration(
    c: &Caller,
    tx: &mut Tx,
    case_id: i64,
    form: &super::ReconsiderationForm,
) -> Result<(), AppError> {
    let (status, received, _) = resolution(tx, case_id).await?;
    if !may_record_reconsideration(c.user.role, status) {
        return Err(AppError::Conflict(
            "只有秘書處能在決議案辦理期間記錄覆議。".into(),
        ));
    }
    let closes = window(tx, received).await?;
    let asked = form.parse(closes, c.today())?;
    let Reconsideration {
        asked_on,
        letter_number,
        reason,
    } = asked;
    let done = sqlx::query(
        "INSERT INTO resolution_reconsiderations (case_id, asked_on, letter_number, reason, \
           recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (case_id) DO NOTHING",
    )
    .bind(case_id)
    .bind(asked_on.to_string())
    .bind(&letter_number)
    .bind(&reason)
    .bind(c.user.id)
    .bind(c.ts())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("這件決議案已記錄過覆議。".into()));
    }
    let data = EventData {
        sent_on: Some(asked_on),
        letter_number: Some(letter_number),
        reason: Some(reason),
        ..Default::default()
    };
    append_event(
        tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        EventAction::ReconsiderationAsked,
        &data,
    )
    .await?;
    Ok(())
}

/// The council's answer to the city's reconsideration request. Overturned, nothing is
/// owed: the resolution closes. Sustained, it is carried out as before.
pub async fn record_outcome(
    c: &Caller,
    tx: &mut Tx,
    case_id: i64,
    outcome: &str,
    on: &str,
) -> Result<(), AppError> {
    let (status, _, version) = resolution(tx, case_id).await?;
    if !may_record_reconsideration(c.user.role, status) {
        return Err(AppError::Conflict(
            "只有秘書處能在決議案辦理期間記錄覆議結果。".into(),
        ));
    }
    let asked: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT asked_on, outcome FROM resolution_reconsiderations WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?;
    let asked_on = match asked {
        Some((on, None)) => on
            .parse::<NaiveDate>()
            .map_err(|_| unexpected("asked_on"))?,
        Some((_, Some(_))) => {
            return Err(AppError::Conflict("覆議結果已經記錄過了。".into()));
        }
        None => return Err(AppError::Conflict("這件決議案沒有提出覆議。".into())),
    };
    let (outcome, decided_on) = super::parse_outcome(outcome, on, asked_on, c.today())?;
    sqlx::query(
        "UPDATE resolution_reconsiderations SET outcome = $1, outcome_on = $2 WHERE case_id = $3",
    )
    .bind(outcome.as_str())
    .bind(decided_on.to_string())
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    let mut data = EventData {
        outcome: Some(outcome),
        decided_on: Some(decided_on),
        ..Default::default()
    };
    if outcome == ReconsiderationOutcome::Overturned {
        close(tx, case_id, version, c.ts()).await?;
        data.status = Some(Change::new(status, CaseStatus::Closed));
    }
    append_event(
        tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        EventAction::ReconsiderationAnswered,
        &data,
    )
    .await?;
    Ok(())
}

/// Closes a resolution no longer owed (not executable, or the council changed its mind):
/// out of tracking, its due date no longer counting.
async fn close(tx: &mut Tx, case_id: i64, version: i64, now: i64) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE cases SET status = 'closed', tracking = $1, next_check_on = NULL, \
           version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
    )
    .bind(false)
    .bind(now)
    .bind(case_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "案件剛被其他人更新，未執行本次操作。請重新整理頁面後再試。".into(),
        ));
    }
    Ok(())
}

/// The reviewer finds a resolution cannot be carried out and records the reasoned reply
/// that went to the council; the resolution closes.
pub async fn mark_not_executable(
    c: &Caller,
    tx: &mut Tx,
    case_id: i64,
    finding: &NotExecutable,
) -> Result<(), AppError> {
    let (status, _, version) = resolution(tx, case_id).await?;
    if !may_mark_not_executable(c.user.role, status) {
        return Err(AppError::Conflict(
            "只有副秘書長能認定尚未結案的決議案窒礙難行。".into(),
        ));
    }
    sqlx::query(
        "UPDATE resolution_details SET not_executable_on = $1, not_executable_letter = $2, \
           not_executable_reply = $3, not_executable_by = $4 WHERE case_id = $5",
    )
    .bind(finding.sent_on.to_string())
    .bind(&finding.letter_number)
    .bind(&finding.reply)
    .bind(c.user.id)
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    close(tx, case_id, version, c.ts()).await?;
    let data = EventData {
        status: Some(Change::new(status, CaseStatus::Closed)),
        sent_on: Some(finding.sent_on),
        letter_number: Some(finding.letter_number.clone()),
        reason: Some(finding.reply.clone()),
        ..Default::default()
    };
    append_event(
        tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        EventAction::NotExecutable,
        &data,
    )
    .await?;
    Ok(())
}

/// The resolutions that may have a window closing: open, not asked to reconsider, and
/// received in the last 45 days (read by the index on kind and the day received). Apart
/// for the plan guard.
pub fn closing_windows_statement(today: NaiveDate) -> Statement {
    let since = start_of(today - Duration::days(i64::from(super::RECONSIDERATION_DAYS) + 15));
    Statement {
        sql: "SELECT c.id, c.number, c.topic, c.received_at FROM cases c \
              WHERE c.kind = 'resolution' AND c.received_at >= $1 AND c.status <> 'closed' \
                AND NOT EXISTS (SELECT 1 FROM resolution_reconsiderations r \
                  WHERE r.case_id = c.id) \
              ORDER BY c.received_at, c.id"
            .into(),
        args: vec![Arg::Int(since)],
    }
}

/// Resolutions whose window closes within [`super::WARN_WORKING_DAYS`] working days and
/// that nobody has asked to reconsider, soonest first.
pub async fn closing_windows(
    pool: &AnyPool,
    today: NaiveDate,
) -> Result<Vec<ClosingWindow>, sqlx::Error> {
    let statement = closing_windows_statement(today);
    let rows = bind_all(sqlx::query(&statement.sql), &statement.args)
        .fetch_all(pool)
        .await?;
    let calendar: WorkCalendar = deadlines::db::work_calendar(pool).await?;
    let mut out = Vec::new();
    for r in rows {
        let Some(received) = r
            .try_get::<Option<i64>, _>("received_at")?
            .and_then(crate::dates::taipei_date)
        else {
            continue;
        };
        let closes = reconsideration_closes(received, &calendar);
        if window_closing_soon(closes, today, &calendar) {
            out.push(ClosingWindow {
                case_id: r.try_get("id")?,
                number: r.try_get("number")?,
                topic: r.try_get("topic")?,
                closes,
            });
        }
    }
    Ok(out)
}

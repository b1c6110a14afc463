//! Storing meetings and applying their decisions. Confirming a meeting applies every
//! decision in the caller's transaction: one case that can no longer take its decision
//! (it left tracking meanwhile) refuses the whole meeting, and nothing changes.

use super::{
    agenda_parts, build_agenda, undecided, AgendaGroup, AgendaLead, Decision, DecisionForm,
    DecisionKind, Meeting, MeetingStatus, MeetingSummary, Minutes, MinutesGroup, MinutesItem,
    NewMeeting, TrackedCase,
};
use crate::{
    auth::CurrentUser,
    cases::{
        db::{append_event, notify, EventActor, Notice},
        events::{Change, EventData},
        notify::NotificationKind,
        CaseKind, CaseStatus,
    },
    db::{
        date,
        filter::{bind_all, Arg, Statement},
        flag, is_unique_violation, unexpected, Tx,
    },
    error::AppError,
};
use chrono::NaiveDate;
use sqlx::{any::AnyRow, Any, AnyPool, Row};

/// Schedules a meeting; there is at most one scheduled at a time.
pub async fn schedule(
    tx: &mut Tx,
    meeting: &NewMeeting,
    user: &CurrentUser,
    now: i64,
) -> Result<i64, AppError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO meetings (held_on, starts_at, place, status, scheduled_by, scheduled_at) \
         VALUES ($1, $2, $3, 'scheduled', $4, $5) RETURNING id",
    )
    .bind(meeting.held_on.to_string())
    .bind(&meeting.starts_at)
    .bind(&meeting.place)
    .bind(user.id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "meetings_one_scheduled_key") {
            AppError::Conflict(
                "已有一場排定的追蹤會議；請先確認該次會議的決議，再排定下一次。".into(),
            )
        } else {
            e.into()
        }
    })?;
    for (position, name) in meeting.attendees.iter().enumerate() {
        sqlx::query(
            "INSERT INTO meeting_attendees (meeting_id, position, name) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(name)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// The meetings, newest first.
pub async fn list(pool: &AnyPool) -> Result<Vec<MeetingSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT m.id, m.held_on, m.status, \
           (SELECT COUNT(*) FROM meeting_decisions d WHERE d.meeting_id = m.id) AS decisions, \
           (SELECT COUNT(*) FROM meeting_decisions d WHERE d.meeting_id = m.id \
              AND d.decision = 'release') AS released \
         FROM meetings m ORDER BY m.held_on DESC, m.id DESC LIMIT 200",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MeetingSummary {
                id: row.try_get("id")?,
                held_on: date(row, "held_on")?,
                status: meeting_status(row)?,
                decisions: row.try_get("decisions")?,
                released: row.try_get("released")?,
            })
        })
        .collect()
}

/// The day the last meeting was held, if any.
pub async fn last_held_on(pool: &AnyPool) -> Result<Option<NaiveDate>, sqlx::Error> {
    let day: Option<String> =
        sqlx::query_scalar("SELECT MAX(held_on) FROM meetings WHERE status = 'held'")
            .fetch_one(pool)
            .await?;
    Ok(day.and_then(|d| d.parse().ok()))
}

fn meeting_status(row: &AnyRow) -> Result<MeetingStatus, sqlx::Error> {
    MeetingStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("meeting status"))
}

/// The cases under tracking with their lead bureau and newest progress report.
pub async fn tracked_cases<'c>(
    db: impl sqlx::Executor<'c, Database = Any>,
) -> Result<Vec<TrackedCase>, sqlx::Error> {
    tracked_cases_of(db, None).await
}

/// The tracked cases with their lead bureau and newest progress report, in the agenda's
/// order of bureaus: every one, or those of `part` (a bureau and its cases' ids, from
/// [`leads_statement`]) still tracked and led by it. A part is read by id so that a page
/// of a long agenda probes only its own cases' assignments and reports.
pub fn tracked_statement(part: Option<(i64, &[i64])>) -> Statement {
    let (only, args) = match part {
        Some((bureau, ids)) => (
            format!(
                "AND c.id IN ({}) AND a.bureau_id = $1",
                crate::cases::db::id_list(ids.iter().copied())
            ),
            vec![Arg::Int(bureau)],
        ),
        None => (String::new(), Vec::new()),
    };
    Statement {
        // The newest report is found once a case and joined by its id, rather than probed
        // for each of its three columns.
        sql: format!(
            "SELECT c.id, c.kind, c.number, c.topic, c.due_on, c.next_check_on, c.escalated, \
               a.bureau_id, b.name AS bureau, b.sort_order, \
               p.reported_at AS last_report_at, p.body AS last_report, p.expected_on \
             FROM cases c \
             JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' AND a.state = 'accepted' \
             JOIN bureaus b ON b.id = a.bureau_id \
             LEFT JOIN progress_reports p ON p.id = (SELECT r.id FROM progress_reports r \
               WHERE r.case_id = c.id ORDER BY r.reported_at DESC, r.id DESC LIMIT 1) \
             WHERE c.status = 'tracking' {only} ORDER BY b.sort_order, c.id"
        ),
        args,
    }
}

async fn tracked_cases_of<'c>(
    db: impl sqlx::Executor<'c, Database = Any>,
    part: Option<(i64, &[i64])>,
) -> Result<Vec<TrackedCase>, sqlx::Error> {
    if part.is_some_and(|(_, ids)| ids.is_empty()) {
        return Ok(Vec::new());
    }
    let statement = tracked_statement(part);
    let rows = bind_all(sqlx::query(&statement.sql), &statement.args)
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|row| {
            let optional_date = |column: &str| -> Result<Option<NaiveDate>, sqlx::Error> {
                Ok(row
                    .try_get::<Option<String>, _>(column)?
                    .and_then(|d| d.parse().ok()))
            };
            Ok(TrackedCase {
                id: row.try_get("id")?,
                kind: CaseKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("kind"))?,
                number: row.try_get("number")?,
                topic: row.try_get("topic")?,
                lead_bureau_id: row.try_get("bureau_id")?,
                lead_bureau: row.try_get("bureau")?,
                bureau_order: row.try_get("sort_order")?,
                due_on: date(row, "due_on")?,
                last_report_at: row.try_get("last_report_at")?,
                last_report: row.try_get("last_report")?,
                expected_on: optional_date("expected_on")?,
                next_check_on: optional_date("next_check_on")?,
                escalated: flag(row, "escalated")?,
            })
        })
        .collect()
}

/// The decisions recorded for a meeting, by case.
async fn decisions<'c>(
    db: impl sqlx::Executor<'c, Database = Any>,
    meeting_id: i64,
) -> Result<Vec<(i64, Decision)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT case_id, decision, next_check_on, bureau_id, remark FROM meeting_decisions \
         WHERE meeting_id = $1 ORDER BY case_id",
    )
    .bind(meeting_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("case_id")?,
                Decision {
                    kind: DecisionKind::parse(row.try_get("decision")?)
                        .ok_or_else(|| unexpected("decision"))?,
                    next_check_on: row
                        .try_get::<Option<String>, _>("next_check_on")?
                        .and_then(|d| d.parse().ok()),
                    bureau_id: row.try_get("bureau_id")?,
                    remark: row.try_get("remark")?,
                },
            ))
        })
        .collect()
}

/// When the last meeting before this one was confirmed: the agenda's "since".
async fn confirmed_before<'c>(
    db: impl sqlx::Executor<'c, Database = Any>,
    meeting_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(confirmed_at) FROM meetings WHERE status = 'held' AND id <> $1")
        .bind(meeting_id)
        .fetch_one(db)
        .await
}

async fn bureaus(pool: &AnyPool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM bureaus WHERE active = $1 ORDER BY sort_order, id")
        .bind(true)
        .fetch_all(pool)
        .await
}

/// A meeting with its whole agenda (scheduled) or its minutes (held), as of `today`: what
/// its papers are written from.
pub async fn meeting(pool: &AnyPool, id: i64, today: NaiveDate) -> Result<Meeting, AppError> {
    read_meeting(pool, id, today, None, 1).await
}

/// A meeting as its web page shows it: an agenda longer than [`super::AGENDA_ON_ONE_PAGE`] holds
/// only one bureau's part, `bureau` if it has cases on it (see [`super::shown_part`]), and
/// of that part page `page` of [`super::AGENDA_PAGE_ROWS`] cases.
pub async fn meeting_page(
    pool: &AnyPool,
    id: i64,
    today: NaiveDate,
    bureau: Option<i64>,
    page: usize,
) -> Result<Meeting, AppError> {
    read_meeting(pool, id, today, Some(bureau), page).await
}

/// `paged`: `None` for the whole agenda, `Some(asked)` for a page.
async fn read_meeting(
    pool: &AnyPool,
    id: i64,
    today: NaiveDate,
    paged: Option<Option<i64>>,
    page: usize,
) -> Result<Meeting, AppError> {
    let row = sqlx::query(
        "SELECT id, held_on, starts_at, place, status, minutes FROM meetings WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let status = meeting_status(&row)?;
    let held_on = date(&row, "held_on")?;
    let attendees = attendees(pool, id).await?;
    let (mut agenda, parts, shown, minutes) = match status {
        MeetingStatus::Scheduled => {
            let leads = agenda_leads(pool, id).await?;
            let parts = agenda_parts(&leads);
            let shown = paged
                .filter(|_| leads.len() > super::AGENDA_ON_ONE_PAGE)
                .and_then(|asked| super::shown_part(&parts, asked));
            let ids: Vec<i64> = leads
                .iter()
                .filter(|l| Some(l.bureau_id) == shown)
                .map(|l| l.case_id)
                .collect();
            let part = shown.map(|bureau| (bureau, ids.as_slice()));
            (agenda(pool, id, held_on, part).await?, parts, shown, None)
        }
        MeetingStatus::Held => {
            let text: String = row.try_get("minutes")?;
            let minutes: Minutes =
                serde_json::from_str(&text).map_err(|e| AppError::internal("stored minutes", e))?;
            (Vec::new(), Vec::new(), None, Some(minutes))
        }
    };
    // The shown part, a page of it: the order within a bureau comes from every case's
    // progress, so the part is read whole and cut here.
    let (mut part_page, mut part_pages) = (1, 1);
    if let (Some(_), Some(group)) = (shown, agenda.first_mut()) {
        part_pages = group.items.len().div_ceil(super::AGENDA_PAGE_ROWS).max(1);
        part_page = page.clamp(1, part_pages);
        let skip = (part_page - 1) * super::AGENDA_PAGE_ROWS;
        group.items = group
            .items
            .drain(..)
            .skip(skip)
            .take(super::AGENDA_PAGE_ROWS)
            .collect();
    }
    Ok(Meeting {
        id,
        held_on,
        starts_at: row.try_get("starts_at")?,
        place: row.try_get("place")?,
        status,
        attendees,
        agenda,
        parts,
        shown,
        part_page,
        part_pages,
        minutes,
        bureaus: bureaus(pool).await?,
        confirmable: status == MeetingStatus::Scheduled
            && super::may_confirm(held_on, today).is_ok(),
        next_check_on: super::next_check_on(
            held_on,
            &crate::deadlines::db::work_calendar(pool).await?,
        ),
    })
}

/// Who attends a meeting, in their order.
pub async fn attendees(pool: &AnyPool, id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM meeting_attendees WHERE meeting_id = $1 ORDER BY position")
        .bind(id)
        .fetch_all(pool)
        .await
}

/// Moves a scheduled meeting to another day (and time); returns the day it had.
pub async fn move_meeting(
    tx: &mut Tx,
    meeting_id: i64,
    held_on: NaiveDate,
    starts_at: &str,
) -> Result<NaiveDate, AppError> {
    let was = open_meeting(tx, meeting_id).await?;
    sqlx::query(
        "UPDATE meetings SET held_on = $1, starts_at = $2 WHERE id = $3 AND status = 'scheduled'",
    )
    .bind(held_on.to_string())
    .bind(starts_at)
    .bind(meeting_id)
    .execute(&mut **tx)
    .await?;
    Ok(was)
}

/// Every tracked case's lead bureau, and whether meeting `id` decided on it: one probe of
/// the lead assignment a tracked case (6,290 at 400,000 generated), which a page of a long
/// agenda makes once, to count the parts and to pick the shown part's cases.
pub fn leads_statement(id: i64) -> Statement {
    Statement {
        sql: "SELECT c.id, a.bureau_id, b.name, b.sort_order, d.case_id AS decided \
              FROM cases c \
              JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' AND a.state = 'accepted' \
              JOIN bureaus b ON b.id = a.bureau_id \
              LEFT JOIN meeting_decisions d ON d.meeting_id = $1 AND d.case_id = c.id \
              WHERE c.status = 'tracking'"
            .into(),
        args: vec![Arg::Int(id)],
    }
}

async fn agenda_leads(pool: &AnyPool, id: i64) -> Result<Vec<AgendaLead>, sqlx::Error> {
    let statement = leads_statement(id);
    let rows = bind_all(sqlx::query(&statement.sql), &statement.args)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(AgendaLead {
                case_id: row.try_get("id")?,
                bureau_id: row.try_get("bureau_id")?,
                bureau: row.try_get("name")?,
                bureau_order: row.try_get("sort_order")?,
                decided: row.try_get::<Option<i64>, _>("decided")?.is_some(),
            })
        })
        .collect()
}

/// The agenda of meeting `id`, or its part of `bureau`.
async fn agenda(
    pool: &AnyPool,
    id: i64,
    held_on: NaiveDate,
    part: Option<(i64, &[i64])>,
) -> Result<Vec<AgendaGroup>, sqlx::Error> {
    let cases = tracked_cases_of(pool, part).await?;
    let since = confirmed_before(pool, id).await?;
    let decided = decisions(pool, id).await?;
    Ok(build_agenda(cases, since, held_on, &decided))
}

/// The scheduled meeting (id, day) and its agenda as of now, read inside `tx` (the
/// reminders' run, which tells bureaus and the reviewer on the meeting's eve).
pub async fn scheduled_agenda(
    tx: &mut Tx,
) -> Result<Option<(i64, NaiveDate, Vec<AgendaGroup>)>, sqlx::Error> {
    let Some(row) = sqlx::query("SELECT id, held_on FROM meetings WHERE status = 'scheduled'")
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let (id, held_on): (i64, NaiveDate) = (row.try_get("id")?, date(&row, "held_on")?);
    let cases = tracked_cases(&mut **tx).await?;
    let since = confirmed_before(&mut **tx, id).await?;
    let decided = decisions(&mut **tx, id).await?;
    Ok(Some((
        id,
        held_on,
        build_agenda(cases, since, held_on, &decided),
    )))
}

/// The meeting's day, if it may still change (scheduled).
async fn open_meeting(tx: &mut Tx, meeting_id: i64) -> Result<NaiveDate, AppError> {
    let row = sqlx::query("SELECT held_on, status FROM meetings WHERE id = $1")
        .bind(meeting_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if meeting_status(&row)? == MeetingStatus::Held {
        return Err(AppError::Conflict(
            "這次會議已確認，決議與紀錄不能再修改。".into(),
        ));
    }
    Ok(date(&row, "held_on")?)
}

/// Records (or replaces) the decision on one tracked case.
pub async fn record_decision(
    tx: &mut Tx,
    meeting_id: i64,
    case_id: i64,
    form: &DecisionForm,
    user: &CurrentUser,
    now: i64,
) -> Result<Decision, AppError> {
    let held_on = open_meeting(tx, meeting_id).await?;
    let lead: i64 = sqlx::query_scalar(
        "SELECT a.bureau_id FROM cases c JOIN assignments a ON a.case_id = c.id \
           AND a.role = 'lead' AND a.state = 'accepted' \
         WHERE c.id = $1 AND c.status = 'tracking'",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::Conflict("此案已不在列管中，不能作成決議。".into()))?;
    let decision = form.parse(held_on, lead)?;
    if let Some(bureau) = decision.bureau_id {
        let active: Option<i64> =
            sqlx::query_scalar("SELECT id FROM bureaus WHERE id = $1 AND active = $2")
                .bind(bureau)
                .bind(true)
                .fetch_optional(&mut **tx)
                .await?;
        if active.is_none() {
            return Err(AppError::validation("bureau_id", "找不到所選的機關。"));
        }
    }
    sqlx::query(
        "INSERT INTO meeting_decisions \
           (meeting_id, case_id, decision, next_check_on, bureau_id, remark, decided_by, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (meeting_id, case_id) DO UPDATE SET decision = excluded.decision, \
           next_check_on = excluded.next_check_on, bureau_id = excluded.bureau_id, \
           remark = excluded.remark, decided_by = excluded.decided_by, \
           decided_at = excluded.decided_at",
    )
    .bind(meeting_id)
    .bind(case_id)
    .bind(decision.kind.as_str())
    .bind(decision.next_check_on.map(|d| d.to_string()))
    .bind(decision.bureau_id)
    .bind(&decision.remark)
    .bind(user.id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(decision)
}

/// Gives every case on the agenda without a decision yet the same decision (繼續列管 with
/// one date and remark, see [`super::keep_all`]); returns those cases.
pub async fn decide_the_rest(
    tx: &mut Tx,
    meeting_id: i64,
    form: &DecisionForm,
    user: &CurrentUser,
    now: i64,
) -> Result<Vec<i64>, AppError> {
    let held_on = open_meeting(tx, meeting_id).await?;
    let cases = tracked_cases(&mut **tx).await?;
    let since = confirmed_before(&mut **tx, meeting_id).await?;
    let decided = decisions(&mut **tx, meeting_id).await?;
    let undecided: Vec<i64> = build_agenda(cases, since, held_on, &decided)
        .iter()
        .flat_map(|g| &g.items)
        .filter(|i| i.decision.is_none())
        .map(|i| i.case.id)
        .collect();
    if undecided.is_empty() {
        return Err(AppError::Conflict("每一案都已有決議。".into()));
    }
    for case_id in &undecided {
        record_decision(tx, meeting_id, *case_id, form, user, now).await?;
    }
    Ok(undecided)
}

/// Applies every decision of the meeting to its case (an event each, and a notice to the
/// bureaus concerned), freezes the minutes and marks the meeting held. Returns the minutes.
pub async fn confirm(
    tx: &mut Tx,
    meeting_id: i64,
    user: &CurrentUser,
    now: i64,
) -> Result<Minutes, AppError> {
    let held_on = open_meeting(tx, meeting_id).await?;
    let today = crate::dates::taipei_date(now).ok_or(AppError::BadRequest)?;
    super::may_confirm(held_on, today)?;
    let cases = tracked_cases(&mut **tx).await?;
    let since = confirmed_before(&mut **tx, meeting_id).await?;
    let decided = decisions(&mut **tx, meeting_id).await?;
    let agenda = build_agenda(cases, since, held_on, &decided);
    let missing = undecided(&agenda);
    if missing > 0 {
        return Err(AppError::Conflict(format!(
            "尚有 {missing} 案未作成決議；每一案都有決議後才能確認會議。"
        )));
    }
    let on_agenda = |id: i64| {
        agenda
            .iter()
            .flat_map(|g| &g.items)
            .any(|i| i.case.id == id)
    };
    if let Some((id, _)) = decided.iter().find(|(id, _)| !on_agenda(*id)) {
        let label = case_label_of(tx, *id).await?;
        return Err(AppError::Conflict(format!(
            "{label} 已不在列管中，請先修改它的決議；本次會議的決議都尚未生效。"
        )));
    }
    let names = bureau_names(tx).await?;
    let name = |id: i64| {
        names
            .iter()
            .find(|(i, _)| *i == id)
            .map_or_else(|| format!("#{id}"), |(_, n)| n.clone())
    };
    let mut groups = Vec::new();
    for group in &agenda {
        let mut items = Vec::new();
        for item in &group.items {
            let decision = item
                .decision
                .as_ref()
                .ok_or_else(|| AppError::internal("confirm", "an undecided item"))?;
            apply(tx, meeting_id, &item.case, decision, user, now).await?;
            items.push(MinutesItem {
                case_id: item.case.id,
                label: item.case.label(),
                topic: item.case.topic.clone(),
                decision: decision.kind,
                next_check_on: decision.next_check_on,
                new_bureau: decision.bureau_id.map(name),
                remark: decision.remark.clone(),
                progress: item.case.progress_line(),
            });
        }
        groups.push(MinutesGroup {
            bureau: group.bureau.clone(),
            items,
        });
    }
    let attendees: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM meeting_attendees WHERE meeting_id = $1 ORDER BY position",
    )
    .bind(meeting_id)
    .fetch_all(&mut **tx)
    .await?;
    let facts = sqlx::query("SELECT starts_at, place FROM meetings WHERE id = $1")
        .bind(meeting_id)
        .fetch_one(&mut **tx)
        .await?;
    let minutes = Minutes {
        held_on,
        starts_at: facts.try_get("starts_at")?,
        place: facts.try_get("place")?,
        attendees,
        confirmed_by: user.display_name.clone(),
        confirmed_at: now,
        groups,
    };
    let text = serde_json::to_string(&minutes).map_err(|e| AppError::internal("minutes", e))?;
    let done = sqlx::query(
        "UPDATE meetings SET status = 'held', confirmed_by = $1, confirmed_at = $2, minutes = $3 \
         WHERE id = $4 AND status = 'scheduled'",
    )
    .bind(user.id)
    .bind(now)
    .bind(text)
    .bind(meeting_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("這次會議已由他人確認。".into()));
    }
    Ok(minutes)
}

async fn case_label_of(tx: &mut Tx, case_id: i64) -> Result<String, AppError> {
    let row = sqlx::query("SELECT kind, number FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut **tx)
        .await?;
    let kind = CaseKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
    Ok(crate::cases::case_label(kind, row.try_get("number")?))
}

async fn bureau_names(tx: &mut Tx) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM bureaus")
        .fetch_all(&mut **tx)
        .await
}

/// Changes a tracked case as decided; refuses (and so undoes the whole meeting) when the
/// case is no longer under tracking.
async fn apply(
    tx: &mut Tx,
    meeting_id: i64,
    case: &TrackedCase,
    decision: &Decision,
    user: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    let gone = || {
        AppError::Conflict(format!(
            "{} 已不在列管中；本次會議的決議都尚未生效，請重新整理後再確認。",
            case.label()
        ))
    };
    let effect = decision.effect(case.lead_bureau_id);
    // One statement for every decision: the status only for a release; the escalation mark
    // kept (COALESCE) unless the decision sets it.
    let done = sqlx::query(
        "UPDATE cases SET status = CASE WHEN $1 THEN 'closed' ELSE status END, \
           tracking = CASE WHEN $1 THEN $2 ELSE tracking END, \
           next_check_on = $3, escalated = COALESCE($4, escalated), \
           version = version + 1, updated_at = $5 \
         WHERE id = $6 AND status = 'tracking'",
    )
    .bind(effect.closes)
    .bind(false)
    .bind(effect.next_check_on.map(|d| d.to_string()))
    .bind(effect.escalated)
    .bind(now)
    .bind(case.id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(gone());
    }
    let mut data = EventData {
        comment: Some(decision.remark.clone()),
        meeting_id: Some(meeting_id),
        next_check_on: effect.next_check_on,
        ..Default::default()
    };
    if effect.closes {
        data.status = Some(Change::new(CaseStatus::Tracking, CaseStatus::Closed));
    }
    if let Some(to) = effect.new_lead {
        move_lead(tx, case.id, case.lead_bureau_id, to, user, now).await?;
        data.moved = Some(Change::new(case.lead_bureau_id, to));
    }
    let (action, audience) = (effect.action, effect.tell);
    let event = append_event(tx, case.id, now, EventActor::user(user), action, &data).await?;
    let notice = Notice {
        kind: NotificationKind::MeetingDecision,
        about: crate::cases::notify::About::Case(case.id),
        event_id: Some(event),
        at: now,
        except: Some(user.id),
        dedupe_key: None,
    };
    notify(tx, &notice, &audience).await?;
    Ok(())
}

/// Hands the lead of a tracked case to another bureau, as the meeting decided: the old
/// lead's part ends (reassigned); the new bureau leads at once (the meeting's decision is
/// its acceptance), taking over its co-bureau part if it had one.
async fn move_lead(
    tx: &mut Tx,
    case_id: i64,
    from: i64,
    to: i64,
    user: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE assignments SET state = 'reassigned', responded_by = $1, responded_at = $2 \
         WHERE case_id = $3 AND bureau_id = $4 AND role = 'lead' AND state = 'accepted'",
    )
    .bind(user.id)
    .bind(now)
    .bind(case_id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    let promoted = sqlx::query(
        "UPDATE assignments SET role = 'lead', state = 'accepted', responded_by = $1, \
           responded_at = $2 WHERE case_id = $3 AND bureau_id = $4 \
           AND state IN ('pending', 'accepted')",
    )
    .bind(user.id)
    .bind(now)
    .bind(case_id)
    .bind(to)
    .execute(&mut **tx)
    .await?;
    if promoted.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO assignments (case_id, bureau_id, role, state, assigned_by, assigned_at, \
               responded_by, responded_at) VALUES ($1, $2, 'lead', 'accepted', $3, $4, $3, $4)",
        )
        .bind(case_id)
        .bind(to)
        .bind(user.id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

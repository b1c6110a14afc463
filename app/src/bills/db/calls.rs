//! The secretariat's call for a session's bills: sent once, answered by a bill or by saying
//! there is none, and reminded while unanswered: on the start page, and by notices (inbox and
//! mail) when it is sent, the working day before it is due and on the overdue chase days, as a
//! case is chased (`notifications::chase::case_chase`).

use super::*;
use crate::{
    cases::{
        db::{notify, Notice},
        notify::{About, Audience, NotificationKind},
    },
    notifications::chase::{case_chase, ChaseRule, ChaseTo},
};

/// The secretariat asks every bureau for the session's bills, due on the day typed or by the
/// `bill_call` rule from today. Once per session.
pub async fn send_call(c: &Caller, tx: &mut Tx, call: &NewCall) -> Result<(), AppError> {
    check_session(tx, call.session_id).await?;
    let today = c.today();
    let due_on = match call.due_on {
        Some(d) => d,
        None => {
            let rule = deadlines::db::rule(&mut **tx, RuleKind::BillCall).await?;
            let calendar = deadlines::db::work_calendar(&mut **tx).await?;
            rule.due_date(today, &calendar)
        }
    };
    let inserted = sqlx::query(
        "INSERT INTO bill_calls (session_id, asked_on, due_on, note, asked_by, asked_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(call.session_id)
    .bind(today.to_string())
    .bind(due_on.to_string())
    .bind(&call.note)
    .bind(c.user.id)
    .bind(c.ts())
    .fetch_one(&mut **tx)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(e) if crate::db::is_unique_violation(&e, "bill_calls_session_key") => {
            return Err(AppError::Conflict("這個會期已請各局處提報議法案。".into()))
        }
        Err(e) => return Err(e.into()),
    };
    // Every active bureau hears of it (whoever sent it needs no notice of their own call).
    let bureaus: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM bureaus WHERE active = $1 ORDER BY id")
            .bind(true)
            .fetch_all(&mut **tx)
            .await?;
    let key = format!("{}:{id}", NotificationKind::BillCall.as_str());
    let notice = Notice {
        kind: NotificationKind::BillCall,
        about: About::BillCall(id),
        event_id: None,
        at: c.ts(),
        except: Some(c.user.id),
        dedupe_key: Some(&key),
    };
    let audience: Vec<Audience> = bureaus.into_iter().map(Audience::Bureau).collect();
    notify(tx, &notice, &audience).await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BillCallSent, "bill_call", id).data(json!({
            "session_id": call.session_id,
            "due_on": due_on.to_string(),
            "note": call.note,
        })),
    )
    .await
}

/// A bureau answers the call: it has no bill this session.
pub async fn say_nothing(c: &Caller, tx: &mut Tx, session_id: i64) -> Result<(), AppError> {
    let bureau_id = c.user.bureau_id.ok_or(AppError::Forbidden)?;
    let call_id: i64 = sqlx::query_scalar("SELECT id FROM bill_calls WHERE session_id = $1")
        .bind(session_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::Conflict("這個會期尚未請各局處提報議法案。".into()))?;
    sqlx::query(
        "INSERT INTO bill_call_nothing (call_id, bureau_id, said_by, said_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (call_id, bureau_id) DO NOTHING",
    )
    .bind(call_id)
    .bind(bureau_id)
    .bind(c.user.id)
    .bind(c.ts())
    .execute(&mut **tx)
    .await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BillCallAnswered, "bill_call", call_id)
            .data(json!({ "bureau_id": bureau_id })),
    )
    .await
}

/// The reminder job's part for calls for bills (run inside its claimed transaction): for
/// every call of a session not yet ended, due by the next working day or overdue, the
/// bureaus that have not answered are told on the days the case schedule chases (the
/// working day before it is due; the first working day overdue and every third after, the
/// approvers from the third chase on). Returns the notices written.
pub async fn chase_calls(
    tx: &mut Tx,
    today: NaiveDate,
    calendar: &crate::deadlines::WorkCalendar,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let next = calendar.next_working_day_from(today + chrono::Duration::days(1));
    let calls = sqlx::query(
        "SELECT k.id, k.session_id, k.due_on FROM bill_calls k \
         JOIN council_sessions s ON s.id = k.session_id \
         WHERE s.ends_on >= $1 AND k.due_on <= $2 ORDER BY k.id",
    )
    .bind(today.to_string())
    .bind(next.to_string())
    .fetch_all(&mut **tx)
    .await?;
    let mut written = 0;
    for call in &calls {
        let call_id: i64 = call.try_get("id")?;
        let due_on = date(call, "due_on")?;
        let Some(chase) = case_chase(due_on, today, calendar) else {
            continue;
        };
        let kind = match chase.rule {
            ChaseRule::DueNextWorkingDay => NotificationKind::BillCallDue,
            ChaseRule::Overdue => NotificationKind::BillCallOverdue,
            _ => continue,
        };
        let silent: Vec<i64> = sqlx::query_scalar(
            "SELECT bu.id FROM bureaus bu WHERE bu.active = $1 \
             AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.session_id = $2 AND b.bureau_id = bu.id) \
             AND NOT EXISTS (SELECT 1 FROM bill_call_nothing x WHERE x.call_id = $3 AND x.bureau_id = bu.id) \
             ORDER BY bu.id",
        )
        .bind(true)
        .bind(call.try_get::<i64, _>("session_id")?)
        .bind(call_id)
        .fetch_all(&mut **tx)
        .await?;
        let audience: Vec<Audience> = silent
            .iter()
            .flat_map(|b| {
                chase.to.iter().filter_map(move |to| match to {
                    ChaseTo::Bureau => Some(Audience::Bureau(*b)),
                    ChaseTo::Liaisons => Some(Audience::Liaisons(*b)),
                    ChaseTo::Approvers => Some(Audience::Approvers(*b)),
                    ChaseTo::SecretariatList | ChaseTo::Reviewer => None,
                })
            })
            .collect();
        let key = format!("{}:{call_id}:{due_on}:{}", kind.as_str(), chase.nth);
        let notice = Notice {
            kind,
            about: About::BillCall(call_id),
            event_id: None,
            at: now,
            except: None,
            dedupe_key: Some(&key),
        };
        written += notify(tx, &notice, &audience).await?;
    }
    Ok(written)
}

/// The newest call for bills whose session has not ended, if the caller's bureau (or, for
/// the secretariat, any bureau) has not answered it.
pub async fn call_reminder(c: &Caller) -> Result<Option<crate::bills::CallReminder>, AppError> {
    let bureau = match c.user.role {
        Role::Secretariat => None,
        Role::BureauLiaison | Role::BureauApprover => c.user.bureau_id,
        _ => return Ok(None),
    };
    if bureau.is_none() && c.user.role != Role::Secretariat {
        return Ok(None);
    }
    let today = c.today();
    let Some(call) = sqlx::query(
        "SELECT k.session_id, k.due_on FROM bill_calls k \
         JOIN council_sessions s ON s.id = k.session_id \
         WHERE s.ends_on >= $1 ORDER BY k.asked_on DESC, k.id DESC LIMIT 1",
    )
    .bind(today.to_string())
    .fetch_optional(c.db())
    .await?
    else {
        return Ok(None);
    };
    let session_id: i64 = call.try_get("session_id")?;
    let due_on = date(&call, "due_on")?;
    let Some(status) = call_status(c, session_id).await? else {
        return Ok(None);
    };
    let missing = match bureau {
        Some(own) => usize::from(status.missing.iter().any(|(id, _)| *id == own)),
        None => status.missing.len(),
    };
    if missing == 0 {
        return Ok(None);
    }
    let (_, session) = sessions(c.db(), session_id).await?;
    Ok(Some(crate::bills::CallReminder {
        session_id,
        session,
        due_on,
        missing,
        overdue: today > due_on,
    }))
}

pub(super) async fn call_status(
    c: &Caller,
    session_id: i64,
) -> Result<Option<CallStatus>, AppError> {
    let Some(call) =
        sqlx::query("SELECT id, asked_on, due_on, note FROM bill_calls WHERE session_id = $1")
            .bind(session_id)
            .fetch_optional(c.db())
            .await?
    else {
        return Ok(None);
    };
    let call_id: i64 = call.try_get("id")?;
    // Every active bureau, with whether it has a bill in the session or said it has none.
    let rows = sqlx::query(
        "SELECT bu.id, bu.name, \
           (SELECT COUNT(*) FROM bills b WHERE b.session_id = $1 AND b.bureau_id = bu.id) AS bills, \
           (SELECT COUNT(*) FROM bill_call_nothing n WHERE n.call_id = $2 AND n.bureau_id = bu.id) AS said_none, \
           bu.active \
         FROM bureaus bu ORDER BY bu.sort_order, bu.id",
    )
    .bind(session_id)
    .bind(call_id)
    .fetch_all(c.db())
    .await?;
    let mut answered = Vec::new();
    let mut missing = Vec::new();
    let mut mine_said_nothing = false;
    for r in rows {
        if !flag(&r, "active")? {
            continue;
        }
        let id: i64 = r.try_get("id")?;
        let name: String = r.try_get("name")?;
        let bills: i64 = r.try_get("bills")?;
        let nothing: i64 = r.try_get("said_none")?;
        if c.user.bureau_id == Some(id) && nothing > 0 {
            mine_said_nothing = true;
        }
        if bills > 0 || nothing > 0 {
            answered.push(name);
        } else {
            missing.push((id, name));
        }
    }
    Ok(Some(CallStatus {
        asked_on: date(&call, "asked_on")?,
        due_on: date(&call, "due_on")?,
        note: call.try_get("note")?,
        answered,
        missing,
        mine_said_nothing,
    }))
}

//! Bills, the call for them and caucus briefings, stored. Every write leaves a row on the
//! bill's own timeline (`bill_events`) where it touches a bill, and an audit row always.
//! Reads take the caller: a bureau reads its own bills only, and briefings not at all.

use super::{
    may_read, may_write, nearing_end, Ask, Bill, BillEvent, BillRow, Briefing, BriefingRow,
    BriefingStatus, BriefingsData, CallStatus, CaucusPosition, NewAsk, NewBill, NewBriefing,
    NewCall, Position, PresentedBill, SessionBills, Stage, StageForm, BRIEFING_READERS,
};
use crate::{
    audit::{db::Entry, AuditAction},
    auth::Role,
    caller::Caller,
    cases::{
        db::{check_session, RecordedBy},
        NewDataRequest, Priority,
    },
    db::{date, flag, unexpected, Tx},
    deadlines::{self, RuleKind},
    error::AppError,
    import::db::session_name,
};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::{any::AnyRow, AnyPool, Row};

const BILL_COLUMNS: &str = "b.id, b.bureau_id, bu.name AS bureau, b.bill_kind, b.title, \
    b.committee, b.council_number, b.major, b.stage, b.stage_on";

fn bill_row(r: &AnyRow) -> Result<BillRow, sqlx::Error> {
    Ok(BillRow {
        id: r.try_get("id")?,
        bureau_id: r.try_get("bureau_id")?,
        bureau: r.try_get("bureau")?,
        kind: super::BillKind::parse(r.try_get("bill_kind")?)
            .ok_or_else(|| unexpected("bill kind"))?,
        title: r.try_get("title")?,
        committee: r.try_get("committee")?,
        council_number: r.try_get("council_number")?,
        major: flag(r, "major")?,
        stage: Stage::parse(r.try_get("stage")?).ok_or_else(|| unexpected("bill stage"))?,
        stage_on: date(r, "stage_on")?,
    })
}

/// The session a page opens on: the one asked for, else the latest that has begun by
/// `today`, else the latest recorded.
async fn session_or_current(
    db: &AnyPool,
    asked: Option<i64>,
    today: NaiveDate,
) -> Result<i64, AppError> {
    if let Some(id) = asked {
        return Ok(id);
    }
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM council_sessions WHERE starts_on <= $1 ORDER BY starts_on DESC, id DESC LIMIT 1",
    )
    .bind(today.to_string())
    .fetch_optional(db)
    .await?;
    match id {
        Some(id) => Ok(id),
        None => sqlx::query_scalar(
            "SELECT id FROM council_sessions ORDER BY starts_on DESC, id DESC LIMIT 1",
        )
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound),
    }
}

/// Every session, newest first, titled; and the title of `current` among them. One small
/// read, not the forms' whole reference data.
async fn sessions(db: &AnyPool, current: i64) -> Result<(Vec<(i64, String)>, String), AppError> {
    let rows = sqlx::query(
        "SELECT s.id, s.kind, s.number, t.number AS term FROM council_sessions s \
         JOIN council_terms t ON t.id = s.term_id ORDER BY s.starts_on DESC, s.id DESC",
    )
    .fetch_all(db)
    .await?;
    let mut all = Vec::with_capacity(rows.len());
    for r in rows {
        let kind = crate::reference::SessionKind::parse(r.try_get("kind")?)
            .ok_or_else(|| unexpected("session kind"))?;
        all.push((
            r.try_get::<i64, _>("id")?,
            crate::reference::session_title(r.try_get("term")?, r.try_get("number")?, kind),
        ));
    }
    let name = all
        .iter()
        .find(|(id, _)| *id == current)
        .map(|(_, name)| name.clone())
        .ok_or(AppError::NotFound)?;
    Ok((all, name))
}

/// The bills of a session the caller may see, by bureau, with the call and the counts.
pub async fn session_bills(c: &Caller, asked: Option<i64>) -> Result<SessionBills, AppError> {
    let today = c.today();
    let session_id = session_or_current(c.db(), asked, today).await?;
    let ends_on: String = sqlx::query_scalar("SELECT ends_on FROM council_sessions WHERE id = $1")
        .bind(session_id)
        .fetch_optional(c.db())
        .await?
        .ok_or(AppError::NotFound)?;
    let ends_on =
        NaiveDate::parse_from_str(&ends_on, "%Y-%m-%d").map_err(|_| unexpected("session end"))?;
    let own = match c.user.role {
        // A bureau's user without a bureau sees none (-1 names no bureau; 0 would be all).
        Role::BureauLiaison | Role::BureauApprover => Some(c.user.bureau_id.unwrap_or(-1)),
        _ => None,
    };
    let sql = format!(
        "SELECT {BILL_COLUMNS} FROM bills b JOIN bureaus bu ON bu.id = b.bureau_id \
         WHERE b.session_id = $1 AND ($2 = 0 OR b.bureau_id = $2) \
         ORDER BY bu.sort_order, bu.id, b.major DESC, b.id"
    );
    let bills = sqlx::query(&sql)
        .bind(session_id)
        .bind(own.unwrap_or(0))
        .fetch_all(c.db())
        .await?
        .iter()
        .map(bill_row)
        .collect::<Result<Vec<_>, _>>()?;
    let call = call_status(c, session_id).await?;
    let (briefings_held, asks_open) = if BRIEFING_READERS.contains(&c.user.role) {
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM caucus_briefings WHERE session_id = $1 AND status = 'held'",
        )
        .bind(session_id)
        .fetch_one(c.db())
        .await?;
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM briefing_asks a JOIN caucus_briefings br ON br.id = a.briefing_id \
             WHERE br.session_id = $1 AND a.case_id IS NULL",
        )
        .bind(session_id)
        .fetch_one(c.db())
        .await?;
        (held, open)
    } else {
        (0, 0)
    };
    let (sessions, session) = sessions(c.db(), session_id).await?;
    Ok(SessionBills {
        session_id,
        session,
        ends_on,
        sessions,
        bills,
        call,
        near_end: nearing_end(ends_on, today),
        today,
        briefings_held,
        asks_open,
    })
}

async fn call_status(c: &Caller, session_id: i64) -> Result<Option<CallStatus>, AppError> {
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

async fn event(
    c: &Caller,
    tx: &mut Tx,
    bill_id: i64,
    action: &str,
    stage: Option<(Stage, NaiveDate)>,
    note: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO bill_events (bill_id, at, actor_id, action, stage, on_date, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(bill_id)
    .bind(c.ts())
    .bind(c.user.id)
    .bind(action)
    .bind(stage.map(|(s, _)| s.as_str()))
    .bind(stage.map(|(_, d)| d.to_string()))
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The newest call for bills whose session has not ended, if the caller's bureau (or, for
/// the secretariat, any bureau) has not answered it.
pub async fn call_reminder(c: &Caller) -> Result<Option<super::CallReminder>, AppError> {
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
    Ok(Some(super::CallReminder {
        session_id,
        session,
        due_on,
        missing,
        overdue: today > due_on,
    }))
}

/// Records a bill for the caller's bureau (the secretariat names one). Returns its id.
pub async fn record(c: &Caller, tx: &mut Tx, b: &NewBill) -> Result<i64, AppError> {
    let bureau_id = match c.user.role {
        Role::Secretariat => b
            .bureau_id
            .ok_or_else(|| AppError::validation("bureau_id", "請選擇局處。"))?,
        // A bureau records its own bills; naming another is refused, not quietly changed.
        _ => match (c.user.bureau_id, b.bureau_id) {
            (Some(own), None) => own,
            (Some(own), Some(named)) if named == own => own,
            _ => return Err(AppError::Forbidden),
        },
    };
    if !may_write(&c.user, bureau_id) {
        return Err(AppError::Forbidden);
    }
    check_session(tx, b.session_id).await?;
    let active: Option<AnyRow> = sqlx::query("SELECT active FROM bureaus WHERE id = $1")
        .bind(bureau_id)
        .fetch_optional(&mut **tx)
        .await?;
    match active {
        Some(r) if flag(&r, "active")? => {}
        _ => return Err(AppError::validation("bureau_id", "找不到所選的局處。")),
    }
    let today = c.today();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO bills (session_id, bureau_id, bill_kind, title, why, changes, committee, \
           council_number, contact, stage, stage_on, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'planned', $10, $11, $12, $12) RETURNING id",
    )
    .bind(b.session_id)
    .bind(bureau_id)
    .bind(b.kind.as_str())
    .bind(&b.title)
    .bind(&b.why)
    .bind(&b.changes)
    .bind(&b.committee)
    .bind(&b.council_number)
    .bind(&b.contact)
    .bind(today.to_string())
    .bind(c.user.id)
    .bind(c.ts())
    .fetch_one(&mut **tx)
    .await?;
    event(c, tx, id, "recorded", None, "").await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BillRecorded, "bill", id).data(json!({
            "session_id": b.session_id,
            "bureau_id": bureau_id,
            "kind": b.kind.as_str(),
            "title": b.title,
        })),
    )
    .await?;
    Ok(id)
}

/// A write against a version someone else has moved on from.
fn stale() -> AppError {
    AppError::Conflict("這個議案剛被別人更新過，請重新整理後再試。".into())
}

/// The bill's bureau, stage and its day, and version, for a write; `Forbidden` when the
/// caller may not write it.
async fn for_write(
    c: &Caller,
    tx: &mut Tx,
    id: i64,
) -> Result<(i64, Stage, NaiveDate, i64), AppError> {
    let row = sqlx::query("SELECT bureau_id, stage, stage_on, version FROM bills WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let bureau_id: i64 = row.try_get("bureau_id")?;
    if !may_write(&c.user, bureau_id) {
        return Err(AppError::Forbidden);
    }
    Ok((
        bureau_id,
        Stage::parse(row.try_get("stage")?).ok_or_else(|| unexpected("bill stage"))?,
        date(&row, "stage_on")?,
        row.try_get("version")?,
    ))
}

/// Records the bill's next step through the council.
pub async fn record_stage(
    c: &Caller,
    tx: &mut Tx,
    id: i64,
    form: &StageForm,
    version: i64,
) -> Result<(), AppError> {
    let (_, current, since, stored) = for_write(c, tx, id).await?;
    if version != stored {
        return Err(stale());
    }
    let step = form.parse(current, since, c.today())?;
    let updated = sqlx::query(
        "UPDATE bills SET stage = $1, stage_on = $2, \
           council_number = CASE WHEN $3 = '' THEN council_number ELSE $3 END, \
           version = version + 1, updated_at = $4 \
         WHERE id = $5 AND version = $6",
    )
    .bind(step.stage.as_str())
    .bind(step.on.to_string())
    .bind(&step.council_number)
    .bind(c.ts())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(stale());
    }
    event(c, tx, id, "stage", Some((step.stage, step.on)), &step.note).await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BillStageRecorded, "bill", id).data(json!({
            "from": current.as_str(),
            "to": step.stage.as_str(),
            "on": step.on.to_string(),
            "note": step.note,
            "council_number": step.council_number,
        })),
    )
    .await
}

/// Corrects a bill's own facts (kind, title, why, what changes, committee, number,
/// contact); its session and bureau stay. The timeline names the fields changed.
pub async fn edit(
    c: &Caller,
    tx: &mut Tx,
    id: i64,
    form: &super::BillForm,
    version: i64,
) -> Result<(), AppError> {
    for_write(c, tx, id).await?;
    let before = sqlx::query(
        "SELECT session_id, bill_kind, title, why, changes, committee, council_number, contact \
         FROM bills WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let session_id: i64 = before.try_get("session_id")?;
    let new = super::BillForm {
        session_id: session_id.to_string(),
        bureau_id: String::new(),
        ..form.clone()
    }
    .parse()?;
    let after = [
        ("bill_kind", new.kind.as_str().to_owned()),
        ("title", new.title.clone()),
        ("why", new.why.clone()),
        ("changes", new.changes.clone()),
        ("committee", new.committee.clone()),
        ("council_number", new.council_number.clone()),
        ("contact", new.contact.clone()),
    ];
    let mut changed = serde_json::Map::new();
    for (field, value) in &after {
        let was: String = before.try_get(*field)?;
        if was != *value {
            changed.insert((*field).into(), json!({ "before": was, "after": value }));
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    let updated = sqlx::query(
        "UPDATE bills SET bill_kind = $1, title = $2, why = $3, changes = $4, committee = $5, \
           council_number = $6, contact = $7, version = version + 1, updated_at = $8 \
         WHERE id = $9 AND version = $10",
    )
    .bind(new.kind.as_str())
    .bind(&new.title)
    .bind(&new.why)
    .bind(&new.changes)
    .bind(&new.committee)
    .bind(&new.council_number)
    .bind(&new.contact)
    .bind(c.ts())
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(stale());
    }
    let fields: Vec<&str> = changed
        .keys()
        .map(|k| match k.as_str() {
            "bill_kind" => "種類",
            "title" => "案名",
            "why" => "重要性說明",
            "changes" => "主要內容",
            "committee" => "審查委員會",
            "council_number" => "議會案號",
            _ => "聯絡人",
        })
        .collect();
    event(c, tx, id, "edited", None, &fields.join("、")).await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BillEdited, "bill", id).data(serde_json::Value::Object(changed)),
    )
    .await
}

/// The secretariat marks a bill major (重大), or takes the mark off.
pub async fn mark_major(c: &Caller, tx: &mut Tx, id: i64, major: bool) -> Result<(), AppError> {
    if c.user.role != Role::Secretariat {
        return Err(AppError::Forbidden);
    }
    for_write(c, tx, id).await?;
    sqlx::query(
        "UPDATE bills SET major = $1, version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(major)
    .bind(c.ts())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let action = if major {
        "marked_major"
    } else {
        "unmarked_major"
    };
    event(c, tx, id, action, None, "").await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BillMajorMarked, "bill", id).data(json!({ "major": major })),
    )
    .await
}

/// One bill with its timeline and the caucuses' positions, if the caller may read it.
pub async fn bill(c: &Caller, id: i64) -> Result<Bill, AppError> {
    let sql = format!(
        "SELECT {BILL_COLUMNS}, b.session_id, b.why, b.changes, b.contact, b.version \
         FROM bills b JOIN bureaus bu ON bu.id = b.bureau_id WHERE b.id = $1"
    );
    let r = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(c.db())
        .await?
        .ok_or(AppError::NotFound)?;
    let row = bill_row(&r)?;
    if !may_read(&c.user, row.bureau_id) {
        return Err(AppError::Forbidden);
    }
    let session_id: i64 = r.try_get("session_id")?;
    let events = sqlx::query(
        "SELECT e.at, u.display_name, e.action, e.stage, e.on_date, e.note FROM bill_events e \
         JOIN users u ON u.id = e.actor_id WHERE e.bill_id = $1 ORDER BY e.id",
    )
    .bind(id)
    .fetch_all(c.db())
    .await?
    .iter()
    .map(|e| {
        let stage: Option<String> = e.try_get("stage")?;
        let on: Option<String> = e.try_get("on_date")?;
        Ok(BillEvent {
            at: e.try_get("at")?,
            actor: e.try_get("display_name")?,
            action: e.try_get("action")?,
            stage: stage.as_deref().and_then(Stage::parse),
            on: on.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            note: e.try_get("note")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    // The caucuses' positions are the secretariat's and the reviewer's to read; a bureau
    // hears them from the secretariat.
    let positions = if BRIEFING_READERS.contains(&c.user.role) {
        sqlx::query(
            "SELECT br.id, br.caucus, br.held_on, bb.position FROM briefing_bills bb \
             JOIN caucus_briefings br ON br.id = bb.briefing_id WHERE bb.bill_id = $1 \
             ORDER BY br.held_on, br.id",
        )
        .bind(id)
        .fetch_all(c.db())
        .await?
        .iter()
        .map(|p| {
            let position: Option<String> = p.try_get("position")?;
            Ok(CaucusPosition {
                briefing_id: p.try_get("id")?,
                caucus: p.try_get("caucus")?,
                held_on: date(p, "held_on")?,
                position: position.as_deref().and_then(Position::parse),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?
    } else {
        Vec::new()
    };
    let files = sqlx::query(
        "SELECT f.id, f.file_kind, f.file_name, f.size_bytes, f.uploaded_at, u.display_name \
         FROM bill_files f JOIN users u ON u.id = f.uploaded_by WHERE f.bill_id = $1 ORDER BY f.id",
    )
    .bind(id)
    .fetch_all(c.db())
    .await?
    .iter()
    .map(|f| {
        Ok(super::BillFile {
            id: f.try_get("id")?,
            kind: super::FileKind::parse(f.try_get("file_kind")?)
                .ok_or_else(|| unexpected("bill file kind"))?,
            file_name: f.try_get("file_name")?,
            size_bytes: f.try_get("size_bytes")?,
            uploaded_at: f.try_get("uploaded_at")?,
            uploaded_by: f.try_get("display_name")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Bill {
        files,
        may_write: may_write(&c.user, row.bureau_id),
        may_mark_major: c.user.role == Role::Secretariat,
        row,
        session_id,
        session: session_name(c.db(), session_id).await?,
        why: r.try_get("why")?,
        changes: r.try_get("changes")?,
        contact: r.try_get("contact")?,
        version: r.try_get("version")?,
        events,
        positions,
        today: c.today(),
    })
}

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

/// The caucuses: as the councilors of the session's term name them.
async fn caucuses(db: &AnyPool, session_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT co.caucus FROM councilors co \
         JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 AND co.caucus <> '' ORDER BY co.caucus",
    )
    .bind(session_id)
    .fetch_all(db)
    .await
}

pub async fn briefings_page(c: &Caller, asked: Option<i64>) -> Result<BriefingsData, AppError> {
    let session_id = session_or_current(c.db(), asked, c.today()).await?;
    let briefings = sqlx::query(
        "SELECT br.id, br.caucus, br.held_on, br.starts_at, br.place, br.status, \
           (SELECT COUNT(*) FROM briefing_bills bb WHERE bb.briefing_id = br.id) AS bills, \
           (SELECT COUNT(*) FROM briefing_asks a WHERE a.briefing_id = br.id AND a.case_id IS NULL) AS asks_open \
         FROM caucus_briefings br WHERE br.session_id = $1 ORDER BY br.held_on, br.starts_at, br.id",
    )
    .bind(session_id)
    .fetch_all(c.db())
    .await?
    .iter()
    .map(|r| {
        Ok(BriefingRow {
            id: r.try_get("id")?,
            caucus: r.try_get("caucus")?,
            held_on: date(r, "held_on")?,
            starts_at: r.try_get("starts_at")?,
            place: r.try_get("place")?,
            status: BriefingStatus::parse(r.try_get("status")?)
                .ok_or_else(|| unexpected("briefing status"))?,
            bills: r.try_get("bills")?,
            asks_open: r.try_get("asks_open")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let (sessions, session) = sessions(c.db(), session_id).await?;
    Ok(BriefingsData {
        session_id,
        session,
        sessions,
        briefings,
        caucuses: caucuses(c.db(), session_id).await?,
        may_write: c.user.role == Role::Secretariat,
    })
}

/// Schedules a briefing for a caucus of the session's term. Returns its id.
pub async fn schedule(c: &Caller, tx: &mut Tx, b: &NewBriefing) -> Result<i64, AppError> {
    check_session(tx, b.session_id).await?;
    let known: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM councilors co JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 AND co.caucus = $2",
    )
    .bind(b.session_id)
    .bind(&b.caucus)
    .fetch_one(&mut **tx)
    .await?;
    if known == 0 {
        return Err(AppError::validation(
            "caucus",
            "這個會期的議員中沒有這個黨團。",
        ));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO caucus_briefings (session_id, caucus, held_on, starts_at, place, attendees, \
           status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7, $8, $8) RETURNING id",
    )
    .bind(b.session_id)
    .bind(&b.caucus)
    .bind(b.held_on.to_string())
    .bind(&b.starts_at)
    .bind(&b.place)
    .bind(&b.attendees)
    .bind(c.user.id)
    .bind(c.ts())
    .fetch_one(&mut **tx)
    .await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingScheduled, "briefing", id).data(json!({
            "session_id": b.session_id,
            "caucus": b.caucus,
            "held_on": b.held_on.to_string(),
            "starts_at": b.starts_at,
            "place": b.place,
            "attendees": b.attendees,
        })),
    )
    .await?;
    Ok(id)
}

/// A briefing with its bills, positions and asks.
pub async fn briefing(c: &Caller, id: i64) -> Result<Briefing, AppError> {
    if !BRIEFING_READERS.contains(&c.user.role) {
        return Err(AppError::Forbidden);
    }
    let r = sqlx::query(
        "SELECT session_id, caucus, held_on, starts_at, place, attendees, status, outcome_note \
         FROM caucus_briefings WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c.db())
    .await?
    .ok_or(AppError::NotFound)?;
    let session_id: i64 = r.try_get("session_id")?;
    let caucus: String = r.try_get("caucus")?;
    let sql = format!(
        "SELECT {BILL_COLUMNS}, b.why, b.changes, bb.position FROM briefing_bills bb \
         JOIN bills b ON b.id = bb.bill_id JOIN bureaus bu ON bu.id = b.bureau_id \
         WHERE bb.briefing_id = $1 ORDER BY bu.sort_order, bu.id, b.id"
    );
    let bills = sqlx::query(&sql)
        .bind(id)
        .fetch_all(c.db())
        .await?
        .iter()
        .map(|b| {
            let position: Option<String> = b.try_get("position")?;
            Ok(PresentedBill {
                bill: bill_row(b)?,
                why: b.try_get("why")?,
                changes: b.try_get("changes")?,
                position: position.as_deref().and_then(Position::parse),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let asks = sqlx::query(
        "SELECT a.id, b.title, a.ask, a.case_id FROM briefing_asks a \
         LEFT JOIN bills b ON b.id = a.bill_id WHERE a.briefing_id = $1 ORDER BY a.id",
    )
    .bind(id)
    .fetch_all(c.db())
    .await?
    .iter()
    .map(|a| {
        Ok(Ask {
            id: a.try_get("id")?,
            bill_title: a.try_get("title")?,
            ask: a.try_get("ask")?,
            case_id: a.try_get("case_id")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let sql = format!(
        "SELECT {BILL_COLUMNS} FROM bills b JOIN bureaus bu ON bu.id = b.bureau_id \
         WHERE b.session_id = $1 AND b.major = $2 ORDER BY bu.sort_order, bu.id, b.id"
    );
    let major_bills = sqlx::query(&sql)
        .bind(session_id)
        .bind(true)
        .fetch_all(c.db())
        .await?
        .iter()
        .map(bill_row)
        .collect::<Result<Vec<_>, _>>()?;
    let councilors = sqlx::query(
        "SELECT co.id, co.name FROM councilors co JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 AND co.caucus = $2 ORDER BY co.name",
    )
    .bind(session_id)
    .bind(&caucus)
    .fetch_all(c.db())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Briefing {
        id,
        session_id,
        session: session_name(c.db(), session_id).await?,
        caucus,
        held_on: date(&r, "held_on")?,
        starts_at: r.try_get("starts_at")?,
        place: r.try_get("place")?,
        attendees: r.try_get("attendees")?,
        status: BriefingStatus::parse(r.try_get("status")?)
            .ok_or_else(|| unexpected("briefing status"))?,
        outcome_note: r.try_get("outcome_note")?,
        bills,
        asks,
        major_bills,
        councilors,
        may_write: c.user.role == Role::Secretariat,
    })
}

/// The briefing's session and status, for a write by the secretariat.
async fn briefing_for_write(
    c: &Caller,
    tx: &mut Tx,
    id: i64,
) -> Result<(i64, BriefingStatus), AppError> {
    if c.user.role != Role::Secretariat {
        return Err(AppError::Forbidden);
    }
    let r = sqlx::query("SELECT session_id, status FROM caucus_briefings WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        r.try_get("session_id")?,
        BriefingStatus::parse(r.try_get("status")?).ok_or_else(|| unexpected("briefing status"))?,
    ))
}

/// Chooses the bills a scheduled briefing presents: major bills of its session.
pub async fn choose_bills(c: &Caller, tx: &mut Tx, id: i64, bills: &[i64]) -> Result<(), AppError> {
    let (session_id, status) = briefing_for_write(c, tx, id).await?;
    if status == BriefingStatus::Held {
        return Err(AppError::Conflict(
            "這場報告已舉行，報告的議案不能再改。".into(),
        ));
    }
    for bill in bills {
        let ok: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bills WHERE id = $1 AND session_id = $2 AND major = $3",
        )
        .bind(bill)
        .bind(session_id)
        .bind(true)
        .fetch_one(&mut **tx)
        .await?;
        if ok == 0 {
            return Err(AppError::validation(
                "bill_ids",
                "只能選這個會期的重大議案。",
            ));
        }
    }
    sqlx::query("DELETE FROM briefing_bills WHERE briefing_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for bill in bills {
        sqlx::query("INSERT INTO briefing_bills (briefing_id, bill_id) VALUES ($1, $2)")
            .bind(id)
            .bind(bill)
            .execute(&mut **tx)
            .await?;
    }
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingBillsChosen, "briefing", id)
            .data(json!({ "bills": bills })),
    )
    .await
}

/// The ids of the bills a briefing presents.
pub async fn presented(tx: &mut Tx, id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT bill_id FROM briefing_bills WHERE briefing_id = $1 ORDER BY bill_id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?)
}

/// After the briefing: the caucus's position on each bill presented, and a note. The
/// briefing is then held; positions may be corrected later.
pub async fn record_outcome(
    c: &Caller,
    tx: &mut Tx,
    id: i64,
    positions: &[(i64, Position)],
    note: &str,
) -> Result<(), AppError> {
    briefing_for_write(c, tx, id).await?;
    for (bill, position) in positions {
        sqlx::query(
            "UPDATE briefing_bills SET position = $1 WHERE briefing_id = $2 AND bill_id = $3",
        )
        .bind(position.as_str())
        .bind(id)
        .bind(bill)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "UPDATE caucus_briefings SET status = 'held', outcome_note = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(note)
    .bind(c.ts())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    let recorded: Vec<_> = positions
        .iter()
        .map(|(b, p)| json!({ "bill_id": b, "position": p.as_str() }))
        .collect();
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingHeld, "briefing", id)
            .data(json!({ "positions": recorded, "note": note })),
    )
    .await
}

/// Records what the caucus asked at a held briefing.
pub async fn add_ask(c: &Caller, tx: &mut Tx, id: i64, ask: &NewAsk) -> Result<i64, AppError> {
    let (_, status) = briefing_for_write(c, tx, id).await?;
    if status != BriefingStatus::Held {
        return Err(AppError::Conflict(
            "請先記錄報告結果，再記錄黨團的要求。".into(),
        ));
    }
    if let Some(bill) = ask.bill_id {
        let ok: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM briefing_bills WHERE briefing_id = $1 AND bill_id = $2",
        )
        .bind(id)
        .bind(bill)
        .fetch_one(&mut **tx)
        .await?;
        if ok == 0 {
            return Err(AppError::validation("bill_id", "請選擇這場報告的議案。"));
        }
    }
    let ask_id: i64 = sqlx::query_scalar(
        "INSERT INTO briefing_asks (briefing_id, bill_id, ask, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(id)
    .bind(ask.bill_id)
    .bind(&ask.ask)
    .bind(c.user.id)
    .bind(c.ts())
    .fetch_one(&mut **tx)
    .await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingAskRecorded, "briefing", id)
            .data(json!({ "ask_id": ask_id, "bill_id": ask.bill_id, "ask": ask.ask })),
    )
    .await?;
    Ok(ask_id)
}

/// Topics are at most this long; an ask's opening words become its data request's topic.
const TOPIC_CHARS: usize = 60;

/// Turns an ask into a data request of the caucus councilor chosen, received today, linked
/// both ways. Returns the case's id.
pub async fn file_ask(
    c: &Caller,
    tx: &mut Tx,
    briefing_id: i64,
    ask_id: i64,
    councilor_id: i64,
) -> Result<i64, AppError> {
    let (session_id, _) = briefing_for_write(c, tx, briefing_id).await?;
    let row = sqlx::query(
        "SELECT a.ask, a.case_id, br.caucus FROM briefing_asks a \
         JOIN caucus_briefings br ON br.id = a.briefing_id WHERE a.id = $1 AND a.briefing_id = $2",
    )
    .bind(ask_id)
    .bind(briefing_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if row.try_get::<Option<i64>, _>("case_id")?.is_some() {
        return Err(AppError::Conflict("這項要求已轉為索資案件。".into()));
    }
    let ask: String = row.try_get("ask")?;
    let caucus: String = row.try_get("caucus")?;
    let member: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM councilors co JOIN council_sessions s ON s.term_id = co.term_id \
         WHERE s.id = $1 AND co.id = $2 AND co.caucus = $3",
    )
    .bind(session_id)
    .bind(councilor_id)
    .bind(&caucus)
    .fetch_one(&mut **tx)
    .await?;
    if member == 0 {
        return Err(AppError::validation(
            "councilor_id",
            "請選擇這個黨團的議員。",
        ));
    }
    let opening: String = ask.chars().take(TOPIC_CHARS).collect();
    let request = NewDataRequest {
        session_id,
        councilor_id,
        topic: format!("{caucus}黨團報告要求：{opening}"),
        body: ask.clone(),
        received_at: c.ts(),
        priority: Priority::Ordinary,
        within_three_days: false,
        due: None,
    };
    let case_id =
        crate::cases::db::record_data_request(tx, &request, RecordedBy::User(&c.user), c.ts())
            .await?;
    sqlx::query("UPDATE briefing_asks SET case_id = $1 WHERE id = $2")
        .bind(case_id)
        .bind(ask_id)
        .execute(&mut **tx)
        .await?;
    c.audit(
        tx,
        Entry::new(AuditAction::BriefingAskFiled, "briefing", briefing_id)
            .data(json!({ "ask_id": ask_id, "case_id": case_id })),
    )
    .await?;
    Ok(case_id)
}

/// Whether the caller may add papers to bill `id`, asked before an upload's body is read.
pub async fn may_add_files(c: &Caller, id: i64) -> Result<(), AppError> {
    let bureau: i64 = sqlx::query_scalar("SELECT bureau_id FROM bills WHERE id = $1")
        .bind(id)
        .fetch_optional(c.db())
        .await?
        .ok_or(AppError::NotFound)?;
    if may_write(&c.user, bureau) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Stores papers of a bill (the upload's one operation): checked again, each file kept with
/// its digest, the timeline and the audit log told, in one transaction.
pub async fn add_files(
    c: &Caller,
    id: i64,
    kind: &str,
    files: Vec<crate::cases::db::NewFile>,
) -> Result<(), AppError> {
    use sha2::Digest;
    let kind = super::FileKind::parse(kind)
        .ok_or_else(|| AppError::validation("file_kind", "請選擇附件種類。"))?;
    if files.is_empty() {
        return Err(AppError::validation("files", "請選擇要上傳的檔案。"));
    }
    let mut tx = c.begin().await?;
    for_write(c, &mut tx, id).await?;
    let mut names = Vec::new();
    for file in files {
        let digest = sha2::Sha256::digest(&file.data);
        let sha256: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        sqlx::query(
            "INSERT INTO bill_files (bill_id, file_kind, file_name, content_type, size_bytes, \
               sha256, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.data.len() as i64)
        .bind(&sha256)
        .bind(file.data)
        .bind(c.user.id)
        .bind(c.ts())
        .execute(&mut *tx)
        .await?;
        names.push(file.file_name);
    }
    event(
        c,
        &mut tx,
        id,
        "file_added",
        None,
        &format!("{}：{}", kind.label(), names.join("、")),
    )
    .await?;
    c.audit(
        &mut tx,
        Entry::new(AuditAction::BillFilesAdded, "bill", id)
            .data(json!({ "kind": kind.as_str(), "files": names })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A paper of a bill, if the caller may read the bill; the download is audited.
pub async fn file(c: &Caller, file_id: i64) -> Result<(String, String, Vec<u8>), AppError> {
    let found = async {
        let row = sqlx::query(
            "SELECT b.bureau_id, f.bill_id, f.file_name, f.content_type, f.data FROM bill_files f \
             JOIN bills b ON b.id = f.bill_id WHERE f.id = $1",
        )
        .bind(file_id)
        .fetch_optional(c.db())
        .await?
        .ok_or(AppError::NotFound)?;
        if !may_read(&c.user, row.try_get("bureau_id")?) {
            return Err(AppError::Forbidden);
        }
        Ok::<_, AppError>(row)
    }
    .await;
    let row = c
        .refused(crate::audit::db::Kept::BillFile, file_id, found)
        .await?;
    let name: String = row.try_get("file_name")?;
    let bill: i64 = row.try_get("bill_id")?;
    c.audit_alone(
        Entry::new(AuditAction::FileDownloaded, "bill_file", file_id)
            .data(json!({ "bill_id": bill, "file_name": name })),
    )
    .await?;
    Ok((name, row.try_get("content_type")?, row.try_get("data")?))
}

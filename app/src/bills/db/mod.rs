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

mod briefings;
mod calls;
mod files;

pub use briefings::*;
pub use calls::*;
pub use files::*;

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
    let call = calls::call_status(c, session_id).await?;
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

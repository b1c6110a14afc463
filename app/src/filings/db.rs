//! Filings in the database: an office files through its link, the secretariat takes the
//! case in or refuses it, and switches filing off per link.

use super::{Filing, FilingFacts};
use crate::{
    audit::{
        db::{Entry, Kept},
        AuditAction,
    },
    caller::Caller,
    cases::{
        db::{
            append_event, my_part, notify, standing, EventActor, NewFile, Notice, RecordedBy,
            StoredFile,
        },
        events::{Change, EventAction, EventData},
        notify::{Audience, NotificationKind},
        CaseStatus,
    },
    db::{unexpected, Tx},
    error::AppError,
    links::Scope,
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// How many cases one link may file a day (`link_filings_per_day`).
pub async fn per_day(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    Ok(crate::db::setting(pool, "link_filings_per_day")
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(super::DEFAULT_PER_DAY))
}

/// Sets the per-day limit, in `tx`.
pub async fn set_per_day(tx: &mut Tx, n: i64) -> Result<(), sqlx::Error> {
    crate::db::set_setting(tx, "link_filings_per_day", &n.to_string()).await
}

/// How many more link `link_id` may file today.
pub async fn left_today(
    pool: &AnyPool,
    link_id: i64,
    today: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let limit = per_day(pool).await?;
    let mut conn = pool.acquire().await?;
    Ok((limit - filed_on(&mut conn, link_id, today).await?).max(0))
}

/// How many cases link `link_id` has filed on `day` (a Taipei day).
async fn filed_on(
    conn: &mut sqlx::AnyConnection,
    link_id: i64,
    day: NaiveDate,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM case_filings WHERE link_id = $1 AND filed_on = $2")
        .bind(link_id)
        .bind(day.to_string())
        .fetch_one(conn)
        .await
}

/// Whether link `link_id` may file at all: a link to all of a councilor's cases with filing
/// on. (A one-case link never files.)
pub async fn enabled(pool: &AnyPool, link_id: i64, scope: Scope) -> Result<bool, sqlx::Error> {
    if scope.case_id.is_some() {
        return Ok(false);
    }
    let row = sqlx::query("SELECT filing_enabled FROM status_links WHERE id = $1")
        .bind(link_id)
        .fetch_optional(pool)
        .await?;
    row.map_or(Ok(false), |r| crate::db::flag(&r, "filing_enabled"))
}

/// The session a filing of `councilor_id` belongs to on `today`: the latest of the
/// councilor's term that has begun, else the term's first.
async fn session_for(tx: &mut Tx, councilor_id: i64, today: NaiveDate) -> Result<i64, AppError> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT s.id FROM council_sessions s JOIN councilors c ON c.term_id = s.term_id \
         WHERE c.id = $1 \
         ORDER BY CASE WHEN s.starts_on <= $2 THEN 0 ELSE 1 END, \
           CASE WHEN s.starts_on <= $2 THEN s.starts_on END DESC, s.starts_on \
         LIMIT 1",
    )
    .bind(councilor_id)
    .bind(today.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    id.ok_or_else(|| {
        AppError::Conflict("本屆尚未設定會期，暫時無法送件，請洽府會聯絡人員。".into())
    })
}

/// An office files `filing` through link `link_id`, with its files: a case recorded by the
/// link in status `filed`, within the link's daily limit. Returns the case's id.
pub async fn file(
    pool: &AnyPool,
    link_id: i64,
    scope: Scope,
    filing: &Filing,
    files: Vec<NewFile>,
    now: i64,
    today: NaiveDate,
) -> Result<i64, AppError> {
    let allowed = enabled(pool, link_id, scope).await?;
    let limit = per_day(pool).await?;
    let mut tx = crate::db::begin(pool).await?;
    // Counted inside the transaction that writes: two posts at once cannot both be the
    // last one allowed (SQLite writers queue at BEGIN; on PostgreSQL the link's row lock
    // below orders them).
    sqlx::query("UPDATE status_links SET last_used_at = $2 WHERE id = $1")
        .bind(link_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let filed_today = filed_on(&mut tx, link_id, today).await?;
    super::may_file(allowed, filed_today, limit)?;
    let session_id = session_for(&mut tx, scope.councilor_id, today).await?;
    let by = RecordedBy::Link(link_id);
    let case_id = match filing {
        Filing::DataRequest { .. } => {
            let request = filing
                .data_request(session_id, scope.councilor_id, now)
                .ok_or(AppError::BadRequest)?;
            crate::cases::db::record_data_request(&mut tx, &request, by, now).await?
        }
        Filing::Service(case) => {
            crate::service::db::record(&mut tx, session_id, scope.councilor_id, now, case, by, now)
                .await?
        }
    };
    sqlx::query(
        "INSERT INTO case_filings (case_id, link_id, filed_at, filed_on, contact) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(case_id)
    .bind(link_id)
    .bind(now)
    .bind(today.to_string())
    .bind(filing.contact())
    .execute(&mut *tx)
    .await?;
    // The secretariat hears of it (at once by mail, unless it chose otherwise).
    let event: Option<i64> =
        sqlx::query_scalar("SELECT MAX(id) FROM case_events WHERE case_id = $1")
            .bind(case_id)
            .fetch_one(&mut *tx)
            .await?;
    let notice = Notice {
        kind: NotificationKind::OfficeFiled,
        about: crate::cases::notify::About::Case(case_id),
        event_id: event,
        at: now,
        except: None,
        dedupe_key: None,
    };
    notify(&mut tx, &notice, &[Audience::Secretariat]).await?;
    for file in files {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(&file.data);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        sqlx::query(
            "INSERT INTO filing_files (case_id, file_name, content_type, size_bytes, sha256, \
               data, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(case_id)
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.data.len() as i64)
        .bind(hex)
        .bind(file.data)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(case_id)
}

/// What the secretariat decides of a filed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    TakeIn,
    Refuse(String),
}

/// The secretariat takes filed case `case_id` in, or refuses it with a reason: the case's
/// status, the filing's decision and the event, in one transaction.
pub async fn decide(c: &Caller, case_id: i64, decision: &Decision) -> Result<(), AppError> {
    let mut tx = c.begin().await?;
    let row = sqlx::query("SELECT status, version FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let status =
        CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("case status"))?;
    let version: i64 = row.try_get("version")?;
    let (next, reason, action) = match decision {
        Decision::TakeIn => (super::take_in(status)?, None, EventAction::TakeIn),
        Decision::Refuse(typed) => {
            let (next, reason) = super::refuse(status, typed)?;
            (next, Some(reason), EventAction::Refuse)
        }
    };
    let done = sqlx::query(
        "UPDATE cases SET status = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4",
    )
    .bind(next.as_str())
    .bind(c.ts())
    .bind(case_id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "案件剛有變動，請重新整理頁面後再試。".into(),
        ));
    }
    sqlx::query(
        "UPDATE case_filings SET decided_by = $1, decided_at = $2, refusal_reason = $3 \
         WHERE case_id = $4",
    )
    .bind(c.user.id)
    .bind(c.ts())
    .bind(reason.clone())
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    let data = EventData {
        status: Some(Change::new(status, next)),
        reason,
        ..Default::default()
    };
    append_event(
        &mut tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        action,
        &data,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The filing behind a case, if an office filed it.
pub async fn facts(pool: &AnyPool, case_id: i64) -> Result<Option<FilingFacts>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT f.filed_at, f.contact, f.decided_at, f.refusal_reason, u.display_name \
         FROM case_filings f LEFT JOIN users u ON u.id = f.decided_by WHERE f.case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let files: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, file_name, size_bytes FROM filing_files WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    let decided_at: Option<i64> = row.try_get("decided_at")?;
    let by: Option<String> = row.try_get("display_name")?;
    Ok(Some(FilingFacts {
        filed_at: row.try_get("filed_at")?,
        contact: row.try_get("contact")?,
        decided: decided_at.map(|at| (at, by.unwrap_or_default())),
        refusal_reason: row.try_get("refusal_reason")?,
        files,
    }))
}

/// A filed file for an officer who may see its case; anyone else is told it does not
/// exist. Every download is audited, and so is a refusal of a file that exists.
pub async fn download(c: &Caller, file_id: i64) -> Result<StoredFile, AppError> {
    let found = async {
        let row = sqlx::query(
            "SELECT case_id, file_name, content_type, data FROM filing_files WHERE id = $1",
        )
        .bind(file_id)
        .fetch_optional(c.db())
        .await?
        .ok_or(AppError::NotFound)?;
        let case_id: i64 = row.try_get("case_id")?;
        let part = my_part(c.db(), case_id, c.user.bureau_id).await?;
        if !standing(&c.user).may_view(part) {
            return Err(AppError::NotFound);
        }
        Ok(StoredFile {
            case_id,
            file_name: row.try_get("file_name")?,
            content_type: row.try_get("content_type")?,
            data: row.try_get("data")?,
        })
    }
    .await;
    let file = c.refused(Kept::FilingFile, file_id, found).await?;
    let entry = Entry::new(AuditAction::FileDownloaded, "filing_file", file_id)
        .data(serde_json::json!({ "case_id": file.case_id, "file_name": file.file_name }));
    c.audit_alone(entry).await?;
    Ok(file)
}

/// Switches filing on or off for link `link_id` (a councilor-wide link); audited.
pub async fn set_enabled(c: &Caller, link_id: i64, on: bool) -> Result<(), AppError> {
    let mut tx = c.begin().await?;
    let row =
        sqlx::query("SELECT filing_enabled FROM status_links WHERE id = $1 AND case_id IS NULL")
            .bind(link_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let before = crate::db::flag(&row, "filing_enabled")?;
    if before != on {
        sqlx::query("UPDATE status_links SET filing_enabled = $1 WHERE id = $2")
            .bind(on)
            .bind(link_id)
            .execute(&mut *tx)
            .await?;
        let entry = Entry::new(AuditAction::LinkFilingSwitched, "status_link", link_id)
            .data(serde_json::json!({ "filing_enabled": { "before": before, "after": on } }));
        c.audit(&mut tx, entry).await?;
    }
    tx.commit().await?;
    Ok(())
}

//! A case's background stored: read for those who may see it, written by its lead bureau
//! with the version it saw, audited (the flags and the note's length, never its words: the
//! audit log is the admin's to read).

use super::{may_write, Background, Flag, NewBackground};
use crate::{
    audit::{db::Entry, AuditAction},
    caller::Caller,
    db::{unexpected, Tx},
    error::AppError,
};
use serde_json::json;
use sqlx::{AnyPool, Row};

/// The background of `case_id` (empty when none was written); `can_edit` as given.
pub async fn read(pool: &AnyPool, case_id: i64, can_edit: bool) -> Result<Background, sqlx::Error> {
    let row = sqlx::query(
        "SELECT b.note, b.version, b.updated_at, u.display_name FROM case_background b \
         JOIN users u ON u.id = b.updated_by WHERE b.case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?;
    let codes: Vec<String> = sqlx::query_scalar("SELECT flag FROM case_flags WHERE case_id = $1")
        .bind(case_id)
        .fetch_all(pool)
        .await?;
    let mut flags = codes
        .iter()
        .map(|c| Flag::parse(c).ok_or_else(|| unexpected("flag")))
        .collect::<Result<Vec<_>, _>>()?;
    flags.sort_by_key(|f| Flag::ALL.iter().position(|a| a == f));
    Ok(match row {
        Some(r) => Background {
            note: r.try_get("note")?,
            flags,
            version: r.try_get("version")?,
            updated: Some((r.try_get("display_name")?, r.try_get("updated_at")?)),
            can_edit,
        },
        None => Background {
            flags,
            can_edit,
            ..Background::default()
        },
    })
}

/// The caller's bureau's open part in `case_id`: `None` when there is no such case, else
/// whether it holds any part and whether that part leads.
async fn part(c: &Caller, tx: &mut Tx, case_id: i64) -> Result<Option<(bool, bool)>, sqlx::Error> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let part = crate::cases::db::my_part(&mut **tx, case_id, c.user.bureau_id).await?;
    Ok(Some((
        part.is_some(),
        part.is_some_and(|p| p.role == crate::cases::PartRole::Lead),
    )))
}

/// Saves the lead bureau's background of `case_id` over version `seen` (0: none yet).
pub async fn save(
    c: &Caller,
    tx: &mut Tx,
    case_id: i64,
    seen: i64,
    new: &NewBackground,
) -> Result<(), AppError> {
    match part(c, tx, case_id).await? {
        // A bureau with no part is not told the case exists, as on every case step.
        None | Some((false, _)) if c.user.role.belongs_to_bureau() => {
            return Err(AppError::NotFound)
        }
        None => return Err(AppError::NotFound),
        Some((_, leads)) if !may_write(c.user.role, leads) => return Err(AppError::Forbidden),
        Some(_) => {}
    }
    let done = if seen == 0 {
        sqlx::query(
            "INSERT INTO case_background (case_id, note, version, updated_by, updated_at) \
             VALUES ($1, $2, 1, $3, $4) ON CONFLICT (case_id) DO NOTHING",
        )
        .bind(case_id)
        .bind(&new.note)
        .bind(c.user.id)
        .bind(c.ts())
        .execute(&mut **tx)
        .await?
    } else {
        sqlx::query(
            "UPDATE case_background SET note = $1, version = version + 1, updated_by = $2, \
               updated_at = $3 WHERE case_id = $4 AND version = $5",
        )
        .bind(&new.note)
        .bind(c.user.id)
        .bind(c.ts())
        .bind(case_id)
        .bind(seen)
        .execute(&mut **tx)
        .await?
    };
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "背景說明在您開啟頁面後已有人修改，未儲存。請重新整理頁面確認後再試。".into(),
        ));
    }
    sqlx::query("DELETE FROM case_flags WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    for flag in &new.flags {
        sqlx::query("INSERT INTO case_flags (case_id, flag) VALUES ($1, $2)")
            .bind(case_id)
            .bind(flag.as_str())
            .execute(&mut **tx)
            .await?;
    }
    c.audit(
        tx,
        Entry::new(AuditAction::BackgroundSaved, "case", case_id).data(json!({
            "flags": new.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            "note_chars": new.note.chars().count(),
            "version": seen + 1,
        })),
    )
    .await
}

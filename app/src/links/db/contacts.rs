//! Councilor offices' mail contacts and their opt-out, and what sending a link leaves on
//! its row.

use crate::{
    db::{flag, is_unique_violation, Tx},
    error::AppError,
    links::{Contacts, MAX_CONTACTS},
    notifications::delivery::EmailAddress,
};
use sqlx::Row;

/// The office's addresses and whether it asked not to be mailed; `None` for no such
/// councilor.
pub async fn contacts<'c>(
    db: impl crate::db::Db<'c>,
    councilor_id: i64,
) -> Result<Option<Contacts>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT co.mail_opt_out, k.id, k.address FROM councilors co \
         LEFT JOIN councilor_contacts k ON k.councilor_id = co.id \
         WHERE co.id = $1 ORDER BY k.id",
    )
    .bind(councilor_id)
    .fetch_all(db)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut addresses = Vec::new();
    for r in &rows {
        if let (Some(id), Some(address)) = (
            r.try_get::<Option<i64>, _>("id")?,
            r.try_get::<Option<String>, _>("address")?,
        ) {
            addresses.push((id, address));
        }
    }
    Ok(Some(Contacts {
        councilor_id,
        opted_out: flag(first, "mail_opt_out")?,
        addresses,
    }))
}

/// Adds an address to the office's contacts.
pub async fn add(
    tx: &mut Tx,
    councilor_id: i64,
    address: &EmailAddress,
    by: i64,
    now: i64,
) -> Result<i64, AppError> {
    let held = contacts(&mut **tx, councilor_id)
        .await?
        .ok_or_else(|| AppError::validation("councilor", "找不到所選的議員。"))?;
    if held.addresses.len() >= MAX_CONTACTS {
        return Err(AppError::validation(
            "address",
            format!("每位議員辦公室最多 {MAX_CONTACTS} 個聯絡信箱，請先移除不再使用的信箱。"),
        ));
    }
    sqlx::query_scalar(
        "INSERT INTO councilor_contacts (councilor_id, address, added_by, added_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(councilor_id)
    .bind(address.as_str())
    .bind(by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "councilor_contacts_address_key") {
            AppError::validation("address", "這個信箱已在聯絡信箱中。")
        } else {
            e.into()
        }
    })
}

/// Removes one of the office's addresses; returns it, or `None` when it was not theirs.
pub async fn remove(
    tx: &mut Tx,
    councilor_id: i64,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "DELETE FROM councilor_contacts WHERE id = $1 AND councilor_id = $2 RETURNING address",
    )
    .bind(id)
    .bind(councilor_id)
    .fetch_optional(&mut **tx)
    .await
}

/// Records whether the office asked not to be mailed; returns what it was.
pub async fn set_opt_out(
    tx: &mut Tx,
    councilor_id: i64,
    opted_out: bool,
) -> Result<Option<bool>, sqlx::Error> {
    let before = contacts(&mut **tx, councilor_id)
        .await?
        .map(|c| c.opted_out);
    if before.is_some() {
        sqlx::query("UPDATE councilors SET mail_opt_out = $1 WHERE id = $2")
            .bind(opted_out)
            .bind(councilor_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(before)
}

/// Records on the link's row that it was mailed, to how many addresses.
pub async fn mark_sent(
    tx: &mut Tx,
    link_id: i64,
    sent_to: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE status_links SET sent_at = $1, sent_to = $2 WHERE id = $3")
        .bind(now)
        .bind(sent_to)
        .bind(link_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

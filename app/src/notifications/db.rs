//! Reading and marking one user's notices. Every query is keyed by the user's id, so no
//! one reads or marks another's.

use super::{Inbox, Notification};
use crate::{
    cases::{notify::NotificationKind, CaseKind},
    db::unexpected,
};
use sqlx::{AnyPool, Row};

/// How many notices the inbox lists.
pub const SHOWN: i64 = 100;

pub async fn unread_count(pool: &AnyPool, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id)
        .fetch_one(pool)
        .await
}

pub async fn inbox(pool: &AnyPool, user_id: i64) -> Result<Inbox, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT n.id, n.kind, n.case_id, n.created_at, n.read_at, c.kind AS case_kind, \
           c.number, c.topic FROM notifications n JOIN cases c ON c.id = n.case_id \
         WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT {SHOWN}"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get("id")?,
                kind: NotificationKind::parse(r.try_get("kind")?)
                    .ok_or_else(|| unexpected("notification kind"))?,
                case_id: r.try_get("case_id")?,
                case_kind: CaseKind::parse(r.try_get("case_kind")?)
                    .ok_or_else(|| unexpected("kind"))?,
                case_number: r.try_get("number")?,
                topic: r.try_get("topic")?,
                created_at: r.try_get("created_at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Inbox {
        unread: unread_count(pool, user_id).await?,
        items,
    })
}

/// Marks one notice (or, with `None`, all) of the user read; returns how many changed.
pub async fn mark_read(
    pool: &AnyPool,
    user_id: i64,
    id: Option<i64>,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = match id {
        Some(id) => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(id),
        None => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        )
        .bind(now)
        .bind(user_id),
    }
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

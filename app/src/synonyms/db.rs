//! `synonym_groups` (migration 0013): the admin's list and its changes. The search reads
//! the table through `cases::db::synonyms`.

use super::{GroupInput, SynonymGroup};
use crate::error::AppError;
use sqlx::{AnyConnection, AnyPool};

/// Every group, oldest first.
pub async fn list(pool: &AnyPool) -> Result<Vec<SynonymGroup>, sqlx::Error> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, words FROM synonym_groups ORDER BY id")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(group).collect())
}

/// A row as stored: its words apart at the single spaces they were joined with.
fn group((id, words): (i64, String)) -> SynonymGroup {
    SynonymGroup {
        id,
        words: words.split(' ').map(str::to_owned).collect(),
    }
}

/// The groups other than `except`, read inside the transaction that will write.
async fn others(
    conn: &mut AnyConnection,
    except: Option<i64>,
) -> Result<Vec<SynonymGroup>, sqlx::Error> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, words FROM synonym_groups WHERE id <> $1")
            .bind(except.unwrap_or(0))
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(group).collect())
}

fn clash(group: &GroupInput, others: &[SynonymGroup]) -> Result<(), AppError> {
    match group.clash(others) {
        Some(word) => Err(AppError::validation(
            "words",
            format!("「{word}」已在另一組同義詞中；請改那一組，或先刪除它。"),
        )),
        None => Ok(()),
    }
}

pub async fn insert(conn: &mut AnyConnection, group: &GroupInput) -> Result<i64, AppError> {
    clash(group, &others(conn, None).await?)?;
    Ok(
        sqlx::query_scalar("INSERT INTO synonym_groups (words) VALUES ($1) RETURNING id")
            .bind(group.stored())
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Rewrites a group; its words before, or `None` if there is no such group.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    group: &GroupInput,
) -> Result<Option<String>, AppError> {
    let before: Option<String> =
        sqlx::query_scalar("SELECT words FROM synonym_groups WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if before.is_none() {
        return Ok(None);
    }
    clash(group, &others(conn, Some(id)).await?)?;
    sqlx::query("UPDATE synonym_groups SET words = $1 WHERE id = $2")
        .bind(group.stored())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(before)
}

/// Removes a group; its words, or `None` if there was no such group.
pub async fn remove(conn: &mut AnyConnection, id: i64) -> Result<Option<String>, sqlx::Error> {
    let before: Option<String> =
        sqlx::query_scalar("SELECT words FROM synonym_groups WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if before.is_some() {
        sqlx::query("DELETE FROM synonym_groups WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(before)
}

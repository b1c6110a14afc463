//! `saved_filters` (migration 0013): each user's own, never another's.

use crate::{
    cases::saved::{NewSavedFilter, SavedFilter, MAX_SAVED},
    db::Tx,
    error::AppError,
};
use sqlx::AnyPool;

pub async fn saved_filters(pool: &AnyPool, user_id: i64) -> Result<Vec<SavedFilter>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, query FROM saved_filters WHERE user_id = $1 ORDER BY name, id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, query)| SavedFilter { id, name, query })
        .collect())
}

/// Saves a filter under its name, replacing the user's filter of that name; returns its id.
pub async fn save_filter(
    tx: &mut Tx,
    user_id: i64,
    filter: &NewSavedFilter,
) -> Result<i64, AppError> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM saved_filters WHERE user_id = $1 AND name = $2")
            .bind(user_id)
            .bind(&filter.name)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(id) = existing {
        sqlx::query("UPDATE saved_filters SET query = $1 WHERE id = $2")
            .bind(&filter.query)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        return Ok(id);
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM saved_filters WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    if count as usize >= MAX_SAVED {
        return Err(AppError::validation(
            "name",
            format!("最多保存 {MAX_SAVED} 個篩選；請先刪除不用的。"),
        ));
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO saved_filters (user_id, name, query) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(user_id)
    .bind(&filter.name)
    .bind(&filter.query)
    .fetch_one(&mut **tx)
    .await?)
}

/// Removes one of the user's filters; its name, or `None` if the user has no such filter.
pub async fn remove_filter(
    tx: &mut Tx,
    user_id: i64,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM saved_filters WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    if name.is_some() {
        sqlx::query("DELETE FROM saved_filters WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(name)
}

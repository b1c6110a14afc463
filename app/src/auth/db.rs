//! Account and login-throttle queries.

use super::{password::PasswordHash, CurrentUser, Role};
use crate::db::flag;
use sqlx::{any::AnyRow, AnyConnection, AnyPool, Row};

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.bureau_id, \
     b.name AS bureau_name, u.active, u.must_change_password \
     FROM users u LEFT JOIN bureaus b ON b.id = u.bureau_id";

/// Reads the `role` column; a value the code does not know is a decode error.
pub(crate) fn role(row: &AnyRow) -> Result<Role, sqlx::Error> {
    row.try_get::<String, _>("role")?
        .parse::<Role>()
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn current_user_from_row(row: &AnyRow) -> Result<CurrentUser, sqlx::Error> {
    Ok(CurrentUser {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: role(row)?,
        bureau_id: row.try_get("bureau_id")?,
        bureau_name: row.try_get("bureau_name")?,
        must_change_password: flag(row, "must_change_password")?,
    })
}

/// An active user by id, as the session sees them.
pub async fn active_user(pool: &AnyPool, id: i64) -> Result<Option<CurrentUser>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    match row {
        Some(row) if flag(&row, "active")? => Ok(Some(current_user_from_row(&row)?)),
        _ => Ok(None),
    }
}

/// The id and password hash of an active user, for checking a login.
pub async fn login_candidate(
    pool: &AnyPool,
    username: &str,
) -> Result<Option<(i64, PasswordHash)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, password_hash, active FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(pool)
        .await?;
    match row {
        Some(row) if flag(&row, "active")? => Ok(Some((
            row.try_get("id")?,
            PasswordHash::from_stored(row.try_get("password_hash")?),
        ))),
        _ => Ok(None),
    }
}

/// The password hash of an active user, for checking their current password.
pub async fn password_of(
    pool: &AnyPool,
    user_id: i64,
) -> Result<Option<PasswordHash>, sqlx::Error> {
    let row = sqlx::query("SELECT password_hash, active FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    match row {
        Some(row) if flag(&row, "active")? => Ok(Some(PasswordHash::from_stored(
            row.try_get("password_hash")?,
        ))),
        _ => Ok(None),
    }
}

/// Stores a password the user chose themselves: no longer one they must change.
pub async fn set_own_password(
    conn: &mut AnyConnection,
    user_id: i64,
    hash: &PasswordHash,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, \
         password_changed_at = $3 WHERE id = $4",
    )
    .bind(hash.as_stored())
    .bind(false)
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends every session of a user (deactivated, password reset or changed).
pub async fn end_sessions(conn: &mut AnyConnection, user_id: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn record_login(pool: &AnyPool, user_id: i64, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(at)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Counts one attempt under this name in a single statement, before its password is
/// checked, so that parallel attempts cannot undercount; returns the attempts within the
/// window (this one included) and the lock, if any. Attempts before `stale_before` start
/// the count afresh; attempts under a lock are not counted, so a lock ends when it says.
pub async fn claim_attempt(
    pool: &AnyPool,
    username: &str,
    now: i64,
    stale_before: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO login_throttle (username, failures, last_failure_at, locked_until) \
         VALUES ($1, 1, $2, NULL) \
         ON CONFLICT (username) DO UPDATE SET \
           failures = CASE WHEN login_throttle.locked_until > $2 THEN login_throttle.failures \
                           WHEN login_throttle.last_failure_at < $3 THEN 1 \
                           ELSE login_throttle.failures + 1 END, \
           last_failure_at = CASE WHEN login_throttle.locked_until > $2 \
                                  THEN login_throttle.last_failure_at ELSE $2 END \
         RETURNING failures, locked_until",
    )
    .bind(username)
    .bind(now)
    .bind(stale_before)
    .fetch_one(pool)
    .await
}

pub async fn lock(pool: &AnyPool, username: &str, until: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE login_throttle SET locked_until = $1, failures = 0 WHERE username = $2")
        .bind(until)
        .bind(username)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn clear_failures(pool: &AnyPool, username: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE username = $1")
        .bind(username)
        .execute(pool)
        .await?;
    Ok(())
}

/// Drops throttle rows that no longer lock or count, so guessed names do not pile up.
pub async fn purge_stale_failures(
    pool: &AnyPool,
    now: i64,
    stale_before: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM login_throttle \
         WHERE last_failure_at < $1 AND (locked_until IS NULL OR locked_until <= $2)",
    )
    .bind(stale_before)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

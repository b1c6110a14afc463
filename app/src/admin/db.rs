use super::{NewUser, UserSummary};
use crate::{
    audit::{
        db::{Entry, Recorder},
        AuditAction,
    },
    auth::{db::role, password::PasswordHash},
    db::{flag, is_unique_violation},
    error::AppError,
};
use sqlx::{AnyConnection, AnyPool, Row};

/// Creates an account and its audit row, recorded as by `by` from `client_addr` (an admin
/// in the app, the system for the command line's first accounts).
pub async fn create_user(
    tx: &mut crate::db::Tx,
    user: &NewUser,
    hash: &PasswordHash,
    now: i64,
    by: &Recorder,
    client_addr: &str,
) -> Result<i64, AppError> {
    let id = insert_user(tx, user, hash, now).await?;
    let after = serde_json::json!({
        "username": user.username.as_str(),
        "display_name": user.display_name,
        "role": user.role.as_str(),
        "bureau_id": user.bureau_id,
    });
    let entry = Entry::new(AuditAction::UserCreated, "user", id)
        .data(serde_json::json!({ "after": after }));
    crate::audit::db::record(tx, now, by, client_addr, &entry).await?;
    Ok(id)
}

pub async fn insert_user(
    conn: &mut AnyConnection,
    user: &NewUser,
    hash: &PasswordHash,
    now: i64,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "INSERT INTO users (username, display_name, password_hash, role, bureau_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.username.as_str())
    .bind(&user.display_name)
    .bind(hash.as_stored())
    .bind(user.role.as_str())
    .bind(user.bureau_id)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(|err| match &err {
        e if is_unique_violation(e, "users_username_key") => {
            AppError::validation("username", "此帳號已有人使用，請換一個。")
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            AppError::validation("bureau_id", "找不到所選的局處。")
        }
        _ => err.into(),
    })
}

pub async fn list_users(pool: &AnyPool) -> Result<Vec<UserSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, b.name AS bureau_name, u.active, \
           u.last_login_at, u.email \
         FROM users u LEFT JOIN bureaus b ON b.id = u.bureau_id \
         ORDER BY u.role, b.sort_order, u.username",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(UserSummary {
                id: row.try_get("id")?,
                username: row.try_get("username")?,
                display_name: row.try_get("display_name")?,
                role: role(row)?,
                bureau_name: row.try_get("bureau_name")?,
                active: flag(row, "active")?,
                last_login_at: row.try_get("last_login_at")?,
                email: row.try_get("email")?,
            })
        })
        .collect()
}

/// Moves a bureau user to another bureau. City-wide users have none to move. Returns the
/// bureau they were in.
pub async fn change_bureau(
    conn: &mut AnyConnection,
    user_id: i64,
    bureau_id: i64,
) -> Result<Option<i64>, AppError> {
    let before: Option<Option<i64>> =
        sqlx::query_scalar("SELECT bureau_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    let done = sqlx::query(
        "UPDATE users SET bureau_id = $1 WHERE id = $2 AND role IN ('bureau_liaison', 'bureau_approver')",
    )
    .bind(bureau_id)
    .bind(user_id)
    .execute(&mut *conn)
    .await
    .map_err(|err| match &err {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            AppError::validation("bureau_id", "找不到所選的局處。")
        }
        _ => err.into(),
    })?;
    if done.rows_affected() == 1 {
        Ok(before.flatten())
    } else {
        Err(AppError::validation(
            "bureau_id",
            "只有局處人員可以調整所屬局處。",
        ))
    }
}

/// Replaces a user's password hash; returns their username, or `NotFound`.
pub async fn set_password(
    conn: &mut AnyConnection,
    user_id: i64,
    hash: &PasswordHash,
) -> Result<String, AppError> {
    let username: Option<String> =
        sqlx::query_scalar("UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING username")
            .bind(hash.as_stored())
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    username.ok_or(AppError::NotFound)
}

/// Makes a user choose their own password at their next request (a new account, a reset
/// password) and ends their sessions; returns how many ended.
pub async fn require_new_password(conn: &mut AnyConnection, user_id: i64) -> Result<u64, AppError> {
    sqlx::query("UPDATE users SET must_change_password = $1 WHERE id = $2")
        .bind(true)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(crate::auth::db::end_sessions(conn, user_id).await?)
}

/// Deactivates or reactivates an account; a deactivated one's sessions end at once.
/// Returns the username and whether the account was active before.
pub async fn set_active(
    conn: &mut AnyConnection,
    user_id: i64,
    active: bool,
) -> Result<(String, bool, u64), AppError> {
    let row = sqlx::query("SELECT username, active FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let (username, before): (String, bool) = (row.try_get("username")?, flag(&row, "active")?);
    sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let ended = if active {
        0
    } else {
        crate::auth::db::end_sessions(conn, user_id).await?
    };
    Ok((username, before, ended))
}

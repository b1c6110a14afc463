//! A person's delivery settings (their address, a change waiting for confirmation, a mode
//! per kind of notice) and the admin's webhooks.

use crate::{
    auth::Role,
    cases::notify::NotificationKind,
    db::{is_unique_violation, Tx},
    error::AppError,
    notifications::delivery::{default_mode, Mode, MySettings, WebhookInput},
};
use sqlx::{AnyPool, Row};

/// How long a confirmation link holds.
pub const CONFIRM_SECONDS: i64 = 24 * 3600;

pub async fn my_settings(
    pool: &AnyPool,
    user_id: i64,
    role: Role,
    now: i64,
) -> Result<MySettings, sqlx::Error> {
    let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    let pending: Option<String> = sqlx::query_scalar(
        "SELECT address FROM email_changes WHERE user_id = $1 AND expires_at > $2",
    )
    .bind(user_id)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    let chosen = sqlx::query("SELECT kind, mode FROM notification_prefs WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    let prefs = NotificationKind::ALL
        .iter()
        .map(|kind| {
            let default = default_mode(role, *kind);
            let mode = chosen
                .iter()
                .find(|r| r.try_get::<String, _>("kind").ok().as_deref() == Some(kind.as_str()))
                .and_then(|r| Mode::parse(&r.try_get::<String, _>("mode").ok()?))
                .unwrap_or(default);
            (*kind, mode, default)
        })
        .collect();
    Ok(MySettings {
        email,
        pending,
        prefs,
        digest_at: String::new(),
    })
}

/// Saves the modes a person chose (every kind they sent); returns the kinds that changed,
/// with their mode before and after.
pub async fn save_prefs(
    tx: &mut Tx,
    user_id: i64,
    before: &MySettings,
    chosen: &[(NotificationKind, Mode)],
) -> Result<Vec<(NotificationKind, Mode, Mode)>, sqlx::Error> {
    let mut changed = Vec::new();
    for (kind, mode) in chosen {
        let Some((_, was, _)) = before.prefs.iter().find(|(k, _, _)| k == kind) else {
            continue;
        };
        sqlx::query("DELETE FROM notification_prefs WHERE user_id = $1 AND kind = $2")
            .bind(user_id)
            .bind(kind.as_str())
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO notification_prefs (user_id, kind, mode) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(kind.as_str())
            .bind(mode.as_str())
            .execute(&mut **tx)
            .await?;
        if was != mode {
            changed.push((*kind, *was, *mode));
        }
    }
    Ok(changed)
}

/// Keeps a change of address waiting for its confirmation (replacing one waiting before).
pub async fn request_email_change(
    tx: &mut Tx,
    user_id: i64,
    address: &str,
    token_digest: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM email_changes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO email_changes (user_id, address, token_sha256, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(address)
    .bind(token_digest)
    .bind(now + CONFIRM_SECONDS)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Makes the waiting address `user_id`'s own if `token_digest` is its link's and it has not
/// expired; returns the address before and after.
pub async fn confirm_email_change(
    tx: &mut Tx,
    user_id: i64,
    token_digest: &str,
    now: i64,
) -> Result<Option<(Option<String>, String)>, sqlx::Error> {
    let Some(address) = sqlx::query_scalar::<_, String>(
        "DELETE FROM email_changes WHERE user_id = $1 AND token_sha256 = $2 AND expires_at > $3 \
         RETURNING address",
    )
    .bind(user_id)
    .bind(token_digest)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let before = set_email(tx, user_id, Some(&address)).await?;
    Ok(before.map(|b| (b, address)))
}

/// Sets (or with `None` clears) a user's address; returns the one before, or `None` when
/// there is no such user.
pub async fn set_email(
    tx: &mut Tx,
    user_id: i64,
    address: Option<&str>,
) -> Result<Option<Option<String>>, sqlx::Error> {
    let before: Option<Option<String>> =
        sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    if before.is_some() {
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(address)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(before)
}

pub async fn add_webhook(tx: &mut Tx, hook: &WebhookInput, now: i64) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "INSERT INTO webhooks (name, url, secret, active, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&hook.name)
    .bind(&hook.url)
    .bind(&hook.secret)
    .bind(true)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "webhooks_name_key") {
            AppError::validation("name", "已有同名的訊息閘道。")
        } else {
            e.into()
        }
    })
}

/// Turns a webhook on or off; returns its name and whether it was on, or `None`.
pub async fn set_webhook_active(
    tx: &mut Tx,
    id: i64,
    active: bool,
) -> Result<Option<(String, bool)>, sqlx::Error> {
    let before = sqlx::query("SELECT name, active FROM webhooks WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = before else { return Ok(None) };
    let name: String = row.try_get("name")?;
    let was = crate::db::flag(&row, "active")?;
    sqlx::query("UPDATE webhooks SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(Some((name, was)))
}

/// Where a webhook posts and the secret it signs with, for the runner.
pub async fn webhook_target(
    pool: &AnyPool,
    id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT url, secret FROM webhooks WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.map(|r| Ok((r.try_get("url")?, r.try_get("secret")?)))
        .transpose()
}

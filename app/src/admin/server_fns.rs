use super::UserSummary;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    audit::{db::Entry, AuditAction},
    caller::Caller,
};

#[server(prefix = "/api", endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            Ok(super::db::list_users(c.db()).await?)
        }
        .await,
    )
}

/// Creates an account. `bureau_id` is empty for city-wide roles.
#[server(prefix = "/api", endpoint = "admin/users/create")]
pub async fn create_user(
    username: String,
    display_name: String,
    role: String,
    bureau_id: String,
    password: String,
) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            use crate::{admin::NewUser, auth::password::hash_password};
            let c = Caller::admin().await?;
            let user = NewUser::parse(&username, &display_name, &role, &bureau_id, password)?;
            let hash = hash_password(&user.password).await?;
            let mut tx = c.begin().await?;
            let (by, from) = (c.recorder(), &c.client_addr);
            let id = super::db::create_user(&mut tx, &user, &hash, c.ts(), &by, from).await?;
            // The admin chose this password; the user chooses their own at first login.
            super::db::require_new_password(&mut tx, id).await?;
            tx.commit().await?;
            Ok(id)
        }
        .await,
    )
}

/// Moves a bureau liaison or approver to another bureau (所屬局處異動).
#[server(prefix = "/api", endpoint = "admin/users/bureau")]
pub async fn change_user_bureau(user_id: i64, bureau_id: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            let bureau_id = bureau_id
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::validation("bureau_id", "請選擇所屬局處。"))?;
            let mut tx = c.begin().await?;
            let before = super::db::change_bureau(&mut tx, user_id, bureau_id).await?;
            let entry =
                Entry::new(AuditAction::UserChanged, "user", user_id).data(serde_json::json!({
                    "before": { "bureau_id": before },
                    "after": { "bureau_id": bureau_id },
                }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Sets the address a user's notices are mailed to (empty: none). The admin's word needs no
/// confirmation; a user who changes their own confirms it by a link.
#[server(prefix = "/api", endpoint = "admin/users/email")]
pub async fn set_user_email(user_id: i64, email: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::notifications::{db::settings::set_email, delivery::EmailAddress};
            let c = Caller::admin().await?;
            let address = match email.trim() {
                "" => None,
                typed => Some(EmailAddress::parse(typed)?),
            };
            let mut tx = c.begin().await?;
            let before = set_email(&mut tx, user_id, address.as_ref().map(EmailAddress::as_str))
                .await?
                .ok_or(AppError::NotFound)?;
            let after = address.as_ref().map(EmailAddress::as_str);
            if before.as_deref() != after {
                let entry = Entry::new(AuditAction::UserChanged, "user", user_id).data(
                    serde_json::json!({ "before": { "email": before }, "after": { "email": after } }),
                );
                c.audit(&mut tx, entry).await?;
            }
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Sets a new password for a user who forgot theirs (the admin tells them in person); they
/// must choose their own at their next login, and their sessions end now. The audit row
/// records who reset whose password, never the password.
#[server(prefix = "/api", endpoint = "admin/users/password")]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::auth::{password::hash_password, NewPassword};
            let c = Caller::admin().await?;
            let password = NewPassword::parse(password)?;
            let hash = hash_password(&password).await?;
            let mut tx = c.begin().await?;
            let username = super::db::set_password(&mut tx, user_id, &hash).await?;
            let ended = super::db::require_new_password(&mut tx, user_id).await?;
            let entry = Entry::new(AuditAction::PasswordChanged, "user", user_id)
                .data(serde_json::json!({ "username": username, "sessions_ended": ended }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Deactivates (停用) or reactivates (啟用) an account. A deactivated account cannot sign
/// in and its open sessions end at once; its cases and history stay. An admin cannot
/// deactivate themselves, so an admin is always left.
#[server(prefix = "/api", endpoint = "admin/users/active")]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            if user_id == c.user.id && !active {
                return Err(AppError::validation("active", "不能停用自己的帳號。"));
            }
            let mut tx = c.begin().await?;
            let (username, before, ended) = super::db::set_active(&mut tx, user_id, active).await?;
            if before != active {
                let action = if active {
                    AuditAction::UserReactivated
                } else {
                    AuditAction::UserDeactivated
                };
                let entry = Entry::new(action, "user", user_id).data(serde_json::json!({
                    "username": username,
                    "before": { "active": before },
                    "after": { "active": active },
                    "sessions_ended": ended,
                }));
                c.audit(&mut tx, entry).await?;
            }
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// A page of the audit log.
#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn load_audit(
    #[server(default)] filter: crate::audit::AuditFilter,
) -> Result<crate::audit::AuditPage, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::admin().await?;
            Ok(crate::audit::db::list(c.db(), &filter).await?)
        }
        .await,
    )
}

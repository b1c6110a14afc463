//! Login, logout and "who am I". Thin: the rules live in `lockout`, the SQL in `db`.

use super::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    crate::error::with_status(imp::login(username, password).await)
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::error::with_status(imp::logout().await)
}

/// Changes the caller's own password: the current one proves it is them (and is counted
/// like a login attempt, so a left-open session cannot be used to guess it). Their other
/// sessions end; this one continues under a new id.
#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(
    current: String,
    new: String,
    confirm: String,
) -> Result<(), AppError> {
    crate::error::with_status(imp::change_password(current, new, confirm).await)
}

#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    crate::error::with_status(super::session::current_user().await)
}

#[cfg(feature = "ssr")]
mod imp {
    use crate::audit::{
        db::{record, record_alone, Entry, Recorder},
        AuditAction,
    };
    use crate::auth::{
        db,
        lockout::{Attempt, LockoutPolicy},
        password::{hash_password, verify_password},
        session::{current_user, session, sign_in, sign_out},
        NewPassword, Username,
    };
    use crate::limits::Verdict;
    use crate::{
        error::AppError,
        state::{app_state, client_addr, AppState},
    };
    use chrono::DateTime;

    /// The login rules, which the server provides as context beside the app state.
    fn policy() -> Result<LockoutPolicy, AppError> {
        leptos::prelude::use_context::<LockoutPolicy>()
            .ok_or_else(|| AppError::internal("context", "LockoutPolicy missing from context"))
    }

    async fn audit(state: &AppState, actor: Recorder, entry: Entry) -> Result<(), AppError> {
        let at = state.now().timestamp();
        Ok(record_alone(&state.db, at, &actor, &client_addr(), &entry).await?)
    }

    /// Longer inputs are never a real password here; refusing them spares the hasher.
    const MAX_PASSWORD_BYTES: usize = 1024;

    pub async fn login(username: String, password: String) -> Result<(), AppError> {
        let state = app_state()?;
        let name = Username::normalize_attempt(&username);
        let now = state.now();

        let policy = policy()?;
        let address = crate::limits::rate_key(&client_addr());
        let limit = policy.address_limit();
        if let Verdict::Wait(seconds) = limit
            .check(&state.db, &address, now.timestamp_millis())
            .await?
        {
            // Logged, not audited: a flood would otherwise write a row per request.
            tracing::warn!(address = %client_addr(), "login attempts over the address limit");
            return Err(AppError::TooManyAttempts { seconds });
        }
        let (attempts, locked_until) = db::claim_attempt(
            &state.db,
            &name,
            now.timestamp(),
            policy.stale_before(now).timestamp(),
        )
        .await?;
        let locked_until = locked_until.and_then(|t| DateTime::from_timestamp(t, 0));
        let attempts = u32::try_from(attempts).unwrap_or(u32::MAX);
        let lock_if_wrong = match policy.decide(attempts, locked_until, now) {
            Attempt::Locked { minutes } => {
                let entry = Entry::new(AuditAction::LoginFailed, "", "")
                    .data(serde_json::json!({ "reason": "locked" }));
                audit(&state, Recorder::anonymous(&name), entry).await?;
                return Err(AppError::LockedOut { minutes });
            }
            Attempt::Verify { lock_if_wrong } => lock_if_wrong,
        };

        let candidate = db::login_candidate(&state.db, &name).await?;
        let (user_id, hash) = match candidate {
            Some((id, hash)) => (Some(id), Some(hash)),
            None => (None, None),
        };
        let password_ok =
            password.len() <= MAX_PASSWORD_BYTES && verify_password(password, hash).await?;

        if let (true, Some(user_id)) = (password_ok, user_id) {
            db::clear_failures(&state.db, &name).await?;
            sign_in(&session().await?, user_id).await?;
            db::record_login(&state.db, user_id, now.timestamp()).await?;
            let entry = Entry::new(AuditAction::Login, "user", user_id);
            audit(&state, Recorder::user(user_id, &name), entry).await?;
            let must_change = db::active_user(&state.db, user_id)
                .await?
                .is_some_and(|u| u.must_change_password);
            leptos_axum::redirect(if must_change { PASSWORD_PAGE } else { "/" });
            return Ok(());
        }

        if lock_if_wrong {
            db::lock(&state.db, &name, policy.locked_until(now).timestamp()).await?;
            tracing::warn!(username = %name, "login locked after repeated failures");
            let entry = Entry::new(AuditAction::LoginLocked, "", "")
                .data(serde_json::json!({ "failures": attempts }));
            audit(&state, Recorder::anonymous(&name), entry).await?;
            return Err(AppError::LockedOut {
                minutes: policy.lock_for.num_minutes().max(1),
            });
        }
        let entry = Entry::new(AuditAction::LoginFailed, "", "")
            .data(serde_json::json!({ "reason": "wrong_password", "failures": attempts }));
        audit(&state, Recorder::anonymous(&name), entry).await?;
        Err(AppError::InvalidCredentials)
    }

    /// Where a user chooses their own password.
    const PASSWORD_PAGE: &str = "/account/password";

    pub async fn change_password(
        current: String,
        new: String,
        confirm: String,
    ) -> Result<(), AppError> {
        let state = app_state()?;
        let user = current_user().await?.ok_or(AppError::Unauthenticated)?;
        let now = state.now();
        let policy = policy()?;
        let (attempts, locked_until) = db::claim_attempt(
            &state.db,
            &user.username,
            now.timestamp(),
            policy.stale_before(now).timestamp(),
        )
        .await?;
        let locked_until = locked_until.and_then(|t| DateTime::from_timestamp(t, 0));
        let attempts = u32::try_from(attempts).unwrap_or(u32::MAX);
        let lock_if_wrong = match policy.decide(attempts, locked_until, now) {
            Attempt::Locked { minutes } => return Err(AppError::LockedOut { minutes }),
            Attempt::Verify { lock_if_wrong } => lock_if_wrong,
        };
        let stored = db::password_of(&state.db, user.id).await?;
        let current_ok =
            current.len() <= MAX_PASSWORD_BYTES && verify_password(current.clone(), stored).await?;
        if !current_ok {
            let actor = Recorder::user(user.id, &user.username);
            let entry = Entry::new(AuditAction::LoginFailed, "user", user.id).data(
                serde_json::json!({ "reason": "wrong_current_password", "failures": attempts }),
            );
            audit(&state, actor, entry).await?;
            if lock_if_wrong {
                db::lock(
                    &state.db,
                    &user.username,
                    policy.locked_until(now).timestamp(),
                )
                .await?;
                return Err(AppError::LockedOut {
                    minutes: policy.lock_for.num_minutes().max(1),
                });
            }
            return Err(AppError::validation("current", "目前的密碼不正確。"));
        }
        db::clear_failures(&state.db, &user.username).await?;
        if new != confirm {
            return Err(AppError::validation("confirm", "兩次輸入的新密碼不一致。"));
        }
        if new == current {
            return Err(AppError::validation("new", "新密碼不可與目前的密碼相同。"));
        }
        let new = NewPassword::parse(new).map_err(|e| match e {
            AppError::Validation { message, .. } => AppError::validation("new", message),
            other => other,
        })?;
        let hash = hash_password(&new).await?;
        let mut tx = crate::db::begin(&state.db).await?;
        db::set_own_password(&mut tx, user.id, &hash, now.timestamp()).await?;
        let ended = db::end_sessions(&mut tx, user.id).await?;
        let entry = Entry::new(AuditAction::OwnPasswordChanged, "user", user.id)
            .data(serde_json::json!({ "sessions_ended": ended }));
        record(
            &mut tx,
            now.timestamp(),
            &Recorder::user(user.id, &user.username),
            &client_addr(),
            &entry,
        )
        .await?;
        tx.commit().await?;
        // This browser carries on under a new session id.
        sign_in(&session().await?, user.id).await?;
        leptos_axum::redirect("/account/password?changed=1");
        Ok(())
    }

    pub async fn logout() -> Result<(), AppError> {
        if let Some(user) = current_user().await? {
            let entry = Entry::new(AuditAction::Logout, "user", user.id);
            audit(
                &app_state()?,
                Recorder::user(user.id, &user.username),
                entry,
            )
            .await?;
        }
        sign_out(&session().await?).await?;
        leptos_axum::redirect("/login");
        Ok(())
    }
}

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

#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    crate::error::with_status(super::session::current_user().await)
}

#[cfg(feature = "ssr")]
mod imp {
    use crate::audit::{
        db::{record_alone, Actor, Entry},
        AuditAction,
    };
    use crate::auth::{
        db,
        lockout::{AddressLimiter, Attempt, LockoutPolicy},
        password::verify_password,
        session::{current_user, session, sign_in, sign_out},
        Username,
    };
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

    async fn audit(state: &AppState, actor: Actor, entry: Entry) -> Result<(), AppError> {
        let at = state.now().timestamp();
        Ok(record_alone(&state.db, at, &actor, &client_addr(), &entry).await?)
    }

    /// Longer inputs are never a real password here; refusing them spares the hasher.
    const MAX_PASSWORD_BYTES: usize = 1024;

    pub async fn login(username: String, password: String) -> Result<(), AppError> {
        let state = app_state()?;
        let name = Username::normalize_attempt(&username);
        let now = state.now();

        if let Some(addresses) = leptos::prelude::use_context::<AddressLimiter>() {
            if let Err(seconds) = addresses.check(&client_addr()) {
                // Logged, not audited: a flood would otherwise write a row per request.
                tracing::warn!(address = %client_addr(), "login attempts over the address limit");
                return Err(AppError::TooManyAttempts { seconds });
            }
        }
        let policy = policy()?;
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
                audit(&state, Actor::anonymous(&name), entry).await?;
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
            audit(&state, Actor::user(user_id, &name), entry).await?;
            leptos_axum::redirect("/");
            return Ok(());
        }

        if lock_if_wrong {
            db::lock(&state.db, &name, policy.locked_until(now).timestamp()).await?;
            tracing::warn!(username = %name, "login locked after repeated failures");
            let entry = Entry::new(AuditAction::LoginLocked, "", "")
                .data(serde_json::json!({ "failures": attempts }));
            audit(&state, Actor::anonymous(&name), entry).await?;
            return Err(AppError::LockedOut {
                minutes: policy.lock_for.num_minutes().max(1),
            });
        }
        let entry = Entry::new(AuditAction::LoginFailed, "", "")
            .data(serde_json::json!({ "reason": "wrong_password", "failures": attempts }));
        audit(&state, Actor::anonymous(&name), entry).await?;
        Err(AppError::InvalidCredentials)
    }

    pub async fn logout() -> Result<(), AppError> {
        if let Some(user) = current_user().await? {
            let entry = Entry::new(AuditAction::Logout, "user", user.id);
            audit(&app_state()?, Actor::user(user.id, &user.username), entry).await?;
        }
        sign_out(&session().await?).await?;
        leptos_axum::redirect("/login");
        Ok(())
    }
}

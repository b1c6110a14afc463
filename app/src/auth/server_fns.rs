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
    use crate::auth::{
        db,
        lockout::LockoutPolicy,
        password::verify_password,
        session::{session, sign_in, sign_out},
        Username,
    };
    use crate::{error::AppError, state::app_state};
    use chrono::DateTime;

    /// Longer inputs are never a real password here; refusing them spares the hasher.
    const MAX_PASSWORD_BYTES: usize = 1024;

    pub async fn login(username: String, password: String) -> Result<(), AppError> {
        let state = app_state()?;
        let name = Username::normalize_attempt(&username);
        let now = state.now();

        if let Some(until) = db::locked_until(&state.db, &name).await? {
            let until = DateTime::from_timestamp(until, 0).unwrap_or(now);
            if let Some(minutes) = LockoutPolicy::minutes_left(until, now) {
                return Err(AppError::LockedOut { minutes });
            }
        }

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
            leptos_axum::redirect("/");
            return Ok(());
        }

        let policy = state.lockout;
        let failures = db::record_failure(
            &state.db,
            &name,
            now.timestamp(),
            policy.stale_before(now).timestamp(),
        )
        .await?;
        if policy.should_lock(u32::try_from(failures).unwrap_or(u32::MAX)) {
            db::lock(&state.db, &name, policy.locked_until(now).timestamp()).await?;
            tracing::warn!(username = %name, "login locked after repeated failures");
            return Err(AppError::LockedOut {
                minutes: policy.lock_for.num_minutes().max(1),
            });
        }
        Err(AppError::InvalidCredentials)
    }

    pub async fn logout() -> Result<(), AppError> {
        sign_out(&session().await?).await?;
        leptos_axum::redirect("/login");
        Ok(())
    }
}

use super::UserSummary;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    crate::error::with_status(
        async {
            crate::auth::session::require_role(&[crate::auth::Role::Admin]).await?;
            let state = crate::state::app_state()?;
            Ok(super::db::list_users(&state.db).await?)
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
            let admin = crate::auth::session::require_role(&[crate::auth::Role::Admin]).await?;
            let user = NewUser::parse(&username, &display_name, &role, &bureau_id, password)?;
            let state = crate::state::app_state()?;
            let hash = hash_password(&user.password).await?;
            let id = super::db::insert_user(&state.db, &user, &hash, state.now().timestamp()).await?;
            tracing::info!(admin = %admin.username, created = %user.username.as_str(), role = %user.role, "user created");
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
            let admin = crate::auth::session::require_role(&[crate::auth::Role::Admin]).await?;
            let bureau_id = bureau_id
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::validation("bureau_id", "請選擇所屬局處。"))?;
            let state = crate::state::app_state()?;
            super::db::change_bureau(&state.db, user_id, bureau_id).await?;
            tracing::info!(admin = %admin.username, user_id, bureau_id, "user moved to another bureau");
            Ok(())
        }
        .await,
    )
}

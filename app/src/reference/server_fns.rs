use super::{Bureau, Choices};
use crate::error::AppError;
use leptos::prelude::*;

/// Active bureaus, for pickers. Any signed-in user may read them.
#[server(prefix = "/api", endpoint = "bureaus")]
pub async fn list_bureaus() -> Result<Vec<Bureau>, AppError> {
    crate::error::with_status(
        async {
            crate::auth::session::require_user().await?;
            let state = crate::state::app_state()?;
            Ok(super::db::active_bureaus(&state.db).await?)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "choices")]
pub async fn load_choices() -> Result<Choices, AppError> {
    crate::error::with_status(
        async {
            crate::auth::session::require_user().await?;
            let state = crate::state::app_state()?;
            Ok(super::db::choices(&state.db).await?)
        }
        .await,
    )
}

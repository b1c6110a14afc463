//! The secretariat's list of status links.

use super::LinksView;
use crate::error::AppError;
use leptos::prelude::*;

/// Every link, and the one just made (taken out of the session: it is shown once).
#[server(prefix = "/api", endpoint = "links")]
pub async fn status_links() -> Result<LinksView, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let links = super::db::list(c.db(), c.today()).await?;
            let session = leptos_axum::extract::<tower_sessions::Session>()
                .await
                .map_err(|e| AppError::internal("session", e))?;
            let fresh: Option<super::Fresh> = session
                .remove(super::FRESH_KEY)
                .await
                .map_err(|e| AppError::internal("session", e))?;
            Ok(LinksView { links, fresh })
        }
        .await,
    )
}

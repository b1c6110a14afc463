//! The councilor brief over HTTP: the caller, the typed order, one call into `db`.

use super::Brief;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "briefs")]
pub async fn councilor_brief(
    session: Option<i64>,
    #[server(default)] order: String,
) -> Result<Brief, AppError> {
    crate::error::with_status(
        async {
            let c = crate::caller::Caller::with_role(super::READERS).await?;
            super::db::compile(c.db(), &c.state.city.government, session, &order, c.today()).await
        }
        .await,
    )
}

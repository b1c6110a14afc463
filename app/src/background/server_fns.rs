//! The background over HTTP: the caller, the parsed form, one call into `db`.

use crate::error::AppError;
use leptos::prelude::*;

/// The lead bureau saves a case's background and flags over the version it saw.
#[server(prefix = "/api", endpoint = "cases/background")]
pub async fn save_background(
    case_id: i64,
    background_version: i64,
    #[server(default)] note: String,
    #[server(default)] flags: Vec<String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::BureauLiaison, Role::BureauApprover]).await?;
            let result = async {
                let new = super::parse(&note, &flags)?;
                let mut tx = c.begin().await?;
                super::db::save(&c, &mut tx, case_id, background_version, &new).await?;
                tx.commit().await?;
                Ok(())
            }
            .await
            .map_err(|e: AppError| e.keeping(&[("note", &note)]));
            c.refusals(case_id, result).await
        }
        .await,
    )
}

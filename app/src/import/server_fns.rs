//! The import preview's data, for the secretariat.

use super::Preview;
use crate::error::AppError;
use leptos::prelude::*;

/// An uploaded list checked row by row, with its columns mapped as `columns` (the preview
/// page's query: `number=0&topic=4…`) says, the guess where it is silent.
#[server(prefix = "/api", endpoint = "cases/import/preview")]
pub async fn import_preview(id: i64, columns: String) -> Result<Preview, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            super::db::preview(c.db(), id, |k| crate::url::query_value(&columns, k)).await
        }
        .await,
    )
}

/// Imports the rows chosen on the preview (`line[]`), with its columns as mapped there
/// (`columns`, the preview's query): all of them in one transaction, or, if any chosen row
/// has a problem, none. Returns how many questions were recorded.
#[server(prefix = "/api", endpoint = "cases/import/commit")]
pub async fn commit_import(
    id: i64,
    #[server(default)] columns: String,
    #[server(default)] line: Vec<String>,
) -> Result<usize, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let lines = line.iter().filter_map(|l| l.trim().parse().ok()).collect();
            let columns = |k: &str| crate::url::query_value(&columns, k);
            let n = super::ops::commit(&c, id, columns, &lines).await?;
            leptos_axum::redirect(&format!("/cases/import/{id}"));
            Ok(n)
        }
        .await,
    )
}

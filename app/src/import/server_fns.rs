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

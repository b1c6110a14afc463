//! The secretariat's list of status links.

use super::LinksView;
use crate::error::AppError;
use leptos::prelude::*;

/// Every link, and the one just made (shown once).
#[server(prefix = "/api", endpoint = "links")]
pub async fn status_links() -> Result<LinksView, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let links = super::db::list(c.db(), c.today()).await?;
            // The server takes it out of the session on the first page after it was made
            // and hands it to this request, if it is the `/links` page.
            let fresh = use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<super::Fresh>().cloned());
            Ok(LinksView { links, fresh })
        }
        .await,
    )
}

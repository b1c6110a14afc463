//! The secretariat's list of status links, and its forms: issue, revoke, reissue. A new
//! link's address waits in the session for the `/links` page, which shows it once; nothing
//! else ever holds it.

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

/// Whether status pages say 逾期 of a case past its due date.
#[server(prefix = "/api", endpoint = "links/overdue-setting")]
pub async fn status_shows_overdue() -> Result<bool, AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            Ok(super::db::shows_overdue(c.db()).await?)
        }
        .await,
    )
}

/// The liaison office decides whether status pages say 逾期 (`shown`: a ticked box).
#[server(prefix = "/api", endpoint = "links/overdue-setting/save")]
pub async fn save_status_shows_overdue(
    #[server(default)] shown: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = secretariat().await?;
            let shown = shown.is_some();
            let before = super::db::shows_overdue(c.db()).await?;
            let mut tx = c.begin().await?;
            super::db::set_shows_overdue(&mut tx, shown).await?;
            let entry = Entry::new(
                AuditAction::ReferenceUpdated,
                "setting",
                "status_shows_overdue",
            )
            .data(serde_json::json!({ "before": before, "after": shown }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// The cases of one councilor a one-case link may be for.
#[server(prefix = "/api", endpoint = "links/cases")]
pub async fn councilor_cases(councilor: i64) -> Result<Vec<super::CaseChoice>, AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            super::db::councilor_cases(c.db(), councilor).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "links/issue")]
pub async fn issue_status_link(
    councilor: String,
    #[server(default)] case: String,
    #[server(default)] expires: String,
    #[server(default)] send: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            let typed = || {
                vec![
                    ("councilor".to_owned(), councilor.clone()),
                    ("case".to_owned(), case.clone()),
                    ("expires".to_owned(), expires.clone()),
                ]
            };
            // A refused form comes back with what was chosen, so the next press of
            // 建立連結 cannot issue a link for someone else.
            let issued = async {
                let scope = super::ops::scope(&councilor, &case)?;
                super::ops::issue(&c, &public_url()?, scope, &expires, send.is_some()).await
            };
            let fresh = issued.await.map_err(|e| e.with_input(typed()))?;
            show_once(fresh).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "links/revoke")]
pub async fn revoke_status_link(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            super::ops::revoke(&c, id).await?;
            leptos_axum::redirect("/links");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "links/reissue")]
pub async fn reissue_status_link(
    id: i64,
    #[server(default)] send: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            let fresh = super::ops::reissue(&c, &public_url()?, id, send.is_some()).await?;
            show_once(fresh).await
        }
        .await,
    )
}

/// A councilor office's mail contacts.
#[server(prefix = "/api", endpoint = "links/contacts")]
pub async fn office_contacts(councilor: i64) -> Result<super::Contacts, AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            super::db::contacts::contacts(c.db(), councilor)
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "links/contacts/add")]
pub async fn add_office_contact(councilor: i64, address: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            super::ops::add_contact(&c, councilor, &address)
                .await
                .map_err(|e| e.with_input(vec![("address".to_owned(), address.clone())]))?;
            leptos_axum::redirect(&format!("/links?councilor={councilor}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "links/contacts/remove")]
pub async fn remove_office_contact(councilor: i64, id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            super::ops::remove_contact(&c, councilor, id).await?;
            leptos_axum::redirect(&format!("/links?councilor={councilor}"));
            Ok(())
        }
        .await,
    )
}

/// Whether the office asked not to be mailed (`opted_out`: a ticked box).
#[server(prefix = "/api", endpoint = "links/contacts/opt-out")]
pub async fn save_office_opt_out(
    councilor: i64,
    #[server(default)] opted_out: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let c = secretariat().await?;
            super::ops::set_opt_out(&c, councilor, opted_out.is_some()).await?;
            leptos_axum::redirect(&format!("/links?councilor={councilor}"));
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn secretariat() -> Result<crate::caller::Caller, AppError> {
    crate::caller::Caller::with_role(&[crate::auth::Role::Secretariat]).await
}

#[cfg(feature = "ssr")]
fn public_url() -> Result<super::ops::PublicUrl, AppError> {
    use_context::<super::ops::PublicUrl>()
        .ok_or_else(|| AppError::internal("context", "PublicUrl missing from context"))
}

/// Keeps the new link for the `/links` page, which shows it this once, and goes there.
#[cfg(feature = "ssr")]
async fn show_once(fresh: super::Fresh) -> Result<(), AppError> {
    let session = crate::auth::session::session().await?;
    session
        .insert(super::FRESH_KEY, fresh)
        .await
        .map_err(|e| AppError::internal("new status link not kept for its page", e))?;
    leptos_axum::redirect("/links");
    Ok(())
}

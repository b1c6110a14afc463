//! The inbox over HTTP: always the caller's own notices.

use super::Inbox;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::caller::Caller;

/// The number of unread notices, for the top bar; 0 for someone not signed in.
#[server(prefix = "/api", endpoint = "notifications/unread")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            match crate::auth::session::current_user().await? {
                Some(user) => {
                    let state = crate::state::app_state()?;
                    Ok(super::db::unread_count(&state.db, &user).await?)
                }
                None => Ok(0),
            }
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn load_inbox() -> Result<Inbox, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::signed_in().await?;
            Ok(super::db::inbox(c.db(), &c.user).await?)
        }
        .await,
    )
}

/// Marks one notice read, or all of them when `id` is empty.
#[server(prefix = "/api", endpoint = "notifications/read")]
pub async fn mark_read(#[server(default)] id: String) -> Result<u64, AppError> {
    crate::error::with_status(
        async {
            let c = Caller::signed_in().await?;
            let id = match id.trim() {
                "" => None,
                raw => Some(raw.parse::<i64>().map_err(|_| AppError::BadRequest)?),
            };
            Ok(super::db::mark_read(c.db(), c.user.id, id, c.ts()).await?)
        }
        .await,
    )
}

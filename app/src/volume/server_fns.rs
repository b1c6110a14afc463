//! The volume page's data, for the secretariat and the reviewer.

use super::{Volume, VolumeFilter};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "volume")]
pub async fn load_volume(#[server(default)] filter: VolumeFilter) -> Result<Volume, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer]).await?;
            super::db::volume(c.db(), &c.state.city, &filter, c.today()).await
        }
        .await,
    )
}

/// The volumes of a session already sent to the council.
#[server(prefix = "/api", endpoint = "volume/sent")]
pub async fn sent_volumes(session: i64) -> Result<Vec<super::SentVolume>, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer]).await?;
            Ok(super::db::sent(c.db(), session).await?)
        }
        .await,
    )
}

/// A background compilation, as its page shows it.
#[server(prefix = "/api", endpoint = "volume/job")]
pub async fn volume_job(id: i64) -> Result<super::Job, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer]).await?;
            super::db::job(c.db(), id, c.ts())
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// The latest background compilations of a session.
#[server(prefix = "/api", endpoint = "volume/jobs")]
pub async fn volume_jobs(session: i64) -> Result<Vec<super::Job>, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat, Role::Reviewer]).await?;
            Ok(super::db::jobs(c.db(), session, c.ts()).await?)
        }
        .await,
    )
}

/// What the council calls a volume of written replies (書面答復彙編, 書面質詢及答覆彙編 …),
/// for the admin's form.
#[server(prefix = "/api", endpoint = "admin/volume-title")]
pub async fn volume_title_words() -> Result<String, AppError> {
    crate::error::with_status(
        async {
            let c = crate::caller::Caller::admin().await?;
            Ok(super::db::title_words(c.db()).await?)
        }
        .await,
    )
}

/// Sets what the council calls a volume: 2 to 20 characters, on one line.
#[server(prefix = "/api", endpoint = "admin/volume-title/save")]
pub async fn save_volume_title(words: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = crate::caller::Caller::admin().await?;
            let words = crate::input::required_text("words", &words, "彙編名稱", 20)?;
            if words.chars().count() < 2 || words.chars().any(char::is_control) {
                return Err(AppError::validation(
                    "words",
                    "彙編名稱須為 2 至 20 字的一行文字。",
                ));
            }
            let before = super::db::title_words(c.db()).await?;
            let mut tx = c.begin().await?;
            super::db::set_title_words(&mut tx, &words).await?;
            let entry = Entry::new(AuditAction::ReferenceUpdated, "setting", "volume_title")
                .data(serde_json::json!({ "before": before, "after": words }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

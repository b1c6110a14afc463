//! The admin's synonym table: read, add, rewrite, remove; each change audited.

use super::SynonymGroup;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/synonyms")]
pub async fn synonym_groups() -> Result<Vec<SynonymGroup>, AppError> {
    crate::error::with_status(
        async {
            let c = crate::caller::Caller::admin().await?;
            Ok(super::db::list(c.db()).await?)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/synonyms/add")]
pub async fn add_synonym_group(words: String) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = crate::caller::Caller::admin().await?;
            let group =
                super::GroupInput::parse(&words).map_err(|e| e.keeping(&[("words", &words)]))?;
            let mut tx = c.begin().await?;
            let id = super::db::insert(&mut tx, &group)
                .await
                .map_err(|e| e.keeping(&[("words", &words)]))?;
            let entry = Entry::new(AuditAction::ReferenceUpdated, "synonym_group", id)
                .data(serde_json::json!({ "words": group.stored() }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/synonyms/save")]
pub async fn save_synonym_group(id: i64, words: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = crate::caller::Caller::admin().await?;
            let group = super::GroupInput::parse(&words)?;
            let mut tx = c.begin().await?;
            let before = super::db::update(&mut tx, id, &group)
                .await?
                .ok_or(AppError::NotFound)?;
            let entry = Entry::new(AuditAction::ReferenceUpdated, "synonym_group", id).data(
                serde_json::json!({
                    "before": { "words": before },
                    "after": { "words": group.stored() },
                }),
            );
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/synonyms/remove")]
pub async fn remove_synonym_group(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = crate::caller::Caller::admin().await?;
            let mut tx = c.begin().await?;
            let before = super::db::remove(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let entry = Entry::new(AuditAction::ReferenceUpdated, "synonym_group", id)
                .data(serde_json::json!({ "removed": before }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

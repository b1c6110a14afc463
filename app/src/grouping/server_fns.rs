//! Grouped and referral answers over HTTP: the caller, the two cases, one call into `db`.

use crate::error::AppError;
use leptos::prelude::*;

/// The lead bureau of `case_id` groups question `other_id` under it (併案答復).
#[server(prefix = "/api", endpoint = "replies/group")]
pub async fn group_reply(case_id: i64, other_id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::BureauLiaison, Role::BureauApprover]).await?;
            let result = async {
                let mut tx = c.begin().await?;
                super::db::group(&c, &mut tx, case_id, other_id).await?;
                tx.commit().await?;
                Ok(())
            }
            .await;
            c.refusals(case_id, result).await
        }
        .await,
    )
}

/// The lead bureau of `case_id` answers it by referring to the approved answer of
/// `other_id` (援引答復).
#[server(prefix = "/api", endpoint = "replies/refer")]
pub async fn refer_reply(case_id: i64, other_id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::BureauLiaison, Role::BureauApprover]).await?;
            let result = async {
                let mut tx = c.begin().await?;
                super::db::refer(&c, &mut tx, case_id, other_id).await?;
                tx.commit().await?;
                Ok(())
            }
            .await;
            c.refusals(case_id, result).await
        }
        .await,
    )
}

/// Undoes the grouping or referral of `case_id` while it is written.
#[server(prefix = "/api", endpoint = "replies/unlink")]
pub async fn unlink_reply(case_id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::BureauLiaison, Role::BureauApprover]).await?;
            let result = async {
                let mut tx = c.begin().await?;
                super::db::unlink(&c, &mut tx, case_id).await?;
                tx.commit().await?;
                Ok(())
            }
            .await;
            c.refusals(case_id, result).await
        }
        .await,
    )
}

/// How far back an answer may be referred to, in months, for the admin's form.
#[server(prefix = "/api", endpoint = "admin/referral-window")]
pub async fn referral_window() -> Result<u32, AppError> {
    crate::error::with_status(
        async {
            let c = crate::caller::Caller::admin().await?;
            Ok(super::db::window(c.db()).await?)
        }
        .await,
    )
}

/// Sets how far back an answer may be referred to: 1 to 120 months.
#[server(prefix = "/api", endpoint = "admin/referral-window/save")]
pub async fn save_referral_window(months: String) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::audit::{db::Entry, AuditAction};
            let c = crate::caller::Caller::admin().await?;
            let after = super::parse_window(&months)?;
            let before = super::db::window(c.db()).await?;
            let mut tx = c.begin().await?;
            super::db::set_window(&mut tx, after).await?;
            let entry = Entry::new(
                AuditAction::ReferenceUpdated,
                "setting",
                "referral_window_months",
            )
            .data(serde_json::json!({ "before": before, "after": after }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

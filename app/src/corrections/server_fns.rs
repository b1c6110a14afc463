//! Corrections over HTTP: the caller, the form, one call into `db` (which checks the
//! caller's part and the case's status).

use super::{CorrectionForm, Waiting};
use crate::error::AppError;
use leptos::prelude::*;

/// The lead bureau or the secretariat sends a correction of case `case_id`'s answer for
/// review (a returned one is written again through the same form).
#[server(prefix = "/api", endpoint = "corrections/submit")]
pub async fn submit_correction(
    case_id: i64,
    #[server(default)] form: CorrectionForm,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c =
                Caller::with_role(&[Role::Secretariat, Role::BureauLiaison, Role::BureauApprover])
                    .await?;
            let result = async {
                let mut tx = c.begin().await?;
                super::db::submit(&c, &mut tx, case_id, &form).await?;
                tx.commit().await?;
                Ok(())
            }
            .await
            .map_err(|e: AppError| e.keeping(&form.keep()));
            c.refusals(case_id, result).await
        }
        .await,
    )
}

/// The reviewer approves or returns correction `correction_id` of case `case_id`.
#[server(prefix = "/api", endpoint = "corrections/review")]
pub async fn review_correction(
    case_id: i64,
    correction_id: i64,
    decision: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Reviewer]).await?;
            let result = async {
                let (step, comment) = super::parse_review(&decision, &comment)?;
                let mut tx = c.begin().await?;
                let of = super::db::review(&c, &mut tx, correction_id, step, &comment).await?;
                if of != case_id {
                    return Err(AppError::NotFound);
                }
                tx.commit().await?;
                Ok(())
            }
            .await
            .map_err(|e: AppError| e.keeping(&[("comment", comment.as_str())]));
            c.refusals(case_id, result).await
        }
        .await,
    )
}

/// The corrections waiting for the signed-in user (the start page).
#[server(prefix = "/api", endpoint = "corrections/waiting")]
pub async fn corrections_waiting() -> Result<Vec<Waiting>, AppError> {
    crate::error::with_status(
        async {
            let c = crate::caller::Caller::signed_in().await?;
            Ok(super::db::waiting(c.db(), &c.user).await?)
        }
        .await,
    )
}

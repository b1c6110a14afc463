//! Interim replies over HTTP: the caller, the form, one call into `db` (which parses the
//! form against the case's due date).

use super::InterimForm;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "cases/interim")]
pub async fn record_interim(
    case_id: i64,
    #[server(default)] form: InterimForm,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::BureauLiaison, Role::BureauApprover]).await?;
            let result = async {
                let mut tx = c.begin().await?;
                super::db::record(&c, &mut tx, case_id, &form).await?;
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

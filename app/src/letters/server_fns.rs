//! Letters over HTTP: the caller, the parsed form, one call into `db` (which checks who may
//! record which letter: the council's is the secretariat's, the city's its sender's).

use super::{LetterForm, Which};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "letters/record")]
pub async fn record_letter(
    case_id: i64,
    which: Which,
    #[server(default)] form: LetterForm,
) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c =
                Caller::with_role(&[Role::Secretariat, Role::BureauLiaison, Role::BureauApprover])
                    .await?;
            let result = async {
                let letter = form.parse(c.today())?;
                let mut tx = c.begin().await?;
                super::db::save(&c, &mut tx, case_id, which, &letter).await?;
                tx.commit().await?;
                Ok(())
            }
            .await
            .map_err(|e: AppError| {
                let [number, on] = form.keep();
                e.keeping(&[number, on, ("which", which.as_str())])
            });
            c.refusals(case_id, result).await
        }
        .await,
    )
}

//! Letters over HTTP: the caller, the parsed form, one call into `db`.

use super::LetterForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn record(
    roles: &[crate::auth::Role],
    case_id: i64,
    which: super::Which,
    form: &LetterForm,
) -> Result<(), AppError> {
    use crate::caller::Caller;
    let c = Caller::with_role(roles).await?;
    let result = async {
        let letter = form.parse(c.today())?;
        let mut tx = c.begin().await?;
        super::db::save(&c, &mut tx, case_id, which, &letter).await?;
        tx.commit().await?;
        Ok(())
    }
    .await
    .map_err(|e: AppError| e.keeping(&form.keep()));
    c.refusals(case_id, result).await
}

/// The secretariat records the council's letter (來文字號) a case came under.
#[server(prefix = "/api", endpoint = "letters/incoming")]
pub async fn record_incoming(
    case_id: i64,
    #[server(default)] form: LetterForm,
) -> Result<(), AppError> {
    use crate::auth::Role;
    crate::error::with_status(
        record(&[Role::Secretariat], case_id, super::Which::Incoming, &form).await,
    )
}

/// The sender records the letter (發文字號) an approved reply went under.
#[server(prefix = "/api", endpoint = "letters/outgoing")]
pub async fn record_outgoing(
    case_id: i64,
    #[server(default)] form: LetterForm,
) -> Result<(), AppError> {
    use crate::auth::Role;
    crate::error::with_status(
        record(
            &[Role::Secretariat, Role::BureauLiaison, Role::BureauApprover],
            case_id,
            super::Which::Outgoing,
            &form,
        )
        .await,
    )
}

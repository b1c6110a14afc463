//! Promises over HTTP: the caller, the parsed form, one call into `db`.

use super::PromiseForm;
use crate::error::AppError;
use leptos::prelude::*;

/// The secretariat records a promise made in session on question `case_id`; returns the
/// data request's id and, without JavaScript, goes to it.
#[server(prefix = "/api", endpoint = "promises/record")]
pub async fn record_promise(
    case_id: i64,
    #[server(default)] form: PromiseForm,
) -> Result<i64, AppError> {
    crate::error::with_status(
        async {
            use crate::{auth::Role, caller::Caller};
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let result = async {
                let promise = form.parse(c.today())?;
                let mut tx = c.begin().await?;
                let id = super::db::record(&c, &mut tx, case_id, &promise).await?;
                tx.commit().await?;
                Ok(id)
            }
            .await
            .map_err(|e: AppError| e.keeping(&form.keep()));
            c.refusals(case_id, result).await
        }
        .await,
    )
}

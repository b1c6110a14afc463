//! A case's letter draft as a file (`/cases/{id}/letter.odt`): what it says is
//! `app::letters::documents`, read from the case as its viewer may see it.

use crate::{documents::odt, web::answer};
use app::{
    caller::Caller,
    cases::{PartRole, PartState},
    error::AppError,
    letters::{documents, may_draft},
};
use axum::{extract::Path, response::Response, routing::get, Router};

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    // Named in full: `/cases/{id}` is the app's page.
    Router::new().route("/cases/{id}/letter.odt", get(letter))
}

async fn letter(c: Caller, Path(id): Path<i64>) -> Result<Response, AppError> {
    let found = app::cases::db::detail(c.db(), id, &c.user, c.today()).await;
    let case = c.refusals(id, found).await?;
    let leads = c.user.bureau_id.is_some_and(|own| {
        case.parts.iter().any(|p| {
            p.bureau_id == own
                && p.role == PartRole::Lead
                && matches!(p.state, PartState::Pending | PartState::Accepted)
        })
    });
    if !may_draft(c.user.role, leads, case.kind, case.status) {
        return Err(AppError::Forbidden);
    }
    let facts = documents::LetterFacts::of(&case);
    let bytes = odt::write(&documents::draft(&facts, &c.state.city))
        .map_err(|e| AppError::internal("odt", e))?;
    let name = format!("{}.odt", facts.file_name());
    Ok(answer::attachment(
        bytes,
        odt::MEDIA_TYPE,
        &format!("letter-{id}.odt"),
        &name,
    ))
}

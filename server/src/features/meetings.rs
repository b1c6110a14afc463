//! The follow-up meeting's agenda (before it) and minutes (after it) as ODT files, from the
//! meeting page; what they say is `app::meetings::documents`.

use crate::{documents::odt, web::answer};
use app::{auth::Role, caller::Caller, error::AppError};
use axum::{extract::Path, response::Response, routing::get, Router};

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/meetings/{id}/{file}", get(download))
}

async fn download(c: Caller, Path((id, file)): Path<(i64, String)>) -> Result<Response, AppError> {
    let c = c.allowed(&[Role::Secretariat, Role::Reviewer, Role::Admin])?;
    let meeting = app::meetings::db::meeting(c.db(), id, c.today()).await?;
    let (doc, name) = app::meetings::documents::document(&meeting, &c.state.city, &file)?;
    let bytes = odt::write(&doc).map_err(|e| AppError::internal("odt", e))?;
    let ascii = format!("meeting-{id}.odt");
    Ok(answer::attachment(bytes, odt::MEDIA_TYPE, &ascii, &name))
}

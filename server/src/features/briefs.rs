//! The councilor brief as files (`/briefs/brief.odt|pdf?session=&order=`): what it says is
//! `app::briefs`, compiled as the page compiles it.

use super::volume::RenderQueue;
use crate::{
    documents::{odt, pdf},
    web::answer,
};
use app::{briefs::READERS, caller::Caller, error::AppError};
use axum::{extract::Query, response::Response, routing::get, Extension, Router};
use std::collections::HashMap;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/briefs/brief.odt",
            get(|c, f, q, query| brief(c, f, q, query, "odt")),
        )
        .route(
            "/briefs/brief.pdf",
            get(|c, f, q, query| brief(c, f, q, query, "pdf")),
        )
}

async fn brief(
    c: Caller,
    Extension(fonts): Extension<pdf::FontPaths>,
    Extension(queue): Extension<RenderQueue>,
    Query(query): Query<HashMap<String, String>>,
    ext: &'static str,
) -> Result<Response, AppError> {
    let c = c.allowed(READERS)?;
    let session = query.get("session").and_then(|s| s.parse::<i64>().ok());
    let order = query.get("order").map(String::as_str).unwrap_or_default();
    let brief =
        app::briefs::db::compile(c.db(), &c.state.city.government, session, order, c.today())
            .await?;
    let doc = brief.document();
    let name = format!("{}.{ext}", brief.file_name());
    let ascii = format!("councilor-brief-{}.{ext}", brief.session_id);
    if ext == "odt" {
        let bytes = odt::write(&doc).map_err(|e| AppError::internal("odt", e))?;
        Ok(answer::attachment(bytes, odt::MEDIA_TYPE, &ascii, &name))
    } else {
        let bytes = queue.pdf(&c, &fonts, doc).await?;
        Ok(answer::attachment(bytes, pdf::MEDIA_TYPE, &ascii, &name))
    }
}

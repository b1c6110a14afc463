//! Bills and briefings as files: a briefing's pack (`/briefings/{id}/pack.odt|pdf`, what it
//! says is `app::bills::documents`) and a session's bills as a report
//! (`/bills/report.csv|xlsx?session=`, a bureau's own bills only).

use super::volume::RenderQueue;
use crate::{
    documents::{odt, pdf},
    web::answer,
};
use app::{
    bills::{BILL_READERS, BRIEFING_READERS},
    caller::Caller,
    error::AppError,
    reports::TableFormat,
};
use axum::{
    extract::{Path, Query},
    response::Response,
    routing::get,
    Extension, Router,
};
use std::collections::HashMap;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    // Named in full: `/bills/{id}` and `/briefings/{id}/pack` are the app's pages.
    Router::new()
        .route(
            "/briefings/{id}/pack.odt",
            get(|c, f, q, id| pack(c, f, q, id, "odt")),
        )
        .route(
            "/briefings/{id}/pack.pdf",
            get(|c, f, q, id| pack(c, f, q, id, "pdf")),
        )
        .route(
            "/bills/report.csv",
            get(|c, q| report(c, q, TableFormat::Csv)),
        )
        .route(
            "/bills/report.xlsx",
            get(|c, q| report(c, q, TableFormat::Xlsx)),
        )
}

async fn pack(
    c: Caller,
    Extension(fonts): Extension<pdf::FontPaths>,
    Extension(queue): Extension<RenderQueue>,
    Path(id): Path<i64>,
    ext: &'static str,
) -> Result<Response, AppError> {
    let c = c.allowed(BRIEFING_READERS)?;
    let found = app::bills::db::briefing(&c, id).await;
    let briefing = c.refused(app::audit::db::Kept::Briefing, id, found).await?;
    let doc = app::bills::documents::pack(&briefing, &c.state.city);
    let name = format!("{}.{ext}", briefing.file_name());
    let ascii = format!("briefing-{id}.{ext}");
    if ext == "odt" {
        let bytes = odt::write(&doc).map_err(|e| AppError::internal("odt", e))?;
        Ok(answer::attachment(bytes, odt::MEDIA_TYPE, &ascii, &name))
    } else {
        let bytes = queue.pdf(&c, &fonts, doc).await?;
        Ok(answer::attachment(bytes, pdf::MEDIA_TYPE, &ascii, &name))
    }
}

async fn report(
    c: Caller,
    Query(query): Query<HashMap<String, String>>,
    format: TableFormat,
) -> Result<Response, AppError> {
    let c = c.allowed(BILL_READERS)?;
    let session = query.get("session").and_then(|s| s.parse::<i64>().ok());
    let bills = app::bills::db::session_bills(&c, session).await?;
    let name = format!("{}議法案", bills.session);
    super::reports::file(&bills.tables(), format, &name)
}

//! Bills and briefings as files: a briefing's pack (`/briefings/{id}/pack.odt|pdf`, what it
//! says is `app::bills::documents`), a session's bills as a report
//! (`/bills/report.csv|xlsx?session=`, a bureau's own bills only), and a bill's papers (the
//! draft text, the comparison table) uploaded as a plain form and downloaded.

use super::{
    cases::{read_form, served_bytes},
    volume::RenderQueue,
};
use crate::{
    documents::{odt, pdf},
    web::answer::{self, Back},
};
use app::{
    bills::{BILL_READERS, BRIEFING_READERS, FILES_FORM},
    caller::{Caller, Refused},
    cases::batch::MAX_BATCH_BYTES,
    error::AppError,
    reports::TableFormat,
};
use axum::{
    extract::{multipart::MultipartRejection, DefaultBodyLimit, Multipart, Path, Query},
    http::HeaderMap,
    response::Response,
    routing::{get, post},
    Extension, Router,
};
use std::collections::HashMap;
use tower_sessions::Session;

/// As a data request's files: the batch and room for the form's framing.
const MAX_BODY_BYTES: usize = MAX_BATCH_BYTES as usize + 1024 * 1024;

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
        .route(
            "/bills/{id}/files",
            post(upload).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/bills/files/{id}", get(download))
}

/// Whether a request uploads a bill's papers (`POST /bills/{id}/files`), which has the
/// uploads' body limit.
pub fn is_upload(method: &http::Method, path: &str) -> bool {
    method == http::Method::POST
        && path
            .strip_prefix("/bills/")
            .and_then(|rest| rest.strip_suffix("/files"))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Stores a bill's papers: who may is settled before a byte of the body is read.
async fn upload(
    caller: Result<Caller, Refused>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let c = caller?;
        app::bills::db::may_add_files(&c, id).await?;
        let (fields, files) = read_form(multipart.map_err(|_| AppError::BadRequest)?).await?;
        let kind = fields.get("file_kind").cloned().unwrap_or_default();
        app::bills::db::add_files(&c, id, &kind, files).await
    }
    .await;
    let page = format!("/bills/{id}");
    let back = Back {
        page: &page,
        form: FILES_FORM,
        fragment: "#bill-files",
    };
    answer::form(
        &session,
        &headers,
        result,
        |_| format!("{page}#bill-files"),
        back,
    )
    .await
}

async fn download(c: Caller, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (name, content_type, data) = app::bills::db::file(&c, id).await?;
    Ok(served_bytes(data, &content_type, &name))
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

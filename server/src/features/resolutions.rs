//! Resolutions over HTTP beyond server fns: a compiled execution report as files
//! (`/resolutions/reports/{id}/report.odt|pdf|csv|xlsx`; what it says is
//! `app::resolutions::report`, the PDF written in the same line as the volume's), and the
//! upload of the council's list of resolutions (`POST /resolutions/import`, read by the
//! questions' import and kept for the preview at `/resolutions/import/:id`).

use super::{
    import::{read_form, read_table},
    volume::RenderQueue,
};
use crate::{
    documents::{odt, pdf},
    features::cases::attachments::safe_file_name,
    web::answer::{self, Back},
};
use app::{
    auth::Role,
    caller::{Caller, Refused},
    error::AppError,
    reports::TableFormat,
    resolutions::{import::SAMPLE_CSV, server_fns::REPORT_READERS, UPLOAD_FORM},
};
use axum::{
    extract::{multipart::MultipartRejection, Multipart, Path},
    http::HeaderMap,
    response::Response,
    routing::{get, post},
    Extension, Router,
};
use tower_sessions::Session;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/resolutions/reports/{id}/{file}", get(download))
        .route("/resolutions/import", post(upload))
        .route("/resolutions/import/sample.csv", get(sample))
}

/// Keeps an uploaded list of resolutions and goes to its preview; nothing is imported yet.
async fn upload(
    caller: Result<Caller, Refused>,
    session: Session,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let c = caller?.allowed(&[Role::Secretariat])?;
        let multipart = multipart.map_err(|_| AppError::BadRequest)?;
        let form = read_form(multipart).await?;
        let table = read_table(form.name.clone(), form.bytes, form.sheet).await?;
        let name = safe_file_name(&form.name);
        app::import::db::store_as(
            c.db(),
            "resolution",
            c.user.id,
            form.session_id,
            &name,
            &table,
            c.ts(),
        )
        .await
    }
    .await;
    let back = Back {
        page: "/resolutions/import",
        form: UPLOAD_FORM,
        fragment: "",
    };
    answer::form(
        &session,
        &headers,
        result,
        |id| format!("/resolutions/import/{id}"),
        back,
    )
    .await
}

/// The sample list linked from the import page.
async fn sample(c: Caller) -> Result<Response, AppError> {
    c.allowed(&[Role::Secretariat])?;
    Ok(answer::attachment(
        SAMPLE_CSV.as_bytes().to_vec(),
        TableFormat::Csv.media_type(),
        "resolutions-sample.csv",
        "決議案匯入範例.csv",
    ))
}

async fn download(
    c: Caller,
    Extension(fonts): Extension<pdf::FontPaths>,
    Extension(queue): Extension<RenderQueue>,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let c = c.allowed(REPORT_READERS)?;
    let ext = file.strip_prefix("report.").ok_or(AppError::NotFound)?;
    let report = app::resolutions::db::report(c.db(), id).await?;
    let name = report.file_name();
    let ascii = format!("execution-report-{id}.{ext}");
    match ext {
        "odt" => {
            let doc = report.document(&c.state.city);
            let bytes = odt::write(&doc).map_err(|e| AppError::internal("odt", e))?;
            Ok(answer::attachment(
                bytes,
                odt::MEDIA_TYPE,
                &ascii,
                &format!("{name}.odt"),
            ))
        }
        "pdf" => {
            let doc = report.document(&c.state.city);
            let bytes = queue.pdf(&c, &fonts, doc).await?;
            Ok(answer::attachment(
                bytes,
                pdf::MEDIA_TYPE,
                &ascii,
                &format!("{name}.pdf"),
            ))
        }
        other => {
            let format = TableFormat::parse(other).ok_or(AppError::NotFound)?;
            super::reports::file(&[report.table()], format, &name)
        }
    }
}

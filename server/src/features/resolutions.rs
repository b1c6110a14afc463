//! A compiled execution report as files: `/resolutions/reports/{id}/report.odt|pdf|csv|xlsx`.
//! What it says is `app::resolutions::report`; the PDF is written in the same line as the
//! volume's (one at a time a user, the cluster's room).

use super::volume::RenderQueue;
use crate::{
    documents::{odt, pdf},
    web::answer,
};
use app::{
    caller::Caller, error::AppError, reports::TableFormat, resolutions::server_fns::REPORT_READERS,
};
use axum::{extract::Path, response::Response, routing::get, Extension, Router};

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/resolutions/reports/{id}/{file}", get(download))
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
            let _turn = queue.turn(&c.state, c.user.id).await?;
            let bytes = tokio::task::spawn_blocking(move || {
                let fonts = pdf::Fonts::load(&fonts).map_err(|e| match e {
                    pdf::PdfError::Write(e) => AppError::internal("pdf fonts", e),
                    missing => {
                        tracing::error!("pdf fonts: {missing}");
                        AppError::Unavailable(missing.to_string())
                    }
                })?;
                pdf::render(&doc, &fonts, &mut |_, _| {}).map_err(|e| AppError::internal("pdf", e))
            })
            .await
            .map_err(|e| AppError::internal("report render", e))??;
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

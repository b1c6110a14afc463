//! The written-reply volume as ODT: from the volume page and `fuhuitong export volume`.
//! Same content as the page: cover, contents, each question with its reply, the
//! outstanding questions at the end.

use crate::odt::Document;
use app::{
    auth::{session::user_in, Role},
    dates::roc_date,
    state::AppState,
    url::percent_encode,
    volume::{Volume, VolumeFilter},
};
use axum::{
    extract::Query,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Extension, Router,
};
use std::collections::HashMap;
use tower_sessions::Session;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/volume.odt", get(download))
}

/// The volume as a document. Headings carry the structure (the navigator lists every
/// question); the contents list each question, LibreOffice's own index adds page numbers
/// when updated.
pub fn document(v: &Volume) -> Document {
    let mut doc = Document::new(v.title())
        .heading(1, v.title())
        .paragraph("臺北市政府")
        .paragraph(format!("中華民國 {}", roc_date(v.compiled_on)))
        .heading(2, "目錄");
    for e in &v.entries {
        doc = doc.paragraph(format!(
            "{}　{}（{}）",
            e.label(),
            e.topic,
            e.councilors.join("、")
        ));
    }
    if !v.outstanding.is_empty() {
        doc = doc.paragraph("尚未完成答復之質詢");
    }
    for e in &v.entries {
        doc = doc
            .heading(2, format!("{}　{}", e.label(), e.topic))
            .paragraph(format!("質詢議員：{}", e.councilors.join("、")))
            .paragraph(format!(
                "質詢類別：{}（{}）",
                e.sitting_type,
                roc_date(e.sitting_date)
            ))
            .paragraph(format!("答復機關：{}", e.bureaus.join("、")))
            .heading(3, "質詢內容")
            .paragraph(e.body.clone())
            .heading(3, "答復內容")
            .paragraph(e.reply.clone());
    }
    if !v.outstanding.is_empty() {
        let rows = v
            .outstanding
            .iter()
            .map(|e| {
                vec![
                    e.label(),
                    e.councilors.join("、"),
                    e.topic.clone(),
                    e.bureaus.join("、"),
                ]
            })
            .collect();
        doc = doc
            .heading(2, "尚未完成答復之質詢")
            .table(&["編號", "議員", "質詢議題", "答復機關"], rows);
    }
    doc
}

async fn download(
    Extension(state): Extension<AppState>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let user = match user_in(&session, &state.db).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if !matches!(user.role, Role::Secretariat | Role::Reviewer) || user.must_change_password {
        return (StatusCode::FORBIDDEN, "您沒有權限執行此操作。").into_response();
    }
    let Some(filter) =
        VolumeFilter::from_query(|k| query.get(k).cloned().filter(|v| !v.is_empty()))
    else {
        return (StatusCode::BAD_REQUEST, "請選擇會期。").into_response();
    };
    let today = app::dates::taipei_date(state.now().timestamp()).unwrap_or_default();
    let result = async {
        let volume = app::volume::db::volume(&state.db, &filter, today).await?;
        let bytes = document(&volume)
            .to_odt()
            .map_err(|e| app::error::AppError::internal("odt", e))?;
        Ok::<_, app::error::AppError>((bytes, volume.title()))
    }
    .await;
    match result {
        Ok((bytes, title)) => {
            let mut response = bytes.into_response();
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(crate::odt::MEDIA_TYPE),
            );
            let disposition = format!(
                "attachment; filename=\"volume.odt\"; filename*=UTF-8''{}",
                percent_encode(&format!("{title}.odt"))
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(err) => {
            let status = StatusCode::from_u16(err.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, err.to_string()).into_response()
        }
    }
}

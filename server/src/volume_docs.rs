//! The written-reply volume as ODT: from the volume page and `fuhuitong export volume`.
//! Same content as the page: cover, contents, each question with its reply, the
//! outstanding questions at the end.

use crate::{download, odt::Document};
use app::{
    audit::{
        db::{record, Actor, Entry},
        AuditAction,
    },
    auth::{session::user_in, Role},
    dates::roc_date,
    error::AppError,
    state::{AppState, ClientAddr},
    volume::{Volume, VolumeFilter},
};
use axum::{
    extract::Query,
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Extension, Router,
};
use std::collections::HashMap;
use tower_sessions::Session;

/// Who reads volumes: the secretariat, which compiles and sends them, and the reviewer.
const READERS: &[Role] = &[Role::Secretariat, Role::Reviewer];

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/volume.odt", get(download))
        .route("/volume/send", post(send))
        .route("/volumes/{id}/file", get(sent_file))
}

use app::volume::SEND_FORM;

/// Records that the volume the form describes was sent to the council on the day given:
/// compiles it now, keeps that exact ODT file, and marks each reply in it as sent. A plain
/// form post (browsers go back to the volume page); other clients get the id as JSON.
async fn send(
    Extension(state): Extension<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    session: Session,
    headers: axum::http::HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let filter =
        VolumeFilter::from_query(|k| form.get(k).cloned().filter(|v| !v.trim().is_empty()));
    let page = filter.as_ref().map_or_else(
        || "/volume".to_owned(),
        |f| format!("/volume?{}", f.query()),
    );
    let result = async {
        let user = user_in(&session, &state.db)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.role != Role::Secretariat || user.must_change_password {
            return Err(AppError::Forbidden);
        }
        let filter = filter
            .clone()
            .ok_or_else(|| AppError::validation("session", "請選擇會期。"))?;
        let sent_on = form
            .get("sent_on")
            .and_then(|d| app::dates::parse_date(d))
            .ok_or_else(|| {
                AppError::validation("sent_on", "請輸入函送議會的日期，例如 113/05/10。")
            })?;
        let today = app::dates::taipei_date(state.now().timestamp()).unwrap_or_default();
        if sent_on > today {
            return Err(AppError::validation("sent_on", "函送日期不能晚於今天。"));
        }
        let volume = app::volume::db::volume(&state.db, &filter, today).await?;
        let bytes = document(&volume)
            .to_odt()
            .map_err(|e| AppError::internal("odt", e))?;
        let name = format!(
            "{}_{}.odt",
            volume.title(),
            roc_date(sent_on).replace('/', "")
        );
        let now = state.now().timestamp();
        let mut tx = app::db::begin(&state.db).await?;
        let id = app::volume::db::record_sending(
            &mut tx,
            &filter,
            &volume,
            (&name, crate::odt::MEDIA_TYPE, &bytes),
            sent_on,
            &user,
            now,
        )
        .await?;
        let entry = Entry::new(AuditAction::VolumeSent, "volume", id).data(serde_json::json!({
            "session_id": filter.session,
            "sent_on": sent_on,
            "replies": volume.entries.len(),
        }));
        record(
            &mut tx,
            now,
            &Actor::user(user.id, &user.username),
            &client,
            &entry,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
    .await;
    match (result, html) {
        (Ok(_), true) => Redirect::to(&format!("{page}#sent")).into_response(),
        (Ok(id), false) => axum::Json(id).into_response(),
        (Err(AppError::Unauthenticated), true) => Redirect::to("/login").into_response(),
        (Err(err), true) => {
            crate::flash::flash(&session, &page, SEND_FORM, err).await;
            Redirect::to(&page).into_response()
        }
        (Err(err), false) => {
            let status = StatusCode::from_u16(err.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(err)).into_response()
        }
    }
}

/// The exact file that went to the council.
async fn sent_file(
    Extension(state): Extension<AppState>,
    session: Session,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Response {
    if let Err(refused) = download::reader(&session, &state, READERS).await {
        return refused;
    }
    match app::volume::db::sent_file(&state.db, id).await {
        Ok(Some((name, content_type, data))) => {
            download::attachment(data, &content_type, "volume.odt", &name)
        }
        Ok(None) => (StatusCode::NOT_FOUND, "找不到這份彙編。").into_response(),
        Err(e) => {
            tracing::error!("sent volume: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
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
    if let Err(refused) = download::reader(&session, &state, READERS).await {
        return refused;
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
            .map_err(|e| AppError::internal("odt", e))?;
        Ok::<_, AppError>((bytes, volume.title()))
    }
    .await;
    match result {
        Ok((bytes, title)) => download::attachment(
            bytes,
            crate::odt::MEDIA_TYPE,
            "volume.odt",
            &format!("{title}.odt"),
        ),
        Err(err) => download::error(err),
    }
}

//! The audit log as CSV, for the admin: the same filters as `/admin/audit`, oldest row
//! first, with a byte-order mark so that Excel opens the Chinese text as UTF-8. The export
//! is itself audited.

use app::{
    audit::{
        db::{export, record_alone, Actor, Entry},
        AuditAction, AuditFilter,
    },
    auth::{session::user_in, Role},
    dates::roc_datetime,
    state::{AppState, ClientAddr},
};
use axum::{
    extract::Query,
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Extension, Router,
};
use std::collections::HashMap;
use tower_sessions::Session;

/// More rows than this are cut off; the admin narrows the filter instead.
const MAX_ROWS: i64 = 100_000;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/admin/audit.csv", get(audit_csv))
}

async fn audit_csv(
    Extension(state): Extension<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let user = match user_in(&session, &state.db).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if user.role != Role::Admin || user.must_change_password {
        return (StatusCode::FORBIDDEN, "您沒有權限執行此操作。").into_response();
    }
    let filter = AuditFilter::from_query(|k| query.get(k).cloned());
    let result = async {
        let rows = export(&state.db, &filter, MAX_ROWS).await?;
        let entry = Entry::new(AuditAction::AuditExported, "", "").data(serde_json::json!({
            "filter": filter.query(),
            "rows": rows.len(),
        }));
        let at = state.now().timestamp();
        let actor = Actor::user(user.id, &user.username);
        record_alone(&state.db, at, &actor, &client, &entry).await?;
        to_csv(&rows).map_err(|e| sqlx::Error::Protocol(e.to_string()))
    }
    .await;
    match result {
        Ok(body) => (
            [
                (
                    header::CONTENT_TYPE,
                    app::reports::TableFormat::Csv.media_type(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit-log.csv\"",
                ),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("audit export: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "系統暫時無法處理您的要求，請稍後再試。",
            )
                .into_response()
        }
    }
}

fn to_csv(rows: &[app::audit::AuditRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::new();
    {
        let mut w = crate::csv_file::writer(&mut out, false);
        crate::csv_file::write_texts(
            &mut w,
            [
                "編號",
                "時間",
                "時間戳記",
                "動作",
                "動作代碼",
                "執行者類型",
                "執行者",
                "對象",
                "內容",
                "來源位址",
            ],
        )?;
        for r in rows {
            crate::csv_file::write_texts(
                &mut w,
                [
                    r.id.to_string(),
                    roc_datetime(r.at),
                    r.at.to_string(),
                    r.action_label(),
                    r.action.clone(),
                    r.actor_kind.clone(),
                    r.actor_name.clone(),
                    r.target_label(),
                    r.data.clone(),
                    r.client_addr.clone(),
                ],
            )?;
        }
        w.flush()?;
    }
    Ok(out)
}

//! The secretariat's side of status links: create (`POST /links`), revoke
//! (`POST /links/{id}/revoke`) and reissue (`POST /links/{id}/reissue`: revoke and make a
//! new one with the same scope and expiry). A new link's address waits in the session for
//! the `/links` page, which shows it once; nothing else ever holds it.

use app::{
    audit::{
        db::{record, Actor, Entry},
        AuditAction,
    },
    auth::{CurrentUser, Role},
    error::AppError,
    links::{Fresh, Scope, FRESH_KEY, LINK_FORM},
    state::{AppState, ClientAddr},
};
use axum::{
    extract::Path,
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Extension, Router,
};
use std::collections::HashMap;
use tower_sessions::Session;

/// Where status links point: `PUBLIC_URL`.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub String);

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/links", post(create))
        .route("/links/{id}/revoke", post(revoke))
        .route("/links/{id}/reissue", post(reissue))
}

/// Back to `/links`: with the new link kept for it, or with the refusal flashed.
async fn back(session: &Session, result: Result<Option<Fresh>, AppError>) -> Response {
    match result {
        Err(AppError::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(AppError::Forbidden) => (
            axum::http::StatusCode::FORBIDDEN,
            AppError::Forbidden.to_string(),
        )
            .into_response(),
        Err(err) => {
            crate::flash::flash(session, "/links", LINK_FORM, err).await;
            Redirect::to("/links").into_response()
        }
        Ok(fresh) => {
            if let Some(fresh) = fresh {
                if let Err(e) = session.insert(FRESH_KEY, fresh).await {
                    tracing::error!("new status link not kept for its page: {e}");
                }
            }
            Redirect::to("/links").into_response()
        }
    }
}

/// Makes a link in `tx`, audits it (never the token) and returns it to show once.
#[allow(clippy::too_many_arguments)]
async fn make(
    tx: &mut app::db::Tx,
    state: &AppState,
    public: &PublicUrl,
    user: &CurrentUser,
    client: &str,
    scope: Scope,
    expires_on: chrono::NaiveDate,
    reissue_of: Option<i64>,
) -> Result<Fresh, AppError> {
    let now = state.now().timestamp();
    let (id, token) = app::links::db::create(tx, scope, expires_on, user.id, now).await?;
    let entry =
        Entry::new(AuditAction::StatusLinkCreated, "status_link", id).data(serde_json::json!({
            "councilor_id": scope.councilor_id,
            "case_id": scope.case_id,
            "expires_on": expires_on,
            "reissue_of": reissue_of,
        }));
    record(
        tx,
        now,
        &Actor::user(user.id, &user.username),
        client,
        &entry,
    )
    .await?;
    let url = format!(
        "{}{}{token}",
        public.0.trim_end_matches('/'),
        app::links::PATH
    );
    Ok(Fresh {
        id,
        qr_svg: app::links::db::qr_svg(&url),
        url,
    })
}

async fn create(
    Extension(state): Extension<AppState>,
    Extension(public): Extension<PublicUrl>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    session: Session,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let result = async {
        let user = crate::flash::form_caller(&session, &state, &[Role::Secretariat]).await?;
        let field = |k: &str| form.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let councilor = field("councilor")
            .and_then(|v| v.parse::<i64>().ok())
            .ok_or_else(|| AppError::validation("councilor", "請選擇議員。"))?;
        let case = match field("case") {
            None => None,
            Some(v) => Some(v.parse::<i64>().map_err(|_| {
                AppError::validation("case", "案件請填案件頁網址中的號碼（數字）。")
            })?),
        };
        let today = state.today();
        let term_end = app::links::db::term_end(&state.db, councilor)
            .await?
            .ok_or_else(|| AppError::validation("councilor", "找不到所選的議員。"))?;
        let expires_on = app::links::expiry(field("expires"), term_end, today)?;
        let mut tx = app::db::begin(&state.db).await?;
        let scope = Scope {
            councilor_id: councilor,
            case_id: case,
        };
        let fresh = make(
            &mut tx, &state, &public, &user, &client, scope, expires_on, None,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(fresh))
    }
    .await;
    back(&session, result).await
}

async fn revoke(
    Extension(state): Extension<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        let user = crate::flash::form_caller(&session, &state, &[Role::Secretariat]).await?;
        let now = state.now().timestamp();
        let mut tx = app::db::begin(&state.db).await?;
        app::links::db::revoke(&mut tx, id, user.id, now).await?;
        let entry = Entry::new(AuditAction::StatusLinkRevoked, "status_link", id);
        record(
            &mut tx,
            now,
            &Actor::user(user.id, &user.username),
            &client,
            &entry,
        )
        .await?;
        tx.commit().await?;
        Ok(None)
    }
    .await;
    back(&session, result).await
}

async fn reissue(
    Extension(state): Extension<AppState>,
    Extension(public): Extension<PublicUrl>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        let user = crate::flash::form_caller(&session, &state, &[Role::Secretariat]).await?;
        let now = state.now().timestamp();
        let today = state.today();
        let mut tx = app::db::begin(&state.db).await?;
        let expires_on = app::links::db::expiry(&mut tx, id).await?;
        if expires_on < today {
            return Err(AppError::validation(
                "expires",
                "這個連結已過期，請建立新的連結並指定到期日。",
            ));
        }
        let scope = app::links::db::revoke(&mut tx, id, user.id, now).await?;
        let entry = Entry::new(AuditAction::StatusLinkRevoked, "status_link", id);
        record(
            &mut tx,
            now,
            &Actor::user(user.id, &user.username),
            &client,
            &entry,
        )
        .await?;
        let fresh = make(
            &mut tx,
            &state,
            &public,
            &user,
            &client,
            scope,
            expires_on,
            Some(id),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(fresh))
    }
    .await;
    back(&session, result).await
}

//! A councilor office files a data request or a service case through its status link
//! (`/s/{token}/new/{kind}`): the form, and its multipart post, under the status page's
//! headers and token limits; and the officers' download of the files an office attached.

use super::{
    cases::{read_form, served},
    links::{not_found, open, protected, Lookups},
};
use app::{
    caller::Caller,
    cases::batch::MAX_BATCH_BYTES,
    error::AppError,
    filings::{office_page, Filing, FilingKind},
    state::{AppState, ClientAddr},
};
use axum::{
    extract::{multipart::MultipartRejection, DefaultBodyLimit, Multipart, Path},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
    Extension, Router,
};
use std::collections::HashMap;

/// As for deliveries: the files' limit and room for the form's text.
const MAX_BODY_BYTES: usize = MAX_BATCH_BYTES as usize + 1024 * 1024;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/s/{token}/new/{kind}",
            get(form)
                .post(file)
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/filings/files/{id}", get(download))
}

/// Whether a request is a filing post, which has the uploads' body limit.
pub fn is_upload(method: &http::Method, path: &str) -> bool {
    method == http::Method::POST
        && path
            .strip_prefix(app::links::PATH)
            .and_then(|rest| rest.split_once("/new/"))
            .is_some_and(|(token, kind)| {
                app::links::well_formed(token) && FilingKind::parse(kind).is_some()
            })
}

/// The form page's facts for the link: its councilor, the categories, what is left today.
async fn page(
    state: &AppState,
    link_id: i64,
    councilor_id: i64,
    error: Option<AppError>,
    typed: HashMap<String, String>,
) -> Result<office_page::FormPage, AppError> {
    let councilor: String = sqlx::query_scalar("SELECT name FROM councilors WHERE id = $1")
        .bind(councilor_id)
        .fetch_one(&state.db)
        .await?;
    let categories = app::service::db::categories(&state.db).await?;
    let left_today = app::filings::db::left_today(&state.db, link_id, state.today()).await?;
    Ok(office_page::FormPage {
        councilor,
        categories,
        left_today,
        error,
        typed,
    })
}

fn failed(e: AppError) -> Response {
    tracing::error!("filing: {e:?}");
    protected(StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn form(
    Extension(state): Extension<AppState>,
    Extension(lookups): Extension<Lookups>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Path((token, kind)): Path<(String, String)>,
) -> Response {
    let (link_id, scope) = match open(&state, &lookups, &client, &token).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let Some(kind) = FilingKind::parse(&kind) else {
        return not_found(&state);
    };
    match app::filings::db::enabled(&state.db, link_id, scope).await {
        Ok(true) => {}
        Ok(false) => {
            let html = office_page::closed(&state.city, &token);
            return protected((StatusCode::FORBIDDEN, Html(html)).into_response());
        }
        Err(e) => return failed(e.into()),
    }
    match page(&state, link_id, scope.councilor_id, None, HashMap::new()).await {
        Ok(p) => protected(Html(office_page::form(&state.city, kind, &token, p)).into_response()),
        Err(e) => failed(e),
    }
}

/// Files the form: back to the status page, at the new case, or the form again with every
/// mistake and what was typed.
async fn file(
    Extension(state): Extension<AppState>,
    Extension(lookups): Extension<Lookups>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Path((token, kind)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (link_id, scope) = match open(&state, &lookups, &client, &token).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let Some(kind) = FilingKind::parse(&kind) else {
        return not_found(&state);
    };
    // Settled before a byte of the body is read.
    match app::filings::db::enabled(&state.db, link_id, scope).await {
        Ok(true) => {}
        Ok(false) => {
            let html = office_page::closed(&state.city, &token);
            return protected((StatusCode::FORBIDDEN, Html(html)).into_response());
        }
        Err(e) => return failed(e.into()),
    }
    let mut typed = HashMap::new();
    let result = async {
        let multipart = multipart.map_err(|_| AppError::BadRequest)?;
        let (fields, files) = read_form(multipart).await?;
        typed = fields;
        let filing = Filing::parse(kind, &typed)?;
        app::filings::db::file(
            &state.db,
            link_id,
            scope,
            &filing,
            files,
            state.now().timestamp(),
            state.today(),
        )
        .await
    }
    .await;
    match result {
        Ok(case_id) => {
            let to = format!("{}{token}?filed={case_id}#case-{case_id}", app::links::PATH);
            protected(Redirect::to(&to).into_response())
        }
        Err(AppError::Forbidden) => {
            let html = office_page::closed(&state.city, &token);
            protected((StatusCode::FORBIDDEN, Html(html)).into_response())
        }
        Err(
            error @ (AppError::Validation { .. } | AppError::Conflict(_) | AppError::BadRequest),
        ) => {
            let status = error.http_status();
            // The files are not kept: a browser cannot be given them back.
            typed.remove("files");
            match page(&state, link_id, scope.councilor_id, Some(error), typed).await {
                Ok(p) => protected(
                    (
                        status,
                        Html(office_page::form(&state.city, kind, &token, p)),
                    )
                        .into_response(),
                ),
                Err(e) => failed(e),
            }
        }
        Err(e) => failed(e),
    }
}

async fn download(caller: Caller, Path(id): Path<i64>) -> Result<Response, AppError> {
    match app::filings::db::download(&caller, id).await {
        Ok(file) => Ok(served(file)),
        Err(AppError::NotFound) => {
            Ok((StatusCode::NOT_FOUND, "找不到這個檔案，或您沒有權限下載。").into_response())
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_filing_post_under_a_well_formed_token_gets_the_upload_limit() {
        let token = "a".repeat(43);
        assert!(is_upload(
            &http::Method::POST,
            &format!("/s/{token}/new/service")
        ));
        assert!(is_upload(
            &http::Method::POST,
            &format!("/s/{token}/new/data-request")
        ));
        assert!(!is_upload(
            &http::Method::GET,
            &format!("/s/{token}/new/service")
        ));
        assert!(!is_upload(
            &http::Method::POST,
            &format!("/s/{token}/new/other")
        ));
        assert!(!is_upload(&http::Method::POST, "/s/short/new/service"));
        assert!(!is_upload(
            &http::Method::POST,
            &format!("/s/{token}/cases/1/not-answered")
        ));
    }
}

//! What every file download shares: who may have it, the attachment headers, and an error
//! as a plain message (downloads are followed by the browser, not rendered as pages).

use app::{
    auth::{session::user_in, CurrentUser, Role},
    error::AppError,
    state::AppState,
    url::percent_encode,
};
use axum::{
    http::{header, HeaderValue},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

/// The signed-in user if their role is one of `roles` and they have chosen their own
/// password; otherwise the answer to give: the login page, or 403.
pub async fn reader(
    session: &Session,
    state: &AppState,
    roles: &[Role],
) -> Result<CurrentUser, Response> {
    match user_in(session, &state.db).await {
        Ok(Some(user)) if roles.contains(&user.role) && !user.must_change_password => Ok(user),
        Ok(Some(user)) if user.must_change_password => Err(error(AppError::PasswordChangeRequired)),
        Ok(Some(_)) => Err(error(AppError::Forbidden)),
        Ok(None) => Err(Redirect::to("/login").into_response()),
        Err(err) => Err(error(err)),
    }
}

/// `bytes` as a file to save: `name` (any characters; `ascii` for old clients) of type
/// `content_type`.
pub fn attachment(bytes: Vec<u8>, content_type: &str, ascii: &str, name: &str) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, value);
    }
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(name)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// An error as the status it stands for and its message in words.
pub fn error(err: AppError) -> Response {
    let status = err.http_status();
    (status, err.to_string()).into_response()
}

//! The answers a handler gives besides a refusal (`AppError` answers for itself): a file to
//! save, and a form's outcome.

use app::{error::AppError, url::percent_encode};
use axum::{
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

/// Whether the client is a browser posting a plain form (it asks for HTML); other clients
/// get JSON.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// Whether the client asked for plain text: the upload island, which shows a refusal's
/// words in place and carries no JSON reader.
fn wants_text(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"))
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

/// Where a form handled by the server goes back to when it is refused: the page (path and
/// query), the form's name on it (under which the page shows the message) and the place on
/// the page to show (`#…`, or empty).
pub struct Back<'a> {
    pub page: &'a str,
    pub form: &'a str,
    pub fragment: &'a str,
}

/// The answer to a form the server handles itself (an upload): a browser goes on to
/// `to(value)`, or back to its page with the refusal kept for the form there (or to sign
/// in); a client asking for plain text gets the refusal's words, one mistake a line; other
/// clients get the value or the error as JSON with its status.
pub async fn form<T: serde::Serialize>(
    session: &Session,
    headers: &HeaderMap,
    result: Result<T, AppError>,
    to: impl FnOnce(&T) -> String,
    back: Back<'_>,
) -> Response {
    match (result, wants_html(headers)) {
        (Ok(value), true) => Redirect::to(&to(&value)).into_response(),
        (Ok(value), false) => axum::Json(value).into_response(),
        (Err(AppError::Unauthenticated), true) => Redirect::to("/login").into_response(),
        (Err(err), true) => {
            crate::web::flash::flash(session, back.page, back.form, err).await;
            Redirect::to(&format!("{}{}", back.page, back.fragment)).into_response()
        }
        (Err(err), false) if wants_text(headers) => {
            let problems = err.problems();
            let words = if problems.is_empty() {
                err.to_string()
            } else {
                let lines: Vec<_> = problems.into_iter().map(|(_, m)| m).collect();
                lines.join("\n")
            };
            let plain = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
            (err.http_status(), plain, words).into_response()
        }
        (Err(err), false) => {
            let status = err.http_status();
            (status, axum::Json(err)).into_response()
        }
    }
}

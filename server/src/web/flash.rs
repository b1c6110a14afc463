//! Refused forms come back to their page with the error in the session, not the URL.
//!
//! Posted without JavaScript, a server fn that fails answers with a redirect to the form's
//! page carrying the error in `__err` (Leptos' progressive enhancement), and Leptos shows
//! whatever a page's URL carries there. A crafted link could thus put anyone's words inside
//! our login page ("請至 https://evil.example 登入"), and a refused question's text would
//! sit in an address bar, a history and a proxy log. This layer moves the error of such a
//! redirect into the session, keyed to the page it is for, and hands it back to that page
//! when the browser asks for it; an `__err` in a request's URL is never ours and is
//! dropped with a redirect to the same page without it. A client without a session (a
//! failed login) gets no session row for it: its error rides a one-minute cookie, and only
//! an error whose words are all ours may. The same layer hands a page what was kept for its
//! next request alone: a form's draft (找相似案件) and a new status link's address.

use super::answer::wants_html;
use app::{
    error::{AppError, FlashedError},
    input::FlashedDraft,
    links::{Fresh, FRESH_KEY},
};
use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use leptos::server_fn::error::ServerFnUrlError;
use tower_sessions::Session;

const FLASH_KEY: &str = "flash";
const DRAFT_KEY: &str = "draft";
const FLASH_COOKIE: &str = "fht_flash";
const ERROR_PARAMS: [&str; 2] = ["__err", "__path"];

/// Puts a refused form's error into the session, for the page at `to` (path and query). A
/// client without a session gets none for it (anyone could post forms by the thousand and
/// fill the sessions table): see [`carry_form_errors`], which keeps such an error in a
/// short-lived cookie instead.
pub async fn flash(session: &Session, to: &str, form: &str, error: AppError) {
    if anonymous(session).await {
        return;
    }
    let flashed = FlashedError {
        to: to.to_owned(),
        form: form.to_owned(),
        error,
    };
    if let Err(e) = session.insert(FLASH_KEY, flashed).await {
        tracing::warn!("form error not kept: {e}");
    }
}

/// Whether the client has no session of ours: no cookie, or one naming no stored session
/// (a made-up one would otherwise make a new row as well).
async fn anonymous(session: &Session) -> bool {
    // Reading loads the record, which forgets an id the store does not know.
    let _ = session.get::<serde_json::Value>(FLASH_KEY).await;
    session.is_empty().await
}

/// Keeps what was typed into a form for the next request of its page, `to` (a path).
pub async fn keep_draft(session: &Session, to: &str, fields: Vec<(String, String)>) {
    let draft = FlashedDraft {
        to: to.to_owned(),
        fields,
    };
    if let Err(e) = session.insert(DRAFT_KEY, draft).await {
        tracing::warn!("form draft not kept: {e}");
    }
}

/// Whether cookies the server sets here are `Secure` (`COOKIE_SECURE`).
#[derive(Debug, Clone, Copy)]
pub struct SecureCookies(pub bool);

pub async fn carry_form_errors(
    axum::extract::State(SecureCookies(secure)): axum::extract::State<SecureCookies>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let mut clear_cookie = false;
    if request.method() == Method::GET {
        let uri = request.uri();
        if let Some(clean) = without_error_params(uri.path(), uri.query()) {
            return Redirect::to(&clean).into_response();
        }
        let here = uri
            .path_and_query()
            .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
        let path = uri.path().to_owned();
        // Only the page the error is for takes it, not the stylesheet or the icon the
        // browser asks for meanwhile (nor are their requests made to read the session).
        if !wants_html(request.headers()) {
            return next.run(request).await;
        }
        if let Some(flashed) = anonymous_flash(request.headers()) {
            clear_cookie = true;
            if flashed.to == here {
                request.extensions_mut().insert(flashed);
            }
        } else if let Ok(Some(flashed)) = session.get::<FlashedError>(FLASH_KEY).await {
            if flashed.to == here {
                let _ = session.remove::<FlashedError>(FLASH_KEY).await;
                request.extensions_mut().insert(flashed);
            }
        }
        if let Ok(Some(draft)) = session.get::<FlashedDraft>(DRAFT_KEY).await {
            let _ = session.remove::<FlashedDraft>(DRAFT_KEY).await;
            if draft.to == path {
                request.extensions_mut().insert(draft);
            }
        }
        // A new status link's address is held for the next page only (the `/links` page
        // that shows it once), not in the session until someone happens to look. (Read
        // before removed: a removal always writes the session back.)
        if let Ok(Some(fresh)) = session.get::<Fresh>(FRESH_KEY).await {
            let _ = session.remove::<Fresh>(FRESH_KEY).await;
            if path == "/links" {
                request.extensions_mut().insert(fresh);
            }
        }
    }
    let mut response = next.run(request).await;
    let moved = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(error_in_location);
    if let Some((location, to, form, error)) = moved {
        if anonymous(&session).await {
            if let Some(cookie) = flash_cookie(&to, &form, error, secure) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
        } else {
            flash(&session, &to, &form, error).await;
        }
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    } else if clear_cookie {
        response.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("fht_flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"),
        );
    }
    response
}

/// The cookie that carries a refusal to a client without a session (a failed login): only
/// errors whose words are all ours, so that a cookie planted some other way can only show
/// one of our own messages. A minute is enough for the redirect it rides on.
fn flash_cookie(to: &str, form: &str, error: AppError, secure: bool) -> Option<HeaderValue> {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    if !error.has_fixed_words() {
        return None;
    }
    let flashed = FlashedError {
        to: to.to_owned(),
        form: form.to_owned(),
        error,
    };
    let value = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&flashed).ok()?);
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={value}; Path=/; Max-Age=60; HttpOnly; SameSite=Strict{secure}"
    ))
    .ok()
}

/// The refusal in the request's flash cookie, if it has one we could have written.
fn anonymous_flash(headers: &HeaderMap) -> Option<FlashedError> {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let value = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(FLASH_COOKIE)?.strip_prefix('='))?;
    let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
    let flashed: FlashedError = serde_json::from_slice(&bytes).ok()?;
    flashed.error.has_fixed_words().then_some(flashed)
}

/// The same page without `__err` and `__path`, when its query has either.
fn without_error_params(path: &str, query: Option<&str>) -> Option<String> {
    let query = query?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !pairs
        .iter()
        .any(|(k, _)| ERROR_PARAMS.contains(&k.as_str()))
    {
        return None;
    }
    let kept: Vec<_> = pairs
        .into_iter()
        .filter(|(k, _)| !ERROR_PARAMS.contains(&k.as_str()))
        .collect();
    if kept.is_empty() {
        return Some(path.to_owned());
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    Some(format!("{path}?{query}"))
}

/// From a redirect that carries a server fn's error: the location without it, the page
/// (path and query) it is for, the server fn's path and the error.
fn error_in_location(location: &str) -> Option<(String, String, String, AppError)> {
    // Locations are absolute (the form's Referer) or a path; a base makes both parse.
    let base = url::Url::parse("http://localhost/").ok()?;
    let url = base.join(location).ok()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let (err, form) = (param("__err")?, param("__path")?);
    let error = ServerFnUrlError::<AppError>::decode_err(&err);
    let path = url.path().to_owned();
    let to = without_error_params(&path, url.query()).unwrap_or(path);
    let clean = if location.starts_with('/') {
        to.clone()
    } else {
        format!("{}{}", url.origin().ascii_serialization(), to)
    };
    Some((clean, to, form, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_params_are_dropped_and_the_rest_of_the_query_kept() {
        assert_eq!(
            without_error_params("/login", Some("__err=abc&__path=%2Fapi%2Flogin")),
            Some("/login".into())
        );
        assert_eq!(
            without_error_params("/cases", Some("kind=question&__err=x")),
            Some("/cases?kind=question".into())
        );
        assert_eq!(without_error_params("/cases", Some("kind=question")), None);
        assert_eq!(without_error_params("/cases", None), None);
    }

    #[test]
    fn a_server_fns_error_redirect_is_split_into_a_clean_location_and_the_error() {
        let url = ServerFnUrlError::new("/api/login", AppError::InvalidCredentials)
            .to_url("http://gov.example/login?next=1")
            .unwrap();
        let (location, to, form, error) = error_in_location(url.as_str()).unwrap();
        assert_eq!(location, "http://gov.example/login?next=1");
        assert_eq!(to, "/login?next=1");
        assert_eq!(form, "/api/login");
        assert_eq!(error, AppError::InvalidCredentials);
    }

    #[test]
    fn a_location_without_an_error_is_left_alone() {
        assert!(error_in_location("/cases/5#deliveries").is_none());
    }
}

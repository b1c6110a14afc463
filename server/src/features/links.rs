//! The status page a councilor office opens by its private link (`/s/{token}`), with no
//! account: plain HTML made for a phone, with no script, no wasm and nothing from another
//! site. Unknown, expired, revoked and malformed tokens all get the same 404 after the same
//! work; lookups are limited per client address; the token never reaches a log.

use app::{
    links::{status_page, well_formed, Scope},
    state::{AppState, ClientAddr},
};
use axum::{
    extract::{Path, Query},
    http::{header, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
    Extension, Router,
};
use std::collections::HashMap;

/// Token lookups allowed per client address per minute by default
/// (`STATUS_LINK_LOOKUPS_PER_MINUTE`): an office reading its page and its files stays far
/// below; guessing tokens does not get far.
pub const LOOKUPS_PER_MINUTE: u32 = 60;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/s/{token}", get(page))
        .route("/s/{token}/files/{id}", get(file))
        .route("/s/{token}/cases/{id}/not-answered", post(not_answered))
        .route("/robots.txt", get(robots))
}

/// The limits on token lookups, one set per app server. Two budgets, so that neither a
/// guesser nor a busy office gets the other's treatment:
/// - misses (a token that opens nothing) per client address, IPv6 by its /64: once an
///   address has used them up, every lookup from it is refused until the minute is over,
///   a right guess included, so guessing gains nothing;
/// - lookups per link: offices that share one address behind the council's NAT each have
///   their own budget, and a leaked link cannot be read in a loop.
#[derive(Clone)]
pub struct Lookups {
    misses: app::auth::lockout::AddressLimiter,
    per_link: app::auth::lockout::AddressLimiter,
    /// Addresses that used up their misses, until when.
    blocked: std::sync::Arc<std::sync::Mutex<HashMap<String, std::time::Instant>>>,
}

impl Lookups {
    pub fn new(per_minute: u32) -> Self {
        Self {
            misses: app::auth::lockout::AddressLimiter::per_minute(per_minute),
            per_link: app::auth::lockout::AddressLimiter::per_minute(per_minute),
            blocked: Default::default(),
        }
    }

    /// `Err(seconds)` while `client` is refused for its misses.
    fn before(&self, client: &str) -> Result<(), u64> {
        let key = app::auth::lockout::rate_key(client);
        let blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        match blocked.get(&key) {
            Some(until) => {
                let left = until.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    Ok(())
                } else {
                    Err(left.as_secs().max(1))
                }
            }
            None => Ok(()),
        }
    }

    /// Counts a miss by `client`; `Err(seconds)` when that used up its misses.
    fn missed(&self, client: &str) -> Result<(), u64> {
        self.misses.check(client).inspect_err(|&seconds| {
            let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
            self.blocked
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(app::auth::lockout::rate_key(client), until);
        })
    }

    /// Counts a lookup of link `id`; `Err(seconds)` past its budget.
    fn opened(&self, id: i64) -> Result<(), u64> {
        self.per_link.check_key(format!("link:{id}"))
    }

    /// Forgets quiet addresses and links, and blocks that have run out.
    pub fn purge(&self) {
        self.misses.purge();
        self.per_link.purge();
        let now = std::time::Instant::now();
        self.blocked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, until| *until > now);
    }
}

impl Default for Lookups {
    fn default() -> Self {
        Self::new(LOOKUPS_PER_MINUTE)
    }
}

async fn robots() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("User-agent: *\nDisallow: {}\n", app::links::PATH),
    )
}

/// The headers every answer under `/s/` carries, found or not.
fn protected(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    response
}

/// The one answer for every token that opens nothing.
fn not_found(state: &AppState) -> Response {
    protected(
        (
            StatusCode::NOT_FOUND,
            Html(status_page::not_found(&state.city)),
        )
            .into_response(),
    )
}

/// Resolves a token to the scope it opens, after the rate limit; the same work for a token
/// of the wrong shape as for an unknown one, so that neither answers sooner.
async fn open(
    state: &AppState,
    lookups: &Lookups,
    client: &str,
    token: &str,
) -> Result<(i64, Scope), Response> {
    let too_many = |seconds: u64| {
        protected(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, seconds.to_string())],
                "查詢次數過多，請稍後再試。",
            )
                .into_response(),
        )
    };
    lookups.before(client).map_err(too_many)?;
    let now = state.now().timestamp();
    let today = state.today();
    let looked_up = if well_formed(token) {
        token.to_owned()
    } else {
        // Looked up all the same (it cannot match: a digest of a token of another shape).
        format!("malformed:{token}")
    };
    match app::links::db::resolve(&state.db, &looked_up, today, now).await {
        Ok(Some(found)) if well_formed(token) => {
            lookups.opened(found.0).map_err(too_many)?;
            Ok(found)
        }
        Ok(_) => {
            lookups.missed(client).map_err(too_many)?;
            Err(not_found(state))
        }
        Err(e) => {
            tracing::error!("status link: {e:?}");
            Err(protected(StatusCode::INTERNAL_SERVER_ERROR.into_response()))
        }
    }
}

async fn page(
    Extension(state): Extension<AppState>,
    Extension(lookups): Extension<Lookups>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Path(token): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (_, scope) = match open(&state, &lookups, &client, &token).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let today = state.today();
    let session = query.get("session").and_then(|s| s.parse().ok());
    match app::links::db::page(&state.db, scope, session, today).await {
        Ok(p) => {
            let sent = query.get("sent").and_then(|s| s.parse().ok());
            protected(Html(status_page::page(&state.city, p, &token, sent)).into_response())
        }
        Err(e) => {
            tracing::error!("status page: {e:?}");
            protected(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

async fn file(
    Extension(state): Extension<AppState>,
    Extension(lookups): Extension<Lookups>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Path((token, id)): Path<(String, i64)>,
) -> Response {
    let (_, scope) = match open(&state, &lookups, &client, &token).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    match app::links::db::file(&state.db, scope, id).await {
        Ok(Some((name, content_type, data))) => protected(crate::web::answer::attachment(
            data,
            &content_type,
            "file",
            &name,
        )),
        Ok(None) => not_found(&state),
        Err(_) => protected(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

/// 答非所問, sent from the status page: the case returns to its lead bureau. Back to the
/// case on the page; a refusal is said on a page of its own with the way back.
async fn not_answered(
    Extension(state): Extension<AppState>,
    Extension(lookups): Extension<Lookups>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Path((token, id)): Path<(String, i64)>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (link_id, scope) = match open(&state, &lookups, &client, &token).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let comment = form.get("comment").map(String::as_str).unwrap_or_default();
    match app::links::ops::not_an_answer(&state, link_id, scope, id, comment).await {
        Ok(()) => {
            let back = format!("{}{token}?sent={id}#case-{id}", app::links::PATH);
            protected(axum::response::Redirect::to(&back).into_response())
        }
        Err(app::error::AppError::NotFound) => not_found(&state),
        Err(err) => {
            let page = Html(status_page::refused(&state.city, &err, &token, id));
            protected((err.http_status(), page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lookups;
    use std::time::Duration;

    /// What the limits remember: misses and views counted, and addresses held back.
    fn remembered(l: &Lookups) -> usize {
        l.misses.len() + l.per_link.len() + l.blocked.lock().unwrap().len()
    }

    #[test]
    fn quiet_addresses_and_links_are_forgotten_when_purged() {
        // 60,000 a minute: a bucket is full again within a millisecond.
        let lookups = Lookups::new(60_000);
        lookups.missed("203.0.113.7").unwrap();
        lookups.opened(42).unwrap();
        assert_eq!(remembered(&lookups), 2);
        std::thread::sleep(Duration::from_millis(20));
        lookups.purge();
        assert_eq!(remembered(&lookups), 0);
    }

    #[test]
    fn an_address_out_of_misses_is_held_back_until_its_minute_is_over() {
        let lookups = Lookups::new(1);
        lookups.missed("203.0.113.7").unwrap();
        assert!(lookups.missed("203.0.113.7").is_err());
        assert!(lookups.before("203.0.113.7").is_err());
        lookups.purge();
        assert!(
            lookups.before("203.0.113.7").is_err(),
            "a purge keeps a block that has not run out"
        );
        assert!(lookups.before("198.51.100.1").is_ok());
    }
}

//! The status page a councilor office opens by its private link (`/s/{token}`), with no
//! account: plain HTML made for a phone, with no script, no wasm and nothing from another
//! site. Unknown, expired, revoked and malformed tokens all get the same 404 after the same
//! work; lookups are limited per client address; the token never reaches a log.

use app::error::AppError;
use app::{
    limits::{rate_key, Limiter, Verdict},
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
use sqlx::AnyPool;
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

/// The limits on token lookups, counted by every app server together ([`app::limits`]).
/// Two budgets, so that neither a guesser nor a busy office gets the other's treatment:
/// - misses (a token that opens nothing) per client address, IPv6 by its /64: once an
///   address has used them up, every lookup from it is refused until a miss would be
///   allowed again, a right guess included, so guessing gains nothing;
/// - views per link: offices that share one address behind the council's NAT each have
///   their own budget, and a leaked link cannot be read in a loop.
#[derive(Clone, Copy)]
pub struct Lookups {
    misses: Limiter,
    per_link: Limiter,
}

impl Lookups {
    pub fn new(per_minute: u32) -> Self {
        Self {
            misses: Limiter::new("link_miss", per_minute),
            per_link: Limiter::new("link_view", per_minute),
        }
    }

    /// `Some(seconds)` while `client` is refused for its misses.
    async fn before(
        &self,
        db: &AnyPool,
        client: &str,
        now_ms: i64,
    ) -> Result<Option<u64>, AppError> {
        Ok(self.misses.over_now(db, &rate_key(client), now_ms).await?)
    }

    /// Counts a miss by `client`.
    async fn missed(&self, db: &AnyPool, client: &str, now_ms: i64) -> Result<Verdict, AppError> {
        Ok(self.misses.check(db, &rate_key(client), now_ms).await?)
    }

    /// Counts a view of link `id`.
    async fn opened(&self, db: &AnyPool, id: i64, now_ms: i64) -> Result<Verdict, AppError> {
        Ok(self
            .per_link
            .check(db, &format!("link:{id}"), now_ms)
            .await?)
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
pub(crate) fn protected(mut response: Response) -> Response {
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
pub(crate) fn not_found(state: &AppState) -> Response {
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
pub(crate) async fn open(
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
    let failed = |e: AppError| {
        tracing::error!("status link: {e:?}");
        protected(StatusCode::INTERNAL_SERVER_ERROR.into_response())
    };
    let now_ms = state.now().timestamp_millis();
    if let Some(seconds) = lookups
        .before(&state.db, client, now_ms)
        .await
        .map_err(failed)?
    {
        return Err(too_many(seconds));
    }
    let now = state.now().timestamp();
    let today = state.today();
    let looked_up = if well_formed(token) {
        token.to_owned()
    } else {
        // Looked up all the same (it cannot match: a digest of a token of another shape).
        format!("malformed:{token}")
    };
    let found = app::links::db::resolve(&state.db, &looked_up, today, now)
        .await
        .map_err(failed)?;
    match found {
        Some(found) if well_formed(token) => {
            match lookups
                .opened(&state.db, found.0, now_ms)
                .await
                .map_err(failed)?
            {
                Verdict::Allowed => Ok(found),
                Verdict::Wait(seconds) => Err(too_many(seconds)),
            }
        }
        _ => match lookups
            .missed(&state.db, client, now_ms)
            .await
            .map_err(failed)?
        {
            Verdict::Allowed => Err(not_found(state)),
            Verdict::Wait(seconds) => Err(too_many(seconds)),
        },
    }
}

async fn page(
    Extension(state): Extension<AppState>,
    Extension(lookups): Extension<Lookups>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Path(token): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (link_id, scope) = match open(&state, &lookups, &client, &token).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let today = state.today();
    let session = query.get("session").and_then(|s| s.parse().ok());
    let page = async {
        let mut p = app::links::db::page(&state.db, scope, session, today).await?;
        p.can_file = app::filings::db::enabled(&state.db, link_id, scope).await?;
        Ok::<_, AppError>(p)
    };
    match page.await {
        Ok(p) => {
            let number = |key: &str| query.get(key).and_then(|s| s.parse().ok());
            let done = match (number("sent"), number("filed")) {
                (Some(id), _) => Some(status_page::Done::NotAnswered(id)),
                (None, Some(id)) => Some(status_page::Done::Filed(id)),
                _ => None,
            };
            protected(Html(status_page::page(&state.city, p, &token, done)).into_response())
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

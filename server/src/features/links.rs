//! The status page a councilor office opens by its private link (`/s/{token}`), with no
//! account: plain HTML made for a phone, with no script, no wasm and nothing from another
//! site. Unknown, expired, revoked and malformed tokens all get the same 404 after the same
//! work; lookups are limited per client address; the token never reaches a log.

use app::escape::markup as esc;
use app::{
    dates::roc_date,
    links::{db::StatusPage, well_formed, PublicCase, Scope},
    state::{AppState, ClientAddr},
};
use axum::{
    extract::{Path, Query},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
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
fn not_found() -> Response {
    protected(
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            shell(
                "找不到這個頁面",
                "<h1>找不到這個頁面</h1><p>這個連結無效或已停用。如需查詢案件進度，請洽臺北市政府秘書處府會聯絡人員。</p>",
            ),
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
            Err(not_found())
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
        Ok(p) => protected(
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                shell(
                    &format!("{} 議員 案件進度", p.councilor),
                    &body(&p, &token, query.get("sent").and_then(|s| s.parse().ok())),
                ),
            )
                .into_response(),
        ),
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
        Ok(None) => not_found(),
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
    let result = async {
        let mut tx = app::db::begin(&state.db).await?;
        app::links::db::not_an_answer(
            &mut tx,
            link_id,
            scope,
            id,
            comment,
            state.now().timestamp(),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, app::error::AppError>(())
    }
    .await;
    let back = format!("{}{}", app::links::PATH, esc(&token));
    match result {
        Ok(()) => protected(
            axum::response::Redirect::to(&format!("{back}?sent={id}#case-{id}")).into_response(),
        ),
        Err(app::error::AppError::NotFound) => not_found(),
        Err(err) => {
            let status = err.http_status();
            protected(
                (
                    status,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    shell(
                        "未能送出",
                        &format!(
                            "<h1>未能送出</h1><p role=\"alert\">{}</p><p><a href=\"{back}#case-{id}\">回到案件進度</a></p>",
                            esc(&err.to_string())
                        ),
                    ),
                )
                    .into_response(),
            )
        }
    }
}

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-Hant-TW\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex, nofollow\">\
         <title>{}｜臺北市政府</title><link rel=\"stylesheet\" href=\"/pkg/fuhuitong.css\">\
         </head><body class=\"status-page\"><main>{body}</main>\
         <footer><p>臺北市政府秘書處　府會聯絡。此連結僅供議員辦公室使用，請勿轉傳。</p></footer>\
         </body></html>",
        esc(title)
    )
}

fn body(p: &StatusPage, token: &str, sent: Option<i64>) -> String {
    // Only a well-formed token opens a page, and its alphabet needs no escaping; escaped
    // all the same, so that no check elsewhere keeps this page safe.
    let token = &esc(token);
    let mut html = format!("<h1>{} 議員 案件進度</h1>", esc(&p.councilor));
    if p.sessions.len() > 1 {
        html.push_str(&format!(
            "<form method=\"get\" action=\"{}{token}\" class=\"status-sessions\" aria-label=\"切換會期\">\
             <label for=\"session\">會期</label><select id=\"session\" name=\"session\">",
            app::links::PATH
        ));
        for (id, title) in &p.sessions {
            let selected = if Some(*id) == p.session {
                " selected"
            } else {
                ""
            };
            html.push_str(&format!(
                "<option value=\"{id}\"{selected}>{}</option>",
                esc(title)
            ));
        }
        html.push_str("</select><button type=\"submit\">查看</button></form>");
    } else if let Some((_, title)) = p.sessions.first() {
        html.push_str(&format!("<p class=\"status-session\">{}</p>", esc(title)));
    }
    if p.cases.is_empty() {
        html.push_str("<p>目前沒有案件。</p>");
    }
    for c in &p.cases {
        html.push_str(&case(c, token, sent));
    }
    html
}

fn case(c: &PublicCase, token: &str, sent: Option<i64>) -> String {
    let mut html = format!(
        "<article class=\"status-case\" id=\"case-{}\"><h2>{}　{}</h2>\
         <p><span class=\"status-word status-{}\">{}</span></p><dl>",
        c.id,
        esc(&c.label),
        esc(&c.topic),
        c.status.as_str(),
        c.status.label()
    );
    if let Some(lead) = &c.lead_bureau {
        html.push_str(&format!("<dt>主辦機關</dt><dd>{}</dd>", esc(lead)));
    }
    html.push_str(&format!(
        "<dt>預定答復日期</dt><dd>{}</dd></dl>",
        roc_date(c.due_on)
    ));
    if c.status.answered() && !c.reply.is_empty() {
        html.push_str(&format!(
            "<h3>答復內容</h3><div class=\"status-reply\">{}</div>",
            esc(&c.reply)
        ));
    }
    if sent == Some(c.id) {
        html.push_str(
            "<p class=\"status-sent\" role=\"status\">已收到您的意見，已請主辦機關重新答復。</p>",
        );
    }
    if !c.files.is_empty() {
        html.push_str("<h3>提供之資料</h3><ul class=\"status-files\">");
        for (id, name, size) in &c.files {
            html.push_str(&format!(
                "<li><a href=\"{}{token}/files/{id}\" download>{}</a>（{}）</li>",
                app::links::PATH,
                esc(name),
                human_size(*size)
            ));
        }
        html.push_str("</ul>");
    }
    if c.awaits_office {
        html.push_str(&format!(
            "<details class=\"status-not-answered\"><summary>答復沒有回答問題（答非所問）？</summary>\
             <form method=\"post\" action=\"{}{token}/cases/{}/not-answered\" aria-label=\"答非所問\">\
             <label for=\"comment-{id}\">請說明未回答的部分</label>\
             <textarea id=\"comment-{id}\" name=\"comment\" rows=\"4\" maxlength=\"{max}\" required></textarea>\
             <button type=\"submit\">送出答非所問</button></form></details>",
            app::links::PATH,
            c.id,
            id = c.id,
            max = app::links::NOT_AN_ANSWER_MAX_CHARS
        ));
    }
    html.push_str("</article>");
    html
}

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

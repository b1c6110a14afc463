//! The web server: configuration, the axum router around the Leptos app, and the
//! command-line tasks (migrate, create-user, seed-demo).

pub mod audit_export;
pub mod cli;
pub mod config;
pub mod csrf;
pub mod csv_file;
pub mod demo_cases;
pub mod document;
pub mod download;
pub mod files;
pub mod flash;
pub mod generate;
pub mod import_files;
pub mod link_admin;
pub mod meeting_docs;
pub mod odt;
pub mod pdf;
pub mod question_draft;
pub mod report_files;
pub mod seed;
pub mod status_page;
pub mod volume_docs;

use app::{
    app::{shell, App},
    auth::{
        db::purge_stale_failures, lockout::LockoutPolicy, session::DbSessionStore,
        session_rules::SessionPolicy,
    },
    state::{AppState, ClientAddr},
};
use axum::{
    extract::{ConnectInfo, Request},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Extension, Router,
};
use http::{header, HeaderValue};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::AnyPool;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "fht_session";

/// What the router needs beyond the app state.
#[derive(Debug, Clone)]
pub struct WebSettings {
    pub cookie_secure: bool,
    pub sessions: SessionPolicy,
    pub lockout: LockoutPolicy,
    /// Reverse proxies whose `X-Forwarded-For` says who the client is (`TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<IpAddr>,
    /// The fonts PDF documents are set in (`PDF_FONT`, `PDF_FONT_BOLD`).
    pub pdf_fonts: pdf::FontPaths,
    /// Where status links point (`PUBLIC_URL`).
    pub public_url: String,
    /// Status-link lookups allowed per client address per minute
    /// (`STATUS_LINK_LOOKUPS_PER_MINUTE`).
    pub link_lookups_per_minute: u32,
}

/// Opens the database named by the URL, creating and migrating it as needed, and chains
/// the case events an older version left unchained (migration 0003's part in Rust).
pub async fn open_database(url: &str) -> Result<AnyPool, app::db::DbSetupError> {
    let pool = app::db::connect(url).await?;
    app::db::migrate(&pool, url).await?;
    app::chain::seal_unchained(&pool).await?;
    // Documents missing from the search index (cases from before migration 0005) or folded
    // by older rules; nothing to do on most starts.
    let built = app::cases::db::reindex_stale(&pool).await?;
    if built > 0 {
        tracing::info!(built, "search index: documents (re)built");
        // The planner should know the index is no longer empty.
        let _ = sqlx::query("ANALYZE").execute(&pool).await;
    }
    Ok(pool)
}

/// The app's routes, walked once per process. Walking them sets a process-wide flag in
/// leptos_server that leaves any resource first polled meanwhile pending forever
/// (leptos-rs/leptos#4773): a second router built while the first serves (the test suite
/// builds one per test) would hang a response now and then.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState, web: &WebSettings, leptos_options: LeptosOptions) -> Router {
    let routes = route_list();
    let lookups = status_page::Lookups::new(web.link_lookups_per_minute);
    let context = {
        let state = state.clone();
        let lockout = web.lockout;
        let choices = app::reference::cache::ChoicesCache::default();
        let addresses = app::auth::lockout::AddressLimiter::new(&lockout);
        spawn_limiter_purge(addresses.clone(), lookups.clone());
        move || {
            provide_context(state.clone());
            provide_context(lockout);
            provide_context(addresses.clone());
            provide_context(choices.clone());
            provide_context(app::auth::session::RequestUser::default());
        }
    };
    // The cookie ends with the browser; the store ends the session itself after the idle
    // or the absolute limit, by the app's clock.
    let sessions = SessionManagerLayer::new(DbSessionStore::new(&state, web.sessions))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(web.cookie_secure)
        .with_expiry(Expiry::OnSessionEnd);

    Router::new()
        // Browsers ask for /favicon.ico on responses that are not our pages (a file's error
        // text); the pages themselves link the SVG.
        .route(
            "/favicon.ico",
            get(|| async { Redirect::permanent("/favicon.svg") }),
        )
        // For the load balancer and the service manager: the process answers; the database
        // does too.
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz).layer(Extension(state.db.clone())))
        .merge(files::routes())
        .merge(audit_export::routes())
        .merge(meeting_docs::routes())
        .merge(report_files::routes())
        .merge(volume_docs::routes())
        .merge(import_files::routes())
        .merge(status_page::routes())
        .merge(link_admin::routes())
        .merge(question_draft::routes())
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .layer(Extension(state))
        .layer(Extension(web.pdf_fonts.clone()))
        .layer(Extension(volume_docs::RenderQueue::default()))
        .layer(Extension(lookups))
        .layer(Extension(link_admin::PublicUrl(web.public_url.clone())))
        .layer(middleware::from_fn_with_state(
            flash::SecureCookies(web.cookie_secure),
            flash::carry_form_errors,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            flash::SecureCookies(web.cookie_secure),
            csrf::refuse_cross_site,
        ))
        .layer(middleware::from_fn(limit_form_bodies))
        .layer(middleware::from_fn_with_state(
            std::sync::Arc::new(web.trusted_proxies.clone()),
            client_addr,
        ))
        .layer(middleware::from_fn(no_store))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Status pages send no referrer at all (`status_page`); everything else, same-origin.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            // Only over HTTPS (COOKIE_SECURE); a year, this host only.
            web.cookie_secure
                .then(|| HeaderValue::from_static("max-age=31536000")),
        ))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(middleware::from_fn(screen_request_id))
        .with_state(leptos_options)
}

/// The most any request but a delivery upload may send: the longest form (a reply of
/// 20,000 characters with its sub-answers, percent-encoded) is well under it.
pub const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// Server fns read their whole body before looking at it, with no limit of their own; a
/// body announced over [`MAX_FORM_BYTES`] is refused unread (413), and one sent without a
/// length (chunked) is read here up to the limit and refused alike when it goes past it.
/// Uploads have their own, larger limit (`files`).
async fn limit_form_bodies(request: Request, next: Next) -> Response {
    if files::is_upload(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let too_large = || {
        (
            http::StatusCode::PAYLOAD_TOO_LARGE,
            "送出的資料過大，請縮短內容後再試。",
        )
            .into_response()
    };
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_FORM_BYTES as u64) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let form = parts.headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    let body = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) if form => axum::body::Body::from(without_nul(bytes)),
        Ok(bytes) => axum::body::Body::from(bytes),
        Err(e) => {
            // Over the limit, or the client broke off: either way nothing is done.
            tracing::info!("form body refused: {e}");
            return too_large();
        }
    };
    next.run(Request::from_parts(parts, body)).await
}

/// A form body without NUL characters (`%00`, or raw): no one types them, PostgreSQL
/// refuses them in text, and a crafted one would otherwise turn a save into an error.
fn without_nul(bytes: axum::body::Bytes) -> axum::body::Bytes {
    let has = bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00");
    if !has {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0 {
            i += 1;
        } else if bytes[i..].starts_with(b"%00") {
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out.into()
}

/// Pages and answers hold case contents: no cache keeps them (`private, no-store`), unless
/// the response chose otherwise. The app's own static files (`/pkg/…`, the icon) may be.
async fn no_store(request: Request, next: Next) -> Response {
    let cacheable = {
        let path = request.uri().path();
        path.starts_with("/pkg/") || path == "/favicon.svg"
    };
    let mut response = next.run(request).await;
    if !cacheable && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// Every log line a request causes carries its id (also sent back as `x-request-id`, so a
/// user's report can be matched to the log), its method and its path.
fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %loggable_path(request.uri().path())
    )
}

/// A path as logs may hold it: a status link's token is a password, so a log says only
/// that a status page was asked.
pub fn loggable_path(path: &str) -> &str {
    if path.starts_with(app::links::PATH) {
        "/s/[token]"
    } else {
        path
    }
}

/// Whether a client's request id may be kept: 1–64 letters, digits, `-`, `_` or `.`.
pub fn safe_request_id(id: &[u8]) -> bool {
    (1..=64).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Drops a client's `X-Request-Id` of an unsafe shape, so that a new one is made: a load
/// balancer's id is kept (both logs then tell the same request), but anything else a
/// client sends there could forge or garble log lines.
async fn screen_request_id(mut request: Request, next: Next) -> Response {
    let unsafe_id = request
        .headers()
        .get("x-request-id")
        .is_some_and(|v| !safe_request_id(v.as_bytes()));
    if unsafe_id {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// 200 when the database answers within two seconds, else 503.
async fn readyz(Extension(db): Extension<AnyPool>) -> (http::StatusCode, &'static str) {
    let ping = sqlx::query("SELECT 1").execute(&db);
    match tokio::time::timeout(Duration::from_secs(2), ping).await {
        Ok(Ok(_)) => (http::StatusCode::OK, "ready"),
        Ok(Err(e)) => {
            tracing::warn!("readiness check: {e}");
            (
                http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            )
        }
        Err(_) => (http::StatusCode::SERVICE_UNAVAILABLE, "database too slow"),
    }
}

/// Forgets quiet addresses and links now and then, so the login and status-link limiters'
/// memory stays small. Only inside a Tokio runtime (a router built outside one, e.g. to
/// list routes, has none).
fn spawn_limiter_purge(
    addresses: app::auth::lockout::AddressLimiter,
    lookups: status_page::Lookups,
) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                addresses.purge();
                lookups.purge();
            }
        });
    }
}

/// Notes where the request came from, for the audit log and the login limit: the TCP
/// peer, or behind a trusted reverse proxy the address it forwarded. Serve the router with
/// `into_make_service_with_connect_info::<SocketAddr>()` for the peer to be known.
async fn client_addr(
    axum::extract::State(trusted): axum::extract::State<std::sync::Arc<Vec<IpAddr>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let addr = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| {
            let forwarded = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            client_address(peer.ip(), &forwarded, &trusted).to_string()
        })
        .unwrap_or_default();
    request.extensions_mut().insert(ClientAddr(addr));
    next.run(request).await
}

/// The client's address. A peer that is not a trusted proxy is the client, whatever it
/// claims. From a trusted proxy, `X-Forwarded-For` is read from the right (each proxy
/// appends the address it saw) and the first address that is not a trusted proxy is the
/// client; the entries left of it are the client's own say and are not believed.
pub fn client_address(peer: IpAddr, forwarded_for: &str, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for.rsplit(',').map(str::trim) {
        match hop.parse::<IpAddr>() {
            Ok(addr) => {
                client = addr;
                if !trusted.contains(&addr) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

/// Deletes expired sessions and stale login failures now and then, and sends the day's
/// due-date reminders. Every app server may run it: the deletes are idempotent, and the
/// reminders claim their day so that one server's run lands.
pub fn spawn_housekeeping(state: AppState, web: &WebSettings) {
    let (lockout, sessions) = (web.lockout, web.sessions);
    tokio::spawn(async move {
        let store = DbSessionStore::new(&state, sessions);
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = state.now();
            match app::cases::db::run_due_reminders(&state.db, now.timestamp()).await {
                Ok(Some(n)) => tracing::info!(notices = n, "due-date reminders sent"),
                Ok(None) => {}
                Err(e) => tracing::warn!("due-date reminders failed: {e}"),
            }
            if let Err(e) = store.delete_expired().await {
                tracing::warn!("session cleanup failed: {e}");
            }
            let stale = lockout.stale_before(now).timestamp();
            if let Err(e) = purge_stale_failures(&state.db, now.timestamp(), stale).await {
                tracing::warn!("login throttle cleanup failed: {e}");
            }
            // Compiled volumes are kept a week to download again; those sent to the
            // council are kept for good in `volumes`.
            let week_ago = now.timestamp() - 7 * 24 * 3600;
            if let Err(e) = app::volume::db::forget_jobs(&state.db, week_ago).await {
                tracing::warn!("volume job cleanup failed: {e}");
            }
            if let Err(e) = app::import::db::forget(&state.db, week_ago).await {
                tracing::warn!("import cleanup failed: {e}");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{client_address, loggable_path, safe_request_id};

    #[test]
    fn a_status_links_token_never_reaches_a_log_line() {
        assert_eq!(
            loggable_path("/s/abcDEF_-0123456789abcdef0123456789abcdef012"),
            "/s/[token]"
        );
        assert_eq!(loggable_path("/s/x/files/3"), "/s/[token]");
        assert_eq!(loggable_path("/cases/3"), "/cases/3");
    }

    #[test]
    fn only_a_plain_request_id_of_at_most_64_characters_is_kept() {
        assert!(safe_request_id(b"9f0c1e2a-lb.1_x"));
        for bad in [&b""[..], b"a b", b"a\nlevel=error", &[b'a'; 65]] {
            assert!(!safe_request_id(bad), "{bad:?}");
        }
    }
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_a_trusted_proxy_the_peer_is_the_client_whatever_it_claims() {
        assert_eq!(
            client_address(ip("198.51.100.9"), "203.0.113.7", &[]),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_address_it_saw_is_the_client() {
        let proxy = [ip("10.0.0.2")];
        assert_eq!(
            client_address(ip("10.0.0.2"), "203.0.113.7", &proxy),
            ip("203.0.113.7")
        );
        // What the client put in the header itself (left of what the proxy saw) is ignored.
        assert_eq!(
            client_address(ip("10.0.0.2"), "1.2.3.4, 203.0.113.7", &proxy),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_back_to_the_client() {
        let proxies = [ip("10.0.0.2"), ip("10.0.0.3")];
        assert_eq!(
            client_address(ip("10.0.0.2"), "203.0.113.7, 10.0.0.3", &proxies),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_garbled_header_leaves_the_last_good_address() {
        let proxy = [ip("10.0.0.2")];
        assert_eq!(client_address(ip("10.0.0.2"), "", &proxy), ip("10.0.0.2"));
        assert_eq!(
            client_address(ip("10.0.0.2"), "nonsense", &proxy),
            ip("10.0.0.2")
        );
    }
}

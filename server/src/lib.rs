//! The web server: configuration, the axum router around the Leptos app, and the
//! command-line tasks (migrate, create-user, seed-demo).

pub mod audit_export;
pub mod cli;
pub mod config;
pub mod csrf;
pub mod demo_cases;
pub mod files;
pub mod flash;
pub mod generate;
pub mod seed;

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
    response::{Redirect, Response},
    routing::get,
    Extension, Router,
};
use http::{header, HeaderValue};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::AnyPool;
use std::net::SocketAddr;
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
    let context = {
        let state = state.clone();
        let lockout = web.lockout;
        let choices = app::reference::cache::ChoicesCache::default();
        let addresses = app::auth::lockout::AddressLimiter::new(&lockout);
        spawn_address_purge(addresses.clone());
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
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .layer(Extension(state))
        .layer(middleware::from_fn(flash::carry_form_errors))
        .layer(sessions)
        .layer(middleware::from_fn(csrf::refuse_cross_site))
        .layer(middleware::from_fn(client_addr))
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
        .layer(SetResponseHeaderLayer::overriding(
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
        .with_state(leptos_options)
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
        path = %request.uri().path()
    )
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

/// Forgets quiet addresses now and then, so the login limiter's memory stays small. Only
/// inside a Tokio runtime (a router built outside one, e.g. to list routes, has none).
fn spawn_address_purge(addresses: app::auth::lockout::AddressLimiter) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                addresses.purge();
            }
        });
    }
}

/// Notes where the request came from (the TCP peer), for the audit log. Serve the router
/// with `into_make_service_with_connect_info::<SocketAddr>()` for the peer to be known.
async fn client_addr(mut request: Request, next: Next) -> Response {
    let addr = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip().to_string())
        .unwrap_or_default();
    request.extensions_mut().insert(ClientAddr(addr));
    next.run(request).await
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
        }
    });
}

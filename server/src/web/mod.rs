//! The web: the router around the Leptos app and the layers every request passes (client
//! address, request id, body limits, CSRF, sessions, refused forms, headers), the answers
//! the handlers in `features` give, and housekeeping. (A handler's caller is
//! `app::caller::Caller`, an extractor beside the type: Rust lets a foreign trait be
//! implemented only where the type is.)

pub mod answer;
pub mod assets;
pub mod csrf;
pub mod flash;
pub mod housekeeping;
pub mod layers;

pub use layers::{loggable_path, safe_request_id, MAX_FORM_BYTES};

use crate::{config::Config, features, features::links};
use app::{
    app::{shell, App},
    auth::session::DbSessionStore,
    state::AppState,
};
use axum::{middleware, response::Redirect, routing::get, Extension, Router};
use http::{header, HeaderValue};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::AnyPool;
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

/// The app's routes, walked once per process. Walking them sets a process-wide flag in
/// leptos_server that leaves any resource first polled meanwhile pending forever
/// (leptos-rs/leptos#4773): a second router built while the first serves (the test suite
/// builds one per test) would hang a response now and then.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole web app: the Leptos pages and server fns, the HTTP of `features`, and the
/// layers every request passes (outermost last).
pub fn router(state: AppState, config: &Config, leptos_options: LeptosOptions) -> Router {
    let routes = route_list();
    let assets = assets::Assets::of(&leptos_options);
    let leptos_options = assets.versioned(leptos_options);
    let render_queue = features::volume::RenderQueue::new(config.render_slots);
    render_queue.spawn_worker(state.clone(), config.pdf_fonts.clone());
    let lookups = links::Lookups::new(config.link_lookups_per_minute);
    let context = {
        let state = state.clone();
        let lockout = config.lockout;
        let choices = app::reference::cache::ChoicesCache::default();
        let public_url = app::links::ops::PublicUrl(config.public_url.clone());
        let mail = features::delivery::setup(config);
        move || {
            provide_context(state.clone());
            provide_context(lockout);
            provide_context(choices.clone());
            provide_context(public_url.clone());
            provide_context(mail.clone());
            provide_context(app::auth::session::RequestUser::default());
        }
    };
    // The cookie ends with the browser; the store ends the session itself after the idle
    // or the absolute limit, by the app's clock.
    let sessions = SessionManagerLayer::new(DbSessionStore::new(&state, config.sessions))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(config.cookie_secure)
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
        .route(
            "/pkg/{version}/{file}",
            get(assets::file).with_state(assets),
        )
        .merge(features::routes())
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .layer(Extension(state))
        .layer(Extension(config.pdf_fonts.clone()))
        .layer(Extension(render_queue))
        .layer(Extension(lookups))
        .layer(Extension(features::delivery::setup(config)))
        .layer(middleware::from_fn_with_state(
            flash::SecureCookies(config.cookie_secure),
            flash::carry_form_errors,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            flash::SecureCookies(config.cookie_secure),
            csrf::refuse_cross_site,
        ))
        .layer(middleware::from_fn(layers::limit_form_bodies))
        .layer(middleware::from_fn_with_state(
            std::sync::Arc::new(config.trusted_proxies.clone()),
            layers::client_addr,
        ))
        .layer(middleware::from_fn(layers::no_store))
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
            config
                .cookie_secure
                .then(|| HeaderValue::from_static("max-age=31536000")),
        ))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(middleware::from_fn(layers::remember_request_id))
        .layer(TraceLayer::new_for_http().make_span_with(layers::request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(middleware::from_fn(layers::screen_request_id))
        .with_state(leptos_options)
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

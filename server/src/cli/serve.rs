//! `serve`: the web app until SIGTERM or Ctrl-C.

use crate::{
    config::Config,
    web::{housekeeping::spawn_housekeeping, router},
};
use app::state::AppState;

pub(super) async fn serve(
    state: AppState,
    config: &Config,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut leptos_options = leptos::prelude::get_configuration(None)?.leptos_options;
    leptos_options.site_addr = config.listen_addr;
    spawn_housekeeping(state.clone(), config);
    crate::features::delivery::Runner::new(state.clone(), config)?.spawn();
    let app = router(state, config, leptos_options);
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    tracing::info!("府會通 listening on http://{}", config.listen_addr);
    // On SIGTERM or Ctrl-C: stop accepting, let requests in flight finish, and leave after
    // at most ten seconds whatever is still running.
    let (stopping, mut stop) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing the requests in flight");
        let _ = stopping.send(true);
    });
    tokio::select! {
        served = async { server.await } => served?,
        _ = async {
            let _ = stop.wait_for(|s| *s).await;
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
        } => tracing::warn!("requests still running after 10 s were cut off"),
    }
    Ok(())
}

async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}

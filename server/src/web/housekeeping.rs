//! What the app does on its own now and then: forgets quiet addresses and links in the
//! limits, ends expired sessions, sends the day's due-date reminders and drops old volume builds
//! and imports, and deletes personal data past its retention.

use crate::config::Config;
use app::{
    auth::{db::purge_stale_failures, session::DbSessionStore},
    state::AppState,
};
use std::time::Duration;

/// Deletes expired sessions and stale login failures now and then, and sends the day's
/// due-date reminders. Every app server may run it: the deletes are idempotent, and the
/// reminders claim their day so that one server's run lands.
pub fn spawn_housekeeping(state: AppState, config: &Config) {
    let (lockout, sessions) = (config.lockout, config.sessions);
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
            // The report's kept figures, so that the report page rarely has much to count
            // (and a new database's first build happens here, not under a user).
            match app::reports::db::rollup::refresh(&state.db).await {
                Ok(app::reports::db::rollup::Refreshed::Rebuilt(n)) => {
                    tracing::info!(cases = n, "report figures built")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("report figures refresh failed: {e}"),
            }
            if let Err(e) = store.delete_expired().await {
                tracing::warn!("session cleanup failed: {e}");
            }
            let stale = lockout.stale_before(now).timestamp();
            if let Err(e) = purge_stale_failures(&state.db, now.timestamp(), stale).await {
                tracing::warn!("login throttle cleanup failed: {e}");
            }
            if let Err(e) = app::limits::purge(&state.db, now.timestamp_millis()).await {
                tracing::warn!("rate limit cleanup failed: {e}");
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
            // Constituents' names and phones of service cases closed for the retention
            // period (個資法): idempotent, each deletion with its event.
            let today = app::dates::taipei_day(now);
            match app::service::db::remove_expired(&state.db, now.timestamp(), today).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(cases = n, "personal data removed after retention"),
                Err(e) => tracing::warn!("personal data retention failed: {e}"),
            }
        }
    });
}

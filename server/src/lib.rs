//! The web server and the command line around the app: `web` (router, layers, caller,
//! answers), `features` (the HTTP server fns cannot do), `documents` (file formats),
//! `cli` (the tasks) and `demo` (reference, living and bulk demo data).

pub mod cli;
pub mod config;
pub mod demo;
pub mod documents;
pub mod features;
pub mod web;

use sqlx::AnyPool;

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

//! `calendar import`, and the national calendar `migrate`, `seed-demo` and `serve` load.

use super::admin;
use app::state::AppState;

/// `calendar import FILE`: the years the file covers are replaced; prints what changed.
pub(super) async fn import(
    state: &AppState,
    file: &std::path::Path,
    by: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let c = admin(state, by).await?;
    let change = crate::features::deadlines::import_file(&c, &name, &bytes)
        .await
        .map_err(|e| e.to_string())?;
    println!("已匯入行事曆 (calendar imported)：{}", change.sentence());
    Ok(())
}

/// Loads the years of the national calendar the database has no day of (a fresh install),
/// and says so: on the terminal, or (`serve`, whose output is the log) in the log.
pub(super) async fn load_national(
    state: &AppState,
    to_log: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let now = state.clock.now().timestamp();
    let loaded = app::deadlines::ops::load_national(&state.db, now).await?;
    if loaded.is_empty() {
        return Ok(());
    }
    if to_log {
        tracing::info!(?loaded, "national working-day calendar loaded");
    } else {
        let years: Vec<String> = loaded.iter().map(|y| format!("{} 年", y - 1911)).collect();
        println!(
            "已載入全國行事曆：{} (national calendar loaded).",
            years.join("、")
        );
    }
    Ok(())
}

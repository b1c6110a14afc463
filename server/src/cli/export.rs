//! `export volume|agenda|minutes`.

use super::ExportCommand;
use crate::config::Config;
use app::state::AppState;
use std::path::Path;

/// `export volume|agenda|minutes`: the same files the pages offer, written to `out`.
pub(super) async fn run(
    state: &AppState,
    config: &Config,
    document: ExportCommand,
) -> Result<(), Box<dyn std::error::Error>> {
    match document {
        ExportCommand::Volume {
            session,
            sitting_type,
            format,
            out,
        } => volume(state, config, session, sitting_type, &format, &out).await,
        ExportCommand::Agenda { meeting, out } => {
            meeting_document(state, meeting, &out, "agenda.odt").await
        }
        ExportCommand::Minutes { meeting, out } => {
            meeting_document(state, meeting, &out, "minutes.odt").await
        }
    }
}

async fn volume(
    state: &AppState,
    config: &Config,
    session: i64,
    sitting_type: Option<String>,
    format: &str,
    out: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let format = app::volume::VolumeFormat::parse(format).unwrap_or(app::volume::VolumeFormat::Odt);
    let sitting_type = match sitting_type {
        None => None,
        Some(code) => Some(
            sqlx::query_scalar::<_, i64>("SELECT id FROM sitting_types WHERE code = $1")
                .bind(code.trim().to_lowercase())
                .fetch_optional(&state.db)
                .await?
                .ok_or_else(|| format!("找不到質詢類別 {code} (no such sitting type)"))?,
        ),
    };
    let filter = app::volume::VolumeFilter {
        session,
        sitting_type,
        ..Default::default()
    };
    let today = state.today();
    let volume = app::volume::db::volume(&state.db, &state.city, &filter, today)
        .await
        .map_err(|e| match e {
            app::error::AppError::NotFound => {
                format!("找不到會期 {session} (no session {session})")
            }
            other => other.to_string(),
        })?;
    let bytes = crate::features::volume::render_now(&volume, format, &config.pdf_fonts, |_, _| {})
        .map_err(|e| e.to_string())?;
    std::fs::write(out, bytes)?;
    println!(
        "已寫入 {}：答復 {} 題，尚未完成 {} 題 (written).",
        out.display(),
        volume.entries.len(),
        volume.outstanding.len()
    );
    Ok(())
}

async fn meeting_document(
    state: &AppState,
    id: i64,
    out: &Path,
    file: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let meeting = app::meetings::db::meeting(&state.db, id, state.today())
        .await
        .map_err(|e| match e {
            app::error::AppError::NotFound => {
                format!("找不到第 {id} 次會議 (no meeting {id})")
            }
            other => other.to_string(),
        })?;
    let (doc, _) = app::meetings::documents::document(&meeting, &state.city, file)
        .map_err(|e| e.to_string())?;
    std::fs::write(out, crate::documents::odt::write(&doc)?)?;
    println!("已寫入 {} (written).", out.display());
    Ok(())
}

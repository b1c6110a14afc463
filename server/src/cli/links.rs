//! `link create`.

use super::secretariat;
use crate::config::Config;
use app::state::AppState;

/// What `link create` was asked for.
pub(super) struct Asked<'a> {
    pub councilor: i64,
    pub case: Option<i64>,
    pub expires: Option<&'a str>,
    pub by: Option<&'a str>,
    /// Mail it to the office's contacts too.
    pub send: bool,
}

/// `link create`: the link's full address, shown this once (and, with `--send`, mailed to
/// the office: the delivery runner of a running server sends it).
pub(super) async fn create(
    state: &AppState,
    config: &Config,
    asked: Asked<'_>,
) -> Result<String, Box<dyn std::error::Error>> {
    let c = secretariat(state, asked.by).await?;
    let public = app::links::ops::PublicUrl(config.public_url.clone());
    let scope = app::links::Scope {
        councilor_id: asked.councilor,
        case_id: asked.case,
    };
    let fresh = app::links::ops::issue(
        &c,
        &public,
        scope,
        asked.expires.unwrap_or_default(),
        asked.send,
    )
    .await
    .map_err(|e| e.to_string())?;
    if asked.send {
        eprintln!("已排入寄送：{} 個辦公室信箱", fresh.mailed);
    }
    Ok(fresh.url)
}

//! `link create`.

use super::secretariat;
use crate::config::Config;
use app::state::AppState;

/// `link create`: the link's full address, shown this once.
pub(super) async fn create(
    state: &AppState,
    config: &Config,
    councilor: i64,
    case: Option<i64>,
    expires: Option<&str>,
    by: Option<&str>,
) -> Result<String, Box<dyn std::error::Error>> {
    let c = secretariat(state, by).await?;
    let public = app::links::ops::PublicUrl(config.public_url.clone());
    let scope = app::links::Scope {
        councilor_id: councilor,
        case_id: case,
    };
    let fresh = app::links::ops::issue(&c, &public, scope, expires.unwrap_or_default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(fresh.url)
}

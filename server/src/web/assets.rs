//! The browser's files under `/pkg/` (the wasm, its JS glue, the stylesheet), named by their
//! content: the pages link `/pkg/<hash>/fuhuitong.js` where `<hash>` is taken from the files
//! this server serves, so a new build changes every link and a browser keeps the files of a
//! build for a year without asking again (`immutable`): a second visit downloads nothing.
//! A version segment this server does not have (a page from another server mid-upgrade)
//! still gets the files, but marked to be asked for again.

use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::prelude::LeptosOptions;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Where the files are and which version they are.
#[derive(Clone)]
pub struct Assets {
    dir: PathBuf,
    version: String,
}

impl Assets {
    /// The files of `options`' site, hashed once at start.
    pub fn of(options: &LeptosOptions) -> Self {
        let dir = PathBuf::from(options.site_root.as_ref()).join("pkg");
        Self {
            version: version(&dir),
            dir,
        }
    }

    /// `options` with the pages' links pointing at this version (`pkg/<hash>`).
    pub fn versioned(&self, mut options: LeptosOptions) -> LeptosOptions {
        options.site_pkg_dir = format!("pkg/{}", self.version).into();
        options
    }
}

/// The first 12 hex digits of SHA-256 over the folder's files (names and contents, in name
/// order); of nothing when there is no folder (a test server without a site).
fn version(dir: &std::path::Path) -> String {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    names.sort();
    let mut hash = Sha256::new();
    for path in names.iter().filter(|p| p.is_file()) {
        hash.update(path.file_name().unwrap_or_default().as_encoded_bytes());
        hash.update(std::fs::read(path).unwrap_or_default());
    }
    hex::encode(hash.finalize())[..12].to_owned()
}

/// The media type of a file under `/pkg/`; others are not served from there.
fn media_type(name: &str) -> Option<&'static str> {
    match name.rsplit_once('.')?.1 {
        "js" => Some("text/javascript; charset=utf-8"),
        "wasm" => Some("application/wasm"),
        "css" => Some("text/css; charset=utf-8"),
        _ => None,
    }
}

/// `GET /pkg/{version}/{file}`.
pub async fn file(
    State(assets): State<Assets>,
    Path((version, name)): Path<(String, String)>,
) -> Response {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    let Some(media_type) = media_type(&name).filter(|_| plain) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(bytes) = tokio::fs::read(assets.dir.join(&name)).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = if version == assets.version {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_changes_with_any_file_and_only_then() {
        let dir = std::env::temp_dir().join(format!("fht-assets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("fuhuitong.js"), "a").unwrap();
        let first = version(&dir);
        assert_eq!(first.len(), 12);
        assert_eq!(version(&dir), first);
        std::fs::write(dir.join("fuhuitong.js"), "b").unwrap();
        assert_ne!(version(&dir), first);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_the_sites_own_kinds_of_file_are_served() {
        assert_eq!(media_type("fuhuitong.wasm"), Some("application/wasm"));
        assert_eq!(media_type("fuhuitong.css"), Some("text/css; charset=utf-8"));
        assert_eq!(media_type("app.db"), None);
        assert_eq!(media_type("noextension"), None);
    }
}

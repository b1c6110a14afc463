//! Checks every feature's form parsers share.

use crate::error::AppError;

/// Trimmed text that must be present and at most `max` characters; the message names
/// `what` in the user's words and lands on `field`.
pub fn required_text(field: &str, raw: &str, what: &str, max: usize) -> Result<String, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(AppError::validation(field, format!("請輸入{what}。")));
    }
    if text.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("{what}最多 {max} 字。"),
        ));
    }
    Ok(text.to_owned())
}

/// Trimmed text that may be empty, at most `max` characters.
pub fn optional_text(field: &str, raw: &str, what: &str, max: usize) -> Result<String, AppError> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("{what}最多 {max} 字。"),
        ));
    }
    Ok(text.to_owned())
}

/// A day typed as the users write it (民國年/月/日, or ISO).
pub fn required_date(field: &str, raw: &str, what: &str) -> Result<chrono::NaiveDate, AppError> {
    crate::dates::parse_date(raw)
        .ok_or_else(|| AppError::validation(field, format!("請輸入{what}（民國年/月/日）。")))
}

/// A day that may be left empty.
pub fn optional_date(
    field: &str,
    raw: &str,
    what: &str,
) -> Result<Option<chrono::NaiveDate>, AppError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        required_date(field, raw, what).map(Some)
    }
}

/// What was typed into a form that was sent back to its own page unsaved (找相似案件 on the
/// question form). Like a refused form's error it travels in the session, for the next
/// request of the page at `to`; never in the URL, which would put the whole text of a
/// question into addresses, logs and histories, and let a link prefill someone's form.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlashedDraft {
    /// The page (path) the draft is for.
    pub to: String,
    /// The form's fields as posted, in order (`form[topic]`, `form[councilor_ids][]` …).
    pub fields: Vec<(String, String)>,
}

impl FlashedDraft {
    /// The first value of `name`.
    pub fn value(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every value of `name`, in order.
    pub fn values(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// This request's draft, if the server took one out of the session for it. Only a
    /// server render has one.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            leptos::prelude::use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<Self>().cloned())
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        Self::default()
    }
}

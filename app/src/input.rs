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

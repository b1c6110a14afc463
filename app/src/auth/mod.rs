//! Accounts, login, sessions and roles.

pub mod guard;
pub mod lockout;
pub mod pages;
pub mod role;
pub mod server_fns;
pub mod session_rules;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;

use crate::error::AppError;
pub use role::Role;
use serde::{Deserialize, Serialize};

/// The signed-in user as the UI sees it: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub bureau_id: Option<i64>,
    pub bureau_name: Option<String>,
    /// Set by an admin (a new account, a reset password): until the user chooses their
    /// own password, that is all they may do.
    #[serde(default)]
    pub must_change_password: bool,
}

/// A login name: 3–32 characters of lowercase letters, digits, `.`, `_` and `-`.
/// Stored lowercased so that `Chen.Li` and `chen.li` are one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let name = raw.trim().to_lowercase();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
        if name.is_empty() {
            return Err(AppError::validation("username", "請輸入帳號。"));
        }
        if !(3..=32).contains(&name.chars().count()) || !name.chars().all(allowed) {
            return Err(AppError::validation(
                "username",
                "帳號須為 3 至 32 個英文小寫字母、數字或 . _ -。",
            ));
        }
        Ok(Self(name))
    }

    /// The form a login attempt is counted under: trimmed and lowercased, but not
    /// validated, so that malformed names are throttled like any other.
    pub fn normalize_attempt(raw: &str) -> String {
        raw.trim().to_lowercase().chars().take(64).collect()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password as typed by an admin or on the command line. Debug never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: String) -> Result<Self, AppError> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(AppError::validation(
                "password",
                format!("密碼至少需要 {} 個字元。", Self::MIN_CHARS),
            ));
        }
        if n > Self::MAX_CHARS {
            return Err(AppError::validation(
                "password",
                format!("密碼最多 {} 個字元。", Self::MAX_CHARS),
            ));
        }
        #[cfg(feature = "ssr")]
        if is_common(&raw) {
            return Err(AppError::validation(
                "password",
                "這個密碼太常見，容易被猜中，請換一個。",
            ));
        }
        Ok(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether a password is on the list shipped with the app (`common_passwords.txt`),
/// compared lowercased and trimmed. Server only: the list stays out of the browser.
#[cfg(feature = "ssr")]
fn is_common(password: &str) -> bool {
    use std::{collections::HashSet, sync::OnceLock};
    static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let common = COMMON.get_or_init(|| {
        include_str!("common_passwords.txt")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });
    common.contains(password.trim().to_lowercase().as_str())
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_trimmed_and_lowercased() {
        assert_eq!(Username::parse("  Chen.Li ").unwrap().as_str(), "chen.li");
    }

    #[test]
    fn usernames_with_spaces_or_chinese_are_refused() {
        assert!(Username::parse("chen li").is_err());
        assert!(Username::parse("陳小明").is_err());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("").is_err());
    }

    #[test]
    fn short_passwords_are_refused_with_a_message_on_the_password_field() {
        let err = NewPassword::parse("short".into()).unwrap_err();
        assert!(err.field_message("password").is_some());
        assert!(NewPassword::parse("long enough pass".into()).is_ok());
    }

    #[test]
    fn passwords_from_twelve_to_128_characters_are_accepted() {
        assert!(NewPassword::parse("eleven char".into()).is_err());
        assert!(NewPassword::parse("府會通密碼十二個字元長度".into()).is_ok());
        assert!(NewPassword::parse("x".repeat(128)).is_ok());
        assert!(NewPassword::parse("x".repeat(129)).is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for common in [
            "1qaz2wsx3edc",
            "QWERTY123456",
            "Taipei101Taipei",
            "password1234",
        ] {
            let err = NewPassword::parse(common.into()).unwrap_err();
            assert!(
                err.field_message("password").unwrap().contains("常見"),
                "{common}"
            );
        }
        assert!(NewPassword::parse("議會質詢 追蹤 2024 春".into()).is_ok());
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let pw = NewPassword::parse("correct horse battery".into()).unwrap();
        assert!(!format!("{pw:?}").contains("horse"));
    }

    #[test]
    fn attempts_are_counted_under_a_normalized_name() {
        assert_eq!(Username::normalize_attempt(" Admin "), "admin");
        assert_eq!(Username::normalize_attempt(&"x".repeat(500)).len(), 64);
    }
}

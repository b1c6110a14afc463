//! Reference data: bureaus, council terms and sessions, councilors.

pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bureau {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_name: String,
}

/// What the recording and assignment forms offer, as (id, label) pairs, newest session
/// first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub sessions: Vec<(i64, String)>,
    pub sitting_types: Vec<(i64, String)>,
    pub councilors: Vec<(i64, String)>,
    pub bureaus: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionKind {
    /// 定期大會
    Regular,
    /// 臨時會
    Extraordinary,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Regular => "regular",
            Self::Extraordinary => "extraordinary",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "regular" => Some(Self::Regular),
            "extraordinary" => Some(Self::Extraordinary),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Regular => "定期大會",
            Self::Extraordinary => "臨時會",
        }
    }
}

/// `第14屆第3次定期大會`
pub fn session_title(term: i64, number: i64, kind: SessionKind) -> String {
    format!("第{term}屆第{number}次{}", kind.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_named_the_way_the_council_names_it() {
        assert_eq!(
            session_title(14, 3, SessionKind::Regular),
            "第14屆第3次定期大會"
        );
        assert_eq!(
            session_title(14, 1, SessionKind::Extraordinary),
            "第14屆第1次臨時會"
        );
    }
}

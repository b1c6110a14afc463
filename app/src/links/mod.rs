//! Status links (狀態連結): a councilor office's private address to the state of its
//! questions and data requests, without an account. The rules are here: what a token looks
//! like, when a link is live, and the plain words an office reads for a case's status; `db`
//! keeps the links and reads only what an office may see.

#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
pub mod server_fns;

use crate::cases::{CaseKind, CaseStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A token is 32 bytes from the OS's random generator (256 bits), written as 43 characters
/// of unpadded base64url.
pub const TOKEN_BYTES: usize = 32;
pub const TOKEN_CHARS: usize = 43;

/// The path under which status pages live (also disallowed in robots.txt).
pub const PATH: &str = "/s/";

/// Whether `raw` has the shape of a token; anything else is not looked up.
pub fn well_formed(raw: &str) -> bool {
    raw.len() == TOKEN_CHARS
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What a link opens: all of a councilor's cases, or one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub councilor_id: i64,
    pub case_id: Option<i64>,
}

text_enum!(LinkState {
    Live = "live" / "有效",
    Expired = "expired" / "已過期",
    Revoked = "revoked" / "已撤銷",
});

impl LinkState {
    /// A link works through its expiry day (Taipei time) unless revoked.
    pub fn of(expires_on: NaiveDate, revoked: bool, today: NaiveDate) -> Self {
        if revoked {
            Self::Revoked
        } else if today > expires_on {
            Self::Expired
        } else {
            Self::Live
        }
    }
}

/// A link as the secretariat's list shows it (never the token: that is shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub id: i64,
    pub councilor: String,
    pub councilor_id: i64,
    /// `質詢 第 12 號`, for a link to one case.
    pub case_label: Option<String>,
    pub case_id: Option<i64>,
    pub expires_on: NaiveDate,
    pub state: LinkState,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

text_enum!(PublicStatus {
    Received = "received" / "已收件",
    InProgress = "in_progress" / "處理中",
    Overdue = "overdue" / "逾期",
    Answered = "answered" / "已答復",
    Delivered = "delivered" / "已提供資料",
});

impl PublicStatus {
    /// The words an office reads: received until a bureau has accepted, in progress (or
    /// overdue, past the due date) until the reply is approved; a data request counts as
    /// answered once data has been delivered. Nothing of the internal steps shows.
    pub fn of(
        kind: CaseKind,
        status: CaseStatus,
        due_on: NaiveDate,
        delivered: bool,
        today: NaiveDate,
    ) -> Self {
        let approved = matches!(status, CaseStatus::Closed | CaseStatus::Tracking);
        match (kind, approved, delivered) {
            (CaseKind::Question, true, _) => Self::Answered,
            (CaseKind::DataRequest, true, _) | (CaseKind::DataRequest, _, true) => Self::Delivered,
            _ if today > due_on => Self::Overdue,
            _ if matches!(status, CaseStatus::Unassigned | CaseStatus::Assigned) => Self::Received,
            _ => Self::InProgress,
        }
    }

    /// The final reply may be shown.
    pub fn answered(self) -> bool {
        matches!(self, Self::Answered | Self::Delivered)
    }
}

/// The most an office may write when it says a reply does not answer.
pub const NOT_AN_ANSWER_MAX_CHARS: usize = 1_000;

/// 答非所問: an office says a reply it received does not answer its question. Allowed on an
/// answered case only (an approved reply, or data delivered); the case goes back to the
/// lead bureau as returned. The comment is required.
pub fn not_an_answer(
    kind: CaseKind,
    status: CaseStatus,
    delivered: bool,
    comment: &str,
) -> Result<CaseStatus, crate::error::AppError> {
    use crate::error::AppError;
    let far = PublicStatus::of(kind, status, NaiveDate::MAX, delivered, NaiveDate::MIN);
    if !far.answered() {
        return Err(AppError::Conflict(
            "這個案件尚未答復，請待答復後再表示意見。".into(),
        ));
    }
    let comment = comment.trim();
    if comment.is_empty() || comment.chars().count() > NOT_AN_ANSWER_MAX_CHARS {
        return Err(AppError::validation(
            "comment",
            format!("請說明答復未回答的部分（{NOT_AN_ANSWER_MAX_CHARS} 字內）。"),
        ));
    }
    Ok(CaseStatus::Returned)
}

/// One case as the status page shows it: only what an office may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCase {
    pub id: i64,
    pub label: String,
    pub topic: String,
    pub status: PublicStatus,
    pub lead_bureau: Option<String>,
    pub due_on: NaiveDate,
    /// The approved reply; empty until approved.
    pub reply: String,
    /// Delivered files: id, name, size in bytes.
    pub files: Vec<(i64, String, i64)>,
}

/// A link just made: its full address, shown this once, and its QR code (SVG).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fresh {
    pub id: i64,
    pub url: String,
    pub qr_svg: String,
}

/// The session key under which a link just made waits for the page that shows it once.
pub const FRESH_KEY: &str = "fresh_status_link";
/// The name a refused link form is flashed under.
pub const LINK_FORM: &str = "status-link";

/// The secretariat's page: the links, and the one just made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinksView {
    pub links: Vec<Link>,
    pub fresh: Option<Fresh>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
    }

    #[test]
    fn only_a_token_of_the_right_shape_is_looked_up() {
        assert!(well_formed(&"a".repeat(43)));
        assert!(well_formed("AZaz09-_AZaz09-_AZaz09-_AZaz09-_AZaz09-_abc"));
        assert!(!well_formed(&"a".repeat(42)));
        assert!(!well_formed(&"a".repeat(44)));
        assert!(!well_formed(&format!("{}=", "a".repeat(42))));
        assert!(!well_formed(&format!("{}/", "a".repeat(42))));
        assert!(!well_formed(&format!("{}臺", "a".repeat(40))));
    }

    #[test]
    fn only_an_answered_case_can_be_called_no_answer_and_a_reason_is_needed() {
        use CaseKind::*;
        use CaseStatus::*;
        assert_eq!(
            not_an_answer(Question, Closed, false, "沒有回答經費"),
            Ok(Returned)
        );
        assert_eq!(not_an_answer(Question, Tracking, false, "x"), Ok(Returned));
        assert_eq!(
            not_an_answer(DataRequest, InProgress, true, "缺少附表"),
            Ok(Returned)
        );
        assert!(not_an_answer(Question, InReview, false, "x").is_err());
        assert!(not_an_answer(DataRequest, Assigned, false, "x").is_err());
        assert!(not_an_answer(Question, Closed, false, "  ").is_err());
        let long = "長".repeat(NOT_AN_ANSWER_MAX_CHARS + 1);
        assert!(not_an_answer(Question, Closed, false, &long).is_err());
    }

    #[test]
    fn a_link_works_through_its_expiry_day_unless_revoked() {
        assert_eq!(LinkState::of(day(10), false, day(10)), LinkState::Live);
        assert_eq!(LinkState::of(day(10), false, day(11)), LinkState::Expired);
        assert_eq!(LinkState::of(day(10), true, day(1)), LinkState::Revoked);
    }

    #[test]
    fn an_office_reads_plain_words_for_every_internal_status() {
        use CaseKind::*;
        use CaseStatus::*;
        let of = |kind, status, delivered, today| {
            PublicStatus::of(kind, status, day(10), delivered, today)
        };
        assert_eq!(
            of(Question, Unassigned, false, day(1)),
            PublicStatus::Received
        );
        assert_eq!(
            of(Question, Assigned, false, day(1)),
            PublicStatus::Received
        );
        for internal in [InProgress, AwaitingSignOff, SignedOff, InReview, Returned] {
            assert_eq!(
                of(Question, internal, false, day(1)),
                PublicStatus::InProgress
            );
            assert_eq!(
                of(Question, internal, false, day(11)),
                PublicStatus::Overdue
            );
        }
        assert_eq!(of(Question, Closed, false, day(20)), PublicStatus::Answered);
        assert_eq!(
            of(Question, Tracking, false, day(1)),
            PublicStatus::Answered
        );
        assert_eq!(
            of(DataRequest, InProgress, true, day(20)),
            PublicStatus::Delivered
        );
        assert_eq!(
            of(DataRequest, Closed, false, day(1)),
            PublicStatus::Delivered
        );
        assert_eq!(
            of(DataRequest, Assigned, false, day(11)),
            PublicStatus::Overdue
        );
        assert!(PublicStatus::Answered.answered() && !PublicStatus::Overdue.answered());
    }
}

//! Status links (狀態連結): a councilor office's private address to the state of its
//! questions and data requests, without an account. The rules are here: what a token looks
//! like, when a link is live, and the plain words an office reads for a case's status; `db`
//! keeps the links and reads only what an office may see.

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod status_page;

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
    /// When it was last mailed to the office, and to how many addresses.
    pub sent_at: Option<i64>,
    pub sent_to: i64,
    /// The office may file new requests through it (a link to all of a councilor's cases).
    #[serde(default)]
    pub filing_enabled: bool,
}

text_enum!(SendReason {
    Issued = "issued" / "建立連結",
    Reissued = "reissued" / "重新發給",
    Answered = "answered" / "案件已答復",
    Delivered = "delivered" / "資料已提供",
    Corrected = "corrected" / "答復已勘誤",
});

/// A councilor office's mail contacts, as the secretariat keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    pub councilor_id: i64,
    /// The office asked not to be mailed: links are handed over by other means.
    pub opted_out: bool,
    /// (id, address), in the order they were added.
    pub addresses: Vec<(i64, String)>,
}

impl Contacts {
    /// Whether mail may go to the office at all.
    pub fn reachable(&self) -> bool {
        !self.opted_out && !self.addresses.is_empty()
    }
}

/// The most addresses one office keeps.
pub const MAX_CONTACTS: usize = 10;

text_enum!(PublicStatus {
    Submitted = "submitted" / "已送出，待受理",
    Refused = "refused" / "不受理",
    Received = "received" / "已收件",
    InProgress = "in_progress" / "處理中",
    Overdue = "overdue" / "逾期",
    Answered = "answered" / "已答復",
    Delivered = "delivered" / "已提供資料",
    Executed = "executed" / "已執行完畢",
    NotExecutable = "not_executable" / "窒礙難行，已函復議會",
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
            _ if status == CaseStatus::Filed => Self::Submitted,
            _ if status == CaseStatus::Refused => Self::Refused,
            // A resolution under tracking is still being carried out; closed, it is done.
            (CaseKind::Resolution, true, _) if status == CaseStatus::Closed => Self::Executed,
            (CaseKind::Resolution, true, _) => Self::InProgress,
            (CaseKind::Question | CaseKind::Service, true, _) => Self::Answered,
            (CaseKind::DataRequest, true, _) | (CaseKind::DataRequest, _, true) => Self::Delivered,
            _ if today > due_on => Self::Overdue,
            _ if matches!(status, CaseStatus::Unassigned | CaseStatus::Assigned) => Self::Received,
            _ => Self::InProgress,
        }
    }

    /// As the liaison office chose to show it: without 逾期, a case past its due date
    /// reads as received or in progress (a delay may be internal: a reply waiting for the
    /// secretariat's check).
    pub fn as_shown(self, shows_overdue: bool, status: CaseStatus) -> Self {
        match self {
            Self::Overdue if !shows_overdue => {
                if matches!(status, CaseStatus::Unassigned | CaseStatus::Assigned) {
                    Self::Received
                } else {
                    Self::InProgress
                }
            }
            other => other,
        }
    }

    /// A closed resolution the reviewer found not executable reads so.
    pub fn not_executable(self, found: bool) -> Self {
        match self {
            Self::Executed if found => Self::NotExecutable,
            other => other,
        }
    }

    /// The final reply may be shown.
    pub fn answered(self) -> bool {
        matches!(
            self,
            Self::Answered | Self::Delivered | Self::Executed | Self::NotExecutable
        )
    }
}

/// The most an office may write when it says a reply does not answer.
pub const NOT_AN_ANSWER_MAX_CHARS: usize = 1_000;

/// Whether a case awaits its office: its answer is final (the reply approved, or the data
/// request closed), so the office may say it does not answer. Data delivered while the
/// bureau is still at work is not yet an answer, and a case sent back is with the bureau
/// until it is answered again: one 答非所問 per answer.
pub fn awaits_office(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Closed | CaseStatus::Tracking)
}

/// 答非所問: an office says a reply it received does not answer its question. Allowed only
/// while the case [`awaits_office`]; the case goes back to the lead bureau as returned. The
/// comment is required.
pub fn not_an_answer(
    status: CaseStatus,
    comment: &str,
) -> Result<CaseStatus, crate::error::AppError> {
    use crate::error::AppError;
    if !awaits_office(status) {
        return Err(AppError::Conflict(
            "這個案件目前沒有待您確認的答復（尚未答復，或已請主辦機關重新答復）。".into(),
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
    /// When it was answered: the day the reply shown was approved (for data, the first
    /// delivery, if sooner); none while pending.
    pub answered_on: Option<NaiveDate>,
    /// The approved reply; empty until approved.
    pub reply: String,
    /// Delivered files: id, name, size in bytes.
    pub files: Vec<(i64, String, i64)>,
    /// The office may say the answer does not answer ([`awaits_office`]).
    pub awaits_office: bool,
    /// Why the secretariat did not take in what the office filed.
    #[serde(default)]
    pub refusal: Option<String>,
    /// A service case's site inspections and coordination meetings: when, where, and what
    /// came of them (never who attended: officers' names stay inside).
    #[serde(default)]
    pub visits: Vec<PublicVisit>,
    /// The council's letter it came under and the city's letter the reply went under.
    #[serde(default)]
    pub letters: crate::cases::LetterNumbers,
    /// The bureau's latest interim reply while the case is unanswered.
    #[serde(default)]
    pub interim: Option<crate::interim::InterimReply>,
    /// Approved corrections of the answer (勘誤), oldest first.
    #[serde(default)]
    pub corrections: Vec<crate::corrections::PublicCorrection>,
}

/// A visit as the office reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicVisit {
    /// `會勘 113/03/20 14:00，石牌路口`
    pub heading: String,
    pub outcome: Option<String>,
}

/// A link just made: its full address, shown this once, and its QR code (SVG).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fresh {
    pub id: i64,
    pub url: String,
    pub qr_svg: String,
    /// How many of the office's addresses it was mailed to (0: not mailed).
    pub mailed: i64,
}

/// A case a one-case link may be for, as the issue form lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseChoice {
    pub id: i64,
    /// 質詢 第 12 號
    pub label: String,
    pub topic: String,
    /// The council session it was raised in, under which the form groups it.
    pub session: String,
}

/// The session key under which a link just made waits for the page that shows it once.
pub const FRESH_KEY: &str = "fresh_status_link";

/// The secretariat's page: the links, and the one just made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinksView {
    pub links: Vec<Link>,
    pub fresh: Option<Fresh>,
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    #[test]
    fn an_office_is_mailed_only_with_an_address_and_without_an_opt_out() {
        let mut c = Contacts {
            councilor_id: 1,
            opted_out: false,
            addresses: vec![],
        };
        assert!(!c.reachable());
        c.addresses
            .push((1, "office@council.example.gov.tw".into()));
        assert!(c.reachable());
        c.opted_out = true;
        assert!(!c.reachable());
    }
}

/// When a new link expires: the day typed, or else the end of the councilor's term; never
/// before today, nor after the term (the office's next councilor is someone else).
pub fn expiry(
    typed: Option<&str>,
    term_end: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, crate::error::AppError> {
    use crate::error::AppError;
    let typed = typed.map(str::trim).filter(|t| !t.is_empty());
    let on = match typed {
        None => term_end,
        Some(t) => crate::dates::parse_date(t)
            .ok_or_else(|| AppError::validation("expires", "請輸入到期日（民國年/月/日）。"))?,
    };
    if on < today {
        return Err(AppError::validation("expires", "到期日不能早於今天。"));
    }
    if on > term_end {
        return Err(AppError::validation(
            "expires",
            format!(
                "到期日不能晚於本屆議員任期結束（{}）。",
                crate::dates::roc_date(term_end)
            ),
        ));
    }
    Ok(on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_expires_at_the_end_of_the_term_unless_an_earlier_day_is_typed() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let (end, today) = (d(2026, 12, 24), d(2026, 12, 3));
        assert_eq!(expiry(None, end, today), Ok(end));
        assert_eq!(expiry(Some(" "), end, today), Ok(end));
        assert_eq!(expiry(Some("115/12/10"), end, today), Ok(d(2026, 12, 10)));
        let field = |r: Result<NaiveDate, crate::error::AppError>| {
            r.unwrap_err().field_message("expires").is_some()
        };
        assert!(field(expiry(Some("115/12/25"), end, today)));
        assert!(field(expiry(Some("115/12/02"), end, today)));
        assert!(field(expiry(Some("262142-12-31"), end, today)));
        assert!(field(expiry(Some("明天"), end, today)));
    }

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
    fn only_a_final_answer_can_be_called_no_answer_once_and_a_reason_is_needed() {
        use CaseStatus::*;
        assert_eq!(not_an_answer(Closed, "沒有回答經費"), Ok(Returned));
        assert_eq!(not_an_answer(Tracking, "x"), Ok(Returned));
        // Data delivered while the bureau still works, a reply in review, and a case the
        // office already sent back are not answers awaiting the office.
        for status in [InProgress, InReview, Assigned, Returned] {
            assert!(not_an_answer(status, "缺少附表").is_err(), "{status:?}");
        }
        assert!(not_an_answer(Closed, "  ").is_err());
        let long = "長".repeat(NOT_AN_ANSWER_MAX_CHARS + 1);
        assert!(not_an_answer(Closed, &long).is_err());
    }

    #[test]
    fn without_overdue_a_late_case_reads_as_received_or_in_progress() {
        use CaseStatus::*;
        let late = PublicStatus::Overdue;
        assert_eq!(late.as_shown(true, InProgress), PublicStatus::Overdue);
        assert_eq!(late.as_shown(false, InReview), PublicStatus::InProgress);
        assert_eq!(late.as_shown(false, Assigned), PublicStatus::Received);
        let done = PublicStatus::Answered;
        assert_eq!(done.as_shown(false, Closed), PublicStatus::Answered);
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
        // A councilor's motion: in progress while tracked, executed once closed, or not
        // executable when the reviewer found so.
        assert_eq!(
            of(Resolution, Tracking, false, day(1)),
            PublicStatus::InProgress
        );
        assert_eq!(
            of(Resolution, Closed, false, day(20)),
            PublicStatus::Executed
        );
        assert_eq!(
            of(Resolution, Closed, false, day(20)).not_executable(true),
            PublicStatus::NotExecutable
        );
        assert_eq!(
            of(Resolution, Tracking, false, day(20)).not_executable(true),
            PublicStatus::InProgress
        );
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
        // What an office filed reads as sent until taken in, or as refused, never overdue.
        assert_eq!(of(Service, Filed, false, day(20)), PublicStatus::Submitted);
        assert_eq!(
            of(DataRequest, Refused, false, day(20)),
            PublicStatus::Refused
        );
        assert_eq!(of(Service, Closed, false, day(1)), PublicStatus::Answered);
        assert_eq!(
            of(Service, InProgress, false, day(11)),
            PublicStatus::Overdue
        );
    }
}

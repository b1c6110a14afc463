//! The letters a case travels by: the council's incoming letter (來文字號) the secretariat
//! records, the city's outgoing letter (發文字號) recorded when an approved reply is sent
//! outside the volume, and the letter draft (函稿) an approved reply to a data request or a
//! question is sent under: 受文者, 主旨, 說明 with the 依據 sentence naming the council's
//! letter, 正本 and 副本, as ODT (`documents`, written by the server). Both numbers are
//! searched with the case's text and shown on the councilor's status page.

pub mod documents;
pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;

use crate::{
    auth::Role,
    cases::{CaseKind, CaseStatus},
    error::{AppError, Problems},
    input::{optional_date, required_text},
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A letter number as offices write them: 議議字第1130001234號.
pub const NUMBER_MAX_CHARS: usize = 40;

fn approved(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Closed | CaseStatus::Tracking)
}

/// The secretariat logs what arrives from the council.
pub fn may_record_incoming(role: Role) -> bool {
    role == Role::Secretariat
}

/// Whoever sends an approved reply records the letter it went under: the secretariat, or
/// the lead bureau (`leads`) that answers a data request directly.
pub fn may_record_outgoing(role: Role, leads: bool, status: CaseStatus) -> bool {
    approved(status)
        && match role {
            Role::Secretariat => true,
            Role::BureauLiaison | Role::BureauApprover => leads,
            Role::Reviewer | Role::Admin => false,
        }
}

/// The draft is of an approved reply to a data request or a question, for those who send
/// or check it: the secretariat, the reviewer and the lead bureau.
pub fn may_draft(role: Role, leads: bool, kind: CaseKind, status: CaseStatus) -> bool {
    matches!(kind, CaseKind::DataRequest | CaseKind::Question)
        && approved(status)
        && match role {
            Role::Secretariat | Role::Reviewer => true,
            Role::BureauLiaison | Role::BureauApprover => leads,
            Role::Admin => false,
        }
}

/// A letter's number and day as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub number: String,
    pub on: NaiveDate,
}

impl LetterForm {
    /// The number is required; the day may be left empty for today, and may not be after it.
    pub fn parse(&self, today: NaiveDate) -> Result<Letter, AppError> {
        let mut p = Problems::new();
        let number = p.check(required_text(
            "number",
            &self.number,
            "公文字號",
            NUMBER_MAX_CHARS,
        ));
        let on = p.check(optional_date("on", &self.on, "日期").and_then(|d| match d {
            Some(d) if d > today => Err(AppError::validation("on", "日期不能晚於今天。")),
            d => Ok(d.unwrap_or(today)),
        }));
        p.finish(|| {
            Some(Letter {
                number: number?,
                on: on?,
            })
        })
    }

    pub fn keep(&self) -> [(&str, &str); 2] {
        [("number", &self.number), ("on", &self.on)]
    }
}

text_enum!(Which {
    Incoming = "incoming" / "來文字號",
    Outgoing = "outgoing" / "發文字號",
});

impl Which {
    /// The day's name beside the number.
    pub fn day_label(self) -> &'static str {
        match self {
            Which::Incoming => "來文日期",
            Which::Outgoing => "發文日期",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
    }

    #[test]
    fn a_letter_needs_its_number_and_takes_today_unless_an_earlier_day_is_typed() {
        let f = LetterForm {
            number: " 議議字第1130001234號 ".into(),
            on: String::new(),
        };
        assert_eq!(
            f.parse(day(15)).unwrap(),
            Letter {
                number: "議議字第1130001234號".into(),
                on: day(15)
            }
        );
        let typed = LetterForm {
            on: "113/03/12".into(),
            ..f.clone()
        };
        assert_eq!(typed.parse(day(15)).unwrap().on, day(12));
        let ahead = LetterForm {
            on: "113/03/16".into(),
            ..f
        };
        assert_eq!(ahead.parse(day(15)).unwrap_err().problems()[0].0, "on");
        let empty = LetterForm::default().parse(day(15)).unwrap_err();
        assert_eq!(empty.problems()[0].0, "number");
    }

    #[test]
    fn the_secretariat_logs_the_councils_letter_and_the_sender_records_its_own() {
        use CaseStatus::*;
        assert!(may_record_incoming(Role::Secretariat));
        assert!(!may_record_incoming(Role::BureauLiaison));
        assert!(may_record_outgoing(Role::Secretariat, false, Closed));
        assert!(may_record_outgoing(Role::BureauApprover, true, Tracking));
        assert!(
            !may_record_outgoing(Role::BureauLiaison, false, Closed),
            "a co-bureau"
        );
        assert!(
            !may_record_outgoing(Role::Secretariat, false, InReview),
            "not yet approved"
        );
        assert!(!may_record_outgoing(Role::Reviewer, false, Closed));
    }

    #[test]
    fn a_draft_is_of_an_approved_reply_to_a_question_or_a_data_request() {
        use CaseStatus::*;
        assert!(may_draft(
            Role::Reviewer,
            false,
            CaseKind::DataRequest,
            Closed
        ));
        assert!(may_draft(
            Role::BureauLiaison,
            true,
            CaseKind::Question,
            Tracking
        ));
        assert!(!may_draft(
            Role::BureauLiaison,
            false,
            CaseKind::Question,
            Closed
        ));
        assert!(!may_draft(
            Role::Secretariat,
            false,
            CaseKind::Resolution,
            Closed
        ));
        assert!(!may_draft(
            Role::Secretariat,
            false,
            CaseKind::DataRequest,
            InProgress
        ));
        assert!(!may_draft(
            Role::Admin,
            false,
            CaseKind::DataRequest,
            Closed
        ));
    }
}

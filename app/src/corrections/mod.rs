//! Corrections (勘誤): an answer already sent to the council corrected by its own text. The
//! lead bureau (or the secretariat) writes what the answer should have said and why; the
//! deputy secretary-general reviews it as a reply, approving it or returning it with a
//! comment. The original stays as sent and each points at the other: the case page and
//! the status page show the original marked as corrected with the correction beside it.
//! On approval the councilor's office is told at once (by mail, when it has contacts), and
//! the next volume sent to the council carries the correction in its corrections section.

pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;

use crate::{
    auth::Role,
    cases::{CaseKind, CaseStatus},
    error::{AppError, Problems},
    input::required_text,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(CorrectionState {
    InReview = "in_review" / "待副秘書長審查",
    Returned = "returned" / "退回修正",
    Approved = "approved" / "審查通過",
});

/// What happens to a correction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Written (or written again after a return) and sent for review.
    Submit,
    Approve,
    Return,
}

impl Step {
    /// The state `self` leads to from `from` (`None` for a new correction), or why not.
    pub fn next(self, from: Option<CorrectionState>) -> Result<CorrectionState, AppError> {
        use CorrectionState::*;
        match (self, from) {
            (Step::Submit, None | Some(Returned)) => Ok(InReview),
            (Step::Submit, Some(InReview)) => Err(AppError::Conflict(
                "這個案件已有一則勘誤待副秘書長審查，請等審查結果。".into(),
            )),
            (Step::Approve, Some(InReview)) => Ok(Approved),
            (Step::Return, Some(InReview)) => Ok(Returned),
            (Step::Approve | Step::Return, _) => Err(AppError::Conflict(
                "這則勘誤已不在審查中，請重新整理頁面。".into(),
            )),
            (Step::Submit, Some(Approved)) => Err(AppError::Conflict(
                "這則勘誤已審查通過；如需再更正，請另提一則勘誤。".into(),
            )),
        }
    }
}

/// The answers that can be corrected: a question's approved reply or a data request's
/// answer, once the reviewer has passed it (the case is closed or still tracked).
pub fn correctable(kind: CaseKind, status: CaseStatus) -> bool {
    matches!(kind, CaseKind::Question | CaseKind::DataRequest)
        && matches!(status, CaseStatus::Closed | CaseStatus::Tracking)
}

/// The lead bureau's officers and the secretariat write a correction.
pub fn may_draft(role: Role, leads: bool, kind: CaseKind, status: CaseStatus) -> bool {
    correctable(kind, status)
        && match role {
            Role::Secretariat => true,
            Role::BureauLiaison | Role::BureauApprover => leads,
            _ => false,
        }
}

/// The reviewer passes a correction, as the reply it corrects.
pub fn may_review(role: Role) -> bool {
    role == Role::Reviewer
}

pub const BODY_MAX_CHARS: usize = crate::cases::LONG_TEXT_MAX_CHARS;
pub const WHY_MAX_CHARS: usize = 500;
pub const COMMENT_MAX_CHARS: usize = 2_000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionForm {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub why: String,
}

/// A correction as typed, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCorrection {
    pub body: String,
    pub why: String,
}

impl CorrectionForm {
    /// Both are required: what the answer should say, and what was wrong.
    pub fn parse(&self, original: &str) -> Result<NewCorrection, AppError> {
        let mut p = Problems::new();
        let body = p.check(
            required_text("body", &self.body, "更正後的內容", BODY_MAX_CHARS).and_then(|b| {
                if b == original.trim() {
                    Err(AppError::validation(
                        "body",
                        "更正後的內容與原答復相同，請寫出更正的內容。",
                    ))
                } else {
                    Ok(b)
                }
            }),
        );
        let why = p.check(required_text("why", &self.why, "勘誤原因", WHY_MAX_CHARS));
        p.finish(|| {
            Some(NewCorrection {
                body: body?,
                why: why?,
            })
        })
    }

    pub fn keep(&self) -> [(&str, &str); 2] {
        [("body", &self.body), ("why", &self.why)]
    }
}

text_enum!(Decision {
    Approve = "approve" / "審查通過",
    Return = "return" / "退回修正",
});

/// The reviewer's decision, checked: a return says why.
pub fn parse_review(decision: &str, comment: &str) -> Result<(Step, String), AppError> {
    let step = match Decision::parse(decision.trim()) {
        Some(Decision::Approve) => Step::Approve,
        Some(Decision::Return) => Step::Return,
        None => return Err(AppError::validation("decision", "請選擇審查結果。")),
    };
    let comment = match step {
        Step::Return => required_text("comment", comment, "退回意見", COMMENT_MAX_CHARS)?,
        _ => crate::input::optional_text("comment", comment, "審查意見", COMMENT_MAX_CHARS)?,
    };
    Ok((step, comment))
}

/// A correction as the case page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub id: i64,
    /// The answer as it read when the correction was started, and the day it was approved.
    pub original: String,
    pub original_on: Option<NaiveDate>,
    pub body: String,
    pub why: String,
    pub state: CorrectionState,
    pub review_comment: String,
    pub drafted_by: String,
    pub drafted_at: i64,
    pub approved_on: Option<NaiveDate>,
    /// The day the volume that carried it was sent to the council.
    pub sent_on: Option<NaiveDate>,
}

/// An approved correction as a councilor's office reads it on the status page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCorrection {
    pub body: String,
    pub why: String,
    pub on: NaiveDate,
}

/// A correction waiting for someone: the reviewer's to review, a bureau's returned ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub case_id: i64,
    pub label: String,
    pub topic: String,
    pub state: CorrectionState,
    pub why: String,
}

/// `113/04/02 勘誤：…`, the flag an original carries once corrected.
pub fn flag(on: NaiveDate) -> String {
    format!("本答復已於 {} 勘誤", crate::dates::roc_date(on))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_is_reviewed_once_and_written_again_only_after_a_return() {
        use CorrectionState::*;
        assert_eq!(Step::Submit.next(None).unwrap(), InReview);
        assert_eq!(Step::Approve.next(Some(InReview)).unwrap(), Approved);
        assert_eq!(Step::Return.next(Some(InReview)).unwrap(), Returned);
        assert_eq!(Step::Submit.next(Some(Returned)).unwrap(), InReview);
        for (step, from) in [
            (Step::Submit, Some(InReview)),
            (Step::Submit, Some(Approved)),
            (Step::Approve, Some(Returned)),
            (Step::Approve, Some(Approved)),
            (Step::Return, Some(Approved)),
            (Step::Approve, None),
        ] {
            assert!(
                matches!(step.next(from), Err(AppError::Conflict(_))),
                "{step:?} from {from:?}"
            );
        }
    }

    #[test]
    fn only_answers_already_passed_by_the_reviewer_are_corrected() {
        use CaseStatus::*;
        for status in CaseStatus::ALL.iter().copied() {
            let ok = matches!(status, Closed | Tracking);
            assert_eq!(correctable(CaseKind::Question, status), ok, "{status:?}");
        }
        assert!(correctable(CaseKind::DataRequest, Closed));
        assert!(!correctable(CaseKind::Service, Closed));
        assert!(!correctable(CaseKind::Resolution, Tracking));
    }

    #[test]
    fn the_lead_bureau_and_the_secretariat_write_and_the_reviewer_reviews() {
        let q = CaseKind::Question;
        let closed = CaseStatus::Closed;
        assert!(may_draft(Role::BureauLiaison, true, q, closed));
        assert!(may_draft(Role::BureauApprover, true, q, closed));
        assert!(may_draft(Role::Secretariat, false, q, closed));
        assert!(
            !may_draft(Role::BureauLiaison, false, q, closed),
            "a co-bureau"
        );
        assert!(!may_draft(Role::Reviewer, false, q, closed));
        assert!(!may_draft(Role::Admin, false, q, closed));
        assert!(!may_draft(
            Role::BureauLiaison,
            true,
            q,
            CaseStatus::InReview
        ));
        assert!(may_review(Role::Reviewer));
        assert!(!may_review(Role::Secretariat));
    }

    #[test]
    fn a_correction_says_something_new_and_why() {
        let form = CorrectionForm {
            body: "  本案經費應為 1.2 億元。 ".into(),
            why: "原答復誤植金額。".into(),
        };
        let c = form.parse("本案經費為 12 億元。").unwrap();
        assert_eq!(c.body, "本案經費應為 1.2 億元。");
        let same = CorrectionForm {
            body: "本案經費為 12 億元。".into(),
            ..form.clone()
        };
        assert_eq!(
            same.parse("本案經費為 12 億元。").unwrap_err().problems()[0].0,
            "body"
        );
        let empty = CorrectionForm::default().parse("x").unwrap_err();
        let fields: Vec<String> = empty.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["body", "why"]);
    }

    #[test]
    fn a_return_says_why_and_an_approval_need_not() {
        assert_eq!(parse_review("approve", "").unwrap().0, Step::Approve);
        assert_eq!(
            parse_review("return", " ").unwrap_err().problems()[0].0,
            "comment"
        );
        assert_eq!(
            parse_review("return", "請補充數據來源").unwrap(),
            (Step::Return, "請補充數據來源".to_owned())
        );
        assert_eq!(
            parse_review("maybe", "").unwrap_err().problems()[0].0,
            "decision"
        );
    }
}

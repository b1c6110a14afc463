//! Grouped and referral answers (併案答復, 援引答復). Several questions on one subject, often
//! from several councilors in several sittings, are answered by one reply: the lead bureau
//! groups the others under one question (the anchor), writes the reply there once, and when
//! the reviewer approves it every grouped question is approved with the same text. Or a new
//! question asks what an earlier one already asked: the lead bureau refers to that approved
//! answer (within a window the admin sets), its reply quotes it, and it is reviewed as any
//! reply. The similar-case list offers both; the volume prints each reply once and notes
//! the grouping.

pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;

use crate::{
    auth::Role,
    cases::{CaseKind, CaseStatus},
    error::AppError,
};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

text_enum!(ShareKind {
    Grouped = "grouped" / "併案答復",
    Referral = "referral" / "援引答復",
});

/// How far back an approved answer may be referred to, unless the admin sets otherwise.
pub const WINDOW_DEFAULT_MONTHS: u32 = 24;
pub const WINDOW_MAX_MONTHS: u32 = 120;

/// The lead bureau's officers link its case's reply to another.
pub fn may_link(role: Role, leads: bool) -> bool {
    matches!(role, Role::BureauLiaison | Role::BureauApprover) && leads
}

/// A case as the linking rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub kind: CaseKind,
    pub status: CaseStatus,
    /// The bureau leading it, once it accepted.
    pub lead: Option<i64>,
    /// It is already answered through another case.
    pub linked: bool,
    /// Other questions are grouped under it.
    pub anchors: bool,
    /// The day its reply was first approved.
    pub approved_on: Option<NaiveDate>,
}

/// While its lead bureau is writing the reply (accepted, not yet sent up).
fn drafting(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::InProgress | CaseStatus::Returned)
}

/// Whether `member` may be grouped under `anchor`: two questions of the same lead bureau,
/// both still being written; the member neither linked already nor an anchor itself, the
/// anchor not grouped under another.
pub fn check_group(anchor: &Candidate, member: &Candidate) -> Result<(), AppError> {
    let refuse = |why: &str| Err(AppError::Conflict(why.into()));
    if anchor.kind != CaseKind::Question || member.kind != CaseKind::Question {
        return refuse("只有質詢可以併案答復。");
    }
    if !drafting(anchor.status) || !drafting(member.status) {
        return refuse("兩案都須在主辦機關撰寫答復中（辦理中或退回修正），才能併案答復。");
    }
    if anchor.lead.is_none() || anchor.lead != member.lead {
        return refuse("只有同一主辦機關的質詢可以併案答復。");
    }
    if anchor.linked {
        return refuse("本案已併入或援引其他案件的答復，請在該案併案。");
    }
    if member.linked || member.anchors {
        return refuse("該案已與其他案件併案或援引答復，請先取消。");
    }
    Ok(())
}

/// Whether `case` may answer by referring to `source`: the case a question still being
/// written and not linked; the source a question approved within `months` of `today`,
/// led by the same bureau.
pub fn check_referral(
    case: &Candidate,
    source: &Candidate,
    today: NaiveDate,
    months: u32,
) -> Result<(), AppError> {
    let refuse = |why: String| Err(AppError::Conflict(why));
    if case.kind != CaseKind::Question || source.kind != CaseKind::Question {
        return refuse("只有質詢可以援引先前的答復。".into());
    }
    if !drafting(case.status) {
        return refuse("本案須在撰寫答復中（辦理中或退回修正），才能援引先前的答復。".into());
    }
    if case.linked || case.anchors {
        return refuse("本案已與其他案件併案或援引答復，請先取消。".into());
    }
    let Some(approved_on) = source
        .approved_on
        .filter(|_| matches!(source.status, CaseStatus::Closed | CaseStatus::Tracking))
    else {
        return refuse("只能援引已審查通過的答復。".into());
    };
    if source.lead.is_none() || source.lead != case.lead {
        return refuse("只能援引本機關主辦案件的答復。".into());
    }
    if !within_window(approved_on, today, months) {
        return refuse(format!(
            "只能援引 {months} 個月內審查通過的答復；該答復於 {} 通過。",
            crate::dates::roc_date(approved_on)
        ));
    }
    Ok(())
}

/// An answer approved on `approved_on` may still be referred to on `today`.
pub fn within_window(approved_on: NaiveDate, today: NaiveDate, months: u32) -> bool {
    today
        .checked_sub_months(Months::new(months))
        .is_none_or(|from| approved_on >= from)
}

/// The window the admin typed: whole months, 1 to [`WINDOW_MAX_MONTHS`].
pub fn parse_window(raw: &str) -> Result<u32, AppError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=WINDOW_MAX_MONTHS).contains(m))
        .ok_or_else(|| {
            AppError::validation(
                "months",
                format!("請輸入 1 至 {WINDOW_MAX_MONTHS} 的整數（月）。"),
            )
        })
}

/// The reply a referral starts from: the earlier answer quoted, with its question and day.
/// The bureau may add to it before sending it up.
pub fn referral_text(label: &str, approved_on: NaiveDate, reply: &str) -> String {
    format!(
        "本案所詢事項，業於{}以{}答復，答復內容如下：\n\n{}",
        crate::dates::roc_long_date(approved_on),
        label,
        reply
    )
}

/// A case linked to another, as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Linked {
    pub case_id: i64,
    /// `質詢 第 12 號`
    pub label: String,
    pub councilors: String,
    pub kind: ShareKind,
}

/// The case page's part: what this case is answered through, what is answered through it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    pub through: Option<Linked>,
    pub members: Vec<Linked>,
    /// The viewer may undo the link of this case (or of a member) while it is written.
    pub can_unlink: bool,
}

/// What the similar-case list offers the lead bureau for one similar case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub case_id: i64,
    pub kind: ShareKind,
}

impl Offer {
    /// The button's words.
    pub fn words(self) -> &'static str {
        match self.kind {
            ShareKind::Grouped => "併入本案一併答復",
            ShareKind::Referral => "援引此答復",
        }
    }
}

/// The volume's note on a question whose reply is printed with another question: the
/// reply is printed once, there.
pub fn printed_with(kind: ShareKind, label: &str) -> String {
    match kind {
        ShareKind::Grouped => format!("本題與{label}併案答復，答復內容見該題。"),
        ShareKind::Referral => format!("本題援引{label}之答復，答復內容見該題。"),
    }
}

/// The volume's note under an anchor's reply: the questions it answers too.
pub fn answers_also(labels: &[String]) -> String {
    format!("本答復併同答復：{}。", labels.join("、"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(status: CaseStatus, lead: i64) -> Candidate {
        Candidate {
            kind: CaseKind::Question,
            status,
            lead: Some(lead),
            linked: false,
            anchors: false,
            approved_on: None,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn two_questions_of_one_bureau_being_written_are_grouped() {
        use CaseStatus::*;
        assert!(check_group(&q(InProgress, 1), &q(Returned, 1)).is_ok());
        for (anchor, member) in [
            (q(InProgress, 1), q(InProgress, 2)),
            (q(InReview, 1), q(InProgress, 1)),
            (q(InProgress, 1), q(Assigned, 1)),
            (q(InProgress, 1), q(Closed, 1)),
            (
                Candidate {
                    linked: true,
                    ..q(InProgress, 1)
                },
                q(InProgress, 1),
            ),
            (
                q(InProgress, 1),
                Candidate {
                    anchors: true,
                    ..q(InProgress, 1)
                },
            ),
            (
                q(InProgress, 1),
                Candidate {
                    kind: CaseKind::DataRequest,
                    ..q(InProgress, 1)
                },
            ),
        ] {
            assert!(
                matches!(check_group(&anchor, &member), Err(AppError::Conflict(_))),
                "{anchor:?} {member:?}"
            );
        }
    }

    #[test]
    fn a_referral_is_to_the_bureaus_own_approved_answer_within_the_window() {
        use CaseStatus::*;
        let today = day(2026, 3, 20);
        let source = Candidate {
            approved_on: Some(day(2024, 3, 20)),
            ..q(Closed, 1)
        };
        assert!(check_referral(&q(InProgress, 1), &source, today, 24).is_ok());
        let older = Candidate {
            approved_on: Some(day(2024, 3, 19)),
            ..source
        };
        let Err(AppError::Conflict(why)) = check_referral(&q(InProgress, 1), &older, today, 24)
        else {
            panic!("past the window");
        };
        assert!(why.contains("24 個月"), "{why}");
        assert!(check_referral(&q(InProgress, 1), &older, today, 36).is_ok());
        for (case, source) in [
            (q(InProgress, 2), source),
            (q(InReview, 1), source),
            (
                q(InProgress, 1),
                Candidate {
                    approved_on: None,
                    ..q(InProgress, 1)
                },
            ),
            (
                Candidate {
                    linked: true,
                    ..q(InProgress, 1)
                },
                source,
            ),
        ] {
            assert!(
                check_referral(&case, &source, today, 24).is_err(),
                "{case:?} {source:?}"
            );
        }
    }

    #[test]
    fn the_window_is_whole_months_within_bounds() {
        assert_eq!(parse_window(" 24 ").unwrap(), 24);
        for bad in ["0", "121", "-1", "兩年", ""] {
            assert_eq!(parse_window(bad).unwrap_err().problems()[0].0, "months");
        }
    }

    #[test]
    fn a_referral_quotes_the_earlier_answer_with_its_question_and_day() {
        let text = referral_text("質詢 第 5 號", day(2024, 3, 20), "已研議改善方案。");
        assert!(text.starts_with("本案所詢事項，業於"), "{text}");
        assert!(text.contains("113年3月20日以質詢 第 5 號答復"), "{text}");
        assert!(text.ends_with("已研議改善方案。"));
        assert_eq!(
            printed_with(ShareKind::Grouped, "質詢 第 5 號"),
            "本題與質詢 第 5 號併案答復，答復內容見該題。"
        );
        assert_eq!(
            answers_also(&["質詢 第 6 號".into(), "質詢 第 9 號".into()]),
            "本答復併同答復：質詢 第 6 號、質詢 第 9 號。"
        );
    }
}

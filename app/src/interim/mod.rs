//! Interim replies and agreed extensions (期中答復, 延後, 分批): a lead bureau that cannot
//! answer by the due date tells the councilor's office what it knows so far, why it needs
//! more time and by when it will answer. When the office agrees to the later day or to
//! delivery in batches, the bureau records who agreed; the due date moves, and a reply by
//! then is on time after an agreed extension (the reports count it apart from on time and
//! late). Without an agreement the due date stands. The status page shows the interim
//! reply and the new date.

pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;

use crate::{
    auth::Role,
    cases::CaseStatus,
    error::{AppError, Problems},
    input::{optional_text, required_date, required_text},
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(Agreement {
    None = "none" / "尚待議員辦公室同意",
    Later = "later" / "議員辦公室同意延後",
    Batches = "batches" / "議員辦公室同意分批提供",
});

impl Agreement {
    /// The due date moves only on the office's word.
    pub fn moves_due(self) -> bool {
        self != Agreement::None
    }
}

pub const KNOWN_MAX_CHARS: usize = 2_000;
pub const WHY_MAX_CHARS: usize = 500;
pub const WHO_MAX_CHARS: usize = 40;

/// The lead bureau, while it is answering (not before it accepted, not once the reply is
/// with the secretariat or the reviewer).
pub fn may_record(role: Role, leads: bool, status: CaseStatus) -> bool {
    matches!(role, Role::BureauLiaison | Role::BureauApprover)
        && leads
        && matches!(
            status,
            CaseStatus::InProgress | CaseStatus::Returned | CaseStatus::AwaitingSignOff
        )
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterimForm {
    #[serde(default)]
    pub known: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub new_due_on: String,
    #[serde(default)]
    pub agreement: String,
    #[serde(default)]
    pub agreed_with: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInterim {
    pub known: String,
    pub why: String,
    pub new_due_on: NaiveDate,
    pub agreement: Agreement,
    /// Who at the office agreed (empty without an agreement).
    pub agreed_with: String,
}

impl InterimForm {
    /// Every mistake on its field: what is known and why more time are required; the new
    /// date must be after the current due date and not before today; an agreement names
    /// who agreed.
    pub fn parse(&self, today: NaiveDate, due_on: NaiveDate) -> Result<NewInterim, AppError> {
        let mut p = Problems::new();
        let known = p.check(required_text(
            "known",
            &self.known,
            "目前已掌握的內容",
            KNOWN_MAX_CHARS,
        ));
        let why = p.check(required_text(
            "why",
            &self.why,
            "需要更多時間的原因",
            WHY_MAX_CHARS,
        ));
        let new_due_on = p.check(
            required_date("new_due_on", &self.new_due_on, "預定答復日期").and_then(|d| {
                if d <= due_on {
                    Err(AppError::validation(
                        "new_due_on",
                        format!(
                            "預定答復日期須晚於目前期限 {}。",
                            crate::dates::roc_date(due_on)
                        ),
                    ))
                } else if d < today {
                    Err(AppError::validation(
                        "new_due_on",
                        "預定答復日期不能早於今天。",
                    ))
                } else {
                    Ok(d)
                }
            }),
        );
        let agreement = p.check(match self.agreement.trim() {
            "" => Ok(Agreement::None),
            code => Agreement::parse(code)
                .ok_or_else(|| AppError::validation("agreement", "請從清單中選擇。")),
        });
        let agreed_with = p.check(
            optional_text("agreed_with", &self.agreed_with, "同意的人", WHO_MAX_CHARS).and_then(
                |who| match agreement {
                    Some(a) if a.moves_due() && who.is_empty() => Err(AppError::validation(
                        "agreed_with",
                        "請填寫議員辦公室同意的人（例如：林議員辦公室王助理）。",
                    )),
                    Some(Agreement::None) => Ok(String::new()),
                    _ => Ok(who),
                },
            ),
        );
        p.finish(|| {
            Some(NewInterim {
                known: known?,
                why: why?,
                new_due_on: new_due_on?,
                agreement: agreement?,
                agreed_with: agreed_with?,
            })
        })
    }

    pub fn keep(&self) -> [(&str, &str); 5] {
        [
            ("known", &self.known),
            ("why", &self.why),
            ("new_due_on", &self.new_due_on),
            ("agreement", &self.agreement),
            ("agreed_with", &self.agreed_with),
        ]
    }
}

/// An interim reply as the case page and the status page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterimReply {
    pub known: String,
    pub why: String,
    pub previous_due_on: NaiveDate,
    pub new_due_on: NaiveDate,
    pub agreement: Agreement,
    pub agreed_with: String,
    /// The day it was sent.
    pub on: NaiveDate,
}

impl InterimReply {
    /// `預定 113/04/10 答復（議員辦公室同意延後）`
    pub fn sentence(&self) -> String {
        format!(
            "預定 {} 答復（{}）",
            crate::dates::roc_date(self.new_due_on),
            self.agreement.label()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
    }

    fn form() -> InterimForm {
        InterimForm {
            known: "已完成三處基地統計。".into(),
            why: "其餘基地資料須向營建署調閱。".into(),
            new_due_on: "113/03/29".into(),
            agreement: "later".into(),
            agreed_with: "林議員辦公室王助理".into(),
        }
    }

    #[test]
    fn an_agreed_later_date_moves_the_due_date_and_names_who_agreed() {
        let i = form().parse(day(15), day(20)).unwrap();
        assert_eq!((i.new_due_on, i.agreement), (day(29), Agreement::Later));
        assert!(i.agreement.moves_due());
        let missing = InterimForm {
            agreed_with: String::new(),
            ..form()
        };
        assert_eq!(
            missing.parse(day(15), day(20)).unwrap_err().problems()[0].0,
            "agreed_with"
        );
    }

    #[test]
    fn without_the_offices_word_the_due_date_stands_and_who_agreed_is_dropped() {
        let i = InterimForm {
            agreement: String::new(),
            ..form()
        }
        .parse(day(15), day(20))
        .unwrap();
        assert_eq!(i.agreement, Agreement::None);
        assert!(!i.agreement.moves_due());
        assert!(i.agreed_with.is_empty());
    }

    #[test]
    fn the_new_date_must_be_after_the_due_date_and_not_past() {
        for (typed, due) in [("113/03/20", day(20)), ("113/03/18", day(10))] {
            let f = InterimForm {
                new_due_on: typed.into(),
                ..form()
            };
            let err = f.parse(day(19), due).unwrap_err();
            assert_eq!(err.problems()[0].0, "new_due_on", "{typed}");
        }
        let empty = InterimForm::default().parse(day(15), day(20)).unwrap_err();
        let fields: Vec<String> = empty.problems().into_iter().map(|(f, _)| f).collect();
        for f in ["known", "why", "new_due_on"] {
            assert!(fields.contains(&f.to_owned()), "{f}");
        }
    }

    #[test]
    fn only_the_lead_bureau_while_answering_sends_an_interim_reply() {
        use CaseStatus::*;
        assert!(may_record(Role::BureauLiaison, true, InProgress));
        assert!(may_record(Role::BureauApprover, true, Returned));
        assert!(
            !may_record(Role::BureauLiaison, false, InProgress),
            "a co-bureau"
        );
        assert!(
            !may_record(Role::BureauLiaison, true, Assigned),
            "not accepted yet"
        );
        assert!(!may_record(Role::BureauLiaison, true, InReview));
        assert!(!may_record(Role::Secretariat, true, InProgress));
    }
}

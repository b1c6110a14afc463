//! Promises made in session (會後補資料): answering a question orally, the mayor or a bureau
//! head says the figures will follow after the meeting. The secretariat, who sits in the
//! chamber, records the promise on the question: who promised, what, by when (the `promise`
//! rule, five working days, unless a day is typed) and which bureau delivers. It becomes a
//! data request of the question's councilor assigned to that bureau, so it is tracked,
//! chased and counted as any other; the question and the request link to each other, and
//! the written-reply volume lists the promised material under its question.

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

/// Who promised, as the minutes name them (市長, 都市發展局局長 …).
pub const BY_MAX_CHARS: usize = 40;
/// What was promised.
pub const WHAT_MAX_CHARS: usize = 1_000;
/// The data request's topic: the promise's opening words after its prefix.
const TOPIC_OPENING_CHARS: usize = 60;

/// Only the secretariat records a promise: it sits in the chamber and assigns the request
/// that carries it.
pub fn may_record(role: Role, kind: CaseKind, status: CaseStatus) -> bool {
    role == Role::Secretariat
        && kind == CaseKind::Question
        && !matches!(status, CaseStatus::Filed | CaseStatus::Refused)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseForm {
    #[serde(default)]
    pub promised_by: String,
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub bureau_id: String,
    #[serde(default)]
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPromise {
    pub promised_by: String,
    pub what: String,
    pub bureau_id: i64,
    /// Typed; `None` counts the `promise` rule from today.
    pub due_on: Option<NaiveDate>,
}

impl PromiseForm {
    pub fn parse(&self, today: NaiveDate) -> Result<NewPromise, AppError> {
        let mut p = Problems::new();
        let promised_by = p.check(required_text(
            "promised_by",
            &self.promised_by,
            "承諾人",
            BY_MAX_CHARS,
        ));
        let what = p.check(required_text(
            "what",
            &self.what,
            "承諾提供的資料",
            WHAT_MAX_CHARS,
        ));
        let bureau_id = p.check(
            self.bureau_id
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| AppError::validation("bureau_id", "請選擇提供資料的局處。")),
        );
        let due_on = p.check(optional_date("due_on", &self.due_on, "提供期限").and_then(
            |d| match d {
                Some(d) if d < today => {
                    Err(AppError::validation("due_on", "提供期限不能早於今天。"))
                }
                d => Ok(d),
            },
        ));
        p.finish(|| {
            Some(NewPromise {
                promised_by: promised_by?,
                what: what?,
                bureau_id: bureau_id?,
                due_on: due_on?,
            })
        })
    }

    pub fn keep(&self) -> [(&str, &str); 4] {
        [
            ("promised_by", &self.promised_by),
            ("what", &self.what),
            ("bureau_id", &self.bureau_id),
            ("due_on", &self.due_on),
        ]
    }
}

impl NewPromise {
    /// The data request's topic: `質詢第 12 號會後補資料：近三年社宅申請人數…`.
    pub fn topic(&self, question_number: i64) -> String {
        let mut opening: String = self
            .what
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(TOPIC_OPENING_CHARS)
            .collect();
        if self.what.chars().count() > TOPIC_OPENING_CHARS {
            opening.push('…');
        }
        format!("質詢第 {question_number} 號會後補資料：{opening}")
    }

    /// The data request's text: what was promised, and by whom.
    pub fn body(&self) -> String {
        format!(
            "{}\n\n（{}於質詢答詢時承諾會後提供。）",
            self.what, self.promised_by
        )
    }

    /// Why the request is due when it is, as the case page shows it beside the due day.
    pub fn due_reason(&self) -> String {
        match self.due_on {
            Some(_) => format!("{}承諾的提供日期", self.promised_by),
            None => "會後補資料（質詢時承諾）期限".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
    }

    fn form() -> PromiseForm {
        PromiseForm {
            promised_by: "都市發展局局長".into(),
            what: "提供近三年社會住宅申請人數與中籤率統計".into(),
            bureau_id: "3".into(),
            due_on: String::new(),
        }
    }

    #[test]
    fn a_promise_left_without_a_day_is_due_by_the_rule() {
        let p = form().parse(day(15)).unwrap();
        assert_eq!(p.due_on, None);
        assert_eq!(p.bureau_id, 3);
        assert_eq!(p.due_reason(), "會後補資料（質詢時承諾）期限");
    }

    #[test]
    fn a_promised_day_may_not_be_past_and_every_mistake_is_named_on_its_field() {
        let mut f = form();
        f.due_on = "113/03/14".into();
        let err = f.parse(day(15)).unwrap_err();
        assert!(err.problems().iter().any(|(f, _)| f == "due_on"));
        f.due_on = "113/03/22".into();
        let p = f.parse(day(15)).unwrap();
        assert_eq!(p.due_on, Some(day(22)));
        assert_eq!(p.due_reason(), "都市發展局局長承諾的提供日期");

        let empty = PromiseForm::default().parse(day(15)).unwrap_err();
        let fields: Vec<String> = empty.problems().into_iter().map(|(f, _)| f).collect();
        assert!(fields.contains(&"promised_by".to_owned()));
        assert!(fields.contains(&"what".to_owned()));
        assert!(fields.contains(&"bureau_id".to_owned()));
        let long = PromiseForm {
            promised_by: "長".repeat(BY_MAX_CHARS + 1),
            ..form()
        };
        assert!(long.parse(day(15)).is_err());
    }

    #[test]
    fn the_requests_topic_names_the_question_and_opens_the_promise() {
        let p = form().parse(day(15)).unwrap();
        assert_eq!(
            p.topic(12),
            "質詢第 12 號會後補資料：提供近三年社會住宅申請人數與中籤率統計"
        );
        let long = NewPromise {
            what: "統計".repeat(40),
            ..p.clone()
        };
        assert!(long.topic(12).ends_with('…'));
        assert!(p
            .body()
            .ends_with("（都市發展局局長於質詢答詢時承諾會後提供。）"));
    }

    #[test]
    fn only_the_secretariat_records_a_promise_and_only_on_a_question_taken_in() {
        assert!(may_record(
            Role::Secretariat,
            CaseKind::Question,
            CaseStatus::InProgress
        ));
        assert!(may_record(
            Role::Secretariat,
            CaseKind::Question,
            CaseStatus::Closed
        ));
        assert!(!may_record(
            Role::Secretariat,
            CaseKind::DataRequest,
            CaseStatus::InProgress
        ));
        assert!(!may_record(
            Role::Secretariat,
            CaseKind::Question,
            CaseStatus::Filed
        ));
        for role in [
            Role::BureauLiaison,
            Role::BureauApprover,
            Role::Reviewer,
            Role::Admin,
        ] {
            assert!(!may_record(
                role,
                CaseKind::Question,
                CaseStatus::InProgress
            ));
        }
    }
}

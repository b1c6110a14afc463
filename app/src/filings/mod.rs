//! Councilor offices filing their own data requests and service cases through their status
//! link (no account: the link is the caller). What an office files arrives as a case in
//! status `filed`, recorded by the link; the secretariat takes it in (it then waits to be
//! assigned like any other) or refuses it with a reason the office reads on its page. The
//! rules are here; `db` stores, `office_page` is the office's form, the secretariat's
//! buttons are on the case page.

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod office_page;
pub mod pages;
pub mod server_fns;

use crate::{
    cases::{CaseStatus, NewDataRequest, Priority, LONG_TEXT_MAX_CHARS},
    error::{AppError, Problems},
    input::required_text,
    service::{ServiceCase, ServiceFields},
};
use serde::{Deserialize, Serialize};

/// How many cases one link may file in a Taipei day unless the secretariat sets
/// `link_filings_per_day`: an office files a few a day; a leaked link cannot fill the queue.
pub const DEFAULT_PER_DAY: i64 = 10;

/// The most a refusal's reason may hold.
pub const REASON_MAX_CHARS: usize = 500;

text_enum!(FilingKind {
    DataRequest = "data-request" / "索取資料",
    Service = "service" / "服務案件",
});

/// The data request form on the status link: what is asked, how urgent, who to call back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequestFiling {
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub within_three_days: Option<String>,
    #[serde(default)]
    pub contact: String,
}

/// What an office files, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filing {
    DataRequest {
        topic: String,
        body: String,
        priority: Priority,
        within_three_days: bool,
        contact: String,
    },
    Service(ServiceCase),
}

impl Filing {
    /// The office's form, by kind, from its fields (a multipart post: one value a name).
    pub fn parse(
        kind: FilingKind,
        fields: &std::collections::HashMap<String, String>,
    ) -> Result<Self, AppError> {
        let get = |name: &str| fields.get(name).cloned().unwrap_or_default();
        match kind {
            FilingKind::DataRequest => DataRequestFiling {
                topic: get("topic"),
                body: get("body"),
                priority: get("priority"),
                within_three_days: fields.get("within_three_days").cloned(),
                contact: get("contact"),
            }
            .parse(),
            FilingKind::Service => {
                let form = ServiceFields {
                    category_id: get("category_id"),
                    district: get("district"),
                    address: get("address"),
                    topic: get("topic"),
                    body: get("body"),
                    office_contact: get("contact"),
                    constituent_name: get("constituent_name"),
                    constituent_phone: get("constituent_phone"),
                };
                let mut p = Problems::new();
                let case = form.check(&mut p);
                p.finish(|| case.map(Filing::Service))
            }
        }
    }

    /// Who in the office to call back.
    pub fn contact(&self) -> &str {
        match self {
            Self::DataRequest { contact, .. } => contact,
            Self::Service(case) => &case.office_contact,
        }
    }

    /// The data request it makes in `session_id` for `councilor_id`, received `now`.
    pub fn data_request(
        &self,
        session_id: i64,
        councilor_id: i64,
        now: i64,
    ) -> Option<NewDataRequest> {
        match self {
            Self::DataRequest {
                topic,
                body,
                priority,
                within_three_days,
                ..
            } => Some(NewDataRequest {
                session_id,
                councilor_id,
                topic: topic.clone(),
                body: body.clone(),
                received_at: now,
                priority: *priority,
                within_three_days: *within_three_days,
                due: None,
            }),
            Self::Service(_) => None,
        }
    }
}

impl DataRequestFiling {
    pub fn parse(&self) -> Result<Filing, AppError> {
        let mut p = Problems::new();
        let topic = p.check(required_text("topic", &self.topic, "索資主旨", 200));
        let body = p.check(required_text(
            "body",
            &self.body,
            "索取資料項目",
            LONG_TEXT_MAX_CHARS,
        ));
        // An office that does not choose asks for an ordinary one.
        let priority = match self.priority.trim() {
            "" => Some(Priority::Ordinary),
            raw => p.check(
                Priority::parse(raw)
                    .ok_or_else(|| AppError::validation("priority", "請選擇速別。")),
            ),
        };
        let contact = p.check(required_text("contact", &self.contact, "聯絡人與電話", 100));
        p.finish(|| {
            Some(Filing::DataRequest {
                topic: topic?,
                body: body?,
                priority: priority?,
                within_three_days: self.within_three_days.is_some(),
                contact: contact?,
            })
        })
    }
}

/// Whether a link may file one more today: filing is on for it, and it has filed fewer than
/// `per_day` since midnight (Taipei).
pub fn may_file(enabled: bool, filed_today: i64, per_day: i64) -> Result<(), AppError> {
    if !enabled {
        return Err(AppError::Forbidden);
    }
    if filed_today >= per_day {
        return Err(AppError::Conflict(format!(
            "今天已由此連結送出 {per_day} 件，已達每日上限；請明天再送，或洽府會聯絡人員。"
        )));
    }
    Ok(())
}

/// The secretariat takes a filed case in: it waits to be assigned like any other.
pub fn take_in(status: CaseStatus) -> Result<CaseStatus, AppError> {
    match status {
        CaseStatus::Filed => Ok(CaseStatus::Unassigned),
        _ => Err(AppError::Conflict(
            "這件已處理過（已受理或不受理），請重新整理頁面。".into(),
        )),
    }
}

/// The secretariat refuses a filed case, with the reason the office will read.
pub fn refuse(status: CaseStatus, reason: &str) -> Result<(CaseStatus, String), AppError> {
    let reason = required_text("reason", reason, "不受理的理由", REASON_MAX_CHARS)?;
    take_in(status)?;
    Ok((CaseStatus::Refused, reason))
}

/// The per-day limit as the secretariat typed it: 1 to 100.
pub fn parse_per_day(raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=100).contains(n))
        .ok_or_else(|| AppError::validation("per_day", "每日上限請填 1 到 100 之間的整數。"))
}

/// A case an office filed, as the secretariat's queue and the case page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingFacts {
    pub filed_at: i64,
    pub contact: String,
    /// Decided: when, by whom, and the reason of a refusal.
    pub decided: Option<(i64, String)>,
    pub refusal_reason: Option<String>,
    /// Attached files: id, name, size.
    pub files: Vec<(i64, String, i64)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_office_files_a_data_request_with_a_contact_and_an_ordinary_priority_by_default() {
        let f = fields(&[
            ("topic", "路燈維護經費"),
            ("body", "近三年各區路燈維護經費明細"),
            ("contact", "助理 王先生 0912-000-000"),
        ]);
        let filing = Filing::parse(FilingKind::DataRequest, &f).unwrap();
        let r = filing.data_request(3, 9, 1_700_000_000).unwrap();
        assert_eq!((r.session_id, r.councilor_id), (3, 9));
        assert_eq!(r.priority, Priority::Ordinary);
        assert!(
            r.due.is_none(),
            "an office cannot type over the rules' due date"
        );
        assert_eq!(filing.contact(), "助理 王先生 0912-000-000");
    }

    #[test]
    fn an_office_form_with_mistakes_names_each_field() {
        let err =
            Filing::parse(FilingKind::DataRequest, &fields(&[("priority", "立刻")])).unwrap_err();
        for field in ["topic", "body", "priority", "contact"] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
        let err = Filing::parse(FilingKind::Service, &fields(&[])).unwrap_err();
        for field in ["category_id", "topic", "body"] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
    }

    #[test]
    fn a_link_files_while_filing_is_on_and_under_the_day_limit() {
        assert!(may_file(true, 9, 10).is_ok());
        assert!(matches!(may_file(true, 10, 10), Err(AppError::Conflict(_))));
        assert_eq!(may_file(false, 0, 10), Err(AppError::Forbidden));
    }

    #[test]
    fn only_a_filed_case_is_taken_in_or_refused_and_a_refusal_says_why() {
        assert_eq!(take_in(CaseStatus::Filed), Ok(CaseStatus::Unassigned));
        assert!(take_in(CaseStatus::Refused).is_err());
        assert!(take_in(CaseStatus::Unassigned).is_err());
        assert_eq!(
            refuse(CaseStatus::Filed, " 非本府權責，請洽中央主管機關 "),
            Ok((CaseStatus::Refused, "非本府權責，請洽中央主管機關".into()))
        );
        assert!(refuse(CaseStatus::Filed, "  ").is_err());
        assert!(refuse(CaseStatus::Filed, &"長".repeat(REASON_MAX_CHARS + 1)).is_err());
        assert!(refuse(CaseStatus::Unassigned, "重複").is_err());
    }

    #[test]
    fn the_day_limit_is_between_one_and_a_hundred() {
        assert_eq!(parse_per_day(" 10 "), Ok(10));
        for wrong in ["0", "101", "十"] {
            assert!(parse_per_day(wrong).is_err(), "{wrong}");
        }
    }
}

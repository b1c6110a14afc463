//! Councilors' service cases (議員服務案件): a constituent's problem a councilor brings to the
//! city — a broken streetlight, a permit stuck in a bureau. A case of kind `service` on the
//! case machinery (parts, due dates, the reply chain, tracking), with what only it has: a
//! category, the place, the office's contact, and the constituent's name and phone, which are
//! personal data (個資): shown to the secretariat and the bureaus holding a part only, never
//! written into an event (the timeline cannot forget), and deleted once the case has been
//! closed for the retention period the admin sets.

#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
pub mod server_fns;

use crate::{
    auth::Role,
    error::{AppError, Problems},
    input::{optional_text, required_text},
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The most a topic, an address, a name … may hold: the limits of the other case forms.
pub const TOPIC_MAX_CHARS: usize = 200;
pub const BODY_MAX_CHARS: usize = crate::cases::LONG_TEXT_MAX_CHARS;
pub const DISTRICT_MAX_CHARS: usize = 20;
pub const ADDRESS_MAX_CHARS: usize = 200;
pub const CONTACT_MAX_CHARS: usize = 100;
pub const NAME_MAX_CHARS: usize = 50;
pub const PHONE_MAX_CHARS: usize = 30;

/// How long the constituent's name and phone stay after the case closed, unless the admin
/// sets `personal_data_days`.
pub const DEFAULT_RETENTION_DAYS: i64 = 365;

text_enum!(VisitKind {
    Inspection = "inspection" / "會勘",
    Coordination = "coordination" / "協調會",
});

pub const PLACE_MAX_CHARS: usize = 200;
pub const ATTENDEES_MAX_CHARS: usize = 200;
pub const OUTCOME_MAX_CHARS: usize = 2_000;
/// Bureaus a visit form offers rows for.
pub const VISIT_BUREAU_ROWS: usize = 4;

/// A site inspection or coordination meeting as scheduled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVisit {
    pub kind: VisitKind,
    pub held_on: NaiveDate,
    /// `HH:MM`, or empty when only the day is set.
    pub starts_at: String,
    pub place: String,
    /// The bureaus attending and who from each.
    pub bureaus: Vec<(i64, String)>,
}

/// The visit form as sent: `bureau[]` and `attendees[]` pair up by position; rows left
/// empty are skipped.
pub fn parse_visit(
    kind: &str,
    held_on: &str,
    starts_at: &str,
    place: &str,
    bureaus: &[String],
    attendees: &[String],
) -> Result<NewVisit, AppError> {
    let mut p = Problems::new();
    let kind = p.check(
        VisitKind::parse(kind).ok_or_else(|| AppError::validation("kind", "請選擇會勘或協調會。")),
    );
    let held_on = p.check(
        crate::dates::parse_date(held_on)
            .ok_or_else(|| AppError::validation("held_on", "請輸入日期（民國年/月/日）。")),
    );
    let starts_at = p.check(time_of_day(starts_at));
    let place = p.check(required_text("place", place, "地點", PLACE_MAX_CHARS));
    let mut chosen: Vec<(i64, String)> = Vec::new();
    for (i, raw) in bureaus.iter().enumerate() {
        let who = attendees.get(i).map(|a| a.trim()).unwrap_or_default();
        if raw.trim().is_empty() {
            continue;
        }
        let Some(id) = raw.trim().parse::<i64>().ok().filter(|id| *id > 0) else {
            p.check::<()>(Err(AppError::validation("bureau", "請選擇出席機關。")));
            continue;
        };
        if chosen.iter().any(|(b, _)| *b == id) {
            p.check::<()>(Err(AppError::validation("bureau", "同一機關請只列一次。")));
            continue;
        }
        if who.chars().count() > ATTENDEES_MAX_CHARS {
            p.check::<()>(Err(AppError::validation(
                "attendees",
                format!("出席人員最多 {ATTENDEES_MAX_CHARS} 字。"),
            )));
            continue;
        }
        chosen.push((id, who.to_owned()));
    }
    if chosen.is_empty() {
        p.check::<()>(Err(AppError::validation(
            "bureau",
            "請至少列出一個出席機關。",
        )));
    }
    p.finish(|| {
        Some(NewVisit {
            kind: kind?,
            held_on: held_on?,
            starts_at: starts_at?,
            place: place?,
            bureaus: chosen,
        })
    })
}

/// `14:00`, `9:30` → `09:30`; empty stays empty.
fn time_of_day(raw: &str) -> Result<String, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    chrono::NaiveTime::parse_from_str(raw, "%H:%M")
        .map(|t| t.format("%H:%M").to_string())
        .map_err(|_| AppError::validation("starts_at", "時間請填 時:分，例如 14:00。"))
}

/// The outcome of a visit, as typed.
pub fn parse_outcome(raw: &str) -> Result<String, AppError> {
    required_text("outcome", raw, "會勘或協調結果", OUTCOME_MAX_CHARS)
}

/// A visit as the case page and the status page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub id: i64,
    pub kind: VisitKind,
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    /// Bureau name and who attends from it.
    pub bureaus: Vec<(String, String)>,
    pub outcome: Option<String>,
}

/// Who may schedule a visit or record its outcome: the secretariat, or the lead bureau while
/// it holds the case; and only while the case is being worked (taken in, not closed).
pub fn may_arrange_visit(role: Role, leads: bool, status: crate::cases::CaseStatus) -> bool {
    use crate::cases::CaseStatus::*;
    let open = !matches!(status, Filed | Refused | Closed);
    open && match role {
        Role::Secretariat => true,
        Role::BureauLiaison | Role::BureauApprover => leads,
        Role::Reviewer | Role::Admin => false,
    }
}

/// A category of service case (道路, 交通 …), as forms list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
}

/// What a service case is about, typed by the secretariat or by the office through its
/// link: the same fields and limits either way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFields {
    #[serde(default)]
    pub category_id: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub office_contact: String,
    #[serde(default)]
    pub constituent_name: String,
    #[serde(default)]
    pub constituent_phone: String,
}

/// The constituent (陳情人), kept apart from the case ([`db`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constituent {
    pub name: String,
    pub phone: String,
}

impl Constituent {
    pub fn is_empty(&self) -> bool {
        self.name.is_empty() && self.phone.is_empty()
    }
}

/// A service case's fields, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCase {
    pub category_id: i64,
    pub district: String,
    pub address: String,
    pub topic: String,
    pub body: String,
    pub office_contact: String,
    pub constituent: Constituent,
}

/// A phone number as people write it: digits, with spaces, dashes, parentheses, a leading
/// + and an extension (#, 分機); empty is allowed.
fn phone(raw: &str) -> Result<String, AppError> {
    let text = raw.trim();
    let wrong = || {
        AppError::validation(
            "constituent_phone",
            format!("電話請填數字（可含 - ( ) # 與分機），{PHONE_MAX_CHARS} 字內。"),
        )
    };
    if text.chars().count() > PHONE_MAX_CHARS {
        return Err(wrong());
    }
    let rest = text.replace("分機", "#");
    let ok = rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+' | '#'))
        && (text.is_empty() || rest.chars().any(|c| c.is_ascii_digit()));
    if ok {
        Ok(text.to_owned())
    } else {
        Err(wrong())
    }
}

impl ServiceFields {
    /// Adds this form's mistakes to `p`; the case when there are none.
    pub fn check(&self, p: &mut Problems) -> Option<ServiceCase> {
        let category_id = p.check(
            self.category_id
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| AppError::validation("category_id", "請選擇案件類別。")),
        );
        let district = p.check(optional_text(
            "district",
            &self.district,
            "行政區",
            DISTRICT_MAX_CHARS,
        ));
        let address = p.check(optional_text(
            "address",
            &self.address,
            "地點",
            ADDRESS_MAX_CHARS,
        ));
        let topic = p.check(required_text("topic", &self.topic, "案由", TOPIC_MAX_CHARS));
        let body = p.check(required_text(
            "body",
            &self.body,
            "陳情事項",
            BODY_MAX_CHARS,
        ));
        let office_contact = p.check(optional_text(
            "office_contact",
            &self.office_contact,
            "辦公室聯絡人",
            CONTACT_MAX_CHARS,
        ));
        let name = p.check(optional_text(
            "constituent_name",
            &self.constituent_name,
            "陳情人姓名",
            NAME_MAX_CHARS,
        ));
        let phone = p.check(phone(&self.constituent_phone));
        Some(ServiceCase {
            category_id: category_id?,
            district: district?,
            address: address?,
            topic: topic?,
            body: body?,
            office_contact: office_contact?,
            constituent: Constituent {
                name: name?,
                phone: phone?,
            },
        })
    }

    /// The fields as typed, for showing the form again after a refusal.
    pub fn echo(&self) -> Vec<(String, String)> {
        [
            ("category_id", &self.category_id),
            ("district", &self.district),
            ("address", &self.address),
            ("topic", &self.topic),
            ("body", &self.body),
            ("office_contact", &self.office_contact),
            ("constituent_name", &self.constituent_name),
            ("constituent_phone", &self.constituent_phone),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

/// A service case the secretariat records from a call: the councilor and session, when the
/// call came, and the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceForm {
    pub session_id: String,
    pub councilor_id: String,
    pub received_at: String,
    #[serde(flatten)]
    pub fields: ServiceFields,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewServiceCase {
    pub session_id: i64,
    pub councilor_id: i64,
    pub received_at: i64,
    pub case: ServiceCase,
}

impl ServiceForm {
    pub fn parse(&self) -> Result<NewServiceCase, AppError> {
        let mut p = Problems::new();
        let id = |field: &str, raw: &str, message: &str| {
            raw.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| AppError::validation(field, message))
        };
        let session_id = p.check(id("session_id", &self.session_id, "請選擇會期。"));
        let councilor_id = p.check(id("councilor_id", &self.councilor_id, "請選擇議員。"));
        let received_at = p.check(
            crate::dates::parse_taipei_datetime(&self.received_at).ok_or_else(|| {
                AppError::validation("received_at", "請輸入收件時間（民國年/月/日 時:分）。")
            }),
        );
        let case = self.fields.check(&mut p);
        p.finish(|| {
            Some(NewServiceCase {
                session_id: session_id?,
                councilor_id: councilor_id?,
                received_at: received_at?,
                case: case?,
            })
        })
    }

    pub fn echo(&self) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("session_id".to_owned(), self.session_id.clone()),
            ("councilor_id".to_owned(), self.councilor_id.clone()),
            ("received_at".to_owned(), self.received_at.clone()),
        ];
        pairs.extend(self.fields.echo());
        pairs
    }
}

/// What the case page shows of the constituent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonalView {
    /// The viewer may see it, and it is kept.
    Shown(Constituent),
    /// Kept, but not for this viewer's eyes.
    Withheld,
    /// Deleted after the retention period, on that day.
    Removed(NaiveDate),
    /// None was given.
    NotGiven,
}

/// A service case's own facts, as the case page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFacts {
    pub category: String,
    pub district: String,
    pub address: String,
    pub office_contact: String,
    pub constituent: PersonalView,
    /// Site inspections and coordination meetings, soonest first.
    #[serde(default)]
    pub visits: Vec<Visit>,
    /// The viewer may schedule one and record outcomes.
    #[serde(default)]
    pub can_arrange: bool,
}

/// Who may read a constituent's name and phone: the secretariat, and users of a bureau that
/// holds a part in the case (`holds_part`). Not the reviewer, not the admin: neither needs
/// them to do their work (個資法 §5: no more than the purpose needs).
pub fn may_see_personal_data(role: Role, holds_part: bool) -> bool {
    match role {
        Role::Secretariat => true,
        Role::BureauLiaison | Role::BureauApprover => holds_part,
        Role::Reviewer | Role::Admin => false,
    }
}

/// Whether a case's personal data has outlived its retention: the case is finished (closed,
/// or refused when filed) and has not changed for `days` days. A case reopened by 答非所問
/// is not finished, and its clock starts again when it closes again.
pub fn retention_over(finished: bool, last_change: NaiveDate, today: NaiveDate, days: i64) -> bool {
    finished && (today - last_change).num_days() >= days
}

/// The retention period as the admin typed it: whole days, at least 30 (a reply may still be
/// questioned) and at most ten years.
pub fn parse_retention_days(raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (30..=3_650).contains(d))
        .ok_or_else(|| AppError::validation("days", "個資保存天數請填 30 到 3650 之間的整數。"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> ServiceFields {
        ServiceFields {
            category_id: "3".into(),
            district: "中山區".into(),
            address: "民生東路二段 100 號前".into(),
            topic: "路燈故障".into(),
            body: "路燈三盞不亮已兩週。".into(),
            office_contact: "助理 陳小姐 02-2725-0000".into(),
            constituent_name: "林先生".into(),
            constituent_phone: "0912-345-678".into(),
        }
    }

    #[test]
    fn a_service_case_needs_a_category_a_topic_and_what_is_asked() {
        let mut p = Problems::new();
        let case = filled().check(&mut p).unwrap();
        assert_eq!(case.constituent.name, "林先生");
        assert!(p.finish(|| Some(())).is_ok());

        let mut p = Problems::new();
        assert!(ServiceFields::default().check(&mut p).is_none());
        let err = p.finish(|| Some(())).unwrap_err();
        for field in ["category_id", "topic", "body"] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
        assert!(err.field_message("constituent_name").is_none());
    }

    #[test]
    fn a_phone_is_digits_with_the_marks_people_write_and_nothing_else() {
        for ok in [
            "",
            "02-2725-8000",
            "(02) 2725 8000 分機 123",
            "+886 912 345 678",
            "0912345678#12",
        ] {
            assert!(phone(ok).is_ok(), "{ok}");
        }
        for wrong in [
            "林先生",
            "<b>0912</b>",
            "--",
            &"1".repeat(PHONE_MAX_CHARS + 1),
        ] {
            assert!(phone(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn every_field_has_its_limit() {
        let mut long = filled();
        long.address = "路".repeat(ADDRESS_MAX_CHARS + 1);
        long.constituent_name = "名".repeat(NAME_MAX_CHARS + 1);
        long.district = "區".repeat(DISTRICT_MAX_CHARS + 1);
        let mut p = Problems::new();
        long.check(&mut p);
        let err = p.finish(|| Some(())).unwrap_err();
        for field in ["address", "constituent_name", "district"] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
    }

    #[test]
    fn only_the_secretariat_and_a_bureau_with_a_part_read_the_constituent() {
        assert!(may_see_personal_data(Role::Secretariat, false));
        assert!(may_see_personal_data(Role::BureauLiaison, true));
        assert!(may_see_personal_data(Role::BureauApprover, true));
        assert!(!may_see_personal_data(Role::BureauLiaison, false));
        assert!(!may_see_personal_data(Role::Reviewer, false));
        assert!(!may_see_personal_data(Role::Admin, false));
    }

    #[test]
    fn personal_data_goes_once_a_finished_case_has_rested_for_the_retention_period() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        assert!(retention_over(true, d(1, 1), d(2, 1), 31));
        assert!(!retention_over(true, d(1, 1), d(1, 31), 31));
        assert!(!retention_over(false, d(1, 1), d(12, 31), 31));
    }

    #[test]
    fn a_visit_needs_its_kind_day_place_and_at_least_one_bureau() {
        let rows = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let visit = parse_visit(
            "inspection",
            "113/03/20",
            "9:30",
            "石牌路口",
            &rows(&["3", "", "5"]),
            &rows(&["王科長", "", "李股長"]),
        )
        .unwrap();
        assert_eq!(visit.starts_at, "09:30");
        assert_eq!(
            visit.bureaus,
            vec![(3, "王科長".into()), (5, "李股長".into())]
        );
        let err = parse_visit("tea", "昨天", "25:00", " ", &[], &[]).unwrap_err();
        for field in ["kind", "held_on", "starts_at", "place", "bureau"] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
        let twice = parse_visit(
            "coordination",
            "113/03/20",
            "",
            "里民活動中心",
            &rows(&["3", "3"]),
            &[],
        );
        assert!(twice.unwrap_err().field_message("bureau").is_some());
    }

    #[test]
    fn the_secretariat_and_the_lead_bureau_arrange_visits_while_the_case_is_worked() {
        use crate::cases::CaseStatus::*;
        assert!(may_arrange_visit(Role::Secretariat, false, Unassigned));
        assert!(may_arrange_visit(Role::BureauLiaison, true, InProgress));
        assert!(may_arrange_visit(Role::BureauApprover, true, Tracking));
        assert!(!may_arrange_visit(Role::BureauLiaison, false, InProgress));
        assert!(!may_arrange_visit(Role::Reviewer, false, InProgress));
        for done in [Filed, Refused, Closed] {
            assert!(
                !may_arrange_visit(Role::Secretariat, false, done),
                "{done:?}"
            );
        }
    }

    #[test]
    fn the_retention_period_is_between_a_month_and_ten_years() {
        assert_eq!(parse_retention_days(" 365 "), Ok(365));
        for wrong in ["29", "3651", "一年", ""] {
            assert!(parse_retention_days(wrong).is_err(), "{wrong}");
        }
    }
}

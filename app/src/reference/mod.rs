//! Reference data: bureaus, council terms and sessions, councilors, sitting types. The
//! admin keeps them in `pages`; the input types below check themselves.

pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod db;

use crate::{dates::parse_date, error::AppError, input::required_text};
use chrono::NaiveDate;
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
    /// Service cases' categories (道路, 交通 …).
    #[serde(default)]
    pub service_categories: Vec<(i64, String)>,
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

/// Everything the reference-data page lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceData {
    pub terms: Vec<Term>,
    pub sessions: Vec<SessionRow>,
    pub councilors: Vec<CouncilorRow>,
    pub bureaus: Vec<BureauRow>,
    pub sitting_types: Vec<SittingTypeRow>,
    /// Service cases' categories (道路, 交通 …).
    #[serde(default)]
    pub service_categories: Vec<ServiceCategoryRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCategoryRow {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub id: i64,
    pub number: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: i64,
    pub term_id: i64,
    pub kind: SessionKind,
    pub number: i64,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilorRow {
    pub id: i64,
    pub term_id: i64,
    pub term: i64,
    pub name: String,
    pub party: String,
    pub caucus: String,
    pub district: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BureauRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingTypeRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
    /// Other names councils' lists give it (總質詢 for 市政總質詢), by id.
    pub aliases: Vec<(i64, String)>,
}

/// The kinds of reference rows that can be retired (and brought back) without deleting
/// anything that cases point to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Retirable {
    Bureau,
    Councilor,
    SittingType,
    ServiceCategory,
}

impl Retirable {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "bureau" => Some(Self::Bureau),
            "councilor" => Some(Self::Councilor),
            "sitting_type" => Some(Self::SittingType),
            "service_category" => Some(Self::ServiceCategory),
            _ => None,
        }
    }

    pub fn table(self) -> &'static str {
        match self {
            Self::Bureau => "bureaus",
            Self::Councilor => "councilors",
            Self::SittingType => "sitting_types",
            Self::ServiceCategory => "service_categories",
        }
    }
}

fn positive(field: &str, raw: &str, what: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=1000).contains(n))
        .ok_or_else(|| AppError::validation(field, format!("請輸入{what}（正整數）。")))
}

fn period(starts_on: &str, ends_on: &str) -> Result<(NaiveDate, NaiveDate), AppError> {
    let start = parse_date(starts_on)
        .ok_or_else(|| AppError::validation("starts_on", "請輸入開始日期（民國年/月/日）。"))?;
    let end = parse_date(ends_on)
        .ok_or_else(|| AppError::validation("ends_on", "請輸入結束日期（民國年/月/日）。"))?;
    if end < start {
        return Err(AppError::validation(
            "ends_on",
            "結束日期不可早於開始日期。",
        ));
    }
    Ok((start, end))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTerm {
    pub number: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl NewTerm {
    pub fn parse(number: &str, starts_on: &str, ends_on: &str) -> Result<Self, AppError> {
        let number = positive("number", number, "屆次")?;
        let (starts_on, ends_on) = period(starts_on, ends_on)?;
        Ok(Self {
            number,
            starts_on,
            ends_on,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub term_id: i64,
    pub kind: SessionKind,
    pub number: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl NewSession {
    pub fn parse(
        term_id: &str,
        kind: &str,
        number: &str,
        starts_on: &str,
        ends_on: &str,
    ) -> Result<Self, AppError> {
        let term_id = term_id
            .trim()
            .parse()
            .map_err(|_| AppError::validation("term_id", "請選擇屆別。"))?;
        let kind = SessionKind::parse(kind)
            .ok_or_else(|| AppError::validation("kind", "請選擇定期大會或臨時會。"))?;
        let number = positive("number", number, "會次")?;
        let (starts_on, ends_on) = period(starts_on, ends_on)?;
        Ok(Self {
            term_id,
            kind,
            number,
            starts_on,
            ends_on,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilorInput {
    pub term_id: i64,
    pub name: String,
    pub party: String,
    pub caucus: String,
    pub district: String,
}

impl CouncilorInput {
    pub fn parse(
        term_id: &str,
        name: &str,
        party: &str,
        caucus: &str,
        district: &str,
    ) -> Result<Self, AppError> {
        let optional = |field: &str, raw: &str, what: &str| -> Result<String, AppError> {
            if raw.trim().is_empty() {
                Ok(String::new())
            } else {
                required_text(field, raw, what, 30)
            }
        };
        Ok(Self {
            term_id: term_id
                .trim()
                .parse()
                .map_err(|_| AppError::validation("term_id", "請選擇屆別。"))?,
            name: required_text("name", name, "議員姓名", 60)?,
            party: optional("party", party, "政黨")?,
            caucus: optional("caucus", caucus, "黨團")?,
            district: optional("district", district, "選區")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BureauInput {
    pub code: String,
    pub name: String,
    pub short_name: String,
}

impl BureauInput {
    pub fn parse(code: &str, name: &str, short_name: &str) -> Result<Self, AppError> {
        let code = code.trim().to_uppercase();
        if !(2..=12).contains(&code.len())
            || !code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(AppError::validation(
                "code",
                "代碼須為 2 至 12 個英文字母、數字或底線，例如 DOT。",
            ));
        }
        Ok(Self {
            code,
            name: required_text("name", name, "機關全名", 40)?,
            short_name: required_text("short_name", short_name, "簡稱", 10)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_period_must_not_end_before_it_starts() {
        let err = NewSession::parse("1", "regular", "3", "113/06/03", "113/03/05").unwrap_err();
        assert!(err.field_message("ends_on").is_some());
        let ok = NewSession::parse("1", "extraordinary", "1", "113/07/01", "113/07/10").unwrap();
        assert_eq!(ok.kind, SessionKind::Extraordinary);
        assert!(NewSession::parse("1", "weekly", "1", "113/07/01", "113/07/10").is_err());
    }

    #[test]
    fn bureau_codes_are_short_uppercase_words() {
        assert_eq!(
            BureauInput::parse(" dot ", "交通局", "交通局")
                .unwrap()
                .code,
            "DOT"
        );
        assert!(BureauInput::parse("交通", "交通局", "交通局")
            .unwrap_err()
            .field_message("code")
            .is_some());
        assert!(BureauInput::parse("DOT", "", "交通局")
            .unwrap_err()
            .field_message("name")
            .is_some());
    }

    #[test]
    fn a_councilor_needs_a_name_and_a_term_but_nothing_else() {
        let c = CouncilorInput::parse("2", "林示範", "", "", "").unwrap();
        assert_eq!((c.term_id, c.party.as_str()), (2, ""));
        assert!(CouncilorInput::parse("2", " ", "", "", "")
            .unwrap_err()
            .field_message("name")
            .is_some());
        assert!(CouncilorInput::parse("x", "林", "", "", "")
            .unwrap_err()
            .field_message("term_id")
            .is_some());
    }

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

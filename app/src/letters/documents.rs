//! The letter draft (函稿) of an approved reply, as the document model the ODT writer reads:
//! the sending office, 受文者, the date and number (left to fill in until the letter is
//! sent), 速別, 主旨, 說明 with the 依據 sentence naming the council's letter, the reply, and
//! 正本 / 副本.

use crate::{
    cases::{CaseDetail, CaseKind, LetterNumbers, PartRole, PartState, Priority},
    city::City,
    dates::{roc_date, roc_long_date},
    document::Document,
};
use chrono::NaiveDate;

const TO_FILL: &str = "（發文時填寫）";

/// What a draft says, taken from the case page's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterFacts {
    pub kind: CaseKind,
    pub number: i64,
    pub topic: String,
    pub reply: String,
    pub councilors: Vec<String>,
    /// The lead bureau that answers, if one holds the case.
    pub lead: Option<String>,
    pub priority: Option<Priority>,
    /// A question's sitting and its day.
    pub sitting: Option<(String, NaiveDate)>,
    /// The day a data request came in.
    pub received_on: Option<NaiveDate>,
    pub letters: LetterNumbers,
    pub has_files: bool,
}

impl LetterFacts {
    pub fn of(case: &CaseDetail) -> Self {
        Self {
            kind: case.kind,
            number: case.number,
            topic: case.topic.clone(),
            reply: case.reply.clone(),
            councilors: case.councilors.clone(),
            lead: case
                .parts
                .iter()
                .find(|p| {
                    p.role == PartRole::Lead
                        && matches!(p.state, PartState::Pending | PartState::Accepted)
                })
                .map(|p| p.bureau.clone()),
            priority: case.priority,
            sitting: case.sitting.clone(),
            received_on: case.received_at.and_then(crate::dates::taipei_date),
            letters: case.letters.clone(),
            has_files: !case.deliveries.is_empty(),
        }
    }

    /// `質詢第12號函稿`
    pub fn file_name(&self) -> String {
        format!("{}第{}號函稿", self.kind.label(), self.number)
    }
}

/// The 依據 sentence: the council's letter when recorded, else what the councilor asked.
fn basis(f: &LetterFacts, city: &City) -> String {
    if !f.letters.incoming_number.is_empty() {
        let on = f
            .letters
            .incoming_on
            .map(|d| format!(" {} ", roc_date(d)))
            .unwrap_or_default();
        return format!(
            "依據{}{on}{}函辦理。",
            city.council, f.letters.incoming_number
        );
    }
    match (f.kind, &f.sitting, f.received_on) {
        (CaseKind::Question, Some((sitting, on)), _) => {
            format!("復 貴議員 {} {}之質詢。", roc_date(*on), sitting)
        }
        (_, _, Some(on)) => format!("復 貴議員 {} 索取資料。", roc_date(on)),
        _ => "復 貴議員索取資料。".to_owned(),
    }
}

pub fn draft(f: &LetterFacts, city: &City) -> Document {
    let sender = match &f.lead {
        Some(bureau) => format!("{}{bureau}", city.government),
        None => city.government.clone(),
    };
    let to = f
        .councilors
        .iter()
        .map(|c| format!("{c}議員"))
        .collect::<Vec<_>>()
        .join("、");
    let subject = match f.kind {
        CaseKind::Question => format!("有關 貴議員質詢「{}」乙案，復如說明，請查照。", f.topic),
        _ => format!("檢送 貴議員索取「{}」相關資料，請查照。", f.topic),
    };
    let sent_on = f
        .letters
        .outgoing_on
        .map(roc_long_date)
        .unwrap_or_else(|| TO_FILL.into());
    let number = if f.letters.outgoing_number.is_empty() {
        TO_FILL.to_owned()
    } else {
        f.letters.outgoing_number.clone()
    };
    Document::new(format!("{sender} 函（稿）"))
        .heading(1, format!("{sender} 函（稿）"))
        .paragraph(format!("受文者：{}{to}", city.council))
        .paragraph(format!("發文日期：{sent_on}"))
        .paragraph(format!("發文字號：{number}"))
        .paragraph(format!(
            "速別：{}",
            f.priority.unwrap_or(Priority::Ordinary).label()
        ))
        .paragraph(format!("附件：{}", if f.has_files { "如文" } else { "無" }))
        .paragraph(format!("主旨：{subject}"))
        .paragraph("說明：")
        .paragraph(format!("一、{}", basis(f, city)))
        .paragraph(format!("二、{}", f.reply))
        .paragraph(format!("正本：{to}"))
        .paragraph(format!("副本：{}{}", city.government, city.liaison_unit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    fn city() -> City {
        City {
            government: "臺北市政府".into(),
            council: "臺北市議會".into(),
            liaison_unit: "秘書處".into(),
            contact: String::new(),
        }
    }

    fn facts(kind: CaseKind) -> LetterFacts {
        LetterFacts {
            kind,
            number: 7,
            topic: "社會住宅中籤率".into(),
            reply: "檢附近三年統計如附件。".into(),
            councilors: vec!["林雨彤".into()],
            lead: Some("都市發展局".into()),
            priority: Some(Priority::Urgent),
            sitting: None,
            received_on: NaiveDate::from_ymd_opt(2024, 3, 12),
            letters: LetterNumbers::default(),
            has_files: true,
        }
    }

    fn lines(d: &Document) -> Vec<String> {
        d.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(t) | Block::Heading { text: t, .. } => Some(t.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_draft_names_the_councils_letter_in_its_basis_once_it_is_recorded() {
        let mut f = facts(CaseKind::DataRequest);
        let before = lines(&draft(&f, &city()));
        assert_eq!(before[0], "臺北市政府都市發展局 函（稿）");
        assert!(before.contains(&"受文者：臺北市議會林雨彤議員".to_owned()));
        assert!(before.contains(&"發文字號：（發文時填寫）".to_owned()));
        assert!(before.contains(&"速別：速件".to_owned()));
        assert!(before
            .contains(&"主旨：檢送 貴議員索取「社會住宅中籤率」相關資料，請查照。".to_owned()));
        assert!(before.contains(&"一、復 貴議員 113/03/12 索取資料。".to_owned()));
        f.letters = LetterNumbers {
            incoming_number: "議議字第1130001234號".into(),
            incoming_on: NaiveDate::from_ymd_opt(2024, 3, 11),
            outgoing_number: "府都新字第1133012345號".into(),
            outgoing_on: NaiveDate::from_ymd_opt(2024, 3, 20),
        };
        let after = lines(&draft(&f, &city()));
        assert!(
            after.contains(&"一、依據臺北市議會 113/03/11 議議字第1130001234號函辦理。".to_owned())
        );
        assert!(after.contains(&"發文字號：府都新字第1133012345號".to_owned()));
        assert!(after.contains(&"二、檢附近三年統計如附件。".to_owned()));
        assert!(after.contains(&"副本：臺北市政府秘書處".to_owned()));
    }

    #[test]
    fn a_questions_draft_answers_the_sitting_and_joint_councilors_are_each_addressed() {
        let mut f = facts(CaseKind::Question);
        f.councilors.push("陳冠霖".into());
        f.sitting = Some((
            "市政總質詢".into(),
            NaiveDate::from_ymd_opt(2024, 3, 15).unwrap(),
        ));
        f.priority = None;
        f.has_files = false;
        let l = lines(&draft(&f, &city()));
        assert!(l.contains(
            &"主旨：有關 貴議員質詢「社會住宅中籤率」乙案，復如說明，請查照。".to_owned()
        ));
        assert!(l.contains(&"一、復 貴議員 113/03/15 市政總質詢之質詢。".to_owned()));
        assert!(l.contains(&"正本：林雨彤議員、陳冠霖議員".to_owned()));
        assert!(l.contains(&"速別：普通件".to_owned()) && l.contains(&"附件：無".to_owned()));
        assert_eq!(f.file_name(), "質詢第7號函稿");
    }
}

//! The councilor brief (議員問政摘要): before a sitting where councilors question the mayor,
//! one page per councilor, in the sitting's speaking order when it is typed: their open and
//! overdue cases, the replies their office said do not answer (答非所問), what they asked
//! before with our latest approved answers, and the promises made to them still owed. Built
//! from what the reviewer may see (no internal background); read by the secretariat and the
//! reviewer; printed, and written as ODT and PDF through the document model.

pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;

use crate::{auth::Role, dates::roc_date, document::Document, error::AppError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const READERS: &[Role] = &[Role::Secretariat, Role::Reviewer];

/// The speaking order as typed: at most this many names.
pub const ORDER_MAX_NAMES: usize = 80;
/// Earlier answers shown per councilor.
pub const EARLIER_SHOWN: usize = 5;
/// An earlier answer's opening, in characters.
pub const ANSWER_CHARS: usize = 120;

/// The councilors named in `typed` (one per line, or separated by 、 or commas), in that
/// order, each once, matched by name against `councilors` (id, name); every unknown name is
/// named in the refusal.
pub fn speaking_order(typed: &str, councilors: &[(i64, String)]) -> Result<Vec<i64>, AppError> {
    let names: Vec<&str> = typed
        .split(['\n', '、', ',', '，'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.len() > ORDER_MAX_NAMES {
        return Err(AppError::validation(
            "order",
            format!("質詢順序最多 {ORDER_MAX_NAMES} 位議員。"),
        ));
    }
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for name in names {
        match councilors.iter().find(|(_, n)| n == name) {
            Some((id, _)) if !ids.contains(id) => ids.push(*id),
            Some(_) => {}
            None => unknown.push(name.to_owned()),
        }
    }
    if unknown.is_empty() {
        Ok(ids)
    } else {
        Err(AppError::validation(
            "order",
            format!("本屆查無這些議員：{}。", unknown.join("、")),
        ))
    }
}

/// A case as a brief lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefCase {
    pub label: String,
    pub topic: String,
    pub bureau: Option<String>,
    pub due_on: NaiveDate,
    pub overdue: bool,
    /// An approved reply's opening (earlier answers only).
    pub answer: String,
}

/// A promise made to the councilor in session, still owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefPromise {
    pub question: String,
    pub promised_by: String,
    pub what: String,
    pub due_on: NaiveDate,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilorBrief {
    pub councilor: String,
    pub caucus: String,
    pub open: Vec<BriefCase>,
    pub not_answers: Vec<BriefCase>,
    pub earlier: Vec<BriefCase>,
    pub promises: Vec<BriefPromise>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brief {
    /// The city government, as the cover names it.
    pub government: String,
    pub session_id: i64,
    pub session: String,
    pub sessions: Vec<(i64, String)>,
    pub compiled_on: NaiveDate,
    /// As typed, to show the form again.
    pub order: String,
    pub councilors: Vec<CouncilorBrief>,
}

fn case_line(c: &BriefCase) -> String {
    let bureau = c.bureau.clone().unwrap_or_else(|| "尚未分派".into());
    let late = if c.overdue { "，已逾期" } else { "" };
    format!(
        "{}　{}（{bureau}，期限 {}{late}）",
        c.label,
        c.topic,
        roc_date(c.due_on)
    )
}

impl Brief {
    pub fn title(&self) -> String {
        format!("{} 議員問政摘要", self.session)
    }

    /// One page per councilor: a heading, then each part (or a line saying it is empty).
    pub fn document(&self) -> Document {
        let mut doc = Document::new(self.title())
            .heading(1, self.title())
            .centered(self.government.clone())
            .centered(format!("製表日期：{}", roc_date(self.compiled_on)));
        if self.councilors.is_empty() {
            return doc.paragraph("沒有需要摘要的議員。");
        }
        for (i, c) in self.councilors.iter().enumerate() {
            doc = doc.page_break().heading(
                2,
                if c.caucus.is_empty() {
                    format!("{}. {} 議員", i + 1, c.councilor)
                } else {
                    format!("{}. {} 議員（{}）", i + 1, c.councilor, c.caucus)
                },
            );
            let overdue = c.open.iter().filter(|x| x.overdue).count();
            doc = doc
                .paragraph(format!(
                    "本會期未結案件 {} 件，其中逾期 {overdue} 件；答非所問 {} 件；未兌現承諾 {} 件。",
                    c.open.len(),
                    c.not_answers.len(),
                    c.promises.len()
                ))
                .heading(3, "未結案件");
            doc = lines(doc, c.open.iter().map(case_line).collect(), "無。");
            doc = doc.heading(3, "答非所問");
            doc = lines(doc, c.not_answers.iter().map(case_line).collect(), "無。");
            doc = doc.heading(3, "會後補資料（尚未提供）");
            doc = lines(
                doc,
                c.promises
                    .iter()
                    .map(|p| {
                        format!(
                            "{}：{}承諾提供{}（期限 {}{}）",
                            p.question,
                            p.promised_by,
                            p.what,
                            roc_date(p.due_on),
                            if p.overdue { "，已逾期" } else { "" }
                        )
                    })
                    .collect(),
                "無。",
            );
            doc = doc.heading(3, "過去質詢議題與最新答復");
            doc = lines(
                doc,
                c.earlier
                    .iter()
                    .map(|e| format!("{}　{}：{}", e.label, e.topic, e.answer))
                    .collect(),
                "無。",
            );
        }
        doc
    }

    /// `議員問政摘要-第14屆第3次定期大會`
    pub fn file_name(&self) -> String {
        format!("議員問政摘要-{}", self.session)
    }
}

fn lines(mut doc: Document, lines: Vec<String>, empty: &str) -> Document {
    if lines.is_empty() {
        return doc.paragraph(empty.to_owned());
    }
    for line in lines {
        doc = doc.paragraph(line);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    fn councilors() -> Vec<(i64, String)> {
        vec![
            (1, "林雨彤".into()),
            (2, "陳冠霖".into()),
            (3, "王大明".into()),
        ]
    }

    #[test]
    fn the_speaking_order_is_read_by_name_each_once_and_unknown_names_are_named() {
        assert_eq!(
            speaking_order("陳冠霖\n林雨彤、陳冠霖, 王大明", &councilors()).unwrap(),
            vec![2, 1, 3]
        );
        assert!(speaking_order("  ", &councilors()).unwrap().is_empty());
        let err = speaking_order("林雨彤、張三、李四", &councilors()).unwrap_err();
        assert_eq!(err.problems()[0].1, "本屆查無這些議員：張三、李四。");
    }

    #[test]
    fn each_councilor_has_a_page_with_every_part_even_an_empty_one() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 20).unwrap();
        let case = |label: &str, overdue| BriefCase {
            label: label.into(),
            topic: "社會住宅".into(),
            bureau: Some("都市發展局".into()),
            due_on: day,
            overdue,
            answer: "已完成規劃。".into(),
        };
        let brief = Brief {
            government: "臺北市政府".into(),
            session_id: 1,
            session: "第14屆第3次定期大會".into(),
            sessions: Vec::new(),
            compiled_on: day,
            order: String::new(),
            councilors: vec![
                CouncilorBrief {
                    councilor: "陳冠霖".into(),
                    caucus: "青禾黨".into(),
                    open: vec![case("質詢 第 3 號", true), case("索資 第 2 號", false)],
                    not_answers: vec![],
                    earlier: vec![case("質詢 第 1 號", false)],
                    promises: vec![BriefPromise {
                        question: "質詢 第 3 號".into(),
                        promised_by: "局長".into(),
                        what: "中籤率統計".into(),
                        due_on: day,
                        overdue: false,
                    }],
                },
                CouncilorBrief {
                    councilor: "林雨彤".into(),
                    caucus: String::new(),
                    open: vec![],
                    not_answers: vec![],
                    earlier: vec![],
                    promises: vec![],
                },
            ],
        };
        let doc = brief.document();
        let breaks = doc
            .blocks
            .iter()
            .filter(|b| **b == Block::PageBreak)
            .count();
        assert_eq!(breaks, 2, "a page per councilor");
        let text: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(t) | Block::Heading { text: t, .. } => Some(t.clone()),
                _ => None,
            })
            .collect();
        assert!(text.contains(&"1. 陳冠霖 議員（青禾黨）".to_owned()));
        assert!(text.contains(
            &"本會期未結案件 2 件，其中逾期 1 件；答非所問 0 件；未兌現承諾 1 件。".to_owned()
        ));
        assert!(text
            .contains(&"質詢 第 3 號　社會住宅（都市發展局，期限 113/03/20，已逾期）".to_owned()));
        assert!(text.contains(&"質詢 第 3 號：局長承諾提供中籤率統計（期限 113/03/20）".to_owned()));
        assert!(text.contains(&"質詢 第 1 號　社會住宅：已完成規劃。".to_owned()));
        assert!(text.contains(&"2. 林雨彤 議員".to_owned()));
        assert_eq!(text.iter().filter(|t| *t == "無。").count(), 5);
    }
}

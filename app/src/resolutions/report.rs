//! The execution report (決議案執行情形報告) the city sends the council before a regular
//! session: every resolution of the sessions chosen with its latest execution update,
//! grouped by lead bureau, with counts. Kept as it was compiled (`db::compile`); written as
//! a page, ODT and PDF through the document model, and CSV and XLSX as a table.

use super::{ExecutionState, ResolutionKind};
use crate::{
    city::City,
    dates::roc_date,
    reports::{Cell, Table},
};
#[cfg(feature = "ssr")]
use crate::{
    dates::{roc_datetime, roc_long_date},
    document::Document,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A resolution's latest execution update as of compiling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestUpdate {
    pub on: NaiveDate,
    pub bureau: String,
    pub body: String,
    pub percent: Option<i64>,
    pub letter_number: String,
}

impl LatestUpdate {
    /// The update as one line of the report: day, percent, text and letter.
    pub fn words(&self) -> String {
        let mut s = roc_date(self.on);
        if let Some(p) = self.percent {
            s += &format!("（{p}%）");
        }
        s += "：";
        s += &self.body;
        if !self.letter_number.is_empty() {
            s += &format!("（{}）", self.letter_number);
        }
        s
    }
}

/// One resolution in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub case_id: i64,
    pub session: String,
    pub number: i64,
    pub kind: ResolutionKind,
    pub topic: String,
    pub councilors: String,
    /// The council's letter (來文字號).
    pub letter_number: String,
    pub co_bureaus: String,
    pub state: ExecutionState,
    pub latest: Option<LatestUpdate>,
    /// The reasoned reply, for a resolution found not executable.
    pub not_executable_reply: Option<String>,
}

/// The resolutions a lead bureau carries out; `bureau` is 尚未分派 for the unassigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BureauPart {
    pub bureau: String,
    pub rows: Vec<ReportRow>,
}

/// The counts the report opens with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub executed: usize,
    pub in_progress: usize,
    pub reconsideration: usize,
    pub not_executable: usize,
}

impl Counts {
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a ReportRow>) -> Self {
        let mut c = Self::default();
        for r in rows {
            match r.state {
                ExecutionState::Executed => c.executed += 1,
                ExecutionState::InProgress => c.in_progress += 1,
                ExecutionState::Reconsideration => c.reconsideration += 1,
                ExecutionState::NotExecutable => c.not_executable += 1,
            }
        }
        c
    }

    pub fn total(&self) -> usize {
        self.executed + self.in_progress + self.reconsideration + self.not_executable
    }

    /// `(state, count)` in the report's order.
    pub fn pairs(&self) -> [(ExecutionState, usize); 4] {
        [
            (ExecutionState::Executed, self.executed),
            (ExecutionState::InProgress, self.in_progress),
            (ExecutionState::Reconsideration, self.reconsideration),
            (ExecutionState::NotExecutable, self.not_executable),
        ]
    }

    /// 共 N 案：已執行完畢 a 案、執行中 b 案、…
    pub fn sentence(&self) -> String {
        let parts = self
            .pairs()
            .iter()
            .map(|(s, n)| format!("{} {n} 案", s.label()))
            .collect::<Vec<_>>()
            .join("、");
        format!("共 {} 案：{parts}。", self.total())
    }
}

/// What a compiled report holds (stored as JSON with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportContent {
    /// The regular session it goes to, and the day that session opens.
    pub for_session: String,
    pub opens_on: NaiveDate,
    /// The sessions whose resolutions it covers.
    pub sessions: Vec<String>,
    pub parts: Vec<BureauPart>,
}

/// A compiled report as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionReport {
    pub id: i64,
    pub due_on: NaiveDate,
    pub compiled_at: i64,
    pub compiled_by: String,
    pub content: ReportContent,
}

impl ExecutionReport {
    pub fn counts(&self) -> Counts {
        Counts::of(self.content.parts.iter().flat_map(|p| &p.rows))
    }

    /// 臺北市政府對第14屆第4次定期大會決議案執行情形報告
    pub fn title(&self, city: &City) -> String {
        format!(
            "{}對{}決議案執行情形報告",
            city.government, self.content.for_session
        )
    }

    /// The file name the documents are downloaded under (without the extension).
    pub fn file_name(&self) -> String {
        format!("決議案執行情形報告_{}", self.content.for_session)
    }

    /// The report through the document model: a heading, what it covers, the counts, then
    /// one table a bureau.
    #[cfg(feature = "ssr")]
    pub fn document(&self, city: &City) -> Document {
        let counts = self.counts();
        let mut doc = Document::new(self.title(city))
            .heading(1, self.title(city))
            .centered(format!(
                "{}　{}",
                city.government,
                roc_long_date(crate::dates::taipei_date(self.compiled_at).unwrap_or(self.due_on))
            ))
            .paragraph(format!(
                "本報告涵蓋{}之決議案、附帶決議、議員提案及請願案，列各案截至 {} 之最新執行情形。",
                self.content.sessions.join("、"),
                roc_datetime(self.compiled_at)
            ))
            .paragraph(counts.sentence())
            .table(
                &["執行情形", "案數"],
                counts
                    .pairs()
                    .iter()
                    .map(|(s, n)| vec![s.label().to_owned(), n.to_string()])
                    .collect(),
            );
        for part in &self.content.parts {
            let c = Counts::of(&part.rows);
            doc = doc
                .heading(2, format!("{}（{} 案）", part.bureau, c.total()))
                .table(
                    &[
                        "案號",
                        "種類",
                        "案由",
                        "提案議員",
                        "來文字號",
                        "協辦機關",
                        "執行情形",
                        "最新執行情形",
                    ],
                    part.rows.iter().map(row_cells).collect(),
                );
        }
        doc
    }

    /// The report as one table, a row a resolution, for CSV and XLSX.
    pub fn table(&self) -> Table {
        let header = [
            "主辦機關",
            "會期",
            "案號",
            "種類",
            "案由",
            "提案議員",
            "來文字號",
            "協辦機關",
            "執行情形",
            "最新執行日期",
            "執行進度（%）",
            "最新執行情形",
            "局處發文字號",
        ];
        let rows = self
            .content
            .parts
            .iter()
            .flat_map(|part| {
                part.rows.iter().map(move |r| {
                    let latest = r.latest.as_ref();
                    vec![
                        Cell::Text(part.bureau.clone()),
                        Cell::Text(r.session.clone()),
                        Cell::Number(r.number as f64),
                        Cell::Text(r.kind.label().to_owned()),
                        Cell::Text(r.topic.clone()),
                        Cell::Text(r.councilors.clone()),
                        Cell::Text(r.letter_number.clone()),
                        Cell::Text(r.co_bureaus.clone()),
                        Cell::Text(r.state.label().to_owned()),
                        latest.map_or(Cell::Text(String::new()), |u| Cell::Date(u.on)),
                        latest
                            .and_then(|u| u.percent)
                            .map_or(Cell::Text(String::new()), |p| Cell::Number(p as f64)),
                        Cell::Text(
                            r.not_executable_reply
                                .clone()
                                .or_else(|| latest.map(|u| u.body.clone()))
                                .unwrap_or_default(),
                        ),
                        Cell::Text(latest.map(|u| u.letter_number.clone()).unwrap_or_default()),
                    ]
                })
            })
            .collect();
        Table {
            title: format!("決議案執行情形（{}）", self.content.for_session),
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        }
    }
}

/// `決議案第12號`
pub fn label(number: i64) -> String {
    crate::cases::case_label(crate::cases::CaseKind::Resolution, number)
}

#[cfg(feature = "ssr")]
fn row_cells(r: &ReportRow) -> Vec<String> {
    let latest = match (&r.not_executable_reply, &r.latest) {
        (Some(reply), _) => format!("窒礙難行，已函復議會：{reply}"),
        (None, Some(u)) => u.words(),
        (None, None) => "尚無執行情形".to_owned(),
    };
    vec![
        format!("{} {}", r.session, label(r.number)),
        r.kind.label().to_owned(),
        r.topic.clone(),
        r.councilors.clone(),
        r.letter_number.clone(),
        r.co_bureaus.clone(),
        r.state.label().to_owned(),
        latest,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn row(n: i64, state: ExecutionState, latest: Option<LatestUpdate>) -> ReportRow {
        ReportRow {
            case_id: n,
            session: "第14屆第3次定期大會".into(),
            number: n,
            kind: ResolutionKind::BudgetRider,
            topic: format!("案由{n}"),
            councilors: "王大明".into(),
            letter_number: "議字第1號".into(),
            co_bureaus: String::new(),
            state,
            latest,
            not_executable_reply: None,
        }
    }

    fn report() -> ExecutionReport {
        let update = LatestUpdate {
            on: day(2024, 8, 1),
            bureau: "工務局".into(),
            body: "已完成設計，9 月發包".into(),
            percent: Some(40),
            letter_number: "北市工字第1130001號".into(),
        };
        ExecutionReport {
            id: 1,
            due_on: day(2024, 8, 23),
            compiled_at: 1_723_000_000,
            compiled_by: "秘書處".into(),
            content: ReportContent {
                for_session: "第14屆第4次定期大會".into(),
                opens_on: day(2024, 9, 3),
                sessions: vec!["第14屆第3次定期大會".into()],
                parts: vec![
                    BureauPart {
                        bureau: "工務局".into(),
                        rows: vec![
                            row(1, ExecutionState::InProgress, Some(update)),
                            row(2, ExecutionState::Executed, None),
                        ],
                    },
                    BureauPart {
                        bureau: "教育局".into(),
                        rows: vec![
                            row(3, ExecutionState::Reconsideration, None),
                            ReportRow {
                                not_executable_reply: Some("經費不足".into()),
                                ..row(4, ExecutionState::NotExecutable, None)
                            },
                        ],
                    },
                ],
            },
        }
    }

    #[test]
    fn the_report_counts_every_state() {
        let c = report().counts();
        assert_eq!(
            (
                c.executed,
                c.in_progress,
                c.reconsideration,
                c.not_executable
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(
            c.sentence(),
            "共 4 案：已執行完畢 1 案、執行中 1 案、已提覆議 1 案、窒礙難行 1 案。"
        );
    }

    #[test]
    fn the_document_has_a_table_a_bureau_with_the_latest_update_and_the_reasoned_reply() {
        let city = City::default();
        let doc = report().document(&city);
        let headings: Vec<_> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level: 2, text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(headings, ["工務局（2 案）", "教育局（2 案）"]);
        let cells: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { rows, .. } => Some(rows.concat()),
                _ => None,
            })
            .flatten()
            .collect();
        assert!(cells
            .contains(&"113/08/01（40%）：已完成設計，9 月發包（北市工字第1130001號）".to_owned()));
        assert!(cells.contains(&"窒礙難行，已函復議會：經費不足".to_owned()));
        assert!(cells.contains(&"尚無執行情形".to_owned()));
    }

    #[test]
    fn the_table_has_a_row_a_resolution_with_its_bureau_and_a_number_for_the_percent() {
        let t = report().table();
        assert_eq!(t.rows.len(), 4);
        assert!(t.rows.iter().all(|r| r.len() == t.header.len()));
        assert_eq!(t.rows[0][0], Cell::Text("工務局".into()));
        assert_eq!(t.rows[0][10], Cell::Number(40.0));
        assert_eq!(t.rows[3][11], Cell::Text("經費不足".into()));
    }
}

//! Importing the council's list of resolutions after a session (CSV, XLSX, XLS or ODS), as
//! questions are imported: the file is read and kept by the same code (`import::table`,
//! `question_imports` of kind `resolution`), its columns found by their titles or chosen,
//! every row checked by the same parser as the form (`ResolutionForm::parse`), then the
//! rows chosen written in one transaction, or none.

use super::{NewResolution, Requirement, ResolutionForm, ResolutionKind};
use crate::import::{cells, norm_title as norm, Known};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

text_enum!(Field {
    Kind = "resolution_kind" / "種類",
    Councilors = "councilors" / "提案議員",
    Topic = "topic" / "案由",
    Body = "body" / "決議內容",
    Letter = "letter_number" / "來文字號",
    Received = "received_on" / "收文日期",
    Requirement = "requirement" / "辦理方式",
    ReportBy = "report_by" / "報告期限",
    Committee = "committee" / "委員會",
    BudgetItem = "budget_item" / "預算科目",
    Sitting = "sitting" / "會次",
});

impl Field {
    /// Column titles the council's lists use, compared without spaces, in lower case.
    fn titles(self) -> &'static [&'static str] {
        match self {
            Field::Kind => &["種類", "類別", "案件類別", "決議種類", "案別", "kind"],
            Field::Councilors => &[
                "提案議員",
                "提案人",
                "議員",
                "介紹議員",
                "連署議員",
                "councilors",
            ],
            Field::Topic => &["案由", "主旨", "議題", "topic"],
            Field::Body => &["決議內容", "決議", "審議結果", "決議文", "body"],
            Field::Letter => &["來文字號", "議會來文字號", "文號", "發文字號", "letter"],
            Field::Received => &["收文日期", "來文日期", "收文日", "發文日期", "received"],
            Field::Requirement => &["辦理方式", "辦理要求", "要求", "requirement"],
            Field::ReportBy => &["報告期限", "期限", "限期", "reportby"],
            Field::Committee => &["委員會", "報告委員會", "審查委員會", "committee"],
            Field::BudgetItem => &["預算科目", "科目", "預算項目", "budgetitem"],
            Field::Sitting => &["會次", "大會次", "會議", "sitting"],
        }
    }

    /// Fields a row cannot do without; the others may be left without a column.
    fn required(self) -> bool {
        matches!(
            self,
            Field::Kind | Field::Topic | Field::Letter | Field::Received
        )
    }
}

/// Which column (0-based) holds each field.
pub type Mapping = crate::import::Columns<Field>;

impl crate::import::Column for Field {
    const ALL: &'static [Self] = Field::ALL;
    fn code(self) -> &'static str {
        self.as_str()
    }
    fn titles(self) -> &'static [&'static str] {
        Field::titles(self)
    }
}

/// A kind as lists write it: 議決案, 附帶決議, 預算附帶決議, 議員提案, 提案, 請願案 …
pub fn kind_of(cell: &str) -> Option<ResolutionKind> {
    let c = norm(cell);
    ResolutionKind::parse(&c).or(match c.as_str() {
        "議決案" | "議案" | "市府提案" => Some(ResolutionKind::Bill),
        "附帶決議" | "預算附帶決議" | "附帶決議案" => {
            Some(ResolutionKind::BudgetRider)
        }
        "議員提案" | "提案" | "臨時提案" => Some(ResolutionKind::Motion),
        "請願案" | "請願" => Some(ResolutionKind::Petition),
        _ => None,
    })
}

/// A requirement as lists write it; empty means a report when a report day is given, else
/// an action.
pub fn requirement_of(cell: &str, report_by: &str) -> Option<Requirement> {
    let c = norm(cell);
    if c.is_empty() {
        return Some(if report_by.trim().is_empty() {
            Requirement::Action
        } else {
            Requirement::Report
        });
    }
    Requirement::parse(&c).or_else(|| {
        Requirement::ALL
            .iter()
            .copied()
            .find(|r| norm(r.label()) == c)
            .or(match c.as_str() {
                "執行" | "辦理" => Some(Requirement::Action),
                "報告" | "專案報告" | "提出報告" => Some(Requirement::Report),
                "答復" | "書面答復" | "研處" | "研處見復" => Some(Requirement::Reply),
                _ => None,
            })
    })
}

/// One row as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCheck {
    pub line: usize,
    pub kind: String,
    pub councilors: String,
    pub topic: String,
    pub letter_number: String,
    pub received_on: String,
    /// What is wrong with the row, in words; empty when it can be imported.
    pub problems: Vec<String>,
}

impl RowCheck {
    pub fn valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every row: its councilors against the session's term, then the same parser as
/// the form. `lines` are the rows' lines in the file.
pub fn check(
    rows: &[Vec<String>],
    lines: &[usize],
    mapping: &Mapping,
    session_id: i64,
    known: &Known,
) -> Vec<(RowCheck, Option<NewResolution>)> {
    let cell = |row: &Vec<String>, f: Field| -> String {
        mapping
            .column(f)
            .and_then(|c| row.get(c))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let line = lines.get(i).copied().unwrap_or(i + 2);
            let mut problems: Vec<String> = Field::ALL
                .iter()
                .filter(|f| f.required() && mapping.column(**f).is_none())
                .map(|f| format!("未指定「{}」所在的欄位", f.label()))
                .collect();
            let kind_text = cell(row, Field::Kind);
            let kind = kind_of(&kind_text);
            if kind.is_none() && mapping.column(Field::Kind).is_some() {
                problems.push(format!(
                    "種類「{kind_text}」不是議決案、附帶決議、議員提案或請願案"
                ));
            }
            let councilor_text = cell(row, Field::Councilors);
            let mut councilor_ids = Vec::new();
            for name in cells::councilor_names(&councilor_text) {
                match known.councilor(&name) {
                    Some(id) if !councilor_ids.contains(&id.to_string()) => {
                        councilor_ids.push(id.to_string())
                    }
                    Some(_) => {}
                    None => problems.push(format!("找不到議員「{name}」")),
                }
            }
            let report_by = cell(row, Field::ReportBy);
            let requirement_text = cell(row, Field::Requirement);
            let requirement = requirement_of(&requirement_text, &report_by);
            if requirement.is_none() {
                problems.push(format!("辦理方式「{requirement_text}」無法辨識"));
            }
            let date = |f: Field| {
                let text = cell(row, f);
                match cells::date(&text) {
                    Ok(d) => d.to_string(),
                    Err(_) => text,
                }
            };
            let topic = cell(row, Field::Topic);
            let body = match cell(row, Field::Body) {
                b if b.is_empty() => topic.clone(),
                b => b,
            };
            let form = ResolutionForm {
                session_id: session_id.to_string(),
                resolution_kind: kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
                sitting: cell(row, Field::Sitting),
                councilor_ids,
                topic: cells::short_topic(&topic, super::TOPIC_MAX_CHARS),
                body,
                letter_number: cell(row, Field::Letter),
                received_on: date(Field::Received),
                requirement: requirement
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_default(),
                committee: cell(row, Field::Committee),
                report_by: if report_by.is_empty() {
                    String::new()
                } else {
                    date(Field::ReportBy)
                },
                budget_item: cell(row, Field::BudgetItem),
            };
            let parsed = if problems.is_empty() {
                match form.parse() {
                    Ok(r) => Some(r),
                    Err(e) => {
                        problems.extend(e.problems().into_iter().map(|(_, m)| m));
                        None
                    }
                }
            } else {
                None
            };
            (
                RowCheck {
                    line,
                    kind: kind_text,
                    councilors: councilor_text,
                    topic,
                    letter_number: form.letter_number.clone(),
                    received_on: cell(row, Field::Received),
                    problems,
                },
                parsed,
            )
        })
        .collect()
}

/// The resolutions of the chosen lines (with their lines), if every one can be imported;
/// otherwise the lines that cannot, so that nothing is written.
pub fn chosen(
    checked: Vec<(RowCheck, Option<NewResolution>)>,
    lines: &HashSet<usize>,
) -> Result<Vec<(usize, NewResolution)>, Vec<usize>> {
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for (row, parsed) in checked {
        if !lines.contains(&row.line) {
            continue;
        }
        match parsed {
            Some(r) => out.push((row.line, r)),
            None => refused.push(row.line),
        }
    }
    if refused.is_empty() {
        Ok(out)
    } else {
        Err(refused)
    }
}

/// An uploaded list of resolutions as its preview shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub id: i64,
    pub file_name: String,
    pub session: String,
    pub header: Vec<String>,
    pub width: usize,
    pub mapping: Mapping,
    pub rows: Vec<RowCheck>,
    pub imported: Option<i64>,
}

impl Preview {
    /// A column as the picker names it: its number and title.
    pub fn column_name(&self, i: usize) -> String {
        match self
            .header
            .get(i)
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
        {
            Some(title) => format!("第 {} 欄：{title}", i + 1),
            None => format!("第 {} 欄", i + 1),
        }
    }
}

/// A sample list, for the import page: the columns the council's lists use.
pub const SAMPLE_CSV: &str = "種類,提案議員,案由,決議內容,預算科目,來文字號,收文日期,辦理方式,報告期限,委員會,會次
附帶決議,王大明,人行道無障礙改善,工務局應於三個月內向工務委員會提出專案報告。,工務局 人行道改善工程,議議字第1130001001號,113/03/15,限期提出專案報告,113/06/14,工務委員會,第3次定期大會第10次會議
議員提案,李小華、陳美玲,校園周邊速限30公里,建請交通局於國中小周邊道路實施速限每小時30公里。,,議議字第1130001002號,113/03/15,依決議執行,,,第3次定期大會第10次會議
";

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known::new(
            3,
            [("王大明".to_owned(), 11), ("李小華".to_owned(), 12)],
            Vec::<(String, i64)>::new(),
            HashSet::new(),
        )
    }

    fn header() -> Vec<String> {
        SAMPLE_CSV
            .lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_owned)
            .collect()
    }

    fn row(line: &str) -> Vec<String> {
        line.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn the_council_s_column_titles_are_found() {
        let m = Mapping::guess(&header());
        for f in Field::ALL {
            assert!(m.column(*f).is_some(), "{f:?}");
        }
        assert_eq!(m.column(Field::Councilors), Some(1));
        let moved = Mapping::from_query(m.clone(), |k| (k == "topic").then(|| "4".to_owned()));
        assert_eq!(moved.column(Field::Topic), Some(4));
        let none = Mapping::from_query(m, |k| (k == "committee").then(String::new));
        assert_eq!(none.column(Field::Committee), None);
    }

    #[test]
    fn kinds_and_requirements_are_read_as_lists_write_them() {
        assert_eq!(kind_of("預算附帶決議"), Some(ResolutionKind::BudgetRider));
        assert_eq!(kind_of(" 議員提案 "), Some(ResolutionKind::Motion));
        assert_eq!(kind_of("petition"), Some(ResolutionKind::Petition));
        assert_eq!(kind_of("公聽會"), None);
        assert_eq!(
            requirement_of("限期提出專案報告", ""),
            Some(Requirement::Report)
        );
        assert_eq!(requirement_of("", "113/06/14"), Some(Requirement::Report));
        assert_eq!(requirement_of("", ""), Some(Requirement::Action));
        assert_eq!(requirement_of("研處見復", ""), Some(Requirement::Reply));
        assert_eq!(requirement_of("看看", ""), None);
    }

    #[test]
    fn each_row_is_checked_by_the_form_s_parser_and_unknown_councilors_are_named() {
        let m = Mapping::guess(&header());
        let rows: Vec<Vec<String>> = SAMPLE_CSV.lines().skip(1).map(row).collect();
        let checked = check(&rows, &[2, 3], &m, 3, &known());
        let (first, parsed) = &checked[0];
        assert!(first.valid(), "{:?}", first.problems);
        let r = parsed.as_ref().unwrap();
        assert_eq!(r.kind, ResolutionKind::BudgetRider);
        assert_eq!(r.councilor_ids, vec![11]);
        assert_eq!(r.requirement, Requirement::Report);
        assert_eq!(r.report_by, chrono::NaiveDate::from_ymd_opt(2024, 6, 14));
        // 陳美玲 is not a councilor of the term.
        let (second, none) = &checked[1];
        assert!(none.is_none());
        assert!(second
            .problems
            .iter()
            .any(|p| p.contains("找不到議員「陳美玲」")));
        // A rider without its budget item is refused with the form's words.
        let bare = row("附帶決議,王大明,路燈,應改善。,,議議字第1號,113/03/15,,,,");
        let (c, _) = &check(&[bare], &[4], &m, 3, &known())[0];
        assert!(
            c.problems.iter().any(|p| p.contains("預算科目")),
            "{:?}",
            c.problems
        );
    }

    #[test]
    fn a_list_without_its_letter_column_says_so_on_every_row_and_nothing_is_chosen() {
        let m = Mapping::from_query(Mapping::guess(&header()), |k| {
            (k == "letter_number").then(String::new)
        });
        let rows: Vec<Vec<String>> = SAMPLE_CSV.lines().skip(1).map(row).collect();
        let checked = check(&rows, &[2, 3], &m, 3, &known());
        assert!(checked
            .iter()
            .all(|(r, _)| r.problems.iter().any(|p| p.contains("未指定「來文字號」"))));
        assert_eq!(chosen(checked, &HashSet::from([2])), Err(vec![2]));
    }
}

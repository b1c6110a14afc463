//! Importing questions from the council's own lists (CSV or XLSX): which column holds what,
//! every row checked before anything is written (unknown councilor, duplicate number, bad
//! date …), then the rows chosen written in one transaction, or none. The rules are here;
//! the server reads the file into rows of text, `db` keeps them and writes the questions.

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;
pub mod server_fns;

use crate::{
    cases::{NewQuestion, LONG_TEXT_MAX_CHARS},
    dates::parse_date,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// At most this many rows in one file: a session has some 600 questions.
pub const MAX_ROWS: usize = 5_000;

text_enum!(Field {
    Number = "number" / "質詢編號",
    Councilors = "councilors" / "質詢議員",
    SittingType = "sitting_type" / "質詢類別",
    SittingDate = "sitting_date" / "質詢日期",
    Topic = "topic" / "質詢議題",
    Body = "body" / "質詢內容",
});

impl Field {
    /// Column titles the council's and offices' lists use for this field, compared after
    /// removing spaces.
    fn titles(self) -> &'static [&'static str] {
        match self {
            Field::Number => &["質詢編號", "編號", "題號", "序號", "number", "no", "no."],
            Field::Councilors => &[
                "質詢議員",
                "議員",
                "議員姓名",
                "提問議員",
                "councilors",
                "councilor",
            ],
            Field::SittingType => &[
                "質詢類別",
                "類別",
                "會議別",
                "質詢種類",
                "sittingtype",
                "sitting",
            ],
            Field::SittingDate => &["質詢日期", "日期", "會議日期", "sittingdate", "date"],
            Field::Topic => &["質詢議題", "議題", "題目", "案由", "topic", "subject"],
            Field::Body => &[
                "質詢內容",
                "內容",
                "質詢要旨",
                "說明",
                "body",
                "text",
                "question",
            ],
        }
    }
}

/// Which column (0-based) holds each field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping(pub Vec<(Field, Option<usize>)>);

impl Mapping {
    /// The columns whose titles name the fields; a field whose title is not found is left
    /// unmapped for the user to choose.
    pub fn guess(header: &[String]) -> Self {
        let norm = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
                .collect::<String>()
                .to_lowercase()
        };
        let titles: Vec<String> = header.iter().map(|h| norm(h)).collect();
        Mapping(
            Field::ALL
                .iter()
                .map(|f| {
                    let at = f
                        .titles()
                        .iter()
                        .find_map(|t| titles.iter().position(|h| h == t));
                    (*f, at)
                })
                .collect(),
        )
    }

    /// Reads the mapping from a query or form (`number=0&topic=4…`); fields not given keep
    /// their guess.
    pub fn from_query(guess: Mapping, get: impl Fn(&str) -> Option<String>) -> Self {
        Mapping(
            guess
                .0
                .into_iter()
                .map(|(f, at)| match get(f.as_str()) {
                    Some(v) if v.trim().is_empty() => (f, None),
                    Some(v) => (f, v.trim().parse().ok().or(at)),
                    None => (f, at),
                })
                .collect(),
        )
    }

    pub fn column(&self, field: Field) -> Option<usize> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, at)| *at)
    }

    pub fn query(&self) -> String {
        self.0
            .iter()
            .map(|(f, at)| {
                format!(
                    "{}={}",
                    f.as_str(),
                    at.map(|a| a.to_string()).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// What the database knows that a row is checked against.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub session_id: i64,
    /// The councilors of the session's term, by name.
    pub councilors: HashMap<String, i64>,
    /// Sitting types by name and by code.
    pub sitting_types: HashMap<String, i64>,
    /// Question numbers the session already has.
    pub taken: HashSet<i64>,
}

/// One row of the file as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCheck {
    /// The row's line in the file (the title row is line 1).
    pub line: usize,
    pub number: String,
    pub councilors: String,
    pub sitting_type: String,
    pub sitting_date: String,
    pub topic: String,
    /// What is wrong with the row, in words; empty when it can be imported.
    pub problems: Vec<String>,
}

impl RowCheck {
    pub fn valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every row against what is known and against the other rows: a number used twice
/// in the file is a problem on both rows.
pub fn check(
    rows: &[Vec<String>],
    mapping: &Mapping,
    known: &Known,
) -> Vec<(RowCheck, Option<NewQuestion>)> {
    let cell = |row: &Vec<String>, f: Field| -> String {
        mapping
            .column(f)
            .and_then(|c| row.get(c))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut in_file: HashMap<i64, usize> = HashMap::new();
    for row in rows {
        if let Ok(n) = cell(row, Field::Number).parse::<i64>() {
            *in_file.entry(n).or_default() += 1;
        }
    }
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let mut problems = Vec::new();
            for f in Field::ALL {
                if mapping.column(*f).is_none() {
                    problems.push(format!("未指定「{}」所在的欄位", f.label()));
                }
            }
            // A field without a column has been reported; its empty cells are not.
            let mapped = |f: Field| mapping.column(f).is_some();
            let number_text = cell(row, Field::Number);
            let number = number_text
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=100_000).contains(n));
            match number {
                None if !mapped(Field::Number) => {}
                None => problems.push(format!("質詢編號「{number_text}」不是正整數")),
                Some(n) if known.taken.contains(&n) => {
                    problems.push(format!("本會期已有質詢第 {n} 號"))
                }
                Some(n) if in_file.get(&n).copied().unwrap_or(0) > 1 => {
                    problems.push(format!("檔案中質詢第 {n} 號重複"))
                }
                Some(_) => {}
            }
            let councilor_text = cell(row, Field::Councilors);
            let names: Vec<&str> = councilor_text
                .split(['、', ',', '，', ';', '；', '/', '\n'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect();
            let mut councilor_ids = Vec::new();
            for name in &names {
                match known.councilors.get(*name) {
                    Some(id) if !councilor_ids.contains(id) => councilor_ids.push(*id),
                    Some(_) => {}
                    None => problems.push(format!("找不到議員「{name}」")),
                }
            }
            if names.is_empty() {
                if mapped(Field::Councilors) {
                    problems.push("沒有質詢議員".into());
                }
            } else if names.len() > 20 {
                problems.push("聯合質詢最多 20 位議員".into());
            }
            let type_text = cell(row, Field::SittingType);
            let sitting_type = known
                .sitting_types
                .get(&type_text)
                .or_else(|| known.sitting_types.get(&type_text.to_lowercase()))
                .copied();
            if sitting_type.is_none() && mapped(Field::SittingType) {
                problems.push(format!("找不到質詢類別「{type_text}」"));
            }
            let date_text = cell(row, Field::SittingDate);
            let date = parse_date(&date_text);
            if date.is_none() && mapped(Field::SittingDate) {
                problems.push(format!("質詢日期「{date_text}」無法辨識（例如 113/03/15）"));
            }
            let topic = cell(row, Field::Topic);
            if topic.is_empty() {
                if mapped(Field::Topic) {
                    problems.push("沒有質詢議題".into());
                }
            } else if topic.chars().count() > 200 {
                problems.push("質詢議題超過 200 字".into());
            }
            let body = cell(row, Field::Body);
            if body.is_empty() {
                if mapped(Field::Body) {
                    problems.push("沒有質詢內容".into());
                }
            } else if body.chars().count() > LONG_TEXT_MAX_CHARS {
                problems.push(format!("質詢內容超過 {LONG_TEXT_MAX_CHARS} 字"));
            }
            let question = match (problems.is_empty(), number, sitting_type, date) {
                (true, Some(number), Some(sitting_type_id), Some(sitting_date)) => {
                    Some(NewQuestion {
                        session_id: known.session_id,
                        number,
                        sitting_type_id,
                        sitting_date,
                        councilor_ids,
                        topic: topic.clone(),
                        body,
                        due: None,
                    })
                }
                _ => None,
            };
            (
                RowCheck {
                    line: i + 2,
                    number: number_text,
                    councilors: councilor_text,
                    sitting_type: type_text,
                    sitting_date: date_text,
                    topic,
                    problems,
                },
                question,
            )
        })
        .collect()
}

/// The questions of the chosen lines (with their lines), if every one of them can be
/// imported; otherwise the lines that cannot, so that nothing is written.
pub fn chosen(
    checked: Vec<(RowCheck, Option<NewQuestion>)>,
    lines: &HashSet<usize>,
) -> Result<Vec<(usize, NewQuestion)>, Vec<usize>> {
    let mut questions = Vec::new();
    let mut refused = Vec::new();
    for (row, question) in checked {
        if !lines.contains(&row.line) {
            continue;
        }
        match question {
            Some(q) => questions.push((row.line, q)),
            None => refused.push(row.line),
        }
    }
    if refused.is_empty() {
        Ok(questions)
    } else {
        Err(refused)
    }
}

/// An uploaded list as its preview page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub id: i64,
    pub file_name: String,
    pub session_id: i64,
    pub session: String,
    pub header: Vec<String>,
    pub mapping: Mapping,
    pub rows: Vec<RowCheck>,
    /// How many questions were imported from it, once it has been.
    pub imported: Option<i64>,
}

/// The name a refused upload is flashed under.
pub const UPLOAD_FORM: &str = "import-upload";

/// The sample file linked from the import page: the columns the guess knows, two rows.
pub const SAMPLE_CSV: &str = "\u{feff}質詢編號,質詢議員,質詢類別,質詢日期,質詢議題,質詢內容\r\n\
1,王承恩,市政總質詢,113/03/15,社會住宅興建進度,請說明本市社會住宅興建進度與各區分配情形。\r\n\
2,林雨彤、陳冠霖,部門質詢,113/03/18,路口行人安全,請交通局說明路口行人友善改善計畫之期程。\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known {
            session_id: 7,
            councilors: [("王承恩".to_owned(), 1), ("林雨彤".to_owned(), 2)].into(),
            sitting_types: [("市政總質詢".to_owned(), 10), ("general".to_owned(), 10)].into(),
            taken: [5].into(),
        }
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    fn header() -> Vec<String> {
        row(&["編號", "議員", "類別", "日期", "議題", "內容"])
    }

    #[test]
    fn the_columns_are_guessed_from_their_titles_and_can_be_chosen_by_hand() {
        let m = Mapping::guess(&row(&[
            " 序號",
            "質詢議題",
            "質詢議員",
            "\u{feff}日期",
            "x",
            "內容",
        ]));
        assert_eq!(m.column(Field::Number), Some(0));
        assert_eq!(m.column(Field::Topic), Some(1));
        assert_eq!(m.column(Field::Councilors), Some(2));
        assert_eq!(m.column(Field::SittingDate), Some(3));
        assert_eq!(m.column(Field::SittingType), None);
        assert_eq!(m.column(Field::Body), Some(5));
        let chosen = Mapping::from_query(m.clone(), |k| match k {
            "sitting_type" => Some("4".into()),
            "topic" => Some(String::new()),
            _ => None,
        });
        assert_eq!(chosen.column(Field::SittingType), Some(4));
        assert_eq!(chosen.column(Field::Topic), None);
        assert_eq!(
            Mapping::from_query(m.clone(), |k| {
                crate::url::query_value(&chosen.query(), k)
            }),
            chosen,
            "the query carries the mapping"
        );
    }

    #[test]
    fn every_row_is_checked_with_its_problems_named() {
        let rows = vec![
            row(&[
                "1",
                "王承恩、林雨彤",
                "市政總質詢",
                "113/03/15",
                "議題一",
                "內容一",
            ]),
            row(&["2", "王大明", "市政總質詢", "113/03/15", "議題二", "內容二"]),
            row(&["5", "王承恩", "市政總質詢", "113/03/15", "議題五", "內容五"]),
            row(&["3", "王承恩", "general", "113/02/30", "議題三", "內容三"]),
            row(&["4", "王承恩", "專案報告", "2024-03-20", "議題四", ""]),
            row(&["6", "王承恩", "市政總質詢", "113/03/15", "議題六", "內容六"]),
            row(&[
                "6",
                "林雨彤",
                "市政總質詢",
                "113/03/15",
                "議題六之二",
                "內容",
            ]),
            row(&["七", "林雨彤", "市政總質詢", "113/03/15", "議題七", "內容"]),
        ];
        let checked = check(&rows, &Mapping::guess(&header()), &known());
        let problems: Vec<Vec<String>> = checked.iter().map(|(r, _)| r.problems.clone()).collect();
        assert!(problems[0].is_empty());
        assert_eq!(problems[1], vec!["找不到議員「王大明」"]);
        assert_eq!(problems[2], vec!["本會期已有質詢第 5 號"]);
        assert_eq!(
            problems[3],
            vec!["質詢日期「113/02/30」無法辨識（例如 113/03/15）"]
        );
        assert_eq!(
            problems[4],
            vec!["找不到質詢類別「專案報告」", "沒有質詢內容"]
        );
        assert_eq!(problems[5], vec!["檔案中質詢第 6 號重複"]);
        assert_eq!(problems[6], vec!["檔案中質詢第 6 號重複"]);
        assert_eq!(problems[7], vec!["質詢編號「七」不是正整數"]);
        let (first, question) = &checked[0];
        assert_eq!(first.line, 2, "the title row is line 1");
        let q = question.as_ref().unwrap();
        assert_eq!((q.session_id, q.number, q.sitting_type_id), (7, 1, 10));
        assert_eq!(q.councilor_ids, vec![1, 2]);
        assert_eq!(
            q.sitting_date,
            chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap()
        );
        assert!(checked[1].1.is_none());
    }

    #[test]
    fn an_unmapped_field_is_a_problem_on_every_row() {
        let mut m = Mapping::guess(&header());
        m = Mapping::from_query(m, |k| (k == "body").then(String::new));
        let checked = check(
            &[row(&[
                "1",
                "王承恩",
                "市政總質詢",
                "113/03/15",
                "議題",
                "內容",
            ])],
            &m,
            &known(),
        );
        assert!(checked[0]
            .0
            .problems
            .contains(&"未指定「質詢內容」所在的欄位".to_owned()));
    }

    #[test]
    fn the_chosen_rows_are_written_only_when_every_one_is_valid() {
        let rows = vec![
            row(&["1", "王承恩", "市政總質詢", "113/03/15", "議題一", "內容一"]),
            row(&["2", "王大明", "市政總質詢", "113/03/15", "議題二", "內容二"]),
            row(&["3", "林雨彤", "市政總質詢", "113/03/15", "議題三", "內容三"]),
        ];
        let m = Mapping::guess(&header());
        let checked = || check(&rows, &m, &known());
        let numbers = |lines: &[usize]| {
            chosen(checked(), &lines.iter().copied().collect())
                .map(|qs| qs.iter().map(|(_, q)| q.number).collect::<Vec<_>>())
        };
        assert_eq!(numbers(&[2, 4]), Ok(vec![1, 3]));
        assert_eq!(numbers(&[2, 3, 4]), Err(vec![3]));
        assert_eq!(numbers(&[]), Ok(vec![]));
    }

    #[test]
    fn the_sample_file_passes_its_own_checks() {
        let mut lines = SAMPLE_CSV.trim_start_matches('\u{feff}').lines();
        let header: Vec<String> = lines
            .next()
            .unwrap()
            .split(',')
            .map(str::to_owned)
            .collect();
        let rows: Vec<Vec<String>> = lines
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect();
        let mut k = known();
        k.taken.clear();
        k.councilors.insert("陳冠霖".into(), 3);
        k.sitting_types.insert("部門質詢".into(), 11);
        let checked = check(&rows, &Mapping::guess(&header), &k);
        assert!(
            checked.iter().all(|(r, q)| r.valid() && q.is_some()),
            "{checked:?}"
        );
    }
}

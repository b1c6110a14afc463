//! Importing questions from the council's own lists (CSV, XLSX, XLS or ODS): which sheet
//! and row hold the list, which column holds what, every row checked before anything is
//! written (unknown councilor, duplicate number, bad date …), then the rows chosen written
//! in one transaction, or none. The rules are here; the server reads the file into rows of
//! text, `db` keeps them and writes the questions.

pub mod cells;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;
pub mod server_fns;

use crate::cases::{NewQuestion, LONG_TEXT_MAX_CHARS};
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
            Field::Number => &[
                "質詢編號",
                "編號",
                "題號",
                "序號",
                "案號",
                "質詢號次",
                "number",
                "no",
                "no.",
            ],
            Field::Councilors => &[
                "質詢議員",
                "議員",
                "議員姓名",
                "提問議員",
                "質詢人",
                "提案人",
                "提案議員",
                "councilors",
                "councilor",
            ],
            Field::SittingType => &[
                "質詢類別",
                "類別",
                "會議別",
                "質詢種類",
                "質詢方式",
                "sittingtype",
                "sitting",
            ],
            Field::SittingDate => &["質詢日期", "日期", "會議日期", "sittingdate", "date"],
            Field::Topic => &[
                "質詢議題",
                "議題",
                "題目",
                "案由",
                "質詢案由",
                "主旨",
                "topic",
                "subject",
            ],
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

/// A field of an imported list (a question's, a resolution's): its code in the preview's
/// query, and the column titles council and office lists give it.
pub trait Column: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    /// Compared after removing spaces, in lower case.
    fn titles(self) -> &'static [&'static str];
}

impl Column for Field {
    const ALL: &'static [Self] = Field::ALL;
    fn code(self) -> &'static str {
        self.as_str()
    }
    fn titles(self) -> &'static [&'static str] {
        Field::titles(self)
    }
}

/// Which column (0-based) holds each field of `F`, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Columns<F>(pub Vec<(F, Option<usize>)>);

impl<F> Default for Columns<F> {
    fn default() -> Self {
        Columns(Vec::new())
    }
}

/// Which column holds each field of a question.
pub type Mapping = Columns<Field>;

/// A column title as compared: no spaces or byte-order mark, lower case.
pub fn norm_title(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .collect::<String>()
        .to_lowercase()
}

impl<F: Column> Columns<F> {
    /// The columns whose titles name the fields, each column serving one field; a field
    /// whose title is not found is left unmapped for the user to choose.
    pub fn guess(header: &[String]) -> Self {
        let titles: Vec<String> = header.iter().map(|h| norm_title(h)).collect();
        let mut used = HashSet::new();
        Columns(
            F::ALL
                .iter()
                .map(|f| {
                    let at = f.titles().iter().find_map(|t| {
                        titles
                            .iter()
                            .enumerate()
                            .position(|(i, h)| h == t && !used.contains(&i))
                    });
                    if let Some(i) = at {
                        used.insert(i);
                    }
                    (*f, at)
                })
                .collect(),
        )
    }

    /// Reads the mapping from a query or form (`number=0&topic=4…`); fields not given keep
    /// their guess, an empty value leaves a field without a column.
    pub fn from_query(guess: Self, get: impl Fn(&str) -> Option<String>) -> Self {
        Columns(
            guess
                .0
                .into_iter()
                .map(|(f, at)| match get(f.code()) {
                    Some(v) if v.trim().is_empty() => (f, None),
                    Some(v) => (f, v.trim().parse().ok().or(at)),
                    None => (f, at),
                })
                .collect(),
        )
    }

    pub fn column(&self, field: F) -> Option<usize> {
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
                    f.code(),
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
    /// The councilors of the session's term, by [`cells::name_key`]; also by the Chinese
    /// part of a romanised name when only one councilor has it.
    councilors: HashMap<String, i64>,
    /// Sitting types by name, code and the synonyms the admin keeps, by [`sitting_key`].
    sitting_types: HashMap<String, i64>,
    /// Question numbers the session already has.
    pub taken: HashSet<i64>,
}

/// How a sitting type's name is compared: without spaces, in lower case.
pub fn sitting_key(name: &str) -> String {
    crate::dates::half_width(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

impl Known {
    /// `councilors` by name, `sitting_types` by every name a list may use for them.
    pub fn new(
        session_id: i64,
        councilors: impl IntoIterator<Item = (String, i64)>,
        sitting_types: impl IntoIterator<Item = (String, i64)>,
        taken: HashSet<i64>,
    ) -> Self {
        let councilors: Vec<(String, i64)> = councilors.into_iter().collect();
        let mut by_key: HashMap<String, i64> = HashMap::new();
        let mut by_han: HashMap<String, Option<i64>> = HashMap::new();
        for (name, id) in &councilors {
            by_key.insert(cells::name_key(name), *id);
            if let Some(han) = cells::han_part(name) {
                by_han
                    .entry(han)
                    .and_modify(|seen| *seen = None)
                    .or_insert(Some(*id));
            }
        }
        for (han, id) in by_han {
            if let Some(id) = id {
                by_key.entry(han).or_insert(id);
            }
        }
        Known {
            session_id,
            councilors: by_key,
            sitting_types: sitting_types
                .into_iter()
                .map(|(name, id)| (sitting_key(&name), id))
                .collect(),
            taken,
        }
    }

    pub fn councilor(&self, written: &str) -> Option<i64> {
        self.councilors.get(&cells::name_key(written)).copied()
    }

    fn sitting_type(&self, written: &str) -> Option<i64> {
        self.sitting_types.get(&sitting_key(written)).copied()
    }
}

/// At most this many characters in a topic; a longer 案由 is cut for lists and kept whole
/// as the question's text.
pub const TOPIC_MAX_CHARS: usize = 200;

/// One row of the file as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCheck {
    /// The row's line in the file (its sheet's row number).
    pub line: usize,
    pub number: String,
    pub councilors: String,
    pub sitting_type: String,
    pub sitting_date: String,
    pub topic: String,
    /// What is wrong with the row, in words; empty when it can be imported.
    pub problems: Vec<String>,
    /// What was done to the row that the user should know (a long topic cut …).
    #[serde(default)]
    pub notes: Vec<String>,
    /// A section heading between the questions (`乙、工務部分`), skipped.
    #[serde(default)]
    pub section: Option<String>,
}

impl RowCheck {
    pub fn valid(&self) -> bool {
        self.problems.is_empty() && self.section.is_none()
    }

    /// A question row, importable or not (not a section heading).
    pub fn question(&self) -> bool {
        self.section.is_none()
    }
}

/// Checks every row against what is known and against the other rows: a number used twice
/// in the file is a problem on both rows. `lines` are the rows' lines in the file.
pub fn check(
    rows: &[Vec<String>],
    lines: &[usize],
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
        if let Some(n) = cells::number(&cell(row, Field::Number)) {
            *in_file.entry(n).or_default() += 1;
        }
    }
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            // Lists stored before their lines were kept had the title row on line 1.
            let line = lines.get(i).copied().unwrap_or(i + 2);
            let number_text = cell(row, Field::Number);
            let number = cells::number(&number_text);
            if number.is_none() {
                if let Some(section) = cells::section(row) {
                    let r = RowCheck {
                        line,
                        number: number_text,
                        councilors: String::new(),
                        sitting_type: String::new(),
                        sitting_date: String::new(),
                        topic: section.clone(),
                        problems: Vec::new(),
                        notes: vec!["分節標題，略過".into()],
                        section: Some(section),
                    };
                    return (r, None);
                }
            }
            let mut problems = Vec::new();
            let mut notes = Vec::new();
            for f in Field::ALL {
                if mapping.column(*f).is_none() && *f != Field::Body {
                    problems.push(format!("未指定「{}」所在的欄位", f.label()));
                }
            }
            // A field without a column has been reported; its empty cells are not.
            let mapped = |f: Field| mapping.column(f).is_some();
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
            let names = cells::councilor_names(&councilor_text);
            let mut councilor_ids = Vec::new();
            for name in &names {
                match known.councilor(name) {
                    Some(id) if !councilor_ids.contains(&id) => councilor_ids.push(id),
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
            let sitting_type = known.sitting_type(&type_text);
            if sitting_type.is_none() && mapped(Field::SittingType) {
                problems.push(format!(
                    "找不到質詢類別「{type_text}」（可由管理者在基本資料加入別名）"
                ));
            }
            let date_text = cell(row, Field::SittingDate);
            let date = cells::date(&date_text);
            if let (Err(why), true) = (date, mapped(Field::SittingDate)) {
                problems.push(format!("質詢日期「{date_text}」{}", why.words()));
            }
            let full_topic = cell(row, Field::Topic);
            let topic = cells::short_topic(&full_topic, TOPIC_MAX_CHARS);
            if full_topic.is_empty() && mapped(Field::Topic) {
                problems.push("沒有質詢議題".into());
            }
            let mut body = cell(row, Field::Body);
            if topic != full_topic {
                notes.push(format!(
                    "議題超過 {TOPIC_MAX_CHARS} 字：清單顯示前段，全文列入質詢內容"
                ));
                if !body.starts_with(&full_topic) {
                    body = if body.is_empty() {
                        full_topic.clone()
                    } else {
                        format!("{full_topic}\n\n{body}")
                    };
                }
            } else if body.is_empty() && !full_topic.is_empty() {
                notes.push("沒有質詢內容：以議題作為內容".into());
                body = full_topic.clone();
            }
            if body.chars().count() > LONG_TEXT_MAX_CHARS {
                problems.push(format!("質詢內容超過 {LONG_TEXT_MAX_CHARS} 字"));
            }
            let question = match (problems.is_empty(), number, sitting_type, date) {
                (true, Some(number), Some(sitting_type_id), Ok(sitting_date)) => {
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
                    line,
                    number: number_text,
                    councilors: councilor_text,
                    sitting_type: type_text,
                    sitting_date: date_text,
                    topic,
                    problems,
                    notes,
                    section: None,
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

/// A sheet as read: its name ("" for CSV) and each row that has any text, with its line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Where in the file the list was found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// The sheet read ("" for CSV).
    pub sheet: String,
    /// Every sheet of the workbook, in order.
    pub sheets: Vec<String>,
    /// The line of the column titles; the lines above it are the list's titles.
    pub header_line: usize,
    /// The line of each row under it.
    pub lines: Vec<usize>,
}

/// A list as it is kept for its preview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub layout: Layout,
}

/// How many fields a row's cells name as column titles.
fn titles_recognised(row: &[String]) -> usize {
    Mapping::guess(row)
        .0
        .iter()
        .filter(|(_, at)| at.is_some())
        .count()
}

/// The row of column titles: the first of the first ten rows that names at least two
/// fields, so that the title lines above it (`臺北市議會第14屆第3次定期大會…`) are
/// skipped; the first row if none does.
fn header_index(rows: &[(usize, Vec<String>)]) -> usize {
    rows.iter()
        .take(10)
        .position(|(_, row)| titles_recognised(row) >= 2)
        .unwrap_or(0)
}

/// The list in a file's sheets: the sheet asked for (by name or number), or else the first
/// whose column titles are recognised (a workbook's first sheet is often notes), with its
/// title lines skipped.
pub fn table(sheets: Vec<Sheet>, wanted: &str) -> Result<Table, crate::error::AppError> {
    use crate::error::AppError;
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    let wanted = wanted.trim();
    let at = if wanted.is_empty() {
        sheets
            .iter()
            .position(|s| {
                let rows = &s.rows;
                rows.get(header_index(rows))
                    .is_some_and(|(_, r)| titles_recognised(r) >= 2)
            })
            .or_else(|| sheets.iter().position(|s| !s.rows.is_empty()))
    } else {
        names
            .iter()
            .position(|n| n.trim() == wanted)
            .or_else(|| {
                wanted
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=names.len()).contains(n))
                    .map(|n| n - 1)
            })
            .map(Some)
            .ok_or_else(|| {
                AppError::validation(
                    "sheet",
                    format!(
                        "找不到工作表「{wanted}」。這個活頁簿的工作表：{}。",
                        names.join("、")
                    ),
                )
            })?
    };
    let Some(at) = at.filter(|at| !sheets[*at].rows.is_empty()) else {
        return Err(AppError::validation("file", "檔案中沒有任何資料。"));
    };
    let sheet = sheets.into_iter().nth(at).unwrap_or_default();
    let first = header_index(&sheet.rows);
    let mut rows = sheet.rows.into_iter().skip(first);
    let (header_line, header) = rows.next().unwrap_or_default();
    let (lines, rows) = rows.unzip();
    Ok(Table {
        header,
        rows,
        layout: Layout {
            sheet: sheet.name,
            sheets: names,
            header_line,
            lines,
        },
    })
}

/// An uploaded list as its preview page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub id: i64,
    pub file_name: String,
    pub session_id: i64,
    pub session: String,
    pub header: Vec<String>,
    /// How many columns the widest row has: every one can be chosen.
    pub width: usize,
    pub layout: Layout,
    pub mapping: Mapping,
    pub rows: Vec<RowCheck>,
    /// How many questions were imported from it, once it has been.
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
            None => format!("第 {} 欄（無標題）", i + 1),
        }
    }
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
        known_with(&[], &[], [5].into())
    }

    fn known_with(
        councilors: &[(&str, i64)],
        sitting_types: &[(&str, i64)],
        taken: HashSet<i64>,
    ) -> Known {
        let councilors = [("王承恩", 1), ("林雨彤", 2)].iter().chain(councilors);
        let types = [("市政總質詢", 10), ("general", 10)]
            .iter()
            .chain(sitting_types);
        Known::new(
            7,
            councilors.map(|(n, id)| ((*n).to_owned(), *id)),
            types.map(|(n, id)| ((*n).to_owned(), *id)),
            taken,
        )
    }

    fn lines(n: usize) -> Vec<usize> {
        (2..n + 2).collect()
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
        let checked = check(
            &rows,
            &lines(rows.len()),
            &Mapping::guess(&header()),
            &known(),
        );
        let problems: Vec<Vec<String>> = checked.iter().map(|(r, _)| r.problems.clone()).collect();
        assert!(problems[0].is_empty());
        assert_eq!(problems[1], vec!["找不到議員「王大明」"]);
        assert_eq!(problems[2], vec!["本會期已有質詢第 5 號"]);
        assert_eq!(problems[3], vec!["質詢日期「113/02/30」沒有這一天"]);
        assert_eq!(
            problems[4],
            vec!["找不到質詢類別「專案報告」（可由管理者在基本資料加入別名）"]
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
    fn an_unmapped_field_is_a_problem_on_every_row_but_the_text_may_be_the_topic() {
        let rows = [row(&[
            "1",
            "王承恩",
            "市政總質詢",
            "113/03/15",
            "議題",
            "內容",
        ])];
        let without = |field: &'static str| {
            let m = Mapping::from_query(Mapping::guess(&header()), |k| {
                (k == field).then(String::new)
            });
            check(&rows, &[2], &m, &known()).remove(0)
        };
        let (no_topic, _) = without("topic");
        assert!(no_topic
            .problems
            .contains(&"未指定「質詢議題」所在的欄位".to_owned()));
        let (no_body, question) = without("body");
        assert!(no_body.valid(), "{no_body:?}");
        assert_eq!(no_body.notes, vec!["沒有質詢內容：以議題作為內容"]);
        assert_eq!(question.unwrap().body, "議題");
    }

    #[test]
    fn cells_are_read_as_councils_write_them() {
        let k = known_with(
            &[("伍麗華Saidhai Tahovecahe", 3), ("烏杜・瑪萊", 4)],
            &[("書面質詢", 11), ("總質詢", 10)],
            HashSet::new(),
        );
        let long = format!("{}，{}", "社會住宅".repeat(40), "長".repeat(100));
        let rows = vec![
            row(&[
                "第1號",
                "王議員承恩 林雨彤議員",
                "總質詢",
                "113年3月15日",
                "議題",
                "內容",
            ]),
            row(&["２", "伍麗華、烏杜‧瑪萊", "書面 質詢", "1130315", &long, ""]),
            row(&["", "乙、工務部分", "", "", "", ""]),
            row(&[
                "3號",
                "伍麗華Saidhai Tahovecahe",
                "市政總質詢",
                "45366",
                "議題",
                "內容",
            ]),
        ];
        let checked = check(&rows, &[4, 5, 7, 8], &Mapping::guess(&header()), &k);
        let (first, q1) = &checked[0];
        assert!(first.valid(), "{first:?}");
        assert_eq!(first.line, 4);
        let q1 = q1.as_ref().unwrap();
        assert_eq!((q1.number, q1.sitting_type_id), (1, 10));
        assert_eq!(q1.councilor_ids, vec![1, 2]);
        let (second, q2) = &checked[1];
        assert!(second.valid(), "{second:?}");
        let q2 = q2.as_ref().unwrap();
        assert_eq!((q2.number, q2.sitting_type_id), (2, 11));
        assert_eq!(q2.councilor_ids, vec![3, 4]);
        assert!(q2.topic.chars().count() <= TOPIC_MAX_CHARS);
        assert_eq!(q2.body, long, "the whole 案由 is the question's text");
        assert_eq!(second.notes.len(), 1);
        let (section, q) = &checked[2];
        assert_eq!(section.section.as_deref(), Some("乙、工務部分"));
        assert!(!section.valid() && !section.question() && q.is_none());
        let q3 = checked[3].1.as_ref().unwrap();
        assert_eq!(q3.councilor_ids, vec![3]);
        assert_eq!(q3.sitting_date, q1.sitting_date);
    }

    #[test]
    fn the_list_is_found_below_its_titles_on_the_sheet_that_holds_it() {
        let rows = |cells: &[(usize, &[&str])]| -> Vec<(usize, Vec<String>)> {
            cells.iter().map(|(l, c)| (*l, row(c))).collect()
        };
        let notes = Sheet {
            name: "說明".into(),
            rows: rows(&[(1, &["本表請依格式填寫"]), (2, &["編號請填數字"])]),
        };
        let list = Sheet {
            name: "質詢清單".into(),
            rows: rows(&[
                (1, &["臺北市議會第14屆第3次定期大會"]),
                (2, &["市政總質詢議員質詢事項一覽表"]),
                (4, &["編號", "議員", "日期", "案由"]),
                (5, &["1", "王承恩", "113/03/15", "議題"]),
                (7, &["2", "林雨彤", "113/03/15", "議題"]),
            ]),
        };
        let t = table(vec![notes.clone(), list.clone()], "").unwrap();
        assert_eq!(t.header, row(&["編號", "議員", "日期", "案由"]));
        assert_eq!(t.layout.sheet, "質詢清單");
        assert_eq!(t.layout.sheets, vec!["說明", "質詢清單"]);
        assert_eq!(
            (t.layout.header_line, t.layout.lines.clone()),
            (4, vec![5, 7])
        );
        assert_eq!(t.rows.len(), 2);
        let asked = table(vec![notes.clone(), list.clone()], "1").unwrap();
        assert_eq!(asked.layout.sheet, "說明");
        let said = table(vec![notes, list], "第三表").unwrap_err().to_string();
        assert!(said.contains("說明、質詢清單"), "{said}");
    }

    #[test]
    fn the_chosen_rows_are_written_only_when_every_one_is_valid() {
        let rows = vec![
            row(&["1", "王承恩", "市政總質詢", "113/03/15", "議題一", "內容一"]),
            row(&["2", "王大明", "市政總質詢", "113/03/15", "議題二", "內容二"]),
            row(&["3", "林雨彤", "市政總質詢", "113/03/15", "議題三", "內容三"]),
        ];
        let m = Mapping::guess(&header());
        let checked = || check(&rows, &lines(3), &m, &known());
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
        let mut text = SAMPLE_CSV.trim_start_matches('\u{feff}').lines();
        let header: Vec<String> = text.next().unwrap().split(',').map(str::to_owned).collect();
        let rows: Vec<Vec<String>> = text
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect();
        let k = known_with(&[("陳冠霖", 3)], &[("部門質詢", 11)], HashSet::new());
        let checked = check(&rows, &lines(rows.len()), &Mapping::guess(&header), &k);
        assert!(
            checked.iter().all(|(r, q)| r.valid() && q.is_some()),
            "{checked:?}"
        );
    }
}

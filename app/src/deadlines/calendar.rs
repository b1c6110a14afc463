//! Working-day calendars as offices get them: the central government's open-data table
//! (行政院人事行政總處 `西元日期,星期,是否放假,備註`, every day of the year), a city's
//! open-data list of special days (`Date,name,isHoliday,holidayCategory,description`), or
//! the simple `日期,類別,名稱`; comma- or tab-separated (copied from a spreadsheet), one year
//! or several. A published table (the first two) replaces the years it covers, so that a
//! corrected table takes back a day it no longer marks; the simple layout, typed by hand,
//! adds or corrects the days it lists. Either way the import says what changed.

use super::{CalendarDay, DayKind};
use crate::dates::read_date;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Why a calendar was not imported: one cause for the whole text (its layout), or the
/// lines that are wrong in a text whose layout was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    Layout(String),
    Lines(Vec<(usize, String)>),
}

impl CalendarError {
    /// The words for the admin: the cause first, then at most ten lines.
    pub fn words(&self) -> String {
        match self {
            Self::Layout(why) => format!("未匯入任何資料：{why}"),
            Self::Lines(lines) => {
                let listed: Vec<String> = lines
                    .iter()
                    .take(10)
                    .map(|(line, why)| format!("第 {line} 行：{why}"))
                    .collect();
                let more = lines.len().saturating_sub(10);
                format!(
                    "未匯入任何資料，有 {} 行無法辨識。{}{}",
                    lines.len(),
                    listed.join(" "),
                    if more > 0 {
                        format!(" 另有 {more} 行。")
                    } else {
                        String::new()
                    }
                )
            }
        }
    }
}

/// The columns of a calendar's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// A day and whether it is off; days that follow the weekday rule are dropped.
    Flag {
        date: usize,
        off: usize,
        name: Option<usize>,
        category: Option<usize>,
    },
    /// A day and its kind (放假／補行上班).
    Kind {
        date: usize,
        kind: usize,
        name: usize,
    },
}

fn norm(title: &str) -> String {
    title
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_matches('"')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

impl Layout {
    /// The layout a title row names, if it names one.
    fn of(titles: &[String]) -> Option<Self> {
        let at = |names: &[&str]| {
            titles
                .iter()
                .position(|t| names.contains(&norm(t).as_str()))
        };
        let date = at(&["西元日期", "date", "日期", "西元日期(yyyymmdd)"])?;
        let name = at(&["備註", "name", "名稱", "節日名稱", "假日名稱", "說明"]);
        let category = at(&["holidaycategory", "假別", "類別說明"]);
        if let Some(off) = at(&["是否放假", "isholiday", "是否為假日", "放假", "holiday"])
        {
            return Some(Self::Flag {
                date,
                off,
                name: name.or(at(&["description"])),
                category,
            });
        }
        let kind = at(&["kind", "類別", "種類"])?;
        Some(Self::Kind {
            date,
            kind,
            name: name.unwrap_or(kind + 1),
        })
    }
}

/// A line's fields, separated by `sep`, a field in double quotes keeping its separators.
fn fields(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let (mut field, mut quoted, mut chars) = (String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out.into_iter().map(|f| f.trim().to_owned()).collect()
}

/// Whether a flag cell says the day is off: 2 (the national table), 是, Y, true, 1.
fn off(flag: &str) -> Option<bool> {
    match norm(flag).as_str() {
        "2" | "是" | "y" | "yes" | "true" | "1" | "放假" => Some(true),
        "0" | "否" | "n" | "no" | "false" | "上班" => Some(false),
        _ => None,
    }
}

/// A calendar as read: the days that differ from the weekday rule, every year it covers
/// (a national table lists every day, so a year may have no exception at all), and whether
/// it is a published table that replaces those years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub days: Vec<CalendarDay>,
    pub years: BTreeSet<i32>,
    pub replaces_years: bool,
}

/// Reads a calendar in any of the layouts, comma- or tab-separated.
pub fn parse(text: &str) -> Result<Calendar, CalendarError> {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let Some((_, first)) = lines.first() else {
        return Err(CalendarError::Layout("沒有任何內容。".into()));
    };
    let head: String = lines.iter().take(20).map(|(_, l)| *l).collect();
    let sep = if head.matches('\t').count() > head.matches(',').count() {
        '\t'
    } else {
        ','
    };
    let titles = fields(first, sep);
    let (layout, rows) = match Layout::of(&titles) {
        Some(layout) => (layout, &lines[1..]),
        // No title row: the simple layout, if its first line reads as one.
        None if read_date(&titles[0]).is_ok()
            && titles.get(1).is_some_and(|k| DayKind::parse(k).is_some()) =>
        {
            (
                Layout::Kind {
                    date: 0,
                    kind: 1,
                    name: 2,
                },
                &lines[..],
            )
        }
        None => {
            return Err(CalendarError::Layout(format!(
                "看不出這是哪一種日曆格式。第一行應為欄位名稱，例如人事行政總處的「西元日期,星期,是否放假,備註」、\
                 縣市開放資料的「Date,name,isHoliday,…」，或每行「日期,類別,名稱」；這份內容的第一行是「{}」。",
                first.chars().take(40).collect::<String>()
            )))
        }
    };
    let mut days = BTreeMap::new();
    let mut years = BTreeSet::new();
    let mut problems = Vec::new();
    for (line, text) in rows {
        let f = fields(text, sep);
        let cell = |i: usize| f.get(i).map(String::as_str).unwrap_or_default();
        let (date_at, parsed) = match layout {
            Layout::Flag {
                date,
                off: flag,
                name,
                category,
            } => {
                let name = name
                    .map(cell)
                    .filter(|n| !n.is_empty())
                    .or(category.map(cell))
                    .unwrap_or_default();
                (date, off(cell(flag)).map(|off| (Some(off), None, name)))
            }
            Layout::Kind { date, kind, name } => (
                date,
                DayKind::parse(cell(kind)).map(|k| (None, Some(k), cell(name))),
            ),
        };
        let day = match read_date(cell(date_at)) {
            Ok(day) => day,
            Err(why) => {
                problems.push((*line, format!("日期「{}」{}", cell(date_at), why.words())));
                continue;
            }
        };
        let Some((flag, kind, name)) = parsed else {
            problems.push((
                *line,
                match layout {
                    Layout::Flag { .. } => "「是否放假」須為 2／0 或 是／否。".into(),
                    Layout::Kind { .. } => "類別須為放假或補行上班。".into(),
                },
            ));
            continue;
        };
        years.insert(day.year());
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let kind = match (flag, kind) {
            (_, Some(kind)) => Some(kind),
            (Some(true), _) if !weekend => Some(DayKind::Holiday),
            (Some(false), _) if weekend => Some(DayKind::Workday),
            _ => None,
        };
        if let Some(kind) = kind {
            let name = name.chars().take(40).collect();
            days.insert(day, CalendarDay { day, kind, name });
        }
    }
    // Most lines wrong is a layout the admin did not mean, not a few typing mistakes.
    if !problems.is_empty() && problems.len() * 2 > rows.len() {
        return Err(CalendarError::Layout(format!(
            "{} 行中有 {} 行無法辨識，請確認欄位順序與分隔符號（逗號或 Tab）。第一個問題在第 {} 行：{}",
            rows.len(),
            problems.len(),
            problems[0].0,
            problems[0].1
        )));
    }
    if !problems.is_empty() {
        return Err(CalendarError::Lines(problems));
    }
    if rows.is_empty() {
        return Err(CalendarError::Layout("只有欄位名稱，沒有任何日期。".into()));
    }
    Ok(Calendar {
        days: days.into_values().collect(),
        years,
        replaces_years: matches!(layout, Layout::Flag { .. }),
    })
}

/// What an import changed in the years it covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarChange {
    pub years: Vec<i32>,
    pub added: Vec<CalendarDay>,
    pub removed: Vec<CalendarDay>,
    /// The days whose kind or name changed, as they are now.
    pub changed: Vec<CalendarDay>,
}

impl CalendarChange {
    /// The change from `before` to `after` (the days of the years covered).
    pub fn between(years: &BTreeSet<i32>, before: &[CalendarDay], after: &[CalendarDay]) -> Self {
        let old: BTreeMap<NaiveDate, &CalendarDay> = before.iter().map(|d| (d.day, d)).collect();
        let new: BTreeMap<NaiveDate, &CalendarDay> = after.iter().map(|d| (d.day, d)).collect();
        Self {
            years: years.iter().copied().collect(),
            added: after
                .iter()
                .filter(|d| !old.contains_key(&d.day))
                .cloned()
                .collect(),
            removed: before
                .iter()
                .filter(|d| !new.contains_key(&d.day))
                .cloned()
                .collect(),
            changed: after
                .iter()
                .filter(|d| old.get(&d.day).is_some_and(|o| *o != *d))
                .cloned()
                .collect(),
        }
    }

    /// One sentence: the years (ROC) and how many days were added, removed, changed, with
    /// the removed days named (a holiday that is no longer one moves deadlines).
    pub fn sentence(&self) -> String {
        let years: Vec<String> = self
            .years
            .iter()
            .map(|y| format!("{} 年", y - 1911))
            .collect();
        if self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty() {
            return format!("{}：與原有設定相同，沒有變更。", years.join("、"));
        }
        let mut said = format!(
            "{}：新增 {} 天、移除 {} 天、修改 {} 天。",
            years.join("、"),
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        );
        if !self.removed.is_empty() {
            let named: Vec<String> = self
                .removed
                .iter()
                .map(|d| format!("{}{}", crate::dates::roc_date(d.day), paren(&d.name)))
                .collect();
            said.push_str(&format!("移除：{}。", named.join("、")));
        }
        said
    }
}

fn paren(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!("（{name}）")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_national_table_keeps_only_the_exceptions_whatever_the_separator() {
        let csv = "\u{feff}西元日期,星期,是否放假,備註\n\
                   20240216,五,0,\n20240217,六,0,補行上班\n20240218,日,2,\n\
                   20240228,三,2,和平紀念日\n";
        let days = parse(csv).unwrap().days;
        assert_eq!(
            days,
            vec![
                CalendarDay {
                    day: d(2024, 2, 17),
                    kind: DayKind::Workday,
                    name: "補行上班".into()
                },
                CalendarDay {
                    day: d(2024, 2, 28),
                    kind: DayKind::Holiday,
                    name: "和平紀念日".into()
                },
            ]
        );
        assert_eq!(parse(&csv.replace(',', "\t")).unwrap().days, days);
    }

    #[test]
    fn a_citys_open_data_list_reads_its_flags_and_names() {
        let csv = "Date,name,isHoliday,holidayCategory,description\n\
                   2024/1/1,開國紀念日,是,放假之紀念日及節日,全國各機關學校放假一日。\n\
                   2024/2/17,,否,補行上班日,\n\
                   2024/2/18,,是,星期六、星期日,\n";
        let days = parse(csv).unwrap().days;
        assert_eq!(days.len(), 2);
        assert_eq!(
            (days[0].day, days[0].kind, days[0].name.as_str()),
            (d(2024, 1, 1), DayKind::Holiday, "開國紀念日")
        );
        assert_eq!(
            (days[1].day, days[1].kind, days[1].name.as_str()),
            (d(2024, 2, 17), DayKind::Workday, "補行上班日")
        );
    }

    #[test]
    fn the_simple_layout_reads_with_or_without_its_titles() {
        let csv = "date,kind,name\n2024-04-04,holiday,兒童節\n113/02/17,補行上班,春節補班\n";
        let days = parse(csv).unwrap().days;
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].day, d(2024, 2, 17), "in order of day");
        let bare = "2024-04-04,放假,兒童節\n2024-04-05,放假,清明節\n";
        assert_eq!(parse(bare).unwrap().days.len(), 2);
    }

    #[test]
    fn an_unknown_layout_is_one_cause_on_the_first_line() {
        let said = parse("年,月,日\n2024,1,1\n").unwrap_err().words();
        assert!(
            said.starts_with("未匯入任何資料：看不出這是哪一種日曆格式"),
            "{said}"
        );
        assert!(said.contains("「年,月,日」"), "{said}");
        // A title row the reader knows, but the wrong columns under it.
        let shifted = "西元日期,星期,是否放假,備註\n五,20240216,0,\n六,20240217,0,\n";
        let said = parse(shifted).unwrap_err().words();
        assert!(said.contains("2 行中有 2 行無法辨識"), "{said}");
    }

    #[test]
    fn a_few_bad_lines_are_named_by_number() {
        let csv = "date,kind,name\n2024-04-04,holiday,兒童節\n2024-04-05,holiday,清明\n\
                   not a date,holiday,x\n2024-04-06,holiday,x\n2024-04-08,sometimes,x\n";
        let CalendarError::Lines(lines) = parse(csv).unwrap_err() else {
            panic!("lines expected");
        };
        assert_eq!(
            lines.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            vec![4, 6]
        );
    }

    #[test]
    fn a_change_names_what_was_added_removed_and_changed() {
        let day = |m, n, kind, name: &str| CalendarDay {
            day: d(2026, m, n),
            kind,
            name: name.into(),
        };
        let before = vec![
            day(6, 19, DayKind::Holiday, "端午節"),
            day(9, 25, DayKind::Holiday, "中秋"),
            day(10, 9, DayKind::Holiday, "國慶日補假"),
        ];
        let after = vec![
            day(9, 25, DayKind::Holiday, "中秋節"),
            day(10, 9, DayKind::Holiday, "國慶日補假"),
            day(12, 25, DayKind::Holiday, "行憲紀念日"),
        ];
        let change = CalendarChange::between(&[2026].into(), &before, &after);
        assert_eq!(change.added.len(), 1);
        assert_eq!(change.removed, vec![before[0].clone()]);
        assert_eq!(change.changed, vec![after[0].clone()]);
        assert_eq!(
            change.sentence(),
            "115 年：新增 1 天、移除 1 天、修改 1 天。移除：115/06/19（端午節）。"
        );
        let same = CalendarChange::between(&[2026].into(), &after, &after);
        assert_eq!(same.sentence(), "115 年：與原有設定相同，沒有變更。");
    }

    #[test]
    fn a_national_table_covers_its_years_even_without_exceptions() {
        let csv = "西元日期,星期,是否放假,備註\n20270104,一,0,\n20270105,二,0,\n";
        let calendar = parse(csv).unwrap();
        assert!(calendar.days.is_empty());
        assert_eq!(calendar.years, [2027].into());
        assert!(calendar.replaces_years, "a published table");
        let typed = parse("日期,類別,名稱\n2027-01-01,放假,開國紀念日\n").unwrap();
        assert!(!typed.replaces_years, "days typed by hand");
    }
}

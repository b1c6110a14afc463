//! The figures the secretariat reports to the council and watches day to day: report
//! tables like the seed's (questions per session and sitting type, data requests received
//! and delivered on time or late, a per-bureau breakdown) and a dashboard (open and overdue
//! cases, on-time rates, days to reply, returns, meetings, a monthly trend). One set of
//! facts per case comes from the database; every figure is computed here, in plain Rust,
//! and tested on a fixed data set.

pub mod chart;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
pub mod server_fns;

use crate::{cases::CaseKind, cases::CaseStatus, dates::parse_date};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A date range, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Range {
    /// The half-year containing `today` (the seed reports by half-year: 112 年下半年).
    pub fn half_year_of(today: NaiveDate) -> Self {
        let (from, to) = if today.month() <= 6 {
            ((today.year(), 1, 1), (today.year(), 6, 30))
        } else {
            ((today.year(), 7, 1), (today.year(), 12, 31))
        };
        let day = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today);
        Self {
            from: day(from),
            to: day(to),
        }
    }

    /// From `from` and `to` as typed (ROC or ISO), the half-year of `today` for what is
    /// missing or unreadable; the ends swapped if given backwards; at most ten years.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Self {
        let default = Self::half_year_of(today);
        let from = from.and_then(parse_date).unwrap_or(default.from);
        let to = to.and_then(parse_date).unwrap_or(default.to);
        let (from, to) = if from <= to { (from, to) } else { (to, from) };
        let to = to.min(from + chrono::Duration::days(3653));
        Self { from, to }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// `113/01/01–113/06/30`
    pub fn label(&self) -> String {
        use crate::dates::roc_date;
        format!("{}–{}", roc_date(self.from), roc_date(self.to))
    }
}

/// One case as the figures need it. `start` is the sitting day (a question) or the day it
/// was received (a data request); `replied_on` the day its reply was approved, or for a data
/// request its first delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFact {
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub session: String,
    /// The sitting type's name (questions only).
    pub sitting_type: Option<String>,
    /// The lead bureau (id, name, the city's order), if assigned.
    pub bureau: Option<(i64, String, i64)>,
    pub start: NaiveDate,
    pub due_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    /// Times the reply was returned to the bureau (by the secretariat or the reviewer).
    pub returns: i64,
    /// Times the councilor's office said the reply did not answer (答非所問).
    pub not_answers: i64,
    /// The councilors who asked (a joint question names several).
    #[serde(default)]
    pub councilors: Vec<String>,
    /// A service case's category: its name and its place in the reference order.
    #[serde(default)]
    pub category: Option<(String, i64)>,
    /// The office agreed to a later due date or to delivery in batches (an interim reply's
    /// agreement or a postponement): a reply by the moved date is on time after an agreed
    /// extension, counted apart.
    #[serde(default)]
    pub extended: bool,
}

impl CaseFact {
    pub(crate) fn open(&self) -> bool {
        !matches!(self.status, CaseStatus::Closed | CaseStatus::Tracking)
            && self.replied_on.is_none()
    }

    fn overdue(&self, today: NaiveDate) -> bool {
        self.open() && self.due_on < today
    }

    pub(crate) fn on_time(&self) -> Option<bool> {
        self.replied_on.map(|on| on <= self.due_on)
    }

    /// On time, by a due date the office agreed to move.
    pub(crate) fn on_time_extended(&self) -> bool {
        self.extended && self.on_time() == Some(true)
    }

    pub(crate) fn days_to_reply(&self) -> Option<i64> {
        self.replied_on
            .map(|on| (on - self.start).num_days().max(0))
    }
}

/// Questions at one session's sittings of one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingRow {
    pub session: String,
    pub sitting_type: String,
    pub questions: i64,
}

/// Data requests received in the range and what became of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryFigures {
    pub received: i64,
    /// On time, including those on time after an agreed extension.
    pub on_time: i64,
    /// Of `on_time`, those answered by a due date the office agreed to move.
    #[serde(default)]
    pub on_time_extended: i64,
    pub late: i64,
    pub pending: i64,
}

/// One bureau's line: the cases it leads that started in the range, and (`open`,
/// `overdue`) every case it leads that is still open today.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BureauRow {
    pub bureau: String,
    pub questions: i64,
    pub data_requests: i64,
    #[serde(default)]
    pub service_cases: i64,
    #[serde(default)]
    pub resolutions: i64,
    pub replied: i64,
    /// On time, including those on time after an agreed extension.
    pub on_time: i64,
    /// Of `on_time`, those answered by a due date the office agreed to move.
    #[serde(default)]
    pub on_time_extended: i64,
    /// Cases of the range still unanswered past their due date: late already, whenever
    /// they are answered.
    pub late_open: i64,
    pub open: i64,
    pub overdue: i64,
    pub returns: i64,
    /// Replies the councilor's office said do not answer (答非所問).
    pub not_answers: i64,
    /// Average days from the sitting (or receipt) to the reply, over the replied cases.
    pub average_days: Option<f64>,
    #[serde(skip)]
    order: i64,
}

/// The share of cases answered by their due date, in percent, of those replied and those
/// still pending past it (a case overdue today counts as late, not as nothing: a bureau
/// that answers nothing is not 100 % on time). One rule for bureaus and councilors.
fn on_time_rate(on_time: i64, replied: i64, late_open: i64) -> Option<f64> {
    let judged = replied + late_open;
    (judged > 0).then(|| 100.0 * on_time as f64 / judged as f64)
}

impl BureauRow {
    /// See [`on_time_rate`].
    pub fn on_time_rate(&self) -> Option<f64> {
        on_time_rate(self.on_time, self.replied, self.late_open)
    }
}

/// One councilor's line: the questions and data requests of the range they asked (a joint
/// question counts for each of its councilors) and how they were answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilorRow {
    pub councilor: String,
    pub questions: i64,
    pub data_requests: i64,
    #[serde(default)]
    pub service_cases: i64,
    #[serde(default)]
    pub resolutions: i64,
    pub replied: i64,
    pub on_time: i64,
    /// Still unanswered past their due date.
    pub late_open: i64,
    /// Replies their office said do not answer (答非所問).
    pub not_answers: i64,
}

impl CouncilorRow {
    /// See [`on_time_rate`].
    pub fn on_time_rate(&self) -> Option<f64> {
        on_time_rate(self.on_time, self.replied, self.late_open)
    }
}

/// One category's service cases that started in the range, and how they were answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub category: String,
    pub cases: i64,
    pub replied: i64,
    pub on_time: i64,
    /// Still unanswered past their due date.
    pub late_open: i64,
    pub open: i64,
    #[serde(skip)]
    order: i64,
}

impl CategoryRow {
    /// A row as the kept figures sum it: cases, replied, on time, late open, open.
    #[cfg(feature = "ssr")]
    pub(crate) fn of(
        category: String,
        order: i64,
        [cases, replied, on_time, late_open, open]: [i64; 5],
    ) -> Self {
        Self {
            category,
            cases,
            replied,
            on_time,
            late_open,
            open,
            order,
        }
    }

    /// See [`on_time_rate`].
    pub fn on_time_rate(&self) -> Option<f64> {
        on_time_rate(self.on_time, self.replied, self.late_open)
    }
}

/// Service cases by category: the rows for `facts` of the range, in the reference order.
fn category_rows<'a>(
    facts: impl Iterator<Item = &'a CaseFact>,
    today: NaiveDate,
) -> Vec<CategoryRow> {
    let mut rows: Vec<CategoryRow> = Vec::new();
    for f in facts.filter(|f| f.kind == CaseKind::Service) {
        let Some((name, order)) = &f.category else {
            continue;
        };
        let row = match rows.iter().position(|r| &r.category == name) {
            Some(i) => &mut rows[i],
            None => {
                rows.push(CategoryRow {
                    category: name.clone(),
                    order: *order,
                    ..Default::default()
                });
                rows.last_mut().expect("just pushed")
            }
        };
        row.cases += 1;
        row.open += i64::from(f.open());
        row.late_open += i64::from(f.overdue(today));
        if let Some(on_time) = f.on_time() {
            row.replied += 1;
            row.on_time += i64::from(on_time);
        }
    }
    sort_categories(&mut rows);
    rows
}

pub(crate) fn sort_categories(rows: &mut [CategoryRow]) {
    rows.sort_by(|a, b| a.order.cmp(&b.order).then(a.category.cmp(&b.category)));
}

/// Cases that started and cases replied in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRow {
    /// `113/03`
    pub month: String,
    pub recorded: i64,
    pub replied: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub range: Range,
    pub sittings: Vec<SittingRow>,
    pub deliveries: DeliveryFigures,
    pub bureaus: Vec<BureauRow>,
    /// Most cases first.
    #[serde(default)]
    pub councilors: Vec<CouncilorRow>,
    pub months: Vec<MonthRow>,
    /// Open cases whatever their start, and how many of them are overdue.
    pub open_now: i64,
    pub overdue_now: i64,
    /// Service cases by category.
    #[serde(default)]
    pub categories: Vec<CategoryRow>,
}

/// The figures of `range` as of `today`, from every case's facts. Tables count the cases
/// that started in the range; "open" and "overdue" in the bureau lines are those cases'
/// states today.
pub fn compute(facts: &[CaseFact], range: Range, today: NaiveDate) -> Report {
    let in_range: Vec<&CaseFact> = facts.iter().filter(|f| range.contains(f.start)).collect();

    let mut sittings: Vec<SittingRow> = Vec::new();
    for f in in_range.iter().filter(|f| f.kind == CaseKind::Question) {
        let sitting_type = f.sitting_type.clone().unwrap_or_default();
        match sittings
            .iter_mut()
            .find(|r| r.session == f.session && r.sitting_type == sitting_type)
        {
            Some(row) => row.questions += 1,
            None => sittings.push(SittingRow {
                session: f.session.clone(),
                sitting_type,
                questions: 1,
            }),
        }
    }

    let mut deliveries = DeliveryFigures::default();
    for f in in_range.iter().filter(|f| f.kind == CaseKind::DataRequest) {
        deliveries.received += 1;
        match f.on_time() {
            Some(true) => deliveries.on_time += 1,
            Some(false) => deliveries.late += 1,
            None => deliveries.pending += 1,
        }
        deliveries.on_time_extended += i64::from(f.on_time_extended());
    }

    let mut bureaus: Vec<BureauRow> = Vec::new();
    let mut days: Vec<(String, i64, i64)> = Vec::new();
    // A bureau's line counts the cases that started in the range, and every case it still
    // has open today, whenever that started.
    for f in facts {
        let counted = range.contains(f.start);
        if !counted && !f.open() {
            continue;
        }
        let Some((_, name, order)) = &f.bureau else {
            continue;
        };
        let row = match bureaus.iter_mut().position(|r| &r.bureau == name) {
            Some(i) => &mut bureaus[i],
            None => {
                bureaus.push(BureauRow {
                    bureau: name.clone(),
                    order: *order,
                    ..Default::default()
                });
                bureaus.last_mut().expect("just pushed")
            }
        };
        row.open += i64::from(f.open());
        row.overdue += i64::from(f.overdue(today));
        if !counted {
            continue;
        }
        match f.kind {
            CaseKind::Question => row.questions += 1,
            CaseKind::DataRequest => row.data_requests += 1,
            CaseKind::Service => row.service_cases += 1,
            CaseKind::Resolution => row.resolutions += 1,
        }
        if let Some(on_time) = f.on_time() {
            row.replied += 1;
            row.on_time += i64::from(on_time);
            row.on_time_extended += i64::from(f.on_time_extended());
        }
        row.late_open += i64::from(f.overdue(today));
        row.returns += f.returns;
        row.not_answers += f.not_answers;
        if let Some(d) = f.days_to_reply() {
            match days.iter_mut().find(|(b, _, _)| b == name) {
                Some(entry) => {
                    entry.1 += d;
                    entry.2 += 1;
                }
                None => days.push((name.clone(), d, 1)),
            }
        }
    }
    for row in &mut bureaus {
        row.average_days = days
            .iter()
            .find(|(b, _, _)| *b == row.bureau)
            .map(|(_, total, n)| *total as f64 / *n as f64);
    }
    sort_bureaus(&mut bureaus);

    let mut councilors: Vec<CouncilorRow> = Vec::new();
    for f in &in_range {
        for name in &f.councilors {
            let row = match councilors.iter().position(|r| &r.councilor == name) {
                Some(i) => &mut councilors[i],
                None => {
                    councilors.push(CouncilorRow {
                        councilor: name.clone(),
                        ..Default::default()
                    });
                    councilors.last_mut().expect("just pushed")
                }
            };
            match f.kind {
                CaseKind::Question => row.questions += 1,
                CaseKind::DataRequest => row.data_requests += 1,
                CaseKind::Service => row.service_cases += 1,
                CaseKind::Resolution => row.resolutions += 1,
            }
            if let Some(on_time) = f.on_time() {
                row.replied += 1;
                row.on_time += i64::from(on_time);
            }
            row.late_open += i64::from(f.overdue(today));
            row.not_answers += f.not_answers;
        }
    }
    sort_councilors(&mut councilors);

    let mut months: Vec<MonthRow> = months_of(range)
        .into_iter()
        .map(|first| MonthRow {
            month: month_label(first),
            recorded: 0,
            replied: 0,
        })
        .collect();
    for f in facts {
        if range.contains(f.start) {
            if let Some(m) = months.iter_mut().find(|m| m.month == month_label(f.start)) {
                m.recorded += 1;
            }
        }
        if let Some(on) = f.replied_on.filter(|on| range.contains(*on)) {
            if let Some(m) = months.iter_mut().find(|m| m.month == month_label(on)) {
                m.replied += 1;
            }
        }
    }

    Report {
        range,
        sittings,
        deliveries,
        bureaus,
        councilors,
        months,
        open_now: facts.iter().filter(|f| f.open()).count() as i64,
        overdue_now: facts.iter().filter(|f| f.overdue(today)).count() as i64,
        categories: category_rows(in_range.iter().copied(), today),
    }
}

/// The first day of each month the range touches, at most 120: the trend's months.
fn months_of(range: Range) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut cursor =
        NaiveDate::from_ymd_opt(range.from.year(), range.from.month(), 1).unwrap_or(range.from);
    while cursor <= range.to && months.len() < 120 {
        months.push(cursor);
        cursor = cursor
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(range.to + chrono::Duration::days(1));
    }
    months
}

/// A month as the trend names it: `113/03`.
fn month_label(day: NaiveDate) -> String {
    format!("{}/{:02}", day.year() - 1911, day.month())
}

/// The city's order of bureaus, then by name.
fn sort_bureaus(rows: &mut [BureauRow]) {
    rows.sort_by(|a, b| a.order.cmp(&b.order).then(a.bureau.cmp(&b.bureau)));
}

/// Most cases first, then by name.
fn sort_councilors(rows: &mut [CouncilorRow]) {
    rows.sort_by(|a, b| {
        (b.questions + b.data_requests + b.service_cases + b.resolutions)
            .cmp(&(a.questions + a.data_requests + a.service_cases + a.resolutions))
            .then_with(|| a.councilor.cmp(&b.councilor))
    });
}

text_enum!(TableFormat {
    Csv = "csv" / "CSV",
    Xlsx = "xlsx" / "Excel（XLSX）",
});

impl TableFormat {
    pub fn extension(self) -> &'static str {
        self.as_str()
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// A table as the downloads write it: a title, the header and the rows, each cell a text
/// or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A day: shown in ROC form, kept a date in a spreadsheet so that it sorts and counts.
    Date(chrono::NaiveDate),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Self::Text(t) => t.clone(),
            Self::Date(d) => crate::dates::roc_date(*d),
            Self::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Self::Number(n) => format!("{n:.1}"),
        }
    }
}

impl Report {
    /// The report tables, as the page shows them and the files carry them.
    pub fn tables(&self) -> Vec<Table> {
        let n = |v: i64| Cell::Number(v as f64);
        let t = |s: &str| Cell::Text(s.to_owned());
        let mut sittings: Vec<Vec<Cell>> = self
            .sittings
            .iter()
            .map(|r| vec![t(&r.session), t(&r.sitting_type), n(r.questions)])
            .collect();
        let total: i64 = self.sittings.iter().map(|r| r.questions).sum();
        sittings.push(vec![t("合計"), t(""), n(total)]);
        let d = &self.deliveries;
        let bureaus = self
            .bureaus
            .iter()
            .map(|b| {
                vec![
                    t(&b.bureau),
                    n(b.questions),
                    n(b.data_requests),
                    n(b.service_cases),
                    n(b.resolutions),
                    n(b.replied),
                    n(b.on_time - b.on_time_extended),
                    n(b.on_time_extended),
                    n(b.replied - b.on_time),
                    b.on_time_rate().map_or(t("—"), Cell::Number),
                    b.average_days.map_or(t("—"), Cell::Number),
                    n(b.open),
                    n(b.overdue),
                    n(b.returns),
                    n(b.not_answers),
                ]
            })
            .collect();
        let councilors = self
            .councilors
            .iter()
            .map(|c| {
                vec![
                    t(&c.councilor),
                    n(c.questions),
                    n(c.data_requests),
                    n(c.service_cases),
                    n(c.resolutions),
                    n(c.replied),
                    n(c.on_time),
                    c.on_time_rate().map_or(t("—"), Cell::Number),
                    n(c.late_open),
                    n(c.not_answers),
                ]
            })
            .collect();
        let categories = self
            .categories
            .iter()
            .map(|c| {
                vec![
                    t(&c.category),
                    n(c.cases),
                    n(c.replied),
                    n(c.on_time),
                    c.on_time_rate().map_or(t("—"), Cell::Number),
                    n(c.open),
                    n(c.late_open),
                ]
            })
            .collect();
        let header = |cols: &[&str]| cols.iter().map(|c| (*c).to_owned()).collect();
        vec![
            Table {
                title: format!("質詢議題統計（{}）", self.range.label()),
                header: header(&["會期", "質詢類別", "質詢議題數"]),
                rows: sittings,
            },
            Table {
                title: format!("議員索取資料統計（{}）", self.range.label()),
                header: header(&[
                    "收件數",
                    "如期提供",
                    "展延後如期提供",
                    "逾期提供",
                    "尚未提供",
                ]),
                rows: vec![vec![
                    n(d.received),
                    n(d.on_time - d.on_time_extended),
                    n(d.on_time_extended),
                    n(d.late),
                    n(d.pending),
                ]],
            },
            Table {
                title: format!("各機關辦理情形（{}）", self.range.label()),
                header: header(&[
                    "主辦機關",
                    "質詢",
                    "索資",
                    "服務案件",
                    "決議案",
                    "已答復",
                    "如期答復",
                    "展延後如期答復",
                    "逾期答復",
                    "如期率（%，含展延後如期、逾期未答復）",
                    "平均答復日數",
                    "目前未結",
                    "目前逾期",
                    "退回次數",
                    "答非所問",
                ]),
                rows: bureaus,
            },
            Table {
                title: format!("各議員質詢、索資與答復情形（{}）", self.range.label()),
                header: header(&[
                    "議員",
                    "質詢",
                    "索資",
                    "服務案件",
                    "決議案",
                    "已答復",
                    "如期答復",
                    "如期率（%，含逾期未答復）",
                    "逾期未答復",
                    "答非所問",
                ]),
                rows: councilors,
            },
            Table {
                title: format!("議員服務案件類別統計（{}）", self.range.label()),
                header: header(&[
                    "類別",
                    "案件數",
                    "已答復",
                    "如期答復",
                    "如期率（%，含逾期未答復）",
                    "目前未結",
                    "逾期未答復",
                ]),
                rows: categories,
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, d).unwrap()
    }

    const UDD: (i64, &str, i64) = (1, "都市發展局", 1);
    const DOT: (i64, &str, i64) = (2, "交通局", 2);

    fn question(sitting: &str, on: NaiveDate, bureau: (i64, &str, i64)) -> CaseFact {
        CaseFact {
            kind: CaseKind::Question,
            status: CaseStatus::InProgress,
            session: "第14屆第3次定期大會".into(),
            sitting_type: Some(sitting.into()),
            bureau: Some((bureau.0, bureau.1.into(), bureau.2)),
            start: on,
            due_on: on + chrono::Duration::days(7),
            replied_on: None,
            returns: 0,
            not_answers: 0,
            councilors: vec!["王大明".into()],
            category: None,
            extended: false,
        }
    }

    fn replied(mut f: CaseFact, on: NaiveDate) -> CaseFact {
        f.replied_on = Some(on);
        f.status = CaseStatus::Closed;
        f
    }

    fn request(on: NaiveDate, due: NaiveDate, bureau: (i64, &str, i64)) -> CaseFact {
        CaseFact {
            kind: CaseKind::DataRequest,
            sitting_type: None,
            due_on: due,
            ..question("", on, bureau)
        }
    }

    /// Five questions, three data requests; by hand:
    /// - sittings: 市政總質詢 3, 部門質詢 1 in March; one question in July is outside;
    /// - data requests: 3 received; one on time, one late, one pending;
    /// - 都市發展局: 3 questions, 1 request; replied 3 (2 on time); days 4, 10, 2 → 5.33;
    ///   open 1, overdue 1 (due 03-19 < 03-29); returns 2;
    /// - 交通局: 1 question, 2 requests; replied 1 (late); days 6; open 3 (the July question
    ///   counts: it is open today), overdue 1.
    fn facts() -> Vec<CaseFact> {
        let mut returned = replied(question("市政總質詢", day(3, 5), UDD), day(3, 15));
        returned.returns = 2;
        vec![
            replied(question("市政總質詢", day(3, 5), UDD), day(3, 9)),
            returned,
            question("市政總質詢", day(3, 12), UDD),
            question("部門質詢", day(3, 26), DOT),
            question("部門質詢", day(7, 2), DOT),
            replied(request(day(3, 4), day(3, 12), UDD), day(3, 6)),
            replied(request(day(3, 4), day(3, 8), DOT), day(3, 10)),
            request(day(3, 20), day(3, 28), DOT),
        ]
    }

    fn report() -> Report {
        let range = Range {
            from: day(1, 1),
            to: day(6, 30),
        };
        compute(&facts(), range, day(3, 29))
    }

    #[test]
    fn questions_are_counted_by_session_and_sitting_type_within_the_range() {
        let report = report();
        let rows: Vec<(&str, i64)> = report
            .sittings
            .iter()
            .map(|r| (r.sitting_type.as_str(), r.questions))
            .collect();
        assert_eq!(rows, vec![("市政總質詢", 3), ("部門質詢", 1)]);
    }

    #[test]
    fn data_requests_are_delivered_on_time_late_or_pending() {
        assert_eq!(
            report().deliveries,
            DeliveryFigures {
                received: 3,
                on_time: 1,
                on_time_extended: 0,
                late: 1,
                pending: 1
            }
        );
    }

    #[test]
    fn a_reply_by_a_due_date_the_office_agreed_to_move_is_on_time_after_an_extension_not_late() {
        let range = Range {
            from: day(1, 1),
            to: day(6, 30),
        };
        let extended = |replied_on: NaiveDate| CaseFact {
            extended: true,
            ..replied(request(day(3, 1), day(3, 20), UDD), replied_on)
        };
        // By the moved date; after it, still late; on time without an extension.
        let facts = vec![
            extended(day(3, 18)),
            extended(day(3, 25)),
            replied(request(day(3, 1), day(3, 20), UDD), day(3, 10)),
        ];
        let r = compute(&facts, range, day(3, 29));
        assert_eq!(
            (
                r.deliveries.on_time,
                r.deliveries.on_time_extended,
                r.deliveries.late
            ),
            (2, 1, 1)
        );
        let udd = &r.bureaus[0];
        assert_eq!((udd.replied, udd.on_time, udd.on_time_extended), (3, 2, 1));
        let table = &r.tables()[1];
        assert_eq!(
            table.header[1..4],
            ["如期提供", "展延後如期提供", "逾期提供"]
        );
        let cells: Vec<String> = table.rows[0].iter().map(Cell::text).collect();
        assert_eq!(cells, ["3", "1", "1", "1", "0"]);
    }

    #[test]
    fn each_bureau_gets_its_rates_days_and_open_cases() {
        let r = report();
        let udd = &r.bureaus[0];
        assert_eq!(udd.bureau, "都市發展局");
        assert_eq!(
            (
                udd.questions,
                udd.data_requests,
                udd.replied,
                udd.on_time,
                udd.open,
                udd.overdue,
                udd.returns
            ),
            (3, 1, 3, 2, 1, 1, 2)
        );
        assert!((udd.average_days.unwrap() - 16.0 / 3.0).abs() < 1e-9);
        // Two on time of three replied and one still pending past its due date (3/12's).
        assert_eq!(udd.late_open, 1);
        assert_eq!(udd.on_time_rate(), Some(50.0));
        let dot = &r.bureaus[1];
        assert_eq!(
            (
                dot.questions,
                dot.data_requests,
                dot.replied,
                dot.on_time,
                dot.open,
                dot.overdue
            ),
            (1, 2, 1, 0, 3, 1)
        );
        assert_eq!(dot.average_days, Some(6.0));
        assert_eq!(dot.late_open, 1, "3/20's request, due 3/28, still pending");
        assert_eq!(dot.on_time_rate(), Some(0.0));
        // Nothing answered yet and nothing late: no rate, rather than 0 % or 100 %.
        let quiet = BureauRow {
            open: 2,
            ..Default::default()
        };
        assert_eq!(quiet.on_time_rate(), None);
    }

    #[test]
    fn the_trend_counts_cases_started_and_replied_per_month() {
        let r = report();
        let march = r.months.iter().find(|m| m.month == "113/03").unwrap();
        assert_eq!((march.recorded, march.replied), (7, 4));
        assert_eq!(r.months.len(), 6);
        let july = compute(
            &facts(),
            Range {
                from: day(7, 1),
                to: day(7, 31),
            },
            day(7, 31),
        );
        assert_eq!(july.months[0].recorded, 1);
    }

    #[test]
    fn open_and_overdue_today_count_every_case() {
        let r = report();
        assert_eq!((r.open_now, r.overdue_now), (4, 2));
    }

    #[test]
    fn the_tables_carry_the_figures_with_a_total() {
        let tables = report().tables();
        assert_eq!(tables.len(), 5);
        let last = tables[0].rows.last().unwrap();
        assert_eq!(last[2], Cell::Number(4.0), "合計");
        assert_eq!(
            tables[1].rows[0].iter().map(Cell::text).collect::<Vec<_>>(),
            ["3", "1", "0", "1", "1"]
        );
        // After 質詢, 索資, 服務案件, 決議案 and the replies (on time, on time after an
        // extension, late): the on-time rate, then the average days.
        assert_eq!(tables[2].rows[1][9].text(), "0");
        assert_eq!(tables[2].rows[0][10].text(), "5.3");
    }

    #[test]
    fn each_councilor_gets_the_cases_they_asked_in_the_range_and_how_they_were_answered() {
        let mut facts = facts();
        // A joint question of two councilors, answered late; an office said 答非所問.
        let mut joint = replied(question("市政總質詢", day(3, 5), DOT), day(3, 20));
        joint.councilors = vec!["李小華".into(), "王大明".into()];
        joint.not_answers = 1;
        facts.push(joint);
        let r = compute(
            &facts,
            Range {
                from: day(1, 1),
                to: day(6, 30),
            },
            day(3, 29),
        );
        let wang = &r.councilors[0];
        assert_eq!(wang.councilor, "王大明", "most cases first");
        // Five questions of March (the July one is outside), three requests.
        assert_eq!((wang.questions, wang.data_requests), (5, 3));
        // Replied 5, on time 2 (03-09, the request of 03-06); pending past due on 03-29:
        // the question of 03-12 (due 03-19) and the request due 03-28. 2 of 7.
        assert_eq!((wang.replied, wang.on_time, wang.late_open), (5, 2, 2));
        assert_eq!(wang.on_time_rate().map(|r| r.round()), Some(29.0));
        assert_eq!(wang.not_answers, 1);
        let lee = &r.councilors[1];
        assert_eq!(
            (
                lee.councilor.as_str(),
                lee.questions,
                lee.replied,
                lee.on_time
            ),
            ("李小華", 1, 1, 0)
        );
        let table = &r.tables()[3];
        assert_eq!(table.header[0], "議員");
        assert_eq!(table.rows[1][0].text(), "李小華");
    }

    #[test]
    fn a_range_defaults_to_the_half_year_and_is_put_in_order() {
        let today = day(3, 29);
        assert_eq!(
            Range::parse(None, None, today),
            Range {
                from: day(1, 1),
                to: day(6, 30)
            }
        );
        assert_eq!(
            Range::parse(Some("113/05/31"), Some("113/03/01"), today),
            Range {
                from: day(3, 1),
                to: day(5, 31)
            }
        );
        assert_eq!(Range::half_year_of(day(9, 1)).from, day(7, 1));
        assert_eq!(Range::parse(Some("nonsense"), None, today).from, day(1, 1));
    }
}

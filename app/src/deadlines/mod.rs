//! Deadlines: the rules (how many days, counted how) and the working-day calendar they
//! count on. Pure rules here; storage in `db`, admin pages in `pages`.

pub mod calendar;
pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod ops;

use crate::error::AppError;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a deadline rule is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RuleKind {
    QuestionReply,
    DataOrdinary,
    DataUrgent,
    DataMostUrgent,
    ServiceCase,
    /// The execution report of resolutions: due this many days *before* a regular session
    /// opens (`resolutions::report_due`), not after something arrived.
    ExecutionReport,
    /// The secretariat's call for the session's bills: due this many days after it is sent.
    BillCall,
    /// Material promised in session (會後補資料): due this many days after the promise.
    Promise,
}

impl RuleKind {
    pub const ALL: [RuleKind; 8] = [
        RuleKind::QuestionReply,
        RuleKind::DataOrdinary,
        RuleKind::DataUrgent,
        RuleKind::DataMostUrgent,
        RuleKind::ServiceCase,
        RuleKind::ExecutionReport,
        RuleKind::BillCall,
        RuleKind::Promise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::QuestionReply => "question_reply",
            Self::DataOrdinary => "data_ordinary",
            Self::DataUrgent => "data_urgent",
            Self::DataMostUrgent => "data_most_urgent",
            Self::ServiceCase => "service_case",
            Self::ExecutionReport => "execution_report",
            Self::BillCall => "bill_call",
            Self::Promise => "promise",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::QuestionReply => "質詢書面答復",
            Self::DataOrdinary => "索資・普通件",
            Self::DataUrgent => "索資・速件",
            Self::DataMostUrgent => "索資・最速件",
            Self::ServiceCase => "議員服務案件",
            Self::ExecutionReport => "決議案執行情形報告（定期會開議前）",
            Self::BillCall => "各局處提報本會期議法案",
            Self::Promise => "會後補資料（質詢時承諾）",
        }
    }
}

/// Whether a rule counts every day or working days only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Counting {
    Calendar,
    Working,
}

impl Counting {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calendar => "calendar",
            Self::Working => "working",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "calendar" => Some(Self::Calendar),
            "working" => Some(Self::Working),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Calendar => "日曆天",
            Self::Working => "工作天",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRule {
    pub kind: RuleKind,
    pub days: u32,
    pub counting: Counting,
}

impl DeadlineRule {
    /// Parses an admin's edit of a rule.
    pub fn parse(kind: &str, days: &str, counting: &str) -> Result<Self, AppError> {
        let kind = RuleKind::parse(kind).ok_or(AppError::BadRequest)?;
        let days = days
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= 365)
            .ok_or_else(|| AppError::validation("days", "天數須為 0 至 365 的整數。"))?;
        let counting = Counting::parse(counting)
            .ok_or_else(|| AppError::validation("counting", "請選擇日曆天或工作天。"))?;
        Ok(Self {
            kind,
            days,
            counting,
        })
    }

    /// The due date for something that arrived on `start`: `days` days later, counting
    /// either every day or working days only. Day 1 is the day after `start`. A calendar
    /// deadline that falls on a day off moves to the next working day, as the
    /// Administrative Procedure Act (行政程序法 §48) has it.
    pub fn due_date(&self, start: NaiveDate, calendar: &WorkCalendar) -> NaiveDate {
        match self.counting {
            Counting::Calendar => {
                calendar.next_working_day_from(start + Duration::days(i64::from(self.days)))
            }
            Counting::Working => {
                let mut day = start;
                let mut left = self.days;
                while left > 0 {
                    day += Duration::days(1);
                    if calendar.is_working_day(day) {
                        left -= 1;
                    }
                }
                day
            }
        }
    }
}

/// A day the calendar treats differently from the weekday rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayKind {
    /// 放假: a day off, usually on a weekday.
    Holiday,
    /// 補行上班: a make-up working day, usually a Saturday.
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "holiday" | "放假" | "假日" => Some(Self::Holiday),
            "workday" | "補班" | "補行上班" | "上班" => Some(Self::Workday),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Holiday => "放假",
            Self::Workday => "補行上班",
        }
    }
}

/// The years whose calendar the admin should load now: this year, if it has no day, and
/// from 1 November next year too, if it has none (deadlines would count weekends only).
pub fn years_missing(today: NaiveDate, has: impl Fn(i32) -> bool) -> Vec<i32> {
    let year = today.year();
    let mut missing = Vec::new();
    if !has(year) {
        missing.push(year);
    }
    if today.month() >= 11 && !has(year + 1) {
        missing.push(year + 1);
    }
    missing
}

/// The latest import of a calendar, as the admin page tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastImport {
    pub at: i64,
    pub by: String,
    /// The file's name, `national` for the calendar that ships with the app, or empty for
    /// pasted text.
    pub source: String,
    pub change: Option<calendar::CalendarChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// Monday to Friday are working days, except the holidays; make-up days are working days
/// whatever the weekday.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    exceptions: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        Self {
            exceptions: days.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.exceptions.get(&day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after
    /// `from`): weekdays counted by whole weeks, then the holidays and make-up days between
    /// them. The secretariat's start page weighs 2,000 open cases twice each; day by day
    /// with a lookup per day that was 4 million lookups (150 ms of a 220 ms page at
    /// 400,000 cases).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let Some(start) = from.succ_opt().filter(|s| *s <= to) else {
            return 0;
        };
        let days = (to - start).num_days() + 1;
        let mut weekdays = days / 7 * 5;
        let mut day = start + Duration::days(days / 7 * 7);
        while day <= to {
            weekdays += i64::from(!matches!(day.weekday(), Weekday::Sat | Weekday::Sun));
            day += Duration::days(1);
        }
        let changed: i64 = self
            .exceptions
            .range(start..=to)
            .map(|(day, kind)| {
                let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
                match kind {
                    DayKind::Holiday if !weekend => -1,
                    DayKind::Workday if weekend => 1,
                    _ => 0,
                }
            })
            .sum();
        weekdays + changed
    }

    pub fn next_working_day_from(&self, mut day: NaiveDate) -> NaiveDate {
        // A year without a working day would be a broken calendar; stop looking after one.
        for _ in 0..366 {
            if self.is_working_day(day) {
                return day;
            }
            day += Duration::days(1);
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Taipei's 2024 calendar around the lunar new year and Tomb Sweeping Day.
    fn calendar_2024() -> WorkCalendar {
        let mut days: Vec<_> = (8..=14)
            .map(|n| (d(2024, 2, n), DayKind::Holiday))
            .collect();
        days.push((d(2024, 2, 17), DayKind::Workday));
        days.push((d(2024, 4, 4), DayKind::Holiday));
        days.push((d(2024, 4, 5), DayKind::Holiday));
        WorkCalendar::new(days)
    }

    fn rule(days: u32, counting: Counting) -> DeadlineRule {
        DeadlineRule {
            kind: RuleKind::DataOrdinary,
            days,
            counting,
        }
    }

    #[test]
    fn working_days_between_two_days_count_as_walking_them_day_by_day() {
        let cal = calendar_2024();
        let walked = |from: NaiveDate, to: NaiveDate| {
            let mut n = 0;
            let mut day = from + Duration::days(1);
            while day <= to {
                n += i64::from(cal.is_working_day(day));
                day += Duration::days(1);
            }
            n
        };
        let first = d(2024, 1, 20);
        for a in 0..60 {
            for b in [0, 1, 2, 5, 6, 7, 8, 13, 14, 20, 33, 80, 400] {
                let (from, to) = (first + Duration::days(a), first + Duration::days(a + b));
                assert_eq!(
                    cal.working_days_between(from, to),
                    walked(from, to),
                    "{from} → {to}"
                );
            }
        }
        assert_eq!(cal.working_days_between(d(2024, 3, 15), d(2024, 3, 1)), 0);
        assert_eq!(cal.working_days_between(d(2024, 3, 15), d(2024, 3, 15)), 0);
        // Friday 2024-02-16 to Monday 02-19: the make-up Saturday and Monday.
        assert_eq!(cal.working_days_between(d(2024, 2, 16), d(2024, 2, 19)), 2);
    }

    #[test]
    fn weekends_are_days_off_and_weekdays_are_not() {
        let cal = WorkCalendar::default();
        assert!(cal.is_working_day(d(2024, 3, 15))); // Friday
        assert!(!cal.is_working_day(d(2024, 3, 16))); // Saturday
        assert!(!cal.is_working_day(d(2024, 3, 17))); // Sunday
    }

    #[test]
    fn working_days_skip_the_weekend() {
        // Received on Friday 2024-03-15: 3 working days is Wednesday 03-20.
        let due = rule(3, Counting::Working).due_date(d(2024, 3, 15), &WorkCalendar::default());
        assert_eq!(due, d(2024, 3, 20));
    }

    #[test]
    fn working_days_skip_holidays() {
        // Tuesday 2024-04-02 + 3 working days: Wed 3, (Thu 4, Fri 5 holidays), Mon 8, Tue 9.
        let due = rule(3, Counting::Working).due_date(d(2024, 4, 2), &calendar_2024());
        assert_eq!(due, d(2024, 4, 9));
    }

    #[test]
    fn a_make_up_saturday_counts_as_a_working_day() {
        // Friday 2024-02-16 + 1 working day is the make-up Saturday 02-17.
        let due = rule(1, Counting::Working).due_date(d(2024, 2, 16), &calendar_2024());
        assert_eq!(due, d(2024, 2, 17));
        // Without the make-up day it would be Monday.
        let plain = WorkCalendar::new([(d(2024, 2, 16), DayKind::Holiday)]);
        assert_eq!(
            rule(1, Counting::Working).due_date(d(2024, 2, 16), &plain),
            d(2024, 2, 19)
        );
    }

    #[test]
    fn the_lunar_new_year_week_counts_for_nothing() {
        // Wednesday 2024-02-07 + 6 working days: Thu 8–Wed 14 are off, Sat 17 is a make-up
        // day: Thu 15, Fri 16, Sat 17, Mon 19, Tue 20, Wed 21.
        let due = rule(6, Counting::Working).due_date(d(2024, 2, 7), &calendar_2024());
        assert_eq!(due, d(2024, 2, 21));
    }

    #[test]
    fn calendar_days_count_weekends_but_do_not_end_on_one() {
        let cal = calendar_2024();
        // Friday 03-15 + 7 days = Friday 03-22.
        assert_eq!(
            rule(7, Counting::Calendar).due_date(d(2024, 3, 15), &cal),
            d(2024, 3, 22)
        );
        // Monday 03-18 + 5 days = Saturday 03-23, which moves to Monday 03-25.
        assert_eq!(
            rule(5, Counting::Calendar).due_date(d(2024, 3, 18), &cal),
            d(2024, 3, 25)
        );
        // 03-29 + 7 = Friday 04-05 (holiday), moves to Monday 04-08.
        assert_eq!(
            rule(7, Counting::Calendar).due_date(d(2024, 3, 29), &cal),
            d(2024, 4, 8)
        );
    }

    #[test]
    fn zero_days_means_the_same_day() {
        assert_eq!(
            rule(0, Counting::Working).due_date(d(2024, 3, 16), &WorkCalendar::default()),
            d(2024, 3, 16)
        );
    }

    #[test]
    fn next_years_calendar_is_asked_for_from_november() {
        let has = |year| year == 2026;
        assert_eq!(years_missing(d(2026, 10, 31), has), Vec::<i32>::new());
        assert_eq!(years_missing(d(2026, 11, 1), has), vec![2027]);
        assert_eq!(years_missing(d(2027, 1, 2), has), vec![2027]);
        assert_eq!(years_missing(d(2026, 12, 3), |_| true), Vec::<i32>::new());
    }

    #[test]
    fn a_rule_edit_names_its_bad_field() {
        let err = DeadlineRule::parse("data_urgent", "-1", "working").unwrap_err();
        assert!(err.field_message("days").is_some());
        let err = DeadlineRule::parse("data_urgent", "3", "lunar").unwrap_err();
        assert!(err.field_message("counting").is_some());
        assert_eq!(
            DeadlineRule::parse("data_urgent", "3", "working").unwrap(),
            DeadlineRule {
                kind: RuleKind::DataUrgent,
                days: 3,
                counting: Counting::Working
            }
        );
    }
}

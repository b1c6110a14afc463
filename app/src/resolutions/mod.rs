//! What the council decides, carried out (決議案執行): bill resolutions (議決案), budget
//! riders (附帶決議), councilors' motions (議員提案) and petition resolutions (請願案). A case
//! of kind `resolution` on the case machinery — lead and co-bureaus, the reply chain, the
//! follow-up meeting — with what only it has: the council's letter, what the resolution
//! requires, the 30-day window to ask for reconsideration (覆議, Local Government Act §39),
//! execution updates with a percent and the bureau's letter, the reviewer's finding that it
//! cannot be carried out, and the execution report before each regular session.
//!
//! The rules are here, in plain Rust; storage in `db`.

#[cfg(feature = "ssr")]
pub mod db;
pub mod import;
pub mod import_pages;
pub mod pages;
pub mod report;
pub mod server_fns;

use crate::{
    auth::Role,
    cases::CaseStatus,
    deadlines::{Counting, DeadlineRule, RuleKind, WorkCalendar},
    error::{AppError, Problems},
    input::{optional_date, optional_text, required_date as date, required_text},
};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

text_enum!(ResolutionKind {
    Bill = "bill" / "議決案",
    BudgetRider = "budget_rider" / "附帶決議",
    Motion = "motion" / "議員提案",
    Petition = "petition" / "請願案",
});

text_enum!(Requirement {
    Action = "action" / "依決議執行",
    Report = "report" / "限期提出專案報告",
    Reply = "reply" / "研處並書面答復",
});

text_enum!(ReconsiderationOutcome {
    Sustained = "sustained" / "議會維持原決議",
    Overturned = "overturned" / "議會變更原決議",
});

// Where a resolution stands, as the execution report counts it.
text_enum!(ExecutionState {
    Executed = "executed" / "已執行完畢",
    InProgress = "in_progress" / "執行中",
    Reconsideration = "reconsideration" / "已提覆議",
    NotExecutable = "not_executable" / "窒礙難行",
});

/// The window to ask for reconsideration: thirty days from receiving the resolution (§39).
pub const RECONSIDERATION_DAYS: u32 = 30;
/// The start page warns this many working days before the window closes.
pub const WARN_WORKING_DAYS: i64 = 5;
/// With no next regular session recorded, a resolution is due this many days after it
/// arrived: councils meet in regular session twice a year, so the next one opens within
/// about six months.
pub const NO_SESSION_DAYS: i64 = 183;

/// The upload form of the council's list, as a refusal is flashed back to it.
pub const UPLOAD_FORM: &str = "resolution-import-upload";

pub const TOPIC_MAX_CHARS: usize = 200;
pub const BODY_MAX_CHARS: usize = crate::cases::LONG_TEXT_MAX_CHARS;
pub const SITTING_MAX_CHARS: usize = 100;
pub const LETTER_MAX_CHARS: usize = 60;
pub const COMMITTEE_MAX_CHARS: usize = 60;
pub const BUDGET_ITEM_MAX_CHARS: usize = 200;
pub const REASON_MAX_CHARS: usize = 2_000;
/// A motion's proposers: a council's largest caucus has fewer.
pub const MAX_PROPOSERS: usize = 40;

/// The last day to ask for reconsideration of a resolution received on `received`: thirty
/// calendar days later, moved to the next working day when that is a day off
/// (Administrative Procedure Act §48, as every calendar rule here).
pub fn reconsideration_closes(received: NaiveDate, calendar: &WorkCalendar) -> NaiveDate {
    DeadlineRule {
        kind: RuleKind::QuestionReply,
        days: RECONSIDERATION_DAYS,
        counting: Counting::Calendar,
    }
    .due_date(received, calendar)
}

/// Whether the start page warns of a window: open today and closing within
/// [`WARN_WORKING_DAYS`] working days.
pub fn window_closing_soon(closes: NaiveDate, today: NaiveDate, calendar: &WorkCalendar) -> bool {
    today <= closes && calendar.working_days_between(today, closes) <= WARN_WORKING_DAYS
}

/// The day the execution report is due for a regular session opening on `opens`: the rule's
/// days before it — working days counted back, or calendar days moved back to a working
/// day.
pub fn report_due(opens: NaiveDate, rule: &DeadlineRule, calendar: &WorkCalendar) -> NaiveDate {
    let mut day = opens;
    match rule.counting {
        Counting::Working => {
            let mut left = rule.days;
            while left > 0 {
                day -= Duration::days(1);
                if calendar.is_working_day(day) {
                    left -= 1;
                }
            }
        }
        Counting::Calendar => {
            day -= Duration::days(i64::from(rule.days));
            while !calendar.is_working_day(day) {
                day -= Duration::days(1);
            }
        }
    }
    day
}

/// A resolution's due date: the report-by day when it sets one, else the next execution
/// report's due day after it arrived, else [`NO_SESSION_DAYS`] after it arrived.
pub fn due_on(
    report_by: Option<NaiveDate>,
    next_report_due: Option<NaiveDate>,
    received: NaiveDate,
) -> NaiveDate {
    report_by
        .or(next_report_due)
        .unwrap_or(received + Duration::days(NO_SESSION_DAYS))
}

/// Where a resolution stands: found not executable, executed (closed), waiting on a
/// reconsideration the council has not answered or has overturned, or being carried out.
pub fn execution_state(
    status: CaseStatus,
    not_executable: bool,
    reconsideration: Option<Option<ReconsiderationOutcome>>,
) -> ExecutionState {
    if not_executable {
        return ExecutionState::NotExecutable;
    }
    match reconsideration {
        Some(None) | Some(Some(ReconsiderationOutcome::Overturned)) => {
            return ExecutionState::Reconsideration
        }
        _ => {}
    }
    if status == CaseStatus::Closed {
        ExecutionState::Executed
    } else {
        ExecutionState::InProgress
    }
}

/// Who records the city's request for reconsideration and the council's answer: the
/// secretariat, while the resolution is open (the mayor decides; the office records it).
pub fn may_record_reconsideration(role: Role, status: CaseStatus) -> bool {
    role == Role::Secretariat && !matches!(status, CaseStatus::Closed)
}

/// Who finds a resolution not executable: the reviewer, as the one who releases tracked
/// cases, while it is not closed.
pub fn may_mark_not_executable(role: Role, status: CaseStatus) -> bool {
    role == Role::Reviewer && !matches!(status, CaseStatus::Closed)
}

/// A resolution as the secretariat types it (or as a row of an imported list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionForm {
    #[serde(default)]
    pub session_id: String,
    #[serde(default)]
    pub resolution_kind: String,
    #[serde(default)]
    pub sitting: String,
    #[serde(default)]
    pub councilor_ids: Vec<String>,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub letter_number: String,
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub requirement: String,
    #[serde(default)]
    pub committee: String,
    #[serde(default)]
    pub report_by: String,
    #[serde(default)]
    pub budget_item: String,
}

/// A resolution, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResolution {
    pub session_id: i64,
    pub kind: ResolutionKind,
    pub sitting: String,
    /// Proposers of a motion, the introducing councilor of a petition, the movers of a
    /// rider; none for a bill the city sent.
    pub councilor_ids: Vec<i64>,
    pub topic: String,
    pub body: String,
    pub letter_number: String,
    pub received_on: NaiveDate,
    pub requirement: Requirement,
    pub committee: String,
    pub report_by: Option<NaiveDate>,
    pub budget_item: String,
}

impl ResolutionForm {
    pub fn parse(&self) -> Result<NewResolution, AppError> {
        let mut p = Problems::new();
        let session_id = p.check(
            self.session_id
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| AppError::validation("session_id", "請選擇會期。")),
        );
        let kind = p.check(
            ResolutionKind::parse(&self.resolution_kind)
                .ok_or_else(|| AppError::validation("resolution_kind", "請選擇決議種類。")),
        );
        let sitting = p.check(optional_text(
            "sitting",
            &self.sitting,
            "會次",
            SITTING_MAX_CHARS,
        ));
        let councilors = p.check(proposers(&self.councilor_ids, kind));
        let topic = p.check(required_text("topic", &self.topic, "案由", TOPIC_MAX_CHARS));
        let body = p.check(required_text(
            "body",
            &self.body,
            "決議內容",
            BODY_MAX_CHARS,
        ));
        let letter = p.check(required_text(
            "letter_number",
            &self.letter_number,
            "來文字號",
            LETTER_MAX_CHARS,
        ));
        let received_on = p.check(date("received_on", &self.received_on, "收文日期"));
        let requirement = p.check(
            Requirement::parse(&self.requirement)
                .ok_or_else(|| AppError::validation("requirement", "請選擇決議要求的辦理方式。")),
        );
        let committee = p.check(optional_text(
            "committee",
            &self.committee,
            "委員會",
            COMMITTEE_MAX_CHARS,
        ));
        let report_by = p.check(optional_date("report_by", &self.report_by, "報告期限"));
        if requirement == Some(Requirement::Report) && report_by == Some(None) {
            p.check::<()>(Err(AppError::validation(
                "report_by",
                "決議要求限期報告時，請輸入報告期限。",
            )));
        }
        if let (Some(Some(by)), Some(on)) = (report_by, received_on) {
            if by < on {
                p.check::<()>(Err(AppError::validation(
                    "report_by",
                    "報告期限不能早於收文日期。",
                )));
            }
        }
        let budget_item = p.check(optional_text(
            "budget_item",
            &self.budget_item,
            "預算科目",
            BUDGET_ITEM_MAX_CHARS,
        ));
        if kind == Some(ResolutionKind::BudgetRider) && budget_item.as_deref() == Some("") {
            p.check::<()>(Err(AppError::validation(
                "budget_item",
                "附帶決議請填所附的預算科目。",
            )));
        }
        p.finish(|| {
            Some(NewResolution {
                session_id: session_id?,
                kind: kind?,
                sitting: sitting?,
                councilor_ids: councilors?,
                topic: topic?,
                body: body?,
                letter_number: letter?,
                received_on: received_on?,
                requirement: requirement?,
                committee: committee?,
                report_by: report_by?,
                budget_item: budget_item?,
            })
        })
    }

    pub fn echo(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = [
            ("session_id", &self.session_id),
            ("resolution_kind", &self.resolution_kind),
            ("sitting", &self.sitting),
            ("topic", &self.topic),
            ("body", &self.body),
            ("letter_number", &self.letter_number),
            ("received_on", &self.received_on),
            ("requirement", &self.requirement),
            ("committee", &self.committee),
            ("report_by", &self.report_by),
            ("budget_item", &self.budget_item),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
        pairs.extend(
            self.councilor_ids
                .iter()
                .map(|v| ("councilor_ids".to_owned(), v.clone())),
        );
        pairs
    }
}

/// The councilors of a resolution: a motion and a petition need at least one (the
/// proposers, the introducing councilor); a bill the city sent has none.
fn proposers(raw: &[String], kind: Option<ResolutionKind>) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for value in raw.iter().filter(|v| !v.trim().is_empty()) {
        let id = value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| AppError::validation("councilor_ids", "請選擇議員。"))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_PROPOSERS {
        return Err(AppError::validation(
            "councilor_ids",
            format!("提案議員最多 {MAX_PROPOSERS} 位。"),
        ));
    }
    if ids.is_empty()
        && matches!(
            kind,
            Some(ResolutionKind::Motion | ResolutionKind::Petition)
        )
    {
        return Err(AppError::validation(
            "councilor_ids",
            "議員提案與請願案請選擇提案或介紹議員。",
        ));
    }
    Ok(ids)
}

/// The city asks for reconsideration: the day, its letter and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconsiderationForm {
    #[serde(default)]
    pub asked_on: String,
    #[serde(default)]
    pub letter_number: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconsideration {
    pub asked_on: NaiveDate,
    pub letter_number: String,
    pub reason: String,
}

impl ReconsiderationForm {
    /// `closes`: the window's last day; `today`: no request is dated in the future.
    pub fn parse(&self, closes: NaiveDate, today: NaiveDate) -> Result<Reconsideration, AppError> {
        let mut p = Problems::new();
        let asked_on = p.check(date("asked_on", &self.asked_on, "提出覆議日期"));
        if let Some(on) = asked_on {
            if on > today {
                p.check::<()>(Err(AppError::validation(
                    "asked_on",
                    "提出日期不能晚於今天。",
                )));
            } else if on > closes {
                p.check::<()>(Err(AppError::validation(
                    "asked_on",
                    format!(
                        "覆議應於收文後 {RECONSIDERATION_DAYS} 日內（{} 前）提出。",
                        crate::dates::roc_date(closes)
                    ),
                )));
            }
        }
        let letter = p.check(required_text(
            "letter_number",
            &self.letter_number,
            "發文字號",
            LETTER_MAX_CHARS,
        ));
        let reason = p.check(required_text(
            "reason",
            &self.reason,
            "覆議理由",
            REASON_MAX_CHARS,
        ));
        p.finish(|| {
            Some(Reconsideration {
                asked_on: asked_on?,
                letter_number: letter?,
                reason: reason?,
            })
        })
    }
}

/// The council's answer to a reconsideration: which and when.
pub fn parse_outcome(
    outcome: &str,
    on: &str,
    asked_on: NaiveDate,
    today: NaiveDate,
) -> Result<(ReconsiderationOutcome, NaiveDate), AppError> {
    let mut p = Problems::new();
    let outcome = p.check(
        ReconsiderationOutcome::parse(outcome)
            .ok_or_else(|| AppError::validation("outcome", "請選擇議會的議決結果。")),
    );
    let day = p.check(date("outcome_on", on, "議決日期"));
    if let Some(d) = day {
        if d < asked_on || d > today {
            p.check::<()>(Err(AppError::validation(
                "outcome_on",
                "議決日期應在提出覆議之後、今天以前。",
            )));
        }
    }
    p.finish(|| Some((outcome?, day?)))
}

/// The reviewer finds a resolution cannot be carried out: the reasoned reply that went to
/// the council, its letter and day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotExecutableForm {
    #[serde(default)]
    pub sent_on: String,
    #[serde(default)]
    pub letter_number: String,
    #[serde(default)]
    pub reply: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotExecutable {
    pub sent_on: NaiveDate,
    pub letter_number: String,
    pub reply: String,
}

impl NotExecutableForm {
    pub fn parse(&self, today: NaiveDate) -> Result<NotExecutable, AppError> {
        let mut p = Problems::new();
        let sent_on = p.check(date("sent_on", &self.sent_on, "函復日期"));
        if sent_on.is_some_and(|d| d > today) {
            p.check::<()>(Err(AppError::validation(
                "sent_on",
                "函復日期不能晚於今天。",
            )));
        }
        let letter = p.check(required_text(
            "letter_number",
            &self.letter_number,
            "發文字號",
            LETTER_MAX_CHARS,
        ));
        let reply = p.check(required_text(
            "reply",
            &self.reply,
            "窒礙難行的理由",
            REASON_MAX_CHARS,
        ));
        p.finish(|| {
            Some(NotExecutable {
                sent_on: sent_on?,
                letter_number: letter?,
                reply: reply?,
            })
        })
    }
}

/// An execution update's extra fields, as typed beside the progress text.
pub fn parse_percent(raw: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim().trim_end_matches(['%', '％']);
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| (0..=100).contains(n))
        .map(Some)
        .ok_or_else(|| AppError::validation("percent", "執行進度請填 0 到 100 的整數。"))
}

/// The reconsideration as the case page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconsiderationFacts {
    pub asked_on: NaiveDate,
    pub letter_number: String,
    pub reason: String,
    pub outcome: Option<(ReconsiderationOutcome, NaiveDate)>,
}

/// The finding that it cannot be carried out, as the case page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotExecutableFacts {
    pub sent_on: NaiveDate,
    pub letter_number: String,
    pub reply: String,
}

/// A resolution's own facts for the case page, with what the viewer may do to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionFacts {
    pub kind: ResolutionKind,
    pub sitting: String,
    pub letter_number: String,
    pub received_on: NaiveDate,
    pub requirement: Requirement,
    pub committee: String,
    pub report_by: Option<NaiveDate>,
    pub budget_item: String,
    /// The last day to ask for reconsideration.
    pub window_closes: NaiveDate,
    pub reconsideration: Option<ReconsiderationFacts>,
    pub not_executable: Option<NotExecutableFacts>,
    pub state: ExecutionState,
    pub can_ask_reconsideration: bool,
    pub can_record_outcome: bool,
    pub can_mark_not_executable: bool,
}

impl ResolutionFacts {
    /// What the requirement says, with its committee and day.
    pub fn requirement_words(&self) -> String {
        match (self.requirement, self.report_by) {
            (Requirement::Report, Some(by)) => {
                let to = if self.committee.is_empty() {
                    String::new()
                } else {
                    format!("向{}", self.committee)
                };
                format!("{}前{to}提出專案報告", crate::dates::roc_date(by))
            }
            (r, _) => r.label().to_owned(),
        }
    }
}

/// A resolution whose reconsideration window closes soon, for the start page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingWindow {
    pub case_id: i64,
    pub number: i64,
    pub topic: String,
    pub closes: NaiveDate,
}

/// The next execution report owed: the regular session it goes to, when it opens, the day
/// the report is due, and the report already compiled for it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDue {
    pub session_id: i64,
    pub session: String,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
    pub compiled: Option<i64>,
}

/// Whether the start page reminds of `due`: not compiled yet and due within ten working
/// days (or past due, the session not yet open).
pub fn remind(due: &ReportDue, today: NaiveDate, calendar: &WorkCalendar) -> bool {
    due.compiled.is_none()
        && today <= due.opens_on
        && (due.due_on < today || calendar.working_days_between(today, due.due_on) <= 10)
}

/// A compiled report in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompiledRow {
    pub id: i64,
    pub for_session: String,
    pub due_on: NaiveDate,
    pub compiled_at: i64,
    pub compiled_by: String,
}

/// The compile form: the regular session the report goes to and the sessions it covers.
pub fn parse_compile(for_session: &str, sessions: &[String]) -> Result<(i64, Vec<i64>), AppError> {
    let mut p = Problems::new();
    let id = |raw: &str| raw.trim().parse::<i64>().ok().filter(|n| *n > 0);
    let target = p.check(
        id(for_session)
            .ok_or_else(|| AppError::validation("for_session_id", "請選擇報告送交的定期會。")),
    );
    let mut chosen = Vec::new();
    for raw in sessions {
        match id(raw) {
            Some(n) if !chosen.contains(&n) => chosen.push(n),
            Some(_) => {}
            None => {
                p.check::<()>(Err(AppError::validation("session_ids", "請重新勾選會期。")));
            }
        }
    }
    if chosen.is_empty() {
        p.check::<()>(Err(AppError::validation(
            "session_ids",
            "請至少勾選一個要列入報告的會期。",
        )));
    }
    p.finish(|| Some((target?, chosen)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadlines::DayKind;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_reconsideration_window_is_thirty_calendar_days_moved_off_a_day_off() {
        let calendar = WorkCalendar::default();
        // 2024-03-01 + 30 = 2024-03-31, a Sunday: the window runs to Monday 4/1.
        assert_eq!(
            reconsideration_closes(day(2024, 3, 1), &calendar),
            day(2024, 4, 1)
        );
        // 2024-03-04 + 30 = 2024-04-03, a Wednesday.
        assert_eq!(
            reconsideration_closes(day(2024, 3, 4), &calendar),
            day(2024, 4, 3)
        );
        // A holiday on that Wednesday (and the Thursday) moves it to Friday.
        let holidays = WorkCalendar::new([
            (day(2024, 4, 3), DayKind::Holiday),
            (day(2024, 4, 4), DayKind::Holiday),
        ]);
        assert_eq!(
            reconsideration_closes(day(2024, 3, 4), &holidays),
            day(2024, 4, 5)
        );
    }

    #[test]
    fn the_start_page_warns_five_working_days_before_a_window_closes() {
        let calendar = WorkCalendar::default();
        let closes = day(2024, 4, 3); // Wednesday
                                      // Five working days before: Wednesday 3/27.
        assert!(window_closing_soon(closes, day(2024, 3, 27), &calendar));
        assert!(!window_closing_soon(closes, day(2024, 3, 26), &calendar));
        assert!(window_closing_soon(closes, closes, &calendar));
        assert!(!window_closing_soon(closes, day(2024, 4, 4), &calendar));
        // A holiday in between gives one more calendar day of warning.
        let holiday = WorkCalendar::new([(day(2024, 4, 1), DayKind::Holiday)]);
        assert!(window_closing_soon(closes, day(2024, 3, 26), &holiday));
    }

    #[test]
    fn the_execution_report_is_due_working_days_before_the_session_opens() {
        let rule = DeadlineRule {
            kind: RuleKind::ExecutionReport,
            days: 7,
            counting: Counting::Working,
        };
        let calendar = WorkCalendar::default();
        // A session opening Tuesday 2024-09-03: seven working days back is Friday 8/23.
        assert_eq!(
            report_due(day(2024, 9, 3), &rule, &calendar),
            day(2024, 8, 23)
        );
        // A holiday among them pushes it one working day earlier.
        let holiday = WorkCalendar::new([(day(2024, 8, 28), DayKind::Holiday)]);
        assert_eq!(
            report_due(day(2024, 9, 3), &rule, &holiday),
            day(2024, 8, 22)
        );
        // Counted in calendar days, a Sunday moves back to Friday.
        let calendar_rule = DeadlineRule {
            counting: Counting::Calendar,
            ..rule
        };
        assert_eq!(
            report_due(day(2024, 9, 8), &calendar_rule, &calendar),
            day(2024, 8, 30)
        );
        let zero = DeadlineRule { days: 0, ..rule };
        assert_eq!(
            report_due(day(2024, 9, 3), &zero, &calendar),
            day(2024, 9, 3)
        );
    }

    #[test]
    fn a_resolution_is_due_by_its_report_day_else_the_next_report_else_half_a_year() {
        let received = day(2024, 3, 15);
        assert_eq!(
            due_on(Some(day(2024, 6, 15)), Some(day(2024, 8, 23)), received),
            day(2024, 6, 15)
        );
        assert_eq!(
            due_on(None, Some(day(2024, 8, 23)), received),
            day(2024, 8, 23)
        );
        assert_eq!(due_on(None, None, received), day(2024, 9, 14));
    }

    #[test]
    fn the_execution_state_follows_the_finding_the_reconsideration_and_the_status() {
        use CaseStatus::*;
        use ExecutionState as S;
        use ReconsiderationOutcome::*;
        assert_eq!(execution_state(Closed, true, None), S::NotExecutable);
        assert_eq!(
            execution_state(Tracking, false, Some(None)),
            S::Reconsideration
        );
        assert_eq!(
            execution_state(Closed, false, Some(Some(Overturned))),
            S::Reconsideration
        );
        // Sustained: the city carries it out after all.
        assert_eq!(
            execution_state(Tracking, false, Some(Some(Sustained))),
            S::InProgress
        );
        assert_eq!(
            execution_state(Closed, false, Some(Some(Sustained))),
            S::Executed
        );
        assert_eq!(execution_state(InProgress, false, None), S::InProgress);
        assert_eq!(execution_state(Closed, false, None), S::Executed);
    }

    fn form() -> ResolutionForm {
        ResolutionForm {
            session_id: "3".into(),
            resolution_kind: "budget_rider".into(),
            sitting: "第3次定期大會第10次會議".into(),
            councilor_ids: vec!["5".into(), "5".into(), "7".into()],
            topic: "公園改善".into(),
            body: "工務局應於三個月內向工務委員會提出專案報告。".into(),
            letter_number: "北市議議字第1130001234號".into(),
            received_on: "113/03/15".into(),
            requirement: "report".into(),
            committee: "工務委員會".into(),
            report_by: "113/06/15".into(),
            budget_item: "公園路燈工程處 公園管理".into(),
        }
    }

    #[test]
    fn a_budget_rider_asking_for_a_report_parses_with_its_day_and_item() {
        let r = form().parse().unwrap();
        assert_eq!(r.kind, ResolutionKind::BudgetRider);
        assert_eq!(r.councilor_ids, vec![5, 7]);
        assert_eq!(r.received_on, day(2024, 3, 15));
        assert_eq!(r.report_by, Some(day(2024, 6, 15)));
    }

    #[test]
    fn a_resolution_form_names_every_mistake_at_once() {
        let bad = ResolutionForm {
            report_by: String::new(),
            budget_item: " ".into(),
            letter_number: String::new(),
            ..form()
        };
        let e = bad.parse().unwrap_err();
        for field in ["report_by", "budget_item", "letter_number"] {
            assert!(e.field_message(field).is_some(), "{field}");
        }
        let motion = ResolutionForm {
            resolution_kind: "motion".into(),
            councilor_ids: vec![],
            ..form()
        };
        assert!(motion
            .parse()
            .unwrap_err()
            .field_message("councilor_ids")
            .is_some());
        let early = ResolutionForm {
            report_by: "113/03/01".into(),
            ..form()
        };
        assert!(early
            .parse()
            .unwrap_err()
            .field_message("report_by")
            .is_some());
        // A bill the city sent needs no councilor.
        let bill = ResolutionForm {
            resolution_kind: "bill".into(),
            councilor_ids: vec![],
            requirement: "action".into(),
            report_by: String::new(),
            ..form()
        };
        assert!(bill.parse().unwrap().councilor_ids.is_empty());
    }

    #[test]
    fn reconsideration_is_asked_inside_the_window_and_not_in_the_future() {
        let f = ReconsiderationForm {
            asked_on: "113/04/01".into(),
            letter_number: "府授法字第1130001號".into(),
            reason: "窒礙難行".into(),
        };
        let closes = day(2024, 4, 3);
        assert!(f.parse(closes, day(2024, 4, 2)).is_ok());
        let late = ReconsiderationForm {
            asked_on: "113/04/05".into(),
            ..f.clone()
        };
        assert!(late
            .parse(closes, day(2024, 4, 10))
            .unwrap_err()
            .field_message("asked_on")
            .is_some());
        assert!(f
            .parse(closes, day(2024, 3, 30))
            .unwrap_err()
            .field_message("asked_on")
            .is_some());
    }

    #[test]
    fn the_council_answers_after_the_request_and_not_in_the_future() {
        let asked = day(2024, 4, 1);
        assert_eq!(
            parse_outcome("sustained", "113/04/20", asked, day(2024, 5, 1)).unwrap(),
            (ReconsiderationOutcome::Sustained, day(2024, 4, 20))
        );
        assert!(parse_outcome("sustained", "113/03/20", asked, day(2024, 5, 1)).is_err());
        assert!(parse_outcome("maybe", "113/04/20", asked, day(2024, 5, 1)).is_err());
    }

    #[test]
    fn the_report_is_reminded_of_ten_working_days_ahead_until_compiled() {
        let calendar = WorkCalendar::default();
        let due = ReportDue {
            session_id: 1,
            session: "第14屆第4次定期大會".into(),
            opens_on: day(2024, 9, 3),
            due_on: day(2024, 8, 23),
            compiled: None,
        };
        assert!(!remind(&due, day(2024, 8, 8), &calendar));
        assert!(remind(&due, day(2024, 8, 9), &calendar));
        assert!(
            remind(&due, day(2024, 8, 30), &calendar),
            "past due, still owed"
        );
        assert!(
            !remind(&due, day(2024, 9, 4), &calendar),
            "the session opened"
        );
        let compiled = ReportDue {
            compiled: Some(3),
            ..due
        };
        assert!(!remind(&compiled, day(2024, 8, 20), &calendar));
    }

    #[test]
    fn the_compile_form_needs_a_target_and_a_session() {
        assert_eq!(
            parse_compile("4", &["3".into(), "3".into(), "2".into()]).unwrap(),
            (4, vec![3, 2])
        );
        let e = parse_compile("", &[]).unwrap_err();
        assert!(e.field_message("for_session_id").is_some());
        assert!(e.field_message("session_ids").is_some());
    }

    #[test]
    fn a_percent_is_a_whole_number_up_to_a_hundred() {
        assert_eq!(parse_percent("").unwrap(), None);
        assert_eq!(parse_percent(" 60% ").unwrap(), Some(60));
        assert_eq!(parse_percent("100％").unwrap(), Some(100));
        assert!(parse_percent("101").is_err());
        assert!(parse_percent("-1").is_err());
        assert!(parse_percent("六成").is_err());
    }

    #[test]
    fn only_the_secretariat_records_reconsideration_and_only_the_reviewer_finds_it_not_executable()
    {
        for role in &Role::ALL {
            assert_eq!(
                may_record_reconsideration(*role, CaseStatus::InProgress),
                *role == Role::Secretariat
            );
            assert_eq!(
                may_mark_not_executable(*role, CaseStatus::Tracking),
                *role == Role::Reviewer
            );
            assert!(!may_mark_not_executable(*role, CaseStatus::Closed));
        }
    }
}

//! The biweekly follow-up meeting (追蹤會議) chaired by the deputy secretary-general: the
//! secretariat schedules it, the app builds its agenda from the cases under tracking, the
//! reviewer decides on each case, and confirming the meeting applies the decisions and
//! freezes the minutes. The rules here are pure; `db` stores and applies them.

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod documents;
pub mod pages;
pub mod server_fns;

use crate::{
    cases::{case_label, CaseKind},
    dates::parse_date,
    deadlines::WorkCalendar,
    error::AppError,
    input::required_text,
};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

text_enum!(MeetingStatus {
    Scheduled = "scheduled" / "已排定",
    Held = "held" / "已召開",
});

text_enum!(DecisionKind {
    Keep = "keep" / "繼續列管",
    Release = "release" / "解除列管",
    Reassign = "reassign" / "改由他機關主辦",
    Escalate = "escalate" / "提報上級",
});

/// Meetings are held every two weeks.
pub const CYCLE_DAYS: i64 = 14;

/// The date to suggest for the next meeting: two weeks after the last one held (or after
/// today, when there was none or that day has passed), moved to a working day.
pub fn suggest_next_date(
    last_held: Option<NaiveDate>,
    today: NaiveDate,
    calendar: &WorkCalendar,
) -> NaiveDate {
    let after_last = last_held.map(|d| d + Duration::days(CYCLE_DAYS));
    let day = match after_last {
        Some(d) if d > today => d,
        _ => today + Duration::days(CYCLE_DAYS),
    };
    calendar.next_working_day_from(day)
}

/// The day a case kept under tracking is looked at again, as the meeting's forms suggest
/// it: the next meeting's, two weeks on, moved to a working day.
pub fn next_check_on(held_on: NaiveDate, calendar: &WorkCalendar) -> NaiveDate {
    calendar.next_working_day_from(held_on + Duration::days(CYCLE_DAYS))
}

/// The decision given to every case still undecided at once (繼續列管 with one date and
/// one remark), as the reviewer's form sends it.
pub fn keep_all(next_check_on: &str, remark: &str) -> DecisionForm {
    DecisionForm {
        decision: DecisionKind::Keep.as_str().to_owned(),
        next_check_on: next_check_on.to_owned(),
        bureau_id: String::new(),
        remark: remark.to_owned(),
    }
}

/// What the form to keep every undecided case says unless the reviewer changes it.
pub const KEEP_ALL_REMARK: &str = "繼續列管，請於下次會議報告辦理進度。";

/// A meeting as the secretariat schedules it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleForm {
    pub held_on: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub place: String,
    /// One attendee a line, e.g. `副秘書長 王大明`.
    #[serde(default)]
    pub attendees: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    pub attendees: Vec<String>,
}

/// A meeting's day (from today on) and its starting time (empty, or stored as pickers send
/// it, 14:30, whatever the officer typed).
fn day_and_time(
    held_on: &str,
    starts_at: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, String), AppError> {
    let held_on = parse_date(held_on)
        .ok_or_else(|| AppError::validation("held_on", "請輸入會議日期（民國年/月/日）。"))?;
    if held_on < today {
        return Err(AppError::validation("held_on", "會議日期不能早於今天。"));
    }
    let starts_at = match starts_at.trim() {
        "" => String::new(),
        typed => crate::dates::parse_time(typed)
            .map(|t| t.format("%H:%M").to_string())
            .ok_or_else(|| AppError::validation("starts_at", "時間請輸入如 14:30。"))?,
    };
    Ok((held_on, starts_at))
}

/// A scheduled meeting moved to another day (or time), as the secretariat types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveForm {
    pub held_on: String,
    #[serde(default)]
    pub starts_at: String,
}

impl MoveForm {
    pub fn parse(&self, today: NaiveDate) -> Result<(NaiveDate, String), AppError> {
        day_and_time(&self.held_on, &self.starts_at, today)
    }
}

/// A meeting's decisions take effect, and its minutes are frozen, on its day or later:
/// never before it is held. Held early, the secretariat moves its date first.
pub fn may_confirm(held_on: NaiveDate, today: NaiveDate) -> Result<(), AppError> {
    if today < held_on {
        return Err(AppError::Conflict(format!(
            "會議日（{}）之前不能確認決議；若會議提前舉行，請秘書處先變更會議日期。",
            crate::dates::roc_date(held_on)
        )));
    }
    Ok(())
}

impl ScheduleForm {
    /// The meeting, or every mistake in the form at once.
    pub fn parse(&self, today: NaiveDate) -> Result<NewMeeting, AppError> {
        let mut p = crate::error::Problems::new();
        let when = p.check(day_and_time(&self.held_on, &self.starts_at, today));
        let place = self.place.trim().chars().take(100).collect();
        let attendees: Vec<String> = self
            .attendees
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| l.chars().take(60).collect())
            .collect();
        let attendees = p.check(match attendees.len() {
            0 => Err(AppError::validation(
                "attendees",
                "請列出出席人員，每行一位。",
            )),
            61.. => Err(AppError::validation("attendees", "出席人員最多 60 位。")),
            _ => Ok(attendees),
        });
        p.finish(|| {
            let (held_on, starts_at) = when?;
            Some(NewMeeting {
                held_on,
                starts_at,
                place,
                attendees: attendees?,
            })
        })
    }
}

/// The reviewer's decision on one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub kind: DecisionKind,
    /// When to look at the case again (繼續列管).
    pub next_check_on: Option<NaiveDate>,
    /// The bureau to lead from now on (改由他機關主辦).
    pub bureau_id: Option<i64>,
    pub remark: String,
}

/// A decision as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionForm {
    pub decision: String,
    #[serde(default)]
    pub next_check_on: String,
    #[serde(default)]
    pub bureau_id: String,
    #[serde(default)]
    pub remark: String,
}

impl DecisionForm {
    /// Checks the decision for a meeting held on `meeting_on`, on a case led by
    /// `lead_bureau_id`.
    pub fn parse(&self, meeting_on: NaiveDate, lead_bureau_id: i64) -> Result<Decision, AppError> {
        let kind = DecisionKind::parse(&self.decision)
            .ok_or_else(|| AppError::validation("decision", "請選擇決議。"))?;
        let remark = required_text("remark", &self.remark, "決議說明", 500)?;
        let next_check_on = match kind {
            DecisionKind::Keep => {
                let on = parse_date(&self.next_check_on).ok_or_else(|| {
                    AppError::validation("next_check_on", "繼續列管請輸入下次檢視日期。")
                })?;
                if on <= meeting_on {
                    return Err(AppError::validation(
                        "next_check_on",
                        "下次檢視日期須在會議日之後。",
                    ));
                }
                Some(on)
            }
            _ => None,
        };
        let bureau_id = match kind {
            DecisionKind::Reassign => {
                let id = self
                    .bureau_id
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::validation("bureau_id", "請選擇改由主辦的機關。"))?;
                if id == lead_bureau_id {
                    return Err(AppError::validation(
                        "bureau_id",
                        "請選擇目前主辦機關以外的機關。",
                    ));
                }
                Some(id)
            }
            _ => None,
        };
        Ok(Decision {
            kind,
            next_check_on,
            bureau_id,
            remark,
        })
    }
}

/// A case under tracking, as the agenda needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedCase {
    pub id: i64,
    pub kind: CaseKind,
    pub number: i64,
    pub topic: String,
    pub lead_bureau_id: i64,
    pub lead_bureau: String,
    /// The bureau's place in the city's order (the agenda follows it).
    pub bureau_order: i64,
    pub due_on: NaiveDate,
    /// The newest progress report: when, what, and the date it expected to be done.
    pub last_report_at: Option<i64>,
    pub last_report: Option<String>,
    pub expected_on: Option<NaiveDate>,
    /// What the last meeting set.
    pub next_check_on: Option<NaiveDate>,
    pub escalated: bool,
}

impl TrackedCase {
    pub fn label(&self) -> String {
        case_label(self.kind, self.number)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub case: TrackedCase,
    /// No progress report since the last meeting was held.
    pub no_progress: bool,
    /// The bureau's own expected date has passed by the meeting day, or the check date the
    /// last meeting set has, with nothing reported since.
    pub overdue: bool,
    pub decision: Option<Decision>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaGroup {
    pub bureau_id: i64,
    pub bureau: String,
    pub items: Vec<AgendaItem>,
}

/// The agenda of a meeting held on `meeting_on`: every tracked case, grouped by its lead
/// bureau in the city's order; within a bureau the overdue cases first, then those without
/// progress since the last meeting (confirmed at `since`), then the escalated, then by due
/// date and number.
pub fn build_agenda(
    cases: Vec<TrackedCase>,
    since: Option<i64>,
    meeting_on: NaiveDate,
    decisions: &[(i64, Decision)],
) -> Vec<AgendaGroup> {
    let decisions: std::collections::HashMap<i64, &Decision> =
        decisions.iter().map(|(id, d)| (*id, d)).collect();
    let mut items: Vec<AgendaItem> = cases
        .into_iter()
        .map(|case| {
            let no_progress = match (case.last_report_at, since) {
                (None, _) => true,
                (Some(at), Some(since)) => at <= since,
                (Some(_), None) => false,
            };
            let overdue = case.expected_on.is_some_and(|d| d < meeting_on)
                || (no_progress && case.next_check_on.is_some_and(|d| d <= meeting_on));
            let decision = decisions.get(&case.id).map(|d| (*d).clone());
            AgendaItem {
                case,
                no_progress,
                overdue,
                decision,
            }
        })
        .collect();
    items.sort_by(|a, b| {
        (a.case.bureau_order, a.case.lead_bureau_id)
            .cmp(&(b.case.bureau_order, b.case.lead_bureau_id))
            .then(b.overdue.cmp(&a.overdue))
            .then(b.no_progress.cmp(&a.no_progress))
            .then(b.case.escalated.cmp(&a.case.escalated))
            .then(a.case.due_on.cmp(&b.case.due_on))
            .then(a.case.kind.as_str().cmp(b.case.kind.as_str()))
            .then(a.case.number.cmp(&b.case.number))
    });
    let mut groups: Vec<AgendaGroup> = Vec::new();
    for item in items {
        match groups.last_mut() {
            Some(g) if g.bureau_id == item.case.lead_bureau_id => g.items.push(item),
            _ => groups.push(AgendaGroup {
                bureau_id: item.case.lead_bureau_id,
                bureau: item.case.lead_bureau.clone(),
                items: vec![item],
            }),
        }
    }
    groups
}

/// What a decision does to its case when the meeting is confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// The timeline event it leaves.
    pub action: crate::cases::events::EventAction,
    /// Tracking ends and the case closes (解除列管).
    pub closes: bool,
    /// The check date the case carries afterwards (none but for 繼續列管).
    pub next_check_on: Option<NaiveDate>,
    /// The escalation mark afterwards: set by 提報上級, cleared by a release, else kept.
    pub escalated: Option<bool>,
    /// The bureau that leads from now on (改由他機關主辦).
    pub new_lead: Option<i64>,
    /// Who hears of it.
    pub tell: Vec<crate::cases::notify::Audience>,
}

impl Decision {
    /// The change to a case led by `lead_bureau_id`.
    pub fn effect(&self, lead_bureau_id: i64) -> Effect {
        use crate::cases::{events::EventAction, notify::Audience};
        let lead = Audience::Bureau(lead_bureau_id);
        match self.kind {
            DecisionKind::Keep => Effect {
                action: EventAction::KeepTracking,
                closes: false,
                next_check_on: self.next_check_on,
                escalated: None,
                new_lead: None,
                tell: vec![lead],
            },
            DecisionKind::Release => Effect {
                action: EventAction::Release,
                closes: true,
                next_check_on: None,
                escalated: Some(false),
                new_lead: None,
                tell: vec![lead],
            },
            DecisionKind::Reassign => Effect {
                action: EventAction::ReassignLead,
                closes: false,
                next_check_on: None,
                escalated: None,
                new_lead: self.bureau_id,
                tell: [Some(lead), self.bureau_id.map(Audience::Bureau)]
                    .into_iter()
                    .flatten()
                    .collect(),
            },
            DecisionKind::Escalate => Effect {
                action: EventAction::Escalate,
                closes: false,
                next_check_on: None,
                escalated: Some(true),
                new_lead: None,
                tell: vec![lead, Audience::Secretariat],
            },
        }
    }
}

/// How many agenda items still lack a decision.
/// An agenda longer than this is shown a bureau at a time, under a table of its bureaus:
/// the reviewer goes through it bureau by bureau, and a page of thousands of rows, each
/// with its decision form, is more than a browser or a phone should be sent (bench,
/// 40,000 tracked cases among 400,000 generated: 3.7 s for the whole agenda).
pub const AGENDA_ON_ONE_PAGE: usize = 150;

/// A bureau's part of a long agenda is shown this many cases a page (a bureau with 514
/// tracked cases at 400,000 generated: 432 ms for its part on one page).
pub const AGENDA_PAGE_ROWS: usize = 100;

/// One bureau's share of a scheduled meeting's agenda, a line of its table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaPart {
    pub bureau_id: i64,
    pub bureau: String,
    pub cases: usize,
    pub undecided: usize,
}

/// A tracked case's lead bureau, and whether the meeting has decided on it: the one pass
/// over the whole agenda a page makes, to count its parts and choose the shown one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaLead {
    pub case_id: i64,
    pub bureau_id: i64,
    pub bureau: String,
    /// The bureau's place in the city's order.
    pub bureau_order: i64,
    pub decided: bool,
}

/// The agenda's parts, a bureau each in the city's order of bureaus (then by id), with
/// their cases and how many still wait for a decision.
pub fn agenda_parts(leads: &[AgendaLead]) -> Vec<AgendaPart> {
    let mut counted: std::collections::BTreeMap<(i64, i64), AgendaPart> = Default::default();
    for lead in leads {
        let part = counted
            .entry((lead.bureau_order, lead.bureau_id))
            .or_insert_with(|| AgendaPart {
                bureau_id: lead.bureau_id,
                bureau: lead.bureau.clone(),
                cases: 0,
                undecided: 0,
            });
        part.cases += 1;
        part.undecided += usize::from(!lead.decided);
    }
    counted.into_values().collect()
}

/// Which bureau's part a long agenda shows: the one asked for, if it has cases on the
/// agenda; else the first still waiting for decisions; else the first.
pub fn shown_part(parts: &[AgendaPart], asked: Option<i64>) -> Option<i64> {
    asked
        .filter(|b| parts.iter().any(|p| p.bureau_id == *b))
        .or_else(|| parts.iter().find(|p| p.undecided > 0).map(|p| p.bureau_id))
        .or_else(|| parts.first().map(|p| p.bureau_id))
}

pub fn undecided(agenda: &[AgendaGroup]) -> usize {
    agenda
        .iter()
        .flat_map(|g| &g.items)
        .filter(|i| i.decision.is_none())
        .count()
}

/// A meeting as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingSummary {
    pub id: i64,
    pub held_on: NaiveDate,
    pub status: MeetingStatus,
    /// Decisions recorded (scheduled) or taken (held).
    pub decisions: i64,
    pub released: i64,
}

/// A meeting with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: i64,
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    pub status: MeetingStatus,
    pub attendees: Vec<String>,
    /// While scheduled: the agenda as of now, with the decisions recorded so far (on the
    /// web page, only the part of `shown` when it is set).
    pub agenda: Vec<AgendaGroup>,
    /// While scheduled: every bureau's part of the whole agenda, in the agenda's order.
    pub parts: Vec<AgendaPart>,
    /// The bureau whose part `agenda` holds, when the agenda is longer than
    /// [`AGENDA_ON_ONE_PAGE`] and shown a bureau at a time.
    pub shown: Option<i64>,
    /// Which page of the shown bureau's part `agenda` holds (from 1), of how many
    /// ([`AGENDA_PAGE_ROWS`] cases a page).
    pub part_page: usize,
    pub part_pages: usize,
    /// Once held: the minutes as confirmed.
    pub minutes: Option<Minutes>,
    /// The bureaus a case may be handed to (id, name).
    pub bureaus: Vec<(i64, String)>,
    /// Whether its decisions may be confirmed today (see [`may_confirm`]).
    pub confirmable: bool,
    /// The day the decision forms suggest for 繼續列管 ([`next_check_on`]).
    pub next_check_on: NaiveDate,
}

/// The minutes, frozen when the meeting is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minutes {
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    pub attendees: Vec<String>,
    /// Who confirmed the decisions (the chair's office).
    pub confirmed_by: String,
    pub confirmed_at: i64,
    pub groups: Vec<MinutesGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesGroup {
    pub bureau: String,
    pub items: Vec<MinutesItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesItem {
    pub case_id: i64,
    pub label: String,
    pub topic: String,
    pub decision: DecisionKind,
    pub next_check_on: Option<NaiveDate>,
    pub new_bureau: Option<String>,
    pub remark: String,
    /// 辦理情形: the bureau's newest progress report when the meeting decided, with its
    /// date (minutes confirmed before this was kept have none).
    #[serde(default)]
    pub progress: Option<String>,
}

impl TrackedCase {
    /// The newest progress report as the minutes print it: `115/12/01：已完成設計`.
    pub fn progress_line(&self) -> Option<String> {
        let text = self.last_report.as_ref()?;
        Some(
            match self.last_report_at.and_then(crate::dates::taipei_date) {
                Some(on) => format!("{}：{text}", crate::dates::roc_date(on)),
                None => text.clone(),
            },
        )
    }
}

impl Minutes {
    /// The cases the meeting released (解除列管), in agenda order.
    pub fn released(&self) -> Vec<(&str, &MinutesItem)> {
        self.groups
            .iter()
            .flat_map(|g| g.items.iter().map(move |i| (g.bureau.as_str(), i)))
            .filter(|(_, i)| i.decision == DecisionKind::Release)
            .collect()
    }

    /// How many cases got each decision.
    pub fn count(&self, kind: DecisionKind) -> usize {
        self.groups
            .iter()
            .flat_map(|g| &g.items)
            .filter(|i| i.decision == kind)
            .count()
    }

    /// `續列管 3 案、解除列管 2 案、…`: each decision with its count, in the minutes' order.
    pub fn counts_sentence(&self) -> String {
        [
            DecisionKind::Keep,
            DecisionKind::Release,
            DecisionKind::Reassign,
            DecisionKind::Escalate,
        ]
        .map(|k| format!("{} {} 案", k.label(), self.count(k)))
        .join("、")
    }
}

/// What a decision says, in a sentence.
pub fn decision_sentence(
    kind: DecisionKind,
    next_check_on: Option<NaiveDate>,
    new_bureau: Option<&str>,
) -> String {
    use crate::dates::roc_date;
    match (kind, next_check_on, new_bureau) {
        (DecisionKind::Keep, Some(on), _) => format!("繼續列管，{} 再檢視", roc_date(on)),
        (DecisionKind::Reassign, _, Some(b)) => format!("改由{b}主辦，繼續列管"),
        (kind, _, _) => kind.label().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// 2024-03-15 08:00 Taipei, as seconds.
    const MAR_15: i64 = 1_710_460_800;

    fn part(bureau_id: i64, cases: usize, undecided: usize) -> AgendaPart {
        AgendaPart {
            bureau_id,
            bureau: format!("機關{bureau_id}"),
            cases,
            undecided,
        }
    }

    #[test]
    fn a_long_agenda_shows_the_bureau_asked_for() {
        let parts = [part(3, 10, 0), part(1, 5, 5)];
        assert_eq!(shown_part(&parts, Some(1)), Some(1));
        assert_eq!(shown_part(&parts, Some(3)), Some(3));
    }

    #[test]
    fn a_long_agenda_opens_at_the_first_bureau_still_waiting_for_decisions() {
        let parts = [part(3, 10, 0), part(1, 5, 2), part(7, 5, 5)];
        assert_eq!(shown_part(&parts, None), Some(1));
        // A bureau with nothing on the agenda (or no such bureau) is not shown.
        assert_eq!(shown_part(&parts, Some(99)), Some(1));
    }

    #[test]
    fn a_long_agenda_all_decided_opens_at_its_first_bureau() {
        assert_eq!(shown_part(&[part(3, 10, 0), part(1, 5, 0)], None), Some(3));
        assert_eq!(shown_part(&[], None), None);
    }

    #[test]
    fn an_agendas_parts_follow_the_order_of_bureaus_and_count_what_is_undecided() {
        let lead = |case_id, (bureau_id, bureau_order): (i64, i64), decided| AgendaLead {
            case_id,
            bureau_id,
            bureau: format!("機關{bureau_id}"),
            bureau_order,
            decided,
        };
        // Bureau 7 comes first in the city's order; 2 and 5 share a place, so by id.
        let leads = [
            lead(1, (5, 20), false),
            lead(2, (7, 10), true),
            lead(3, (2, 20), true),
            lead(4, (5, 20), true),
            lead(5, (7, 10), true),
            lead(6, (5, 20), false),
        ];
        assert_eq!(
            agenda_parts(&leads),
            [part(7, 2, 0), part(2, 1, 0), part(5, 3, 2)]
        );
        assert_eq!(agenda_parts(&[]), []);
    }

    fn case(id: i64, bureau: (i64, &str, i64), due: NaiveDate) -> TrackedCase {
        TrackedCase {
            id,
            kind: CaseKind::Question,
            number: id,
            topic: format!("議題 {id}"),
            lead_bureau_id: bureau.0,
            lead_bureau: bureau.1.into(),
            bureau_order: bureau.2,
            due_on: due,
            last_report_at: None,
            last_report: None,
            expected_on: None,
            next_check_on: None,
            escalated: false,
        }
    }

    const UDD: (i64, &str, i64) = (1, "都市發展局", 1);
    const DOT: (i64, &str, i64) = (2, "交通局", 2);

    #[test]
    fn the_next_meeting_is_two_weeks_on_and_on_a_working_day() {
        let cal = WorkCalendar::default();
        // Friday 2024-03-15 + 14 = Friday 03-29.
        assert_eq!(
            suggest_next_date(Some(day(2024, 3, 15)), day(2024, 3, 18), &cal),
            day(2024, 3, 29)
        );
        // Saturday + 14 is a Saturday: Monday after.
        assert_eq!(
            suggest_next_date(Some(day(2024, 3, 16)), day(2024, 3, 18), &cal),
            day(2024, 4, 1)
        );
        // No meeting yet, or the last one long ago: two weeks from today.
        assert_eq!(
            suggest_next_date(None, day(2024, 3, 18), &cal),
            day(2024, 4, 1)
        );
        assert_eq!(
            suggest_next_date(Some(day(2023, 1, 2)), day(2024, 3, 18), &cal),
            day(2024, 4, 1)
        );
        // A holiday (兒童節 and 清明 2024) moves it on.
        let cal = WorkCalendar::new([
            (day(2024, 4, 4), crate::deadlines::DayKind::Holiday),
            (day(2024, 4, 5), crate::deadlines::DayKind::Holiday),
        ]);
        assert_eq!(
            suggest_next_date(Some(day(2024, 3, 21)), day(2024, 3, 22), &cal),
            day(2024, 4, 8)
        );
    }

    #[test]
    fn the_agenda_groups_by_bureau_in_the_citys_order() {
        let cases = vec![
            case(1, DOT, day(2024, 3, 1)),
            case(2, UDD, day(2024, 3, 9)),
            case(3, UDD, day(2024, 3, 2)),
        ];
        let agenda = build_agenda(cases, None, day(2024, 3, 29), &[]);
        let shape: Vec<(&str, Vec<i64>)> = agenda
            .iter()
            .map(|g| {
                (
                    g.bureau.as_str(),
                    g.items.iter().map(|i| i.case.id).collect(),
                )
            })
            .collect();
        assert_eq!(shape, vec![("都市發展局", vec![3, 2]), ("交通局", vec![1])]);
    }

    #[test]
    fn overdue_then_no_progress_cases_come_first_in_their_bureau_and_are_marked() {
        let since = Some(MAR_15);
        let mut reported = case(1, UDD, day(2024, 3, 1));
        reported.last_report_at = Some(MAR_15 + 3600);
        let silent = case(2, UDD, day(2024, 3, 5));
        let mut stale = case(3, UDD, day(2024, 3, 9));
        stale.last_report_at = Some(MAR_15 - 3600); // before the last meeting
        let mut late = case(4, UDD, day(2024, 3, 20));
        late.last_report_at = Some(MAR_15 + 7200);
        late.expected_on = Some(day(2024, 3, 22)); // passed by the meeting day
        let agenda = build_agenda(
            vec![reported, silent, stale, late],
            since,
            day(2024, 3, 29),
            &[],
        );
        let marks: Vec<(i64, bool, bool)> = agenda[0]
            .items
            .iter()
            .map(|i| (i.case.id, i.overdue, i.no_progress))
            .collect();
        assert_eq!(
            marks,
            vec![
                (4, true, false),
                (2, false, true),
                (3, false, true),
                (1, false, false)
            ]
        );
    }

    #[test]
    fn a_check_date_passed_without_a_report_is_overdue() {
        let mut kept = case(1, UDD, day(2024, 3, 1));
        kept.next_check_on = Some(day(2024, 3, 29));
        let agenda = build_agenda(vec![kept.clone()], Some(MAR_15), day(2024, 3, 29), &[]);
        assert!(agenda[0].items[0].overdue);
        kept.last_report_at = Some(MAR_15 + 60);
        let agenda = build_agenda(vec![kept], Some(MAR_15), day(2024, 3, 29), &[]);
        assert!(!agenda[0].items[0].overdue, "reported since: not overdue");
    }

    #[test]
    fn before_any_meeting_a_case_with_a_report_has_progress() {
        let mut c = case(1, UDD, day(2024, 3, 1));
        c.last_report_at = Some(MAR_15);
        let agenda = build_agenda(vec![c], None, day(2024, 3, 29), &[]);
        assert!(!agenda[0].items[0].no_progress);
    }

    #[test]
    fn recorded_decisions_sit_on_their_items_and_the_rest_are_counted() {
        let decision = Decision {
            kind: DecisionKind::Release,
            next_check_on: None,
            bureau_id: None,
            remark: "已完工".into(),
        };
        let agenda = build_agenda(
            vec![case(1, UDD, day(2024, 3, 1)), case(2, DOT, day(2024, 3, 1))],
            None,
            day(2024, 3, 29),
            &[(2, decision.clone())],
        );
        assert_eq!(agenda[1].items[0].decision, Some(decision));
        assert_eq!(undecided(&agenda), 1);
    }

    fn form(decision: &str, next: &str, bureau: &str, remark: &str) -> DecisionForm {
        DecisionForm {
            decision: decision.into(),
            next_check_on: next.into(),
            bureau_id: bureau.into(),
            remark: remark.into(),
        }
    }

    #[test]
    fn each_decision_asks_for_what_it_needs() {
        let on = day(2024, 3, 29);
        let keep = form("keep", "113/04/12", "", "請於下次會議報告發包結果")
            .parse(on, 1)
            .unwrap();
        assert_eq!(keep.next_check_on, Some(day(2024, 4, 12)));
        let err = form("keep", "", "", "x").parse(on, 1).unwrap_err();
        assert!(err.field_message("next_check_on").is_some());
        let err = form("keep", "113/03/29", "", "x").parse(on, 1).unwrap_err();
        assert!(
            err.field_message("next_check_on").is_some(),
            "not the meeting day itself"
        );

        let moved = form("reassign", "", "2", "交通局權責")
            .parse(on, 1)
            .unwrap();
        assert_eq!(moved.bureau_id, Some(2));
        assert!(form("reassign", "", "1", "x")
            .parse(on, 1)
            .unwrap_err()
            .field_message("bureau_id")
            .is_some());
        assert!(form("reassign", "", "", "x")
            .parse(on, 1)
            .unwrap_err()
            .field_message("bureau_id")
            .is_some());

        let release = form("release", "113/04/12", "2", "已完成")
            .parse(on, 1)
            .unwrap();
        assert_eq!(
            (release.next_check_on, release.bureau_id),
            (None, None),
            "extras ignored"
        );
        assert!(form("escalate", "", "", "  ")
            .parse(on, 1)
            .unwrap_err()
            .field_message("remark")
            .is_some());
        assert!(form("adjourn", "", "", "x")
            .parse(on, 1)
            .unwrap_err()
            .field_message("decision")
            .is_some());
    }

    #[test]
    fn each_decision_has_its_effect_on_the_case() {
        use crate::cases::{events::EventAction, notify::Audience};
        let decision = |kind, next, bureau| Decision {
            kind,
            next_check_on: next,
            bureau_id: bureau,
            remark: "r".into(),
        };
        let keep = decision(DecisionKind::Keep, Some(day(2024, 4, 12)), None).effect(1);
        assert_eq!(
            (
                keep.action,
                keep.closes,
                keep.next_check_on,
                keep.escalated,
                keep.new_lead
            ),
            (
                EventAction::KeepTracking,
                false,
                Some(day(2024, 4, 12)),
                None,
                None
            )
        );
        assert_eq!(keep.tell, vec![Audience::Bureau(1)]);
        let release = decision(DecisionKind::Release, None, None).effect(1);
        assert_eq!(
            (release.action, release.closes, release.escalated),
            (EventAction::Release, true, Some(false))
        );
        let moved = decision(DecisionKind::Reassign, None, Some(2)).effect(1);
        assert_eq!(
            (moved.action, moved.new_lead),
            (EventAction::ReassignLead, Some(2))
        );
        assert_eq!(
            moved.tell,
            vec![Audience::Bureau(1), Audience::Bureau(2)],
            "both bureaus hear"
        );
        let up = decision(DecisionKind::Escalate, None, None).effect(1);
        assert_eq!(
            (up.action, up.escalated, up.closes),
            (EventAction::Escalate, Some(true), false)
        );
        assert_eq!(up.tell, vec![Audience::Bureau(1), Audience::Secretariat]);
    }

    #[test]
    fn a_meeting_needs_a_date_from_today_on_and_its_attendees() {
        let today = day(2024, 3, 18);
        let ok = ScheduleForm {
            held_on: "113/03/29".into(),
            starts_at: "14:30".into(),
            place: " 市政大樓 11 樓第 2 會議室 ".into(),
            attendees: "副秘書長 王大明\n\n 研考會 林組長 \n".into(),
        }
        .parse(today)
        .unwrap();
        assert_eq!(ok.held_on, day(2024, 3, 29));
        let typed = ScheduleForm {
            held_on: "1130329".into(),
            starts_at: "１４３０".into(),
            attendees: "x".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap();
        assert_eq!(
            (typed.held_on, typed.starts_at.as_str()),
            (day(2024, 3, 29), "14:30")
        );
        assert_eq!(ok.place, "市政大樓 11 樓第 2 會議室");
        assert_eq!(ok.attendees, vec!["副秘書長 王大明", "研考會 林組長"]);
        // A past day and nobody to attend: both said at once.
        let both = ScheduleForm {
            held_on: "113/03/01".into(),
            ..Default::default()
        }
        .parse(today)
        .unwrap_err();
        let fields: Vec<String> = both.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["held_on", "attendees"]);
        let past = ScheduleForm {
            held_on: "113/03/01".into(),
            attendees: "x".into(),
            ..Default::default()
        };
        assert!(past
            .parse(today)
            .unwrap_err()
            .field_message("held_on")
            .is_some());
        let nobody = ScheduleForm {
            held_on: "113/03/29".into(),
            ..Default::default()
        };
        assert!(nobody
            .parse(today)
            .unwrap_err()
            .field_message("attendees")
            .is_some());
        let bad_time = ScheduleForm {
            held_on: "113/03/29".into(),
            starts_at: "下午".into(),
            attendees: "x".into(),
            ..Default::default()
        };
        assert!(bad_time
            .parse(today)
            .unwrap_err()
            .field_message("starts_at")
            .is_some());
    }

    #[test]
    fn a_meeting_is_confirmed_on_its_day_or_later_never_before() {
        let held_on = day(2024, 3, 29);
        assert!(may_confirm(held_on, day(2024, 3, 28)).is_err());
        assert!(may_confirm(held_on, held_on).is_ok());
        assert!(may_confirm(held_on, day(2024, 4, 2)).is_ok());
    }

    #[test]
    fn a_meeting_moves_to_a_day_from_today_on_with_its_time_as_typed() {
        let today = day(2024, 3, 18);
        let moved = |held_on: &str, starts_at: &str| {
            MoveForm {
                held_on: held_on.into(),
                starts_at: starts_at.into(),
            }
            .parse(today)
        };
        assert_eq!(
            moved("113年3月18日", "0930"),
            Ok((today, "09:30".to_owned()))
        );
        assert_eq!(moved("1130322", ""), Ok((day(2024, 3, 22), String::new())));
        assert!(moved("113/03/15", "").is_err());
        assert!(moved("113/03/22", "下午").is_err());
    }

    #[test]
    fn the_minutes_list_released_cases_and_count_decisions() {
        let item = |id, decision| MinutesItem {
            case_id: id,
            label: format!("質詢 第 {id} 號"),
            topic: "t".into(),
            decision,
            next_check_on: None,
            new_bureau: None,
            remark: "r".into(),
            progress: None,
        };
        let minutes = Minutes {
            held_on: day(2024, 3, 29),
            starts_at: String::new(),
            place: String::new(),
            attendees: vec![],
            confirmed_by: "副秘書長".into(),
            confirmed_at: MAR_15,
            groups: vec![
                MinutesGroup {
                    bureau: "都市發展局".into(),
                    items: vec![item(1, DecisionKind::Release), item(2, DecisionKind::Keep)],
                },
                MinutesGroup {
                    bureau: "交通局".into(),
                    items: vec![item(3, DecisionKind::Release)],
                },
            ],
        };
        let released: Vec<(&str, i64)> = minutes
            .released()
            .iter()
            .map(|(b, i)| (*b, i.case_id))
            .collect();
        assert_eq!(released, vec![("都市發展局", 1), ("交通局", 3)]);
        assert_eq!(minutes.count(DecisionKind::Keep), 1);
        assert_eq!(
            decision_sentence(DecisionKind::Keep, Some(day(2024, 4, 12)), None),
            "繼續列管，113/04/12 再檢視"
        );
    }
}

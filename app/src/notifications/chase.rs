//! The chase schedule (issue 27): who is chased about an open case on a working morning,
//! and who hears before a follow-up meeting, counted in working days of the city's
//! calendar (a case due on Monday is chased on the Friday before, never on the Sunday).
//! Plain rules, each with a name, tested day by day beside them; the delivery runner asks
//! them once each working morning.

use crate::{cases::Priority, deadlines::WorkCalendar};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

text_enum!(ChaseRule {
    DueNextWorkingDay = "due_next_working_day" / "下一個工作日到期",
    Overdue = "overdue" / "逾期催辦",
    OverdueList = "overdue_list" / "列入秘書處逾期清單",
    MeetingReports = "meeting_reports" / "追蹤會議前提報進度",
    MeetingAgenda = "meeting_agenda" / "追蹤會議前一日議程",
});

/// The hour (Taipei time) from which a day's chases are written: they reach people with
/// their working morning (and before the 08:30 digest), never in the night.
pub const CHASE_FROM_HOUR: u32 = 7;

/// Overdue cases are chased on the first working day past their due date, then every
/// this many working days.
pub const CHASE_EVERY: i64 = 3;

/// Who a chase goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChaseTo {
    /// Everyone of the bureau that owes the answer.
    Bureau,
    /// Its liaison officers.
    Liaisons,
    /// Its approvers.
    Approvers,
    /// The secretariat's daily list of long-overdue cases.
    SecretariatList,
    /// The reviewer.
    Reviewer,
}

/// One chase: which rule, the how-many-th for an overdue case, and to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chase {
    pub rule: ChaseRule,
    /// 1 for the first overdue chase, 2 for the next …; 0 for the other rules.
    pub nth: i64,
    pub to: Vec<ChaseTo>,
}

/// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
pub fn working_days_after(from: NaiveDate, to: NaiveDate, calendar: &WorkCalendar) -> i64 {
    calendar.working_days_between(from, to)
}

/// The working day `n` working days before `day` (`n` ≥ 1).
pub fn working_days_before(day: NaiveDate, n: u32, calendar: &WorkCalendar) -> NaiveDate {
    let mut at = day;
    let mut left = n;
    for _ in 0..(366 * 3) {
        if left == 0 {
            break;
        }
        at -= Duration::days(1);
        if calendar.is_working_day(at) {
            left -= 1;
        }
    }
    at
}

/// Whether anything may be sent on `today`: working days only, except what cannot wait
/// (最速件, and a data request to be picked up within three days).
pub fn may_send_on(
    today: NaiveDate,
    calendar: &WorkCalendar,
    priority: Option<Priority>,
    within_three_days: bool,
) -> bool {
    calendar.is_working_day(today) || within_three_days || priority == Some(Priority::MostUrgent)
}

/// How many times an open case due on `due_on` has been chased for being overdue by the
/// morning of `today` (the first working day past its due date, then every
/// [`CHASE_EVERY`]), and its working days overdue.
pub fn chased_so_far(due_on: NaiveDate, today: NaiveDate, calendar: &WorkCalendar) -> (i64, i64) {
    let late = working_days_after(due_on, today, calendar);
    let chased = if late == 0 {
        0
    } else {
        (late - 1) / CHASE_EVERY + 1
    };
    (chased, late)
}

/// Whether a case this many working days overdue is on the secretariat's overdue list:
/// from the working day after its third chase.
pub fn on_overdue_list(late: i64) -> bool {
    late > 2 * CHASE_EVERY + 1
}

/// The chase of an open case due on `due_on`, on the morning of `today`, if any: the day
/// before it is due (the last working day before), the bureau that owes it; on the first
/// working day overdue and every [`CHASE_EVERY`] working days after, its liaison officers,
/// from the third such chase its approvers too; after the third, every working day on the
/// secretariat's overdue list as well. Nothing on a day off.
pub fn case_chase(due_on: NaiveDate, today: NaiveDate, calendar: &WorkCalendar) -> Option<Chase> {
    if !calendar.is_working_day(today) {
        return None;
    }
    if today < due_on {
        // The last working day before the due date (or the due date's eve of rest).
        let next = calendar.next_working_day_from(today + Duration::days(1));
        return (next >= due_on).then(|| Chase {
            rule: ChaseRule::DueNextWorkingDay,
            nth: 0,
            to: vec![ChaseTo::Bureau],
        });
    }
    let late = working_days_after(due_on, today, calendar);
    if late == 0 {
        return None;
    }
    let chased = (late - 1) / CHASE_EVERY + 1;
    let chase_day = (late - 1) % CHASE_EVERY == 0;
    let listed = on_overdue_list(late);
    match (chase_day, listed) {
        (true, _) => {
            let mut to = vec![ChaseTo::Liaisons];
            if chased >= 3 {
                to.push(ChaseTo::Approvers);
            }
            if listed {
                to.push(ChaseTo::SecretariatList);
            }
            Some(Chase {
                rule: ChaseRule::Overdue,
                nth: chased,
                to,
            })
        }
        (false, true) => Some(Chase {
            rule: ChaseRule::OverdueList,
            nth: 0,
            to: vec![ChaseTo::SecretariatList],
        }),
        (false, false) => None,
    }
}

/// What a follow-up meeting held on `meeting_on` asks for on `today`: two working days
/// before, each bureau with tracked cases still without a progress report; the working day
/// before, the reviewer, with the agenda's counts.
pub fn meeting_chase(
    meeting_on: NaiveDate,
    today: NaiveDate,
    calendar: &WorkCalendar,
) -> Option<Chase> {
    if !calendar.is_working_day(today) || today >= meeting_on {
        return None;
    }
    if today == working_days_before(meeting_on, 2, calendar) {
        Some(Chase {
            rule: ChaseRule::MeetingReports,
            nth: 0,
            to: vec![ChaseTo::Bureau],
        })
    } else if today == working_days_before(meeting_on, 1, calendar) {
        Some(Chase {
            rule: ChaseRule::MeetingAgenda,
            nth: 0,
            to: vec![ChaseTo::Reviewer],
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadlines::DayKind;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    /// A fortnight and more of 2026 with a holiday on Friday 10/9 (國慶日 observed) and a
    /// make-up workday on Saturday 10/17.
    fn calendar() -> WorkCalendar {
        WorkCalendar::new([(d(10, 9), DayKind::Holiday), (d(10, 17), DayKind::Workday)])
    }

    /// The chases of a case due on `due`, day by day from 10/1 to 10/31.
    fn october(due: NaiveDate) -> Vec<(NaiveDate, Chase)> {
        let cal = calendar();
        (1..=31)
            .filter_map(|day| case_chase(due, d(10, day), &cal).map(|c| (d(10, day), c)))
            .collect()
    }

    #[test]
    fn a_case_due_on_monday_is_chased_on_the_friday_before_never_on_the_weekend() {
        let chases = october(d(10, 5));
        assert_eq!(chases[0].0, d(10, 2), "Friday");
        assert_eq!(chases[0].1.rule, ChaseRule::DueNextWorkingDay);
        assert_eq!(chases[0].1.to, [ChaseTo::Bureau]);
        assert!(chases
            .iter()
            .all(|(day, _)| calendar().is_working_day(*day)));
    }

    #[test]
    fn a_case_due_after_a_holiday_is_chased_on_the_last_working_day_before_it() {
        // Due Monday 10/12; Friday 10/9 is a holiday: chased Thursday 10/8.
        let chases = october(d(10, 12));
        assert_eq!(chases[0].0, d(10, 8));
    }

    #[test]
    fn an_overdue_case_is_chased_every_third_working_day_then_its_approver_then_the_secretariat() {
        // Due Thursday 10/1; working days after it: 10/2 (1), 10/5 (2) … the holiday 10/9
        // does not count, the make-up Saturday 10/17 does.
        let chases: Vec<(NaiveDate, i64, Vec<ChaseTo>)> = october(d(10, 1))
            .into_iter()
            .filter(|(_, c)| c.rule == ChaseRule::Overdue)
            .map(|(day, c)| (day, c.nth, c.to))
            .collect();
        use ChaseTo::*;
        assert_eq!(
            chases[..4],
            [
                (d(10, 2), 1, vec![Liaisons]),
                (d(10, 7), 2, vec![Liaisons]),
                (d(10, 13), 3, vec![Liaisons, Approvers]),
                (d(10, 16), 4, vec![Liaisons, Approvers, SecretariatList]),
            ]
        );
        // After the third chase the case is on the secretariat's list every working day,
        // the make-up Saturday included, the Sunday not.
        let listed: Vec<NaiveDate> = october(d(10, 1))
            .into_iter()
            .filter(|(_, c)| c.to.contains(&SecretariatList))
            .map(|(day, _)| day)
            .collect();
        assert_eq!(&listed[..4], &[d(10, 14), d(10, 15), d(10, 16), d(10, 17)]);
        assert!(listed.contains(&d(10, 17)));
        assert!(!listed.contains(&d(10, 18)));
    }

    #[test]
    fn the_chases_so_far_count_every_third_working_day_and_the_list_starts_after_the_third() {
        let cal = calendar();
        // Due 10/1: chased 10/2, 10/7, 10/13; listed from 10/14.
        assert_eq!(chased_so_far(d(10, 1), d(10, 1), &cal), (0, 0));
        assert_eq!(chased_so_far(d(10, 1), d(10, 2), &cal), (1, 1));
        assert_eq!(chased_so_far(d(10, 1), d(10, 12), &cal), (2, 6));
        assert_eq!(chased_so_far(d(10, 1), d(10, 13), &cal), (3, 7));
        assert!(!on_overdue_list(7));
        assert_eq!(chased_so_far(d(10, 1), d(10, 14), &cal), (3, 8));
        assert!(on_overdue_list(8));
    }

    #[test]
    fn the_due_day_itself_and_days_off_bring_no_chase() {
        let cal = calendar();
        assert_eq!(case_chase(d(10, 1), d(10, 1), &cal), None);
        assert_eq!(case_chase(d(10, 1), d(10, 3), &cal), None, "Saturday");
        assert_eq!(case_chase(d(10, 1), d(10, 9), &cal), None, "a holiday");
    }

    #[test]
    fn working_days_are_counted_by_the_calendar() {
        let cal = calendar();
        assert_eq!(working_days_after(d(10, 1), d(10, 1), &cal), 0);
        assert_eq!(
            working_days_after(d(10, 8), d(10, 12), &cal),
            1,
            "over the holiday"
        );
        assert_eq!(
            working_days_after(d(10, 16), d(10, 17), &cal),
            1,
            "the make-up day"
        );
        assert_eq!(working_days_before(d(10, 12), 1, &cal), d(10, 8));
        assert_eq!(working_days_before(d(10, 19), 2, &cal), d(10, 16));
    }

    #[test]
    fn before_a_meeting_the_bureaus_hear_two_working_days_ahead_and_the_reviewer_the_day_before() {
        let cal = calendar();
        // A meeting on Monday 10/19: the make-up Saturday 10/17 is the day before.
        let on = d(10, 19);
        let heard: Vec<(NaiveDate, ChaseRule)> = (1..=31)
            .filter_map(|day| meeting_chase(on, d(10, day), &cal).map(|c| (d(10, day), c.rule)))
            .collect();
        assert_eq!(
            heard,
            [
                (d(10, 16), ChaseRule::MeetingReports),
                (d(10, 17), ChaseRule::MeetingAgenda),
            ]
        );
    }

    #[test]
    fn only_what_cannot_wait_is_sent_on_a_day_off() {
        let cal = calendar();
        let sunday = d(10, 4);
        assert!(!may_send_on(sunday, &cal, Some(Priority::Urgent), false));
        assert!(may_send_on(sunday, &cal, Some(Priority::MostUrgent), false));
        assert!(may_send_on(sunday, &cal, None, true));
        assert!(may_send_on(d(10, 5), &cal, None, false));
    }
}

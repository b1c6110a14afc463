//! The daily reminders: "due" and "overdue" notices to whoever still owes an answer, on the
//! working days the chase schedule says (`notifications::chase`: the last working day before
//! the due date; the first working day overdue and every third after, the approvers from
//! the third chase on). Every app server runs the job now and then; a run claims its day in `job_runs`
//! inside the transaction that writes the notices, so exactly one server's run of the day
//! lands. (A second server's claim waits on the first one's row lock in PostgreSQL, then
//! finds it taken; if the first rolls back, the second's claim succeeds and it runs.)

use super::{
    notify::{notify, Notice},
    owing_sql,
};
use crate::{
    cases::notify::{About, Audience, NotificationKind},
    notifications::chase::{case_chase, meeting_chase, ChaseRule, ChaseTo, CHASE_FROM_HOUR},
};
use sqlx::{AnyPool, Row};

pub const REMINDER_JOB: &str = "due_reminders";

/// Runs the reminders of the Taipei day of `now` (from [`CHASE_FROM_HOUR`] on), unless that
/// day's run already happened.
/// Returns the notices written, or `None` when another run had the day.
pub async fn run_due_reminders(pool: &AnyPool, now: i64) -> Result<Option<u64>, sqlx::Error> {
    let Some(local) = chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.with_timezone(&crate::dates::taipei()).naive_local())
    else {
        return Ok(None);
    };
    // Not before the working morning: the day stays unclaimed until then.
    if chrono::Timelike::hour(&local) < CHASE_FROM_HOUR {
        return Ok(None);
    }
    let today = local.date();
    let mut tx = crate::db::begin(pool).await?;
    if !crate::db::claim_run(&mut tx, REMINDER_JOB, &today.to_string(), now).await? {
        return Ok(None);
    }
    let calendar = crate::deadlines::db::work_calendar(&mut *tx).await?;
    let next = calendar.next_working_day_from(today + chrono::Duration::days(1));
    // Cases due by the next working day, and cases overdue; the schedule says which of them
    // are chased today (each chase once per due date, so a postponed case that runs late
    // again is chased again).
    let cases = sqlx::query(&format!(
        "SELECT id, due_on FROM cases WHERE status IN ({}) AND due_on <= $1 ORDER BY id",
        owing_sql()
    ))
    .bind(next.to_string())
    .fetch_all(&mut *tx)
    .await?;
    let mut written = 0;
    for case in &cases {
        let case_id: i64 = case.try_get("id")?;
        let due_on: String = case.try_get("due_on")?;
        let Some(chase) = due_on
            .parse()
            .ok()
            .and_then(|due| case_chase(due, today, &calendar))
        else {
            continue;
        };
        let kind = match chase.rule {
            ChaseRule::DueNextWorkingDay => NotificationKind::DueTomorrow,
            ChaseRule::Overdue => NotificationKind::Overdue,
            // The secretariat's overdue list is a page, not a notice.
            _ => continue,
        };
        // Whoever still owes: the bureaus with an open part, or the secretariat while the
        // case waits to be assigned.
        let bureaus: Vec<i64> = sqlx::query_scalar(
            "SELECT bureau_id FROM assignments WHERE case_id = $1 \
             AND state IN ('pending', 'accepted') ORDER BY bureau_id",
        )
        .bind(case_id)
        .fetch_all(&mut *tx)
        .await?;
        let audience: Vec<Audience> = if bureaus.is_empty() {
            vec![Audience::Secretariat]
        } else {
            bureaus
                .iter()
                .flat_map(|b| {
                    chase.to.iter().filter_map(move |to| match to {
                        ChaseTo::Bureau => Some(Audience::Bureau(*b)),
                        ChaseTo::Liaisons => Some(Audience::Liaisons(*b)),
                        ChaseTo::Approvers => Some(Audience::Approvers(*b)),
                        ChaseTo::SecretariatList | ChaseTo::Reviewer => None,
                    })
                })
                .collect()
        };
        // The first chase keeps the key reminders had before the schedule, so nobody is
        // told again on the day it starts.
        let key = match chase.nth {
            0 | 1 => format!("{}:{case_id}:{due_on}", kind.as_str()),
            n => format!("{}:{case_id}:{due_on}:{n}", kind.as_str()),
        };
        let notice = Notice {
            kind,
            about: About::Case(case_id),
            event_id: None,
            at: now,
            except: None,
            dedupe_key: Some(&key),
        };
        written += notify(&mut tx, &notice, &audience).await?;
    }
    written += meeting_eve(&mut tx, today, &calendar, now).await?;
    written += crate::bills::db::chase_calls(&mut tx, today, &calendar, now).await?;
    written += crate::resolutions::db::chase_report(&mut tx, today, &calendar, now).await?;
    tx.commit().await?;
    Ok(Some(written))
}

/// The follow-up meeting's eve (`chase::meeting_chase`): two working days before it, each
/// bureau hears of its tracked cases still without a progress report since the last
/// meeting; the working day before, the reviewer hears of every case on the agenda. Keys
/// name the meeting and its day, so a meeting moved to another day is told of again.
async fn meeting_eve(
    tx: &mut crate::db::Tx,
    today: chrono::NaiveDate,
    calendar: &crate::deadlines::WorkCalendar,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let Some((meeting, held_on, agenda)) = crate::meetings::db::scheduled_agenda(tx).await? else {
        return Ok(0);
    };
    let Some(chase) = meeting_chase(held_on, today, calendar) else {
        return Ok(0);
    };
    let mut written = 0;
    for group in &agenda {
        for item in &group.items {
            let (kind, audience) = match chase.rule {
                ChaseRule::MeetingReports if item.no_progress => (
                    NotificationKind::MeetingReports,
                    Audience::Bureau(group.bureau_id),
                ),
                ChaseRule::MeetingAgenda => (NotificationKind::MeetingAgenda, Audience::Reviewers),
                _ => continue,
            };
            let key = format!("{}:{meeting}:{held_on}:{}", kind.as_str(), item.case.id);
            let notice = Notice {
                kind,
                about: About::Case(item.case.id),
                event_id: None,
                at: now,
                except: None,
                dedupe_key: Some(&key),
            };
            written += notify(tx, &notice, &[audience]).await?;
        }
    }
    Ok(written)
}

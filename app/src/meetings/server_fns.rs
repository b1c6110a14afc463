//! The follow-up meeting over HTTP: the secretariat schedules, the reviewer decides and
//! confirms; both (and the admin) read.

use super::{DecisionForm, Meeting, MeetingSummary, MoveForm, ScheduleForm};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    audit::{db::Entry, AuditAction},
    auth::Role,
    caller::Caller,
    error::with_status,
};

/// Who may open the meetings at all.
#[cfg(feature = "ssr")]
const READERS: &[Role] = &[Role::Secretariat, Role::Reviewer, Role::Admin];

/// The meetings page: the list, and the date to suggest for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingsOverview {
    pub meetings: Vec<MeetingSummary>,
    pub suggested_on: NaiveDate,
    /// The attendees of the last meeting, to start the next list from.
    pub last_attendees: Vec<String>,
}

#[server(prefix = "/api", endpoint = "meetings/list")]
pub async fn list_meetings() -> Result<MeetingsOverview, AppError> {
    with_status(
        async {
            let c = Caller::with_role(READERS).await?;
            let calendar = crate::deadlines::db::work_calendar(c.db()).await?;
            let last = super::db::last_held_on(c.db()).await?;
            let meetings = super::db::list(c.db()).await?;
            let last_attendees = match meetings.first() {
                // Only the names: the whole meeting would read its agenda, every tracked
                // case (bench, 20,000 cases: this page 214 → 8 ms p95).
                Some(m) => super::db::attendees(c.db(), m.id).await?,
                None => Vec::new(),
            };
            Ok(MeetingsOverview {
                suggested_on: super::suggest_next_date(last, c.today(), &calendar),
                meetings,
                last_attendees,
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "meetings/schedule")]
pub async fn schedule_meeting(#[server(default)] form: ScheduleForm) -> Result<i64, AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let meeting = form.parse(c.today())?;
            let mut tx = c.begin().await?;
            let id = super::db::schedule(&mut tx, &meeting, &c.user, c.ts()).await?;
            let entry =
                Entry::new(AuditAction::MeetingScheduled, "meeting", id).data(serde_json::json!({
                    "held_on": meeting.held_on,
                    "attendees": meeting.attendees.len(),
                }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/meetings/{id}"));
            Ok(id)
        }
        .await,
    )
}

/// The secretariat moves a scheduled meeting to another day (not a past one) or time.
#[server(prefix = "/api", endpoint = "meetings/move")]
pub async fn move_meeting(
    meeting_id: i64,
    #[server(default)] form: MoveForm,
) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let (held_on, starts_at) = form.parse(c.today())?;
            let mut tx = c.begin().await?;
            let was = super::db::move_meeting(&mut tx, meeting_id, held_on, &starts_at).await?;
            let entry = Entry::new(AuditAction::MeetingMoved, "meeting", meeting_id).data(
                serde_json::json!({ "before": was, "after": held_on, "starts_at": starts_at }),
            );
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// A meeting as its page shows it; a long agenda, page `page` of `bureau`'s part (see
/// [`super::AGENDA_ON_ONE_PAGE`]).
#[server(prefix = "/api", endpoint = "meetings/detail")]
pub async fn load_meeting(
    id: i64,
    bureau: Option<i64>,
    page: Option<usize>,
) -> Result<Meeting, AppError> {
    with_status(
        async {
            let c = Caller::with_role(READERS).await?;
            let page = page.unwrap_or(1);
            super::db::meeting_page(c.db(), id, c.today(), bureau, page).await
        }
        .await,
    )
}

/// The reviewer's decision on one case of a scheduled meeting (it takes effect when the
/// meeting is confirmed).
#[server(prefix = "/api", endpoint = "meetings/decide")]
pub async fn record_decision(
    meeting_id: i64,
    case_id: i64,
    #[server(default)] form: DecisionForm,
) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Reviewer]).await?;
            let mut tx = c.begin().await?;
            let decision =
                super::db::record_decision(&mut tx, meeting_id, case_id, &form, &c.user, c.ts())
                    .await?;
            let entry = Entry::new(AuditAction::MeetingDecisionRecorded, "meeting", meeting_id)
                .data(serde_json::json!({ "case_id": case_id, "after": decision }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// 繼續列管 for every case the reviewer has not decided on yet, in one step.
#[server(prefix = "/api", endpoint = "meetings/keep-the-rest")]
pub async fn keep_the_rest(
    meeting_id: i64,
    #[server(default)] next_check_on: String,
    #[server(default)] remark: String,
) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Reviewer]).await?;
            let form = super::keep_all(&next_check_on, &remark);
            let keep =
                |e: AppError| e.keeping(&[("next_check_on", &next_check_on), ("remark", &remark)]);
            let mut tx = c.begin().await?;
            let cases = super::db::decide_the_rest(&mut tx, meeting_id, &form, &c.user, c.ts())
                .await
                .map_err(keep)?;
            let entry = Entry::new(AuditAction::MeetingDecisionRecorded, "meeting", meeting_id)
                .data(serde_json::json!({
                    "keep": cases.len(),
                    "next_check_on": crate::dates::parse_date(&form.next_check_on)
                        .map(|d| d.to_string()),
                    "cases": cases,
                }));
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Applies every decision of the meeting at once and closes it.
#[server(prefix = "/api", endpoint = "meetings/confirm")]
pub async fn confirm_meeting(meeting_id: i64) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Reviewer]).await?;
            let mut tx = c.begin().await?;
            let minutes = super::db::confirm(&mut tx, meeting_id, &c.user, c.ts()).await?;
            let count = |k| minutes.count(k);
            use super::DecisionKind::*;
            let entry = Entry::new(AuditAction::MeetingConfirmed, "meeting", meeting_id).data(
                serde_json::json!({
                    "keep": count(Keep),
                    "release": count(Release),
                    "reassign": count(Reassign),
                    "escalate": count(Escalate),
                }),
            );
            c.audit(&mut tx, entry).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

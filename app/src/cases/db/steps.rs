//! The workflow steps' common part: each opens a [`Step`] inside the caller's transaction
//! (which loads the case and checks the rules), changes what it changes, and finishes it
//! (status, version, the timeline event and the notifications). Nothing here commits.
//! Here too are the steps that only move the status, and the due-date changes; the steps
//! on bureaus' parts are in `parts`, the ones that write text in `answers`.

use super::{
    core,
    events::{append_event, EventActor},
    my_part,
    notify::{notify, Notice},
    standing, CaseCore,
};
use crate::{
    auth::CurrentUser,
    cases::{
        events::{Change, EventData},
        notify::{Audience, NotificationKind},
        workflow::{ready_to_submit, Action},
        CaseStatus, DueOverride,
    },
    db::Tx,
    error::AppError,
};

/// A step under way: the case as it was, and the status it moves to.
pub struct Step {
    pub case: CaseCore,
    pub next: CaseStatus,
    pub action: Action,
}

impl Step {
    /// Loads the case and checks the caller and the status against the rules.
    /// `seen_version`, when given, must match: the caller acted on what the page showed, and
    /// if that has changed since, the step is refused rather than guessed.
    pub async fn open(
        tx: &mut Tx,
        case_id: i64,
        user: &CurrentUser,
        action: Action,
        seen_version: Option<i64>,
        keep_tracking: bool,
    ) -> Result<Self, AppError> {
        let case = core(tx, case_id).await?.ok_or(AppError::NotFound)?;
        let part = my_part(&mut **tx, case_id, user.bureau_id).await?;
        let next = standing(user).check(action, part, case.kind, case.status, keep_tracking)?;
        crate::grouping::db::refuse_if_grouped(tx, case_id, action).await?;
        if seen_version.is_some_and(|v| v != case.version) {
            return Err(AppError::Conflict(
                "案件在您開啟頁面後已有變動，未執行本次操作。請重新整理頁面確認後再試。".into(),
            ));
        }
        Ok(Self { case, next, action })
    }

    /// Records the step on the case row (status, version), in the timeline and in the
    /// outbox. The status change is added to `data`.
    pub async fn finish(
        self,
        tx: &mut Tx,
        user: &CurrentUser,
        now: i64,
        mut data: EventData,
    ) -> Result<i64, AppError> {
        if self.next != self.case.status {
            let done = sqlx::query(
                "UPDATE cases SET status = $1, version = version + 1, updated_at = $2 \
                 WHERE id = $3 AND version = $4",
            )
            .bind(self.next.as_str())
            .bind(now)
            .bind(self.case.id)
            .bind(self.case.version)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::Conflict(
                    "案件剛被其他人更新，未執行本次操作。請重新整理頁面後再試。".into(),
                ));
            }
            data.status = Some(Change::new(self.case.status, self.next));
        }
        let event = append_event(
            tx,
            self.case.id,
            now,
            EventActor::user(user),
            self.action.event(),
            &data,
        )
        .await?;
        let audience = audience(tx, self.action, self.case.id, &data).await?;
        if let Some((kind, audience)) = audience {
            let notice = Notice {
                kind,
                about: crate::cases::notify::About::Case(self.case.id),
                event_id: Some(event),
                at: now,
                except: Some(user.id),
                dedupe_key: None,
            };
            notify(tx, &notice, &audience).await?;
        }
        if let Some(reason) = office_news(tx, self.action, &self.case).await? {
            crate::notifications::db::offices::queue(tx, self.case.id, reason, user.id, now)
                .await?;
        }
        Ok(event)
    }
}

/// What a step tells the councilor's office (by mail, when it has contacts: the delivery
/// runner reads `office_notices`): a question answered, data delivered, or a data request
/// closed with a written answer and no delivery. Never the reply itself.
async fn office_news(
    tx: &mut Tx,
    action: Action,
    case: &CaseCore,
) -> Result<Option<crate::links::SendReason>, sqlx::Error> {
    use crate::{cases::CaseKind, links::SendReason};
    Ok(match (action, case.kind) {
        (Action::Deliver, _) => Some(SendReason::Delivered),
        (Action::Approve, CaseKind::Question) => Some(SendReason::Answered),
        (Action::Approve, CaseKind::DataRequest) if delivery_count(tx, case.id).await? == 0 => {
            Some(SendReason::Delivered)
        }
        _ => None,
    })
}

/// The lead bureau's open part, if any.
async fn lead_bureau(tx: &mut Tx, case_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT bureau_id FROM assignments WHERE case_id = $1 AND role = 'lead' \
         AND state IN ('pending', 'accepted')",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await
}

/// Who hears of a step: bureaus given a case, the secretariat of a refusal, the lead bureau
/// of a return or an approval.
async fn audience(
    tx: &mut Tx,
    action: Action,
    case_id: i64,
    data: &EventData,
) -> Result<Option<(NotificationKind, Vec<Audience>)>, sqlx::Error> {
    Ok(match action {
        Action::Assign => Some((
            NotificationKind::Assigned,
            data.lead_bureau_id
                .iter()
                .chain(&data.co_bureau_ids)
                .map(|b| Audience::Bureau(*b))
                .collect(),
        )),
        Action::AddCoBureau => data
            .bureau_id
            .map(|b| (NotificationKind::Assigned, vec![Audience::Bureau(b)])),
        Action::Reassign => data
            .moved
            .as_ref()
            .map(|m| (NotificationKind::Assigned, vec![Audience::Bureau(m.to)])),
        Action::RejectLead | Action::RejectCo => {
            Some((NotificationKind::Rejected, vec![Audience::Secretariat]))
        }
        Action::ReturnFromCheck | Action::ReturnFromReview => lead_bureau(tx, case_id)
            .await?
            .map(|b| (NotificationKind::Returned, vec![Audience::Bureau(b)])),
        Action::SendBack => lead_bureau(tx, case_id)
            .await?
            .map(|b| (NotificationKind::Returned, vec![Audience::Liaisons(b)])),
        Action::Approve => lead_bureau(tx, case_id)
            .await?
            .map(|b| (NotificationKind::Approved, vec![Audience::Bureau(b)])),
        // The liaison who wrote the reply hears that its wording was changed.
        Action::SignOff | Action::PassToReview if data.text.is_some() => {
            lead_bureau(tx, case_id).await?.map(|b| {
                (
                    NotificationKind::ReplyCorrected,
                    vec![Audience::Liaisons(b)],
                )
            })
        }
        _ => None,
    })
}

pub(super) async fn delivery_count(tx: &mut Tx, case_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE case_id = $1")
        .bind(case_id)
        .fetch_one(&mut **tx)
        .await
}

/// A status step as asked for: which, on which version of the case, with what comment.
pub struct StepRequest<'a> {
    pub action: Action,
    pub version: i64,
    pub comment: Option<&'a str>,
    /// For [`Action::Approve`]: keep the case under tracking (列管).
    pub keep_tracking: bool,
    /// For the steps that may correct the reply's wording ([`Action::corrects_reply`]):
    /// the reply as the approver or the secretariat left it (修改後核定).
    pub reply: Option<&'a str>,
}

/// A status step with an optional comment: submit, sign off, send back, pass, return,
/// approve, release.
pub async fn transition(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    request: &StepRequest<'_>,
    now: i64,
) -> Result<(), AppError> {
    let StepRequest {
        action,
        version,
        comment,
        keep_tracking,
        reply,
    } = *request;
    let step = Step::open(tx, case_id, user, action, Some(version), keep_tracking).await?;
    if reply.is_some() && !action.corrects_reply() {
        return Err(AppError::BadRequest);
    }
    // The wording corrected on the way: saved as the reply (the step's own status change
    // bumps the case's version once), its before and after in the step's event.
    let corrected = reply
        .filter(|text| *text != step.case.reply)
        .map(|text| Change::new(step.case.reply.clone(), text.to_owned()));
    if let Some(change) = &corrected {
        sqlx::query(
            "UPDATE cases SET reply = $1, reply_version = reply_version + 1, \
               reply_updated_by = $2, reply_updated_at = $3 WHERE id = $4",
        )
        .bind(&change.to)
        .bind(user.id)
        .bind(now)
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
        super::search::store(tx, case_id).await?;
    }
    if action == Action::SubmitForSignOff {
        let deliveries = delivery_count(tx, case_id).await?;
        ready_to_submit(
            step.case.kind,
            &step.case.reply,
            deliveries as usize,
            step.case.cannot_provide,
        )?;
    }
    if matches!(action, Action::ReturnFromCheck | Action::ReturnFromReview) {
        sqlx::query("UPDATE cases SET review_comment = $1 WHERE id = $2")
            .bind(comment.unwrap_or_default())
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
    }
    if action == Action::Approve || action == Action::Release {
        sqlx::query("UPDATE cases SET tracking = $1, review_comment = '' WHERE id = $2")
            .bind(step.next == CaseStatus::Tracking)
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
    }
    let data = EventData {
        comment: comment.map(str::to_owned),
        keep_tracking: (action == Action::Approve).then_some(keep_tracking),
        text: corrected,
        ..Default::default()
    };
    let next = step.next;
    step.finish(tx, user, now, data).await?;
    if action == Action::Approve {
        crate::grouping::db::carry_approval(tx, user, now, case_id, next).await?;
    }
    Ok(())
}

async fn change_due(
    tx: &mut Tx,
    case_id: i64,
    due: &DueOverride,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE cases SET due_on = $1, due_override_reason = $2, version = version + 1, \
           updated_at = $3 WHERE id = $4",
    )
    .bind(due.due_on.to_string())
    .bind(&due.reason)
    .bind(now)
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn due_change(step: &Step, due: &DueOverride) -> EventData {
    EventData {
        due: Some(Change::new(step.case.due_on, due.due_on)),
        reason: Some(due.reason.clone()),
        ..Default::default()
    }
}

pub async fn override_due(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    due: &DueOverride,
    now: i64,
) -> Result<(), AppError> {
    let step = Step::open(tx, case_id, user, Action::OverrideDue, None, false).await?;
    change_due(tx, case_id, due, now).await?;
    let data = due_change(&step, due);
    step.finish(tx, user, now, data).await?;
    Ok(())
}

/// A postponement agreed with the councilor's office: a later date and the reason.
pub async fn postpone(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    due: &DueOverride,
    now: i64,
) -> Result<(), AppError> {
    let step = Step::open(tx, case_id, user, Action::Postpone, None, false).await?;
    if due.due_on <= step.case.due_on {
        return Err(AppError::validation(
            "due_on",
            format!(
                "展延後的期限須晚於目前期限 {}。",
                crate::dates::roc_date(step.case.due_on)
            ),
        ));
    }
    change_due(tx, case_id, due, now).await?;
    let data = due_change(&step, due);
    step.finish(tx, user, now, data).await?;
    Ok(())
}

//! The workflow steps. Each opens a [`Step`] inside the caller's transaction (which loads
//! the case and checks the rules), changes what it changes, and finishes it (status,
//! version, the timeline event and the notifications). Nothing here commits.

use super::{
    actor, core,
    events::{append_event, EventActor},
    my_part,
    notify::{notify, Notice},
    CaseCore,
};
use crate::{
    auth::CurrentUser,
    cases::{
        events::{Change, EventData},
        notify::{Audience, NotificationKind},
        workflow::{ready_to_submit, Action},
        CaseKind, CaseStatus, DueOverride, PartRole, PartState, Rejection,
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
        let next = actor(user).check(action, part, case.kind, case.status, keep_tracking)?;
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
                case_id: self.case.id,
                event_id: Some(event),
                at: now,
                except: Some(user.id),
                dedupe_key: None,
            };
            notify(tx, &notice, &audience).await?;
        }
        Ok(event)
    }
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
        _ => None,
    })
}

async fn check_bureau(tx: &mut Tx, bureau_id: i64) -> Result<String, AppError> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM bureaus WHERE id = $1 AND active = $2")
            .bind(bureau_id)
            .bind(true)
            .fetch_optional(&mut **tx)
            .await?;
    name.ok_or_else(|| AppError::validation("bureau_id", "找不到所選的局處。"))
}

async fn add_part(
    tx: &mut Tx,
    case_id: i64,
    bureau_id: i64,
    role: PartRole,
    user: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    let name = check_bureau(tx, bureau_id).await?;
    sqlx::query(
        "INSERT INTO assignments (case_id, bureau_id, role, state, assigned_by, assigned_at) \
         VALUES ($1, $2, $3, 'pending', $4, $5)",
    )
    .bind(case_id)
    .bind(bureau_id)
    .bind(role.as_str())
    .bind(user.id)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            AppError::validation("bureau_id", format!("{name}已在本案中，請選擇其他局處。"))
        }
        _ => e.into(),
    })?;
    Ok(())
}

/// Closes the open part of `bureau_id` with `to`; returns whether there was one.
#[allow(clippy::too_many_arguments)]
async fn close_part(
    tx: &mut Tx,
    case_id: i64,
    bureau_id: i64,
    from: &[PartState],
    to: PartState,
    rejection: Option<&Rejection>,
    user: &CurrentUser,
    now: i64,
) -> Result<bool, AppError> {
    let from = from
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let done = sqlx::query(&format!(
        "UPDATE assignments SET state = $1, reject_reason = $2, suggested_bureau_id = $3, \
           responded_by = $4, responded_at = $5 \
         WHERE case_id = $6 AND bureau_id = $7 AND state IN ({from})"
    ))
    .bind(to.as_str())
    .bind(rejection.map(|r| r.reason.clone()))
    .bind(rejection.and_then(|r| r.suggested_bureau_id))
    .bind(user.id)
    .bind(now)
    .bind(case_id)
    .bind(bureau_id)
    .execute(&mut **tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            AppError::validation("suggested_bureau_id", "找不到建議的局處。")
        }
        _ => e.into(),
    })?;
    Ok(done.rows_affected() > 0)
}

/// The secretariat names the lead bureau (and any co-bureaus) of an unassigned case.
/// Earlier rejections of the case count as handled.
pub async fn assign(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    version: i64,
    lead: i64,
    co: &[i64],
    now: i64,
) -> Result<(), AppError> {
    let step = Step::open(tx, case_id, user, Action::Assign, Some(version), false).await?;
    if co.contains(&lead) {
        return Err(AppError::validation(
            "co_bureau_ids",
            "主辦機關不必再列為協辦機關。",
        ));
    }
    sqlx::query(
        "UPDATE assignments SET state = 'reassigned' WHERE case_id = $1 AND role = 'lead' AND state = 'rejected'",
    )
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    add_part(tx, case_id, lead, PartRole::Lead, user, now).await?;
    for bureau in co {
        add_part(tx, case_id, *bureau, PartRole::Co, user, now).await?;
    }
    let data = EventData {
        lead_bureau_id: Some(lead),
        co_bureau_ids: co.to_vec(),
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
    Ok(())
}

pub async fn add_co_bureau(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    bureau: i64,
    now: i64,
) -> Result<(), AppError> {
    let step = Step::open(tx, case_id, user, Action::AddCoBureau, None, false).await?;
    add_part(tx, case_id, bureau, PartRole::Co, user, now).await?;
    let data = EventData {
        bureau_id: Some(bureau),
        role: Some(PartRole::Co),
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
    Ok(())
}

/// Hands a rejected co-bureau part to another bureau.
pub async fn reassign(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    part_id: i64,
    bureau: i64,
    now: i64,
) -> Result<(), AppError> {
    let step = Step::open(tx, case_id, user, Action::Reassign, None, false).await?;
    let old: Option<i64> = sqlx::query_scalar(
        "SELECT bureau_id FROM assignments \
         WHERE id = $1 AND case_id = $2 AND role = 'co' AND state = 'rejected'",
    )
    .bind(part_id)
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(old) = old else {
        return Err(AppError::Conflict(
            "這筆分派不是待改分的協辦退回，請重新整理頁面。".into(),
        ));
    };
    sqlx::query("UPDATE assignments SET state = 'reassigned' WHERE id = $1")
        .bind(part_id)
        .execute(&mut **tx)
        .await?;
    add_part(tx, case_id, bureau, PartRole::Co, user, now).await?;
    let data = EventData {
        moved: Some(Change::new(old, bureau)),
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
    Ok(())
}

/// A bureau accepts its part, lead or co.
pub async fn accept(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    let bureau = user.bureau_id.ok_or(AppError::Forbidden)?;
    let role = my_part(&mut **tx, case_id, Some(bureau))
        .await?
        .map_or(PartRole::Lead, |p| p.role);
    let action = match role {
        PartRole::Co => Action::AcceptCo,
        PartRole::Lead => Action::AcceptLead,
    };
    let step = Step::open(tx, case_id, user, action, None, false).await?;
    check_bureau(tx, bureau).await?;
    let accepted = close_part(
        tx,
        case_id,
        bureau,
        &[PartState::Pending],
        PartState::Accepted,
        None,
        user,
        now,
    )
    .await?;
    if !accepted {
        return Err(AppError::Conflict("本局已接受此案。".into()));
    }
    let data = EventData {
        bureau_id: Some(bureau),
        role: Some(role),
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
    Ok(())
}

pub async fn reject(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    rejection: &Rejection,
    now: i64,
) -> Result<(), AppError> {
    let bureau = user.bureau_id.ok_or(AppError::Forbidden)?;
    let role = my_part(&mut **tx, case_id, Some(bureau))
        .await?
        .map_or(PartRole::Lead, |p| p.role);
    let action = match role {
        PartRole::Co => Action::RejectCo,
        PartRole::Lead => Action::RejectLead,
    };
    if rejection.suggested_bureau_id == Some(bureau) {
        return Err(AppError::validation(
            "suggested_bureau_id",
            "建議的局處不能是本局。",
        ));
    }
    let step = Step::open(tx, case_id, user, action, None, false).await?;
    check_bureau(tx, bureau).await?;
    close_part(
        tx,
        case_id,
        bureau,
        &[PartState::Pending, PartState::Accepted],
        PartState::Rejected,
        Some(rejection),
        user,
        now,
    )
    .await?;
    // A co-bureau that leaves takes its draft sub-answer with it.
    sqlx::query("DELETE FROM sub_answers WHERE case_id = $1 AND bureau_id = $2")
        .bind(case_id)
        .bind(bureau)
        .execute(&mut **tx)
        .await?;
    let data = EventData {
        bureau_id: Some(bureau),
        role: Some(role),
        reason: Some(rejection.reason.clone()),
        suggested_bureau_id: rejection.suggested_bureau_id,
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
    Ok(())
}

pub async fn write_sub_answer(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    body: &str,
    now: i64,
) -> Result<(), AppError> {
    let bureau = user.bureau_id.ok_or(AppError::Forbidden)?;
    let step = Step::open(tx, case_id, user, Action::WriteSubAnswer, None, false).await?;
    let before: Option<String> =
        sqlx::query_scalar("SELECT body FROM sub_answers WHERE case_id = $1 AND bureau_id = $2")
            .bind(case_id)
            .bind(bureau)
            .fetch_optional(&mut **tx)
            .await?;
    sqlx::query(
        "INSERT INTO sub_answers (case_id, bureau_id, body, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (case_id, bureau_id) DO UPDATE SET body = excluded.body, \
           updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(case_id)
    .bind(bureau)
    .bind(body)
    .bind(user.id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    check_bureau(tx, bureau).await?;
    let data = EventData {
        bureau_id: Some(bureau),
        text: Some(Change::new(before.unwrap_or_default(), body.to_owned())),
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
    Ok(())
}

/// Saves the reply. `seen_reply_version` is the version the editor started from; if
/// someone saved in between, nothing is written and both texts come back.
pub async fn save_reply(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    text: &str,
    cannot_provide: bool,
    seen_reply_version: i64,
    now: i64,
) -> Result<i64, AppError> {
    let step = Step::open(tx, case_id, user, Action::EditReply, None, false).await?;
    if step.case.reply_version != seen_reply_version {
        let by: Option<String> = sqlx::query_scalar(
            "SELECT u.display_name FROM cases c JOIN users u ON u.id = c.reply_updated_by WHERE c.id = $1",
        )
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?;
        return Err(AppError::EditConflict {
            theirs: step.case.reply.clone(),
            by: by.unwrap_or_default(),
            yours: text.to_owned(),
        });
    }
    let cannot_provide = cannot_provide && step.case.kind == CaseKind::DataRequest;
    let done = sqlx::query(
        "UPDATE cases SET reply = $1, cannot_provide = $2, reply_version = reply_version + 1, \
           reply_updated_by = $3, reply_updated_at = $4, version = version + 1, updated_at = $4 \
         WHERE id = $5 AND reply_version = $6",
    )
    .bind(text)
    .bind(cannot_provide)
    .bind(user.id)
    .bind(now)
    .bind(case_id)
    .bind(seen_reply_version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "答復剛被其他人儲存，您的內容尚未儲存。請重新整理頁面對照後再送出。".into(),
        ));
    }
    let data = EventData {
        text: Some(Change::new(step.case.reply.clone(), text.to_owned())),
        cannot_provide,
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
    Ok(seen_reply_version + 1)
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
    } = *request;
    let step = Step::open(tx, case_id, user, action, Some(version), keep_tracking).await?;
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
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
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

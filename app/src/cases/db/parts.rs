//! Steps on the bureaus' parts in a case: assigning, adding and reassigning bureaus, and a
//! bureau accepting or declining its part.

use super::{my_part, steps::Step};
use crate::{
    auth::CurrentUser,
    cases::{
        events::{Change, EventData},
        workflow::Action,
        PartRole, PartState, Rejection,
    },
    db::Tx,
    error::AppError,
};

pub(super) async fn check_bureau(tx: &mut Tx, bureau_id: i64) -> Result<String, AppError> {
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

/// Assigns each of `ids` to the lead bureau `lead` as one change (the rows ticked on the
/// list): all of them, or none when one may not be (already assigned, gone), that case
/// named in the refusal.
pub async fn assign_each(
    tx: &mut Tx,
    ids: &[i64],
    user: &CurrentUser,
    lead: i64,
    now: i64,
) -> Result<(), AppError> {
    for id in ids {
        let row: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT version, kind, number FROM cases WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        let (version, kind, number) = row.ok_or(AppError::NotFound)?;
        let label = crate::cases::CaseKind::parse(&kind)
            .map(|k| crate::cases::case_label(k, number))
            .unwrap_or_default();
        assign(tx, *id, user, version, lead, &[], now)
            .await
            .map_err(|e| match e {
                AppError::Conflict(m) => AppError::Conflict(format!("{label}：{m}")),
                other => other,
            })?;
    }
    Ok(())
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

/// The caller's bureau and the part it holds (lead when it holds none: the workflow rules
/// then refuse the step with the right message).
async fn held_part(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
) -> Result<(i64, PartRole), AppError> {
    let bureau = user.bureau_id.ok_or(AppError::Forbidden)?;
    let role = my_part(&mut **tx, case_id, Some(bureau))
        .await?
        .map_or(PartRole::Lead, |p| p.role);
    Ok((bureau, role))
}

/// A bureau accepts its part, lead or co.
pub async fn accept(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    let (bureau, role) = held_part(tx, case_id, user).await?;
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
    let (bureau, role) = held_part(tx, case_id, user).await?;
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

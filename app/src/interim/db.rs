//! An interim reply stored: checked against the caller's part and the case's status, the
//! due date moved when the office agreed, on the case's timeline; and read back for the
//! case page and the status page.

use super::{may_record, Agreement, InterimForm, InterimReply};
use crate::{
    caller::Caller,
    cases::{
        db::{append_event, my_part, EventActor},
        events::{Change, EventAction, EventData},
        CaseStatus, PartRole,
    },
    db::{date, unexpected, Tx},
    error::AppError,
};
use sqlx::{AnyPool, Row};

pub async fn record(
    c: &Caller,
    tx: &mut Tx,
    case_id: i64,
    form: &InterimForm,
) -> Result<(), AppError> {
    let row = sqlx::query("SELECT status, due_on FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("status"))?;
    let due_on = date(&row, "due_on")?;
    let bureau = c.user.bureau_id.unwrap_or(0);
    // A bureau with no part is not told the case exists, as on every case step.
    let part = my_part(&mut **tx, case_id, c.user.bureau_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let leads = part.role == PartRole::Lead;
    if !may_record(c.user.role, leads, status) {
        return Err(if leads {
            AppError::Conflict("只有辦理中的案件可以提出期中答復。".into())
        } else {
            AppError::Forbidden
        });
    }
    let new = form.parse(c.today(), due_on)?;
    sqlx::query(
        "INSERT INTO interim_replies (case_id, bureau_id, known, why, previous_due_on, \
           new_due_on, agreement, agreed_with, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(case_id)
    .bind(bureau)
    .bind(&new.known)
    .bind(&new.why)
    .bind(due_on.to_string())
    .bind(new.new_due_on.to_string())
    .bind(new.agreement.as_str())
    .bind(&new.agreed_with)
    .bind(c.user.id)
    .bind(c.ts())
    .execute(&mut **tx)
    .await?;
    if new.agreement.moves_due() {
        sqlx::query(
            "UPDATE cases SET due_on = $1, version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(new.new_due_on.to_string())
        .bind(c.ts())
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    }
    let data = EventData {
        comment: Some(new.known.clone()),
        reason: Some(format!(
            "{}{}",
            new.why,
            if new.agreed_with.is_empty() {
                String::new()
            } else {
                format!("（{}：{}）", new.agreement.label(), new.agreed_with)
            }
        )),
        due: new
            .agreement
            .moves_due()
            .then(|| Change::new(due_on, new.new_due_on)),
        expected_on: (!new.agreement.moves_due()).then_some(new.new_due_on),
        ..Default::default()
    };
    append_event(
        tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        EventAction::InterimReply,
        &data,
    )
    .await?;
    Ok(())
}

/// The interim replies of `case_id`, oldest first.
pub async fn of_case(pool: &AnyPool, case_id: i64) -> Result<Vec<InterimReply>, sqlx::Error> {
    Ok(of_cases(pool, &[case_id])
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect())
}

/// The interim replies of `ids` with their case, by case, oldest first.
pub async fn of_cases(
    pool: &AnyPool,
    ids: &[i64],
) -> Result<Vec<(i64, InterimReply)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(&format!(
        "SELECT case_id, known, why, previous_due_on, new_due_on, agreement, agreed_with, \
           recorded_at FROM interim_replies WHERE case_id IN ({}) ORDER BY case_id, id",
        crate::cases::db::id_list(ids.iter().copied())
    ))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("case_id")?,
                InterimReply {
                    known: r.try_get("known")?,
                    why: r.try_get("why")?,
                    previous_due_on: date(r, "previous_due_on")?,
                    new_due_on: date(r, "new_due_on")?,
                    agreement: Agreement::parse(r.try_get("agreement")?)
                        .ok_or_else(|| unexpected("agreement"))?,
                    agreed_with: r.try_get("agreed_with")?,
                    on: crate::dates::taipei_date(r.try_get("recorded_at")?)
                        .ok_or_else(|| unexpected("recorded_at"))?,
                },
            ))
        })
        .collect()
}

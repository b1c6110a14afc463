//! Recording a case's letters: checked against the caller's role and part and the case's
//! status, kept in `case_letters`, written on the case's timeline and into its search text.

use super::{may_record_incoming, may_record_outgoing, Letter, Which};
use crate::{
    caller::Caller,
    cases::{
        db::{append_event, my_part, store_search, EventActor},
        events::{EventAction, EventData},
        CaseStatus, PartRole,
    },
    db::{unexpected, Tx},
    error::AppError,
};

pub async fn save(
    c: &Caller,
    tx: &mut Tx,
    case_id: i64,
    which: Which,
    letter: &Letter,
) -> Result<(), AppError> {
    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = CaseStatus::parse(&status).ok_or_else(|| unexpected("status"))?;
    let part = my_part(&mut **tx, case_id, c.user.bureau_id).await?;
    // A bureau with no part is not told the case exists, as on every case step.
    if c.user.role.belongs_to_bureau() && part.is_none() {
        return Err(AppError::NotFound);
    }
    let leads = part.is_some_and(|p| p.role == PartRole::Lead);
    let (column, action) = match which {
        Which::Incoming => {
            if !may_record_incoming(c.user.role) {
                return Err(AppError::Forbidden);
            }
            ("incoming", EventAction::IncomingLetter)
        }
        Which::Outgoing => {
            if !may_record_outgoing(c.user.role, leads, status) {
                return Err(
                    if may_record_outgoing(c.user.role, leads, CaseStatus::Closed) {
                        AppError::Conflict("答復審查通過後，才能記錄發文字號。".into())
                    } else {
                        AppError::Forbidden
                    },
                );
            }
            ("outgoing", EventAction::OutgoingLetter)
        }
    };
    // The column names are the two written above, never typed.
    sqlx::query(&format!(
        "INSERT INTO case_letters (case_id, {column}_number, {column}_on, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id) DO UPDATE SET \
         {column}_number = $2, {column}_on = $3, updated_by = $4, updated_at = $5"
    ))
    .bind(case_id)
    .bind(&letter.number)
    .bind(letter.on.to_string())
    .bind(c.user.id)
    .bind(c.ts())
    .execute(&mut **tx)
    .await?;
    let data = EventData {
        letter_number: Some(letter.number.clone()),
        sent_on: Some(letter.on),
        ..Default::default()
    };
    append_event(
        tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        action,
        &data,
    )
    .await?;
    store_search(tx, case_id).await?;
    Ok(())
}

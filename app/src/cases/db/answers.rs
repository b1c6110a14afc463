//! Steps that write text: a co-bureau's answer and the lead bureau's reply.

use super::{parts::check_bureau, steps::Step};
use crate::{
    auth::CurrentUser,
    cases::{
        events::{Change, EventData},
        workflow::Action,
        CaseKind,
    },
    db::Tx,
    error::AppError,
};

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
    super::search::store(tx, case_id).await?;
    let data = EventData {
        text: Some(Change::new(step.case.reply.clone(), text.to_owned())),
        cannot_provide,
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
    Ok(seen_reply_version + 1)
}

//! Bureaus' progress reports (辦理進度) on tracked cases, read by the follow-up meeting.

use super::{
    core,
    events::{append_event, EventActor},
    my_part, standing,
};
use crate::{
    auth::CurrentUser,
    cases::{
        events::{EventAction, EventData},
        ProgressReport, ProgressUpdate,
    },
    db::Tx,
    error::AppError,
};
use sqlx::{AnyPool, Row};

/// Posts a report for the caller's bureau; returns its id.
pub async fn report_progress(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    update: &ProgressUpdate,
    now: i64,
) -> Result<i64, AppError> {
    let case = core(tx, case_id).await?.ok_or(AppError::NotFound)?;
    let part = my_part(&mut **tx, case_id, user.bureau_id).await?;
    let me = standing(user);
    if !me.may_view(part) {
        return Err(AppError::NotFound);
    }
    let (true, Some(bureau_id)) = (
        me.may_report_progress(part, case.kind, case.status),
        user.bureau_id,
    ) else {
        return Err(AppError::Conflict(
            "只有已接受分派的局處，能在案件列管期間（決議案於執行期間）提報辦理進度。".into(),
        ));
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO progress_reports (case_id, bureau_id, body, expected_on, percent, \
           letter_number, reported_by, reported_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(case_id)
    .bind(bureau_id)
    .bind(&update.body)
    .bind(update.expected_on.map(|d| d.to_string()))
    .bind(update.percent)
    .bind(&update.letter_number)
    .bind(user.id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let data = EventData {
        bureau_id: Some(bureau_id),
        comment: Some(update.body.clone()),
        expected_on: update.expected_on,
        percent: update.percent,
        letter_number: Some(update.letter_number.clone()).filter(|l| !l.is_empty()),
        ..Default::default()
    };
    append_event(
        tx,
        case_id,
        now,
        EventActor::user(user),
        EventAction::ReportProgress,
        &data,
    )
    .await?;
    Ok(id)
}

/// When the last follow-up meeting was confirmed, if one was.
pub async fn last_meeting_at(pool: &AnyPool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(confirmed_at) FROM meetings WHERE status = 'held'")
        .fetch_one(pool)
        .await
}

/// A case's reports, newest first.
pub async fn reports(pool: &AnyPool, case_id: i64) -> Result<Vec<ProgressReport>, sqlx::Error> {
    let since = last_meeting_at(pool).await?;
    let rows = sqlx::query(
        "SELECT b.name AS bureau, p.body, p.expected_on, p.percent, p.letter_number, \
           u.display_name, p.reported_at \
         FROM progress_reports p JOIN bureaus b ON b.id = p.bureau_id \
         JOIN users u ON u.id = p.reported_by \
         WHERE p.case_id = $1 ORDER BY p.reported_at DESC, p.id DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let reported_at: i64 = row.try_get("reported_at")?;
            Ok(ProgressReport {
                bureau: row.try_get("bureau")?,
                body: row.try_get("body")?,
                expected_on: row
                    .try_get::<Option<String>, _>("expected_on")?
                    .and_then(|d| d.parse().ok()),
                percent: row.try_get("percent")?,
                letter_number: row.try_get("letter_number")?,
                reported_by: row.try_get("display_name")?,
                reported_at,
                since_last_meeting: since.is_none_or(|s| reported_at > s),
            })
        })
        .collect()
}

//! Corrections stored: written against the caller's part and the case's status, reviewed,
//! on the case's timeline and in the audit log; and read back for the case page, the
//! status page, the start pages and the volume.

use super::{
    may_draft, may_review, Correction, CorrectionForm, CorrectionState, PublicCorrection, Step,
    Waiting,
};
use crate::{
    audit::{db::Entry, AuditAction},
    auth::{CurrentUser, Role},
    caller::Caller,
    cases::{
        case_label,
        db::{append_event, id_list, my_part, EventActor},
        events::{EventAction, EventData},
        CaseKind, CaseStatus, PartRole,
    },
    db::{is_unique_violation, unexpected, Tx},
    error::AppError,
};
use serde_json::json;
use sqlx::{AnyPool, Row};

/// The lead bureau or the secretariat writes a correction of case `case_id`'s answer (or
/// writes a returned one again) and sends it for review. Returns the correction's id.
pub async fn submit(
    c: &Caller,
    tx: &mut Tx,
    case_id: i64,
    form: &CorrectionForm,
) -> Result<i64, AppError> {
    let row = sqlx::query(
        "SELECT kind, status, reply, \
           (SELECT MIN(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'approve') \
             AS approved_at \
         FROM cases c WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let kind = CaseKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
    let status = CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("status"))?;
    let part = my_part(&mut **tx, case_id, c.user.bureau_id).await?;
    // A bureau with no part is not told the case exists, as on every case step.
    if c.user.bureau_id.is_some() && part.is_none() {
        return Err(AppError::NotFound);
    }
    let leads = part.is_some_and(|p| p.role == PartRole::Lead);
    if !may_draft(c.user.role, leads, kind, status) {
        return Err(if super::correctable(kind, status) {
            AppError::Forbidden
        } else {
            AppError::Conflict("只有已審查通過的答復可以勘誤。".into())
        });
    }
    let original: String = row.try_get("reply")?;
    let new = form.parse(&original)?;
    let open =
        sqlx::query("SELECT id, state FROM corrections WHERE case_id = $1 AND state <> 'approved'")
            .bind(case_id)
            .fetch_optional(&mut **tx)
            .await?;
    let open_state = open
        .as_ref()
        .map(|r| CorrectionState::parse(r.try_get("state")?).ok_or_else(|| unexpected("state")))
        .transpose()?;
    Step::Submit.next(open_state)?;
    let id = match open {
        Some(r) => {
            let id: i64 = r.try_get("id")?;
            let moved = sqlx::query(
                "UPDATE corrections SET body = $1, why = $2, state = 'in_review', \
                   review_comment = '', drafted_by = $3, drafted_at = $4 \
                 WHERE id = $5 AND state = 'returned'",
            )
            .bind(&new.body)
            .bind(&new.why)
            .bind(c.user.id)
            .bind(c.ts())
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if moved != 1 {
                return Err(Step::Submit
                    .next(Some(CorrectionState::InReview))
                    .unwrap_err());
            }
            id
        }
        None => {
            let approved_on = row
                .try_get::<Option<i64>, _>("approved_at")?
                .and_then(crate::dates::taipei_date);
            sqlx::query_scalar(
                "INSERT INTO corrections (case_id, original, original_on, body, why, state, \
                   drafted_by, drafted_at) VALUES ($1, $2, $3, $4, $5, 'in_review', $6, $7) \
                 RETURNING id",
            )
            .bind(case_id)
            .bind(&original)
            .bind(approved_on.map(|d| d.to_string()))
            .bind(&new.body)
            .bind(&new.why)
            .bind(c.user.id)
            .bind(c.ts())
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e, "corrections_open_key") {
                    Step::Submit
                        .next(Some(CorrectionState::InReview))
                        .unwrap_err()
                } else {
                    e.into()
                }
            })?
        }
    };
    let data = EventData {
        comment: Some(new.body.clone()),
        reason: Some(new.why.clone()),
        ..Default::default()
    };
    append_event(
        tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        EventAction::CorrectionSubmitted,
        &data,
    )
    .await?;
    c.audit(
        tx,
        Entry::new(AuditAction::CorrectionSubmitted, "case", case_id).data(json!({
            "correction_id": id,
            "chars": new.body.chars().count(),
        })),
    )
    .await?;
    Ok(id)
}

/// The reviewer approves or returns correction `id`. Approved, the councilor's office is
/// told at once (the delivery runner mails it a link to the case). Returns the case's id.
pub async fn review(
    c: &Caller,
    tx: &mut Tx,
    id: i64,
    step: Step,
    comment: &str,
) -> Result<i64, AppError> {
    if !may_review(c.user.role) {
        return Err(AppError::Forbidden);
    }
    let row = sqlx::query("SELECT case_id, state FROM corrections WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let case_id: i64 = row.try_get("case_id")?;
    let from = CorrectionState::parse(row.try_get("state")?).ok_or_else(|| unexpected("state"))?;
    let to = step.next(Some(from))?;
    let approved = to == CorrectionState::Approved;
    let moved = sqlx::query(
        "UPDATE corrections SET state = $1, review_comment = $2, approved_by = $3, \
           approved_at = $4 WHERE id = $5 AND state = 'in_review'",
    )
    .bind(to.as_str())
    .bind(comment)
    .bind(approved.then_some(c.user.id))
    .bind(approved.then_some(c.ts()))
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(step.next(Some(CorrectionState::Approved)).unwrap_err());
    }
    if approved {
        crate::notifications::db::offices::queue(
            tx,
            case_id,
            crate::links::SendReason::Corrected,
            c.user.id,
            c.ts(),
        )
        .await?;
    }
    let data = EventData {
        comment: (!comment.is_empty()).then(|| comment.to_owned()),
        ..Default::default()
    };
    let (event, audit) = if approved {
        (
            EventAction::CorrectionApproved,
            AuditAction::CorrectionApproved,
        )
    } else {
        (
            EventAction::CorrectionReturned,
            AuditAction::CorrectionReturned,
        )
    };
    append_event(tx, case_id, c.ts(), EventActor::user(&c.user), event, &data).await?;
    c.audit(
        tx,
        Entry::new(audit, "case", case_id).data(json!({ "correction_id": id })),
    )
    .await?;
    Ok(case_id)
}

fn day(r: &sqlx::any::AnyRow, column: &str) -> Result<Option<chrono::NaiveDate>, sqlx::Error> {
    Ok(r.try_get::<Option<String>, _>(column)?
        .and_then(|d| d.parse().ok()))
}

/// The corrections of `case_id`, oldest first.
pub async fn of_case(pool: &AnyPool, case_id: i64) -> Result<Vec<Correction>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT k.id, k.original, k.original_on, k.body, k.why, k.state, k.review_comment, \
           u.display_name, k.drafted_at, k.approved_at, v.sent_on \
         FROM corrections k JOIN users u ON u.id = k.drafted_by \
         LEFT JOIN volumes v ON v.id = k.volume_id \
         WHERE k.case_id = $1 ORDER BY k.id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Correction {
                id: r.try_get("id")?,
                original: r.try_get("original")?,
                original_on: day(r, "original_on")?,
                body: r.try_get("body")?,
                why: r.try_get("why")?,
                state: CorrectionState::parse(r.try_get("state")?)
                    .ok_or_else(|| unexpected("state"))?,
                review_comment: r.try_get("review_comment")?,
                drafted_by: r.try_get("display_name")?,
                drafted_at: r.try_get("drafted_at")?,
                approved_on: r
                    .try_get::<Option<i64>, _>("approved_at")?
                    .and_then(crate::dates::taipei_date),
                sent_on: day(r, "sent_on")?,
            })
        })
        .collect()
}

/// The approved corrections of `ids`, by case, oldest first: what an office reads.
pub async fn approved_of_cases(
    pool: &AnyPool,
    ids: &[i64],
) -> Result<Vec<(i64, PublicCorrection)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(&format!(
        "SELECT case_id, body, why, approved_at FROM corrections \
         WHERE case_id IN ({}) AND state = 'approved' ORDER BY case_id, id",
        id_list(ids.iter().copied())
    ))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("case_id")?,
                PublicCorrection {
                    body: r.try_get("body")?,
                    why: r.try_get("why")?,
                    on: r
                        .try_get::<Option<i64>, _>("approved_at")?
                        .and_then(crate::dates::taipei_date)
                        .ok_or_else(|| unexpected("approved_at"))?,
                },
            ))
        })
        .collect()
}

/// The corrections waiting for `user`: the reviewer's to review; a bureau's returned ones
/// on cases it leads; the secretariat's returned ones it wrote.
pub async fn waiting(pool: &AnyPool, user: &CurrentUser) -> Result<Vec<Waiting>, sqlx::Error> {
    let (cond, arg) = match (user.role, user.bureau_id) {
        (Role::Reviewer, _) => ("k.state = 'in_review'", None),
        (Role::BureauLiaison | Role::BureauApprover, Some(b)) => (
            "k.state = 'returned' AND EXISTS (SELECT 1 FROM assignments a \
               WHERE a.case_id = k.case_id AND a.bureau_id = $1 AND a.role = 'lead' \
               AND a.state IN ('pending', 'accepted'))",
            Some(b),
        ),
        (Role::Secretariat, _) => ("k.state = 'returned' AND k.drafted_by = $1", Some(user.id)),
        _ => return Ok(Vec::new()),
    };
    let sql = format!(
        "SELECT k.case_id, c.kind, c.number, c.topic, k.state, k.why \
         FROM corrections k JOIN cases c ON c.id = k.case_id WHERE {cond} ORDER BY k.id"
    );
    let mut q = sqlx::query(&sql);
    if let Some(a) = arg {
        q = q.bind(a);
    }
    let rows = q.fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            let kind = CaseKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
            Ok(Waiting {
                case_id: r.try_get("case_id")?,
                label: case_label(kind, r.try_get("number")?),
                topic: r.try_get("topic")?,
                state: CorrectionState::parse(r.try_get("state")?)
                    .ok_or_else(|| unexpected("state"))?,
                why: r.try_get("why")?,
            })
        })
        .collect()
}

/// The approved corrections not yet carried by a volume sent to the council, narrowed as
/// the volume is to a bureau or a councilor: the next volume's corrections section.
pub async fn for_volume(
    pool: &AnyPool,
    filter: &crate::volume::VolumeFilter,
) -> Result<Vec<crate::volume::CorrectionEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT k.id, k.case_id, c.kind, c.number, c.topic, k.original, k.original_on, k.body, \
           k.why, k.approved_at FROM corrections k JOIN cases c ON c.id = k.case_id \
         WHERE k.state = 'approved' AND k.volume_id IS NULL \
           AND ($1 = 0 OR EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = k.case_id \
             AND a.bureau_id = $1 AND a.state IN ('pending', 'accepted'))) \
           AND ($2 = 0 OR EXISTS (SELECT 1 FROM case_councilors cc \
             WHERE cc.case_id = k.case_id AND cc.councilor_id = $2)) \
         ORDER BY k.approved_at, k.id",
    )
    .bind(filter.bureau.unwrap_or(0))
    .bind(filter.councilor.unwrap_or(0))
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("case_id"))
        .collect::<Result<_, _>>()?;
    let councilors = crate::cases::db::councilors_of(pool, &ids).await?;
    rows.iter()
        .map(|r| {
            let case_id: i64 = r.try_get("case_id")?;
            let kind = CaseKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
            Ok(crate::volume::CorrectionEntry {
                id: r.try_get("id")?,
                case_id,
                label: case_label(kind, r.try_get("number")?),
                topic: r.try_get("topic")?,
                councilors: councilors
                    .iter()
                    .filter(|(c, _)| *c == case_id)
                    .map(|(_, n)| n.clone())
                    .collect(),
                original: r.try_get("original")?,
                original_on: day(r, "original_on")?,
                body: r.try_get("body")?,
                why: r.try_get("why")?,
                approved_on: r
                    .try_get::<Option<i64>, _>("approved_at")?
                    .and_then(crate::dates::taipei_date)
                    .ok_or_else(|| unexpected("approved_at"))?,
            })
        })
        .collect()
}

/// The day each of `ids` was last corrected (approved), for the volume's entries.
pub async fn corrected_on(
    pool: &AnyPool,
    ids: &[i64],
) -> Result<Vec<(i64, chrono::NaiveDate)>, sqlx::Error> {
    Ok(approved_of_cases(pool, ids)
        .await?
        .into_iter()
        .map(|(id, c)| (id, c.on))
        .collect())
}

/// Marks the corrections a volume sent to the council carried.
pub async fn mark_sent(tx: &mut Tx, volume_id: i64, ids: &[i64]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "UPDATE corrections SET volume_id = $1 WHERE id IN ({}) AND volume_id IS NULL",
        id_list(ids.iter().copied())
    ))
    .bind(volume_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

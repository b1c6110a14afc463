//! Shared replies stored: grouping, referring and undoing, checked against the caller's
//! part and both cases; the approval carried from an anchor to its grouped questions; and
//! what the case page, the similar-case list and the volume read.

use super::{
    check_group, check_referral, may_link, referral_text, Candidate, Linked, Offer, ShareKind,
    Shared, WINDOW_DEFAULT_MONTHS,
};
use crate::{
    audit::{db::Entry, AuditAction},
    auth::CurrentUser,
    caller::Caller,
    cases::{
        case_label,
        db::{append_event, id_list, my_part, EventActor},
        events::{Change, EventAction, EventData},
        workflow::Action,
        CaseKind, CaseStatus, PartRole,
    },
    db::{unexpected, Tx},
    error::AppError,
};
use serde_json::json;
use sqlx::{AnyPool, Row};

const WINDOW_SETTING: &str = "referral_window_months";

/// How far back an approved answer may be referred to (the admin's setting).
pub async fn window(pool: &AnyPool) -> Result<u32, sqlx::Error> {
    Ok(crate::db::setting(pool, WINDOW_SETTING)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(WINDOW_DEFAULT_MONTHS))
}

pub async fn set_window(tx: &mut Tx, months: u32) -> Result<(), sqlx::Error> {
    crate::db::set_setting(tx, WINDOW_SETTING, &months.to_string()).await
}

/// One case as the rules see it, with its label and reply; `None` if there is none.
async fn candidate(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<(Candidate, String, String)>, sqlx::Error> {
    Ok(candidates(conn, &[id])
        .await?
        .into_iter()
        .next()
        .map(|(_, c, label, reply)| (c, label, reply)))
}

/// The cases `ids` as the rules see them, with their labels and replies, in one statement
/// (the similar-case list asks for several at once).
async fn candidates(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, Candidate, String, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(&format!(
        "SELECT c.id, c.kind, c.status, c.number, c.reply, \
           (SELECT a.bureau_id FROM assignments a WHERE a.case_id = c.id AND a.role = 'lead' \
             AND a.state = 'accepted') AS lead, \
           (SELECT COUNT(*) FROM shared_replies s WHERE s.case_id = c.id) AS linked, \
           (SELECT COUNT(*) FROM shared_replies s WHERE s.source_id = c.id \
             AND s.kind = 'grouped') AS anchors, \
           (SELECT MIN(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'approve') \
             AS approved_at \
         FROM cases c WHERE c.id IN ({})",
        id_list(ids.iter().copied())
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let kind = CaseKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
            let c = Candidate {
                kind,
                status: CaseStatus::parse(r.try_get("status")?)
                    .ok_or_else(|| unexpected("status"))?,
                lead: r.try_get("lead")?,
                linked: r.try_get::<i64, _>("linked")? > 0,
                anchors: r.try_get::<i64, _>("anchors")? > 0,
                approved_on: r
                    .try_get::<Option<i64>, _>("approved_at")?
                    .and_then(crate::dates::taipei_date),
            };
            Ok((
                r.try_get("id")?,
                c,
                case_label(kind, r.try_get("number")?),
                r.try_get("reply")?,
            ))
        })
        .collect()
}

/// The caller's standing on `case_id`: refused as on every case step when its bureau has
/// no part (not told the case exists) or is not the lead.
async fn lead_of(c: &Caller, tx: &mut Tx, case_id: i64) -> Result<(), AppError> {
    let part = my_part(&mut **tx, case_id, c.user.bureau_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_link(c.user.role, part.role == PartRole::Lead) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

async fn event(
    c: &Caller,
    tx: &mut Tx,
    case_id: i64,
    action: EventAction,
    data: EventData,
) -> Result<(), AppError> {
    append_event(
        tx,
        case_id,
        c.ts(),
        EventActor::user(&c.user),
        action,
        &data,
    )
    .await?;
    Ok(())
}

async fn link(
    c: &Caller,
    tx: &mut Tx,
    case_id: i64,
    source_id: i64,
    kind: ShareKind,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO shared_replies (case_id, source_id, kind, linked_by, linked_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(case_id)
    .bind(source_id)
    .bind(kind.as_str())
    .bind(c.user.id)
    .bind(c.ts())
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        if crate::db::is_unique_violation(&e, "shared_replies_pkey") {
            AppError::Conflict("該案已與其他案件併案或援引答復，請先取消。".into())
        } else {
            e.into()
        }
    })?;
    c.audit(
        tx,
        Entry::new(AuditAction::RepliesLinked, "case", case_id).data(json!({
            "source_id": source_id,
            "kind": kind.as_str(),
        })),
    )
    .await?;
    Ok(())
}

/// The lead bureau of `anchor_id` groups question `member_id` under it: one reply, written
/// on the anchor, answers both.
pub async fn group(
    c: &Caller,
    tx: &mut Tx,
    anchor_id: i64,
    member_id: i64,
) -> Result<(), AppError> {
    lead_of(c, tx, anchor_id).await?;
    let (anchor, anchor_label, _) = candidate(tx, anchor_id).await?.ok_or(AppError::NotFound)?;
    // A question the bureau has no part in is not told to exist.
    let (member, member_label, _) = candidate(tx, member_id)
        .await?
        .filter(|(m, _, _)| m.lead.is_some() && m.lead == c.user.bureau_id)
        .ok_or(AppError::NotFound)?;
    check_group(&anchor, &member)?;
    link(c, tx, member_id, anchor_id, ShareKind::Grouped).await?;
    let said = |words: String| EventData {
        comment: Some(words),
        ..Default::default()
    };
    event(
        c,
        tx,
        anchor_id,
        EventAction::ReplyGrouped,
        said(format!("併同答復{member_label}")),
    )
    .await?;
    event(
        c,
        tx,
        member_id,
        EventAction::ReplyGrouped,
        said(format!("由{anchor_label}一併答復")),
    )
    .await
}

/// The lead bureau of `case_id` answers it by referring to the approved answer of
/// `source_id`: the reply becomes the earlier one quoted, to be reviewed as any reply.
pub async fn refer(c: &Caller, tx: &mut Tx, case_id: i64, source_id: i64) -> Result<(), AppError> {
    lead_of(c, tx, case_id).await?;
    let (case, _, before) = candidate(tx, case_id).await?.ok_or(AppError::NotFound)?;
    let (source, source_label, source_reply) = candidate(tx, source_id)
        .await?
        .filter(|(s, _, _)| s.lead.is_some() && s.lead == c.user.bureau_id)
        .ok_or(AppError::NotFound)?;
    let months = window(c.db()).await?;
    check_referral(&case, &source, c.today(), months)?;
    let approved_on = source
        .approved_on
        .ok_or_else(|| unexpected("approved_on"))?;
    let text = referral_text(&source_label, approved_on, &source_reply);
    sqlx::query(
        "UPDATE cases SET reply = $1, reply_version = reply_version + 1, reply_updated_by = $2, \
           reply_updated_at = $3, version = version + 1, updated_at = $3 WHERE id = $4",
    )
    .bind(&text)
    .bind(c.user.id)
    .bind(c.ts())
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    crate::cases::db::store_search(tx, case_id).await?;
    link(c, tx, case_id, source_id, ShareKind::Referral).await?;
    event(
        c,
        tx,
        case_id,
        EventAction::ReplyReferred,
        EventData {
            comment: Some(format!("援引{source_label}之答復")),
            text: Some(Change::new(before, text)),
            ..Default::default()
        },
    )
    .await
}

/// Undoes the link of `case_id` while it is still being written: its own reply again
/// (a referral's quoted text stays, for the bureau to edit). The lead bureau of either
/// case may.
pub async fn unlink(c: &Caller, tx: &mut Tx, case_id: i64) -> Result<(), AppError> {
    let row = sqlx::query("SELECT source_id, kind FROM shared_replies WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else {
        // Nothing to undo; a bureau with no part is not told the case exists either way.
        lead_of(c, tx, case_id).await?;
        return Err(AppError::Conflict(
            "本案未與其他案件併案或援引答復。".into(),
        ));
    };
    let source_id: i64 = row.try_get("source_id")?;
    let kind = ShareKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
    if lead_of(c, tx, case_id).await.is_err() {
        lead_of(c, tx, source_id).await?;
    }
    let (case, label, _) = candidate(tx, case_id).await?.ok_or(AppError::NotFound)?;
    if !matches!(case.status, CaseStatus::InProgress | CaseStatus::Returned) {
        return Err(AppError::Conflict(
            "本案答復已送出，不能再取消併案或援引。".into(),
        ));
    }
    sqlx::query("DELETE FROM shared_replies WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    let (_, source_label, _) = candidate(tx, source_id).await?.ok_or(AppError::NotFound)?;
    let said = |words: String| EventData {
        comment: Some(words),
        ..Default::default()
    };
    event(
        c,
        tx,
        case_id,
        EventAction::ReplyUnlinked,
        said(format!("取消{}：{source_label}", kind.label())),
    )
    .await?;
    if kind == ShareKind::Grouped {
        event(
            c,
            tx,
            source_id,
            EventAction::ReplyUnlinked,
            said(format!("取消併案答復：{label}")),
        )
        .await?;
    }
    c.audit(
        tx,
        Entry::new(AuditAction::RepliesUnlinked, "case", case_id).data(json!({
            "source_id": source_id,
            "kind": kind.as_str(),
        })),
    )
    .await?;
    Ok(())
}

/// Refuses writing or sending up the reply of a question grouped under another: its reply
/// is written on the anchor.
pub async fn refuse_if_grouped(tx: &mut Tx, case_id: i64, action: Action) -> Result<(), AppError> {
    if !matches!(action, Action::EditReply | Action::SubmitForSignOff) {
        return Ok(());
    }
    let anchor: Option<i64> = sqlx::query_scalar(
        "SELECT c.number FROM shared_replies s JOIN cases c ON c.id = s.source_id \
         WHERE s.case_id = $1 AND s.kind = 'grouped'",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?;
    match anchor {
        Some(number) => Err(AppError::Conflict(format!(
            "本案已併入{}一併答復，請在該案撰寫與送出答復；如需分開答復，請先取消併案。",
            case_label(CaseKind::Question, number)
        ))),
        None => Ok(()),
    }
}

/// After the reviewer approved `anchor_id` (to `next`), every question grouped under it
/// and still waiting is approved with the same reply, on its own timeline, and its office
/// told as of any answer.
pub async fn carry_approval(
    tx: &mut Tx,
    user: &CurrentUser,
    now: i64,
    anchor_id: i64,
    next: CaseStatus,
) -> Result<(), AppError> {
    let members = sqlx::query(
        "SELECT c.id, c.status, c.reply, c.version FROM shared_replies s \
         JOIN cases c ON c.id = s.case_id \
         WHERE s.source_id = $1 AND s.kind = 'grouped' AND c.status IN ('in_progress', 'returned') \
         ORDER BY c.id",
    )
    .bind(anchor_id)
    .fetch_all(&mut **tx)
    .await?;
    if members.is_empty() {
        return Ok(());
    }
    let (reply, number): (String, i64) =
        sqlx::query_as("SELECT reply, number FROM cases WHERE id = $1")
            .bind(anchor_id)
            .fetch_one(&mut **tx)
            .await?;
    let anchor = case_label(CaseKind::Question, number);
    for m in &members {
        let id: i64 = m.try_get("id")?;
        let before: String = m.try_get("reply")?;
        let status = CaseStatus::parse(m.try_get("status")?).ok_or_else(|| unexpected("status"))?;
        sqlx::query(
            "UPDATE cases SET reply = $1, reply_version = reply_version + 1, \
               reply_updated_by = $2, reply_updated_at = $3, status = $4, tracking = $5, \
               review_comment = '', version = version + 1, updated_at = $3 WHERE id = $6",
        )
        .bind(&reply)
        .bind(user.id)
        .bind(now)
        .bind(next.as_str())
        .bind(next == CaseStatus::Tracking)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        crate::cases::db::store_search(tx, id).await?;
        let data = EventData {
            status: Some(Change::new(status, next)),
            keep_tracking: Some(next == CaseStatus::Tracking),
            comment: Some(format!("隨{anchor}併案答復審查通過")),
            text: (before != reply).then(|| Change::new(before, reply.clone())),
            ..Default::default()
        };
        append_event(
            tx,
            id,
            now,
            EventActor::user(user),
            EventAction::Approve,
            &data,
        )
        .await?;
        crate::notifications::db::offices::queue(
            tx,
            id,
            crate::links::SendReason::Answered,
            user.id,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Links of `ids` either way: (case, source, kind) where either is among them.
pub async fn links_of(
    pool: &AnyPool,
    ids: &[i64],
) -> Result<Vec<(i64, i64, ShareKind)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids.iter().copied());
    let rows = sqlx::query(&format!(
        "SELECT case_id, source_id, kind FROM shared_replies \
         WHERE case_id IN ({list}) OR source_id IN ({list}) ORDER BY case_id"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("case_id")?,
                r.try_get("source_id")?,
                ShareKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("kind"))?,
            ))
        })
        .collect()
}

/// What the case page shows of `case_id`'s links, for `user` (who leads it or not).
pub async fn shared(
    pool: &AnyPool,
    case_id: i64,
    leads: bool,
    user: &CurrentUser,
) -> Result<Option<Shared>, sqlx::Error> {
    let links = links_of(pool, &[case_id]).await?;
    if links.is_empty() {
        return Ok(None);
    }
    let ids: Vec<i64> = links
        .iter()
        .flat_map(|(c, s, _)| [*c, *s])
        .filter(|id| *id != case_id)
        .collect();
    let labels: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT id, kind, number FROM cases WHERE id IN ({})",
        id_list(ids.iter().copied())
    ))
    .fetch_all(pool)
    .await
    .and_then(|rows: Vec<(i64, String, i64)>| {
        rows.into_iter()
            .map(|(id, kind, number)| {
                let kind = CaseKind::parse(&kind).ok_or_else(|| unexpected("kind"))?;
                Ok((id, case_label(kind, number)))
            })
            .collect()
    })?;
    let councilors = crate::cases::db::councilors_of(pool, &ids).await?;
    let linked = |id: i64, kind: ShareKind| Linked {
        case_id: id,
        label: labels
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, l)| l.clone())
            .unwrap_or_default(),
        councilors: councilors
            .iter()
            .filter(|(c, _)| *c == id)
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        kind,
    };
    Ok(Some(Shared {
        through: links
            .iter()
            .find(|(c, _, _)| *c == case_id)
            .map(|(_, s, k)| linked(*s, *k)),
        members: links
            .iter()
            .filter(|(_, s, k)| *s == case_id && *k == ShareKind::Grouped)
            .map(|(c, _, k)| linked(*c, *k))
            .collect(),
        can_unlink: may_link(user.role, leads),
    }))
}

/// What the similar-case list offers the lead bureau of `case_id` (a question being
/// written, linked to nothing): to group an open question of its own under this one, or
/// to refer to its own approved answer within the window.
pub async fn offers(
    pool: &AnyPool,
    user: &CurrentUser,
    case_id: i64,
    leads: bool,
    similar: &[i64],
    today: chrono::NaiveDate,
) -> Result<Vec<Offer>, sqlx::Error> {
    if !may_link(user.role, leads) || similar.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = pool.acquire().await?;
    let Some((case, _, _)) = candidate(&mut conn, case_id).await? else {
        return Ok(Vec::new());
    };
    let months = window(pool).await?;
    let others = candidates(&mut conn, similar).await?;
    // In the similar list's order.
    Ok(similar
        .iter()
        .filter_map(|id| {
            let (_, other, _, _) = others.iter().find(|o| o.0 == *id)?;
            let kind = if check_referral(&case, other, today, months).is_ok() {
                ShareKind::Referral
            } else if check_group(&case, other).is_ok() {
                ShareKind::Grouped
            } else {
                return None;
            };
            Some(Offer { case_id: *id, kind })
        })
        .collect())
}

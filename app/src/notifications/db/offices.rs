//! Mail to councilor offices: a status link as it is issued, and a fresh link to one case
//! when it is answered or its data delivered (the office's links are kept only as digests,
//! so an answer's notice carries a new link to that case, never an old one). Sending is
//! recorded on the link's row and in the audit log with the number of addresses, never the
//! token; the message itself holds the link until it is sent, then only its subject stays.

use super::outbox::{queue_to_address, Sender};
use crate::{
    audit::{
        db::{record, Entry, Recorder},
        AuditAction,
    },
    cases::{case_label, CaseKind, Priority},
    db::{begin, flag, unexpected, Tx},
    links::{db as links_db, ops::PublicUrl, Scope, SendReason},
    notifications::delivery::{office_letter, OfficeNews, Topic},
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// A link just made, about to be mailed to its office.
pub struct NewLink<'a> {
    pub id: i64,
    pub scope: Scope,
    pub url: &'a str,
    pub expires_on: NaiveDate,
}

/// Mails `link` to every address of its office, unless the office has none or asked not
/// to be mailed; records the sending on the link's row and in the audit log (as `by`).
/// Returns how many addresses it went to.
pub async fn mail_link(
    tx: &mut Tx,
    sender: &Sender<'_>,
    link: &NewLink<'_>,
    reason: SendReason,
    by: (&Recorder, &str),
    now: i64,
) -> Result<i64, sqlx::Error> {
    let Some(contacts) = links_db::contacts::contacts(&mut **tx, link.scope.councilor_id).await?
    else {
        return Ok(0);
    };
    if !contacts.reachable() {
        return Ok(0);
    }
    let councilor: String = sqlx::query_scalar("SELECT name FROM councilors WHERE id = $1")
        .bind(link.scope.councilor_id)
        .fetch_one(&mut **tx)
        .await?;
    let case = match link.scope.case_id {
        Some(id) => {
            let r = sqlx::query("SELECT kind, number, topic FROM cases WHERE id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
            let kind = CaseKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
            Some((
                case_label(kind, r.try_get("number")?),
                r.try_get::<String, _>("topic")?,
            ))
        }
        None => None,
    };
    let scope = case
        .as_ref()
        .map_or("全部案件", |(label, _)| label.as_str());
    let news = OfficeNews {
        reason,
        councilor: &councilor,
        scope,
        topic: case.as_ref().map(|(_, topic)| topic.as_str()),
        link: link.url,
        expires_on: link.expires_on,
    };
    let letter = office_letter(&news, sender.city);
    let mut sent_to = 0;
    for (contact, address) in &contacts.addresses {
        let key = format!("link:{}:{contact}", link.id);
        sent_to += queue_to_address(tx, sender, Topic::StatusLink, address, &letter, &key, now)
            .await? as i64;
    }
    links_db::contacts::mark_sent(tx, link.id, sent_to, now).await?;
    let entry =
        Entry::new(AuditAction::StatusLinkSent, "status_link", link.id).data(serde_json::json!({
            "councilor_id": link.scope.councilor_id,
            "case_id": link.scope.case_id,
            "reason": reason.as_str(),
            "addresses": sent_to,
        }));
    record(tx, now, by.0, by.1, &entry).await?;
    Ok(sent_to)
}

/// Queues word to case `case_id`'s offices (answered, delivered, corrected) for the next
/// run of [`route_office_notices`]: the one way in for every step that tells an office.
pub async fn queue(
    tx: &mut crate::db::Tx,
    case_id: i64,
    reason: SendReason,
    actor_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO office_notices (case_id, reason, actor_id, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(case_id)
    .bind(reason.as_str())
    .bind(actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many office notices one run takes at most.
const BATCH: i64 = 200;

/// Turns the answers and deliveries recorded since the last run into mail to their
/// offices: for each councilor of the case whose office may be mailed, a new link to that
/// case (live to the end of the term, made in the name of whoever answered) mailed to its
/// addresses. Nothing goes on a day off but what cannot wait (as for notices); each notice
/// is taken by the one run whose update wins it. Returns how many messages were queued.
pub async fn route_office_notices(
    pool: &AnyPool,
    sender: &Sender<'_>,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let Some(today) = crate::dates::taipei_date(now) else {
        return Ok(0);
    };
    let rows = sqlx::query(&format!(
        "SELECT o.id, o.case_id, o.reason, o.actor_id, c.priority, c.within_three_days \
         FROM office_notices o JOIN cases c ON c.id = o.case_id \
         WHERE o.done_at IS NULL ORDER BY o.id LIMIT {BATCH}"
    ))
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let calendar = crate::deadlines::db::work_calendar(pool).await?;
    let public = PublicUrl(sender.base.to_owned());
    let system = Recorder::system();
    let mut queued = 0;
    let mut tx = begin(pool).await?;
    for r in &rows {
        let priority = r
            .try_get::<Option<String>, _>("priority")?
            .and_then(|p| Priority::parse(&p));
        if !crate::notifications::chase::may_send_on(
            today,
            &calendar,
            priority,
            flag(r, "within_three_days")?,
        ) {
            continue;
        }
        let id: i64 = r.try_get("id")?;
        let won =
            sqlx::query("UPDATE office_notices SET done_at = $1 WHERE id = $2 AND done_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        if !won {
            continue;
        }
        let case_id: i64 = r.try_get("case_id")?;
        let actor: i64 = r.try_get("actor_id")?;
        let reason = SendReason::parse(r.try_get("reason")?).ok_or_else(|| unexpected("reason"))?;
        let councilors = sqlx::query(
            "SELECT co.id, t.ends_on FROM case_councilors cc \
             JOIN councilors co ON co.id = cc.councilor_id \
             JOIN council_terms t ON t.id = co.term_id \
             WHERE cc.case_id = $1 ORDER BY co.id",
        )
        .bind(case_id)
        .fetch_all(&mut *tx)
        .await?;
        for councilor in &councilors {
            let councilor_id: i64 = councilor.try_get("id")?;
            let term_end = crate::db::date(councilor, "ends_on")?;
            let reachable = links_db::contacts::contacts(&mut *tx, councilor_id)
                .await?
                .is_some_and(|c| c.reachable());
            if !reachable || term_end < today {
                continue;
            }
            let scope = Scope {
                councilor_id,
                case_id: Some(case_id),
            };
            let (link_id, token) = links_db::insert(&mut tx, scope, term_end, actor, now).await?;
            let created = Entry::new(AuditAction::StatusLinkCreated, "status_link", link_id).data(
                serde_json::json!({
                    "councilor_id": councilor_id,
                    "case_id": case_id,
                    "expires_on": term_end,
                    "for": reason.as_str(),
                }),
            );
            record(&mut tx, now, &system, "", &created).await?;
            let url = public.link(&token);
            let link = NewLink {
                id: link_id,
                scope,
                url: &url,
                expires_on: term_end,
            };
            queued += mail_link(&mut tx, sender, &link, reason, (&system, ""), now).await? as u64;
        }
    }
    tx.commit().await?;
    Ok(queued)
}

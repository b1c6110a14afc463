//! The case page's data, cut to what the viewer may see and do.

use super::{kind, my_part, standing, status};
use crate::{
    auth::CurrentUser,
    cases::{
        events::{ActorKind, EventData, TimelineEvent},
        is_overdue,
        search::Probe,
        workflow::Action,
        Attachment, CaseDetail, Delivery, Part, PartRole, PartState, Priority, SubAnswer,
    },
    db::{date, flag, unexpected},
    error::AppError,
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// The case page's data for `user`, or `NotFound` if they may not see it.
pub async fn detail(
    pool: &AnyPool,
    case_id: i64,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<CaseDetail, AppError> {
    let part = my_part(pool, case_id, user.bureau_id).await?;
    let me = standing(user);
    if !me.may_view(part) {
        return Err(AppError::NotFound);
    }
    let row = sqlx::query(
        "SELECT c.*, t.number AS term_number, s.kind AS session_kind, s.number AS session_number, \
           st.name AS sitting_name, u.display_name AS reply_by \
         FROM cases c JOIN council_sessions s ON s.id = c.session_id \
         JOIN council_terms t ON t.id = s.term_id \
         LEFT JOIN sitting_types st ON st.id = c.sitting_type_id \
         LEFT JOIN users u ON u.id = c.reply_updated_by WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let kind = kind(&row)?;
    let status = status(&row)?;
    let due_on = date(&row, "due_on")?;
    let session_kind = crate::reference::SessionKind::parse(row.try_get("session_kind")?)
        .ok_or_else(|| unexpected("session kind"))?;
    let sitting = match row.try_get::<Option<String>, _>("sitting_name")? {
        Some(name) => Some((name, date(&row, "sitting_date")?)),
        None => None,
    };
    let councilors: Vec<String> = sqlx::query_scalar(
        "SELECT co.name FROM case_councilors cc JOIN councilors co ON co.id = cc.councilor_id \
         WHERE cc.case_id = $1 ORDER BY cc.position",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    let parts = sqlx::query(
        "SELECT a.id, a.bureau_id, b.name AS bureau, a.role, a.state, a.reject_reason, \
           sb.name AS suggested FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
         LEFT JOIN bureaus sb ON sb.id = a.suggested_bureau_id \
         WHERE a.case_id = $1 \
         ORDER BY a.role DESC, CASE WHEN a.state IN ('pending', 'accepted') THEN 0 ELSE 1 END, a.id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Part {
            id: r.try_get("id")?,
            bureau_id: r.try_get("bureau_id")?,
            bureau: r.try_get("bureau")?,
            role: PartRole::parse(r.try_get("role")?).ok_or_else(|| unexpected("role"))?,
            state: PartState::parse(r.try_get("state")?).ok_or_else(|| unexpected("state"))?,
            reject_reason: r.try_get("reject_reason")?,
            suggested_bureau: r.try_get("suggested")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let sub_answers = sqlx::query(
        "SELECT b.name AS bureau, s.body, u.display_name, s.updated_at FROM sub_answers s \
         JOIN bureaus b ON b.id = s.bureau_id JOIN users u ON u.id = s.updated_by \
         WHERE s.case_id = $1 ORDER BY b.sort_order",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(SubAnswer {
            bureau: r.try_get("bureau")?,
            body: r.try_get("body")?,
            updated_by: r.try_get("display_name")?,
            updated_at: r.try_get("updated_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut deliveries = sqlx::query(
        "SELECT d.id, d.batch, d.note, u.display_name, d.delivered_at FROM deliveries d \
         JOIN users u ON u.id = d.delivered_by WHERE d.case_id = $1 ORDER BY d.batch",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get::<i64, _>("id")?,
            Delivery {
                batch: r.try_get("batch")?,
                note: r.try_get("note")?,
                delivered_by: r.try_get("display_name")?,
                delivered_at: r.try_get("delivered_at")?,
                files: Vec::new(),
            },
        ))
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let files: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT a.delivery_id, a.id, a.file_name, a.size_bytes FROM attachments a \
         JOIN deliveries d ON d.id = a.delivery_id WHERE d.case_id = $1 ORDER BY a.id",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    for (delivery_id, id, file_name, size_bytes) in files {
        if let Some((_, d)) = deliveries.iter_mut().find(|(i, _)| *i == delivery_id) {
            d.files.push(Attachment {
                id,
                file_name,
                size_bytes,
            });
        }
    }
    let timeline = sqlx::query(
        "SELECT e.at, e.actor_kind, u.display_name, e.action, e.data FROM case_events e \
         LEFT JOIN users u ON e.actor_kind = 'user' AND u.id = e.actor_id \
         WHERE e.case_id = $1 ORDER BY e.id DESC",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let data: String = r.try_get("data")?;
        Ok(TimelineEvent {
            at: r.try_get("at")?,
            actor_kind: ActorKind::parse(r.try_get("actor_kind")?)
                .ok_or_else(|| unexpected("actor kind"))?,
            actor_name: r.try_get("display_name")?,
            action: r.try_get("action")?,
            data: serde_json::from_str::<EventData>(&data).map_err(|_| unexpected("event data"))?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    // The bureaus the events name, as they are called today.
    let mut ids: Vec<i64> = timeline.iter().flat_map(|e| e.data.bureau_ids()).collect();
    ids.sort_unstable();
    ids.dedup();
    let bureau_names: Vec<(i64, String)> = if ids.is_empty() {
        Vec::new()
    } else {
        let list = super::id_list(ids);
        sqlx::query_as(&format!(
            "SELECT id, name FROM bureaus WHERE id IN ({list})"
        ))
        .fetch_all(pool)
        .await?
    };
    let actions: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| me.may(*a, part) && a.next(kind, status, false).is_ok())
        .collect();
    let councilor_ids: Vec<i64> =
        sqlx::query_scalar("SELECT councilor_id FROM case_councilors WHERE case_id = $1")
            .bind(case_id)
            .fetch_all(pool)
            .await?;
    let topic: String = row.try_get("topic")?;
    let probe = Probe {
        topic: topic.clone(),
        councilor_ids,
        bureau_id: parts
            .iter()
            .find(|p| {
                p.role == PartRole::Lead
                    && matches!(p.state, PartState::Pending | PartState::Accepted)
            })
            .map(|p| p.bureau_id),
        exclude: Some(case_id),
    };
    let similar = super::similar(pool, user, &probe).await?;
    let progress = super::progress::reports(pool, case_id).await?;
    let last_meeting_at = super::progress::last_meeting_at(pool).await?;
    let sent_to_council_on: Option<String> = sqlx::query_scalar(
        "SELECT MIN(v.sent_on) FROM volume_cases vc JOIN volumes v ON v.id = vc.volume_id \
         WHERE vc.case_id = $1",
    )
    .bind(case_id)
    .fetch_one(pool)
    .await?;
    // The link back to a caucus briefing's ask (`bills`); read here as a row, so that the
    // case module does not depend on the bills module, which records through it.
    let from_briefing = sqlx::query(
        "SELECT br.id, br.caucus FROM briefing_asks a \
         JOIN caucus_briefings br ON br.id = a.briefing_id WHERE a.case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?
    .map(|r| {
        Ok::<_, sqlx::Error>(crate::cases::BriefingSource {
            // Those who read briefings (`bills::BRIEFING_READERS`, not imported: bills
            // records through this module).
            briefing_id: matches!(
                user.role,
                crate::auth::Role::Secretariat
                    | crate::auth::Role::Reviewer
                    | crate::auth::Role::Admin
            )
            .then(|| r.try_get("id"))
            .transpose()?,
            caucus: r.try_get("caucus")?,
        })
    })
    .transpose()?;
    // Promises made in session (`promises`): on a question, the data requests they became;
    // on a data request, the question it came from. Read as rows here, as the briefing's
    // link is, since `promises` records through this module.
    let promises = match kind {
        crate::cases::CaseKind::Question => sqlx::query(
            "SELECT p.request_id, r.number, p.promised_by, p.what, r.due_on, r.status \
             FROM case_promises p JOIN cases r ON r.id = p.request_id \
             WHERE p.question_id = $1 ORDER BY p.id",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            let due_on = crate::db::date(r, "due_on")?;
            let status = crate::cases::CaseStatus::parse(r.try_get("status")?)
                .ok_or_else(|| unexpected("status"))?;
            Ok(crate::cases::PromiseLine {
                request_id: r.try_get("request_id")?,
                request_number: r.try_get("number")?,
                promised_by: r.try_get("promised_by")?,
                what: r.try_get("what")?,
                due_on,
                status,
                overdue: is_overdue(status, due_on, today),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?,
        _ => Vec::new(),
    };
    let promised_on = match kind {
        crate::cases::CaseKind::DataRequest => sqlx::query(&format!(
            "SELECT p.question_id, q.number, p.promised_by, \
               CASE WHEN {} THEN 1 ELSE 0 END AS may_open \
             FROM case_promises p JOIN cases q ON q.id = p.question_id WHERE p.request_id = $1",
            if user.role.belongs_to_bureau() {
                super::open_part_probe("p.question_id", 2)
            } else {
                "$2 = $2".to_owned()
            }
        ))
        .bind(case_id)
        .bind(user.bureau_id.unwrap_or(0))
        .fetch_optional(pool)
        .await?
        .map(|r| {
            let may_open = r.try_get::<i64, _>("may_open")? == 1;
            Ok::<_, sqlx::Error>(crate::cases::PromiseSource {
                question_id: may_open.then(|| r.try_get("question_id")).transpose()?,
                question_number: r.try_get("number")?,
                promised_by: r.try_get("promised_by")?,
            })
        })
        .transpose()?,
        _ => None,
    };
    let can_promise = crate::promises::may_record(user.role, kind, status);
    // The letters (`letters`), read as a row for the same reason as the promises.
    let letters = sqlx::query(
        "SELECT incoming_number, incoming_on, outgoing_number, outgoing_on FROM case_letters \
         WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?
    .map(|r| {
        let day = |column: &str| -> Result<Option<NaiveDate>, sqlx::Error> {
            r.try_get::<Option<String>, _>(column)?
                .map(|d| d.parse().map_err(|_| unexpected(column)))
                .transpose()
        };
        Ok::<_, sqlx::Error>(crate::cases::LetterNumbers {
            incoming_number: r.try_get("incoming_number")?,
            incoming_on: day("incoming_on")?,
            outgoing_number: r.try_get("outgoing_number")?,
            outgoing_on: day("outgoing_on")?,
        })
    })
    .transpose()?
    .unwrap_or_default();
    let leads = part.is_some_and(|p| p.role == PartRole::Lead);
    let background = if crate::background::may_see(user.role, leads) {
        let can_edit = crate::background::may_write(user.role, leads);
        Some(crate::background::db::read(pool, case_id, can_edit).await?)
    } else {
        None
    };
    let service = match kind {
        crate::cases::CaseKind::Service => {
            let may_see = crate::service::may_see_personal_data(user.role, part.is_some());
            let leads = part.is_some_and(|p| p.role == PartRole::Lead);
            crate::service::db::facts(pool, case_id, may_see)
                .await?
                .map(|facts| crate::service::ServiceFacts {
                    can_arrange: crate::service::may_arrange_visit(user.role, leads, status),
                    ..facts
                })
        }
        _ => None,
    };
    let resolution = match kind {
        crate::cases::CaseKind::Resolution => {
            crate::resolutions::db::facts(pool, case_id, user, status, row.try_get("received_at")?)
                .await?
        }
        _ => None,
    };
    let filing = match row.try_get::<Option<i64>, _>("filed_link_id")? {
        Some(_) => crate::filings::db::facts(pool, case_id).await?,
        None => None,
    };
    let shared = crate::grouping::db::shared(pool, case_id, leads, user).await?;
    // A question grouped under another has its reply written and sent up there.
    let actions: Vec<Action> = if shared
        .as_ref()
        .and_then(|s| s.through.as_ref())
        .is_some_and(|t| t.kind == crate::grouping::ShareKind::Grouped)
    {
        actions
            .into_iter()
            .filter(|a| !matches!(a, Action::EditReply | Action::SubmitForSignOff))
            .collect()
    } else {
        actions
    };
    let similar_ids: Vec<i64> = similar.iter().map(|s| s.id).collect();
    let share_offers =
        crate::grouping::db::offers(pool, user, case_id, leads, &similar_ids, today).await?;
    let reply_by: Option<String> = row.try_get("reply_by")?;
    let reply_at: Option<i64> = row.try_get("reply_updated_at")?;
    Ok(CaseDetail {
        id: case_id,
        kind,
        session: crate::reference::session_title(
            row.try_get("term_number")?,
            row.try_get("session_number")?,
            session_kind,
        ),
        number: row.try_get("number")?,
        topic,
        body: row.try_get("body")?,
        councilors,
        sitting,
        received_at: row.try_get("received_at")?,
        priority: row
            .try_get::<Option<String>, _>("priority")?
            .and_then(|p| Priority::parse(&p)),
        within_three_days: flag(&row, "within_three_days")?,
        due_on,
        due_override_reason: row.try_get("due_override_reason")?,
        overdue: is_overdue(status, due_on, today),
        status,
        tracking: flag(&row, "tracking")?,
        reply: row.try_get("reply")?,
        cannot_provide: flag(&row, "cannot_provide")?,
        reply_version: row.try_get("reply_version")?,
        reply_updated: reply_by.zip(reply_at),
        review_comment: row.try_get("review_comment")?,
        version: row.try_get("version")?,
        parts,
        sub_answers,
        deliveries: deliveries.into_iter().map(|(_, d)| d).collect(),
        timeline,
        bureau_names,
        actions,
        similar,
        progress,
        can_report_progress: me.may_report_progress(part, kind, status),
        next_check_on: row
            .try_get::<Option<String>, _>("next_check_on")?
            .and_then(|d| d.parse().ok()),
        escalated: flag(&row, "escalated")?,
        last_meeting_at,
        sent_to_council_on: sent_to_council_on.and_then(|d| d.parse().ok()),
        service,
        resolution,
        filing,
        can_decide_filing: user.role == crate::auth::Role::Secretariat
            && status == crate::cases::CaseStatus::Filed,
        from_briefing,
        promises,
        promised_on,
        can_promise,
        background,
        letters,
        can_record_incoming: crate::letters::may_record_incoming(user.role),
        can_record_outgoing: crate::letters::may_record_outgoing(user.role, leads, status),
        can_draft_letter: crate::letters::may_draft(user.role, leads, kind, status),
        interims: crate::interim::db::of_case(pool, case_id).await?,
        can_send_interim: crate::interim::may_record(user.role, leads, status),
        corrections: crate::corrections::db::of_case(pool, case_id).await?,
        can_correct: crate::corrections::may_draft(user.role, leads, kind, status),
        can_review_correction: crate::corrections::may_review(user.role),
        shared,
        share_offers,
    })
}

//! A councilor brief compiled from the cases as the reviewer sees them (every case, never
//! the lead bureau's internal background), for a session and the councilors in order.

use super::{
    speaking_order, Brief, BriefCase, BriefPromise, CouncilorBrief, ANSWER_CHARS, EARLIER_SHOWN,
};
use crate::{
    cases::{case_label, is_overdue, CaseKind, CaseStatus},
    db::{date, unexpected},
    error::AppError,
    reference::{session_title, SessionKind},
};
use chrono::NaiveDate;
use sqlx::{any::AnyRow, AnyPool, Row};
use std::collections::HashMap;

/// Every session, newest first, and the one asked for or the latest begun by `today`.
async fn sessions(
    pool: &AnyPool,
    asked: Option<i64>,
    today: NaiveDate,
) -> Result<(Vec<(i64, String, i64, String)>, i64), AppError> {
    let rows = sqlx::query(
        "SELECT s.id, s.kind, s.number, s.starts_on, s.term_id, t.number AS term FROM council_sessions s \
         JOIN council_terms t ON t.id = s.term_id ORDER BY s.starts_on DESC, s.id DESC",
    )
    .fetch_all(pool)
    .await?;
    let mut all = Vec::with_capacity(rows.len());
    for r in &rows {
        let kind =
            SessionKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("session kind"))?;
        all.push((
            r.try_get::<i64, _>("id")?,
            session_title(r.try_get("term")?, r.try_get("number")?, kind),
            r.try_get::<i64, _>("term_id")?,
            r.try_get::<String, _>("starts_on")?,
        ));
    }
    let chosen = match asked {
        Some(id) if all.iter().any(|s| s.0 == id) => id,
        Some(_) => return Err(AppError::NotFound),
        None => all
            .iter()
            .find(|s| s.3 <= today.to_string())
            .or(all.first())
            .map(|s| s.0)
            .ok_or(AppError::NotFound)?,
    };
    Ok((all, chosen))
}

fn brief_case(r: &AnyRow, today: NaiveDate) -> Result<BriefCase, sqlx::Error> {
    let kind = CaseKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
    let status = CaseStatus::parse(r.try_get("status")?).ok_or_else(|| unexpected("status"))?;
    let due_on = date(r, "due_on")?;
    let reply: String = r.try_get("reply")?;
    let mut answer: String = reply.chars().take(ANSWER_CHARS).collect();
    if reply.chars().count() > ANSWER_CHARS {
        answer.push('…');
    }
    Ok(BriefCase {
        label: case_label(kind, r.try_get("number")?),
        topic: r.try_get("topic")?,
        bureau: r.try_get("lead")?,
        due_on,
        overdue: is_overdue(status, due_on, today),
        answer,
    })
}

const CASE_COLUMNS: &str = "c.id, c.kind, c.number, c.topic, c.status, c.due_on, c.reply, \
    b.name AS lead, cc.councilor_id";
const CASE_JOINS: &str = "FROM case_councilors cc JOIN cases c ON c.id = cc.case_id \
    LEFT JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' \
      AND a.state IN ('pending', 'accepted') \
    LEFT JOIN bureaus b ON b.id = a.bureau_id";

pub async fn compile(
    pool: &AnyPool,
    government: &str,
    asked: Option<i64>,
    order: &str,
    today: NaiveDate,
) -> Result<Brief, AppError> {
    let (all, session_id) = sessions(pool, asked, today).await?;
    let (session, term) = all
        .iter()
        .find(|s| s.0 == session_id)
        .map(|s| (s.1.clone(), s.2))
        .ok_or(AppError::NotFound)?;
    let members: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, caucus FROM councilors WHERE term_id = $1 ORDER BY name, id",
    )
    .bind(term)
    .fetch_all(pool)
    .await?;
    let names: Vec<(i64, String)> = members.iter().map(|m| (m.0, m.1.clone())).collect();
    let mut ids = speaking_order(order, &names).map_err(|e| e.keeping(&[("order", order)]))?;
    // Not typed: every councilor with a case still open in the session, by name.
    if ids.is_empty() {
        let open: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT cc.councilor_id FROM case_councilors cc \
             JOIN cases c ON c.id = cc.case_id WHERE c.session_id = $1 \
             AND c.status NOT IN ('closed', 'tracking', 'filed', 'refused')",
        )
        .bind(session_id)
        .fetch_all(pool)
        .await?;
        ids = members
            .iter()
            .filter(|m| open.contains(&m.0))
            .map(|m| m.0)
            .collect();
    }
    let mut councilors = Vec::with_capacity(ids.len());
    if !ids.is_empty() {
        let list = crate::cases::db::id_list(ids.iter().copied());
        let open = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} {CASE_JOINS} WHERE cc.councilor_id IN ({list}) \
             AND c.session_id = $1 AND c.status NOT IN ('closed', 'tracking', 'filed', 'refused') \
             ORDER BY c.due_on, c.id"
        ))
        .bind(session_id)
        .fetch_all(pool)
        .await?;
        let not_answers = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} {CASE_JOINS} WHERE cc.councilor_id IN ({list}) \
             AND c.session_id = $1 AND EXISTS (SELECT 1 FROM case_events e \
               WHERE e.case_id = c.id AND e.action = 'not_an_answer') ORDER BY c.id"
        ))
        .bind(session_id)
        .fetch_all(pool)
        .await?;
        // What they asked before (any session of the term), newest approved first: only the
        // few shown per councilor are read (a term holds thousands of answers, each with its
        // reply; reading them all made a whole session's brief 20 times slower). The few are
        // picked from ids and dates alone and then read whole: ranking the rows with their
        // replies sorted 89,000 of them through PostgreSQL's window (2 s at 400,000 cases,
        // against 0.24 s for the ids).
        let picked = sqlx::query(&format!(
            "SELECT t.councilor_id, t.id, t.place FROM (SELECT cc.councilor_id, c.id, \
               ROW_NUMBER() OVER (PARTITION BY cc.councilor_id \
               ORDER BY c.updated_at DESC, c.id DESC) AS place \
             FROM case_councilors cc JOIN cases c ON c.id = cc.case_id \
             JOIN council_sessions s ON s.id = c.session_id \
             WHERE cc.councilor_id IN ({list}) AND s.term_id = $1 \
             AND c.status IN ('closed', 'tracking')) t WHERE t.place <= {EARLIER_SHOWN}"
        ))
        .bind(term)
        .fetch_all(pool)
        .await?;
        let mut place: HashMap<(i64, i64), i64> = HashMap::with_capacity(picked.len());
        for r in &picked {
            place.insert(
                (r.try_get("councilor_id")?, r.try_get("id")?),
                r.try_get("place")?,
            );
        }
        let mut earlier = Vec::with_capacity(place.len());
        if !place.is_empty() {
            let cases = crate::cases::db::id_list(place.keys().map(|k| k.1));
            // A joint question comes back once per councilor: kept only where it was picked.
            for r in sqlx::query(&format!(
                "SELECT {CASE_COLUMNS} {CASE_JOINS} WHERE c.id IN ({cases}) \
                 AND cc.councilor_id IN ({list})"
            ))
            .fetch_all(pool)
            .await?
            {
                let key = (r.try_get("councilor_id")?, r.try_get("id")?);
                if let Some(p) = place.get(&key) {
                    earlier.push((*p, key.1, r));
                }
            }
        }
        earlier.sort_by_key(|e| (e.0, e.1));
        let earlier: Vec<AnyRow> = earlier.into_iter().map(|e| e.2).collect();
        let promises = sqlx::query(&format!(
            "SELECT cc.councilor_id, q.number, p.promised_by, p.what, r.due_on, r.status \
             FROM case_promises p JOIN cases q ON q.id = p.question_id \
             JOIN case_councilors cc ON cc.case_id = q.id JOIN cases r ON r.id = p.request_id \
             WHERE cc.councilor_id IN ({list}) AND r.status IN ({}) ORDER BY r.due_on, p.id",
            crate::cases::OWING
                .iter()
                .map(|s| format!("'{}'", s.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .fetch_all(pool)
        .await?;
        // Each list split by councilor in one pass, in the order read.
        let by_councilor = |rows: &[AnyRow]| -> Result<HashMap<i64, Vec<BriefCase>>, sqlx::Error> {
            let mut out: HashMap<i64, Vec<BriefCase>> = HashMap::new();
            for r in rows {
                out.entry(r.try_get("councilor_id")?)
                    .or_default()
                    .push(brief_case(r, today)?);
            }
            Ok(out)
        };
        let (mut open, mut not_answers, mut earlier) = (
            by_councilor(&open)?,
            by_councilor(&not_answers)?,
            by_councilor(&earlier)?,
        );
        for id in &ids {
            let Some((_, name, caucus)) = members.iter().find(|m| m.0 == *id) else {
                continue;
            };
            let mut owed = Vec::new();
            for r in &promises {
                if r.try_get::<i64, _>("councilor_id")? != *id {
                    continue;
                }
                let due_on = date(r, "due_on")?;
                let status =
                    CaseStatus::parse(r.try_get("status")?).ok_or_else(|| unexpected("status"))?;
                owed.push(BriefPromise {
                    question: case_label(CaseKind::Question, r.try_get("number")?),
                    promised_by: r.try_get("promised_by")?,
                    what: r.try_get("what")?,
                    due_on,
                    overdue: is_overdue(status, due_on, today),
                });
            }
            councilors.push(CouncilorBrief {
                councilor: name.clone(),
                caucus: caucus.clone(),
                open: open.remove(id).unwrap_or_default(),
                not_answers: not_answers.remove(id).unwrap_or_default(),
                earlier: earlier.remove(id).unwrap_or_default(),
                promises: owed,
            });
        }
    }
    Ok(Brief {
        government: government.to_owned(),
        session_id,
        session,
        sessions: all.into_iter().map(|s| (s.0, s.1)).collect(),
        compiled_on: today,
        order: order.to_owned(),
        councilors,
    })
}

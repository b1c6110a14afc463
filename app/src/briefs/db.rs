//! A councilor brief compiled from the cases as the reviewer sees them (every case, never
//! the lead bureau's internal background), for a session and the councilors in order.

use super::{
    speaking_order, Brief, BriefCase, BriefPromise, CouncilorBrief, ANSWER_CHARS, EARLIER_SHOWN,
};
use crate::{
    cases::{case_label, is_overdue, CaseKind, CaseStatus},
    db::filter::{bind_all, Arg, Statement},
    db::{date, unexpected},
    error::AppError,
    reference::{session_title, SessionKind},
};
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use sqlx::{any::AnyRow, AnyPool, Row};
use std::collections::{HashMap, HashSet};

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

/// An earlier answer's columns: with its reply.
const CASE_COLUMNS: &str = "c.id, c.kind, c.number, c.topic, c.status, c.due_on, c.reply, \
    b.name AS lead, cc.councilor_id";
/// An open case's columns: the brief shows no reply of it, and a session's open cases are
/// thousands at scale (10,628 of the bench's 400,000), their drafts each read for nothing.
const OPEN_COLUMNS: &str = "c.id, c.kind, c.number, c.topic, c.status, c.due_on, '' AS reply, \
    b.name AS lead, cc.councilor_id";
const CASE_JOINS: &str = "FROM case_councilors cc JOIN cases c ON c.id = cc.case_id \
    LEFT JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' \
      AND a.state IN ('pending', 'accepted') \
    LEFT JOIN bureaus b ON b.id = a.bureau_id";

/// The cases of session `session` whose reply a councilor of `ids` said does not answer
/// (答非所問). Driven by those few events (case_events_not_an_answer_idx, migration 0031):
/// probing every case of the session for one read 14,000 cases' events at 400,000 cases on
/// PostgreSQL (82 ms, for none found).
pub fn not_answers_statement(ids: &[i64], session: i64) -> Statement {
    let list = crate::cases::db::id_list(ids.iter().copied());
    Statement {
        sql: format!(
            "SELECT {OPEN_COLUMNS} {CASE_JOINS} WHERE cc.councilor_id IN ({list}) \
             AND c.session_id = $1 AND c.id IN (SELECT e.case_id FROM case_events e \
               WHERE e.action = 'not_an_answer') ORDER BY c.id"
        ),
        args: vec![Arg::Int(session)],
    }
}

/// The approved answers of `sessions` to the councilors of `ids`, newest first, at most
/// `rows` rows: (councilor, case) ids alone, walked on PostgreSQL through
/// cases_answered_updated_idx (migration 0031). SQLite reads the term's sessions and sorts.
pub fn earlier_walk_statement(ids: &[i64], sessions: &[i64], rows: usize) -> Statement {
    let list = crate::cases::db::id_list(ids.iter().copied());
    let in_term = crate::cases::db::id_list(sessions.iter().copied());
    Statement {
        sql: format!(
            "SELECT cc.councilor_id, c.id FROM cases c \
             JOIN case_councilors cc ON cc.case_id = c.id \
             WHERE c.status IN ('closed', 'tracking') AND c.session_id IN ({in_term}) \
             AND cc.councilor_id IN ({list}) ORDER BY c.updated_at DESC, c.id DESC \
             LIMIT {rows}"
        ),
        args: Vec::new(),
    }
}

/// How many of the term's newest answers (a councilor's row each) are walked to find every
/// councilor's [`EARLIER_SHOWN`] newest; the few still short after it are ranked apart.
pub const EARLIER_WALK: usize = 4_000;

/// The places, 1 to [`EARLIER_SHOWN`], of each councilor's newest answers met in a walk of
/// answers newest first.
#[derive(Debug, Default)]
struct Places {
    place: HashMap<(i64, i64), i64>,
    found: HashMap<i64, usize>,
    full: usize,
}

impl Places {
    /// Places `case` for `councilor` if it still has room; true once every one of `wanted`
    /// councilors has all of theirs.
    fn meet(&mut self, councilor: i64, case: i64, wanted: usize) -> bool {
        let found = self.found.entry(councilor).or_default();
        if *found < EARLIER_SHOWN {
            *found += 1;
            self.place.insert((councilor, case), *found as i64);
            if *found == EARLIER_SHOWN {
                self.full += 1;
            }
        }
        self.full >= wanted
    }

    /// The councilors of `ids` with fewer than [`EARLIER_SHOWN`] placed.
    fn short(&self, ids: &[i64]) -> Vec<i64> {
        ids.iter()
            .copied()
            .filter(|id| self.found.get(id).copied().unwrap_or(0) < EARLIER_SHOWN)
            .collect()
    }

    /// Forgets what was placed for `councilors` (to be ranked again apart).
    fn forget(&mut self, councilors: &[i64]) {
        self.place.retain(|k, _| !councilors.contains(&k.0));
    }
}

/// What each of `ids` asked before in the term (`sessions`), newest approved first: (councilor,
/// case) → place. Only ids are read, and the few shown are read whole afterwards.
///
/// The term's answers are walked newest first until every councilor has their few, which
/// takes a few hundred rows (about 10 ms on PostgreSQL at 400,000 cases, through
/// cases_answered_updated_idx): ranking all of them per councilor sorted 89,000 rows
/// through PostgreSQL's window (200 ms of the brief's 370). A councilor still short after
/// [`EARLIER_WALK`] rows (one who asked little, long ago) is ranked by that window, over
/// their own answers only. `walk_rows`: [`EARLIER_WALK`], but for tests.
pub async fn earlier_picked(
    pool: &AnyPool,
    ids: &[i64],
    sessions: &[i64],
    walk_rows: usize,
) -> Result<HashMap<(i64, i64), i64>, AppError> {
    let mut places = Places::default();
    if ids.is_empty() || sessions.is_empty() {
        return Ok(places.place);
    }
    let in_term = crate::cases::db::id_list(sessions.iter().copied());
    let walk = earlier_walk_statement(ids, sessions, walk_rows);
    let mut rows = bind_all(sqlx::query(&walk.sql), &walk.args).fetch(pool);
    let mut read = 0;
    while let Some(r) = rows.try_next().await? {
        read += 1;
        if places.meet(r.try_get("councilor_id")?, r.try_get("id")?, ids.len()) {
            break;
        }
    }
    drop(rows);
    let short = places.short(ids);
    if read < walk_rows || short.is_empty() {
        return Ok(places.place);
    }
    places.forget(&short);
    let short_list = crate::cases::db::id_list(short.iter().copied());
    for r in sqlx::query(&format!(
        "SELECT t.councilor_id, t.id, t.place FROM (SELECT cc.councilor_id, c.id, \
           ROW_NUMBER() OVER (PARTITION BY cc.councilor_id \
           ORDER BY c.updated_at DESC, c.id DESC) AS place \
         FROM case_councilors cc JOIN cases c ON c.id = cc.case_id \
         WHERE cc.councilor_id IN ({short_list}) AND c.session_id IN ({in_term}) \
         AND c.status IN ('closed', 'tracking')) t WHERE t.place <= {EARLIER_SHOWN}"
    ))
    .fetch_all(pool)
    .await?
    {
        places.place.insert(
            (r.try_get("councilor_id")?, r.try_get("id")?),
            r.try_get("place")?,
        );
    }
    Ok(places.place)
}

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
    let typed = speaking_order(order, &names).map_err(|e| e.keeping(&[("order", order)]))?;
    // The open cases of the session: of the councilors typed, or of all (then whoever has
    // one is in the brief, by name, and no statement first looks for who that is). Sorted
    // as text (`|| ''`): SQLite otherwise walked every case in due order to skip a sort of
    // the session's (25,511 cases: 16 ms, against 2 ms for the session's 1,155 rows sorted).
    let open = sqlx::query(&format!(
        "SELECT {OPEN_COLUMNS} {CASE_JOINS} WHERE c.session_id = $1 \
         AND c.status NOT IN ('closed', 'tracking', 'filed', 'refused') {} \
         ORDER BY c.due_on || '', c.id",
        if typed.is_empty() {
            String::new()
        } else {
            format!(
                "AND cc.councilor_id IN ({})",
                crate::cases::db::id_list(typed.iter().copied())
            )
        }
    ))
    .bind(session_id)
    .fetch_all(pool)
    .await?;
    let ids = if typed.is_empty() {
        let mut asking = HashSet::with_capacity(members.len());
        for r in &open {
            asking.insert(r.try_get::<i64, _>("councilor_id")?);
        }
        members
            .iter()
            .filter(|m| asking.contains(&m.0))
            .map(|m| m.0)
            .collect()
    } else {
        typed
    };
    let mut councilors = Vec::with_capacity(ids.len());
    if !ids.is_empty() {
        let list = crate::cases::db::id_list(ids.iter().copied());
        let not_answers = {
            let statement = not_answers_statement(&ids, session_id);
            bind_all(sqlx::query(&statement.sql), &statement.args)
                .fetch_all(pool)
                .await?
        };
        let terms_sessions: Vec<i64> = all.iter().filter(|s| s.2 == term).map(|s| s.0).collect();
        let place = earlier_picked(pool, &ids, &terms_sessions, EARLIER_WALK).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_councilor_gets_their_newest_answers_in_the_order_met_and_no_more() {
        let mut places = Places::default();
        // Councilor 1 meets seven answers; councilor 2 two, the second a joint question.
        for case in 10..17 {
            assert!(!places.meet(1, case, 2));
        }
        assert!(!places.meet(2, 20, 2));
        assert!(!places.meet(2, 14, 2));
        assert_eq!(places.place.get(&(1, 10)), Some(&1));
        assert_eq!(places.place.get(&(1, 14)), Some(&5));
        assert_eq!(places.place.get(&(1, 15)), None);
        assert_eq!(places.place.get(&(2, 14)), Some(&2));
        assert_eq!(places.short(&[1, 2, 3]), vec![2, 3]);
    }

    #[test]
    fn the_walk_ends_once_every_councilor_has_all_of_theirs() {
        let mut places = Places::default();
        let mut ended = Vec::new();
        for case in 1..=(2 * EARLIER_SHOWN as i64) {
            ended.push(places.meet(1 + case % 2, case, 2));
        }
        assert_eq!(ended.iter().filter(|e| **e).count(), 1);
        assert_eq!(ended.last(), Some(&true));
        // A later row for a full councilor changes nothing.
        assert!(places.meet(1, 99, 2));
        assert_eq!(places.place.len(), 2 * EARLIER_SHOWN);
    }

    #[test]
    fn forgetting_a_councilor_keeps_the_others_places() {
        let mut places = Places::default();
        places.meet(1, 10, 2);
        places.meet(2, 11, 2);
        places.forget(&[2]);
        assert_eq!(places.place.len(), 1);
        assert!(places.place.contains_key(&(1, 10)));
    }
}

//! The facts the figures are computed from: one row per case.

use super::{CaseFact, Range};
use crate::{
    cases::{CaseKind, CaseStatus},
    dates::taipei_date,
    db::{date, unexpected},
    reference::{session_title, SessionKind},
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// Every case that may count in `range`: those recorded from a year before it on (a reply
/// in the range to a case older than that is not counted in the trend), and every case
/// still open whenever it was recorded.
pub async fn facts(pool: &AnyPool, range: Range) -> Result<Vec<CaseFact>, sqlx::Error> {
    let since = range.from - chrono::Duration::days(366);
    let since = crate::dates::parse_taipei_datetime(&format!("{since} 00:00")).unwrap_or(0);
    let rows = sqlx::query(
        "SELECT c.id, c.kind, c.status, c.due_on, c.sitting_date, c.received_at, \
           t.number AS term_number, s.number AS session_number, s.kind AS session_kind, \
           st.name AS sitting_type, a.bureau_id, b.name AS bureau, b.sort_order, \
           (SELECT MIN(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'approve') \
             AS approved_at, \
           (SELECT MIN(d.delivered_at) FROM deliveries d WHERE d.case_id = c.id) AS delivered_at, \
           (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id \
              AND e.action IN ('return_from_check', 'return_from_review')) AS returns, \
           (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id \
              AND e.action = 'not_an_answer') AS not_answers \
         FROM cases c JOIN council_sessions s ON s.id = c.session_id \
         JOIN council_terms t ON t.id = s.term_id \
         LEFT JOIN sitting_types st ON st.id = c.sitting_type_id \
         LEFT JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' \
           AND a.state IN ('pending', 'accepted') \
         LEFT JOIN bureaus b ON b.id = a.bureau_id \
         WHERE c.created_at >= $1 OR c.status NOT IN ('closed', 'tracking')",
    )
    .bind(since)
    .fetch_all(pool)
    .await?;
    // The councilors of the same cases, in the order each case names them.
    let names: Vec<(i64, String)> = sqlx::query_as(
        "SELECT cc.case_id, co.name FROM cases c \
         JOIN case_councilors cc ON cc.case_id = c.id \
         JOIN councilors co ON co.id = cc.councilor_id \
         WHERE c.created_at >= $1 OR c.status NOT IN ('closed', 'tracking') \
         ORDER BY cc.case_id, cc.position",
    )
    .bind(since)
    .fetch_all(pool)
    .await?;
    let mut councilors: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for (case, name) in names {
        councilors.entry(case).or_default().push(name);
    }
    rows.iter()
        .map(|row| {
            let kind = CaseKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
            let status =
                CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("status"))?;
            let session_kind = SessionKind::parse(row.try_get("session_kind")?)
                .ok_or_else(|| unexpected("session kind"))?;
            let day = |unix: Option<i64>| unix.and_then(taipei_date);
            let start: NaiveDate = match kind {
                CaseKind::Question => date(row, "sitting_date")?,
                CaseKind::DataRequest => {
                    day(row.try_get("received_at")?).ok_or_else(|| unexpected("receipt time"))?
                }
            };
            let approved = day(row.try_get("approved_at")?);
            let replied_on = match kind {
                CaseKind::Question => approved,
                CaseKind::DataRequest => day(row.try_get("delivered_at")?).or(approved),
            };
            let bureau = match row.try_get::<Option<i64>, _>("bureau_id")? {
                Some(id) => Some((id, row.try_get("bureau")?, row.try_get("sort_order")?)),
                None => None,
            };
            Ok(CaseFact {
                kind,
                status,
                session: session_title(
                    row.try_get("term_number")?,
                    row.try_get("session_number")?,
                    session_kind,
                ),
                sitting_type: row.try_get("sitting_type")?,
                bureau,
                start,
                due_on: date(row, "due_on")?,
                replied_on,
                returns: row.try_get("returns")?,
                not_answers: row.try_get("not_answers")?,
                councilors: councilors
                    .remove(&row.try_get::<i64, _>("id")?)
                    .unwrap_or_default(),
            })
        })
        .collect()
}

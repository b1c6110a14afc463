//! The facts the figures are computed from: one row per case, read from the cases and their
//! events. The report reads them kept and summed by day (`rollup`, `figures`); reading
//! every case again (`recount`) is what those are tested against.

pub mod figures;
pub mod rollup;

use super::CaseFact;
use crate::{
    cases::{CaseKind, CaseStatus},
    dates::taipei_date,
    db::{date, unexpected},
    reference::{session_title, SessionKind},
};
use chrono::NaiveDate;
use sqlx::{any::AnyRow, Any, AnyPool, Executor, Row};

/// One case's facts with the ids the sums are kept by.
#[derive(Debug, Clone)]
pub struct FactRow {
    pub case_id: i64,
    pub session_id: i64,
    /// 0 for a data request.
    pub sitting_type_id: i64,
    pub fact: CaseFact,
}

impl FactRow {
    /// The lead bureau's id, 0 for none.
    pub fn bureau_id(&self) -> i64 {
        self.fact.bureau.as_ref().map_or(0, |(id, _, _)| *id)
    }
}

/// The facts of the cases `filter` picks (a condition on `c`, the cases), without their
/// councilors. The reply day is the first approval (or a data request's first delivery);
/// returns and 答非所問 are counted from the events.
pub async fn fact_rows<'e, E>(db: E, filter: &str) -> Result<Vec<FactRow>, sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    let rows = sqlx::query(&fact_sql(filter)).fetch_all(db).await?;
    rows.iter().map(fact_row).collect()
}

/// The statement `fact_rows` runs (for the plan guard too).
pub fn fact_sql(filter: &str) -> String {
    format!(
        "SELECT c.id, c.kind, c.status, c.due_on, c.sitting_date, c.received_at, \
           c.session_id, c.sitting_type_id, \
           t.number AS term_number, s.number AS session_number, s.kind AS session_kind, \
           st.name AS sitting_type, a.bureau_id, b.name AS bureau, b.sort_order, \
           sc.name AS category, sc.sort_order AS category_order, \
           (SELECT MIN(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'approve') \
             AS approved_at, \
           (SELECT MIN(d.delivered_at) FROM deliveries d WHERE d.case_id = c.id) AS delivered_at, \
           (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id \
              AND e.action IN ('return_from_check', 'return_from_review')) AS returns, \
           (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id \
              AND e.action = 'not_an_answer') AS not_answers, \
           (SELECT COUNT(*) FROM interim_replies i WHERE i.case_id = c.id \
              AND i.agreement <> 'none') + (SELECT COUNT(*) FROM case_events e \
              WHERE e.case_id = c.id AND e.action = 'postpone') AS extensions \
         FROM cases c JOIN council_sessions s ON s.id = c.session_id \
         JOIN council_terms t ON t.id = s.term_id \
         LEFT JOIN sitting_types st ON st.id = c.sitting_type_id \
         LEFT JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' \
           AND a.state IN ('pending', 'accepted') \
         LEFT JOIN bureaus b ON b.id = a.bureau_id \
         LEFT JOIN service_details sd ON sd.case_id = c.id \
         LEFT JOIN service_categories sc ON sc.id = sd.category_id \
         WHERE ({filter}) AND c.status NOT IN ('filed', 'refused')"
    )
}

fn fact_row(row: &AnyRow) -> Result<FactRow, sqlx::Error> {
    let kind = CaseKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
    let status = CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("status"))?;
    let session_kind = SessionKind::parse(row.try_get("session_kind")?)
        .ok_or_else(|| unexpected("session kind"))?;
    let day = |unix: Option<i64>| unix.and_then(taipei_date);
    let start: NaiveDate = match kind {
        CaseKind::Question => date(row, "sitting_date")?,
        CaseKind::DataRequest | CaseKind::Service | CaseKind::Resolution => {
            day(row.try_get("received_at")?).ok_or_else(|| unexpected("receipt time"))?
        }
    };
    let approved = day(row.try_get("approved_at")?);
    let replied_on = match kind {
        CaseKind::Question | CaseKind::Service | CaseKind::Resolution => approved,
        CaseKind::DataRequest => day(row.try_get("delivered_at")?).or(approved),
    };
    let bureau = match row.try_get::<Option<i64>, _>("bureau_id")? {
        Some(id) => Some((id, row.try_get("bureau")?, row.try_get("sort_order")?)),
        None => None,
    };
    Ok(FactRow {
        case_id: row.try_get("id")?,
        session_id: row.try_get("session_id")?,
        sitting_type_id: row
            .try_get::<Option<i64>, _>("sitting_type_id")?
            .unwrap_or(0),
        fact: CaseFact {
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
            councilors: Vec::new(),
            category: match row.try_get::<Option<String>, _>("category")? {
                Some(name) => Some((name, row.try_get("category_order")?)),
                None => None,
            },
            extended: row.try_get::<i64, _>("extensions")? > 0,
        },
    })
}

/// Every case's facts with its councilors, read afresh: the full recount the kept figures
/// must equal (`reports::compute` over these is the reference).
pub async fn recount(pool: &AnyPool) -> Result<Vec<CaseFact>, sqlx::Error> {
    let names: Vec<(i64, String)> = sqlx::query_as(
        "SELECT cc.case_id, co.name FROM case_councilors cc \
         JOIN councilors co ON co.id = cc.councilor_id ORDER BY cc.case_id, cc.position",
    )
    .fetch_all(pool)
    .await?;
    let mut councilors: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for (case, name) in names {
        councilors.entry(case).or_default().push(name);
    }
    Ok(fact_rows(pool, "1 = 1")
        .await?
        .into_iter()
        .map(|r| CaseFact {
            councilors: councilors.remove(&r.case_id).unwrap_or_default(),
            ..r.fact
        })
        .collect())
}

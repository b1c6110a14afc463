//! A filtered case list in full, for the spreadsheet the offices keep (CSV and XLSX are
//! written by the server).

use super::lists::{list_where, order_of};
use super::{kind, status, Search};
use crate::reports::{Cell, Table};
use crate::{
    auth::CurrentUser,
    cases::{CaseFilter, CaseKind, CaseStatus},
    dates::taipei_date,
    db::{date, filter::bind_all},
    error::AppError,
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// The most rows one export holds; past it, one narrows the filter.
pub const EXPORT_CAP: i64 = 10_000;

/// One case as the export lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub kind: CaseKind,
    pub number: i64,
    pub councilors: Vec<String>,
    pub topic: String,
    pub lead_bureau: Option<String>,
    pub co_bureaus: Vec<String>,
    pub status: CaseStatus,
    pub due_on: NaiveDate,
    /// The day the reply was approved, or for a data request its first delivery.
    pub replied_on: Option<NaiveDate>,
}

/// The cases of the list `filter` selects for `user`, in the list's order, at most
/// [`EXPORT_CAP`].
pub async fn export(
    pool: &AnyPool,
    filter: &CaseFilter,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<Vec<ExportRow>, AppError> {
    if filter.q.chars().count() > crate::cases::search::MAX_QUERY_CHARS {
        return Err(AppError::BadRequest);
    }
    let search = Search::prepare(pool, &filter.q).await?;
    let w = list_where(filter, &search, user, today, true)?;
    let sql = format!(
        "SELECT c.id, c.kind, c.number, c.topic, c.status, c.due_on, \
           (SELECT MIN(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'approve') \
             AS approved_at, \
           (SELECT MIN(d.delivered_at) FROM deliveries d WHERE d.case_id = c.id) AS delivered_at \
         FROM cases c {} {} LIMIT {EXPORT_CAP}",
        w.sql(),
        order_of(filter.order()),
    );
    let found = bind_all(sqlx::query(&sql), &w.args).fetch_all(pool).await?;
    let mut ids = Vec::with_capacity(found.len());
    let mut rows = Vec::with_capacity(found.len());
    for row in &found {
        let kind = kind(row)?;
        let approved = row
            .try_get::<Option<i64>, _>("approved_at")?
            .and_then(taipei_date);
        let delivered = row
            .try_get::<Option<i64>, _>("delivered_at")?
            .and_then(taipei_date);
        ids.push(row.try_get::<i64, _>("id")?);
        rows.push(ExportRow {
            kind,
            number: row.try_get("number")?,
            councilors: Vec::new(),
            topic: row.try_get("topic")?,
            lead_bureau: None,
            co_bureaus: Vec::new(),
            status: status(row)?,
            due_on: date(row, "due_on")?,
            replied_on: match kind {
                CaseKind::Question | CaseKind::Service | CaseKind::Resolution => approved,
                CaseKind::DataRequest => delivered.or(approved),
            },
        });
    }
    // Names in two more queries (by id) rather than a backend-specific string aggregate.
    for chunk in ids.chunks(1_000).zip(rows.chunks_mut(1_000)) {
        let (ids, rows) = chunk;
        let list = super::id_list(ids.iter().copied());
        let councilors = super::lists::councilors_of(pool, ids).await?;
        let parts: Vec<(i64, String, String)> = sqlx::query_as(&format!(
            "SELECT a.case_id, a.role, b.name FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
             WHERE a.case_id IN ({list}) AND a.state IN ('pending', 'accepted') \
             ORDER BY a.case_id, a.id"
        ))
        .fetch_all(pool)
        .await?;
        for (id, row) in ids.iter().zip(rows.iter_mut()) {
            row.councilors = councilors
                .iter()
                .filter(|(c, _)| c == id)
                .map(|(_, n)| n.clone())
                .collect();
            for (_, role, name) in parts.iter().filter(|(c, _, _)| c == id) {
                if role == "lead" {
                    row.lead_bureau = Some(name.clone());
                } else {
                    row.co_bureaus.push(name.clone());
                }
            }
        }
    }
    Ok(rows)
}

/// A case list as the offices keep it: the columns they use, dates as dates (shown in ROC
/// form), the case's number beside its label so that the list sorts by it.
pub fn export_table(rows: &[ExportRow]) -> Table {
    let t = |s: String| Cell::Text(s);
    Table {
        title: "案件清單".into(),
        header: [
            "案號",
            "編號",
            "議員",
            "議題",
            "主辦機關",
            "協辦機關",
            "狀態",
            "期限",
            "答復日期",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    t(crate::cases::case_label(r.kind, r.number)),
                    Cell::Number(r.number as f64),
                    t(r.councilors.join("、")),
                    t(r.topic.clone()),
                    t(r.lead_bureau.clone().unwrap_or_default()),
                    t(r.co_bureaus.join("、")),
                    t(r.status.label().to_owned()),
                    Cell::Date(r.due_on),
                    r.replied_on.map_or(t(String::new()), Cell::Date),
                ]
            })
            .collect(),
    }
}

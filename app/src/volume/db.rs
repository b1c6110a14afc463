//! The questions of a volume, read in one query plus two for names.

use super::{compile, Entry, Volume, VolumeFilter};
use crate::{
    db::{
        date,
        filter::{bind_all, Arg, Where},
        unexpected,
    },
    error::AppError,
    reference::{session_title, SessionKind},
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

/// The volume of the questions `filter` selects, as of `today`.
pub async fn volume(
    pool: &AnyPool,
    filter: &VolumeFilter,
    today: NaiveDate,
) -> Result<Volume, AppError> {
    let session = sqlx::query(
        "SELECT t.number AS term_number, s.number, s.kind FROM council_sessions s \
         JOIN council_terms t ON t.id = s.term_id WHERE s.id = $1",
    )
    .bind(filter.session)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let kind =
        SessionKind::parse(session.try_get("kind")?).ok_or_else(|| unexpected("session kind"))?;
    let title = session_title(
        session.try_get("term_number")?,
        session.try_get("number")?,
        kind,
    );
    let sitting_type: Option<String> = match filter.sitting_type {
        Some(id) => {
            sqlx::query_scalar("SELECT name FROM sitting_types WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }
        None => None,
    };

    let mut w = Where::new();
    w.push("c.kind = 'question'", None);
    w.push("c.session_id = ?", Some(Arg::Int(filter.session)));
    if let Some(t) = filter.sitting_type {
        w.push("c.sitting_type_id = ?", Some(Arg::Int(t)));
    }
    if let Some(from) = filter.from {
        w.push("c.sitting_date >= ?", Some(Arg::Text(from.to_string())));
    }
    if let Some(to) = filter.to {
        w.push("c.sitting_date <= ?", Some(Arg::Text(to.to_string())));
    }
    if let Some(b) = filter.bureau {
        w.push(
            "EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.bureau_id = ? \
             AND a.state IN ('pending', 'accepted'))",
            Some(Arg::Int(b)),
        );
    }
    if let Some(co) = filter.councilor {
        w.push(
            "EXISTS (SELECT 1 FROM case_councilors cc WHERE cc.case_id = c.id AND cc.councilor_id = ?)",
            Some(Arg::Int(co)),
        );
    }
    // Approved: the reviewer passed the reply (the case is then closed or tracked).
    let sql = format!(
        "SELECT c.id, c.number, c.topic, c.body, c.reply, c.sitting_date, c.status, \
           st.name AS sitting_type, st.sort_order \
         FROM cases c JOIN sitting_types st ON st.id = c.sitting_type_id {}",
        w.sql()
    );
    let rows = bind_all(sqlx::query(&sql), &w.args).fetch_all(pool).await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let status: String = row.try_get("status")?;
        let approved = status == "closed" || status == "tracking";
        entries.push(Entry {
            case_id: row.try_get("id")?,
            number: row.try_get("number")?,
            councilors: Vec::new(),
            sitting_type: row.try_get("sitting_type")?,
            sitting_order: row.try_get("sort_order")?,
            sitting_date: date(row, "sitting_date")?,
            topic: row.try_get("topic")?,
            body: row.try_get("body")?,
            reply: if approved {
                row.try_get("reply")?
            } else {
                String::new()
            },
            bureaus: Vec::new(),
            approved,
        });
    }
    for chunk in entries.chunks_mut(1_000) {
        let list = chunk
            .iter()
            .map(|e| e.case_id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let councilors: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT cc.case_id, co.name FROM case_councilors cc \
             JOIN councilors co ON co.id = cc.councilor_id \
             WHERE cc.case_id IN ({list}) ORDER BY cc.case_id, cc.position"
        ))
        .fetch_all(pool)
        .await?;
        // The lead first; a reassigned or withdrawn part answered nothing.
        let bureaus: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT a.case_id, b.name FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
             WHERE a.case_id IN ({list}) AND a.state IN ('pending', 'accepted') \
             ORDER BY a.case_id, CASE WHEN a.role = 'lead' THEN 0 ELSE 1 END, a.id"
        ))
        .fetch_all(pool)
        .await?;
        for e in chunk.iter_mut() {
            e.councilors = councilors
                .iter()
                .filter(|(c, _)| *c == e.case_id)
                .map(|(_, n)| n.clone())
                .collect();
            e.bureaus = bureaus
                .iter()
                .filter(|(c, _)| *c == e.case_id)
                .map(|(_, n)| n.clone())
                .collect();
        }
    }
    Ok(compile("臺北市議會", &title, sitting_type, today, entries))
}

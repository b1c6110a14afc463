//! Keeps the report's facts and daily sums up to date from the case events. Every change
//! to what a report counts (a status, a reply, a delivery, a due date, the lead bureau, a
//! return, 答非所問) is a case event, and events are appended one at a time along their
//! hash chain, so the chain position (`seq`) orders them as they were committed: the cases
//! with events past `report_state.seq` are the ones to read again.
//!
//! The report page refreshes before it reads, so its figures are current; the housekeeping
//! refreshes every ten minutes, so that the page rarely has more than a few cases to do.

use super::fact_rows;
use crate::db::{
    filter::{bind_all, Arg, Statement},
    Tx,
};
use sqlx::AnyPool;
use std::collections::BTreeSet;

/// Changed cases read again per statement (a meeting may release thousands at once).
const CHANGED_PER_STATEMENT: usize = 1_000;
/// Cases read and written per statement in a rebuild (15 values each: within both
/// backends' limits on bound values).
const BATCH: i64 = 5_000;
const INSERT_ROWS: usize = 500;

/// How far the figures are kept, and how far the events go.
const LOOK: &str =
    "SELECT r.seq, (SELECT MAX(e.seq) FROM case_events e) FROM report_state r WHERE r.id = 1";

/// The cases with events between two chain positions.
const CHANGED: &str = "SELECT DISTINCT case_id FROM case_events WHERE seq > $1 AND seq <= $2";

fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn before_sql(ids: &str) -> String {
    format!("SELECT start_on, replied_on FROM report_facts WHERE case_id IN ({ids})")
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    UpToDate,
    /// These many cases were read again.
    Cases(usize),
    /// Everything was built again from every case.
    Rebuilt(usize),
}

/// Brings the facts and sums up to the last committed case event. Servers refreshing at
/// the same moment queue on the state row; the later ones find the work done.
pub async fn refresh(pool: &AnyPool) -> Result<Refreshed, sqlx::Error> {
    // Looked at first without writing: most report views find nothing to do, and on SQLite
    // a write transaction would queue every view behind every writer.
    let (done, top): (i64, Option<i64>) = sqlx::query_as(LOOK).fetch_one(pool).await?;
    if top.is_none_or(|top| top <= done) {
        return Ok(Refreshed::UpToDate);
    }
    let mut tx = crate::db::begin(pool).await?;
    // Locks the row until commit (a no-op update, as the event chain's head does).
    let done: i64 =
        sqlx::query_scalar("UPDATE report_state SET seq = seq WHERE id = 1 RETURNING seq")
            .fetch_one(&mut *tx)
            .await?;
    let top: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM case_events")
        .fetch_one(&mut *tx)
        .await?;
    let Some(top) = top.filter(|top| *top > done) else {
        tx.rollback().await?;
        return Ok(Refreshed::UpToDate);
    };
    let outcome = if done == 0 {
        Refreshed::Rebuilt(rebuild(&mut tx).await?)
    } else {
        let changed: Vec<i64> = sqlx::query_scalar(CHANGED)
            .bind(done)
            .bind(top)
            .fetch_all(&mut *tx)
            .await?;
        update(&mut tx, &changed).await?;
        Refreshed::Cases(changed.len())
    };
    sqlx::query("UPDATE report_state SET seq = $1 WHERE id = 1")
        .bind(top)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The tables of kept figures (migrations 0017 and 0018): they grow with the cases.
pub const TABLES: [&str; 7] = [
    "report_facts",
    "report_days",
    "report_sittings",
    "report_councilor_days",
    "report_reply_days",
    "report_months",
    "report_councilor_months",
];

/// Reads every case again, in slices of ids, and sums every day again.
async fn rebuild(tx: &mut Tx) -> Result<usize, sqlx::Error> {
    for table in TABLES {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut **tx)
            .await?;
    }
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM cases")
        .fetch_one(&mut **tx)
        .await?;
    let mut cases = 0;
    let mut from = 0;
    while from < last.unwrap_or(0) {
        let rows = fact_rows(
            &mut **tx,
            &format!("c.id > {from} AND c.id <= {}", from + BATCH),
        )
        .await?;
        cases += rows.len();
        insert_facts(tx, &rows).await?;
        from += BATCH;
    }
    sum_days(tx, None).await?;
    sum_replies(tx, None).await?;
    Ok(cases)
}

/// Reads the `changed` cases again and sums again the days their facts fell on before and
/// fall on now.
async fn update(tx: &mut Tx, changed: &[i64]) -> Result<(), sqlx::Error> {
    let mut days = BTreeSet::new();
    let mut replies = BTreeSet::new();
    for chunk in changed.chunks(CHANGED_PER_STATEMENT) {
        let ids = id_list(chunk);
        let before: Vec<(String, Option<String>)> = sqlx::query_as(&before_sql(&ids))
            .fetch_all(&mut **tx)
            .await?;
        sqlx::query(&format!(
            "DELETE FROM report_facts WHERE case_id IN ({ids})"
        ))
        .execute(&mut **tx)
        .await?;
        let rows = fact_rows(&mut **tx, &format!("c.id IN ({ids})")).await?;
        insert_facts(tx, &rows).await?;
        for (start, replied) in before {
            days.insert(start);
            replies.extend(replied);
        }
        for row in &rows {
            days.insert(row.fact.start.to_string());
            replies.extend(row.fact.replied_on.map(|d| d.to_string()));
        }
    }
    sum_days(tx, Some(&days)).await?;
    sum_replies(tx, Some(&replies)).await
}

async fn insert_facts(tx: &mut Tx, rows: &[super::FactRow]) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(INSERT_ROWS) {
        let values = (0..chunk.len())
            .map(|i| {
                let n = i * 15;
                let list = (1..=15)
                    .map(|k| format!("${}", n + k))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({list})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO report_facts (case_id, kind, session_id, sitting_type_id, bureau_id, \
               start_on, due_on, replied_on, replied, on_time, days, returns, not_answers, open, \
               on_time_extended) \
             VALUES {values}"
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            let f = &row.fact;
            query = query
                .bind(row.case_id)
                .bind(f.kind.as_str())
                .bind(row.session_id)
                .bind(row.sitting_type_id)
                .bind(row.bureau_id())
                .bind(f.start.to_string())
                .bind(f.due_on.to_string())
                .bind(f.replied_on.map(|d| d.to_string()))
                .bind(i64::from(f.replied_on.is_some()))
                .bind(i64::from(f.on_time() == Some(true)))
                .bind(f.days_to_reply().unwrap_or(0))
                .bind(f.returns)
                .bind(f.not_answers)
                .bind(i64::from(f.open()))
                .bind(i64::from(f.on_time_extended()));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `column IN ($1, …)` over `days`, or every row when `days` is `None`.
fn days_in(column: &str, days: Option<&BTreeSet<String>>) -> (String, Vec<Arg>) {
    match days {
        None => ("1 = 1".to_owned(), Vec::new()),
        Some(days) => {
            let list = (1..=days.len())
                .map(|k| format!("${k}"))
                .collect::<Vec<_>>()
                .join(", ");
            (
                format!("{column} IN ({list})"),
                days.iter().cloned().map(Arg::Text).collect(),
            )
        }
    }
}

/// Sums again the cases that started on `days` (every day when `None`), by kind and bureau,
/// by sitting, by councilor; and counts again the replies given on `replied` days.
async fn sum_days(tx: &mut Tx, days: Option<&BTreeSet<String>>) -> Result<(), sqlx::Error> {
    if days.is_some_and(BTreeSet::is_empty) {
        return Ok(());
    }
    let months: Option<BTreeSet<String>> =
        days.map(|days| days.iter().map(|d| d[..7].to_owned()).collect());
    for s in day_statements(days)
        .into_iter()
        .chain(month_statements(months.as_ref()))
    {
        bind_all(sqlx::query(&s.sql), &s.args)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Counts again the replies given on `days` (every day when `None`).
async fn sum_replies(tx: &mut Tx, days: Option<&BTreeSet<String>>) -> Result<(), sqlx::Error> {
    if days.is_some_and(BTreeSet::is_empty) {
        return Ok(());
    }
    for s in reply_statements(days) {
        bind_all(sqlx::query(&s.sql), &s.args)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn day_statements(days: Option<&BTreeSet<String>>) -> Vec<Statement> {
    let (on, args) = days_in("day", days);
    let (start, _) = days_in("start_on", days);
    let (f_start, _) = days_in("f.start_on", days);
    [
        format!("DELETE FROM report_days WHERE {on}"),
        format!("DELETE FROM report_sittings WHERE {on}"),
        format!("DELETE FROM report_councilor_days WHERE {on}"),
        format!(
            "INSERT INTO report_days (day, kind, bureau_id, recorded, replied, on_time, days, \
               returns, not_answers, on_time_extended) \
             SELECT start_on, kind, bureau_id, COUNT(*), SUM(replied), SUM(on_time), SUM(days), \
               SUM(returns), SUM(not_answers), SUM(on_time_extended) \
             FROM report_facts WHERE {start} GROUP BY start_on, kind, bureau_id"
        ),
        format!(
            "INSERT INTO report_sittings (day, session_id, sitting_type_id, questions) \
             SELECT start_on, session_id, sitting_type_id, COUNT(*) \
             FROM report_facts WHERE kind = 'question' AND {start} \
             GROUP BY start_on, session_id, sitting_type_id"
        ),
        format!(
            "INSERT INTO report_councilor_days (day, councilor_id, kind, cases, replied, on_time, \
               not_answers) \
             SELECT f.start_on, cc.councilor_id, f.kind, COUNT(*), SUM(f.replied), \
               SUM(f.on_time), SUM(f.not_answers) \
             FROM report_facts f JOIN case_councilors cc ON cc.case_id = f.case_id \
             WHERE {f_start} GROUP BY f.start_on, cc.councilor_id, f.kind"
        ),
    ]
    .into_iter()
    .map(|sql| Statement {
        sql,
        args: args.clone(),
    })
    .collect()
}

/// Sums the days of `months` ('YYYY-MM'; every month when `None`) again by month. The
/// days are picked by ranges, which their index serves.
fn month_statements(months: Option<&BTreeSet<String>>) -> Vec<Statement> {
    let (within, month_args) = days_in("month", months);
    let (ranges, range_args) = match months {
        None => ("1 = 1".to_owned(), Vec::new()),
        Some(months) => {
            let ranges = (0..months.len())
                .map(|i| format!("day BETWEEN ${} AND ${}", 2 * i + 1, 2 * i + 2))
                .collect::<Vec<_>>()
                .join(" OR ");
            let args = months
                .iter()
                .flat_map(|m| [Arg::Text(format!("{m}-01")), Arg::Text(format!("{m}-31"))])
                .collect();
            (format!("({ranges})"), args)
        }
    };
    let st = |sql: String, args: &Vec<Arg>| Statement {
        sql,
        args: args.clone(),
    };
    vec![
        st(
            format!("DELETE FROM report_months WHERE {within}"),
            &month_args,
        ),
        st(
            format!("DELETE FROM report_councilor_months WHERE {within}"),
            &month_args,
        ),
        st(
            format!(
                "INSERT INTO report_months (month, kind, bureau_id, recorded, replied, on_time, \
                   days, returns, not_answers, on_time_extended) \
                 SELECT substr(day, 1, 7), kind, bureau_id, SUM(recorded), SUM(replied), \
                   SUM(on_time), SUM(days), SUM(returns), SUM(not_answers), SUM(on_time_extended) \
                 FROM report_days WHERE {ranges} GROUP BY substr(day, 1, 7), kind, bureau_id"
            ),
            &range_args,
        ),
        st(
            format!(
                "INSERT INTO report_councilor_months (month, councilor_id, kind, cases, replied, \
                   on_time, not_answers) \
                 SELECT substr(day, 1, 7), councilor_id, kind, SUM(cases), SUM(replied), \
                   SUM(on_time), SUM(not_answers) \
                 FROM report_councilor_days WHERE {ranges} \
                 GROUP BY substr(day, 1, 7), councilor_id, kind"
            ),
            &range_args,
        ),
    ]
}

fn reply_statements(days: Option<&BTreeSet<String>>) -> Vec<Statement> {
    let (on, args) = days_in("day", days);
    let replied = match days {
        None => "replied_on IS NOT NULL".to_owned(),
        Some(_) => days_in("replied_on", days).0,
    };
    [
        format!("DELETE FROM report_reply_days WHERE {on}"),
        format!(
            "INSERT INTO report_reply_days (day, replied) \
             SELECT replied_on, COUNT(*) FROM report_facts WHERE {replied} GROUP BY replied_on"
        ),
    ]
    .into_iter()
    .map(|sql| Statement {
        sql,
        args: args.clone(),
    })
    .collect()
}

/// What a refresh of a few cases runs, for the plan guard: the changed cases, their facts
/// before and after, and the sums of `days`.
pub fn update_statements(ids: &[i64], days: &BTreeSet<String>) -> Vec<Statement> {
    let ids = id_list(ids);
    let st = |sql: String, args: Vec<Arg>| Statement { sql, args };
    let mut all = vec![
        st(LOOK.to_owned(), Vec::new()),
        st(CHANGED.to_owned(), vec![Arg::Int(1), Arg::Int(2)]),
        st(before_sql(&ids), Vec::new()),
        st(
            format!("DELETE FROM report_facts WHERE case_id IN ({ids})"),
            Vec::new(),
        ),
        st(super::fact_sql(&format!("c.id IN ({ids})")), Vec::new()),
    ];
    all.extend(day_statements(Some(days)));
    let months = days.iter().map(|d| d[..7].to_owned()).collect();
    all.extend(month_statements(Some(&months)));
    all.extend(reply_statements(Some(days)));
    all
}

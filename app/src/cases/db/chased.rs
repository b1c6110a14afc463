//! The secretariat's view of the chase schedule (`notifications::chase`): what was chased
//! this morning, and the daily list of cases still unanswered after their third chase. Both
//! follow from the rules and the due dates, so they say the same whether or not any mail
//! went out.

use super::{
    lists::{rows, ROW_COLUMNS},
    owing_sql,
};
use crate::{
    cases::{CaseRow, Queue},
    db::filter::{bind_all, Arg, Statement},
    error::AppError,
    notifications::chase::{case_chase, chased_so_far, on_overdue_list, ChaseRule},
};
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use sqlx::{AnyPool, Row};

/// How many open cases due by the next working day are weighed; the most overdue first, so
/// the long-overdue list is complete far past any real backlog.
const WEIGHED: i64 = 2_000;
/// Rows shown of each list.
const SHOWN: usize = 50;

/// The open cases due by `next` (the next working day), most overdue first: their ids and
/// due days alone, which both backends read from cases_owing_due_idx without the table.
pub fn chase_statement(next: NaiveDate) -> Statement {
    Statement {
        sql: format!(
            "SELECT c.id, c.due_on FROM cases c WHERE c.status IN ({}) AND c.due_on <= $1 \
             ORDER BY c.due_on, c.id LIMIT {WEIGHED}",
            owing_sql()
        ),
        args: vec![Arg::Text(next.to_string())],
    }
}

pub async fn chased_queues(pool: &AnyPool, today: NaiveDate) -> Result<Vec<Queue>, AppError> {
    let calendar = crate::deadlines::db::work_calendar(pool).await?;
    let next = calendar.next_working_day_from(today + chrono::Duration::days(1));
    // Weighed by id and due date alone (an index-only read); the rows shown, at most
    // 2 × SHOWN, are read whole afterwards (the whole rows of all 2,000 cost 30 of the
    // page's 34 ms of work at 400,000 cases on PostgreSQL).
    let chase = chase_statement(next);
    // Read row by row: both lists are usually full after a few hundred, and each row read
    // through the driver costs more than SQLite's walk of the index (all 2,000 at 25,000
    // cases: 3.3 to 4.3 ms of the page's work, against 0.2 ms for the statement alone).
    let mut candidates = bind_all(sqlx::query(&chase.sql), &chase.args).fetch(pool);
    // Nothing is chased on a day off, so that list cannot fill.
    let chases_today = calendar.is_working_day(today);
    let mut today_notes: Vec<(i64, String)> = Vec::new();
    let mut long_notes: Vec<(i64, String)> = Vec::new();
    while let Some(row) = candidates.try_next().await? {
        let id: i64 = row.try_get("id")?;
        let Ok(due) = row.try_get::<String, _>("due_on")?.parse::<NaiveDate>() else {
            continue;
        };
        let (chased, late) = chased_so_far(due, today, &calendar);
        if let Some(chase) = case_chase(due, today, &calendar) {
            let note = match chase.rule {
                ChaseRule::DueNextWorkingDay => Some("下一個工作日到期，已提醒局處".to_owned()),
                ChaseRule::Overdue if chase.nth >= 3 => {
                    Some(format!("第 {} 次逾期催辦：聯絡人與核定主管", chase.nth))
                }
                ChaseRule::Overdue => Some(format!("第 {} 次逾期催辦：聯絡人", chase.nth)),
                _ => None,
            };
            if let Some(note) = note {
                if today_notes.len() < SHOWN {
                    today_notes.push((id, note));
                }
            }
        }
        if on_overdue_list(late) && long_notes.len() < SHOWN {
            long_notes.push((id, format!("已催辦 {chased} 次，逾期 {late} 個工作日")));
        }
        if (today_notes.len() == SHOWN || !chases_today) && long_notes.len() == SHOWN {
            break;
        }
    }
    // Its connection goes back to the pool before the rows are read with another.
    drop(candidates);
    let mut ids: Vec<i64> = today_notes
        .iter()
        .chain(&long_notes)
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let found = if ids.is_empty() {
        Vec::new()
    } else {
        let list = super::id_list(ids);
        rows(
            pool,
            &format!("SELECT {ROW_COLUMNS} FROM cases c WHERE c.id IN ({list})"),
            &[],
            today,
        )
        .await?
    };
    let noted = |notes: Vec<(i64, String)>| -> Vec<CaseRow> {
        notes
            .into_iter()
            .filter_map(|(id, note)| {
                found.iter().find(|r| r.id == id).map(|row| CaseRow {
                    note: Some(note),
                    ..row.clone()
                })
            })
            .collect()
    };
    let (today_list, long_list) = (noted(today_notes), noted(long_notes));
    Ok(vec![
        Queue {
            title: "今天催辦的案件".into(),
            empty: if calendar.is_working_day(today) {
                "今天沒有到期提醒或逾期催辦。".into()
            } else {
                "今天不是工作日，不催辦。".into()
            },
            rows: today_list,
            by_flag: None,
        },
        Queue {
            title: "逾期清單：催辦三次後仍未答復".into(),
            empty: "沒有催辦三次以上仍未答復的案件。".into(),
            rows: long_list,
            by_flag: None,
        },
    ])
}

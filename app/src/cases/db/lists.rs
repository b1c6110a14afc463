//! The case list with its filters, and the queues on each role's start page.

use super::{kind, owing_sql, sql_list, status};
use crate::{
    auth::{CurrentUser, Role},
    cases::{is_overdue, CaseFilter, CasePage, CaseRow, CaseStatus, Priority, Queue, OWING},
    db::{
        date,
        filter::{bind_all, Arg, Where},
        flag,
    },
    error::AppError,
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

const ROW_COLUMNS: &str = "c.id, c.kind, c.number, c.topic, c.status, c.priority, \
    c.within_three_days, c.due_on, c.tracking, \
    (SELECT b.short_name FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
      WHERE a.case_id = c.id AND a.role = 'lead' AND a.state IN ('pending', 'accepted')) AS lead_bureau";

async fn rows(
    pool: &AnyPool,
    sql: &str,
    args: &[Arg],
    today: NaiveDate,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let found = bind_all(sqlx::query(sql), args).fetch_all(pool).await?;
    let mut rows = Vec::with_capacity(found.len());
    for row in &found {
        let status = status(row)?;
        let due_on = date(row, "due_on")?;
        rows.push(CaseRow {
            id: row.try_get("id")?,
            kind: kind(row)?,
            number: row.try_get("number")?,
            topic: row.try_get("topic")?,
            councilors: String::new(),
            lead_bureau: row.try_get("lead_bureau")?,
            status,
            priority: row
                .try_get::<Option<String>, _>("priority")?
                .and_then(|p| Priority::parse(&p)),
            within_three_days: flag(row, "within_three_days")?,
            due_on,
            overdue: is_overdue(status, due_on, today),
            tracking: flag(row, "tracking")?,
        });
    }
    // Councilor names in one more query rather than a backend-specific string aggregate.
    if !rows.is_empty() {
        let ids = rows
            .iter()
            .map(|r| r.id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let names: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT cc.case_id, co.name FROM case_councilors cc \
             JOIN councilors co ON co.id = cc.councilor_id \
             WHERE cc.case_id IN ({ids}) ORDER BY cc.case_id, cc.position"
        ))
        .fetch_all(pool)
        .await?;
        for row in &mut rows {
            row.councilors = names
                .iter()
                .filter(|(id, _)| *id == row.id)
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join("、");
        }
    }
    Ok(rows)
}

const OPEN_PART: &str = "EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id \
    AND a.bureau_id = ? AND a.state IN ('pending', 'accepted'))";

pub async fn list(
    pool: &AnyPool,
    filter: &CaseFilter,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<CasePage, AppError> {
    let mut w = Where::new();
    if user.role.belongs_to_bureau() {
        w.push(
            OPEN_PART,
            Some(Arg::Int(user.bureau_id.ok_or(AppError::Forbidden)?)),
        );
    }
    if let Some(session) = filter.session {
        w.push("c.session_id = ?", Some(Arg::Int(session)));
    }
    if let Some(kind) = filter.kind {
        w.push("c.kind = ?", Some(Arg::Text(kind.as_str().into())));
    }
    if let Some(councilor) = filter.councilor {
        w.push(
            "EXISTS (SELECT 1 FROM case_councilors cc WHERE cc.case_id = c.id AND cc.councilor_id = ?)",
            Some(Arg::Int(councilor)),
        );
    }
    if let Some(bureau) = filter.bureau {
        w.push(OPEN_PART, Some(Arg::Int(bureau)));
    }
    if let Some(status) = filter.status {
        w.push("c.status = ?", Some(Arg::Text(status.as_str().into())));
    }
    if filter.overdue {
        w.push(
            &format!("c.status IN ({}) AND c.due_on < ?", owing_sql()),
            Some(Arg::Text(today.to_string())),
        );
    }
    if filter.tracking {
        w.push("c.status = 'tracking'", None);
    }
    if !filter.q.is_empty() {
        w.push(
            "c.topic LIKE ? ESCAPE '\\'",
            Some(Where::contains(&filter.q)),
        );
    }
    let total: i64 = bind_all(
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM cases c {}", w.sql())),
        &w.args,
    )
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    let size = CaseFilter::PAGE_SIZE;
    let pages = (total as u32).div_ceil(size).max(1);
    let page = filter.page.clamp(1, pages);
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM cases c {} ORDER BY c.kind DESC, c.number DESC LIMIT {size} OFFSET {}",
        w.sql(),
        (page - 1) * size
    );
    Ok(CasePage {
        rows: rows(pool, &sql, &w.args, today).await?,
        total,
        page,
        pages,
    })
}

fn queue(title: &str, empty: &str, rows: Vec<CaseRow>) -> Queue {
    Queue {
        title: title.into(),
        empty: empty.into(),
        rows,
    }
}

/// The lists each role works through, most urgent first: overdue cases sort first because
/// they have the earliest due dates.
pub async fn queues(
    pool: &AnyPool,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<Vec<Queue>, AppError> {
    let by_status = |statuses: &[CaseStatus]| {
        format!(
            "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status IN ({}) ORDER BY c.due_on, c.id LIMIT 50",
            sql_list(statuses)
        )
    };
    let bureau_sql = |statuses: &[CaseStatus], extra: &str| {
        format!(
            "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status IN ({}) AND {} {extra} \
             ORDER BY c.due_on, c.id LIMIT 100",
            sql_list(statuses),
            OPEN_PART.replace('?', "$1")
        )
    };
    Ok(match user.role {
        Role::Secretariat => vec![
            queue(
                "遭退回待改分案件",
                "目前沒有局處退回的案件。",
                rows(
                    pool,
                    &format!(
                        "SELECT {ROW_COLUMNS} FROM cases c WHERE EXISTS (SELECT 1 FROM assignments a \
                         WHERE a.case_id = c.id AND a.state = 'rejected') ORDER BY c.due_on, c.id LIMIT 50"
                    ),
                    &[],
                    today,
                )
                .await?,
            ),
            queue(
                "待分派案件",
                "目前沒有待分派的質詢或索資案件。",
                rows(
                    pool,
                    &format!(
                        "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status = 'unassigned' AND NOT EXISTS \
                         (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.state = 'rejected') \
                         ORDER BY c.due_on, c.id LIMIT 50"
                    ),
                    &[],
                    today,
                )
                .await?,
            ),
            queue(
                "待檢核答復",
                "目前沒有局處送來的答復。",
                rows(pool, &by_status(&[CaseStatus::SignedOff]), &[], today).await?,
            ),
        ],
        Role::BureauLiaison | Role::BureauApprover => {
            let bureau = [Arg::Int(user.bureau_id.ok_or(AppError::Forbidden)?)];
            let mut lists = Vec::new();
            if user.role == Role::BureauApprover {
                lists.push(queue(
                    "待核定答復",
                    "目前沒有待您核定的答復或資料。",
                    rows(
                        pool,
                        &bureau_sql(&[CaseStatus::AwaitingSignOff], "AND EXISTS (SELECT 1 FROM assignments l WHERE l.case_id = c.id AND l.bureau_id = $1 AND l.role = 'lead' AND l.state = 'accepted')"),
                        &bureau,
                        today,
                    )
                    .await?,
                ));
            }
            // What the bureau still owes; cases with the secretariat or the reviewer are
            // in the case list.
            lists.push(queue(
                "本局待辦案件",
                "目前沒有指派給本局的案件。",
                rows(pool, &bureau_sql(OWING, ""), &bureau, today).await?,
            ));
            lists
        }
        Role::Reviewer => vec![
            queue(
                "待審查答復",
                "目前沒有待審查的書面答復。",
                rows(pool, &by_status(&[CaseStatus::InReview]), &[], today).await?,
            ),
            queue(
                "列管案件",
                "目前沒有列管中的案件。",
                rows(pool, &by_status(&[CaseStatus::Tracking]), &[], today).await?,
            ),
        ],
        Role::Admin => Vec::new(),
    })
}

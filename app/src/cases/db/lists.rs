//! The case list with its filters, and the queues on each role's start page.

use super::{kind, open_part_probe, owing_sql, search::Search, sql_list, status};
use crate::{
    auth::{CurrentUser, Role},
    cases::{
        is_overdue, CaseFilter, CasePage, CaseRow, CaseStatus, ListKey, ListSort, PageFrom,
        Priority, Queue, OWING,
    },
    db::{
        date,
        filter::{bind_all, Arg, Statement, Where},
        flag,
    },
    error::AppError,
};
use chrono::NaiveDate;
use sqlx::{AnyPool, Row};

pub(super) const ROW_COLUMNS: &str = "c.id, c.kind, c.number, c.topic, c.status, c.priority, \
    c.within_three_days, c.due_on, c.tracking, \
    (SELECT b.short_name FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
      WHERE a.case_id = c.id AND a.role = 'lead' AND a.state IN ('pending', 'accepted')) AS lead_bureau";

pub(super) async fn rows(
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
            hit: None,
            note: None,
        });
    }
    if !rows.is_empty() {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let names = councilors_of(pool, &ids).await?;
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

/// The councilors of each case, in their order on it: `(case id, name)`. One more query
/// rather than a backend-specific string aggregate; `ids` are the few a page or an export
/// holds (the caller chunks long lists).
pub async fn councilors_of(pool: &AnyPool, ids: &[i64]) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = super::id_list(ids.iter().copied());
    sqlx::query_as(&format!(
        "SELECT cc.case_id, co.name FROM case_councilors cc \
         JOIN councilors co ON co.id = cc.councilor_id \
         WHERE cc.case_id IN ({list}) ORDER BY cc.case_id, cc.position"
    ))
    .fetch_all(pool)
    .await
}

/// Cases the bureau holds an open part in, for counting and for queues: `IN (subquery)`
/// starts from the bureau's assignments instead of probing for every case.
const OPEN_PART: &str = "c.id IN (SELECT a.case_id FROM assignments a \
    WHERE a.bureau_id = ? AND a.state IN ('pending', 'accepted'))";

/// The same, for a page of the list: walking the list's order and probing the open-part
/// index stops after a page of matches (0.2 ms for a bureau holding a sixth of 20,000
/// cases, against 7 ms to gather and sort all its cases first).
const OPEN_PART_IN_ORDER: &str = "EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id \
    AND a.bureau_id = ? AND a.state IN ('pending', 'accepted'))";

/// A councilor's cases.
const COUNCILOR_CASES: &str =
    "c.id IN (SELECT cc.case_id FROM case_councilors cc WHERE cc.councilor_id = ?)";

/// The same, for a page of the list: gathered first, then sorted. A councilor asks a few
/// thousand questions at most, and PostgreSQL otherwise walks the whole list in order
/// probing each case (400,000 cases: 3.5 ms against 8–15 ms; the CTE is what stops it).
const COUNCILOR_CASES_FIRST: &str = "c.id IN (WITH m AS MATERIALIZED \
    (SELECT cc.case_id FROM case_councilors cc WHERE cc.councilor_id = ?) SELECT case_id FROM m)";

/// Newest number first; the id breaks ties between sessions, so pages never shift.
pub(super) const LIST_ORDER: &str = "ORDER BY c.kind DESC, c.number DESC, c.id DESC";
/// The same order read backwards, for the page before a key.
const LIST_ORDER_BACKWARDS: &str = "ORDER BY c.kind, c.number, c.id";

/// The order of a sorted list (`cases_due_idx`, migration 0013, serves the due dates).
pub(super) fn order_of(sort: ListSort) -> &'static str {
    match sort {
        ListSort::Newest => LIST_ORDER,
        ListSort::Oldest => LIST_ORDER_BACKWARDS,
        ListSort::DueFirst => "ORDER BY c.due_on, c.id",
        ListSort::DueLast => "ORDER BY c.due_on DESC, c.id DESC",
    }
}

/// The list's filters. `in_order` is for the page of rows (see [`OPEN_PART_IN_ORDER`]).
pub(super) fn list_where(
    filter: &CaseFilter,
    search: &Search,
    user: &CurrentUser,
    today: NaiveDate,
    in_order: bool,
) -> Result<Where, AppError> {
    let open_part = if in_order {
        OPEN_PART_IN_ORDER
    } else {
        OPEN_PART
    };
    let mut w = Where::new();
    if user.role.belongs_to_bureau() {
        w.push(
            open_part,
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
            if in_order {
                COUNCILOR_CASES_FIRST
            } else {
                COUNCILOR_CASES
            },
            Some(Arg::Int(councilor)),
        );
    }
    if let Some(bureau) = filter.bureau {
        w.push(open_part, Some(Arg::Int(bureau)));
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
    if let Some(flag) = filter.flag {
        if !crate::background::may_filter(user.role) {
            return Err(AppError::Forbidden);
        }
        let flagged = "EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = ?)";
        if user.role.belongs_to_bureau() {
            // A bureau reads the flags of the cases it leads only (`background::may_see`).
            w.push_all(
                &format!(
                    "{flagged} AND EXISTS (SELECT 1 FROM assignments l WHERE l.case_id = c.id \
                     AND l.bureau_id = ? AND l.role = 'lead' AND l.state IN ('pending', 'accepted'))"
                ),
                vec![
                    Arg::Text(flag.as_str().into()),
                    Arg::Int(user.bureau_id.ok_or(AppError::Forbidden)?),
                ],
            );
        } else {
            w.push(flagged, Some(Arg::Text(flag.as_str().into())));
        }
    }
    if !filter.ids.is_empty() {
        // Integers only, written out: at most `MAX_IDS` of them.
        let ids = filter
            .ids
            .iter()
            .take(CaseFilter::MAX_IDS)
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        w.push(&format!("c.id IN ({ids})"), None);
    }
    for (clause, args) in search.clauses() {
        w.push_all(&clause, args);
    }
    Ok(w)
}

/// Where counting a list stops (see [`CasePage::SEARCH_COUNT_CAP`]).
fn count_cap(search: &Search) -> i64 {
    if search.terms.is_empty() {
        CasePage::COUNT_CAP
    } else {
        CasePage::SEARCH_COUNT_CAP
    }
}

/// How many of a bureau's cases, in the list's order, the first page of a keyword search
/// with many matches walks before it reads the search index instead (see
/// [`walk_statement`]).
pub const SEARCH_WALK: u32 = 5_000;

/// The first page (or a page by key) of a keyword search in a bureau's cases, read by
/// walking the list's order over the first [`SEARCH_WALK`] of them and keeping those that
/// hold the terms: `None` for a list not narrowed to a bureau, without terms, or asking for
/// a page by number. Right whenever it finds a page and one more; otherwise the caller reads
/// the whole list. PostgreSQL cannot know that a word is common, and for a bureau's cases
/// it re-read every document holding the word and sorted them (社會住宅, 16,468 documents
/// among 405,537 cases: 165–180 ms, against 32–35 ms by this walk). Without a bureau it
/// already walks the list; a bounded walk there first met the newest cases (resolutions and
/// service cases, seldom holding the word) and fell back, doubling the page's cost.
pub fn walk_statement(
    filter: &CaseFilter,
    search: &Search,
    user: &CurrentUser,
    today: NaiveDate,
    page: u32,
) -> Result<Option<Statement>, AppError> {
    if search.terms.is_empty() || !(user.role.belongs_to_bureau() || filter.bureau.is_some()) {
        return Ok(None);
    }
    let mut w = list_where(filter, &Search::default(), user, today, true)?;
    let (order, offset) = page_order(filter, &mut w, page);
    if offset > 0 {
        return Ok(None);
    }
    let walked = w.sql();
    let plain = w.len();
    for (clause, args) in search.clauses() {
        w.push_all(&clause, args);
    }
    // The walk's LIMIT keeps PostgreSQL from flattening it, and its order is kept, so the
    // outer LIMIT stops at the first page's matches without a sort.
    Ok(Some(Statement {
        sql: format!(
            "SELECT {ROW_COLUMNS} FROM (SELECT c.* FROM cases c {walked} {order} LIMIT {SEARCH_WALK}) c \
             WHERE {} {order} LIMIT {}",
            w.and_from(plain),
            CaseFilter::PAGE_SIZE + 1
        ),
        args: w.args,
    }))
}

/// The order of a list's page and how many rows it skips: a page by key (newest first only)
/// adds its key's condition to `w` and skips none; any other page is by number.
fn page_order(filter: &CaseFilter, w: &mut Where, page: u32) -> (&'static str, u32) {
    let key = |k: &ListKey| {
        vec![
            Arg::Text(k.kind.as_str().into()),
            Arg::Int(k.number),
            Arg::Int(k.id),
        ]
    };
    // Only the newest-first order pages by key; the others by number.
    let from = match filter.order() {
        ListSort::Newest => filter.from.as_ref(),
        _ => None,
    };
    match from {
        None => (
            order_of(filter.order()),
            (page.max(1) - 1) * CaseFilter::PAGE_SIZE,
        ),
        Some(PageFrom::After(k)) => {
            w.push_all("(c.kind, c.number, c.id) < (?, ?, ?)", key(k));
            (LIST_ORDER, 0)
        }
        Some(PageFrom::Before(k)) => {
            w.push_all("(c.kind, c.number, c.id) > (?, ?, ?)", key(k));
            (LIST_ORDER_BACKWARDS, 0)
        }
    }
}

/// The case list's two queries: how many match, and the page asked for, from the key in
/// `filter.from` or else by its number (`page`, from 1). The page query reads one row more
/// than a page, to tell whether another page follows.
pub fn list_statements(
    filter: &CaseFilter,
    search: &Search,
    user: &CurrentUser,
    today: NaiveDate,
    page: u32,
) -> Result<(Statement, Statement), AppError> {
    let counted = list_where(filter, search, user, today, false)?;
    let mut ordered = list_where(filter, search, user, today, true)?;
    let size = CaseFilter::PAGE_SIZE;
    let (order, offset) = page_order(filter, &mut ordered, page);
    // Counted up to one past the cap.
    let count = Statement {
        sql: format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM cases c {} LIMIT {}) capped",
            counted.sql(),
            count_cap(search) + 1
        ),
        args: counted.args,
    };
    let sql = if offset == 0 {
        format!(
            "SELECT {ROW_COLUMNS} FROM cases c {} {order} LIMIT {}",
            ordered.sql(),
            size + 1
        )
    } else {
        // A page by number: the skipped rows are only counted, not read. PostgreSQL
        // computes the select list (the lead bureau's subquery) for every row it skips
        // (page 200 of 400,000 cases: 114 ms p95 before).
        format!(
            "SELECT {ROW_COLUMNS} FROM cases c WHERE c.id IN \
             (SELECT c.id FROM cases c {} {order} LIMIT {} OFFSET {offset}) {order}",
            ordered.sql(),
            size + 1
        )
    };
    let rows = Statement {
        sql,
        args: ordered.args,
    };
    Ok((count, rows))
}

pub async fn list(
    pool: &AnyPool,
    filter: &CaseFilter,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<CasePage, AppError> {
    if filter.q.chars().count() > crate::cases::search::MAX_QUERY_CHARS {
        return Err(AppError::BadRequest);
    }
    let search = Search::prepare(pool, &filter.q).await?;
    let (count, _) = list_statements(filter, &search, user, today, 1)?;
    let total: i64 = bind_all(sqlx::query(&count.sql), &count.args)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let pages = (total as u32).div_ceil(CaseFilter::PAGE_SIZE).max(1);
    let mut page = filter.page.clamp(1, pages);
    // Many matches in a bureau's cases: a walk of the list's order finds the page sooner
    // than the index (measured on PostgreSQL; SQLite's FTS5 gives its matches at once).
    let walked = match walk_statement(filter, &search, user, today, page)? {
        Some(walk)
            if total > count_cap(&search)
                && crate::db::Backend::of_pool(pool) == Some(crate::db::Backend::Postgres) =>
        {
            Some(rows(pool, &walk.sql, &walk.args, today).await?)
        }
        _ => None,
    };
    let mut rows = match walked {
        Some(found) if found.len() > CaseFilter::PAGE_SIZE as usize => found,
        _ => {
            let (_, rows_sql) = list_statements(filter, &search, user, today, page)?;
            rows(pool, &rows_sql.sql, &rows_sql.args, today).await?
        }
    };
    let more = rows.len() > CaseFilter::PAGE_SIZE as usize;
    rows.truncate(CaseFilter::PAGE_SIZE as usize);
    let keyed = filter.order() == ListSort::Newest;
    let (has_before, has_after) = match filter.from.as_ref().filter(|_| keyed) {
        None => (page > 1, more),
        Some(PageFrom::After(_)) => (true, more),
        Some(PageFrom::Before(_)) => {
            rows.reverse();
            if !more {
                // Read back to the top: whatever the link said, this is the first page.
                page = 1;
            }
            (more, true)
        }
    };
    super::search::hits(pool, &mut rows, &search.terms, user).await?;
    Ok(CasePage {
        before: (keyed && has_before)
            .then(|| rows.first().map(ListKey::of))
            .flatten(),
        after: (keyed && has_after)
            .then(|| rows.last().map(ListKey::of))
            .flatten(),
        rows,
        total,
        cap: count_cap(&search),
        page,
        pages,
    })
}

/// One queue of a start page, before it is run.
pub struct QueueQuery {
    pub title: &'static str,
    pub empty: &'static str,
    /// The status its cases wait in, for a queue worked case by case with one step.
    pub status: Option<CaseStatus>,
    /// Its rows say who handed the case back, why, and whom they suggest.
    pub rejections: bool,
    pub statement: Statement,
}

/// The queues of `user`'s start page, most urgent first: overdue cases sort first because
/// they have the earliest due dates.
pub fn queue_statements(user: &CurrentUser) -> Result<Vec<QueueQuery>, AppError> {
    let q = |title, empty, sql: String, args: Vec<Arg>| QueueQuery {
        title,
        empty,
        status: None,
        rejections: false,
        statement: Statement { sql, args },
    };
    let worked = |status: CaseStatus, queue: QueueQuery| QueueQuery {
        status: Some(status),
        ..queue
    };
    let by_status = |statuses: &[CaseStatus]| {
        format!(
            "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status IN ({}) ORDER BY c.due_on, c.id LIMIT 50",
            sql_list(statuses)
        )
    };
    // The statuses narrow the cases to the few still open; each is then probed for the
    // bureau's part, so the work is bounded by the open cases, not the bureau's history.
    let bureau_sql = |statuses: &[CaseStatus], extra: &str| {
        format!(
            "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status IN ({}) AND {} {extra} \
             ORDER BY c.due_on, c.id LIMIT 100",
            sql_list(statuses),
            open_part_probe("c.id", 1),
        )
    };
    // Cases with a rejected part, found from the assignments' state index.
    let rejected = "SELECT a.case_id FROM assignments a WHERE a.state = 'rejected'";
    Ok(match user.role {
        Role::Secretariat => vec![
            QueueQuery {
                rejections: true,
                ..q(
                    "遭退回待改分案件",
                    "目前沒有局處退回的案件。",
                    format!(
                        "SELECT {ROW_COLUMNS} FROM cases c WHERE c.id IN ({rejected}) \
                         ORDER BY c.due_on, c.id LIMIT 50"
                    ),
                    Vec::new(),
                )
            },
            // What offices filed through their links, oldest first: it is not anyone's
            // case until taken in.
            q(
                "議員辦公室送件待受理",
                "目前沒有議員辦公室線上送來待受理的案件。",
                format!(
                    "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status = 'filed' \
                     ORDER BY c.id LIMIT 50"
                ),
                Vec::new(),
            ),
            q(
                "待分派案件",
                "目前沒有待分派的質詢或索資案件。",
                format!(
                    "SELECT {ROW_COLUMNS} FROM cases c WHERE c.status = 'unassigned' \
                     AND c.id NOT IN ({rejected}) ORDER BY c.due_on, c.id LIMIT 50"
                ),
                Vec::new(),
            ),
            worked(
                CaseStatus::SignedOff,
                q(
                    "待檢核答復",
                    "目前沒有局處送來的答復。",
                    by_status(&[CaseStatus::SignedOff]),
                    Vec::new(),
                ),
            ),
        ],
        Role::BureauLiaison | Role::BureauApprover => {
            let bureau = vec![Arg::Int(user.bureau_id.ok_or(AppError::Forbidden)?)];
            let mut lists = Vec::new();
            if user.role == Role::BureauApprover {
                lists.push(worked(
                    CaseStatus::AwaitingSignOff,
                    q(
                        "待核定答復",
                        "目前沒有待您核定的答復或資料。",
                        bureau_sql(
                            &[CaseStatus::AwaitingSignOff],
                            "AND EXISTS (SELECT 1 FROM assignments l WHERE l.case_id = c.id \
                             AND l.bureau_id = $1 AND l.role = 'lead' AND l.state = 'accepted' \
                             LIMIT 1 OFFSET 0)",
                        ),
                        bureau.clone(),
                    ),
                ));
            }
            // What the bureau still owes; cases with the secretariat or the reviewer are
            // in the case list.
            lists.push(q(
                "本局待辦案件",
                "目前沒有指派給本局的案件。",
                bureau_sql(OWING, ""),
                bureau.clone(),
            ));
            // Before the next follow-up meeting: the bureau's tracked cases it has not
            // reported on since the last meeting was held.
            lists.push(q(
                "列管案件待提報進度",
                "本局列管案件都已提報上次追蹤會議後的進度。",
                bureau_sql(
                    &[CaseStatus::Tracking],
                    "AND NOT EXISTS (SELECT 1 FROM progress_reports p WHERE p.case_id = c.id \
                     AND p.bureau_id = $1 AND p.reported_at > COALESCE((SELECT MAX(m.confirmed_at) \
                     FROM meetings m WHERE m.status = 'held'), 0))",
                ),
                bureau,
            ));
            lists
        }
        Role::Reviewer => vec![
            worked(
                CaseStatus::InReview,
                q(
                    "待審查答復",
                    "目前沒有待審查的書面答復。",
                    by_status(&[CaseStatus::InReview]),
                    Vec::new(),
                ),
            ),
            q(
                "列管案件",
                "目前沒有列管中的案件。",
                by_status(&[CaseStatus::Tracking]),
                Vec::new(),
            ),
        ],
        Role::Admin => Vec::new(),
    })
}

/// The newest rejection of each row, as the secretariat triages them without opening the
/// case: `工務局退回：理由（建議改由交通局）`.
async fn rejection_notes(pool: &AnyPool, rows: &mut [CaseRow]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids = rows
        .iter()
        .map(|r| r.id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let found: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(&format!(
        "SELECT a.case_id, b.short_name, a.reject_reason, s.short_name FROM assignments a \
         JOIN bureaus b ON b.id = a.bureau_id \
         LEFT JOIN bureaus s ON s.id = a.suggested_bureau_id \
         WHERE a.state = 'rejected' AND a.case_id IN ({ids}) \
         ORDER BY a.responded_at DESC, a.id DESC"
    ))
    .fetch_all(pool)
    .await?;
    for row in rows {
        if let Some((_, bureau, reason, suggested)) = found.iter().find(|f| f.0 == row.id) {
            row.note = Some(crate::cases::rejection_note(
                bureau,
                reason.as_deref().unwrap_or_default(),
                suggested.as_deref(),
            ));
        }
    }
    Ok(())
}

/// `敏感標記：媒體關注、法律風險` on the rows whose lead bureau flagged them.
async fn flag_notes(pool: &AnyPool, rows: &mut [CaseRow]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids = super::id_list(rows.iter().map(|r| r.id));
    let found: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT case_id, flag FROM case_flags WHERE case_id IN ({ids}) ORDER BY case_id"
    ))
    .fetch_all(pool)
    .await?;
    for row in rows {
        let mut flags: Vec<crate::background::Flag> = found
            .iter()
            .filter(|(id, _)| *id == row.id)
            .filter_map(|(_, f)| crate::background::Flag::parse(f))
            .collect();
        if flags.is_empty() || row.note.is_some() {
            continue;
        }
        flags.sort_by_key(|f| crate::background::Flag::ALL.iter().position(|a| a == f));
        let words: Vec<&str> = flags.iter().map(|f| f.label()).collect();
        row.note = Some(format!("敏感標記：{}", words.join("、")));
    }
    Ok(())
}

/// The first case of `user`'s start-page queue for `action` ([`Action::queue`]) other than
/// `after`: the queue as the start page shows it, most urgent first.
pub async fn next_in_queue(
    pool: &AnyPool,
    user: &CurrentUser,
    action: crate::cases::workflow::Action,
    after: i64,
) -> Result<Option<i64>, AppError> {
    let Some(status) = action.queue() else {
        return Ok(None);
    };
    for query in queue_statements(user)? {
        if query.status == Some(status) {
            let ids: Vec<i64> = bind_all(sqlx::query(&query.statement.sql), &query.statement.args)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<Result<_, _>>()?;
            return Ok(ids.into_iter().find(|id| *id != after));
        }
    }
    Ok(None)
}

pub async fn queues(
    pool: &AnyPool,
    user: &CurrentUser,
    today: NaiveDate,
) -> Result<Vec<Queue>, AppError> {
    let mut queues = Vec::new();
    // The secretariat and the reviewer judge replies: their worked queues say which cases
    // the lead bureau flagged, and lead to the list narrowed by flag.
    let judges = matches!(user.role, Role::Secretariat | Role::Reviewer);
    for query in queue_statements(user)? {
        let mut rows = rows(pool, &query.statement.sql, &query.statement.args, today).await?;
        if query.rejections {
            rejection_notes(pool, &mut rows).await?;
        }
        let by_flag = query.status.filter(|_| judges);
        if by_flag.is_some() {
            flag_notes(pool, &mut rows).await?;
        }
        queues.push(Queue {
            title: query.title.into(),
            empty: query.empty.into(),
            rows,
            by_flag,
        });
    }
    if user.role == Role::Secretariat {
        queues.extend(super::chased::chased_queues(pool, today).await?);
    }
    Ok(queues)
}

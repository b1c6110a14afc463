//! The execution report: the next one owed, the sessions it may cover, compiling it (kept
//! as JSON, audited) and reading it back.

use super::due_before;
use crate::{
    caller::Caller,
    cases::CaseStatus,
    db::{date, unexpected, Db, Tx},
    error::AppError,
    reference::SessionKind,
    resolutions::{
        execution_state,
        report::{BureauPart, ExecutionReport, LatestUpdate, ReportContent, ReportRow},
        CompiledRow, ReconsiderationOutcome, ReportDue, ResolutionKind,
    },
};
use chrono::{Duration, NaiveDate};
use sqlx::{AnyPool, Row};

pub async fn next_report(pool: &AnyPool, today: NaiveDate) -> Result<Option<ReportDue>, AppError> {
    let mut tx = crate::db::begin(pool).await?;
    let due = next_report_in(&mut tx, today).await?;
    tx.commit().await?;
    Ok(due)
}

async fn next_report_in(tx: &mut Tx, today: NaiveDate) -> Result<Option<ReportDue>, sqlx::Error> {
    // The session about to open, or the one open today's eve: a report due before it.
    let Some((session_id, session, opens_on)) =
        super::next_regular_session(&mut **tx, today - Duration::days(1)).await?
    else {
        return Ok(None);
    };
    let due_on = due_before(tx, opens_on).await?;
    let compiled: Option<i64> =
        sqlx::query_scalar("SELECT MAX(id) FROM execution_reports WHERE for_session_id = $1")
            .bind(session_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(Some(ReportDue {
        session_id,
        session,
        opens_on,
        due_on,
        compiled,
    }))
}

/// The reminder job's part for the execution report (run inside its claimed transaction):
/// while the next one is not compiled and its session not open, the secretariat is told
/// on the days the case schedule chases (the working day before it is due; the first
/// working day overdue and every third after). Returns the notices written.
pub async fn chase_report(
    tx: &mut Tx,
    today: NaiveDate,
    calendar: &crate::deadlines::WorkCalendar,
    now: i64,
) -> Result<u64, sqlx::Error> {
    use crate::{
        cases::{
            db::{notify, Notice},
            notify::{About, Audience, NotificationKind},
        },
        notifications::chase::{case_chase, ChaseRule},
    };
    let Some(due) = next_report_in(tx, today).await? else {
        return Ok(0);
    };
    if due.compiled.is_some() || today > due.opens_on {
        return Ok(0);
    }
    let Some(chase) = case_chase(due.due_on, today, calendar) else {
        return Ok(0);
    };
    let kind = match chase.rule {
        ChaseRule::DueNextWorkingDay => NotificationKind::ExecutionReportDue,
        ChaseRule::Overdue => NotificationKind::ExecutionReportOverdue,
        _ => return Ok(0),
    };
    let key = format!(
        "{}:{}:{}:{}",
        kind.as_str(),
        due.session_id,
        due.due_on,
        chase.nth
    );
    let notice = Notice {
        kind,
        about: About::ExecutionReport(due.session_id),
        event_id: None,
        at: now,
        except: None,
        dedupe_key: Some(&key),
    };
    notify(tx, &notice, &[Audience::Secretariat]).await
}

/// Sessions that have resolutions, newest first, with how many: what a report may cover.
/// Counted a session at a time in the index on (session, kind, number), without reading a
/// case row (resolutions are never filed through a link, so every one counts): the join
/// and GROUP BY over a decade's 5,000 resolutions read each row, 16 ms of the report page's
/// p50 at 20,000 cases on SQLite.
pub async fn sessions_with_resolutions<'c>(
    db: impl Db<'c>,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.number, s.kind, t.number AS term, \
           (SELECT COUNT(*) FROM cases c WHERE c.session_id = s.id AND c.kind = 'resolution') \
             AS n \
         FROM council_sessions s JOIN council_terms t ON t.id = s.term_id \
         ORDER BY s.starts_on DESC",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .filter(|r| r.try_get::<i64, _>("n").is_ok_and(|n| n > 0))
        .map(|r| {
            let kind =
                SessionKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("session kind"))?;
            Ok((
                r.try_get("id")?,
                crate::reference::session_title(r.try_get("term")?, r.try_get("number")?, kind),
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// Regular sessions a report may go to: those not yet opened, soonest first, then the
/// latest ones that did.
pub async fn report_sessions(pool: &AnyPool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.number, t.number AS term FROM council_sessions s \
         JOIN council_terms t ON t.id = s.term_id WHERE s.kind = 'regular' \
         ORDER BY s.starts_on DESC",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                crate::reference::session_title(
                    r.try_get("term")?,
                    r.try_get("number")?,
                    SessionKind::Regular,
                ),
            ))
        })
        .collect()
}

/// Reads every resolution of `sessions` with its latest execution update now, grouped by
/// lead bureau in the bureaus' order (the unassigned last).
async fn gather(tx: &mut Tx, sessions: &[i64]) -> Result<Vec<BureauPart>, AppError> {
    let ids = crate::cases::db::id_list(sessions.iter().copied());
    let rows = sqlx::query(&format!(
        "SELECT c.id, c.number, c.topic, c.status, c.session_id, s.number AS session_number, \
           s.kind AS session_kind, t.number AS term, d.resolution_kind, d.letter_number, \
           d.not_executable_reply, r.case_id AS asked, r.outcome, \
           lb.name AS lead, lb.sort_order AS lead_order \
         FROM cases c JOIN resolution_details d ON d.case_id = c.id \
         JOIN council_sessions s ON s.id = c.session_id JOIN council_terms t ON t.id = s.term_id \
         LEFT JOIN resolution_reconsiderations r ON r.case_id = c.id \
         LEFT JOIN assignments a ON a.case_id = c.id AND a.role = 'lead' \
           AND a.state IN ('pending', 'accepted') \
         LEFT JOIN bureaus lb ON lb.id = a.bureau_id \
         WHERE c.kind = 'resolution' AND c.session_id IN ({ids}) \
           AND c.status NOT IN ('filed', 'refused') \
         ORDER BY s.starts_on, c.number"
    ))
    .fetch_all(&mut **tx)
    .await?;
    let case_ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let list = crate::cases::db::id_list(case_ids.iter().copied());
    let mut councilors: std::collections::HashMap<i64, Vec<String>> = Default::default();
    let mut co: std::collections::HashMap<i64, Vec<String>> = Default::default();
    let mut latest: std::collections::HashMap<i64, LatestUpdate> = Default::default();
    if !case_ids.is_empty() {
        let names: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT cc.case_id, co.name FROM case_councilors cc \
             JOIN councilors co ON co.id = cc.councilor_id \
             WHERE cc.case_id IN ({list}) ORDER BY cc.case_id, cc.position"
        ))
        .fetch_all(&mut **tx)
        .await?;
        for (case, name) in names {
            councilors.entry(case).or_default().push(name);
        }
        let cos: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT a.case_id, b.name FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
             WHERE a.case_id IN ({list}) AND a.role = 'co' AND a.state IN ('pending', 'accepted') \
             ORDER BY a.case_id, b.sort_order, b.id"
        ))
        .fetch_all(&mut **tx)
        .await?;
        for (case, name) in cos {
            co.entry(case).or_default().push(name);
        }
        // Every update of these resolutions, oldest first, so the last one kept is the
        // latest: a decade holds some 5,000 resolutions and a few updates each.
        let updates = sqlx::query(&format!(
            "SELECT p.case_id, p.body, p.percent, p.letter_number, p.reported_at, b.name \
             FROM progress_reports p JOIN bureaus b ON b.id = p.bureau_id \
             WHERE p.case_id IN ({list}) ORDER BY p.case_id, p.reported_at, p.id"
        ))
        .fetch_all(&mut **tx)
        .await?;
        for u in updates {
            let at: i64 = u.try_get("reported_at")?;
            latest.insert(
                u.try_get("case_id")?,
                LatestUpdate {
                    on: crate::dates::taipei_date(at).ok_or_else(|| unexpected("reported_at"))?,
                    bureau: u.try_get("name")?,
                    body: u.try_get("body")?,
                    percent: u.try_get("percent")?,
                    letter_number: u.try_get("letter_number")?,
                },
            );
        }
    }
    let mut parts: Vec<(i64, BureauPart)> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let status =
            CaseStatus::parse(r.try_get("status")?).ok_or_else(|| unexpected("case status"))?;
        let not_executable: Option<String> = r.try_get("not_executable_reply")?;
        let reconsideration = r.try_get::<Option<i64>, _>("asked")?.map(|_| {
            r.try_get::<Option<String>, _>("outcome")
                .ok()
                .flatten()
                .and_then(|o| ReconsiderationOutcome::parse(&o))
        });
        let session_kind = SessionKind::parse(r.try_get("session_kind")?)
            .ok_or_else(|| unexpected("session kind"))?;
        let row = ReportRow {
            case_id: id,
            session: crate::reference::session_title(
                r.try_get("term")?,
                r.try_get("session_number")?,
                session_kind,
            ),
            number: r.try_get("number")?,
            kind: ResolutionKind::parse(r.try_get("resolution_kind")?)
                .ok_or_else(|| unexpected("resolution kind"))?,
            topic: r.try_get("topic")?,
            councilors: councilors.remove(&id).unwrap_or_default().join("、"),
            letter_number: r.try_get("letter_number")?,
            co_bureaus: co.remove(&id).unwrap_or_default().join("、"),
            state: execution_state(status, not_executable.is_some(), reconsideration),
            latest: latest.remove(&id),
            not_executable_reply: not_executable,
        };
        let lead: Option<String> = r.try_get("lead")?;
        let order: i64 = r
            .try_get::<Option<i64>, _>("lead_order")?
            .unwrap_or(i64::MAX);
        let bureau = lead.unwrap_or_else(|| "尚未分派".to_owned());
        match parts.iter_mut().find(|(_, p)| p.bureau == bureau) {
            Some((_, part)) => part.rows.push(row),
            None => parts.push((
                order,
                BureauPart {
                    bureau,
                    rows: vec![row],
                },
            )),
        }
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.bureau.cmp(&b.1.bureau)));
    Ok(parts.into_iter().map(|(_, p)| p).collect())
}

/// Compiles the execution report for regular session `for_session` over the resolutions of
/// `sessions` at `at`: keeps what it says now, audited. Returns its id.
pub async fn compile(
    c: &Caller,
    tx: &mut Tx,
    for_session: i64,
    sessions: &[i64],
    at: i64,
) -> Result<i64, AppError> {
    use crate::audit::{db::Entry, AuditAction};
    let row = sqlx::query(
        "SELECT s.kind, s.number, s.starts_on, t.number AS term FROM council_sessions s \
         JOIN council_terms t ON t.id = s.term_id WHERE s.id = $1",
    )
    .bind(for_session)
    .fetch_optional(&mut **tx)
    .await?
    .filter(|r| r.try_get::<String, _>("kind").ok().as_deref() == Some("regular"))
    .ok_or_else(|| AppError::validation("for_session_id", "請選擇報告送交的定期會。"))?;
    let opens_on = date(&row, "starts_on")?;
    let for_title = crate::reference::session_title(
        row.try_get("term")?,
        row.try_get("number")?,
        SessionKind::Regular,
    );
    let known = sessions_with_resolutions(&mut **tx).await?;
    let mut covered = Vec::new();
    for id in sessions {
        match known.iter().find(|(k, _, _)| k == id) {
            Some((_, title, _)) if !covered.contains(title) => covered.push(title.clone()),
            Some(_) => {}
            None => {
                return Err(AppError::validation(
                    "session_ids",
                    "所選的會期沒有決議案，請重新選擇。",
                ))
            }
        }
    }
    if covered.is_empty() {
        return Err(AppError::validation(
            "session_ids",
            "請至少勾選一個要列入報告的會期。",
        ));
    }
    let due_on = due_before(tx, opens_on).await?;
    let content = ReportContent {
        for_session: for_title,
        opens_on,
        sessions: covered,
        parts: gather(tx, sessions).await?,
    };
    let json = serde_json::to_string(&content).map_err(|e| AppError::internal("report", e))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO execution_reports (for_session_id, due_on, compiled_at, compiled_by, content) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(for_session)
    .bind(due_on.to_string())
    .bind(at)
    .bind(c.user.id)
    .bind(json)
    .fetch_one(&mut **tx)
    .await?;
    for s in sessions {
        sqlx::query(
            "INSERT INTO execution_report_sessions (report_id, session_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(s)
        .execute(&mut **tx)
        .await?;
    }
    let counts = crate::resolutions::report::Counts::of(content.parts.iter().flat_map(|p| &p.rows));
    let entry = Entry::new(AuditAction::ExecutionReportCompiled, "execution_report", id).data(
        serde_json::json!({
            "for_session_id": for_session,
            "session_ids": sessions,
            "resolutions": counts.total(),
        }),
    );
    c.audit(tx, entry).await?;
    Ok(id)
}

/// A compiled report.
pub async fn report(pool: &AnyPool, id: i64) -> Result<ExecutionReport, AppError> {
    let row = sqlx::query(
        "SELECT r.id, r.due_on, r.compiled_at, r.content, u.display_name FROM execution_reports r \
         JOIN users u ON u.id = r.compiled_by WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let content: ReportContent = serde_json::from_str(row.try_get::<&str, _>("content")?)
        .map_err(|e| AppError::internal("report content", e))?;
    Ok(ExecutionReport {
        id: row.try_get("id")?,
        due_on: date(&row, "due_on")?,
        compiled_at: row.try_get("compiled_at")?,
        compiled_by: row.try_get("display_name")?,
        content,
    })
}

pub async fn compiled(pool: &AnyPool) -> Result<Vec<CompiledRow>, AppError> {
    let rows = sqlx::query(
        "SELECT r.id, r.due_on, r.compiled_at, s.number, t.number AS term, u.display_name \
         FROM execution_reports r JOIN council_sessions s ON s.id = r.for_session_id \
         JOIN council_terms t ON t.id = s.term_id JOIN users u ON u.id = r.compiled_by \
         ORDER BY r.compiled_at DESC, r.id DESC LIMIT 50",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CompiledRow {
                id: r.try_get("id")?,
                for_session: crate::reference::session_title(
                    r.try_get("term")?,
                    r.try_get("number")?,
                    SessionKind::Regular,
                ),
                due_on: date(r, "due_on")?,
                compiled_at: r.try_get("compiled_at")?,
                compiled_by: r.try_get("display_name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

//! Reading and marking one user's notices; the outbox that carries them out (`outbox`),
//! each person's delivery settings (`settings`) and the mail to councilor offices
//! (`offices`).
//!
//! Reading and marking one user's notices. Every query is keyed by the user's id, so no
//! one reads or marks another's.

pub mod offices;
pub mod outbox;
pub mod settings;

use super::{Inbox, Notification, Subject};
use crate::{
    auth::CurrentUser,
    cases::{notify::NotificationKind, CaseKind},
    db::unexpected,
};
use sqlx::{any::AnyRow, AnyPool, Row};

/// What a notice (`n`) is about: its case, the call for bills and the call's session, or the
/// session an execution report is owed to. Every join is by a primary key.
pub(crate) const SUBJECT_JOINS: &str = "LEFT JOIN cases c ON c.id = n.case_id \
     LEFT JOIN bill_calls bc ON bc.id = n.bill_call_id \
     LEFT JOIN council_sessions cs ON cs.id = COALESCE(bc.session_id, n.report_session_id) \
     LEFT JOIN council_terms ct ON ct.id = cs.term_id";

/// The columns [`subject`] reads, from [`SUBJECT_JOINS`].
pub(crate) const SUBJECT_COLUMNS: &str = "n.case_id, c.kind AS case_kind, c.number, c.topic, \
     bc.session_id AS call_session_id, n.report_session_id, cs.kind AS session_kind, cs.number AS session_number, \
     ct.number AS term_number";

pub(crate) fn subject(r: &AnyRow) -> Result<Subject, sqlx::Error> {
    if let Some(id) = r.try_get::<Option<i64>, _>("case_id")? {
        return Ok(Subject::Case {
            id,
            kind: CaseKind::parse(r.try_get("case_kind")?).ok_or_else(|| unexpected("kind"))?,
            number: r.try_get("number")?,
            topic: r.try_get("topic")?,
        });
    }
    let kind = crate::reference::SessionKind::parse(r.try_get("session_kind")?)
        .ok_or_else(|| unexpected("session kind"))?;
    let session = crate::reference::session_title(
        r.try_get("term_number")?,
        r.try_get("session_number")?,
        kind,
    );
    if let Some(session_id) = r.try_get::<Option<i64>, _>("report_session_id")? {
        return Ok(Subject::ExecutionReport {
            session_id,
            session,
        });
    }
    Ok(Subject::BillCall {
        session_id: r.try_get("call_session_id")?,
        session,
    })
}

/// How many notices the inbox lists.
pub const SHOWN: i64 = 100;

/// The notices `user` may still read: a bureau user's only about cases their bureau holds a
/// part in now (someone moved to another bureau no longer reads the old one's topics), and
/// calls for bills, which every bureau answers; `$1` is the user, `$2` the bureau.
fn visible(user: &CurrentUser) -> String {
    if user.role.belongs_to_bureau() {
        format!(
            " AND (n.case_id IS NULL OR {})",
            crate::cases::db::open_part_probe("n.case_id", 2)
        )
    } else {
        String::new()
    }
}

pub async fn unread_count(pool: &AnyPool, user: &CurrentUser) -> Result<i64, sqlx::Error> {
    let sql = format!(
        "SELECT COUNT(*) FROM notifications n WHERE n.user_id = $1 AND n.read_at IS NULL{}",
        visible(user)
    );
    let query = sqlx::query_scalar(&sql).bind(user.id);
    match bureau(user) {
        Some(b) => query.bind(b),
        None => query,
    }
    .fetch_one(pool)
    .await
}

/// The bureau bound as `$2` when [`visible`] names it.
fn bureau(user: &CurrentUser) -> Option<i64> {
    user.role
        .belongs_to_bureau()
        .then(|| user.bureau_id.unwrap_or(0))
}

pub async fn inbox(pool: &AnyPool, user: &CurrentUser) -> Result<Inbox, sqlx::Error> {
    let sql = format!(
        "SELECT n.id, n.kind, n.created_at, n.read_at, {SUBJECT_COLUMNS} \
         FROM notifications n {SUBJECT_JOINS} \
         WHERE n.user_id = $1{} ORDER BY n.id DESC LIMIT {SHOWN}",
        visible(user)
    );
    let query = sqlx::query(&sql).bind(user.id);
    let rows = match bureau(user) {
        Some(b) => query.bind(b),
        None => query,
    }
    .fetch_all(pool)
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get("id")?,
                kind: NotificationKind::parse(r.try_get("kind")?)
                    .ok_or_else(|| unexpected("notification kind"))?,
                about: subject(r)?,
                created_at: r.try_get("created_at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Inbox {
        unread: unread_count(pool, user).await?,
        items,
    })
}

/// Marks one notice (or, with `None`, all) of the user read; returns how many changed.
pub async fn mark_read(
    pool: &AnyPool,
    user_id: i64,
    id: Option<i64>,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = match id {
        Some(id) => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(id),
        None => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        )
        .bind(now)
        .bind(user_id),
    }
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

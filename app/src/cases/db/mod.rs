//! Storage of cases, split by job: `record` (new cases); `steps`, `parts` and `answers`
//! (the workflow); `files` (deliveries and downloads); `lists` (the case list and start-page
//! queues); `progress` (bureaus' progress reports on tracked cases); `search` (the keyword index and similar questions); `detail` (the case page);
//! `events` (the timeline); `notify` (the outbox) and `reminders` (the time-based job);
//! `saved` (each user's saved filters of the list).
//! Changes take a transaction the caller owns ([`Tx`]), so several steps on several cases
//! commit together or not at all; each step re-checks the workflow rules against the row it
//! is about to change and leaves an event.

mod answers;
mod chased;
mod detail;
mod events;
mod export;
mod files;
mod lists;
mod notify;
mod parts;
mod progress;
mod record;
mod reminders;
mod saved;
mod search;
mod steps;

pub use crate::db::filter::Statement;
pub use answers::{save_reply, write_sub_answer};
pub use chased::chase_statement;
pub use detail::detail;
pub use events::{append_event, EventActor};
pub use export::{export, export_table, ExportRow, EXPORT_CAP};
pub use files::{attachment, deliver, deliver_batch, download, may_deliver, NewFile, StoredFile};
pub use lists::{
    councilors_of, list, list_statements, next_in_queue, queue_statements, queues, walk_statement,
    QueueQuery,
};
pub use notify::{notify, Notice};
pub use parts::{accept, add_co_bureau, assign, assign_each, reassign, reject};
pub use progress::{last_meeting_at, report_progress};
pub(crate) use record::{
    check_session, link_councilor, link_councilors, next_number, reference_error,
};
pub use record::{computed_due, next_question, record_data_request, record_question, RecordedBy};
pub use reminders::{run_due_reminders, REMINDER_JOB};
pub use saved::{remove_filter, save_filter, saved_filters};
pub use search::{
    reindex_stale, similar, similar_statement, store as store_search, synonyms, Search,
    SIMILAR_SHOWN,
};
pub use steps::{override_due, postpone, transition, StepRequest};

use super::{
    workflow::{MyPart, Standing},
    CaseKind, CaseStatus, PartRole, PartState, OWING,
};
use crate::{
    auth::CurrentUser,
    db::{date, flag, unexpected, Tx},
};
use chrono::NaiveDate;
use sqlx::{any::AnyRow, Any, Row};

/// `'unassigned', 'assigned', …`: the statuses in which an answer is still owed, for SQL.
/// The condition that the bureau `$bureau_param` holds an open part in the case whose id
/// is `case_id`, checked by one probe of the open-part index per case. Gathering the
/// bureau's parts instead would collect every case it ever had, and PostgreSQL chose just
/// that (a hash of all 33,000 parts of a bureau: 52 ms at 400,000 cases, against 9 ms of
/// probes for a start page). The `OFFSET` keeps it from turning the check into a join;
/// SQLite wants the `LIMIT` before it.
pub(crate) fn open_part_probe(case_id: &str, bureau_param: usize) -> String {
    format!(
        "EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = {case_id} \
         AND a.bureau_id = ${bureau_param} AND a.state IN ('pending', 'accepted') \
         LIMIT 1 OFFSET 0)"
    )
}

/// Ids written out for `IN (…)`: integers only, so nothing to bind.
pub(crate) fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    ids.into_iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `'unassigned', 'assigned', …`: the owing statuses as SQL. cases_owing_due_idx (SQLite's
/// migration 0030, PostgreSQL's 0033) repeats this list term for term.
fn owing_sql() -> String {
    sql_list(OWING)
}

fn sql_list(statuses: &[CaseStatus]) -> String {
    statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn status(row: &AnyRow) -> Result<CaseStatus, sqlx::Error> {
    CaseStatus::parse(row.try_get("status")?).ok_or_else(|| unexpected("status"))
}

fn kind(row: &AnyRow) -> Result<CaseKind, sqlx::Error> {
    CaseKind::parse(row.try_get("kind")?).ok_or_else(|| unexpected("kind"))
}

pub fn standing(user: &CurrentUser) -> Standing {
    Standing {
        role: user.role,
        bureau_id: user.bureau_id,
    }
}

/// What the rules need to know about a case.
#[derive(Debug, Clone)]
pub struct CaseCore {
    pub id: i64,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub version: i64,
    pub due_on: NaiveDate,
    pub reply: String,
    pub reply_version: i64,
    pub cannot_provide: bool,
}

async fn core(tx: &mut Tx, case_id: i64) -> Result<Option<CaseCore>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, kind, status, version, due_on, reply, reply_version, cannot_provide \
         FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|row| {
        Ok(CaseCore {
            id: row.try_get("id")?,
            kind: kind(&row)?,
            status: status(&row)?,
            version: row.try_get("version")?,
            due_on: date(&row, "due_on")?,
            reply: row.try_get("reply")?,
            reply_version: row.try_get("reply_version")?,
            cannot_provide: flag(&row, "cannot_provide")?,
        })
    })
    .transpose()
}

/// The open part `bureau_id` holds in the case, if any.
pub(crate) async fn my_part(
    executor: impl sqlx::Executor<'_, Database = Any>,
    case_id: i64,
    bureau_id: Option<i64>,
) -> Result<Option<MyPart>, sqlx::Error> {
    let Some(bureau_id) = bureau_id else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT role, state FROM assignments \
         WHERE case_id = $1 AND bureau_id = $2 AND state IN ('pending', 'accepted')",
    )
    .bind(case_id)
    .bind(bureau_id)
    .fetch_optional(executor)
    .await?;
    row.map(|row| {
        Ok(MyPart {
            role: PartRole::parse(row.try_get("role")?).ok_or_else(|| unexpected("part role"))?,
            state: PartState::parse(row.try_get("state")?)
                .ok_or_else(|| unexpected("part state"))?,
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::owing_sql;

    #[test]
    fn the_owing_indexes_repeat_the_owing_list_term_for_term() {
        // Changing OWING needs a new migration with the new list, or SQLite quietly goes
        // back to walking every closed case on the start pages, and PostgreSQL to reading
        // each owing case from the table.
        let condition = format!("WHERE status IN ({})", owing_sql());
        for migration in [
            include_str!("../../../../migrations/sqlite/0030_start_page_and_report_indexes.sql"),
            include_str!("../../../../migrations/postgres/0033_owing_due_index.sql"),
        ] {
            assert!(migration.contains(&condition), "{condition}");
        }
    }
}

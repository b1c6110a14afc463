//! Writing and reading the audit log. Every write goes through [`record`], inside the
//! transaction of the change it records, so a change and its audit row commit together.

use super::{AuditAction, AuditActor, AuditFilter, AuditPage, AuditRow};
use crate::{
    chain::{self, Chain},
    db::{
        filter::{bind_all, Arg, Where},
        Tx,
    },
};
use sqlx::{any::AnyRow, AnyConnection, AnyPool, Column, Row};

/// Who an audit row names as having done it: a user, someone not signed in (by the name
/// they typed), or the system. (A case's rules see the caller as a `workflow::Standing`.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorder {
    pub kind: AuditActor,
    pub id: Option<i64>,
    /// The username (or, at a failed login, what was typed).
    pub name: String,
}

impl Recorder {
    pub fn user(id: i64, username: &str) -> Self {
        Self {
            kind: AuditActor::User,
            id: Some(id),
            name: username.to_owned(),
        }
    }

    /// Someone not signed in, known only by the name they typed.
    pub fn anonymous(typed: &str) -> Self {
        Self {
            kind: AuditActor::Anonymous,
            id: None,
            name: typed.to_owned(),
        }
    }

    /// A maintenance task on the command line.
    pub fn system() -> Self {
        Self {
            kind: AuditActor::System,
            id: None,
            name: String::new(),
        }
    }
}

/// What happened, to what, and the values that tell the story (before/after and the like).
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: AuditAction,
    pub target_kind: &'static str,
    pub target_id: String,
    pub data: serde_json::Value,
}

impl Entry {
    pub fn new(action: AuditAction, target_kind: &'static str, target_id: impl ToString) -> Self {
        Self {
            action,
            target_kind,
            target_id: target_id.to_string(),
            data: serde_json::json!({}),
        }
    }

    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.data = data;
        self
    }
}

/// Appends one row to the audit chain inside `tx`.
pub async fn record(
    tx: &mut Tx,
    at: i64,
    actor: &Recorder,
    client_addr: &str,
    entry: &Entry,
) -> Result<(), sqlx::Error> {
    let data = entry.data.to_string();
    let link = chain::append(
        tx,
        Chain::AuditLog,
        &[
            at.into(),
            actor.kind.as_str().into(),
            actor.id.into(),
            actor.name.as_str().into(),
            entry.action.as_str().into(),
            entry.target_kind.into(),
            entry.target_id.as_str().into(),
            data.as_str().into(),
            client_addr.into(),
        ],
    )
    .await?;
    sqlx::query(
        "INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, target_kind, \
           target_id, data, client_addr, seq, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(at)
    .bind(actor.kind.as_str())
    .bind(actor.id)
    .bind(&actor.name)
    .bind(entry.action.as_str())
    .bind(entry.target_kind)
    .bind(&entry.target_id)
    .bind(data)
    .bind(client_addr)
    .bind(link.seq)
    .bind(link.prev_hash)
    .bind(link.hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Objects whose refused reading is audited only when they exist.
#[derive(Debug, Clone, Copy)]
pub enum Kept {
    Case,
    Attachment,
    FilingFile,
    Bill,
    BillFile,
    Briefing,
}

impl Kept {
    /// The audit log's name for such an object (`target_kind`).
    pub fn target_kind(self) -> &'static str {
        match self {
            Self::Case => "case",
            Self::Attachment => "attachment",
            Self::FilingFile => "filing_file",
            Self::Bill => "bill",
            Self::BillFile => "bill_file",
            Self::Briefing => "briefing",
        }
    }
}

/// Whether the object `id` of kind `kept` exists (anyone's).
pub async fn exists(pool: &AnyPool, kept: Kept, id: i64) -> Result<bool, crate::error::AppError> {
    let sql = match kept {
        Kept::Case => "SELECT COUNT(*) FROM cases WHERE id = $1",
        Kept::Attachment => "SELECT COUNT(*) FROM attachments WHERE id = $1",
        Kept::FilingFile => "SELECT COUNT(*) FROM filing_files WHERE id = $1",
        Kept::Bill => "SELECT COUNT(*) FROM bills WHERE id = $1",
        Kept::BillFile => "SELECT COUNT(*) FROM bill_files WHERE id = $1",
        Kept::Briefing => "SELECT COUNT(*) FROM caucus_briefings WHERE id = $1",
    };
    let n: i64 = sqlx::query_scalar(sql).bind(id).fetch_one(pool).await?;
    Ok(n > 0)
}

/// Records one entry in a transaction of its own, for what changes nothing else (a login, a
/// download, a refusal).
pub async fn record_alone(
    pool: &AnyPool,
    at: i64,
    actor: &Recorder,
    client_addr: &str,
    entry: &Entry,
) -> Result<(), sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    record(&mut tx, at, actor, client_addr, entry).await?;
    tx.commit().await
}

fn filter_sql(filter: &AuditFilter) -> Where {
    let mut w = Where::new();
    if let Some(action) = filter.action {
        w.push("action = ?", Some(Arg::Text(action.as_str().into())));
    }
    if !filter.actor.is_empty() {
        w.push(
            "actor_name LIKE ? ESCAPE '\\'",
            Some(Where::contains(&filter.actor)),
        );
    }
    let taipei_midnight = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp() - 8 * 3600)
            .unwrap_or_default()
    };
    if let Some(from) = filter.from {
        w.push("at >= ?", Some(Arg::Int(taipei_midnight(from))));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        w.push("at < ?", Some(Arg::Int(taipei_midnight(to))));
    }
    w
}

fn row(r: &AnyRow) -> Result<AuditRow, sqlx::Error> {
    Ok(AuditRow {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        actor_kind: r.try_get("actor_kind")?,
        actor_name: r.try_get("actor_name")?,
        action: r.try_get("action")?,
        target_kind: r.try_get("target_kind")?,
        target_id: r.try_get("target_id")?,
        data: r.try_get("data")?,
        client_addr: r.try_get("client_addr")?,
    })
}

const COLUMNS: &str =
    "id, at, actor_kind, actor_name, action, target_kind, target_id, data, client_addr";

/// One page of the log, newest first.
pub async fn list(pool: &AnyPool, filter: &AuditFilter) -> Result<AuditPage, sqlx::Error> {
    let w = filter_sql(filter);
    let total: i64 = bind_all(
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM audit_log {}", w.sql())),
        &w.args,
    )
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    let size = AuditFilter::PAGE_SIZE;
    let pages = (total as u32).div_ceil(size).max(1);
    let page = filter.page.clamp(1, pages);
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log {} ORDER BY id DESC LIMIT {size} OFFSET {}",
        w.sql(),
        (page - 1) * size
    );
    let rows = bind_all(sqlx::query(&sql), &w.args)
        .fetch_all(pool)
        .await?
        .iter()
        .map(row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AuditPage {
        rows,
        total,
        page,
        pages,
    })
}

/// Every matching row, oldest first, for the CSV export; at most `limit`.
pub async fn export(
    pool: &AnyPool,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let w = filter_sql(filter);
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log {} ORDER BY id LIMIT {limit}",
        w.sql()
    );
    bind_all(sqlx::query(&sql), &w.args)
        .fetch_all(pool)
        .await?
        .iter()
        .map(row)
        .collect()
}

/// A row of `table` as JSON, for the before and after of a change: each column as an
/// integer, a text, a flag or null. `table` is one of the code's own table names.
pub async fn snapshot(
    conn: &mut AnyConnection,
    table: &'static str,
    id: i64,
) -> Result<serde_json::Value, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT * FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else {
        return Ok(serde_json::Value::Null);
    };
    let mut map = serde_json::Map::new();
    for column in row.columns() {
        let name = column.name();
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(name) {
            v.map_or(serde_json::Value::Null, Into::into)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(name) {
            v.map_or(serde_json::Value::Null, Into::into)
        } else if let Ok(v) = row.try_get::<Option<bool>, _>(name) {
            v.map_or(serde_json::Value::Null, Into::into)
        } else {
            serde_json::Value::Null
        };
        map.insert(name.to_owned(), value);
    }
    Ok(serde_json::Value::Object(map))
}

//! Tamper evidence. The case timeline and the audit log are each one hash chain: a row
//! carries its position (`seq`), the hash of the row before it (`prev_hash`) and its own
//! hash, the SHA-256 of that previous hash and the row's content. Editing, deleting or
//! reordering a row by hand breaks the chain at that row, and [`verify`] names it.
//!
//! Appends take the chain's head row (`chain_heads`) with an UPDATE first. PostgreSQL holds
//! that row lock until the appending transaction ends, so a second app server's append waits
//! and then chains onto the first one's hash; SQLite has one writer at a time anyway.

use crate::db::Tx;
use sha2::{Digest, Sha256};
use sqlx::{any::AnyRow, AnyPool, Row};

/// The `prev_hash` of a chain's first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    CaseEvents,
    AuditLog,
}

impl Chain {
    pub const ALL: [Chain; 2] = [Chain::CaseEvents, Chain::AuditLog];

    /// The table, which is also the chain's key in `chain_heads`.
    pub fn table(self) -> &'static str {
        match self {
            Self::CaseEvents => "case_events",
            Self::AuditLog => "audit_log",
        }
    }

    /// The columns a row's hash covers, in order. Everything but the id (assigned by the
    /// database) and the chain columns themselves.
    fn columns(self) -> &'static [(&'static str, Kind)] {
        use Kind::*;
        match self {
            Self::CaseEvents => &[
                ("case_id", Int),
                ("at", Int),
                ("actor_kind", Text),
                ("actor_id", OptInt),
                ("action", Text),
                ("data", Text),
            ],
            Self::AuditLog => &[
                ("at", Int),
                ("actor_kind", Text),
                ("actor_id", OptInt),
                ("actor_name", Text),
                ("action", Text),
                ("target_kind", Text),
                ("target_id", Text),
                ("data", Text),
                ("client_addr", Text),
            ],
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Int,
    OptInt,
    Text,
}

/// One stored value of a chained row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(Option<i64>),
    Text(String),
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Self::Int(Some(n))
    }
}

impl From<Option<i64>> for Value {
    fn from(n: Option<i64>) -> Self {
        Self::Int(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

/// The canonical text of a row: its position and values as a JSON array. JSON keeps every
/// value's boundaries unambiguous, so no two different rows hash alike by accident.
pub fn content(seq: i64, values: &[Value]) -> String {
    let items: Vec<serde_json::Value> = std::iter::once(serde_json::Value::from(seq))
        .chain(values.iter().map(|v| match v {
            Value::Int(n) => n.map_or(serde_json::Value::Null, serde_json::Value::from),
            Value::Text(s) => serde_json::Value::from(s.as_str()),
        }))
        .collect();
    serde_json::Value::Array(items).to_string()
}

/// SHA-256 of the previous row's hash, a newline and this row's content, as lowercase hex.
pub fn link_hash(prev_hash: &str, content: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(content.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A row's place in its chain, ready to be written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// Takes the next place in `chain` for a row with `values` (in [`Chain::columns`] order).
/// The caller inserts the row with the link inside the same transaction.
pub async fn append(tx: &mut Tx, chain: Chain, values: &[Value]) -> Result<Link, sqlx::Error> {
    let mut appender = Appender::lock(tx, chain).await?;
    let link = appender.link(values);
    appender.finish(tx).await?;
    Ok(link)
}

/// Appends many rows in one go (bulk loads): the head is locked once, the links are
/// computed here, and the head is moved once at the end.
#[derive(Debug)]
pub struct Appender {
    chain: Chain,
    seq: i64,
    last_hash: String,
}

impl Appender {
    /// Takes the chain's head row for the rest of the transaction.
    pub async fn lock(tx: &mut Tx, chain: Chain) -> Result<Self, sqlx::Error> {
        let row = sqlx::query(
            "UPDATE chain_heads SET seq = seq WHERE chain = $1 RETURNING seq, last_hash",
        )
        .bind(chain.table())
        .fetch_one(&mut **tx)
        .await?;
        Ok(Self {
            chain,
            seq: row.try_get("seq")?,
            last_hash: row.try_get("last_hash")?,
        })
    }

    /// The next row's place.
    pub fn link(&mut self, values: &[Value]) -> Link {
        self.seq += 1;
        let hash = link_hash(&self.last_hash, &content(self.seq, values));
        let prev_hash = std::mem::replace(&mut self.last_hash, hash.clone());
        Link {
            seq: self.seq,
            prev_hash,
            hash,
        }
    }

    /// Moves the head to the last row linked.
    pub async fn finish(self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE chain_heads SET seq = $1, last_hash = $2 WHERE chain = $3")
            .bind(self.seq)
            .bind(&self.last_hash)
            .bind(self.chain.table())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

fn values(chain: Chain, row: &AnyRow) -> Result<Vec<Value>, sqlx::Error> {
    chain
        .columns()
        .iter()
        .map(|(name, kind)| {
            Ok(match kind {
                Kind::Int => Value::Int(Some(row.try_get(*name)?)),
                Kind::OptInt => Value::Int(row.try_get(*name)?),
                Kind::Text => Value::Text(row.try_get(*name)?),
            })
        })
        .collect()
}

fn column_list(chain: Chain) -> String {
    chain
        .columns()
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Chains case events that have no place yet: the rows migration 0003 converted, which SQL
/// alone could not hash on SQLite. Runs at start-up after the migrations; does nothing once
/// every row is chained. Returns how many rows it chained.
pub async fn seal_unchained(pool: &AnyPool) -> Result<u64, sqlx::Error> {
    let chain = Chain::CaseEvents;
    let unchained = format!("FROM {} WHERE seq IS NULL", chain.table());
    let any: Option<i64> = sqlx::query_scalar(&format!("SELECT id {unchained} LIMIT 1"))
        .fetch_optional(pool)
        .await?;
    if any.is_none() {
        return Ok(0);
    }
    // Read the rows only once the head is ours: a second server starting at the same time
    // then finds them chained already.
    let mut tx = crate::db::begin(pool).await?;
    let mut appender = Appender::lock(&mut tx, chain).await?;
    let rows = sqlx::query(&format!(
        "SELECT id, {} {unchained} ORDER BY id",
        column_list(chain)
    ))
    .fetch_all(&mut *tx)
    .await?;
    for row in &rows {
        let link = appender.link(&values(chain, row)?);
        sqlx::query("UPDATE case_events SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4")
            .bind(link.seq)
            .bind(&link.prev_hash)
            .bind(&link.hash)
            .bind(row.try_get::<i64, _>("id")?)
            .execute(&mut *tx)
            .await?;
    }
    appender.finish(&mut tx).await?;
    tx.commit().await?;
    Ok(rows.len() as u64)
}

/// What `verify` found in one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub chain: Chain,
    /// Rows checked before the first break, or all of them.
    pub rows: u64,
    pub broken: Option<Broken>,
}

/// The first row at which a chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub id: Option<i64>,
    pub seq: Option<i64>,
    pub problem: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.id, self.seq) {
            (Some(id), Some(seq)) => write!(f, "row id {id} (seq {seq}): {}", self.problem),
            (Some(id), None) => write!(f, "row id {id}: {}", self.problem),
            _ => write!(f, "{}", self.problem),
        }
    }
}

/// Walks every chain from its first row, a page at a time.
pub async fn verify(pool: &AnyPool) -> Result<Vec<ChainReport>, sqlx::Error> {
    let mut reports = Vec::new();
    for chain in Chain::ALL {
        reports.push(verify_chain(pool, chain).await?);
    }
    Ok(reports)
}

async fn verify_chain(pool: &AnyPool, chain: Chain) -> Result<ChainReport, sqlx::Error> {
    const PAGE: i64 = 1000;
    let table = chain.table();
    let report = |rows, broken| ChainReport {
        chain,
        rows,
        broken,
    };
    let unchained: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM {table} WHERE seq IS NULL OR prev_hash IS NULL OR hash IS NULL \
         ORDER BY id LIMIT 1"
    ))
    .fetch_optional(pool)
    .await?;
    if let Some(id) = unchained {
        let broken = Broken {
            id: Some(id),
            seq: None,
            problem: "the row has no place in the chain".into(),
        };
        return Ok(report(0, Some(broken)));
    }
    let sql = format!(
        "SELECT id, seq, prev_hash, hash, {} FROM {table} WHERE seq > $1 ORDER BY seq LIMIT {PAGE}",
        column_list(chain)
    );
    let mut checked = 0_u64;
    let mut last_seq = 0_i64;
    let mut last_hash = GENESIS.to_owned();
    loop {
        let rows = sqlx::query(&sql).bind(last_seq).fetch_all(pool).await?;
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let seq: i64 = row.try_get("seq")?;
            let prev_hash: String = row.try_get("prev_hash")?;
            let hash: String = row.try_get("hash")?;
            let problem = if seq != last_seq + 1 {
                Some(format!(
                    "expected seq {}, found {seq}: a row is missing",
                    last_seq + 1
                ))
            } else if prev_hash != last_hash {
                Some("prev_hash does not match the hash of the row before".to_owned())
            } else if hash != link_hash(&prev_hash, &content(seq, &values(chain, row)?)) {
                Some("the content does not match its hash: the row was changed".to_owned())
            } else {
                None
            };
            if let Some(problem) = problem {
                let broken = Broken {
                    id: Some(id),
                    seq: Some(seq),
                    problem,
                };
                return Ok(report(checked, Some(broken)));
            }
            checked += 1;
            last_seq = seq;
            last_hash = hash;
        }
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    let head = sqlx::query("SELECT seq, last_hash FROM chain_heads WHERE chain = $1")
        .bind(table)
        .fetch_optional(pool)
        .await?;
    let head_ok = match &head {
        Some(h) => {
            h.try_get::<i64, _>("seq")? == last_seq
                && h.try_get::<String, _>("last_hash")? == last_hash
        }
        None => false,
    };
    let broken = (!head_ok).then(|| Broken {
        id: None,
        seq: Some(last_seq),
        problem: format!(
            "the chain's head does not point at its last row (seq {last_seq}): rows after it were removed"
        ),
    });
    Ok(report(checked, broken))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_of_the_previous_hash_and_the_content() {
        // sha256("0…0\n[1]"), computed independently with coreutils' sha256sum.
        let h = link_hash(GENESIS, &content(1, &[]));
        assert_eq!(h.len(), 64);
        assert_eq!(
            h,
            "96bd1cc77d22e4c0692e973d2cd145d643cf7d9e6d9c3c17b28a7da8ed6af167"
        );
    }

    #[test]
    fn content_keeps_value_boundaries() {
        let a = content(1, &["ab".into(), "c".into()]);
        let b = content(1, &["a".into(), "bc".into()]);
        assert_ne!(a, b);
        assert_eq!(
            content(2, &[Value::Int(None), 5.into(), "引號\"".into()]),
            r#"[2,null,5,"引號\""]"#
        );
    }

    #[test]
    fn changing_anything_changes_the_hash() {
        let row = content(7, &[3.into(), "assign".into(), "{}".into()]);
        let h = link_hash(GENESIS, &row);
        assert_ne!(
            h,
            link_hash(
                GENESIS,
                &content(8, &[3.into(), "assign".into(), "{}".into()])
            )
        );
        assert_ne!(
            h,
            link_hash(
                GENESIS,
                &content(7, &[4.into(), "assign".into(), "{}".into()])
            )
        );
        assert_ne!(h, link_hash(&"1".repeat(64), &row));
    }
}

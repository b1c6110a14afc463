//! The search index (`case_search`, migration 0005; `topic_pieces`, 0006) and the lookups
//! on it: the list's keyword filter, the marks on its results, and similar questions. Both
//! backends key a case's document by `rowid`, so the SQL is shared but for the one
//! condition "contains", which `Backend::doc_contains` writes (a phrase MATCH on SQLite's
//! FTS5 table, a LIKE on PostgreSQL's trigram index). Topic pieces are a plain table.

use super::{id_list, kind, status};
use crate::db::filter::Statement;
use crate::{
    auth::CurrentUser,
    cases::search::{self, Probe, Shared, SimilarCase, Synonyms, Terms},
    db::{
        filter::{bind_all, Arg},
        Backend,
    },
    error::AppError,
};
use sqlx::{AnyConnection, AnyPool, Row};

/// Writes the document of one case from its row; called wherever topic, question text or
/// reply change, in the same transaction.
pub async fn store(conn: &mut AnyConnection, case_id: i64) -> Result<(), sqlx::Error> {
    let row = sqlx::query(
        "SELECT c.topic, c.body, c.reply, l.incoming_number, l.outgoing_number FROM cases c \
         LEFT JOIN case_letters l ON l.case_id = c.id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut *conn)
    .await?;
    // The letters' numbers are searched with the reply (`letters`); a case without them
    // indexes exactly as before, so no stored document goes stale.
    let mut reply: String = row.try_get("reply")?;
    for column in ["incoming_number", "outgoing_number"] {
        if let Some(number) = row.try_get::<Option<String>, _>(column)? {
            if !number.is_empty() {
                reply.push('\n');
                reply.push_str(&number);
            }
        }
    }
    let doc = search::doc(row.try_get("topic")?, row.try_get("body")?, &reply);
    let pieces = search::pieces(row.try_get("topic")?);
    put(conn, case_id, &doc, &pieces).await
}

/// Replaces a document and its topic's pieces (FTS5 has no upsert).
async fn put(
    conn: &mut AnyConnection,
    case_id: i64,
    doc: &str,
    pieces: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM case_search WHERE rowid = $1")
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO case_search (rowid, doc, version) VALUES ($1, $2, $3)")
        .bind(case_id)
        .bind(doc)
        .bind(search::DOC_VERSION)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM topic_pieces WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    if !pieces.is_empty() {
        // One statement for the topic's dozen or so pieces.
        let values = (0..pieces.len())
            .map(|i| format!("(${}, $1)", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO topic_pieces (piece, case_id) VALUES {values}");
        let mut insert = sqlx::query(&sql).bind(case_id);
        for piece in pieces {
            insert = insert.bind(piece.as_str());
        }
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Builds the documents that are missing or were folded by another version of the rules;
/// run when the server opens the database. Returns how many were written.
pub async fn reindex_stale(pool: &AnyPool) -> Result<u64, sqlx::Error> {
    // NOT EXISTS, not NOT IN: PostgreSQL cannot hash a NOT IN subquery that outgrows
    // work_mem and then compares every case with every document (still running after
    // 22 minutes at 400,000 cases); NOT EXISTS is an anti-join on both backends.
    let stale: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM cases c WHERE NOT EXISTS \
           (SELECT 1 FROM case_search s WHERE s.rowid = c.id AND s.version = $1) ORDER BY c.id",
    )
    .bind(search::DOC_VERSION)
    .fetch_all(pool)
    .await?;
    for batch in stale.chunks(500) {
        let mut tx = crate::db::begin(pool).await?;
        for id in batch {
            store(&mut tx, *id).await?;
        }
        tx.commit().await?;
    }
    Ok(stale.len() as u64)
}

/// The admin's synonym groups (a few dozen rows, read per search: every server of a
/// cluster sees an edit at once, and nothing is cached to go stale).
pub async fn synonyms(pool: &AnyPool) -> Result<Synonyms, sqlx::Error> {
    let groups: Vec<String> = sqlx::query_scalar("SELECT words FROM synonym_groups ORDER BY id")
        .fetch_all(pool)
        .await?;
    Ok(Synonyms::new(groups.iter().map(String::as_str)))
}

/// A keyword search ready to be turned into SQL: the terms, and for each term the
/// councilors whose names contain it (a term matches a case through its document or one of
/// its councilors).
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub terms: Terms,
    councilors: Vec<Vec<i64>>,
    backend: Option<Backend>,
}

impl Search {
    /// Reads the councilors (a few hundred names) to match the terms against them here,
    /// folded the same way as documents.
    pub async fn prepare(pool: &AnyPool, q: &str) -> Result<Self, sqlx::Error> {
        let terms = Terms::parse(q);
        if terms.is_empty() {
            return Ok(Self::default());
        }
        let terms = terms.with(&synonyms(pool).await?);
        let backend = Backend::of_pool(pool);
        let names: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM councilors")
            .fetch_all(pool)
            .await?;
        let councilors = terms
            .iter()
            .map(|term| {
                names
                    .iter()
                    .filter(|(_, name)| search::fold_str(name).contains(term))
                    .map(|(id, _)| *id)
                    .collect()
            })
            .collect();
        Ok(Self {
            terms,
            councilors,
            backend,
        })
    }

    /// One `(clause, arguments)` per term, with a `?` for each argument as `Where` expects:
    /// the cases whose document holds any spelling of the term, or whose councilor's name
    /// holds the term as typed.
    pub fn clauses(&self) -> Vec<(String, Vec<Arg>)> {
        let backend = self.backend.unwrap_or(Backend::Sqlite);
        self.terms
            .spellings()
            .zip(&self.councilors)
            .map(|(spellings, councilors)| {
                let mut args = Vec::new();
                if backend == Backend::Postgres && councilors.is_empty() {
                    // A semi-join PostgreSQL may run from either side: for a common word it
                    // walks the list's order and stops after a page (or the count's cap)
                    // of matches, where `IN (… UNION …)` first re-checked every document
                    // the trigram index offered (社會住宅, 400,000 cases: 1.4 s p95).
                    let any = spellings
                        .iter()
                        .map(|spelling| {
                            let (contains, arg) = backend.doc_contains(&search::needle(spelling));
                            args.push(arg);
                            contains
                        })
                        .collect::<Vec<_>>()
                        .join(" OR ");
                    return (
                        format!(
                            "EXISTS (SELECT 1 FROM case_search s WHERE s.rowid = c.id AND ({any}))"
                        ),
                        args,
                    );
                }
                let by_doc = spellings
                    .iter()
                    .map(|spelling| {
                        let (contains, arg) = backend.doc_contains(&search::needle(spelling));
                        args.push(arg);
                        format!("SELECT s.rowid FROM case_search s WHERE {contains}")
                    })
                    .collect::<Vec<_>>()
                    .join(" UNION ");
                let by_name = if councilors.is_empty() {
                    String::new()
                } else {
                    format!(
                        " UNION SELECT cc.case_id FROM case_councilors cc WHERE cc.councilor_id IN ({})",
                        councilors
                            .iter()
                            .map(i64::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                (format!("c.id IN ({by_doc}{by_name})"), args)
            })
            .collect()
    }
}

/// The marks for a page of results: what matched, where, cut to an excerpt.
pub async fn hits(
    pool: &AnyPool,
    rows: &mut [crate::cases::CaseRow],
    terms: &Terms,
    user: &CurrentUser,
) -> Result<(), sqlx::Error> {
    if rows.is_empty() || terms.is_empty() {
        return Ok(());
    }
    let ids = id_list(rows.iter().map(|r| r.id));
    let texts: Vec<(i64, String, String)> = sqlx::query_as(&format!(
        "SELECT id, body, reply FROM cases WHERE id IN ({ids})"
    ))
    .fetch_all(pool)
    .await?;
    for row in rows {
        if let Some((_, body, reply)) = texts.iter().find(|(id, _, _)| *id == row.id) {
            let reply = reply_shown(user, row.status, reply);
            row.hit = Some(search::hit(&row.topic, &row.councilors, body, reply, terms));
        }
    }
    Ok(())
}

/// The reply as `user` may read it in a list: an admin (who reads a case only to help, and
/// is audited for each case page opened) sees only approved replies, never a bureau's
/// draft through a search excerpt or a similar-case line.
fn reply_shown<'a>(
    user: &CurrentUser,
    status: crate::cases::CaseStatus,
    reply: &'a str,
) -> &'a str {
    use crate::{auth::Role, cases::CaseStatus};
    let approved = matches!(status, CaseStatus::Closed | CaseStatus::Tracking);
    if user.role == Role::Admin && !approved {
        ""
    } else {
        reply
    }
}

/// How many matches of each piece of the topic are weighed, newest first.
const PER_SHINGLE: i64 = 200;
/// How many cases are shown.
pub const SIMILAR_SHOWN: usize = 5;

/// The query counting, per earlier case, how many of `shingles` its topic shares: each
/// piece's newest [`PER_SHINGLE`] cases that `user` may see (a bureau, only cases it holds
/// a part in). Public so that the plan guard (a test) can EXPLAIN it.
pub fn similar_statement(
    backend: Backend,
    user: &CurrentUser,
    probe: &Probe,
    shingles: &[String],
) -> Result<Statement, AppError> {
    let mut args = Vec::new();
    let bureau = if user.role.belongs_to_bureau() {
        args.push(Arg::Int(user.bureau_id.ok_or(AppError::Forbidden)?));
        Some(args.len())
    } else {
        None
    };
    // A probe per case walked, so the walk stops after enough of the bureau's own.
    let visible = |id: &str| match bureau {
        Some(n) => format!(" AND {}", super::open_part_probe(id, n)),
        None => String::new(),
    };
    let exclude = |id: &str| {
        probe
            .exclude
            .map(|case| format!(" AND {id} <> {case}"))
            .unwrap_or_default()
    };
    let mut sets = Vec::new();
    let mut newest = Vec::new();
    for shingle in shingles {
        if shingle.chars().count() >= search::TRIGRAM {
            // A piece is a range of the primary key, read newest first.
            args.push(Arg::Text(shingle.clone()));
            let n = args.len();
            newest.push(format!(
                "SELECT id FROM (SELECT p.case_id AS id FROM topic_pieces p \
                 WHERE p.piece = ${n}{}{} ORDER BY p.case_id DESC LIMIT {PER_SHINGLE}) p{n}",
                exclude("p.case_id"),
                visible("p.case_id"),
            ));
        } else {
            // A topic too short for pieces is looked for in the documents: its matches as
            // a set of their own (`MATERIALIZED`), found through the index, then sorted.
            let (contains, arg) = backend.doc_contains(&search::needle(shingle));
            args.push(arg);
            let n = args.len();
            let contains = contains.replace('?', &format!("${n}"));
            sets.push(format!(
                "f{n} AS MATERIALIZED (SELECT s.rowid AS id FROM case_search s \
                 WHERE {contains}{}{})",
                exclude("s.rowid"),
                visible("s.rowid"),
            ));
            newest.push(format!(
                "SELECT id FROM (SELECT id FROM f{n} ORDER BY id DESC LIMIT {PER_SHINGLE}) p{n}"
            ));
        }
    }
    let with = if sets.is_empty() {
        String::new()
    } else {
        format!("WITH {} ", sets.join(", "))
    };
    Ok(Statement {
        sql: format!(
            "{with}SELECT id, COUNT(*) AS n FROM ({}) m GROUP BY id ORDER BY n DESC, id DESC LIMIT 50",
            newest.join(" UNION ALL ")
        ),
        args,
    })
}

/// Earlier cases alike to `probe` that `user` may see (a bureau, only cases it holds a part
/// in), most alike first.
pub async fn similar(
    pool: &AnyPool,
    user: &CurrentUser,
    probe: &Probe,
) -> Result<Vec<SimilarCase>, AppError> {
    let shingles = search::shingles(&probe.topic, &synonyms(pool).await?);
    if shingles.is_empty() {
        return Ok(Vec::new());
    }
    let backend = Backend::of_pool(pool).unwrap_or(Backend::Sqlite);
    let Statement { sql, args } = similar_statement(backend, user, probe, &shingles)?;
    let counted: Vec<(i64, i64)> = bind_all(sqlx::query(&sql), &args)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("n")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    if counted.is_empty() {
        return Ok(Vec::new());
    }
    let ids = id_list(counted.iter().map(|(id, _)| *id));
    let rows = sqlx::query(&format!(
        "SELECT c.id, c.kind, c.number, c.topic, c.status, c.reply, \
           (SELECT b.short_name FROM assignments a JOIN bureaus b ON b.id = a.bureau_id \
             WHERE a.case_id = c.id AND a.role = 'lead' AND a.state IN ('pending', 'accepted')) AS lead_bureau, \
           (SELECT a.bureau_id FROM assignments a \
             WHERE a.case_id = c.id AND a.role = 'lead' AND a.state IN ('pending', 'accepted')) AS lead_id \
         FROM cases c WHERE c.id IN ({ids})"
    ))
    .fetch_all(pool)
    .await?;
    let names: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT cc.case_id, co.id, co.name FROM case_councilors cc \
         JOIN councilors co ON co.id = cc.councilor_id \
         WHERE cc.case_id IN ({ids}) ORDER BY cc.case_id, cc.position"
    ))
    .fetch_all(pool)
    .await?;
    let terms = Terms::of_shingles(&shingles);
    let mut scored = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let shared = counted
            .iter()
            .find(|(c, _)| *c == id)
            .map_or(0, |(_, n)| *n as usize);
        let councilors: Vec<&(i64, i64, String)> =
            names.iter().filter(|(case, _, _)| *case == id).collect();
        let lead_id: Option<i64> = row.try_get("lead_id")?;
        let Some(score) = search::similarity(Shared {
            shingles: shared,
            same_councilor: councilors
                .iter()
                .any(|(_, co, _)| probe.councilor_ids.contains(co)),
            same_bureau: probe.bureau_id.is_some() && lead_id == probe.bureau_id,
        }) else {
            continue;
        };
        let topic: String = row.try_get("topic")?;
        let reply: String = row.try_get("reply")?;
        let reply = reply_shown(user, status(row)?, &reply);
        scored.push((
            score,
            SimilarCase {
                id,
                kind: kind(row)?,
                number: row.try_get("number")?,
                topic: search::highlight(&topic, &terms),
                councilors: councilors
                    .iter()
                    .map(|(_, _, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                lead_bureau: row.try_get("lead_bureau")?,
                status: status(row)?,
                reply: search::opening(reply, 120),
            },
        ));
    }
    // Most alike first; the newer of two equally alike. (The query's fifty are those with
    // the most pieces in common, which rank first here too.)
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.id.cmp(&a.1.id)));
    Ok(scored
        .into_iter()
        .take(SIMILAR_SHOWN)
        .map(|(_, c)| c)
        .collect())
}

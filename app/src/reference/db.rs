use super::{session_title, Bureau, Choices, SessionKind};
use crate::db::flag;
use sqlx::{AnyPool, Row};

pub async fn active_bureaus(pool: &AnyPool) -> Result<Vec<Bureau>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, code, name, short_name, active FROM bureaus ORDER BY sort_order, id",
    )
    .fetch_all(pool)
    .await?;
    let mut bureaus = Vec::with_capacity(rows.len());
    for row in rows {
        if flag(&row, "active")? {
            bureaus.push(Bureau {
                id: row.try_get("id")?,
                code: row.try_get("code")?,
                name: row.try_get("name")?,
                short_name: row.try_get("short_name")?,
            });
        }
    }
    Ok(bureaus)
}

pub async fn bureau_id_by_code(pool: &AnyPool, code: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM bureaus WHERE code = $1")
        .bind(code)
        .fetch_optional(pool)
        .await
}

/// Inserts or renames a bureau by its code; returns its id. Re-running a seed is harmless.
pub async fn upsert_bureau(
    pool: &AnyPool,
    code: &str,
    name: &str,
    short_name: &str,
    sort_order: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO bureaus (code, name, short_name, sort_order) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, \
           short_name = excluded.short_name, sort_order = excluded.sort_order \
         RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(short_name)
    .bind(sort_order)
    .fetch_one(pool)
    .await
}

pub async fn upsert_term(
    pool: &AnyPool,
    number: i64,
    starts_on: &str,
    ends_on: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO council_terms (number, starts_on, ends_on) VALUES ($1, $2, $3) \
         ON CONFLICT (number) DO UPDATE SET starts_on = excluded.starts_on, ends_on = excluded.ends_on \
         RETURNING id",
    )
    .bind(number)
    .bind(starts_on)
    .bind(ends_on)
    .fetch_one(pool)
    .await
}

pub async fn upsert_session(
    pool: &AnyPool,
    term_id: i64,
    kind: SessionKind,
    number: i64,
    starts_on: &str,
    ends_on: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO council_sessions (term_id, kind, number, starts_on, ends_on) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (term_id, kind, number) DO UPDATE SET \
           starts_on = excluded.starts_on, ends_on = excluded.ends_on \
         RETURNING id",
    )
    .bind(term_id)
    .bind(kind.as_str())
    .bind(number)
    .bind(starts_on)
    .bind(ends_on)
    .fetch_one(pool)
    .await
}

pub struct NewCouncilor<'a> {
    pub name: &'a str,
    pub party: &'a str,
    pub caucus: &'a str,
    pub district: &'a str,
}

pub async fn upsert_councilor(
    pool: &AnyPool,
    term_id: i64,
    c: &NewCouncilor<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO councilors (term_id, name, party, caucus, district) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (term_id, name) DO UPDATE SET party = excluded.party, \
           caucus = excluded.caucus, district = excluded.district \
         RETURNING id",
    )
    .bind(term_id)
    .bind(c.name)
    .bind(c.party)
    .bind(c.caucus)
    .bind(c.district)
    .fetch_one(pool)
    .await
}

pub async fn choices(pool: &AnyPool) -> Result<Choices, sqlx::Error> {
    let sessions = sqlx::query(
        "SELECT s.id, s.kind, s.number, t.number AS term FROM council_sessions s \
         JOIN council_terms t ON t.id = s.term_id ORDER BY s.starts_on DESC, s.id DESC",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let kind = SessionKind::parse(r.try_get("kind")?)
            .ok_or_else(|| sqlx::Error::Decode("session kind".into()))?;
        Ok((
            r.try_get("id")?,
            session_title(r.try_get("term")?, r.try_get("number")?, kind),
        ))
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let active = |sql: &'static str| async move {
        let rows = sqlx::query(sql).fetch_all(pool).await?;
        let mut out = Vec::new();
        for row in rows {
            if flag(&row, "active")? {
                out.push((row.try_get("id")?, row.try_get("label")?));
            }
        }
        Ok::<_, sqlx::Error>(out)
    };
    Ok(Choices {
        sessions,
        sitting_types: active(
            "SELECT id, name AS label, active FROM sitting_types ORDER BY sort_order, id",
        )
        .await?,
        councilors: active(
            "SELECT c.id, c.name AS label, c.active FROM councilors c \
             JOIN council_terms t ON t.id = c.term_id ORDER BY t.number DESC, c.id",
        )
        .await?,
        bureaus: active("SELECT id, name AS label, active FROM bureaus ORDER BY sort_order, id")
            .await?,
    })
}

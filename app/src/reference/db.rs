use super::{session_title, Bureau, Choices, SessionKind};
use crate::db::{date, flag, unexpected};
use crate::error::AppError;
use sqlx::{AnyConnection, AnyPool, Row};

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

pub async fn bureau_id_by_code<'c>(
    pool: impl crate::db::Db<'c>,
    code: &str,
) -> Result<Option<i64>, sqlx::Error> {
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
        let kind =
            SessionKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("session kind"))?;
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
        service_categories: active(
            "SELECT id, name AS label, active FROM service_categories ORDER BY sort_order, id",
        )
        .await?,
    })
}

pub async fn reference_data(pool: &AnyPool) -> Result<super::ReferenceData, sqlx::Error> {
    use super::{BureauRow, CouncilorRow, ReferenceData, SessionRow, SittingTypeRow, Term};
    let terms = sqlx::query(
        "SELECT id, number, starts_on, ends_on FROM council_terms ORDER BY number DESC",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Term {
            id: r.try_get("id")?,
            number: r.try_get("number")?,
            starts_on: date(r, "starts_on")?,
            ends_on: date(r, "ends_on")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let sessions = sqlx::query(
        "SELECT s.id, s.term_id, s.kind, s.number, s.starts_on, s.ends_on, t.number AS term \
         FROM council_sessions s JOIN council_terms t ON t.id = s.term_id \
         ORDER BY s.starts_on DESC, s.id DESC",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let kind = SessionKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
        Ok(SessionRow {
            id: r.try_get("id")?,
            term_id: r.try_get("term_id")?,
            kind,
            number: r.try_get("number")?,
            title: session_title(r.try_get("term")?, r.try_get("number")?, kind),
            starts_on: date(r, "starts_on")?,
            ends_on: date(r, "ends_on")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let councilors = sqlx::query(
        "SELECT c.id, c.term_id, t.number AS term, c.name, c.party, c.caucus, c.district, c.active \
         FROM councilors c JOIN council_terms t ON t.id = c.term_id ORDER BY t.number DESC, c.id",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(CouncilorRow {
            id: r.try_get("id")?,
            term_id: r.try_get("term_id")?,
            term: r.try_get("term")?,
            name: r.try_get("name")?,
            party: r.try_get("party")?,
            caucus: r.try_get("caucus")?,
            district: r.try_get("district")?,
            active: flag(r, "active")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let bureaus = sqlx::query(
        "SELECT id, code, name, short_name, active FROM bureaus ORDER BY sort_order, id",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(BureauRow {
            id: r.try_get("id")?,
            code: r.try_get("code")?,
            name: r.try_get("name")?,
            short_name: r.try_get("short_name")?,
            active: flag(r, "active")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut aliases: std::collections::HashMap<i64, Vec<(i64, String)>> = Default::default();
    for r in sqlx::query(
        "SELECT id, sitting_type_id, alias FROM sitting_type_aliases ORDER BY alias, id",
    )
    .fetch_all(pool)
    .await?
    {
        aliases
            .entry(r.try_get("sitting_type_id")?)
            .or_default()
            .push((r.try_get("id")?, r.try_get("alias")?));
    }
    let sitting_types =
        sqlx::query("SELECT id, code, name, active FROM sitting_types ORDER BY sort_order, id")
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| {
                let id = r.try_get("id")?;
                Ok(SittingTypeRow {
                    id,
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    active: flag(r, "active")?,
                    aliases: aliases.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let service_categories =
        sqlx::query("SELECT id, name, active FROM service_categories ORDER BY sort_order, id")
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| {
                Ok(super::ServiceCategoryRow {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    active: flag(r, "active")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(ReferenceData {
        terms,
        sessions,
        councilors,
        bureaus,
        sitting_types,
        service_categories,
    })
}

fn taken(err: sqlx::Error, constraint: &str, field: &str, message: &str) -> AppError {
    if crate::db::is_unique_violation(&err, constraint) {
        AppError::validation(field, message)
    } else if matches!(&err, sqlx::Error::Database(db) if db.is_foreign_key_violation()) {
        AppError::validation("term_id", "找不到所選的屆別。")
    } else {
        err.into()
    }
}

pub async fn insert_term(conn: &mut AnyConnection, t: &super::NewTerm) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "INSERT INTO council_terms (number, starts_on, ends_on) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(t.number)
    .bind(t.starts_on.to_string())
    .bind(t.ends_on.to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| taken(e, "council_terms_number_key", "number", "已有這一屆。"))
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    s: &super::NewSession,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "INSERT INTO council_sessions (term_id, kind, number, starts_on, ends_on) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(s.term_id)
    .bind(s.kind.as_str())
    .bind(s.number)
    .bind(s.starts_on.to_string())
    .bind(s.ends_on.to_string())
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        taken(
            e,
            "council_sessions_term_kind_number_key",
            "number",
            "這一屆已有相同的會次。",
        )
    })
}

pub async fn insert_councilor(
    conn: &mut AnyConnection,
    c: &super::CouncilorInput,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "INSERT INTO councilors (term_id, name, party, caucus, district) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(c.term_id)
    .bind(&c.name)
    .bind(&c.party)
    .bind(&c.caucus)
    .bind(&c.district)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| taken(e, "councilors_term_name_key", "name", "這一屆已有同名議員。"))
}

pub async fn insert_bureau(
    conn: &mut AnyConnection,
    b: &super::BureauInput,
) -> Result<i64, AppError> {
    // Two unique keys; SQLite does not say which one broke, so the code is checked first.
    if bureau_id_by_code(&mut *conn, &b.code).await?.is_some() {
        return Err(AppError::validation("code", "此代碼已有機關使用。"));
    }
    let order: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM bureaus")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query_scalar(
        "INSERT INTO bureaus (code, name, short_name, sort_order) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&b.code)
    .bind(&b.name)
    .bind(&b.short_name)
    .bind(order)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| taken(e, "bureaus_name_key", "name", "已有同名的機關。"))
}

pub async fn insert_sitting_type(conn: &mut AnyConnection, name: &str) -> Result<i64, AppError> {
    let next: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM sitting_types")
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query_scalar(
        "INSERT INTO sitting_types (code, name, sort_order) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(format!("custom_{next}"))
    .bind(name)
    .bind(next)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| taken(e, "sitting_types_name_key", "name", "已有同名的質詢類別。"))
}

/// A new category of service case, last in the order; its code made from its id, since
/// nothing but the reference data reads it.
pub async fn insert_service_category(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<i64, AppError> {
    let order: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM service_categories")
            .fetch_one(&mut *conn)
            .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_categories (code, name, sort_order) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(format!("added-{order}"))
    .bind(name)
    .bind(order)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        taken(
            e,
            "service_categories_name_key",
            "name",
            "已有同名的案件類別。",
        )
    })?;
    Ok(id)
}

/// Another name for a sitting type, as lists write it; an alias names one type.
pub async fn insert_alias(
    conn: &mut AnyConnection,
    sitting_type: i64,
    alias: &str,
) -> Result<i64, AppError> {
    let named: Option<i64> = sqlx::query_scalar("SELECT id FROM sitting_types WHERE name = $1")
        .bind(alias)
        .fetch_optional(&mut *conn)
        .await?;
    if named.is_some() {
        return Err(AppError::validation("alias", "這已是一個質詢類別的名稱。"));
    }
    sqlx::query_scalar(
        "INSERT INTO sitting_type_aliases (sitting_type_id, alias) VALUES ($1, $2) RETURNING id",
    )
    .bind(sitting_type)
    .bind(alias)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| {
        if matches!(&e, sqlx::Error::Database(db) if db.is_foreign_key_violation()) {
            AppError::validation("sitting_type", "找不到所選的質詢類別。")
        } else {
            taken(
                e,
                "sitting_type_aliases_alias_key",
                "alias",
                "這個別名已在使用中。",
            )
        }
    })
}

/// Removes an alias; its sitting type and name, if there was one.
pub async fn remove_alias(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT sitting_type_id, alias FROM sitting_type_aliases WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("DELETE FROM sitting_type_aliases WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(Some((
        row.try_get("sitting_type_id")?,
        row.try_get("alias")?,
    )))
}

/// Retires or restores a row; retired rows stay on old cases but leave the pickers.
pub async fn set_active(
    conn: &mut AnyConnection,
    kind: super::Retirable,
    id: i64,
    active: bool,
) -> Result<(), AppError> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET active = $1 WHERE id = $2",
        kind.table()
    ))
    .bind(active)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn updated(done: sqlx::any::AnyQueryResult) -> Result<(), AppError> {
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn update_session(
    conn: &mut AnyConnection,
    id: i64,
    s: &super::NewSession,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE council_sessions SET term_id = $1, kind = $2, number = $3, starts_on = $4, ends_on = $5 \
         WHERE id = $6",
    )
    .bind(s.term_id)
    .bind(s.kind.as_str())
    .bind(s.number)
    .bind(s.starts_on.to_string())
    .bind(s.ends_on.to_string())
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(|e| taken(e, "council_sessions_term_kind_number_key", "number", "這一屆已有相同的會次。"))?;
    updated(done)
}

pub async fn update_councilor(
    conn: &mut AnyConnection,
    id: i64,
    c: &super::CouncilorInput,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE councilors SET term_id = $1, name = $2, party = $3, caucus = $4, district = $5 WHERE id = $6",
    )
    .bind(c.term_id)
    .bind(&c.name)
    .bind(&c.party)
    .bind(&c.caucus)
    .bind(&c.district)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(|e| taken(e, "councilors_term_name_key", "name", "這一屆已有同名議員。"))?;
    updated(done)
}

pub async fn update_bureau(
    conn: &mut AnyConnection,
    id: i64,
    b: &super::BureauInput,
) -> Result<(), AppError> {
    if bureau_id_by_code(&mut *conn, &b.code)
        .await?
        .is_some_and(|other| other != id)
    {
        return Err(AppError::validation("code", "此代碼已有機關使用。"));
    }
    let done =
        sqlx::query("UPDATE bureaus SET code = $1, name = $2, short_name = $3 WHERE id = $4")
            .bind(&b.code)
            .bind(&b.name)
            .bind(&b.short_name)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(|e| taken(e, "bureaus_name_key", "name", "已有同名的機關。"))?;
    updated(done)
}

/// Whether the council session `id` exists: asked before a list is kept for it or a volume
/// of it is started.
pub async fn session_exists(pool: &AnyPool, id: i64) -> Result<bool, sqlx::Error> {
    let known: Option<i64> = sqlx::query_scalar("SELECT id FROM council_sessions WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(known.is_some())
}

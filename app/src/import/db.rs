//! Uploaded lists and what they are checked against; the import itself.

use super::{Known, Layout, Mapping, Preview, Table};
use crate::{
    auth::CurrentUser,
    cases::NewQuestion,
    db::Tx,
    error::AppError,
    reference::{session_title, SessionKind},
};
use sqlx::{AnyPool, Row};

/// Keeps an uploaded list of questions for its preview.
pub async fn store(
    pool: &AnyPool,
    user_id: i64,
    session_id: i64,
    file_name: &str,
    table: &Table,
    now: i64,
) -> Result<i64, AppError> {
    store_as(pool, "question", user_id, session_id, file_name, table, now).await
}

/// Keeps an uploaded list of `kind` (`question`, `resolution`) for its preview.
pub async fn store_as(
    pool: &AnyPool,
    kind: &str,
    user_id: i64,
    session_id: i64,
    file_name: &str,
    table: &Table,
    now: i64,
) -> Result<i64, AppError> {
    if !crate::reference::db::session_exists(pool, session_id).await? {
        return Err(AppError::validation("session", "找不到所選的會期。"));
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO question_imports (requested_by, session_id, file_name, header, data_rows, \
           layout, created_at, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(user_id)
    .bind(session_id)
    .bind(file_name)
    .bind(json(&table.header)?)
    .bind(json(&table.rows)?)
    .bind(json(&table.layout)?)
    .bind(now)
    .bind(kind)
    .fetch_one(pool)
    .await?)
}

/// A kept part of a list as JSON text.
fn json<T: serde::Serialize>(part: &T) -> Result<String, AppError> {
    serde_json::to_string(part).map_err(|e| AppError::internal("import", e))
}

/// An uploaded list: its session, file name, title row, rows, where they were found, and
/// how many were imported.
pub struct Upload {
    /// What the list lists: `question` or `resolution`.
    pub kind: String,
    pub session_id: i64,
    pub file_name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub layout: Layout,
    pub imported: Option<i64>,
}

/// The uploaded list `id` of `kind`; another kind's list is not found here.
pub async fn upload_of(pool: &AnyPool, kind: &str, id: i64) -> Result<Upload, AppError> {
    let row = sqlx::query(
        "SELECT kind, session_id, file_name, header, data_rows, layout, imported \
         FROM question_imports WHERE id = $1 AND kind = $2",
    )
    .bind(id)
    .bind(kind)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let parse = |column: &str| -> Result<String, sqlx::Error> { row.try_get(column) };
    Ok(Upload {
        kind: row.try_get("kind")?,
        session_id: row.try_get("session_id")?,
        file_name: row.try_get("file_name")?,
        header: serde_json::from_str(&parse("header")?)
            .map_err(|e| AppError::internal("import header", e))?,
        rows: serde_json::from_str(&parse("data_rows")?)
            .map_err(|e| AppError::internal("import rows", e))?,
        layout: serde_json::from_str(&parse("layout")?)
            .map_err(|e| AppError::internal("import layout", e))?,
        imported: row.try_get("imported")?,
    })
}

/// The uploaded list of questions `id`.
pub async fn upload(pool: &AnyPool, id: i64) -> Result<Upload, AppError> {
    upload_of(pool, "question", id).await
}

/// The title of session `id` (第14屆第3次定期大會).
pub async fn session_name(pool: &AnyPool, id: i64) -> Result<String, AppError> {
    let session = sqlx::query(
        "SELECT t.number AS term_number, s.number, s.kind FROM council_sessions s \
         JOIN council_terms t ON t.id = s.term_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    let kind = SessionKind::parse(session.try_get("kind")?)
        .ok_or_else(|| crate::db::unexpected("session kind"))?;
    Ok(session_title(
        session.try_get("term_number")?,
        session.try_get("number")?,
        kind,
    ))
}

/// The councilors of `session_id`'s term, by name.
pub async fn term_councilors(
    pool: &AnyPool,
    session_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query(
        "SELECT c.id, c.name FROM councilors c \
         JOIN council_sessions s ON s.term_id = c.term_id WHERE s.id = $1",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("name")?, r.try_get("id")?)))
    .collect()
}

/// Marks list `id` imported with `n` cases, in `tx`; a list is imported once.
pub async fn mark_imported(tx: &mut Tx, id: i64, n: usize, now: i64) -> Result<(), AppError> {
    let marked = sqlx::query(
        "UPDATE question_imports SET imported_at = $2, imported = $3 \
         WHERE id = $1 AND imported IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(n as i64)
    .execute(&mut **tx)
    .await?;
    if marked.rows_affected() == 0 {
        return Err(AppError::Conflict("這個檔案已經匯入過了。".into()));
    }
    Ok(())
}

/// What rows of `session` are checked against: its term's councilors, the sitting types
/// (by name, code and alias), the numbers already taken.
pub async fn known(pool: &AnyPool, session_id: i64) -> Result<Known, sqlx::Error> {
    let councilors = term_councilors(pool, session_id).await?;
    // Aliases first: a type's own name wins over another's alias.
    let mut sitting_types: Vec<(String, i64)> = Vec::new();
    for r in sqlx::query("SELECT sitting_type_id AS id, alias FROM sitting_type_aliases")
        .fetch_all(pool)
        .await?
    {
        sitting_types.push((r.try_get("alias")?, r.try_get("id")?));
    }
    for r in sqlx::query("SELECT id, code, name FROM sitting_types")
        .fetch_all(pool)
        .await?
    {
        let id: i64 = r.try_get("id")?;
        sitting_types.push((r.try_get("code")?, id));
        sitting_types.push((r.try_get("name")?, id));
    }
    let taken = sqlx::query_scalar::<_, i64>(
        "SELECT number FROM cases WHERE session_id = $1 AND kind = 'question'",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    Ok(Known::new(session_id, councilors, sitting_types, taken))
}

/// The preview of an upload with the columns mapped as `mapping` says (the guess where it
/// is silent).
pub async fn preview(
    pool: &AnyPool,
    id: i64,
    chosen: impl Fn(&str) -> Option<String>,
) -> Result<Preview, AppError> {
    let upload = upload(pool, id).await?;
    let mapping = Mapping::from_query(Mapping::guess(&upload.header), chosen);
    let known = known(pool, upload.session_id).await?;
    Ok(Preview {
        id,
        file_name: upload.file_name,
        session_id: upload.session_id,
        session: session_name(pool, upload.session_id).await?,
        rows: super::check(&upload.rows, &upload.layout.lines, &mapping, &known)
            .into_iter()
            .map(|(r, _)| r)
            .collect(),
        width: upload
            .rows
            .iter()
            .map(Vec::len)
            .chain([upload.header.len()])
            .max()
            .unwrap_or(0),
        layout: upload.layout,
        header: upload.header,
        mapping,
        imported: upload.imported,
    })
}

/// Records the questions, in `tx`, and marks the upload as imported; an upload is imported
/// once.
pub async fn import(
    tx: &mut Tx,
    id: i64,
    questions: &[(usize, NewQuestion)],
    user: &CurrentUser,
    now: i64,
) -> Result<Vec<i64>, AppError> {
    mark_imported(tx, id, questions.len(), now).await?;
    let mut ids = Vec::with_capacity(questions.len());
    for (line, q) in questions {
        let id = crate::cases::db::record_question(tx, q, user, now)
            .await
            .map_err(|e| match e {
                AppError::Validation { message, .. } => {
                    AppError::validation("rows", format!("第 {line} 列：{message}"))
                }
                other => other,
            })?;
        ids.push(id);
    }
    Ok(ids)
}

/// Removes uploaded lists older than `before` (the questions imported stay, with their
/// events and the audit row that names the file).
pub async fn forget(pool: &AnyPool, before: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM question_imports WHERE created_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

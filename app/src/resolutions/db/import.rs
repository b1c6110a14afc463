//! The council's lists of resolutions: the preview of a kept list, and importing the rows
//! chosen, all in one transaction with the audit row, or none.

use crate::{
    audit::{db::Entry, AuditAction},
    caller::Caller,
    error::AppError,
    import::{
        db::{mark_imported, session_name, term_councilors, upload_of},
        Known,
    },
    resolutions::import::{check, chosen, Mapping, Preview},
};
use sqlx::AnyPool;
use std::collections::HashSet;

const KIND: &str = "resolution";

async fn known(pool: &AnyPool, session_id: i64) -> Result<Known, sqlx::Error> {
    let councilors = term_councilors(pool, session_id).await?;
    Ok(Known::new(
        session_id,
        councilors,
        Vec::<(String, i64)>::new(),
        HashSet::new(),
    ))
}

/// List `id` checked row by row, its columns mapped as `columns` says (the guess where it
/// is silent).
pub async fn preview(
    pool: &AnyPool,
    id: i64,
    columns: impl Fn(&str) -> Option<String>,
) -> Result<Preview, AppError> {
    let upload = upload_of(pool, KIND, id).await?;
    let mapping = Mapping::from_query(Mapping::guess(&upload.header), columns);
    let known = known(pool, upload.session_id).await?;
    let rows = check(
        &upload.rows,
        &upload.layout.lines,
        &mapping,
        upload.session_id,
        &known,
    )
    .into_iter()
    .map(|(r, _)| r)
    .collect();
    Ok(Preview {
        id,
        file_name: upload.file_name,
        session: session_name(pool, upload.session_id).await?,
        width: upload
            .rows
            .iter()
            .map(Vec::len)
            .chain([upload.header.len()])
            .max()
            .unwrap_or(0),
        header: upload.header,
        mapping,
        rows,
        imported: upload.imported,
    })
}

/// Imports the `lines` of list `id`: every chosen row checked again, then all recorded.
/// Returns how many resolutions were recorded.
pub async fn commit_import(
    c: &Caller,
    id: i64,
    columns: impl Fn(&str) -> Option<String>,
    lines: &HashSet<usize>,
) -> Result<usize, AppError> {
    let upload = upload_of(c.db(), KIND, id).await?;
    if upload.imported.is_some() {
        return Err(AppError::Conflict("這個檔案已經匯入過了。".into()));
    }
    if lines.is_empty() {
        return Err(AppError::validation("line", "請勾選要匯入的列。"));
    }
    let mapping = Mapping::from_query(Mapping::guess(&upload.header), columns);
    let known = known(c.db(), upload.session_id).await?;
    let checked = check(
        &upload.rows,
        &upload.layout.lines,
        &mapping,
        upload.session_id,
        &known,
    );
    let rows = chosen(checked, lines).map_err(|refused| {
        let lines: Vec<String> = refused.iter().map(usize::to_string).collect();
        AppError::validation(
            "line",
            format!(
                "第 {} 列有問題，未匯入任何一案。請取消勾選這些列，或修正檔案後重新上傳。",
                lines.join("、")
            ),
        )
    })?;
    let mut tx = c.begin().await?;
    mark_imported(&mut tx, id, rows.len(), c.ts()).await?;
    for (line, r) in &rows {
        super::record(&mut tx, r, &c.user, c.ts())
            .await
            .map_err(|e| match e {
                AppError::Validation { message, .. } => {
                    AppError::validation("rows", format!("第 {line} 列：{message}"))
                }
                other => other,
            })?;
    }
    let entry = Entry::new(AuditAction::ResolutionsImported, "question_import", id).data(
        serde_json::json!({
            "session_id": upload.session_id,
            "file_name": upload.file_name,
            "resolutions": rows.len(),
        }),
    );
    c.audit(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(rows.len())
}

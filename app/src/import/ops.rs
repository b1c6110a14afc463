//! Importing the rows chosen from a kept list, written once for the preview's form and
//! `fuhuitong import questions`: every chosen row checked again, then all of them in one
//! transaction with the audit row, or none.

use super::{check, chosen, db, Mapping};
use crate::{
    audit::{db::Entry, AuditAction},
    caller::Caller,
    error::AppError,
};
use std::collections::HashSet;

/// Imports the `lines` of list `id`, its columns mapped as `columns` says (the guess where
/// it is silent). Returns how many questions were recorded.
pub async fn commit(
    c: &Caller,
    id: i64,
    columns: impl Fn(&str) -> Option<String>,
    lines: &HashSet<usize>,
) -> Result<usize, AppError> {
    let upload = db::upload(c.db(), id).await?;
    if upload.imported.is_some() {
        return Err(AppError::Conflict("這個檔案已經匯入過了。".into()));
    }
    if lines.is_empty() {
        return Err(AppError::validation("line", "請勾選要匯入的列。"));
    }
    let mapping = Mapping::from_query(Mapping::guess(&upload.header), columns);
    let known = db::known(c.db(), upload.session_id).await?;
    let checked = check(&upload.rows, &upload.layout.lines, &mapping, &known);
    let questions = chosen(checked, lines).map_err(refused)?;
    let mut tx = c.begin().await?;
    let ids = db::import(&mut tx, id, &questions, &c.user, c.ts()).await?;
    let entry =
        Entry::new(AuditAction::QuestionsImported, "question_import", id).data(serde_json::json!({
            "session_id": upload.session_id,
            "file_name": upload.file_name,
            "questions": ids.len(),
        }));
    c.audit(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(ids.len())
}

/// Why nothing was imported: the chosen lines that have problems.
fn refused(lines: Vec<usize>) -> AppError {
    let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
    AppError::validation(
        "line",
        format!(
            "第 {} 列有問題，未匯入任何一題。請取消勾選這些列，或修正檔案後重新上傳。",
            lines.join("、")
        ),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_refusal_names_every_line_with_a_problem() {
        let err = super::refused(vec![3, 7]);
        assert!(err
            .field_message("line")
            .unwrap()
            .starts_with("第 3、7 列有問題，未匯入任何一題。"));
    }
}

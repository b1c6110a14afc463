//! A bill's papers: stored by its bureau, read by whoever may read the bill.

use super::*;

/// Whether the caller may add papers to bill `id`, asked before an upload's body is read.
pub async fn may_add_files(c: &Caller, id: i64) -> Result<(), AppError> {
    let bureau: i64 = sqlx::query_scalar("SELECT bureau_id FROM bills WHERE id = $1")
        .bind(id)
        .fetch_optional(c.db())
        .await?
        .ok_or(AppError::NotFound)?;
    if may_write(&c.user, bureau) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Stores papers of a bill (the upload's one operation): checked again, each file kept with
/// its digest, the timeline and the audit log told, in one transaction.
pub async fn add_files(
    c: &Caller,
    id: i64,
    kind: &str,
    files: Vec<crate::cases::db::NewFile>,
) -> Result<(), AppError> {
    use sha2::Digest;
    let kind = crate::bills::FileKind::parse(kind)
        .ok_or_else(|| AppError::validation("file_kind", "請選擇附件種類。"))?;
    if files.is_empty() {
        return Err(AppError::validation("files", "請選擇要上傳的檔案。"));
    }
    let mut tx = c.begin().await?;
    for_write(c, &mut tx, id).await?;
    let mut names = Vec::new();
    for file in files {
        let digest = sha2::Sha256::digest(&file.data);
        let sha256: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        sqlx::query(
            "INSERT INTO bill_files (bill_id, file_kind, file_name, content_type, size_bytes, \
               sha256, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.data.len() as i64)
        .bind(&sha256)
        .bind(file.data)
        .bind(c.user.id)
        .bind(c.ts())
        .execute(&mut *tx)
        .await?;
        names.push(file.file_name);
    }
    event(
        c,
        &mut tx,
        id,
        "file_added",
        None,
        &format!("{}：{}", kind.label(), names.join("、")),
    )
    .await?;
    c.audit(
        &mut tx,
        Entry::new(AuditAction::BillFilesAdded, "bill", id)
            .data(json!({ "kind": kind.as_str(), "files": names })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A paper of a bill, if the caller may read the bill; the download is audited.
pub async fn file(c: &Caller, file_id: i64) -> Result<(String, String, Vec<u8>), AppError> {
    let found = async {
        let row = sqlx::query(
            "SELECT b.bureau_id, f.bill_id, f.file_name, f.content_type, f.data FROM bill_files f \
             JOIN bills b ON b.id = f.bill_id WHERE f.id = $1",
        )
        .bind(file_id)
        .fetch_optional(c.db())
        .await?
        .ok_or(AppError::NotFound)?;
        if !may_read(&c.user, row.try_get("bureau_id")?) {
            return Err(AppError::Forbidden);
        }
        Ok::<_, AppError>(row)
    }
    .await;
    let row = c
        .refused(crate::audit::db::Kept::BillFile, file_id, found)
        .await?;
    let name: String = row.try_get("file_name")?;
    let bill: i64 = row.try_get("bill_id")?;
    c.audit_alone(
        Entry::new(AuditAction::FileDownloaded, "bill_file", file_id)
            .data(json!({ "bill_id": bill, "file_name": name })),
    )
    .await?;
    Ok((name, row.try_get("content_type")?, row.try_get("data")?))
}

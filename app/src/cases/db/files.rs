//! Data deliveries with their files, and downloads that check who is asking.

use super::{
    my_part, standing,
    steps::{delivery_count, Step},
};
use crate::{
    audit::{
        db::{Entry, Kept},
        AuditAction,
    },
    auth::CurrentUser,
    caller::Caller,
    cases::{events::EventData, workflow::Action},
    db::{is_unique_violation, Tx},
    error::AppError,
};
use sqlx::{AnyPool, Row};

/// A file about to be stored with a delivery.
pub struct NewFile {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Whether `user` may deliver a batch on the case now, asked before an upload's body is
/// read: a refused upload costs the server nothing but its headers. `deliver` asks again.
pub async fn may_deliver(pool: &AnyPool, case_id: i64, user: &CurrentUser) -> Result<(), AppError> {
    // A plain (deferred) transaction: it only reads, and is rolled back.
    let mut tx = pool.begin().await?;
    Step::open(&mut tx, case_id, user, Action::Deliver, None, false).await?;
    tx.rollback().await?;
    Ok(())
}

/// Records a batch of data with its files; returns the batch number.
pub async fn deliver(
    tx: &mut Tx,
    case_id: i64,
    user: &CurrentUser,
    note: &str,
    files: Vec<NewFile>,
    now: i64,
) -> Result<i64, AppError> {
    let step = Step::open(tx, case_id, user, Action::Deliver, None, false).await?;
    let batch = delivery_count(tx, case_id).await? + 1;
    let delivery: i64 = sqlx::query_scalar(
        "INSERT INTO deliveries (case_id, batch, note, delivered_by, delivered_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(case_id)
    .bind(batch)
    .bind(note)
    .bind(user.id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "deliveries_case_batch_key") {
            AppError::Conflict("另一批資料剛好同時送出，請重新整理頁面後再試。".into())
        } else {
            e.into()
        }
    })?;
    let mut names = Vec::new();
    for file in files {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(&file.data);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        sqlx::query(
            "INSERT INTO attachments (delivery_id, file_name, content_type, size_bytes, sha256, \
               data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(delivery)
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.data.len() as i64)
        .bind(hex)
        .bind(file.data)
        .bind(user.id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        names.push(file.file_name);
    }
    let data = EventData {
        batch: Some(batch),
        comment: Some(note.to_owned()),
        files: names,
        ..Default::default()
    };
    step.finish(tx, user, now, data).await?;
    Ok(batch)
}

/// A stored file, for download.
pub struct StoredFile {
    pub case_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A file, if the user may see the case it belongs to. Anyone else is told it does not
/// exist.
pub async fn attachment(
    pool: &AnyPool,
    attachment_id: i64,
    user: &CurrentUser,
) -> Result<StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT d.case_id, a.file_name, a.content_type, a.data FROM attachments a \
         JOIN deliveries d ON d.id = a.delivery_id WHERE a.id = $1",
    )
    .bind(attachment_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let case_id: i64 = row.try_get("case_id")?;
    let part = my_part(pool, case_id, user.bureau_id).await?;
    if !standing(user).may_view(part) {
        return Err(AppError::NotFound);
    }
    Ok(StoredFile {
        case_id,
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        data: row.try_get("data")?,
    })
}

/// The caller delivers a batch (the upload's one operation): the note checked, the files
/// stored, the case's event written, in one transaction. Returns the batch number.
pub async fn deliver_batch(
    c: &Caller,
    case_id: i64,
    note: &str,
    files: Vec<NewFile>,
) -> Result<i64, AppError> {
    let note = crate::cases::comment_text("note", note, "本批說明")?;
    let mut tx = c.begin().await?;
    let batch = deliver(&mut tx, case_id, &c.user, &note, files, c.ts()).await?;
    tx.commit().await?;
    Ok(batch)
}

/// A file for the caller to download. Every download is audited, and so is a refusal of a
/// file that exists.
pub async fn download(c: &Caller, attachment_id: i64) -> Result<StoredFile, AppError> {
    let found = attachment(c.db(), attachment_id, &c.user).await;
    let file = c.refused(Kept::Attachment, attachment_id, found).await?;
    let entry = Entry::new(AuditAction::FileDownloaded, "attachment", attachment_id)
        .data(serde_json::json!({ "case_id": file.case_id, "file_name": file.file_name }));
    c.audit_alone(entry).await?;
    Ok(file)
}

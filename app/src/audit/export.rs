//! The audit log as a file for the admin: the rows the filter selects, oldest first; the
//! export is itself audited.

use super::{AuditAction, AuditFilter, AuditRow};
use crate::{
    audit::db::Entry,
    caller::Caller,
    dates::roc_datetime,
    error::AppError,
    reports::{Cell, Table},
};

/// More rows than this are cut off; the admin narrows the filter instead.
pub const MAX_ROWS: i64 = 100_000;

/// The rows `filter` selects, the export audited.
pub async fn exported(c: &Caller, filter: &AuditFilter) -> Result<Vec<AuditRow>, AppError> {
    let rows = super::db::export(c.db(), filter, MAX_ROWS).await?;
    let entry = Entry::new(AuditAction::AuditExported, "", "").data(serde_json::json!({
        "filter": filter.query(),
        "rows": rows.len(),
    }));
    c.audit_alone(entry).await?;
    Ok(rows)
}

/// The rows as the file's table: words for people, codes and timestamps for programs.
pub fn table(rows: &[AuditRow]) -> Table {
    let t = Cell::Text;
    Table {
        title: "稽核紀錄".into(),
        header: [
            "編號",
            "時間",
            "時間戳記",
            "動作",
            "動作代碼",
            "執行者類型",
            "執行者",
            "對象",
            "內容",
            "來源位址",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    t(r.id.to_string()),
                    t(roc_datetime(r.at)),
                    t(r.at.to_string()),
                    t(r.action_label()),
                    t(r.action.clone()),
                    t(r.actor_kind.clone()),
                    t(r.actor_name.clone()),
                    t(r.target_label()),
                    t(r.data.clone()),
                    t(r.client_addr.clone()),
                ]
            })
            .collect(),
    }
}

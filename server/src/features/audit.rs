//! The audit log as CSV, for the admin: the same filters as `/admin/audit`, oldest row
//! first, with a byte-order mark so that Excel opens the Chinese text as UTF-8. The export
//! is itself audited.

use crate::{documents::csv, web::answer};
use app::{
    audit::{export, AuditFilter},
    auth::Role,
    caller::Caller,
    error::AppError,
    reports::TableFormat,
};
use axum::{extract::Query, response::Response, routing::get, Router};
use std::collections::HashMap;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/admin/audit.csv", get(audit_csv))
}

async fn audit_csv(
    c: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let c = c.allowed(&[Role::Admin])?;
    let filter = AuditFilter::from_query(|k| query.get(k).cloned());
    let rows = export::exported(&c, &filter).await?;
    let bytes = csv::table(&export::table(&rows)).map_err(|e| AppError::internal("csv", e))?;
    let name = "audit-log.csv";
    Ok(answer::attachment(
        bytes,
        TableFormat::Csv.media_type(),
        name,
        name,
    ))
}

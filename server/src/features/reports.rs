//! The report and the case list as files: `/reports/tables.csv|xlsx` (the report page's
//! five tables) and `/cases.csv|xlsx` (the list as filtered, each user's own cases).

use crate::{
    documents::{csv, xlsx},
    web::answer,
};
use app::{
    auth::Role,
    caller::Caller,
    dates::roc_date,
    error::AppError,
    reports::{Range, Table, TableFormat},
};
use axum::{
    extract::{Path, Query},
    response::Response,
    routing::get,
    Router,
};
use std::collections::HashMap;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/reports/{file}", get(report))
        .route("/cases.csv", get(|c, q| case_list(c, q, TableFormat::Csv)))
        .route(
            "/cases.xlsx",
            get(|c, q| case_list(c, q, TableFormat::Xlsx)),
        )
}

/// Everyone may take the list they see; `export` keeps a bureau to its own cases.
async fn case_list(
    c: Caller,
    Query(query): Query<Vec<(String, String)>>,
    format: TableFormat,
) -> Result<Response, AppError> {
    // The list's filters, or the rows ticked on it (`ids[]`, repeated).
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let ticked = query
        .iter()
        .filter(|(n, _)| n == "ids[]")
        .map(|(_, v)| v.as_str());
    let filter = app::cases::CaseFilter::from_query(get).with_ids(ticked);
    // "Export the ticked rows" with none ticked is not "export everything".
    if query.iter().any(|(n, _)| n == "ticked") && filter.ids.is_empty() {
        return Err(AppError::validation("ids", "請先勾選要匯出的案件。"));
    }
    let rows = app::cases::db::export(c.db(), &filter, &c.user, c.today()).await?;
    let name = format!("案件清單_{}", roc_date(c.today()).replace('/', ""));
    file(&[app::cases::db::export_table(&rows)], format, &name)
}

async fn report(
    c: Caller,
    Path(file_name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let c = c.allowed(&[Role::Secretariat, Role::Reviewer, Role::Admin])?;
    let format = file_name
        .strip_prefix("tables.")
        .and_then(TableFormat::parse)
        .ok_or(AppError::NotFound)?;
    let get = |k: &str| query.get(k).map(String::as_str);
    let range = Range::parse(get("from"), get("to"), c.today());
    let view = app::reports::server_fns::report_view(c.db(), range, c.today()).await?;
    let mut name = format!(
        "府會統計_{}-{}",
        roc_date(range.from).replace('/', ""),
        roc_date(range.to).replace('/', "")
    );
    let mut tables = view.tables();
    // One table alone (`table=2`): a file headed by its header, as programs read it.
    if let Some(n) = get("table") {
        let n: usize = n.parse().map_err(|_| AppError::NotFound)?;
        let one = (1..=tables.len())
            .contains(&n)
            .then(|| tables.swap_remove(n - 1))
            .ok_or(AppError::NotFound)?;
        name = format!("{name}_{}", one.title.split('（').next().unwrap_or("表"));
        tables = vec![one];
    }
    file(&tables, format, &name)
}

/// The tables as a CSV or XLSX attachment named `name` (and the format's extension).
pub(crate) fn file(
    tables: &[Table],
    format: TableFormat,
    name: &str,
) -> Result<Response, AppError> {
    let bytes = match (format, tables) {
        // One table: its header is the first line, so that a program reads it as it is.
        (TableFormat::Csv, [one]) => csv::table(one).map_err(|e| AppError::internal("csv", e))?,
        (TableFormat::Csv, _) => csv::tables(tables).map_err(|e| AppError::internal("csv", e))?,
        (TableFormat::Xlsx, _) => {
            xlsx::tables(tables).map_err(|e| AppError::internal("xlsx", e))?
        }
    };
    let ext = format.extension();
    Ok(answer::attachment(
        bytes,
        format.media_type(),
        &format!("export.{ext}"),
        &format!("{name}.{ext}"),
    ))
}

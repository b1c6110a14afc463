//! The report tables as files: CSV (UTF-8 with a byte-order mark, so that Excel shows the
//! Chinese; the tables one after another, each under its title) and XLSX (a sheet a
//! table, numbers as numbers).

use crate::download;
use app::{
    auth::Role,
    dates::roc_date,
    error::AppError,
    reports::{Cell, Range, Table, TableFormat},
    state::AppState,
};
use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Extension, Router,
};
use std::collections::HashMap;
use tower_sessions::Session;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/reports/{file}", get(download))
        .route(
            "/cases.csv",
            get(|e, s, q| case_list(e, s, q, TableFormat::Csv)),
        )
        .route(
            "/cases.xlsx",
            get(|e, s, q| case_list(e, s, q, TableFormat::Xlsx)),
        )
}

/// A case list as the offices keep it: the columns they use, dates in ROC form.
pub fn case_table(rows: &[app::cases::db::ExportRow]) -> Table {
    let t = |s: String| Cell::Text(s);
    Table {
        title: "案件清單".into(),
        header: [
            "案號",
            "議員",
            "議題",
            "主辦機關",
            "協辦機關",
            "狀態",
            "期限",
            "答復日期",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    t(app::cases::case_label(r.kind, r.number)),
                    t(r.councilors.join("、")),
                    t(r.topic.clone()),
                    t(r.lead_bureau.clone().unwrap_or_default()),
                    t(r.co_bureaus.join("、")),
                    t(r.status.label().to_owned()),
                    t(roc_date(r.due_on)),
                    t(r.replied_on.map(roc_date).unwrap_or_default()),
                ]
            })
            .collect(),
    }
}

async fn case_list(
    Extension(state): Extension<AppState>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    format: TableFormat,
) -> Response {
    // Everyone may take the list they see; `export` keeps a bureau to its own cases.
    let user = match download::reader(&session, &state, &Role::ALL).await {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let filter = app::cases::CaseFilter::from_query(|k| query.get(k).cloned());
    let today = state.today();
    let rows = match app::cases::db::export(&state.db, &filter, &user, today).await {
        Ok(rows) => rows,
        Err(err) => return download::error(err),
    };
    let table = [case_table(&rows)];
    let name = format!(
        "案件清單_{}.{}",
        roc_date(today).replace('/', ""),
        format.extension()
    );
    file_response(&table, format, &name)
}

/// The tables as a CSV or XLSX attachment named `name`.
fn file_response(tables: &[Table], format: TableFormat, name: &str) -> Response {
    let bytes = match format {
        TableFormat::Csv => to_csv(tables).map_err(|e| e.to_string()),
        TableFormat::Xlsx => to_xlsx(tables).map_err(|e| e.to_string()),
    };
    match bytes {
        Ok(bytes) => download::attachment(
            bytes,
            format.media_type(),
            &format!("export.{}", format.extension()),
            name,
        ),
        Err(e) => download::error(AppError::internal("export file", e)),
    }
}

/// The tables as CSV: each under a line with its title, a blank line between them. Text
/// cells are made inert (`csv_file::text`); numbers stay numbers.
pub fn to_csv(tables: &[Table]) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::new();
    {
        let mut writer = crate::csv_file::writer(&mut out, true);
        for (i, table) in tables.iter().enumerate() {
            if i > 0 {
                writer.write_record([""])?;
            }
            crate::csv_file::write_texts(&mut writer, [&table.title])?;
            crate::csv_file::write_texts(&mut writer, &table.header)?;
            for row in &table.rows {
                writer.write_record(row.iter().map(|cell| match cell {
                    Cell::Text(t) => crate::csv_file::text(t).into_owned(),
                    Cell::Number(_) => cell.text(),
                }))?;
            }
        }
        writer.flush()?;
    }
    Ok(out)
}

/// The tables as an XLSX workbook, a sheet each: the title, the header, the rows.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (i, table) in tables.iter().enumerate() {
        let sheet = book.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\ — the titles' first words.
        let name: String = table
            .title
            .split('（')
            .next()
            .unwrap_or("表")
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(28)
            .collect();
        sheet.set_name(format!("{}{}", i + 1, name))?;
        sheet.write_string_with_format(0, 0, &table.title, &bold)?;
        for (c, head) in table.header.iter().enumerate() {
            sheet.write_string_with_format(1, c as u16, head, &bold)?;
            sheet.set_column_width(c as u16, if c == 0 { 22 } else { 12 })?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 2, c as u16);
                match cell {
                    // An empty text is an empty cell, as a spreadsheet reads it back.
                    Cell::Text(t) if t.is_empty() => continue,
                    Cell::Text(t) => sheet.write_string(r, c, t)?,
                    Cell::Number(n) => sheet.write_number(r, c, *n)?,
                };
            }
        }
    }
    book.save_to_buffer()
}

async fn download(
    Extension(state): Extension<AppState>,
    session: Session,
    Path(file): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let readers = [Role::Secretariat, Role::Reviewer, Role::Admin];
    if let Err(refused) = download::reader(&session, &state, &readers).await {
        return refused;
    }
    let format = match file.strip_prefix("tables.").and_then(TableFormat::parse) {
        Some(format) => format,
        None => return StatusCode::NOT_FOUND.into_response(),
    };
    let today = state.today();
    let range = Range::parse(
        query.get("from").map(String::as_str),
        query.get("to").map(String::as_str),
        today,
    );
    let tables = match app::reports::server_fns::report_view(&state.db, range, today).await {
        Ok(view) => view.tables(),
        Err(err) => return download::error(err),
    };
    let name = format!(
        "府會統計_{}-{}.{}",
        roc_date(range.from).replace('/', ""),
        roc_date(range.to).replace('/', ""),
        format.extension()
    );
    file_response(&tables, format, &name)
}

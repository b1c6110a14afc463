//! The report tables as files: CSV (UTF-8 with a byte-order mark, so that Excel shows the
//! Chinese; the tables one after another, each under its title) and XLSX (a sheet a
//! table, numbers as numbers).

use app::{
    auth::{session::user_in, Role},
    dates::roc_date,
    reports::{compute, db::facts, Cell, Range, Table},
    state::AppState,
    url::percent_encode,
};
use axum::{
    extract::{Path, Query},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Extension, Router,
};
use std::collections::HashMap;
use tower_sessions::Session;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/reports/{file}", get(download))
}

/// The tables as CSV: each under a line with its title, a blank line between them.
pub fn to_csv(tables: &[Table]) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        for (i, table) in tables.iter().enumerate() {
            if i > 0 {
                writer.write_record([""])?;
            }
            writer.write_record([&table.title])?;
            writer.write_record(&table.header)?;
            for row in &table.rows {
                writer.write_record(row.iter().map(Cell::text))?;
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
    let user = match user_in(&session, &state.db).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let readers = [Role::Secretariat, Role::Reviewer, Role::Admin];
    if !readers.contains(&user.role) || user.must_change_password {
        return (StatusCode::FORBIDDEN, "您沒有權限執行此操作。").into_response();
    }
    let (media, extension) = match file.as_str() {
        "tables.csv" => ("text/csv; charset=utf-8", "csv"),
        "tables.xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let today = app::dates::taipei_date(state.now().timestamp()).unwrap_or_default();
    let range = Range::parse(
        query.get("from").map(String::as_str),
        query.get("to").map(String::as_str),
        today,
    );
    let tables = match facts(&state.db, range).await {
        Ok(facts) => compute(&facts, range, today).tables(),
        Err(e) => {
            tracing::error!("report facts: {e}");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "系統暫時無法處理您的要求，請稍後再試。",
            )
                .into_response();
        }
    };
    let bytes = match extension {
        "csv" => to_csv(&tables).map_err(|e| e.to_string()),
        _ => to_xlsx(&tables).map_err(|e| e.to_string()),
    };
    match bytes {
        Ok(bytes) => {
            let name = format!(
                "府會統計_{}-{}.{extension}",
                roc_date(range.from).replace('/', ""),
                roc_date(range.to).replace('/', "")
            );
            let mut response = bytes.into_response();
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
            let disposition = format!(
                "attachment; filename=\"report.{extension}\"; filename*=UTF-8''{}",
                percent_encode(&name)
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(e) => {
            tracing::error!("report file: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "系統暫時無法處理您的要求，請稍後再試。",
            )
                .into_response()
        }
    }
}

//! Importing questions from the council's lists: the upload (`POST /cases/import`, CSV or
//! XLSX read into rows of text and kept for the preview at `/cases/import/:id`, whose
//! import is the server fn `commit_import`), the sample file, and the reading of a list
//! that `fuhuitong import questions` shares.

use crate::{
    features::cases::attachments::safe_file_name,
    web::answer::{self, Back},
};
use app::{
    auth::Role,
    caller::{Caller, Refused},
    error::AppError,
    import::{MAX_ROWS, SAMPLE_CSV, UPLOAD_FORM},
    reports::TableFormat,
};
use axum::{
    extract::{multipart::MultipartRejection, Multipart},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{get, post},
    Router,
};
use tower_sessions::Session;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/cases/import/sample.csv", get(sample))
        .route("/cases/import", post(upload))
}

/// A workbook's parts may unpack to at most this much (a 600-question list is some 1 MB).
const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// The most columns a list may have: the council's have a dozen. A row of a million columns
/// (a 2 MB CSV of commas) would otherwise make a preview page of hundreds of megabytes.
pub const MAX_COLUMNS: usize = 60;

/// A cell is kept up to one character past the longest text a question may have, so that
/// the preview can still say it is too long without storing a whole novel.
const MAX_CELL_CHARS: usize = app::cases::LONG_TEXT_MAX_CHARS + 1;

/// A list as rows of text: its title row and the rows under it, empty rows left out.
pub type Table = (Vec<String>, Vec<Vec<String>>);

/// Reads a CSV (UTF-8, with or without BOM, or Big5) or XLSX (its first sheet) file, off
/// the async threads: a large workbook takes a while to unpack and parse.
pub async fn read_table(file_name: String, bytes: axum::body::Bytes) -> Result<Table, AppError> {
    tokio::task::spawn_blocking(move || read_table_within(&file_name, &bytes, MAX_UNPACKED_BYTES))
        .await
        .map_err(|e| AppError::internal("import read", e))?
}

/// [`read_table`] on the calling thread (the command line).
pub fn read_table_now(file_name: &str, bytes: &[u8]) -> Result<Table, AppError> {
    read_table_within(file_name, bytes, MAX_UNPACKED_BYTES)
}

/// The most text a list may hold in all (5,000 questions of ordinary length are some
/// 10 MB): a workbook can repeat one long shared string in every cell.
const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// The rows as they are read, held to the limits as they come: at most [`MAX_COLUMNS`]
/// columns, [`MAX_ROWS`] rows under the title row, cells cut at [`MAX_CELL_CHARS`],
/// [`MAX_TEXT_BYTES`] in all.
#[derive(Default)]
struct Rows(Vec<Vec<String>>, usize);

impl Rows {
    fn push(&mut self, row: Vec<String>) -> Result<(), AppError> {
        if row.iter().all(|c| c.trim().is_empty()) {
            return Ok(());
        }
        if row.len() > MAX_COLUMNS && row[MAX_COLUMNS..].iter().any(|c| !c.trim().is_empty()) {
            return Err(AppError::validation(
                "file",
                format!("每列最多 {MAX_COLUMNS} 欄，這個檔案有更多欄。請只保留質詢清單的欄位。"),
            ));
        }
        // The title row and MAX_ROWS under it; one more is one too many.
        if self.0.len() > MAX_ROWS {
            return Err(AppError::validation(
                "file",
                format!("每次最多匯入 {MAX_ROWS} 列，這個檔案有更多列。"),
            ));
        }
        let row: Vec<String> = row
            .into_iter()
            .take(MAX_COLUMNS)
            .map(|c| match c.char_indices().nth(MAX_CELL_CHARS) {
                Some((cut, _)) => c[..cut].to_owned(),
                None => c,
            })
            .collect();
        self.1 += row.iter().map(String::len).sum::<usize>();
        if self.1 > MAX_TEXT_BYTES {
            return Err(AppError::validation(
                "file",
                "這個檔案的內容過多，請只保留質詢清單，或分成幾個檔案上傳。",
            ));
        }
        self.0.push(row);
        Ok(())
    }
}

fn read_table_within(file_name: &str, bytes: &[u8], unpack_limit: u64) -> Result<Table, AppError> {
    let unreadable = || {
        AppError::validation(
            "file",
            "無法讀取這個檔案：請上傳 CSV（UTF-8 或 Big5）或 Excel 活頁簿（.xlsx）。",
        )
    };
    let lower = file_name.to_lowercase();
    let mut rows = Rows::default();
    if bytes.starts_with(b"PK") || lower.ends_with(".xlsx") {
        use calamine::{Data, Reader, Xlsx};
        // A workbook is a zip: a small file may unpack to gigabytes, whatever its parts
        // declare. Each part is unpacked once here, counting what actually comes out and
        // stopping at the limit, before the workbook is read.
        if unpacked_size(bytes, unpack_limit).map_err(|_| unreadable())? > unpack_limit {
            return Err(AppError::validation(
                "file",
                "這個活頁簿解壓縮後過大，請只保留質詢清單的工作表，或另存為 CSV 後再上傳。",
            ));
        }
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
        let first = book.sheet_names().first().cloned().ok_or_else(unreadable)?;
        // Cell by cell, not as a range: a sheet with one cell in A1 and one in XFD1048576
        // would make a range of seventeen billion.
        let mut cells = book
            .worksheet_cells_reader(&first)
            .map_err(|_| unreadable())?;
        let mut row: Vec<String> = Vec::new();
        let mut at: Option<u32> = None;
        while let Some(cell) = cells.next_cell().map_err(|_| unreadable())? {
            let (r, c) = cell.get_position();
            if at != Some(r) {
                if at.is_some() {
                    rows.push(std::mem::take(&mut row))?;
                }
                at = Some(r);
            }
            let c = c as usize;
            if c > MAX_COLUMNS {
                // Past the limit: only whether anything is there matters.
                if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                    row.resize(MAX_COLUMNS + 1, String::new());
                    row[MAX_COLUMNS] = "…".into();
                }
                continue;
            }
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            row[c] = cell_text(&Data::from(cell.get_value().clone()));
        }
        if at.is_some() {
            rows.push(row)?;
        }
    } else {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text.trim_start_matches('\u{feff}')),
            Err(_) => {
                let (text, _, bad) = encoding_rs::BIG5.decode(bytes);
                if bad {
                    return Err(unreadable());
                }
                text
            }
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(|_| unreadable())? {
            rows.push(record.iter().map(str::to_owned).collect())?;
        }
    }
    let Rows(mut rows, _) = rows;
    if rows.is_empty() {
        return Err(AppError::validation("file", "檔案中沒有任何資料。"));
    }
    let header = rows.remove(0);
    Ok((header, rows))
}

/// How many bytes a zip's parts unpack to, counted as they are unpacked, up to one past
/// `limit`.
fn unpacked_size(bytes: &[u8], limit: u64) -> zip::result::ZipResult<u64> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index(i)?;
        let left = limit + 1 - total;
        total += std::io::copy(&mut part.take(left), &mut std::io::sink())?;
        if total > limit {
            break;
        }
    }
    Ok(total)
}

/// A spreadsheet cell as the text a person would type: whole numbers without `.0`, dates
/// as dates.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::{Data, DataType};
    match cell {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(_) | Data::DateTimeIso(_) => cell
            .as_datetime()
            .map(|d| d.date().to_string())
            .unwrap_or_else(|| cell.to_string()),
        other => other.to_string(),
    }
}

/// Keeps an uploaded list and goes to its preview; nothing is imported yet.
async fn upload(
    caller: Result<Caller, Refused>,
    session: Session,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let c = caller?.allowed(&[Role::Secretariat])?;
        let multipart = multipart.map_err(|_| AppError::BadRequest)?;
        let (session_id, name, bytes) = read_form(multipart).await?;
        let (header, rows) = read_table(name.clone(), bytes).await?;
        let name = safe_file_name(&name);
        app::import::db::store(c.db(), c.user.id, session_id, &name, &header, &rows, c.ts()).await
    }
    .await;
    let back = Back {
        page: "/cases/import",
        form: UPLOAD_FORM,
        fragment: "",
    };
    answer::form(
        &session,
        &headers,
        result,
        |id| format!("/cases/import/{id}"),
        back,
    )
    .await
}

/// The upload form: the session chosen, and the list's name and bytes (2 MB at most).
async fn read_form(mut multipart: Multipart) -> Result<(i64, String, axum::body::Bytes), AppError> {
    let (mut session_id, mut file) = (None, None);
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::validation("file", "檔案過大：以 2 MB 為限。")
        } else {
            AppError::BadRequest
        }
    })? {
        match field.name() {
            Some("session") => {
                let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                session_id = text.trim().parse::<i64>().ok();
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::validation("file", "檔案過大：以 2 MB 為限。"))?;
                if !bytes.is_empty() {
                    file = Some((name, bytes));
                }
            }
            _ => {}
        }
    }
    let session_id = session_id.ok_or_else(|| AppError::validation("session", "請選擇會期。"))?;
    let (name, bytes) = file.ok_or_else(|| AppError::validation("file", "請選擇要匯入的檔案。"))?;
    Ok((session_id, name, bytes))
}

/// The sample list linked from the import page.
async fn sample(c: Caller) -> Result<Response, AppError> {
    c.allowed(&[Role::Secretariat])?;
    Ok(answer::attachment(
        SAMPLE_CSV.as_bytes().to_vec(),
        TableFormat::Csv.media_type(),
        "questions-sample.csv",
        "質詢匯入範例.csv",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_a_bom_or_in_big5_reads_the_same() {
        let utf8 = "\u{feff}編號,議員\r\n1,王承恩\r\n\r\n2,\"林雨彤、陳冠霖\"\r\n";
        let (header, rows) = read_table_now("a.csv", utf8.as_bytes()).unwrap();
        assert_eq!(header, vec!["編號", "議員"]);
        assert_eq!(rows, vec![vec!["1", "王承恩"], vec!["2", "林雨彤、陳冠霖"]]);
        let (big5, _, _) = encoding_rs::BIG5.encode(utf8.trim_start_matches('\u{feff}'));
        assert_eq!(read_table_now("a.csv", &big5).unwrap(), (header, rows));
    }

    #[test]
    fn a_spreadsheet_reads_as_typed_numbers_and_dates() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "編號").unwrap();
        sheet.write_string(0, 1, "日期").unwrap();
        sheet.write_number(1, 0, 12.0).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 15).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("yyyy/mm/dd");
        sheet
            .write_datetime_with_format(1, 1, &date, &format)
            .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let (header, rows) = read_table_now("list.xlsx", &bytes).unwrap();
        assert_eq!(header, vec!["編號", "日期"]);
        assert_eq!(rows, vec![vec!["12", "2024-03-15"]]);
    }

    #[test]
    fn a_workbook_that_would_unpack_too_large_is_refused_before_it_is_read() {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "編號").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert!(read_table_within("a.xlsx", &bytes, 1 << 20).is_ok());
        let said = read_table_within("a.xlsx", &bytes, 1_000)
            .unwrap_err()
            .to_string();
        assert!(said.contains("解壓縮後過大"), "{said}");
    }

    #[test]
    fn one_long_text_repeated_in_every_cell_is_refused_before_it_fills_memory() {
        // rust_xlsxwriter keeps each text once (shared strings): the file is small, its
        // cells would hold gigabytes.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let long = "長".repeat(20_000);
        for r in 0..2_000 {
            for c in 0..20 {
                sheet.write_string(r, c, &long).unwrap();
            }
        }
        let bytes = book.save_to_buffer().unwrap();
        assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());
        let said = read_table_now("a.xlsx", &bytes).unwrap_err().to_string();
        assert!(said.contains("內容過多"), "{said}");
    }

    #[test]
    fn a_cell_far_out_in_the_sheet_is_refused_without_making_room_for_all_between() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "編號").unwrap();
        sheet.write_string(1_048_575, 16_383, "遠").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let said = read_table_now("a.xlsx", &bytes).unwrap_err().to_string();
        assert!(said.contains("欄"), "{said}");
    }

    #[test]
    fn a_list_of_a_million_columns_or_too_many_rows_is_refused_in_words() {
        let wide = format!("編號{}\r\n", ",x".repeat(1_000_000));
        let said = read_table_now("a.csv", wide.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(said.contains(&format!("{MAX_COLUMNS} 欄")), "{said}");
        let long = format!("編號\r\n{}", "1\r\n".repeat(MAX_ROWS + 1));
        let said = read_table_now("a.csv", long.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(said.contains("最多匯入"), "{said}");
        let just = format!("編號\r\n{}", "1\r\n".repeat(MAX_ROWS));
        assert_eq!(
            read_table_now("a.csv", just.as_bytes()).unwrap().1.len(),
            MAX_ROWS
        );
    }

    #[test]
    fn an_empty_or_unreadable_file_is_refused_in_words() {
        let said = read_table_now("a.csv", b"\xff\xfe\x00")
            .unwrap_err()
            .to_string();
        assert!(said.contains("CSV"), "{said}");
        let said = read_table_now("a.csv", b"\r\n,,\r\n")
            .unwrap_err()
            .to_string();
        assert!(said.contains("沒有任何資料"), "{said}");
    }
}

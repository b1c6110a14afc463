//! Importing questions from the council's lists: the upload (`POST /cases/import`, CSV or
//! XLSX read into rows of text and kept for the preview at `/cases/import/:id`), the import
//! of the rows chosen there (`POST /cases/import/:id/commit`, all in one transaction or
//! none), the sample file, and `fuhuitong import questions`.

use crate::download;
use app::{
    audit::{
        db::{record, Actor, Entry},
        AuditAction,
    },
    auth::Role,
    error::AppError,
    import::{Mapping, COMMIT_FORM, MAX_ROWS, SAMPLE_CSV, UPLOAD_FORM},
    state::{AppState, ClientAddr},
};
use axum::{
    extract::{multipart::MultipartRejection, Multipart, Path},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{get, post},
    Extension, Router,
};
use std::collections::HashSet;
use tower_sessions::Session;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/cases/import/sample.csv", get(sample))
        .route("/cases/import", post(upload))
        .route("/cases/import/{id}/commit", post(commit))
}

/// A workbook's parts may unpack to at most this much (a 600-question list is some 1 MB).
const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// A list as rows of text: its title row and the rows under it, empty rows left out.
pub type Table = (Vec<String>, Vec<Vec<String>>);

/// Reads a CSV (UTF-8, with or without BOM, or Big5) or XLSX (its first sheet) file.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, AppError> {
    read_table_within(file_name, bytes, MAX_UNPACKED_BYTES)
}

fn read_table_within(file_name: &str, bytes: &[u8], unpack_limit: u64) -> Result<Table, AppError> {
    let unreadable = || {
        AppError::validation(
            "file",
            "無法讀取這個檔案：請上傳 CSV（UTF-8 或 Big5）或 Excel 活頁簿（.xlsx）。",
        )
    };
    let lower = file_name.to_lowercase();
    let mut rows: Vec<Vec<String>> = if bytes.starts_with(b"PK") || lower.ends_with(".xlsx") {
        use calamine::{Reader, Xlsx};
        // A workbook is a zip: a small file may unpack to gigabytes. Its parts' declared
        // sizes are checked before anything is unpacked (and the zip reader holds each
        // part to its declared size).
        let unpacked: u64 = {
            let mut zip =
                zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
            (0..zip.len())
                .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
                .sum()
        };
        if unpacked > unpack_limit {
            return Err(AppError::validation(
                "file",
                "這個活頁簿解壓縮後過大，請只保留質詢清單的工作表，或另存為 CSV 後再上傳。",
            ));
        }
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
        let sheet = book
            .worksheet_range_at(0)
            .ok_or_else(unreadable)?
            .map_err(|_| unreadable())?;
        sheet
            .rows()
            .map(|row| row.iter().map(cell_text).collect())
            .collect()
    } else {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.trim_start_matches('\u{feff}').to_owned(),
            Err(_) => {
                let (text, _, bad) = encoding_rs::BIG5.decode(bytes);
                if bad {
                    return Err(unreadable());
                }
                text.into_owned()
            }
        };
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| {
                r.map(|r| r.iter().map(str::to_owned).collect())
                    .map_err(|_| unreadable())
            })
            .collect::<Result<_, _>>()?
    };
    rows.retain(|r: &Vec<String>| r.iter().any(|c| !c.trim().is_empty()));
    if rows.is_empty() {
        return Err(AppError::validation("file", "檔案中沒有任何資料。"));
    }
    let header = rows.remove(0);
    if rows.len() > MAX_ROWS {
        return Err(AppError::validation(
            "file",
            format!("每次最多匯入 {MAX_ROWS} 列，這個檔案有 {} 列。", rows.len()),
        ));
    }
    Ok((header, rows))
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
    Extension(state): Extension<AppState>,
    session: Session,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let user = crate::flash::form_caller(&session, &state, &[Role::Secretariat]).await?;
        let mut multipart = multipart.map_err(|_| AppError::BadRequest)?;
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
        let session_id =
            session_id.ok_or_else(|| AppError::validation("session", "請選擇會期。"))?;
        let (name, bytes) =
            file.ok_or_else(|| AppError::validation("file", "請選擇要匯入的檔案。"))?;
        let (header, rows) = read_table(&name, &bytes)?;
        app::import::db::store(
            &state.db,
            user.id,
            session_id,
            &crate::files::safe_file_name(&name),
            &header,
            &rows,
            state.now().timestamp(),
        )
        .await
    }
    .await;
    crate::flash::form_answer(
        &session,
        crate::flash::wants_html(&headers),
        result,
        |id| format!("/cases/import/{id}"),
        "/cases/import",
        UPLOAD_FORM,
    )
    .await
}

/// Imports the rows chosen on the preview, with the columns as mapped there: all of them in
/// one transaction, or, if any chosen row has a problem, none.
async fn commit(
    Extension(state): Extension<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let mapping_query = app::import::Field::ALL
        .iter()
        .map(|f| {
            format!(
                "{}={}",
                f.as_str(),
                get(f.as_str()).unwrap_or_default().trim()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let back = format!("/cases/import/{id}?{mapping_query}");
    let result = async {
        let user = crate::flash::form_caller(&session, &state, &[Role::Secretariat]).await?;
        let upload = app::import::db::upload(&state.db, id).await?;
        if upload.imported.is_some() {
            return Err(AppError::Conflict("這個檔案已經匯入過了。".into()));
        }
        let mapping = Mapping::from_query(Mapping::guess(&upload.header), get);
        let lines: HashSet<usize> = form
            .iter()
            .filter(|(k, _)| k == "line")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect();
        if lines.is_empty() {
            return Err(AppError::validation("line", "請勾選要匯入的列。"));
        }
        let known = app::import::db::known(&state.db, upload.session_id).await?;
        let checked = app::import::check(&upload.rows, &mapping, &known);
        let questions = app::import::chosen(checked, &lines).map_err(|refused| {
            let lines: Vec<String> = refused.iter().map(|l| l.to_string()).collect();
            AppError::validation(
                "line",
                format!(
                    "第 {} 列有問題，未匯入任何一題。請取消勾選這些列，或修正檔案後重新上傳。",
                    lines.join("、")
                ),
            )
        })?;
        let now = state.now().timestamp();
        let mut tx = app::db::begin(&state.db).await?;
        let ids = app::import::db::import(&mut tx, id, &questions, &user, now).await?;
        let entry = Entry::new(AuditAction::QuestionsImported, "question_import", id).data(
            serde_json::json!({
                "session_id": upload.session_id,
                "file_name": upload.file_name,
                "questions": ids.len(),
            }),
        );
        record(
            &mut tx,
            now,
            &Actor::user(user.id, &user.username),
            &client,
            &entry,
        )
        .await?;
        tx.commit().await?;
        Ok(ids.len() as i64)
    }
    .await;
    crate::flash::form_answer(
        &session,
        crate::flash::wants_html(&headers),
        result,
        |_| format!("/cases/import/{id}"),
        &back,
        COMMIT_FORM,
    )
    .await
}

/// The sample list linked from the import page.
async fn sample(Extension(state): Extension<AppState>, session: Session) -> Response {
    if let Err(refused) = download::reader(&session, &state, &[Role::Secretariat]).await {
        return refused;
    }
    download::attachment(
        SAMPLE_CSV.as_bytes().to_vec(),
        "text/csv; charset=utf-8",
        "questions-sample.csv",
        "質詢匯入範例.csv",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_a_bom_or_in_big5_reads_the_same() {
        let utf8 = "\u{feff}編號,議員\r\n1,王承恩\r\n\r\n2,\"林雨彤、陳冠霖\"\r\n";
        let (header, rows) = read_table("a.csv", utf8.as_bytes()).unwrap();
        assert_eq!(header, vec!["編號", "議員"]);
        assert_eq!(rows, vec![vec!["1", "王承恩"], vec!["2", "林雨彤、陳冠霖"]]);
        let (big5, _, _) = encoding_rs::BIG5.encode(utf8.trim_start_matches('\u{feff}'));
        assert_eq!(read_table("a.csv", &big5).unwrap(), (header, rows));
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
        let (header, rows) = read_table("list.xlsx", &bytes).unwrap();
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
    fn an_empty_or_unreadable_file_is_refused_in_words() {
        let said = read_table("a.csv", b"\xff\xfe\x00")
            .unwrap_err()
            .to_string();
        assert!(said.contains("CSV"), "{said}");
        let said = read_table("a.csv", b"\r\n,,\r\n").unwrap_err().to_string();
        assert!(said.contains("沒有任何資料"), "{said}");
    }
}

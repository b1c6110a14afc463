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
    import::{Sheet, Table, MAX_ROWS, SAMPLE_CSV, UPLOAD_FORM},
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

/// Reads a list (CSV or TSV in UTF-8, with or without BOM, or Big5; an XLSX, XLS or ODS
/// workbook) and finds the list in it: the sheet asked for (`sheet`, a name or a number),
/// or else the first whose column titles are recognised, below its title lines. Off the
/// async threads: a large workbook takes a while to unpack and parse.
pub async fn read_table(
    file_name: String,
    bytes: axum::body::Bytes,
    sheet: String,
) -> Result<Table, AppError> {
    tokio::task::spawn_blocking(move || read_table_now(&file_name, &bytes, &sheet))
        .await
        .map_err(|e| AppError::internal("import read", e))?
}

/// [`read_table`] on the calling thread (the command line).
pub fn read_table_now(file_name: &str, bytes: &[u8], sheet: &str) -> Result<Table, AppError> {
    read_table_within(file_name, bytes, sheet, MAX_UNPACKED_BYTES)
}

fn read_table_within(
    file_name: &str,
    bytes: &[u8],
    sheet: &str,
    unpack_limit: u64,
) -> Result<Table, AppError> {
    let table = app::import::table(read_sheets(file_name, bytes, unpack_limit)?, sheet)?;
    if table.rows.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    Ok(table)
}

fn too_many_rows() -> AppError {
    AppError::validation(
        "file",
        format!("每次最多匯入 {MAX_ROWS} 列，這個檔案有更多列。"),
    )
}

/// The most text a list may hold in all (5,000 questions of ordinary length are some
/// 10 MB): a workbook can repeat one long shared string in every cell.
const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// A list's title lines above its column titles: a few, not hundreds.
const MAX_TITLE_LINES: usize = 10;

/// The most sheets of a workbook that are read.
const MAX_SHEETS: usize = 30;

/// The rows as they are read, held to the limits as they come: at most [`MAX_COLUMNS`]
/// columns, [`MAX_ROWS`] rows (and a header and its title lines) a sheet, cells cut at
/// [`MAX_CELL_CHARS`], [`MAX_TEXT_BYTES`] in all the sheets.
#[derive(Default)]
struct Rows {
    sheets: Vec<Sheet>,
    rows: Vec<(usize, Vec<String>)>,
    bytes: usize,
}

impl Rows {
    /// Row `line` (from 1) of the sheet being read.
    fn push(&mut self, line: usize, mut row: Vec<String>) -> Result<(), AppError> {
        while row.last().is_some_and(|c| c.trim().is_empty()) {
            row.pop();
        }
        if row.is_empty() {
            return Ok(());
        }
        if row.len() > MAX_COLUMNS && row[MAX_COLUMNS..].iter().any(|c| !c.trim().is_empty()) {
            return Err(AppError::validation(
                "file",
                format!("每列最多 {MAX_COLUMNS} 欄，這個檔案有更多欄。請只保留質詢清單的欄位。"),
            ));
        }
        if self.rows.len() > MAX_ROWS + MAX_TITLE_LINES {
            return Err(too_many_rows());
        }
        let row: Vec<String> = row
            .into_iter()
            .take(MAX_COLUMNS)
            .map(|c| match c.char_indices().nth(MAX_CELL_CHARS) {
                Some((cut, _)) => c[..cut].to_owned(),
                None => c,
            })
            .collect();
        self.bytes += row.iter().map(String::len).sum::<usize>();
        if self.bytes > MAX_TEXT_BYTES {
            return Err(AppError::validation(
                "file",
                "這個檔案的內容過多，請只保留質詢清單，或分成幾個檔案上傳。",
            ));
        }
        self.rows.push((line, row));
        Ok(())
    }

    /// The sheet read so far is done.
    fn sheet(&mut self, name: String) {
        let rows = std::mem::take(&mut self.rows);
        self.sheets.push(Sheet { name, rows });
    }
}

fn unreadable() -> AppError {
    AppError::validation(
        "file",
        "無法讀取這個檔案：請上傳 CSV（UTF-8 或 Big5）或試算表（.xlsx、.xls、.ods）。",
    )
}

/// A text file's characters, its encoding told by its bytes: UTF-16 by its byte-order mark
/// (Excel's 「Unicode 文字」), UTF-8 (with or without a BOM) when the bytes are valid
/// UTF-8, else Big5 (what Excel in Taiwan saves a CSV in) when they are valid Big5; none
/// otherwise.
pub fn text_of(bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    use encoding_rs::{BIG5, UTF_16BE, UTF_16LE};
    let decoded = |encoding: &'static encoding_rs::Encoding, bytes| {
        let (text, bad) = encoding.decode_without_bom_handling(bytes);
        (!bad).then_some(text)
    };
    let text = if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        decoded(UTF_16LE, rest)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        decoded(UTF_16BE, rest)?
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        std::borrow::Cow::Borrowed(text)
    } else {
        decoded(BIG5, bytes)?
    };
    Some(match text {
        std::borrow::Cow::Borrowed(t) => {
            std::borrow::Cow::Borrowed(t.trim_start_matches('\u{feff}'))
        }
        std::borrow::Cow::Owned(t) => {
            std::borrow::Cow::Owned(t.trim_start_matches('\u{feff}').to_owned())
        }
    })
}

/// The sheets of a file, whatever its kind, told by its first bytes rather than its name.
fn read_sheets(file_name: &str, bytes: &[u8], unpack_limit: u64) -> Result<Vec<Sheet>, AppError> {
    let lower = file_name.to_lowercase();
    let mut rows = Rows::default();
    if bytes.starts_with(b"PK") || lower.ends_with(".xlsx") || lower.ends_with(".ods") {
        // A workbook is a zip: a small file may unpack to gigabytes, whatever its parts
        // declare. Each part is unpacked once here, counting what actually comes out and
        // stopping at the limit, before the workbook is read.
        if unpacked_size(bytes, unpack_limit).map_err(|_| unreadable())? > unpack_limit {
            return Err(AppError::validation(
                "file",
                "這個活頁簿解壓縮後過大，請只保留質詢清單的工作表，或另存為 CSV 後再上傳。",
            ));
        }
        let mut zip =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
        let content = match zip.by_name("content.xml") {
            Ok(mut part) => {
                let mut content = Vec::new();
                std::io::Read::read_to_end(&mut part, &mut content).map_err(|_| unreadable())?;
                Some(content)
            }
            Err(_) => None,
        };
        match content {
            Some(content) => spreadsheets::ods(&content, &mut rows)?,
            None => spreadsheets::xlsx(bytes, &mut rows)?,
        }
    } else if bytes.starts_with(&spreadsheets::CFB_MAGIC) {
        spreadsheets::xls(bytes, &mut rows)?;
    } else {
        let text = text_of(bytes).ok_or_else(unreadable)?;
        // Text copied from a spreadsheet is tab-separated; its title lines have neither.
        let head: String = text.lines().take(20).collect();
        let count = |c: char| head.chars().filter(|h| *h == c).count();
        let delimiter = if count('\t') > count(',') {
            b'\t'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        // A record's line, counted from the bytes: the reader skips blank lines without
        // counting them in the position it gives.
        let (bytes, mut counted, mut line) = (text.as_bytes(), 0usize, 1usize);
        while reader.read_record(&mut record).map_err(|_| unreadable())? {
            let mut start = record.position().map_or(counted, |p| p.byte() as usize);
            while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
                start += 1;
            }
            let start = start.clamp(counted, bytes.len());
            line += bytes[counted..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            counted = start;
            rows.push(line, record.iter().map(str::to_owned).collect())?;
        }
        rows.sheet(String::new());
    }
    if rows.sheets.iter().all(|s| s.rows.is_empty()) {
        return Err(AppError::validation("file", "檔案中沒有任何資料。"));
    }
    Ok(rows.sheets)
}

/// The three kinds of workbook, each read within the limits whatever its cells declare.
mod spreadsheets {
    use super::{unreadable, Rows, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, MAX_SHEETS};
    use app::error::AppError;

    /// The first bytes of a compound file: an Excel 97–2003 workbook.
    pub const CFB_MAGIC: [u8; 8] = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

    /// An XLSX workbook, cell by cell, not as a range: a sheet with one cell in A1 and one
    /// in XFD1048576 would make a range of seventeen billion.
    pub fn xlsx(bytes: &[u8], rows: &mut Rows) -> Result<(), AppError> {
        use calamine::{Data, Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
        for name in book.sheet_names().into_iter().take(MAX_SHEETS) {
            let mut cells = book
                .worksheet_cells_reader(&name)
                .map_err(|_| unreadable())?;
            let mut row: Vec<String> = Vec::new();
            let mut at: Option<u32> = None;
            while let Some(cell) = cells.next_cell().map_err(|_| unreadable())? {
                let (r, c) = cell.get_position();
                if at != Some(r) {
                    if let Some(at) = at {
                        rows.push(at as usize + 1, std::mem::take(&mut row))?;
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
            if let Some(at) = at {
                rows.push(at as usize + 1, row)?;
            }
            drop(cells);
            rows.sheet(name);
        }
        Ok(())
    }

    /// An Excel 97–2003 workbook. calamine makes a range of each sheet as it opens the
    /// file, as large as the sheet's farthest cell: the cells' places are read first, and
    /// a workbook whose ranges would be larger than a list can be is refused.
    pub fn xls(bytes: &[u8], rows: &mut Rows) -> Result<(), AppError> {
        use calamine::{Reader, Xls};
        biff_extent_within(bytes)?;
        let mut book = Xls::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
        for name in book.sheet_names().into_iter().take(MAX_SHEETS) {
            let range = book.worksheet_range(&name).map_err(|_| unreadable())?;
            let (top, left) = range.start().unwrap_or((0, 0));
            for (i, cells) in range.rows().enumerate() {
                let mut row = vec![String::new(); left as usize];
                row.extend(cells.iter().map(cell_text));
                rows.push(top as usize + i + 1, row)?;
            }
            rows.sheet(name);
        }
        Ok(())
    }

    /// The most cells the ranges of an XLS workbook may span in all: twice a list of
    /// 5,000 rows of 60 columns.
    const MAX_XLS_CELLS: u64 = (MAX_ROWS as u64 + 10) * (MAX_COLUMNS as u64 + 1) * 2;

    /// Walks the records of the workbook stream (BIFF8: a type and a length, then the
    /// data) and sums, sheet by sheet, the range its cells span.
    fn biff_extent_within(bytes: &[u8]) -> Result<(), AppError> {
        use std::io::Read;
        let mut file =
            cfb::CompoundFile::open(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
        let stream = if file.is_stream("/Workbook") {
            "/Workbook"
        } else {
            "/Book"
        };
        let mut data = Vec::new();
        file.open_stream(stream)
            .map_err(|_| unreadable())?
            .read_to_end(&mut data)
            .map_err(|_| unreadable())?;
        type Span = Option<(u16, u16, u16, u16)>;
        let area = |s: Span| {
            s.map_or(0, |(r0, r1, c0, c1)| {
                (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
            })
        };
        let (mut total, mut sheet): (u64, Span) = (0, None);
        let mut at = 0;
        while at + 4 <= data.len() {
            let kind = u16::from_le_bytes([data[at], data[at + 1]]);
            let len = usize::from(u16::from_le_bytes([data[at + 2], data[at + 3]]));
            let body = data.get(at + 4..at + 4 + len).unwrap_or_default();
            at += 4 + len;
            let u16_at = |i: usize| body.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
            let place = match kind {
                // BOF: a sheet (or the workbook's globals) begins.
                0x0809 => {
                    total += area(sheet.take());
                    continue;
                }
                // Number, Label, BoolErr, Rk, LabelSst, Formula, RString: one cell.
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00D6 => {
                    u16_at(0).zip(u16_at(2)).map(|(r, c)| (r, c, c))
                }
                // MulRk: a row's run of cells, its last column at the end.
                0x00BD => u16_at(0)
                    .zip(u16_at(2))
                    .zip(u16_at(len.saturating_sub(2)))
                    .map(|((r, c0), c1)| (r, c0, c1.max(c0))),
                _ => None,
            };
            if let Some((r, c0, c1)) = place {
                sheet = Some(match sheet {
                    None => (r, r, c0, c1),
                    Some((r0, r1, a, b)) => (r0.min(r), r1.max(r), a.min(c0), b.max(c1)),
                });
                if total + area(sheet) > MAX_XLS_CELLS {
                    return Err(AppError::validation(
                        "file",
                        "這個活頁簿的儲存格範圍過大，請只保留質詢清單，或另存為 .xlsx 或 CSV 後再上傳。",
                    ));
                }
            }
        }
        Ok(())
    }

    /// An OpenDocument spreadsheet's `content.xml`, read here rather than by calamine,
    /// which repeats a cell as often as `number-columns-repeated` says (a billion, from a
    /// file of a few bytes): repeats are honoured only within the limits.
    pub fn ods(content: &[u8], rows: &mut Rows) -> Result<(), AppError> {
        use quick_xml::events::{BytesStart, Event};
        let mut reader = quick_xml::Reader::from_reader(content);
        let decoder = reader.decoder();
        let attr = |e: &BytesStart, key: &[u8]| -> Option<String> {
            e.attributes()
                .flatten()
                .find(|a| a.key.as_ref() == key)
                .and_then(|a| {
                    a.decode_and_unescape_value(decoder)
                        .ok()
                        .map(|v| v.into_owned())
                })
        };
        let repeats = |e: &BytesStart, key: &[u8]| -> usize {
            attr(e, key)
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
                .max(1)
        };
        let is_cell =
            |name: &[u8]| matches!(name, b"table:table-cell" | b"table:covered-table-cell");
        let mut buf = Vec::new();
        let (mut sheet, mut sheets) = (None::<String>, 0usize);
        let (mut line, mut row, mut row_repeats) = (0usize, Vec::<String>::new(), 1usize);
        // The cell being read: its typed value, its text, its repeats.
        let mut cell: Option<(Option<String>, String, usize)> = None;
        // Paragraphs of the cell so far; depth inside a note (office:annotation).
        let (mut paragraphs, mut note) = (0usize, 0usize);
        loop {
            let event = reader.read_event_into(&mut buf).map_err(|_| unreadable())?;
            if note > 0 {
                match event {
                    Event::Start(_) => note += 1,
                    Event::End(_) => note -= 1,
                    Event::Eof => break,
                    _ => {}
                }
                buf.clear();
                continue;
            }
            match event {
                Event::Eof => break,
                Event::Start(e) if e.name().as_ref() == b"table:table" => {
                    sheets += 1;
                    if sheets > MAX_SHEETS {
                        break;
                    }
                    sheet = Some(attr(&e, b"table:name").unwrap_or_default());
                    line = 0;
                }
                Event::End(e) if e.name().as_ref() == b"table:table" => {
                    if let Some(name) = sheet.take() {
                        rows.sheet(name);
                    }
                }
                Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                    row.clear();
                    row_repeats = repeats(&e, b"table:number-rows-repeated");
                }
                Event::Empty(e) if e.name().as_ref() == b"table:table-row" => {
                    line = line.saturating_add(repeats(&e, b"table:number-rows-repeated"));
                }
                Event::End(e) if e.name().as_ref() == b"table:table-row" => {
                    if row.iter().any(|c| !c.trim().is_empty()) {
                        // Rows::push refuses the copies past the row limit.
                        for _ in 0..row_repeats {
                            line += 1;
                            rows.push(line, row.clone())?;
                        }
                    } else {
                        line = line.saturating_add(row_repeats);
                    }
                }
                Event::Start(e) if is_cell(e.name().as_ref()) => {
                    let n = repeats(&e, b"table:number-columns-repeated");
                    cell = Some((typed_value(&e, &attr), String::new(), n));
                    paragraphs = 0;
                }
                Event::Empty(e) if is_cell(e.name().as_ref()) => {
                    let n = repeats(&e, b"table:number-columns-repeated");
                    put(&mut row, typed_value(&e, &attr).unwrap_or_default(), n);
                }
                Event::End(e) if is_cell(e.name().as_ref()) => {
                    if let Some((value, text, n)) = cell.take() {
                        put(&mut row, value.unwrap_or(text), n);
                    }
                }
                Event::Start(e) if e.name().as_ref() == b"office:annotation" => note = 1,
                Event::Start(e) if e.name().as_ref() == b"text:p" => {
                    if let Some((_, text, _)) = cell.as_mut() {
                        if paragraphs > 0 {
                            text.push('\n');
                        }
                    }
                    paragraphs += 1;
                }
                Event::Empty(e) => {
                    if let Some((_, text, _)) = cell.as_mut() {
                        match e.name().as_ref() {
                            b"text:s" => {
                                let n = repeats(&e, b"text:c").min(100);
                                text.extend(std::iter::repeat_n(' ', n));
                            }
                            b"text:tab" => text.push('\t'),
                            b"text:line-break" => text.push('\n'),
                            _ => {}
                        }
                    }
                }
                Event::Text(t) => {
                    if let Some((_, text, _)) = cell.as_mut() {
                        // A cell is cut at MAX_CELL_CHARS later; no need to hold more.
                        if text.len() < MAX_CELL_CHARS * 4 {
                            text.push_str(&t.unescape().map_err(|_| unreadable())?);
                        }
                    }
                }
                _ => {}
            }
            buf.clear();
        }
        Ok(())
    }

    /// A number's or date's value as a cell's text: what it is, not how it is shown.
    fn typed_value(
        e: &quick_xml::events::BytesStart,
        attr: &impl Fn(&quick_xml::events::BytesStart, &[u8]) -> Option<String>,
    ) -> Option<String> {
        match attr(e, b"office:value-type").as_deref() {
            Some("float") => attr(e, b"office:value").map(|v| match v.parse::<f64>() {
                Ok(f) => cell_text(&calamine::Data::Float(f)),
                Err(_) => v,
            }),
            Some("date") => attr(e, b"office:date-value")
                .map(|v| v.split('T').next().unwrap_or_default().to_owned()),
            _ => None,
        }
    }

    /// `n` copies of a cell's text at the end of a row; none past the column limit but one
    /// that marks that something is there.
    fn put(row: &mut Vec<String>, text: String, n: usize) {
        let room = (MAX_COLUMNS + 1).saturating_sub(row.len());
        if text.trim().is_empty() {
            // Empty cells only move the next one along.
            row.extend(std::iter::repeat_n(String::new(), n.min(room)));
        } else {
            row.extend(std::iter::repeat_n(text, n.min(room)));
        }
    }

    /// A spreadsheet cell as the text a person would type: whole numbers without `.0`,
    /// dates as dates.
    pub fn cell_text(cell: &calamine::Data) -> String {
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
        let form = read_form(multipart).await?;
        let table = read_table(form.name.clone(), form.bytes, form.sheet).await?;
        let name = safe_file_name(&form.name);
        app::import::db::store(c.db(), c.user.id, form.session_id, &name, &table, c.ts()).await
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

/// The upload form: the session chosen, the list's name and bytes (2 MB at most), and the
/// sheet asked for, if any.
pub(crate) struct UploadForm {
    pub(crate) session_id: i64,
    pub(crate) name: String,
    pub(crate) bytes: axum::body::Bytes,
    pub(crate) sheet: String,
}

pub(crate) async fn read_form(mut multipart: Multipart) -> Result<UploadForm, AppError> {
    let (mut session_id, mut file, mut sheet) = (None, None, String::new());
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
            Some("sheet") => {
                let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                sheet = text.chars().take(100).collect();
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
    Ok(UploadForm {
        session_id,
        name,
        bytes,
        sheet,
    })
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

    fn read(name: &str, bytes: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>), AppError> {
        read_table_now(name, bytes, "").map(|t| (t.header, t.rows))
    }

    #[test]
    fn a_text_files_encoding_is_told_by_its_bytes() {
        let text = "日期,類別\r\n115/01/01,放假\r\n";
        let (big5, _, _) = encoding_rs::BIG5.encode(text);
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let bom = format!("\u{feff}{text}");
        for bytes in [text.as_bytes(), &big5, &utf16, bom.as_bytes()] {
            assert_eq!(text_of(bytes).as_deref(), Some(text));
        }
        assert_eq!(text_of(b"\xff\xfe\x00\xd8"), None, "a lone surrogate");
        assert_eq!(text_of(b"\x81\x30"), None, "neither UTF-8 nor Big5");
    }

    #[test]
    fn csv_in_utf8_with_a_bom_or_in_big5_reads_the_same() {
        let utf8 = "\u{feff}編號,議員\r\n1,王承恩\r\n\r\n2,\"林雨彤、陳冠霖\"\r\n";
        let (header, rows) = read("a.csv", utf8.as_bytes()).unwrap();
        assert_eq!(header, vec!["編號", "議員"]);
        assert_eq!(rows, vec![vec!["1", "王承恩"], vec!["2", "林雨彤、陳冠霖"]]);
        let (big5, _, _) = encoding_rs::BIG5.encode(utf8.trim_start_matches('\u{feff}'));
        assert_eq!(read("a.csv", &big5).unwrap(), (header, rows));
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
        let (header, rows) = read("list.xlsx", &bytes).unwrap();
        assert_eq!(header, vec!["編號", "日期"]);
        assert_eq!(rows, vec![vec!["12", "2024-03-15"]]);
    }

    #[test]
    fn a_workbook_that_would_unpack_too_large_is_refused_before_it_is_read() {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "編號").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert!(read_table_within("a.xlsx", &bytes, "", 1 << 20).is_ok());
        let said = read_table_within("a.xlsx", &bytes, "", 1_000)
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
        let said = read("a.xlsx", &bytes).unwrap_err().to_string();
        assert!(said.contains("內容過多"), "{said}");
    }

    #[test]
    fn a_cell_far_out_in_the_sheet_is_refused_without_making_room_for_all_between() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "編號").unwrap();
        sheet.write_string(1_048_575, 16_383, "遠").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let said = read("a.xlsx", &bytes).unwrap_err().to_string();
        assert!(said.contains("欄"), "{said}");
    }

    #[test]
    fn a_list_of_a_million_columns_or_too_many_rows_is_refused_in_words() {
        let wide = format!("編號{}\r\n", ",x".repeat(1_000_000));
        let said = read("a.csv", wide.as_bytes()).unwrap_err().to_string();
        assert!(said.contains(&format!("{MAX_COLUMNS} 欄")), "{said}");
        let long = format!("編號\r\n{}", "1\r\n".repeat(MAX_ROWS + 1));
        let said = read("a.csv", long.as_bytes()).unwrap_err().to_string();
        assert!(said.contains("最多匯入"), "{said}");
        let just = format!("編號\r\n{}", "1\r\n".repeat(MAX_ROWS));
        assert_eq!(read("a.csv", just.as_bytes()).unwrap().1.len(), MAX_ROWS);
    }

    #[test]
    fn an_empty_or_unreadable_file_is_refused_in_words() {
        let said = read("a.csv", b"\xff\xfe\x00").unwrap_err().to_string();
        assert!(said.contains("CSV"), "{said}");
        let said = read("a.csv", b"\r\n,,\r\n").unwrap_err().to_string();
        assert!(said.contains("沒有任何資料"), "{said}");
    }
}

#[cfg(test)]
mod real_lists {
    //! The lists in `tests/integration/fixtures/lists`, as councils send them.
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/integration/fixtures/lists/"
        );
        std::fs::read(format!("{dir}{name}")).unwrap()
    }

    #[test]
    fn every_shape_of_the_list_is_found_below_its_titles_on_its_sheet() {
        for (name, sheet) in [
            ("questions-big5.csv", ""),
            ("questions-pasted.tsv", ""),
            ("questions.xlsx", "質詢清單"),
            ("questions.xls", "質詢清單"),
            ("questions.ods", "質詢清單"),
        ] {
            let t = read_table_now(name, &fixture(name), "").unwrap();
            assert_eq!(
                t.header,
                vec!["編號", "質詢議員", "質詢類別", "質詢日期", "案由", "說明"],
                "{name}"
            );
            assert_eq!(t.layout.sheet, sheet, "{name}");
            assert_eq!(t.layout.header_line, 4, "{name}");
            assert_eq!(t.layout.lines, vec![5, 6, 7, 8, 9], "{name}");
            assert_eq!(t.rows[1][0], "乙、工務部分", "{name}");
            assert!(t.rows[2][4].chars().count() > 200, "{name}");
            let day = app::import::cells::date(&t.rows[0][3]).unwrap();
            assert_eq!(day.to_string(), "2024-03-15", "{name}: {}", t.rows[0][3]);
            let number = app::import::cells::number(&t.rows[2][0]);
            assert_eq!(number, Some(2), "{name}");
        }
    }

    #[test]
    fn a_sheet_can_be_asked_for_by_name_or_number() {
        let notes = read_table_now("questions.xlsx", &fixture("questions.xlsx"), "1").unwrap();
        assert_eq!(notes.layout.sheet, "說明");
        let said = read_table_now("questions.ods", &fixture("questions.ods"), "附表")
            .unwrap_err()
            .to_string();
        assert!(said.contains("說明、質詢清單"), "{said}");
    }

    /// An ODS whose one cell says it repeats `columns` times in a row repeated `rows` times.
    fn repeated_ods(columns: u64, rows: u64) -> Vec<u8> {
        use std::io::Write;
        let content = format!(
            r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="a"><table:table-row table:number-rows-repeated="{rows}"><table:table-cell office:value-type="string" table:number-columns-repeated="{columns}"><text:p>炸</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("mimetype", options).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_spreadsheet_that_repeats_a_cell_a_billion_times_is_refused_without_making_them() {
        let said = read_table_now("a.ods", &repeated_ods(1_000_000_000, 1), "")
            .unwrap_err()
            .to_string();
        assert!(said.contains("欄"), "{said}");
        let said = read_table_now("a.ods", &repeated_ods(3, 1_000_000_000), "")
            .unwrap_err()
            .to_string();
        assert!(said.contains("最多匯入"), "{said}");
        let fine = read_table_now("a.ods", &repeated_ods(3, 2), "").unwrap();
        assert_eq!(fine.header, vec!["炸", "炸", "炸"]);
        assert_eq!(fine.layout.lines, vec![2]);
    }
}

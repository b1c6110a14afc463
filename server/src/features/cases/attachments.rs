//! Data-request deliveries with attached files: a multipart upload (a plain form post, so
//! it works without JavaScript) and a download that checks who is asking.

use crate::web::answer::{self, Back};
use app::{
    caller::{Caller, Refused},
    cases::case_page::DELIVERY_FORM,
    cases::{
        batch::{check_batch, too_big_words, MAX_BATCH_BYTES, MAX_FILES, MAX_FILE_BYTES},
        db::{deliver_batch, may_deliver, NewFile, StoredFile},
    },
    error::AppError,
};
use axum::{
    extract::{multipart::MultipartRejection, DefaultBodyLimit, Multipart, Path},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use tower_sessions::Session;

/// The most a whole upload may weigh; beyond this the body is not read at all. The batch's
/// files may weigh `MAX_BATCH_BYTES`; the rest is room for the note and the multipart
/// framing, so a batch the browser lets through is never cut off here.
const MAX_BODY_BYTES: usize = MAX_BATCH_BYTES as usize + 1024 * 1024;

/// Types a browser may be told a file is; anything else is served as opaque bytes.
const KNOWN_TYPES: &[&str] = &[
    "application/pdf",
    "text/csv",
    "text/plain",
    "image/png",
    "image/jpeg",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.ms-excel",
    "application/msword",
];

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/cases/{id}/deliveries",
            post(upload).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/files/{id}", get(download))
}

/// Whether a request is a delivery upload (`POST /cases/{id}/deliveries`), which has a
/// body limit of its own.
pub fn is_upload(method: &http::Method, path: &str) -> bool {
    method == http::Method::POST
        && path
            .strip_prefix("/cases/")
            .and_then(|rest| rest.strip_suffix("/deliveries"))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Keeps the last path segment of a browser-sent name, without control or format
/// characters: a right-to-left override (U+202E) before `fdp.exe` shows `invoice` + that
/// as `invoiceexe.pdf`.
pub fn safe_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !is_format_char(*c)
                && !matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|')
        })
        .collect();
    let clean = clean.trim().trim_start_matches('.');
    if clean.is_empty() {
        return "附件".to_owned();
    }
    // Long names are cut to 200 characters in the stem, so the extension (what opens the
    // file) survives.
    const MAX: usize = 200;
    if clean.chars().count() <= MAX {
        return clean.to_owned();
    }
    let (stem, extension) = match clean.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && (1..=10).contains(&ext.chars().count()) => {
            (stem, Some(ext))
        }
        _ => (clean, None),
    };
    match extension {
        Some(ext) => {
            let keep = MAX - 1 - ext.chars().count();
            let stem: String = stem.chars().take(keep).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        None => stem.chars().take(MAX).collect(),
    }
}

/// Unicode's format characters (category Cf): bidirectional controls, zero-width
/// characters, the byte-order mark, the soft hyphen and their kin. Written out rather than
/// taken from a Unicode-tables crate, for a list this short and this stable.
fn is_format_char(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// Delivers a batch: who may deliver here is settled before a byte of the body is read.
async fn upload(
    caller: Result<Caller, Refused>,
    session: Session,
    headers: HeaderMap,
    Path(case_id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let c = caller?;
        may_deliver(c.db(), case_id, &c.user).await?;
        let (mut fields, files) = read_form(multipart.map_err(|_| AppError::BadRequest)?).await?;
        let note = fields.remove("note").unwrap_or_default();
        deliver_batch(&c, case_id, &note, files).await
    }
    .await;
    let page = format!("/cases/{case_id}");
    let back = Back {
        page: &page,
        form: DELIVERY_FORM,
        fragment: "#deliveries",
    };
    answer::form(
        &session,
        &headers,
        result,
        |_| format!("{page}#deliveries"),
        back,
    )
    .await
}

fn too_big() -> AppError {
    AppError::validation("files", too_big_words())
}

/// A multipart form with files: its text fields (the first value of each name) and the
/// files of its `files` inputs, each held to the upload limits while it streams in. Shared
/// by deliveries and by offices filing through their links.
pub async fn read_form(
    mut multipart: Multipart,
) -> Result<(std::collections::HashMap<String, String>, Vec<NewFile>), AppError> {
    let mut fields = std::collections::HashMap::new();
    let mut files = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            AppError::BadRequest
        }
    })? {
        match field.name().map(str::to_owned) {
            Some(name) if name == "files" => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let content_type = field
                    .content_type()
                    .filter(|t| KNOWN_TYPES.contains(t))
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                let mut data = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| too_big())? {
                    if (data.len() + chunk.len()) as u64 > MAX_FILE_BYTES {
                        return Err(too_big());
                    }
                    data.extend_from_slice(&chunk);
                }
                // A file input left empty still sends a part with no name and no bytes.
                if name.is_empty() && data.is_empty() {
                    continue;
                }
                if data.is_empty() {
                    return Err(AppError::validation(
                        "files",
                        format!(
                            "「{}」是空的檔案（0 位元組），本批資料未儲存。",
                            safe_file_name(&name)
                        ),
                    ));
                }
                if files.len() == MAX_FILES {
                    return Err(AppError::validation(
                        "files",
                        format!("每批最多 {MAX_FILES} 個檔案。"),
                    ));
                }
                files.push(NewFile {
                    file_name: safe_file_name(&name),
                    content_type,
                    data,
                });
            }
            Some(name) => {
                let text = field.text().await.map_err(|_| AppError::BadRequest)?;
                fields.entry(name).or_insert(text);
            }
            None => {}
        }
    }
    // The same rules the browser checked before sending; each file was held to its own
    // limit while it streamed in.
    let sizes = files
        .iter()
        .map(|f| (f.file_name.as_str(), f.data.len() as u64));
    if let Some(problem) = check_batch(sizes).first() {
        return Err(AppError::validation("files", problem.message()));
    }
    Ok((fields, files))
}

async fn download(caller: Caller, Path(id): Path<i64>) -> Result<Response, AppError> {
    match app::cases::db::download(&caller, id).await {
        Ok(file) => Ok(served(file)),
        // Whether the file exists is not the caller's to learn.
        Err(AppError::NotFound) => {
            Ok((StatusCode::NOT_FOUND, "找不到這個檔案，或您沒有權限下載。").into_response())
        }
        Err(err) => Err(err),
    }
}

/// A delivered file as sent: its own type if it is one browsers may be told, and never
/// run as a page (`sandbox`, `nosniff`).
pub fn served(file: StoredFile) -> Response {
    served_bytes(file.data, &file.content_type, &file.file_name)
}

/// Any stored upload as sent (a bill's papers too), under the same headers.
pub fn served_bytes(data: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let mut response = answer::attachment(data, content_type, "download", file_name);
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_paths_and_control_characters() {
        assert_eq!(safe_file_name("C:\\Users\\x\\報告.pdf"), "報告.pdf");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("a\u{0}b\r\n.csv"), "ab.csv");
        assert_eq!(safe_file_name("..."), "附件");
        assert_eq!(safe_file_name(""), "附件");
    }

    #[test]
    fn only_a_delivery_post_counts_as_an_upload() {
        assert!(is_upload(&http::Method::POST, "/cases/12/deliveries"));
        assert!(!is_upload(&http::Method::GET, "/cases/12/deliveries"));
        assert!(!is_upload(&http::Method::POST, "/cases//deliveries"));
        assert!(!is_upload(&http::Method::POST, "/api/cases/deliveries"));
        assert!(!is_upload(&http::Method::POST, "/cases/1/../x/deliveries"));
    }

    #[test]
    fn file_names_lose_bidi_and_other_format_characters() {
        assert_eq!(safe_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(safe_file_name("\u{2067}報告\u{2069}.pdf"), "報告.pdf");
        assert_eq!(safe_file_name("a\u{200B}b\u{FEFF}c\u{00AD}.csv"), "abc.csv");
        assert_eq!(safe_file_name("\u{202E}\u{200F}"), "附件");
    }

    #[test]
    fn a_long_name_is_cut_in_its_stem_and_keeps_its_extension() {
        let long = format!("{}.xlsx", "預算".repeat(150));
        let cut = safe_file_name(&long);
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.starts_with("預算") && cut.ends_with("預.xlsx"), "{cut}");
        let no_ext = "字".repeat(300);
        assert_eq!(safe_file_name(&no_ext).chars().count(), 200);
    }
}

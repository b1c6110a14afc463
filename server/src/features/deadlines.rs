//! The working-day calendar as a file: `POST /admin/deadlines/calendar` takes the file the
//! admin downloaded (CSV in UTF-8, Big5 or UTF-16, comma- or tab-separated) and imports it
//! as a pasted one is (`app::deadlines::ops::import`).

use crate::{
    features::{cases::attachments::safe_file_name, import::text_of},
    web::answer::{self, Back},
};
use app::{
    caller::{Caller, Refused},
    deadlines::{
        calendar::CalendarChange,
        pages::{CALENDAR_UPLOAD_FORM, CALENDAR_UPLOAD_PATH},
    },
    error::AppError,
};
use axum::{
    extract::{multipart::MultipartRejection, Multipart},
    http::HeaderMap,
    response::Response,
    routing::post,
    Router,
};
use tower_sessions::Session;

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(CALENDAR_UPLOAD_PATH, post(upload))
}

/// The page the upload comes from and goes back to.
const PAGE: &str = "/admin/deadlines";

async fn upload(
    caller: Result<Caller, Refused>,
    session: Session,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let result = async {
        let c = caller?.allowed(&[app::auth::Role::Admin])?;
        let (name, bytes) = read_file(multipart.map_err(|_| AppError::BadRequest)?).await?;
        import_file(&c, &name, &bytes).await
    }
    .await;
    let back = Back {
        page: PAGE,
        form: CALENDAR_UPLOAD_FORM,
        fragment: "",
    };
    answer::form(&session, &headers, result, |_| PAGE.to_owned(), back).await
}

/// Imports a calendar file's text; its encoding is told by its bytes, and a file that is
/// no text the admin can have meant is refused for that, in one sentence.
pub async fn import_file(c: &Caller, name: &str, bytes: &[u8]) -> Result<CalendarChange, AppError> {
    let text = text_of(bytes).ok_or_else(|| {
        AppError::validation(
            "file",
            "未匯入任何資料：無法辨識檔案的文字編碼。請上傳 CSV（UTF-8 或 Big5）；Excel 檔請先另存為 CSV。",
        )
    })?;
    app::deadlines::ops::import(c, &text, &safe_file_name(name)).await
}

/// The form's one file: its name and bytes.
async fn read_file(mut multipart: Multipart) -> Result<(String, Vec<u8>), AppError> {
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::validation("file", "檔案過大：以 1 MB 為限。"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::validation("file", "檔案過大：以 1 MB 為限。"))?;
            if !bytes.is_empty() {
                return Ok((name, bytes.to_vec()));
            }
        }
    }
    Err(AppError::validation("file", "請選擇要匯入的行事曆檔案。"))
}

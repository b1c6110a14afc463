//! The one error type that crosses the wire. Its messages are what users read (zh-TW);
//! anything internal is logged on the server and replaced by [`AppError::Internal`].

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("請先登入。")]
    Unauthenticated,
    #[error("您沒有權限執行此操作。")]
    Forbidden,
    #[error("帳號或密碼錯誤。")]
    InvalidCredentials,
    /// An admin set this account's password; the user must choose their own first.
    #[error("請先設定您自己的密碼。")]
    PasswordChangeRequired,
    #[error("登入失敗次數過多，帳號已暫時鎖定，請於 {minutes} 分鐘後再試。")]
    LockedOut { minutes: i64 },
    /// Too many login attempts from one network address, whatever the usernames.
    #[error("這個網路位址嘗試登入的次數過多，請於 {seconds} 秒後再試。")]
    TooManyAttempts { seconds: u64 },
    /// A field's value is not acceptable. `input` echoes what was typed, for a form that
    /// was posted without JavaScript and must come back filled in.
    #[error("{message}")]
    Validation {
        field: String,
        message: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        input: Vec<(String, String)>,
        /// The form's other mistakes, `(field, message)`, so that all are shown at once
        /// ([`Problems`]).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        more: Vec<(String, String)>,
    },
    #[error("找不到指定的資料。")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// Someone saved the same text first. Both versions travel back so the user can
    /// compare them; nothing of theirs was overwritten and nothing of yours was saved.
    #[error("{by} 已先儲存了新的版本，您的內容尚未儲存。請對照兩個版本後再儲存。")]
    EditConflict {
        theirs: String,
        by: String,
        yours: String,
    },
    #[error("送出的資料格式有誤，請重新整理頁面後再試。")]
    BadRequest,
    #[error("無法連線到伺服器，請檢查網路後再試。")]
    Network,
    /// A failure of ours, logged on the server; it carries the request's id (錯誤代碼), so
    /// the help desk can find the log line (empty outside a request).
    #[error("系統暫時無法處理您的要求，請稍後再試。{}", reference_words(.0))]
    Internal(String),
    /// Something the server needs is missing (a font for PDF files): what to do about it,
    /// in words an administrator can act on.
    #[error("{0}")]
    Unavailable(String),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            message: message.into(),
            input: Vec::new(),
            more: Vec::new(),
        }
    }

    /// Attaches the submitted form to a validation error, so the form can be shown again
    /// as it was typed.
    pub fn with_input(self, pairs: Vec<(String, String)>) -> Self {
        match self {
            Self::Validation {
                field,
                message,
                more,
                ..
            } => Self::Validation {
                field,
                message,
                input: pairs,
                more,
            },
            other => other,
        }
    }

    /// [`Self::with_input`] from the form's fields as typed: `(name, value)`.
    pub fn keeping(self, typed: &[(&str, &str)]) -> Self {
        self.with_input(
            typed
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// The values typed into `name` before this error, if it carries them.
    pub fn input(&self, name: &str) -> Vec<String> {
        match self {
            Self::Validation { input, .. } => input
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The message for one form field, if this error is about it.
    pub fn field_message(&self, name: &str) -> Option<String> {
        self.problems()
            .into_iter()
            .find(|(field, _)| field == name)
            .map(|(_, message)| message)
    }

    /// Every mistake of a refused form, `(field, message)`, in the form's order.
    pub fn problems(&self) -> Vec<(String, String)> {
        match self {
            Self::Validation {
                field,
                message,
                more,
                ..
            } => std::iter::once((field.clone(), message.clone()))
                .chain(more.iter().cloned())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether every word of the message is ours (no text a user typed or a server put
    /// in): such an error may travel where a client could forge it.
    pub fn has_fixed_words(&self) -> bool {
        !matches!(
            self,
            Self::Validation { .. }
                | Self::Conflict(_)
                | Self::EditConflict { .. }
                | Self::Unavailable(_)
        ) && !matches!(self, Self::Internal(id) if !id.is_empty())
    }

    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::Forbidden | Self::PasswordChangeRequired => 403,
            Self::NotFound => 404,
            Self::Conflict(_) | Self::EditConflict { .. } => 409,
            Self::Validation { .. } => 422,
            Self::LockedOut { .. } | Self::TooManyAttempts { .. } => 429,
            Self::BadRequest => 400,
            Self::Network | Self::Unavailable(_) => 503,
            Self::Internal(_) => 500,
        }
    }

    /// The HTTP status this error answers with.
    #[cfg(feature = "ssr")]
    pub fn http_status(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.status_code())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Logs an internal failure and returns the error the user may see, with the id of
    /// the request it happened in (the log line carries the same id).
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!("{context}: {err}");
        Self::Internal(current_request_id())
    }
}

/// A form's mistakes, gathered so that all of them are shown at once instead of one per
/// try: each check gives its value, or keeps its error and gives `None`.
#[derive(Debug, Default)]
pub struct Problems(Vec<AppError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn check<T>(&mut self, result: Result<T, AppError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// The value `build` makes of the checked parts, or every mistake as one error: the
    /// first leads (its field and message), the others follow in `more`. An error that is
    /// not about a field is returned as it is.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, AppError> {
        let mut errors = self.0.into_iter();
        let Some(first) = errors.next() else {
            // Every part was checked, so every part is there.
            return build().ok_or(AppError::BadRequest);
        };
        let rest: Vec<AppError> = errors.collect();
        if let Some(other) = std::iter::once(&first)
            .chain(&rest)
            .find(|e| !matches!(e, AppError::Validation { .. }))
        {
            return Err(other.clone());
        }
        let more = rest.iter().flat_map(AppError::problems).collect();
        match first {
            AppError::Validation {
                field,
                message,
                input,
                ..
            } => Err(AppError::Validation {
                field,
                message,
                input,
                more,
            }),
            other => Err(other),
        }
    }
}

/// `（錯誤代碼：…）` after an internal error's words, when it has a request id.
fn reference_words(id: &str) -> String {
    if id.is_empty() {
        String::new()
    } else {
        format!("（錯誤代碼：{id}）")
    }
}

#[cfg(feature = "ssr")]
tokio::task_local! {
    /// The id of the request being answered (`x-request-id`), set by the server around
    /// every request.
    pub static REQUEST_ID: String;
}

/// The id of the request being answered: from the server's task-local, or from the
/// request a Leptos render or server fn was given; empty outside a request.
#[cfg(feature = "ssr")]
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .ok()
        .or_else(|| {
            leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
                parts
                    .headers
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            })
        })
        .unwrap_or_default()
}

/// A refusal as an axum handler's answer (a download, a file): the status and the message
/// in words, as plain text (files are followed by the browser, not rendered as pages).
/// Forms answer through the server's form answer instead, which takes the message back to
/// the form's page; a browser not signed in is sent to sign in by the caller extractor.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        (self.http_status(), self.to_string()).into_response()
    }
}

/// A form's refusal on its way back to the page the form was on. It travels in the
/// session, never in the URL: a message read from a URL could be anyone's words inside
/// our page, and a refused form's texts (a question, a reply) do not belong in addresses
/// that land in logs and histories. The server takes it out of the session when the
/// browser asks for `to` and puts it into that request's extensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashedError {
    /// The page (path and query) the error is for.
    pub to: String,
    /// The form it answers: a server fn's path, or a name of the server's own.
    pub form: String,
    pub error: AppError,
}

/// The flashed error of `form` in this request, if any. Only a server render has one: the
/// browser's build, which renders no page itself, always answers `None`.
#[cfg(feature = "ssr")]
pub fn flashed_error(form: &str) -> Option<AppError> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let flashed = parts.extensions.get::<FlashedError>()?;
    (flashed.form == form).then(|| flashed.error.clone())
}

#[cfg(not(feature = "ssr"))]
pub fn flashed_error(_form: &str) -> Option<AppError> {
    None
}

/// Hands this request's flashed server-fn error to the `ServerAction` of that server fn,
/// as Leptos would from the URL.
#[cfg(feature = "ssr")]
pub fn provide_flashed_action_error() {
    use base64::{engine::general_purpose::URL_SAFE, Engine};
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return;
    };
    if let Some(flashed) = parts.extensions.get::<FlashedError>() {
        let encoded = URL_SAFE.encode(flashed.error.ser());
        leptos::prelude::provide_context(leptos::server::ServerActionError::new(
            &flashed.form,
            &encoded,
        ));
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        tracing::warn!("server fn framework error: {value}");
        let err = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => Self::BadRequest,
            ServerFnErrorErr::Request(_) => Self::Network,
            #[cfg(feature = "ssr")]
            _ => Self::Internal(current_request_id()),
            #[cfg(not(feature = "ssr"))]
            _ => Self::Internal(String::new()),
        };
        // Undecodable arguments never reach the server fn body; answer their status here.
        #[cfg(feature = "ssr")]
        let err = with_status::<()>(Err(err)).unwrap_err();
        err
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        Self::internal("database", err)
    }
}

/// Sets the HTTP status of a failed server-fn call from its error, so API callers see 401,
/// 403, 422 … rather than a blanket 500. Plain form posts (no JavaScript) are left alone:
/// they must stay a redirect back to the form, which then shows the message.
#[cfg(feature = "ssr")]
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let is_form_post = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.headers.get(http::header::ACCEPT).cloned())
            .and_then(|accept| accept.to_str().ok().map(|a| a.contains("text/html")))
            .unwrap_or(false);
        if !is_form_post {
            if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                options.set_status(err.http_status());
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_with_several_mistakes_reports_every_one_with_its_field() {
        let mut p = Problems::new();
        let a: Option<i64> = p.check(Err(AppError::validation("number", "請輸入質詢編號。")));
        let b = p.check(Ok::<_, AppError>("議題"));
        let c: Option<i64> = p.check(Err(AppError::validation("sitting_date", "請輸入日期。")));
        let err = p.finish(|| Some((a?, b?, c?))).unwrap_err();
        assert_eq!(
            err.problems(),
            vec![
                ("number".to_owned(), "請輸入質詢編號。".to_owned()),
                ("sitting_date".to_owned(), "請輸入日期。".to_owned())
            ]
        );
        assert_eq!(
            err.field_message("sitting_date").as_deref(),
            Some("請輸入日期。")
        );
        assert_eq!(err.to_string(), "請輸入質詢編號。");
        // Kept through the echo of what was typed, and through the wire.
        let err = err.keeping(&[("number", "x")]);
        let back: AppError = serde_json::from_str(&serde_json::to_string(&err).unwrap()).unwrap();
        assert_eq!(back.problems().len(), 2);
        assert_eq!(back.input("number"), vec!["x".to_owned()]);
    }

    #[test]
    fn a_form_without_mistakes_is_built_and_a_refusal_not_about_a_field_comes_first() {
        let mut p = Problems::new();
        let a = p.check(Ok::<_, AppError>(1));
        assert_eq!(p.finish(|| Some(a? + 1)), Ok(2));
        let mut p = Problems::new();
        p.check::<()>(Err(AppError::validation("topic", "請輸入議題。")));
        p.check::<()>(Err(AppError::Forbidden));
        assert_eq!(p.finish(|| Some(())), Err(AppError::Forbidden));
    }

    #[test]
    fn framework_errors_never_carry_their_internal_text_to_the_user() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "no such table: users".into(),
        ));
        assert!(matches!(err, AppError::Internal(_)));
        assert!(!err.to_string().contains("users"));
    }

    #[test]
    fn malformed_arguments_are_a_bad_request() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("bad".into()));
        assert_eq!(err.status_code(), 400);
    }

    #[test]
    fn a_validation_error_names_its_field() {
        let err = AppError::validation("username", "請輸入帳號");
        assert_eq!(err.field_message("username").as_deref(), Some("請輸入帳號"));
        assert_eq!(err.field_message("password"), None);
    }
}

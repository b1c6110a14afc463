//! Pieces every page uses: the error view, the 404 page and form messages. (The top bar,
//! which needs to know who is signed in, is in `top_bar`; this module knows no feature.)

use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::A;

/// The page's `<title>`, the only way pages set it. leptos_meta writes a title's text into
/// the page unescaped (0.8.7, and 0.9.0-rc1 alike), so a case topic such as
/// `議題</title><meta http-equiv="refresh" …>` would redirect whoever opened the case: the
/// text is escaped here, and `clippy.toml` refuses `leptos_meta::Title` anywhere else.
/// Only the server renders pages (the browser runs islands alone), so it is escaped once.
#[allow(clippy::disallowed_methods)]
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <leptos_meta::Title text=crate::escape::raw_child(text) /> }
}

/// Sets the HTTP status of the page being rendered on the server to `error`'s.
fn set_status(_error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(_error.http_status());
    }
}

/// Shows what went wrong in words users understand; never internal details, which the
/// error type does not carry.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_status(&error);
    let heading = match error {
        AppError::Forbidden => "沒有權限",
        AppError::NotFound => "找不到頁面",
        AppError::Unauthenticated => "請先登入",
        _ => "發生錯誤",
    };
    view! {
        <PageTitle text=format!("{heading}｜府會通") />
        <section class="error-page" role="alert">
            <h1>{heading}</h1>
            <p>{error.to_string()}</p>
            <p>
                <A href="/">"回到首頁"</A>
            </p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound /> }
}

/// The error of a form's last submission, as a signal the form's parts read.
pub type FormResult = Signal<Option<AppError>>;

/// The refusal, if any, of a form action's last submission.
pub fn form_result<T, V>(value: V) -> FormResult
where
    T: Clone + Send + Sync + 'static,
    V: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(Result::err))
}

/// The first value typed into `name` before the last refusal (empty when there was none):
/// a refused form comes back with what was typed.
pub fn kept(error: FormResult, name: &str) -> String {
    error
        .get_untracked()
        .map(|e| e.input(name).into_iter().next().unwrap_or_default())
        .unwrap_or_default()
}

/// The message under one field, when the last submission was refused because of it.
#[component]
pub fn FieldError(error: FormResult, field: &'static str) -> impl IntoView {
    move || {
        error
            .get()
            .and_then(|e| e.field_message(field))
            .map(|m| view! { <p class="field-error">{m}</p> })
    }
}

/// A form refused for several mistakes: how many and which, above the form, so that all
/// are fixed in one go (each is also shown at its field).
#[component]
pub fn FormProblems(error: FormResult) -> impl IntoView {
    move || {
        let problems = error.get().map(|e| e.problems()).unwrap_or_default();
        (problems.len() > 1).then(|| {
            view! {
                <div class="form-error" role="alert">
                    <p>{format!("這份表單有 {} 處需要修正：", problems.len())}</p>
                    <ul>
                        {problems
                            .into_iter()
                            .map(|(_, message)| view! { <li>{message}</li> })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// A refusal that is not about one field (permission, wrong state, conflict, network).
#[component]
pub fn FormError(error: FormResult) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| {
                !matches!(
                    e,
                    AppError::Validation { .. } | AppError::EditConflict { .. }
                )
            })
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}

/// A document of the city's papers (`crate::document`) as a page to read and print: the
/// same blocks the server writes as ODT and PDF, so the printout says what the files say.
/// Page breaks become print breaks; Leptos escapes every text.
#[component]
pub fn DocumentView(doc: crate::document::Document) -> impl IntoView {
    use crate::document::Block;
    let blocks = doc
        .blocks
        .into_iter()
        .map(|block| match block {
            // The document's own first heading is the page's h1; its others sit below it.
            Block::Heading { level: 1, text, .. } => view! { <h1>{text}</h1> }.into_any(),
            Block::Heading { level: 2, text, .. } => view! { <h2>{text}</h2> }.into_any(),
            Block::Heading { text, .. } => view! { <h3>{text}</h3> }.into_any(),
            Block::Paragraph(text) => view! { <p class="doc-text">{text}</p> }.into_any(),
            Block::Centered(text) => view! { <p class="doc-centered">{text}</p> }.into_any(),
            Block::Table { header, rows } => view! {
                <table class="data-table">
                    <thead><tr>{header.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr>{row.into_iter().zip(header.clone()).map(|(cell, label)| view! { <td data-label=label>{cell}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
            Block::Contents(lines) => view! {
                <ol class="doc-contents">{lines.into_iter().map(|(text, _)| view! { <li>{text}</li> }).collect_view()}</ol>
            }
            .into_any(),
            Block::PageBreak => view! { <hr class="doc-break" /> }.into_any(),
        })
        .collect_view();
    view! { <article class="volume document">{blocks}</article> }
}

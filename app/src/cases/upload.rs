//! The delivery form of a data request. Without JavaScript it is a plain multipart post
//! and the server answers with the case page. In the browser it is an island: it checks
//! the chosen files against the batch limits before a byte is sent, then sends them with
//! a progress bar, and a refusal shows here with the files still chosen.

use super::batch::{megabytes, MAX_BATCH_BYTES, MAX_FILES, MAX_FILE_BYTES};
use leptos::{html, prelude::*};

/// What the form is doing: waiting for the user, or sending (with the percent sent).
#[derive(Clone, Copy, PartialEq)]
// The server only ever renders `Idle`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Sending {
    Idle,
    Sent(u32),
}

/// The form, complete without JavaScript; the island inside it adds the checks, the
/// progress and the button.
#[component]
pub fn DeliveryForm(case_id: i64) -> impl IntoView {
    view! {
        <form
            method="post"
            action=format!("/cases/{case_id}/deliveries")
            enctype="multipart/form-data"
            class="stacked-form"
            aria-label="提供一批資料"
        >
            <DeliveryLive>
                <label for="delivery-note">"本批說明"</label>
                <input id="delivery-note" name="note" required />
                <label for="delivery-files">"附件（可多選）"</label>
                <input
                    id="delivery-files"
                    name="files"
                    type="file"
                    multiple
                    aria-describedby="delivery-limits"
                />
                <p class="field-hint" id="delivery-limits">
                    {format!(
                        "每個檔案 {} 以內，每批最多 {MAX_FILES} 個、合計 {} 以內。",
                        megabytes(MAX_FILE_BYTES),
                        megabytes(MAX_BATCH_BYTES),
                    )}
                </p>
            </DeliveryLive>
        </form>
    }
}

/// The browser's part of the form: it finds its form and file input from its own button
/// rather than taking the case as a prop, which would travel as JSON (see
/// `islands::editor`).
#[island]
fn DeliveryLive(children: Children) -> impl IntoView {
    let button = NodeRef::<html::Button>::new();
    let problems = RwSignal::new(Vec::<String>::new());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(Sending::Idle);
    #[cfg(feature = "hydrate")]
    button.on_load(move |button| live::start(button, problems, failure, sending));

    view! {
        {children()}
        {move || {
            let list = problems.get();
            (!list.is_empty())
                .then(|| {
                    view! {
                        <div class="form-error" role="alert">
                            <p>"這批檔案無法送出："</p>
                            <ul>{list.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                        </div>
                    }
                })
        }}
        {move || failure.get().map(|m| view! { <p class="form-error said" role="alert">{m}</p> })}
        {move || match sending.get() {
            Sending::Idle => None,
            Sending::Sent(percent) => Some(view! {
                <div class="upload-progress">
                    <progress max="100" value=percent aria-label="上傳進度"></progress>
                    <span role="status">
                        {if percent < 100 { format!("上傳中 {percent}%") } else { "已上傳，儲存中…".to_owned() }}
                    </span>
                </div>
            }),
        }}
        <button type="submit" node_ref=button disabled=move || sending.get() != Sending::Idle>
            {move || if sending.get() == Sending::Idle { "送出本批資料" } else { "上傳中…" }}
        </button>
    }
}

#[cfg(feature = "hydrate")]
mod live {
    use super::{super::batch::check_batch, Sending};
    use crate::error::AppError;
    use leptos::{
        prelude::*,
        wasm_bindgen::{closure::Closure, JsCast, JsValue},
        web_sys::{self, Event, HtmlButtonElement, HtmlFormElement, HtmlInputElement},
    };

    /// Listens on the form and its file input. On the elements themselves, not the window:
    /// the page-wide submit guard (`islands::browser`) listens on the window and must see
    /// that this form is sent here.
    pub fn start(
        button: HtmlButtonElement,
        problems: RwSignal<Vec<String>>,
        failure: RwSignal<Option<String>>,
        sending: RwSignal<Sending>,
    ) {
        let Some(form) = button.form() else { return };
        let Some(files) = form
            .query_selector("input[type=file]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };

        let check = {
            let files = files.clone();
            move || {
                let chosen = chosen_files(&files);
                let found = check_batch(chosen.iter().map(|(name, bytes)| (name.as_str(), *bytes)));
                problems.set(found.iter().map(|p| p.message()).collect());
                found.is_empty()
            }
        };
        let changed = Closure::<dyn Fn()>::new({
            let check = check.clone();
            move || {
                failure.set(None);
                check();
            }
        });
        let submitted = Closure::<dyn Fn(Event)>::new({
            let form = form.clone();
            move |ev: Event| {
                if sending.get_untracked() != Sending::Idle {
                    ev.prevent_default();
                    return;
                }
                failure.set(None);
                if !check() {
                    ev.prevent_default();
                    return;
                }
                // Should the browser refuse a request object, the form posts as it would
                // without JavaScript.
                if send(&form, sending, failure).is_ok() {
                    ev.prevent_default();
                }
            }
        });
        let _ = files.add_event_listener_with_callback("change", changed.as_ref().unchecked_ref());
        let _ = form.add_event_listener_with_callback("submit", submitted.as_ref().unchecked_ref());
        // The form lives as long as the page, and so do its listeners.
        changed.forget();
        submitted.forget();
    }

    /// The files picked in the input, as (name, bytes).
    fn chosen_files(input: &HtmlInputElement) -> Vec<(String, u64)> {
        let Some(list) = input.files() else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|f| (f.name(), f.size() as u64))
            .collect()
    }

    /// Posts the form with XMLHttpRequest, the one browser API that reports upload
    /// progress.
    fn send(
        form: &HtmlFormElement,
        sending: RwSignal<Sending>,
        failure: RwSignal<Option<String>>,
    ) -> Result<(), JsValue> {
        let data = web_sys::FormData::new_with_form(form)?;
        let xhr = web_sys::XmlHttpRequest::new()?;
        xhr.open("POST", &form.action())?;
        // A refusal comes back as its message, to show in place with the chosen files
        // kept. Plain text rather than JSON: a JSON reader would double the wasm.
        xhr.set_request_header("Accept", "text/plain")?;

        let progress =
            Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    let percent = (e.loaded() / e.total() * 100.0).floor() as u32;
                    sending.set(Sending::Sent(percent.min(100)));
                }
            });
        xhr.upload()?
            .set_onprogress(Some(progress.as_ref().unchecked_ref()));
        // Lives as long as the request; the page is reloaded or the form reused after it.
        progress.forget();

        let done = {
            let xhr = xhr.clone();
            Closure::once_into_js(move || match xhr.status().unwrap_or(0) {
                200..=299 => {
                    // The case page again, at its deliveries, with the new batch listed.
                    let location = window().location();
                    let _ = location.set_hash("deliveries");
                    let _ = location.reload();
                }
                401 => {
                    let _ = window().location().assign("/login");
                }
                status => {
                    sending.set(Sending::Idle);
                    // Only the app's own words: a proxy's refusal is a page of HTML.
                    let ours = xhr
                        .get_response_header("Content-Type")
                        .ok()
                        .flatten()
                        .is_some_and(|t| t.starts_with("text/plain"));
                    let said = xhr
                        .response_text()
                        .ok()
                        .flatten()
                        .filter(|text| ours && !text.trim().is_empty());
                    failure.set(Some(said.unwrap_or_else(|| refused(status).to_string())));
                }
            })
        };
        xhr.set_onload(Some(done.unchecked_ref()));
        let lost = Closure::once_into_js(move || {
            sending.set(Sending::Idle);
            failure.set(Some(AppError::Network.to_string()));
        });
        xhr.set_onerror(Some(lost.unchecked_ref()));

        xhr.send_with_opt_form_data(Some(&data))?;
        sending.set(Sending::Sent(0));
        Ok(())
    }

    /// What a refusal without a message (a proxy's) means, by its status.
    fn refused(status: u16) -> AppError {
        match status {
            403 => AppError::Forbidden,
            404 => AppError::NotFound,
            413 => AppError::validation("files", super::super::batch::too_big_words()),
            502..=504 => AppError::Network,
            _ => AppError::Internal(String::new()),
        }
    }
}

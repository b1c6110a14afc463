//! The delivery form of a data request. Without JavaScript it is a plain multipart post
//! and the server answers with the case page. In the browser it is an island: it checks
//! the chosen files against the batch limits before a byte is sent, then sends them with
//! a progress bar, and a refusal shows here with the files still chosen.

use super::batch::{check_batch, megabytes, MAX_BATCH_BYTES, MAX_FILES, MAX_FILE_BYTES};
use crate::error::AppError;
use leptos::{
    ev, html,
    prelude::*,
    wasm_bindgen::{closure::Closure, JsCast, JsValue},
};

/// What the form is doing: waiting for the user, or sending (with the percent sent).
#[derive(Clone, Copy, PartialEq)]
enum Sending {
    Idle,
    Sent(u32),
}

#[island]
pub fn DeliveryForm(case_id: i64) -> impl IntoView {
    let files = NodeRef::<html::Input>::new();
    let problems = RwSignal::new(Vec::<String>::new());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(Sending::Idle);

    let check = move || {
        let chosen = chosen_files(files);
        let found = check_batch(chosen.iter().map(|(name, bytes)| (name.as_str(), *bytes)));
        problems.set(found.iter().map(|p| p.message()).collect());
        found.is_empty()
    };
    let on_submit = move |ev: ev::SubmitEvent| {
        if sending.get_untracked() != Sending::Idle {
            ev.prevent_default();
            return;
        }
        failure.set(None);
        if !check() {
            ev.prevent_default();
            return;
        }
        let form = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
        // Should the browser refuse a request object, the form posts as it would without
        // JavaScript.
        if let Some(Ok(())) = form.map(|form| send(&form, sending, failure)) {
            ev.prevent_default();
        }
    };

    view! {
        <form
            method="post"
            action=format!("/cases/{case_id}/deliveries")
            enctype="multipart/form-data"
            class="stacked-form"
            aria-label="提供一批資料"
            on:submit=on_submit
        >
            <label for="delivery-note">"本批說明"</label>
            <input id="delivery-note" name="note" required />
            <label for="delivery-files">"附件（可多選）"</label>
            <input
                id="delivery-files"
                name="files"
                type="file"
                multiple
                aria-describedby="delivery-limits"
                node_ref=files
                on:change=move |_| {
                    failure.set(None);
                    check();
                }
            />
            <p class="field-hint" id="delivery-limits">
                {format!(
                    "每個檔案 {} 以內，每批最多 {MAX_FILES} 個、合計 {} 以內。",
                    megabytes(MAX_FILE_BYTES),
                    megabytes(MAX_BATCH_BYTES),
                )}
            </p>
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
            {move || failure.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
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
            <button type="submit" disabled=move || sending.get() != Sending::Idle>
                {move || if sending.get() == Sending::Idle { "送出本批資料" } else { "上傳中…" }}
            </button>
        </form>
    }
}

/// The files picked in the input, as (name, bytes).
fn chosen_files(input: NodeRef<html::Input>) -> Vec<(String, u64)> {
    let Some(list) = input.get_untracked().and_then(|i| i.files()) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|f| (f.name(), f.size() as u64))
        .collect()
}

/// Posts the form with XMLHttpRequest, the one browser API that reports upload progress.
fn send(
    form: &web_sys::HtmlFormElement,
    sending: RwSignal<Sending>,
    failure: RwSignal<Option<String>>,
) -> Result<(), JsValue> {
    let data = web_sys::FormData::new_with_form(form)?;
    let xhr = web_sys::XmlHttpRequest::new()?;
    xhr.open("POST", &form.action())?;
    // A JSON answer lets a refusal show in place, with the chosen files kept.
    xhr.set_request_header("Accept", "application/json")?;

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
            status => {
                sending.set(Sending::Idle);
                let error = xhr
                    .response_text()
                    .ok()
                    .flatten()
                    .and_then(|body| leptos::serde_json::from_str::<AppError>(&body).ok())
                    .unwrap_or(match status {
                        401 => AppError::Unauthenticated,
                        403 => AppError::Forbidden,
                        404 => AppError::NotFound,
                        _ => AppError::Internal(String::new()),
                    });
                if error == AppError::Unauthenticated {
                    let _ = window().location().assign("/login");
                }
                failure.set(Some(error.to_string()));
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

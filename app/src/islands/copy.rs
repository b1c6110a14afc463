//! A button that copies a text (a new status link) to the clipboard. Without JavaScript
//! there is nothing to press: the text stays in its read-only box to select and copy.

use leptos::prelude::*;

#[island]
pub fn CopyText(text: String) -> impl IntoView {
    // Shown once running in the browser: the server renders it hidden.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let done = RwSignal::new(false);
    let copy = move |_| {
        if let Some(window) = leptos::web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            done.set(true);
        }
    };
    view! {
        <button type="button" class="secondary" hidden=move || !live.get() on:click=copy>
            "複製連結"
        </button>
        <span aria-live="polite">{move || done.get().then_some("已複製")}</span>
    }
}
